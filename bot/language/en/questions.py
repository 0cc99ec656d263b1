"""What a question asks for: the expected answer type, outlets named, follow-up detection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.language.en.lexicon import table

_WORDS = table("questions")  # bot/language/en/data/questions.toml

# "What country music star", "which state senator": the place word qualifies someone.
_QUALIFIES = (
    r"(?!\s+(?:music|singers?|stars?|artists?|senators?|lawmakers?|legislat\w*|department|"
    r"officials?|police|university|college|attorneys?|representatives?|governors?|council|"
    r"fair|parks?|clubs?|teams?))"
)


class AnswerType(StrEnum):
    """Answer types the extractor knows how to find in a sentence."""

    PERSON_OR_GROUP = "who"
    DATE = "when"
    PLACE = "where"
    NUMBER = "number"
    NAME = "name"  # "which team", "what company": a proper name of the head noun's kind
    OTHER = "other"


class Subtype(StrEnum):
    """A narrower kind of answer: a place of a gazetteer, a year, a percentage."""

    COUNTRY = "country"
    US_STATE = "state"
    CITY = "city"
    YEAR = "year"
    PERCENT = "percent"


_WH = [
    (re.compile(r"\bhow (many|much|long|old|far|big|large|high)\b", re.I), AnswerType.NUMBER),
    (re.compile(r"\bwhat (percentage|percent|number|amount|age|share)\b", re.I), AnswerType.NUMBER),
    (re.compile(r"\b(who|whom|whose)\b", re.I), AnswerType.PERSON_OR_GROUP),
    (re.compile(r"\bwhen\b|\bwhat (date|day|year|month|time)\b", re.I), AnswerType.DATE),
    (
        re.compile(
            r"\bwhere\b|\bwhich (countr(y|ies)|cit(y|ies)|states?|nations?|regions?|places?)\b"
            + _QUALIFIES,
            re.I,
        ),
        AnswerType.PLACE,
    ),
    # "which team", "what company"; not "what did ... say" or "what is ...".
    (
        re.compile(
            r"\b(which|what)\s+(?!(?:did|does|do|is|was|are|were|has|have|had|will|would|can"
            r"|could|should|happened|happens)\b)[a-z]+",
            re.I,
        ),
        AnswerType.NAME,
    ),
    # "What will they do when they meet?": a question about an action, not a date.
    (
        re.compile(r"\b(what|how)\s+(did|does|do|will|would|can|could|should)\b", re.I),
        AnswerType.OTHER,
    ),
]
_RELATION = re.compile(r"\bwho\b.*\bwhom\b|\bwho\s+\w+ed\s+whom\b", re.I)
_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|then)\b|\b(that|it|he|she|they|them|him|her|this|those|these|there)\b"
    r"|^what about\b|^how about\b",
    re.I,
)


# (Not a word of a compound: "what three-letter acronym".)
_PLURAL_HEAD = re.compile(r"\b(?:which|what)\s+([\w.]+)(?![\w-])(?:\s+(\w+)(?![\w-]))?", re.I)
_COUNTING = frozenset(_WORDS["counting"])
# Words that end in "s" without asking for several: "which home goods chain", "what sports
# league", "which news outlet", "which gas station", "which awards show".
_NOT_PLURAL = frozenset(_WORDS["not_plural"])
# Helping verbs: "who was" asks no verb, "what do officials say" no kind.
AUXILIARIES = frozenset(_WORDS["auxiliaries"])
_NOT_A_KIND = _NOT_PLURAL | AUXILIARIES
# A first word that describes the second ("which European countries", "what significant
# changes", "which other teams"); after a noun ("which country ranks", "which fruit holds") or
# an adverb the second word is a verb.
_DESCRIBING = re.compile(
    r"[A-Z].*|.*(?:al|ic|ous|ive|ful|ant|ent|ar|ian|ese|ish)|other|new|top|tech"
)


def _plural(word: str) -> bool:
    return (
        word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word.lower() not in _NOT_A_KIND
    )


def asks_for_several(question: str) -> bool:
    """ "Which countries", "which two teams", "what US states": a plural kind word (first or
    second after "which"/"what"), not a verb's "s" ("which country was", "which fruit holds"),
    a decade ("which classic 1970s tune") or a name ("what inspired Thomas")."""
    # ", which represents ...": a relative clause, not the question's kind.
    m = next(
        (m for m in _PLURAL_HEAD.finditer(question) if question[: m.start()][-2:] != ", "), None
    )
    if m is None:
        return False
    first, second = m.group(1), m.group(2)
    if first.lower() in _COUNTING:
        return True
    if first.lower() in AUXILIARIES:  # "what do officials say": not the kind asked for
        return False
    if _plural(first) and not first[0].isdigit():
        return True
    return (
        second is not None
        and second.isalpha()
        and second.islower()
        and _plural(second)
        and bool(_DESCRIBING.fullmatch(first))
    )


@dataclass(frozen=True)
class QuestionKind:
    answer_type: str
    relation: bool  # "who warned whom": both sides of the relation are wanted
    plural: bool  # "which countries": every name of the kind in the evidence sentence
    attitude: bool = False  # what someone thinks/feels, or what probably happens
    # A narrower kind of answer: "which country" COUNTRY, US_STATE or CITY (see places.py),
    # "what year" YEAR, "what percentage" PERCENT.
    subtype: str | None = None


# Questions about a state of mind or a guess. News reports what people said and did; what they
# think, or what will probably happen, is answered only when a sentence states it. A hedge in
# what the question tells ("graves believed to have belonged to ...", "the preferred choice")
# asks for no view.
_ATTITUDE_QUESTION = re.compile(
    r"\b(?:think|thinks|believes?|feel|feels|felt|opinion|prefers?|probably|likely"
    r"|(?:believed|thought)(?!\s+to\s+(?:be|have)\b)|(?<!\bthe )preferred)\b",
    re.I,
)
_ATTITUDE_STATED = re.compile(
    r"\b(think|thinks|thought|believ\w*|feel|feels|felt|opinion\w*|prefer\w*|probabl\w*"
    r"|likely|unlikely|expect\w*|hope\w*|fear\w*|worr\w*|consider(?:s|ed|ing)?|views?|viewed"
    r"|convinced|doubt\w*|suspect\w*|confident|skeptical|sceptical)\b",
    re.I,
)


# "What did [the inspector general] think ...": the one whose view is asked for.
_HOLDER = re.compile(
    r"\b(?:does|did|do|is|was|are|were|will|would)\s+(?P<holder>.+?)\s+"
    r"(?:think|thinks|thought|believe[sd]?|feel|feels|felt|prefer|probably|likely)\b",
    re.I,
)


def attitude_holder(question: str) -> list[str]:
    """The words naming whose view a question asks for ("the inspector general" -> [...])."""
    m = _HOLDER.search(question)
    if m is None:
        return []
    return [w for w in re.findall(r"\w+", m.group("holder").lower()) if w not in _ARTICLES]


_ARTICLES = frozenset(_WORDS["articles"])


def states_attitude(sentence: str, holder: Sequence[str] = ()) -> bool:
    """Does the sentence state a belief, feeling, expectation or likelihood (held by `holder`)?

    With a holder, one of its words must come before the word stating the view, shortly before
    it or saying it ("Trump said he thinks", "Biden said that the likelihood ... is highly
    unlikely"; not "I think Trump will win", nor "where Trump and Abe will meet before the
    summit, which the U.S. president has said in recent days is likely ...").
    """
    words = [w.lower() for w in re.findall(r"[\w']+", sentence)]
    stems = {w[:5] for w in holder}
    named = [j for j, w in enumerate(words) if w[:5] in stems]
    for i, word in enumerate(words):
        if not _ATTITUDE_STATED.fullmatch(word):
            continue
        if not holder or any(
            j < i and (i - j <= HOLDER_REACH or _SAYS.intersection(words[j + 1 : j + 3]))
            for j in named
        ):
            return True
    return False


HOLDER_REACH = 8  # words before the view's word in which the one holding it is named
_SAYS = frozenset(_WORDS["says"])


# "which country", "what U.S. state", "which North African country", "which Pacific island
# nation": a place of a kind a gazetteer lists (a second word qualifying it is a name's or
# "island", not "which storm hit cities").
_PLACE_HEAD = re.compile(
    r"\b(?:which|what)\s+(?:[\w.-]+\s+)?(?:(?-i:[A-Z])[\w.-]*\s+|island\s+)?"
    r"(?P<head>countr(?:y|ies)|nations?|states?|cit(?:y|ies))\b" + _QUALIFIES,
    re.I,
)
_YEAR_HEAD = re.compile(r"\b(?:what|which) year\b|\bin what year\b", re.I)
_PERCENT_HEAD = re.compile(r"\bwhat (?:percentage|percent|share)\b", re.I)
_NAME_OF = re.compile(r"\bwhat (?:is|was|are|were) the names? of\b", re.I)


def asks_name_of(question: str) -> bool:
    """ "What was the name of the boat?": the answer is a proper name, capitalised."""
    return bool(_NAME_OF.search(question))


def place_kind(question: str) -> str | None:
    m = _PLACE_HEAD.search(question)
    if m is None:
        return None
    head = m.group("head").lower()
    if head.startswith(("countr", "nation")):
        return Subtype.COUNTRY
    return Subtype.US_STATE if head.startswith("state") else Subtype.CITY


def classify(question: str) -> QuestionKind:
    kind = _classify(question)
    place = place_kind(question)
    if place is not None and kind.answer_type in (AnswerType.PLACE, AnswerType.NAME):
        return replace(kind, answer_type=AnswerType.PLACE, subtype=place)
    if kind.answer_type == AnswerType.DATE and _YEAR_HEAD.search(question):
        return replace(kind, subtype=Subtype.YEAR)
    if kind.answer_type == AnswerType.NUMBER and _PERCENT_HEAD.search(question):
        return replace(kind, subtype=Subtype.PERCENT)
    if kind.answer_type == AnswerType.OTHER and _NAME_OF.search(question):
        # "What is the name of SpaceX's rocket?" asks for a name, not a sentence.
        return replace(kind, answer_type=AnswerType.NAME)
    return kind


def _classify(question: str) -> QuestionKind:
    relation = bool(_RELATION.search(question))
    plural = asks_for_several(question)
    attitude = bool(_ATTITUDE_QUESTION.search(question))
    # A question word opening the asking sentence decides ("What will they do when they
    # meet?" is not a "when"); elsewhere a "who" or "which" may be a relative pronoun.
    asking = _LAST_SENTENCE.split(question.strip())[-1]
    # "When McGuire launched LibriVox, what book ...?": the question word after the comma asks.
    asking = _WHEN_OPENING.sub("", asking)
    # A "when" opening a clause ("... thrilled this week when the trailer was released for
    # which remake?") asks nothing.
    for pattern, kind in _WH:
        m = pattern.search(asking)
        if m and m.start() == 0 and not _WHEN_CLAUSE.match(asking):
            return QuestionKind(kind, relation, plural, attitude)
    # Elsewhere the last question word asks ("Users who clicked ... may get a cut from which
    # search engine?"): an earlier one is a relative pronoun. At one place the earlier
    # pattern of _WH decides, as above ("which country" is a place before a name).
    found = [
        (m.start(), -order, kind)
        for order, (pattern, kind) in enumerate(_WH[:-1])
        for m in pattern.finditer(question)
        if not _WHEN_CLAUSE.match(question, m.start())
    ]
    if found:
        return QuestionKind(max(found)[2], relation, plural, attitude)
    return QuestionKind(AnswerType.OTHER, relation, plural, attitude)


# "when the trailer was released": a clause of the question's story, not what it asks.
_WHEN_CLAUSE = re.compile(r"when\s+(?:the|a|an|he|she|they|it|his|her|their|its|we|you|i)\b", re.I)

_WHEN_OPENING = re.compile(
    r"^when\b[^,?]*,\s*(?=(?:who|whom|whose|what|which|when|where|how)\b)", re.I
)

_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def is_follow_up(question: str) -> bool:
    """Short questions leaning on the conversation: "and what did Lavrov say?", "when was that?"."""
    words = question.split()
    return len(words) <= 12 and bool(_FOLLOW_UP.search(question))


def named_sources(question: str, known: list[str]) -> tuple[str, ...]:
    """Outlets the question restricts to: "according to Reuters", "in Press TV", "from CNN"."""
    q = question.lower()
    found = []
    for source in known:
        name = source.lower()
        short = re.sub(r"\.(com|org|net|co\.uk|ir|news)$", "", name)
        for form in {name, short}:
            if len(form) < 2:
                continue
            if re.search(
                rf"\b(according to|in|from|by|on|per)\s+(the\s+)?{re.escape(form)}\b"
                rf"|\b{re.escape(form)}\s+(says|said|reports|reported|wrote)\b",
                q,
            ):
                found.append(name)
                break
    return tuple(dict.fromkeys(found))


_HEAD = re.compile(r"\b(?:which|what)\s+(\w+)(?:\s+(\w+))?", re.I)
_NOT_HEAD = frozenset(_WORDS["not_head"])


# "What are the names of the potential witnesses?": the kind after "names of".
_NAMED_KIND = re.compile(r"\bnames? of (?:the |a |an |its |their )?((?:[a-z]+\s+)?[a-z]+)\b")


def head_words(question: str) -> list[str]:
    """The answer's kind as the question words it ("Which professional golfer won ...?" ->
    ["professional", "golfer"]): news often puts that word before the name ("golfer Jon Rahm")."""
    if _NAME_OF.search(question) and (named := _NAMED_KIND.search(question)):
        return named.group(1).split()
    m = _HEAD.search(question)
    if m is None:
        return []
    out = []
    for word in (w for w in m.groups() if w):
        if word.lower() in _NOT_HEAD:
            break
        out.append(word.lower())
    return out


# "Who is the vice chairman of the Central Committee?", "Who is the North Korean leader?": the
# role the answer holds, a word news puts beside the name ("William Evans, president of ...").
_ROLE = re.compile(
    r"^\s*who\s+(?:is|was|are|were)\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?([a-z][\w-]*)"
    r"(?=\s+(?:of|for|at|in|from|on|to|who|that)\b|\s*\??\s*$)",
    re.I,
)


def role_words(question: str) -> list[str]:
    """The role a "who is the ROLE ..." question asks for, as head_words gives a kind."""
    m = _ROLE.match(question)
    return [m.group(1).lower()] if m else []


def kind_words(question: str, answer_type: str) -> list[str]:
    """The question's words for the kind of name it asks for ("which news organization"); not
    a name of its own ("which Apple executive": "executive")."""
    if answer_type not in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
        return []
    words = head_words(question) or (
        role_words(question) if answer_type == AnswerType.PERSON_OR_GROUP else []
    )
    return [w for w in words if re.search(rf"\b{re.escape(w)}\b", question)]


# Kinds of which a country, a state or a city may be the one asked for ("which team": "Spain").
_PLACE_KIND = re.compile(
    r"countr|count(?:y|ies)|states?|cit(?:y|ies)|nations?|towns?|regions?|islands?|places?"
    r"|locations?|capitals?|destinations?|areas?|provinces?|territor|continents?|villages?"
    r"|teams?|sides?|squads?|hosts?|venues?|spots?|sites?|govern|member"
)


def cannot_be_place(head: Sequence[str]) -> bool:
    """Is the kind asked for ("which coffee chain") one no country or state can be?"""
    return bool(head) and not any(_PLACE_KIND.match(w) for w in head)


# "Who is Tina McKenzie?" (or "who is tina mckenzie"): a question about someone named, answered
# by what the news says they are. Not "Who is the ...", "Who is running ...".
_WHO_IS_NAMED = re.compile(
    r"^\s*who\s+(?:is|was)\s+"
    r"(?!(?:the|a|an|this|that|in|on|at|to|behind|responsible|he|she|it|they|him|her)\b)"
    r"([\w'’.-]+(?:\s+[\w'’.-]+){0,3}?)\s*\??\s*$",
    re.I,
)


def asked_about(question: str) -> str | None:
    """The name in "Who is NAME?"."""
    m = _WHO_IS_NAMED.match(question)
    # Not a verb: "who is leading", "who was elected".
    if m is None or (m.group(1).islower() and m.group(1).endswith(("ing", "ed"))):
        return None
    return m.group(1)


# "What did Congress do ...?", "What happened to stock prices after ...?": the one the question
# is about, whom the sentence answering it must name, and what the doing is for or about ("for
# dinner"), which it must touch on.
_DOER = re.compile(
    r"^\s*what\s+(?:did|does|do|will|would|could|should|can)\s+(?P<doer>.+?)\s+do\b"
    r"(?P<about>.*?)(?=\s+(?:when|if|after|before|while|since|during|as)\b|\s*\?|\s*$)"
    r"|^\s*what\s+(?:happened|happens|will happen)\s+to\s+(?P<done_to>.+?)"
    r"(?=\s+(?:after|when|if|in|on|since|before|during)\b|\s*\?|\s*$)",
    re.I,
)


def acted_on(question: str) -> tuple[str, str] | None:
    """Who does something in "What did X do ...?", and what the doing is about ("What will
    they do for dinner": "for dinner"); or what something happens to in "What happened to
    X?" (about nothing more)."""
    m = _DOER.match(question)
    if m is None:
        return None
    return (
        (m.group("doer"), m.group("about").strip()) if m.group("doer") else (m.group("done_to"), "")
    )
