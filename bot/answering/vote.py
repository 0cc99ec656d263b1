"""The rule path's vote: candidates of the asked kind in the best sentences, counted across
sentences and stories."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.answering.evidence import ABSTAIN_BELOW, TIMELY_PRIOR, Evidence
from bot.language.en.apposition import described_as
from bot.language.en.extract import (
    YEAR_RE,
    Candidate,
    candidates,
    extend_with,
    in_question,
    is_fuller,
    normalise,
    wrong_span,
)
from bot.language.en.places import (
    continents_asked,
    is_place,
    names_place,
    on_continent,
    place_in,
    with_region,
)
from bot.language.en.questions import (
    AnswerType,
    QuestionKind,
    Subtype,
    cannot_be_place,
    kind_words,
)
from bot.language.en.verbs import IRREGULAR
from index.search import (
    STOPWORDS,
    query_terms,
)


@dataclass(frozen=True)
class Choice:
    text: str
    support: list[Evidence]


def _score(e: Evidence) -> float:
    return e.score


_PERCENT = re.compile(r"%|\bper ?cent\b")


def _typed_candidates(
    sentence: str, answer_type: str, subtype: str | None, continents: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Candidates of the type, narrowed to the subtype: for "which country" only the names a
    gazetteer knows (on the continents asked for: "which African country"), cut to the place's
    own words ("Ukraine President Volodymyr Zelensky" -> "Ukraine"); for "what year" years; for
    "what percentage" percentages."""
    found = candidates(sentence, answer_type)
    if subtype is None:
        return found
    if subtype == Subtype.PERCENT:
        return [c for c in found if _PERCENT.search(c.text)]
    out = []
    for c in found:
        if subtype == Subtype.YEAR:
            m = YEAR_RE.search(c.text)
            name = m.group(0) if m else None
        else:
            name = place_in(c.text, subtype)
            if (
                name is not None
                and subtype == Subtype.COUNTRY
                and not on_continent(name, continents)
            ):
                name = None
        if name is not None:
            start = c.start + c.text.find(name)
            out.append(Candidate(name, start, start + len(name)))
    return out


HEAD_REACH = 2  # words before a name in which the question's kind word may stand


PLACE_PENALTY = 0.5  # a place for another kind: "Massachusetts" for "which coffee chain"


_SLOT = re.compile(r"\b([A-Za-z]{4,})\s+(to|of|for|with|from|by|in|as)\s+(?:which|what)\b", re.I)


def slot_words(question: str) -> str | None:
    """The words that lead up to the asked-for name ("ambassador to which country": "ambassador
    to"): news often puts the answer right after them ("US ambassador to India")."""
    m = _SLOT.search(question)
    if m is None or m.group(1).lower() in STOPWORDS:
        return None
    return f"{m.group(1)} {m.group(2)}".lower()


def _leads_up(before: str, slot: str) -> bool:
    """Does the text before a name end with the question's slot words ("ambassador to", "a
    member of the")?"""
    words = before.lower().split()
    if words and words[-1] in ("the", "a", "an"):
        words.pop()
    return " ".join(words[-2:]) == slot


_CALLED = re.compile(r"\b(?:named|called|dubbed|titled|known as)\s+[\"“‘']?$")


def _named_as(before: str, head: Sequence[str]) -> bool:
    """Does the kind the question asks for come right before a name ("golfer Jon Rahm")?"""
    words = [normalise(w)[:5] for w in before.split()[-HEAD_REACH:]]
    return any(h[:5] in words for h in head)


VOTE_SHARE = 0.75  # of the best sentence's score, for a sentence to have its say


def timely_score(e: Evidence) -> float:
    """A sentence's score with the rerank's prior for a passage dated in the question's time."""
    return e.score + TIMELY_PRIOR * e.hit.timely


def voting(
    evidence: Sequence[Evidence], top: int = 5, score: Callable[[Evidence], float] = _score
) -> list[Evidence]:
    """The sentences that have a say in the answer: the `top` best by `score`, scoring near
    the best."""
    ordered = sorted(evidence, key=score, reverse=True)
    return [e for e in ordered[:top] if score(e) >= VOTE_SHARE * score(ordered[0])]


# A candidate's support grows by e^(this x its cosine to the kind asked for). Replayed on the
# dev questions' votes, 0.5 gained 2 answers, 1 gained 4, 2 gained 5 and lost 4; the full dev
# run with 1 gained 4 and lost 1.
KIND_FIT = 1.0

FIT_CANDIDATES = 8  # the best supported candidates that the kind's cosine may reorder

# Scores texts (candidate names) by their cosine to the kind of name a question asks for.
KindFit = Callable[[Sequence[str]], Sequence[float]]

# Kind words that end as past forms do ("which company agreed", "which actor died").
_NOUNS_IN_ED = frozenset(
    "seed breed speed need red bed shed sled creed greed feed deed weed steed".split()
)


def kind_phrase(question: str, answer_type: str) -> str | None:
    """The words naming the kind of name asked for ("Which actor paid tribute ...?" -> "actor"),
    without a past form of a verb that follows them."""
    words = [
        w
        for w in kind_words(question, answer_type)
        if w.lower() not in STOPWORDS
        and (not w.endswith("ed") or w in _NOUNS_IN_ED)
        and w not in IRREGULAR
    ]
    return " ".join(words) or None


def vote(
    question: str,
    answer_type: str,
    evidence: Sequence[Evidence],
    top: int = 5,
    subtype: str | None = None,
    fit: KindFit | None = None,
) -> Choice | None:
    """The candidate of the expected type that the best sentences support most, across outlets.

    With a subtype ("which country", "what year") only candidates of the subtype count: with
    none, the best sentence answering beats "Tuesday" for a year or "Biden" for a country.
    With `fit`, the best supported candidates count more the nearer they are to the kind of
    name asked for: "Amazon", not "Wave", for "which company".
    """
    tally: dict[str, float] = defaultdict(float)
    support: dict[str, list[Evidence]] = defaultdict(list)
    surface: dict[str, str] = {}
    terms = {normalise(t) for t in query_terms(question)}
    head = kind_words(question, answer_type)
    not_place = cannot_be_place(head)
    slot = slot_words(question)
    continents = continents_asked(question) if subtype == Subtype.COUNTRY else frozenset()
    # As in the rerank, a sentence of a story dated in the question's time weighs more: the
    # answer comes from this week's story, not from an older one that matches better.
    for e in voting(evidence, top, timely_score):
        seen_here: set[str] = set()
        for found in _typed_candidates(e.text, answer_type, subtype, continents):
            cand = found
            if answer_type == AnswerType.NUMBER:
                cand = extend_with(e.text, found, terms)
            elif answer_type == AnswerType.PLACE and subtype in (None, Subtype.CITY):
                cand = with_region(e.text, found)
            key = normalise(cand.text)
            # ("71 points" is not the question's "points": the number is what is new.)
            if not key or key in seen_here or in_question(found.text, question, head):
                continue
            if answer_type == AnswerType.NUMBER and wrong_span(question, e.text, cand):
                continue
            seen_here.add(key)
            # Earlier mentions in a sentence are usually its subject; a number that counts
            # what the question counts ("700 asylum seekers") beats other numbers.
            weight = 1.0 - 0.1 * min(len(seen_here) - 1, 5)
            if (
                answer_type == AnswerType.NUMBER
                and extend_with(e.text, found, terms, units=False) != found
            ):
                weight += 0.5
            # The kind or role before the name ("golfer Jon Rahm") or after its comma
            # ("William Evans, president of ...").
            if head and (
                _named_as(e.text[: cand.start], head) or described_as(e.text[cand.end :], head)
            ):
                weight += 0.5
            # Given as a name: 'a robot named "Better Idea of Afghan Girls"'.
            if _CALLED.search(e.text[: cand.start]):
                weight += 0.5
            # (Not a possessor: "the cast of Apple TV+'s "Ted Lasso"".)
            possessor = e.text[cand.end : cand.end + 2] in ("'s", "’s")
            if slot and not possessor and _leads_up(e.text[: cand.start], slot):
                weight += 0.5
            if not_place and is_place(cand.text):
                weight *= PLACE_PENALTY
            elif answer_type == AnswerType.PLACE and subtype is None and not names_place(cand.text):
                # "Where will the Games be held?": "Paris" before "2024 Olympics".
                weight *= PLACE_PENALTY
            tally[key] += timely_score(e) * weight
            support[key].append(e)
            surface.setdefault(key, cand.text)
    if not tally:
        return None
    if answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
        # "Paltrow" is "Gwyneth Paltrow" named again in the same article: one candidate, under
        # the fuller name. (Not across articles, not places: "China" is not "Air China".)
        for short in sorted((k for k in tally if not is_place(surface[k])), key=len):
            articles = {e.hit.article_id for e in support[short]}
            # The run may carry a title ("QB Jalen Hurts"): its last two words decide.
            longer = [
                k
                for k in tally
                if is_fuller(" ".join(surface[k].split()[-2:]), surface[short])
                and articles & {e.hit.article_id for e in support[k]}
            ]
            if longer:
                into = max(longer, key=lambda k: tally[k])
                tally[into] += tally.pop(short)
                support[into] = sorted(support[into] + support.pop(short), key=_score, reverse=True)
    if fit is not None and len(tally) > 1:
        best = sorted(tally, key=lambda k: tally[k], reverse=True)[:FIT_CANDIDATES]
        for k, cosine in zip(best, fit([surface[k] for k in best]), strict=True):
            tally[k] *= math.exp(KIND_FIT * cosine)
        tally = {k: tally[k] for k in best}  # the rest, unweighted, are out of the running
    key = max(tally, key=lambda k: (tally[k], len(k)))
    return Choice(surface[key], support[key])


def fitted_vote(
    question: str,
    kind: QuestionKind,
    evidence: Sequence[Evidence],
    plain: Choice | None,
    fit: KindFit | None,
) -> Choice | None:
    """The vote with its names reordered by their fit to the kind asked for ("Amazon", not
    "Wave", for "which company"), unless that picks a name the kind cannot be: then `plain`,
    the vote without it."""
    if plain is None or fit is None:
        return plain
    fitted = vote(question, kind.answer_type, evidence, subtype=kind.subtype, fit=fit)
    return plain if kind_missing(kind, fitted, question) else fitted


def kind_missing(kind: QuestionKind, chosen: Choice | None, question: str) -> bool:
    """No answer of the kind asked for in the best sentences: no number for "how many", or
    only a country or state for a kind no place can be ("Colorado" for "what flavor")."""
    if kind.answer_type == AnswerType.NUMBER:
        return chosen is None
    return (
        chosen is not None
        and kind.answer_type == AnswerType.NAME
        and is_place(chosen.text)
        and cannot_be_place(kind_words(question, AnswerType.NAME))
    )


def supporting(evidence: Sequence[Evidence]) -> list[Evidence]:
    """The sentences that support an answer on their own score, best first."""
    return [e for e in evidence if e.score >= ABSTAIN_BELOW]
