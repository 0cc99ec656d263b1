"""Answer candidates inside evidence sentences: names, places, dates and numbers, by rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.language.en.lexicon import table
from bot.language.en.questions import AnswerType

_WORDS = table("extract")  # bot/language/en/data/extract.toml

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}|(?:on\s+)?{_WEEKDAY}|(?:in\s+)?(?:19|20)\d{{2}}"
    r"|(?i:yesterday|last night))\b"
)
YEAR_RE = re.compile(r"\b(?:1[89]|20)\d{2}\b")  # a year, 1800-2099
_DATE_WORD = re.compile(rf"{DATE_RE.pattern}|{_MONTH}")  # "February" names no one
NUMBER_RE = re.compile(
    r"(?:\b(?:more than|less than|fewer than|over|under|about|nearly|almost|at least|some"
    r"|around|up to)\s+)?(?<![\w.])(?:\$|£|€)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent"
    r"|million|billion|trillion|thousand|hundred))?"
    r"|\b(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|dozens?|hundreds?|thousands?|millions?)\b"
)
# "and" joins two names ("Kazakhstan and Kyrgyzstan") unless an institution's name ends soon
# after it ("Food and Drug Administration", "Centers for Disease Control and Prevention").
_ORG_AND = (
    r"and(?=\s+(?:[A-Z][\w'’.-]*\s+)?(?:Administration|Commission|Agency|Bureau|Prevention"
    r"|Services|Development|Technology|Industries)\b)"
)
# Capitalised runs, allowing lower-case glue inside a name ("Bank of England", "Ludwig van
# Beethoven", "Law & Order", "AT&T", "Apple TV+").
_WORD = r"(?:[A-Z][\w'’.&-]*\+?|[A-Z]{2,})"
NAME_RE = re.compile(
    rf"{_WORD}(?:\s+(?:(?:of|of the|de|del|da|van|von|al|bin|for|&|{_ORG_AND})\s+)?"
    rf"(?:{_WORD}|\d+))*"
)
# Capitalised words that start sentences or clauses without naming anything.
_NOT_NAMES = frozenset(_WORDS["not_names"])
# Participles that open sentences ("Led by ...", "Starting January 1, ..."), names elsewhere
# ("Led Zeppelin"); and the imperatives of page furniture ("Read the story: ...", "Wear purple
# on May 18").
_OPENERS = frozenset(_WORDS["openers"])


@dataclass(frozen=True)
class Candidate:
    text: str
    start: int
    end: int


# "I'm", "We're", "Don't": contractions name no one.
_CONTRACTION = re.compile(r"[A-Z][a-z]*['’](?:m|re|ve|ll|d|t)")
# Words of _NOT_NAMES that do open some names: "New York", "Saturday Night Live".
_OPENS_NAME = re.compile(rf"New |{_WEEKDAY} Night [A-Z]")


def _strip_leading(span: str, start: int) -> tuple[str, int]:
    words = span.split()
    i = 0
    while (
        i < len(words)
        and (words[i].strip("'’\".,") in _NOT_NAMES or _CONTRACTION.fullmatch(words[i]))
        and not (i + 1 < len(words) and _OPENS_NAME.match(" ".join(words[i : i + 3])))
    ):
        start += len(words[i]) + 1
        i += 1
    return " ".join(words[i:]), start


# A sentence opening with words in capitals is a heading or a dateline ("LATEST UPDATES
# WEDNESDAY:", "SAN FRANCISCO —", "BLACK ROCK CITY, Nev. −", "BOSTON (AP) —"), not a name;
# "NATO said" and "the U.S. FDA" are names.
_CAPS = r"[A-Z][A-Z'’.&-]+"
_SHOUTED = re.compile(rf"{_CAPS}(?:\s+{_CAPS})+")
_OPENING = re.compile(r"[\s\"“‘'(]*")
_DATELINE = re.compile(rf"{_OPENING.pattern}{_CAPS}(?:\s+{_CAPS})*\s*[—–]\s*")
# A city in capitals with its state ("Nev.") or a wire agency, or a minus or spaced hyphen
# after it; of five capitals or more, so that "NATO - the alliance" stays a name.
_CITY_DATELINE = re.compile(
    rf"{_OPENING.pattern}(?P<city>{_CAPS}(?:\s+{_CAPS})*)(?:,\s+[A-Z][a-z]{{1,4}}\.)?"
    r"(?:\s*\((?:AP|Reuters|AFP|UPI|CNN)\))?\s*(?:[—–−]|-(?=\s))\s*"
)
CITY_CAPITALS = 5


def _sentence_start(sentence: str) -> int:
    """Where the sentence starts after a dateline ("WASHINGTON —", "BOSTON (AP) —"), or 0."""
    if m := _DATELINE.match(sentence):
        return m.end()
    m = _CITY_DATELINE.match(sentence)
    if m and sum(c.isupper() for c in m.group("city")) >= CITY_CAPITALS:
        return m.end()
    return 0


# "German-born", "Chinese-owned", "Kremlin-backed", "Prize-winning": words that describe a
# name, not part of it.
_DESCRIBED = re.compile(r"[A-Z][\w'’.]*-[a-z]+")
_INITIALS = re.compile(r"(?:^|\s)(?:[A-Z]\.)+[A-Z]$")
_CLOSING_QUOTE = re.compile(r"[,.!?]?[\"”’']")


def _quoted(sentence: str, start: int, end: int) -> bool:
    """Is sentence[start:end] all of a quotation ("“The Road”")?"""
    return (
        start > 0 and sentence[start - 1] in "\"“‘'" and bool(_CLOSING_QUOTE.match(sentence, end))
    )


def names(sentence: str) -> list[Candidate]:
    out = []
    body = _sentence_start(sentence)
    for m in NAME_RE.finditer(sentence, body):
        whole = m.group(0).rstrip(".,'’")
        if _INITIALS.search(whole) and m.group(0)[len(whole) :].startswith("."):
            whole += "."  # "U.S." keeps its last dot; a sentence's full stop is dropped
        text, start = _strip_leading(whole, m.start())
        if text != whole and _quoted(sentence, m.start(), m.end()):
            text, start = whole, m.start()  # a title in quotes is whole: "The Road", "No Way Out"
        text = re.sub(r"['’]s$", "", text)
        if _OPENING.fullmatch(sentence[body : m.start()]):
            # (The whole run: "The U.S. FDA said" is no heading.)
            if _SHOUTED.fullmatch(whole):
                continue
            first, _, rest = text.partition(" ")
            if first in _OPENERS:
                text, start = rest, start + len(first) + 1
        first, _, rest = text.partition(" ")
        if _DESCRIBED.fullmatch(first):
            text, start = rest, start + len(first) + 1
        head, _, last = text.rpartition(" ")
        if head and _DESCRIBED.fullmatch(last):
            text = f"{head} {last.partition('-')[0]}"  # "Pulitzer Prize-winning": "Pulitzer Prize"
        if len(text) < 2 or text in _NOT_NAMES or _CONTRACTION.fullmatch(text):
            continue
        out.append(Candidate(text, start, start + len(text)))
    return out


_CLOCK_AFTER = re.compile(
    r":\d|\s?(?:[ap]\.m\.|[ap]m\b)|\s+or\s+(?:even\s+)?\d+\s?[ap]\.?m\b", re.I
)


def _clock_time(sentence: str, m: re.Match[str]) -> bool:
    """ "9:30 a.m.", "9 or even 10 p.m.": a time of day counts nothing."""
    return sentence[m.start() - 1 : m.start()] == ":" or bool(_CLOCK_AFTER.match(sentence, m.end()))


def candidates(sentence: str, answer_type: str) -> list[Candidate]:
    """Spans of `sentence` that could answer a question of `answer_type`."""
    if answer_type == AnswerType.DATE:
        return [Candidate(m.group(0), m.start(), m.end()) for m in DATE_RE.finditer(sentence)]
    if answer_type == AnswerType.NUMBER:
        return [
            Candidate(m.group(0).strip(), m.start(), m.end())
            for m in NUMBER_RE.finditer(sentence)
            if not DATE_RE.fullmatch(m.group(0).strip()) and not _clock_time(sentence, m)
        ]
    if answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.PLACE, AnswerType.NAME):
        return [c for c in names(sentence) if not _DATE_WORD.fullmatch(c.text)]
    return []


_FIRST_NAME = re.compile(r"[A-Z][a-z][\w-]*")
# Capitalised words that come before names without being part of them.
TITLES = frozenset(_WORDS["titles"])
# Heads of institutions' names: "the House" is not a surname of the "White House".
INSTITUTIONS = frozenset(_WORDS["institutions"])


def is_fuller(longer: str, name: str) -> bool:
    """Is `longer` the one-word `name` with its first words ("Gwyneth Paltrow" for "Paltrow",
    "Jamie Lee Curtis" for "Curtis", "Milwaukee Bucks" for "Bucks"), not with a title, a
    possessive or another name's end?"""
    if name in INSTITUTIONS or not _FIRST_NAME.fullmatch(name) or not longer.endswith(" " + name):
        return False
    return all(
        _FIRST_NAME.fullmatch(first)
        and first not in _NOT_NAMES
        and first not in TITLES
        and first not in _AFFILIATIONS
        for first in longer[: -len(name) - 1].split()
    ) and not longer.startswith(name + " ")


# Words before a name that say what someone belongs to, not what they are called: "Secretary
# of State Antony Blinken", "Democrat Joe Biden".
_AFFILIATIONS = frozenset(_WORDS["affiliations"])


def fuller_name(name: str, texts: Iterable[str]) -> str:
    """The fuller form of a one-word `name` in `texts`: news gives a full name once, then the
    surname ("Paltrow" -> "Gwyneth Paltrow", also out of "Actress Gwyneth Paltrow"; "Curtis"
    -> "Jamie Lee Curtis"). Not a common word that only a sentence's start (or a subheading)
    capitalises: "Sharing Mastodon user handles ..." where the texts also say "sharing"."""
    seen = list(texts)
    for text in seen:
        for c in names(text):
            words = c.text.split()
            for size in (3, 2):
                tail = " ".join(words[-size:])
                if len(words) >= size and is_fuller(tail, name):
                    at = c.end - len(tail)
                    if not (_opens_sentence(text, at) and _in_lower_case(tail.split()[0], seen)):
                        return tail
    return name


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \"'“‘")
    return not before or before[-1] in ".!?:\n"


def _in_lower_case(word: str, texts: Sequence[str]) -> bool:
    """Do `texts` use `word` uncapitalised ("sharing", "violent"): a word, not a name?"""
    lower = re.compile(rf"\b{re.escape(word.lower())}\b")
    return any(lower.search(t) for t in texts)


def with_former(name: str, texts: Iterable[str]) -> str:
    """ "former President Donald Trump" when the evidence says so: a title is not the name's
    own once "former" stands before it."""
    if name.split()[0] not in TITLES:
        return name
    former = re.compile(rf"\b[Ff]ormer {re.escape(name)}\b")
    return f"former {name}" if any(former.search(t) for t in texts) else name


def with_quotes(name: str, texts: Iterable[str]) -> str:
    """A title the evidence quotes is answered in its quotation marks: “The Road”."""
    quoted = re.compile(rf"([\"“‘]){re.escape(name)}[,.!?]?([\"”’])")
    for text in texts:
        if m := quoted.search(text):
            return f"{m.group(1)}{name}{m.group(2)}"
    return name


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def holds(text: str, phrase: str) -> bool:
    """Does `text` hold `phrase` as whole words, case and punctuation aside ("Paltrow" is in
    "Gwyneth Paltrow's", "rat" is not in "Pirates")?"""
    return f" {normalise(phrase)} " in f" {normalise(text)} "


_INITIAL_DOT = re.compile(r"\b([A-Za-z])\.")
_TITLED = TITLES | {"Former"}


def in_question(candidate: str, question: str, kind: Iterable[str] = ()) -> bool:
    """A candidate the question already names is no answer ("Who warned Russia?" -> not Russia).

    Words of the `kind` asked for do not count: "Fox News" answers "which news organization"."""
    # "US" is the question's "U.S.": initials lose their dots before comparing.
    cand = normalise(_INITIAL_DOT.sub(r"\1", candidate))
    q = " " + normalise(_INITIAL_DOT.sub(r"\1", question)) + " "
    if f" {cand} " in q:
        return True
    # "President Donald Trump" is the question's "Donald Trump" (but "General Electric" is not
    # the question's "electric").
    words = candidate.split()
    titled = 0
    while titled < len(words) - 1 and words[titled] in _TITLED:
        titled += 1
    rest = " ".join(words[titled:])
    if titled and re.search(rf"\b{re.escape(rest)}\b", question):
        return True
    skip = {k[:5] for k in kind}
    long_words = [w for w in cand.split() if len(w) > 3 and w[:5] not in skip]
    return bool(long_words) and all(f" {w} " in q for w in long_words)


# Units a number is no answer without ("one" -> "one hour").
_UNITS = frozenset(_WORDS["units"])


def extend_with(
    sentence: str, cand: Candidate, terms: set[str], limit: int = 3, units: bool = True
) -> Candidate:
    """ "700" -> "700 asylum seekers" when the question asked "how many asylum seekers"; "one"
    -> "one hour" whatever it asked (unless `units` is False)."""
    end = cand.end
    for m in re.finditer(r"\s*([\w'-]+)", sentence[cand.end :]):
        word = normalise(m.group(1))
        if (
            limit == 0
            or not word
            or not ((units and word in _UNITS) or any(word[:5] == t[:5] for t in terms))
        ):
            break
        end = cand.end + m.end()
        limit -= 1
    return Candidate(sentence[cand.start : end], cand.start, end)


_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_OFFSET = re.compile(r"\s+(?:after|before|later|earlier|ago)\b")


def wrong_span(question: str, sentence: str, number: Candidate) -> bool:
    """ "How long was she married?" wants a span ("eight years"), and not one that says when
    ("eight years after Diana's death") or a count ("four times"); "How many people died?" no
    span ("ten days")."""
    if _HOW_LONG.search(question):
        unit = normalise(number.text.split()[-1])
        return unit not in _UNITS or bool(_OFFSET.match(sentence, number.end))
    return wrong_unit(question, number.text)


_HOW_MANY = re.compile(r"\bhow many((?:\s+[\w-]+){1,3})", re.I)


def wrong_unit(question: str, number: str) -> bool:
    """ "ten days" cannot answer "How many people died?": a number with a unit, for a "how
    many" question that counts something no unit measures."""
    m = _HOW_MANY.search(question)
    if m is None or normalise(number.split()[-1]) not in _UNITS:
        return False
    return not any(normalise(w) in _UNITS for w in m.group(1).split())


_LIST_RE = re.compile(
    r"((?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*,\s+)+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*,?"
    r"\s+(?:and|or)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)"
)


def name_lists(sentence: str) -> list[list[str]]:
    """Coordinated names, "Kazakhstan, Kyrgyzstan and Tajikistan": what plural questions want."""
    out = []
    for m in _LIST_RE.finditer(sentence):
        items = re.split(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group(1).rstrip(","))
        items = [_strip_leading(i.strip(), 0)[0] for i in items]
        out.append([i for i in items if i])
    return out
