"""Questions made by rule from news sentences: the reader's training data, with no human labels.

A span the candidate extraction finds (a name, place, date, number) or a simple noun phrase is
the answer; the question is its sentence with the span turned into a wh-phrase ("Sergei Ryabkov
said ..." -> "Who said ...?", "... killed 107 people" -> "... killed how many people?"), cut to
the clause around it (Lewis et al. 2019, cloze translation by rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.language.en.extract import DATE_RE, NUMBER_RE, candidates
from bot.language.en.places import place_in
from bot.language.en.questions import AnswerType, Subtype


class SpanKind(StrEnum):
    """What an answer span is, which sets its wh-phrase."""

    NAME = "name"
    PLACE = "place"
    DATE = "date"
    YEAR = "year"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    THING = "thing"
    CAUSE = "cause"


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int
    kind: SpanKind
    wh: str  # the wh-phrase that replaces it in the question
    # Characters before the span that the wh-phrase also replaces ("in " of "in 2015").
    take_before: int = 0


@dataclass(frozen=True)
class Generated:
    question: str
    answer: str
    kind: SpanKind


MAX_QUESTION_WORDS = 20
MIN_QUESTION_WORDS = 5
# Words that may stand between a clause's start and a subject span ("But Ryabkov said").
_LEADING = frozenset("but and so yet also however meanwhile still then the".split())
_CONNECTIVE = re.compile(r"^(?:But|And|So|Yet|Also|However|Meanwhile|Still|Then),?\s+")
_ATTRIBUTION = re.compile(
    r",?\s*(?:\"|”|')?\s*(?:he|she|they|it|officials?|police|[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)"
    r"\s+(?:said|says|added|told\s+\w+|wrote|reported)\.?$"
)
_QUOTES = re.compile(r"[\"“”‘’]|(?<!\w)'|'(?!\w)")
_CLAUSE_BREAK = re.compile(r"[;:—–]|,\s+(?=(?:and|but|while|which|who|as|after|before|when)\b)")
_VERBISH = re.compile(
    r"^(?:[a-z]+(?:ed|s)|is|was|are|were|has|have|had|will|would|can|could"
    r"|said|says|told|won|met|led|made|took|gave|became|held|sent|wrote|"
    r"found|lost|paid|left|ran|sold|bought|did|does|may|might|must)\b"
)
_UNIT = re.compile(r"\s+((?:[a-z][a-z-]+\s+){0,1}[a-z][a-z-]+)")
_MONEY = re.compile(r"^[$£€]|\b(?:dollars?|euros?|pounds?|yuan|yen|rupees?)\b")
_PERCENT = re.compile(r"%|\bper ?cent\b")
_QUALIFIER = re.compile(
    r"^(?:more than|less than|fewer than|over|under|about|nearly|almost|at least|some|around"
    r"|up to)\s+"
)
_YEAR = re.compile(r"^(?:in\s+)?((?:19|20)\d{2})$")
_ON = re.compile(r"^(?:on|in)\s+")
_NOUN_PHRASE = re.compile(
    r"\b(?:a|an|the)\s+((?:[a-z][a-z-]{2,}\s+){0,2}[a-z][a-z-]{3,})(?=\s+(?:of|for|in|at|on|to"
    r"|from|with|by|after|before|during|as|and)\b|[,.;:]|$)"
)
_NOT_THING = re.compile(r"(?:ly|ing|ed)$")
_FUNCTION_WORDS = frozenset(
    """about after again against also among another because been before being between both
    during each even every first further here into last later least less many more most much
    next often only other over same several since some such than that their them then there
    these they this those through under until very what when where which while whose with
    within without would year years week weeks month months today time times""".split()
)
_CAUSE = re.compile(r"\b(because of|due to|caused by|blamed on|after)\s+([^,.;:]{3,60})")
_KIND_BEFORE = re.compile(r"(?:^|\s)([a-z][a-z-]{3,})\s+$")
_KIND_STOP = _FUNCTION_WORDS | frozenset(
    """said says told with from that have were will would could should about into over
    according against including called named dubbed""".split()
)
_PLACE_WH = {Subtype.COUNTRY: "which country", Subtype.US_STATE: "which state"}
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|from|to|near|into)\s+$")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|our)\s+$", re.I)
_LOWER_AFTER = re.compile(r"\s+([a-z][a-z-]*)")
_DEMONYM = re.compile(r"(?:ian|ese|ish|ean|an|i|ic)$")
# Days no date pattern knows: they name no one either.
_HOLIDAYS = frozenset({"Christmas", "Easter"})
_SCALE = re.compile(r"^(?:hundreds?|thousands?|millions?|billions?|dozens?)$", re.I)


def _place_wh(sentence: str, text: str, start: int) -> str | None:
    if place_in(text, Subtype.COUNTRY) == text:
        return _PLACE_WH[Subtype.COUNTRY]
    if place_in(text, Subtype.US_STATE) == text:
        return _PLACE_WH[Subtype.US_STATE]
    # Many surnames are towns somewhere ("Bush"): a city only where a place is expected.
    if place_in(text, Subtype.CITY) == text and _PREPOSITION_BEFORE.search(sentence[:start]):
        return "which city"
    return None


def _modifier(sentence: str, start: int, end: int, text: str) -> bool:
    """A name used as an adjective ("the Scientology organization", "Russian diplomat") is
    no answer."""
    after = _LOWER_AFTER.match(sentence, end)
    if sentence[end : end + 1] == "-":
        return True
    if after is None or _VERBISH.match(after.group(1)):
        return False
    if len(after.group(1)) < 4 or after.group(1) in _FUNCTION_WORDS:
        return False  # "Pakistan on Monday": a preposition follows a noun, not an adjective
    return bool(_DETERMINER_BEFORE.search(sentence[:start])) or bool(_DEMONYM.search(text))


def _name_wh(sentence: str, start: int) -> tuple[str, int]:
    """ "who", or "which automaker" when a lower-case kind word stands right before the name
    ("automaker Tesla"); with how many characters before the name that phrase replaces."""
    m = _KIND_BEFORE.search(sentence[:start])
    if m and m.group(1) not in _KIND_STOP and not _NOT_THING.search(m.group(1)):
        word = m.group(1)
        return f"which {word}", start - m.start(1)
    return "who", 0


def _number_span(sentence: str, m: re.Match[str]) -> Span | None:
    raw = m.group(0).strip()
    if not raw or DATE_RE.fullmatch(raw) or sentence[m.start() - 1 : m.start()] == ":":
        return None
    number = _QUALIFIER.sub("", raw)
    if _SCALE.match(number) or sentence[m.end() : m.end() + 1] == "-":
        return None
    start = m.start() + raw.index(number) + (len(m.group(0)) - len(m.group(0).lstrip()))
    end = start + len(number)
    if _PERCENT.search(number):
        return Span(number, start, end, SpanKind.PERCENT, "what percentage")
    if _MONEY.search(number) or _MONEY.search(sentence[end : end + 12]):
        return Span(number, start, end, SpanKind.MONEY, "how much")
    unit = _UNIT.match(sentence, end)
    if unit is None or unit.group(1).split()[0] in _FUNCTION_WORDS:
        return None
    # "how many people": the unit stays in the question, the number is the answer.
    return Span(number, start, end, SpanKind.NUMBER, "how many")


def answer_spans(sentence: str) -> list[Span]:
    """The spans of `sentence` a question can be asked about, each with its wh-phrase."""
    spans: list[Span] = []
    for m in DATE_RE.finditer(sentence):
        text = m.group(0)
        year = _YEAR.match(text)
        if year and _DETERMINER_BEFORE.search(sentence[: m.start()]):
            continue  # "the 2014 protests": the year names the protests
        if year:
            start = m.start() + text.index(year.group(1))
            before = start - m.start()
            wh = "in what year" if before else "what year"
            spans.append(Span(year.group(1), start, m.end(), SpanKind.YEAR, wh, before))
            continue
        lead = _ON.match(text)
        start = m.start() + (lead.end() if lead else 0)
        before = lead.end() if lead else 0
        spans.append(Span(text[before:], start, m.end(), SpanKind.DATE, "when", before))
    dated = [(s.start, s.end) for s in spans]
    # Names without month and weekday names ("February" names no one).
    for c in candidates(sentence, AnswerType.NAME):
        if any(a < c.end and c.start < b for a, b in dated):
            continue
        if _modifier(sentence, c.start, c.end, c.text) or c.text in _HOLIDAYS:
            continue
        place = _place_wh(sentence, c.text, c.start)
        after_in = sentence[c.start - 3 : c.start] == "in "
        if place is not None or after_in:
            # "in Mecca": somewhere, whether or not the gazetteer knows the town.
            wh = (f"in {place}" if place else "where") if after_in else str(place)
            spans.append(Span(c.text, c.start, c.end, SpanKind.PLACE, wh, 3 if after_in else 0))
            continue
        wh, before = _name_wh(sentence, c.start)
        spans.append(Span(c.text, c.start, c.end, SpanKind.NAME, wh, before))
    taken = [(s.start - s.take_before, s.end) for s in spans]
    for m in NUMBER_RE.finditer(sentence):
        span = _number_span(sentence, m)
        if span is not None and not any(a < span.end and span.start < b for a, b in taken):
            spans.append(span)
    for m in _NOUN_PHRASE.finditer(sentence):
        words = m.group(1).split()
        if words[-1] in _FUNCTION_WORDS or _NOT_THING.search(words[-1]):
            continue
        if any(w in _FUNCTION_WORDS for w in words):
            continue
        start = m.start(1)
        spans.append(Span(m.group(1), start, m.end(1), SpanKind.THING, "what", start - m.start()))
    for m in _CAUSE.finditer(sentence):
        if m.group(1) == "after":
            continue
        cause = m.group(2).strip()
        start = m.start(2)
        spans.append(
            Span(
                cause,
                start,
                start + len(cause),
                SpanKind.CAUSE,
                f"{m.group(1)} what",
                start - m.start(1),
            )
        )
    return sorted(spans, key=lambda s: s.start)


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause of `sentence` around [start, end): from the last break before it to the
    first after it."""
    a, b = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= start:
            a = m.end()
        elif m.start() >= end and b == len(sentence):
            b = m.start()
    return a, b


def _tidy(text: str, *, trailing: bool = False) -> str:
    text = _QUOTES.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:!?-—–")
    if trailing:  # "..., officials said." closes a sentence; it is not what is asked
        text = _ATTRIBUTION.sub("", text).strip(" ,.;:")
    return _CONNECTIVE.sub("", text)


def question_for(sentence: str, span: Span) -> str | None:
    """The question whose answer is `span` in `sentence`, or None when none reads well."""
    a, b = _clause(sentence, span.start - span.take_before, span.end)
    before = _tidy(sentence[a : span.start - span.take_before])
    after = _tidy(sentence[span.end : b], trailing=True)
    if span.kind == SpanKind.NUMBER and not after:
        return None
    lead = [w.lower() for w in before.split()]
    subject = all(w in _LEADING for w in lead) and bool(_VERBISH.match(after))
    wh = span.wh
    if span.kind == SpanKind.CAUSE:
        if not before:
            return None
        question = f"Why {before[0].lower()}{before[1:]}"
    elif subject:
        question = f"{wh[0].upper()}{wh[1:]} {after}"
    else:
        if not before:
            return None
        question = f"{before} {wh} {after}".strip()
    words = question.split()
    if len(words) > MAX_QUESTION_WORDS:
        # Keep the words nearest the wh-phrase: the rest of a long sentence is noise.
        at = next((i for i, w in enumerate(words) if w.lower() == wh.split()[0]), 0)
        lo = max(0, min(at - MAX_QUESTION_WORDS // 2, len(words) - MAX_QUESTION_WORDS))
        words = words[lo : lo + MAX_QUESTION_WORDS]
    if len(words) < MIN_QUESTION_WORDS:
        return None
    question = " ".join(words).rstrip(" ,.;:")
    if span.text.lower() in question.lower():
        return None  # the answer would be in the question
    return question[0].upper() + question[1:] + "?"


def generate(sentence: str) -> list[Generated]:
    """Every question `sentence` gives, one per answer span."""
    out = []
    for span in answer_spans(sentence):
        question = question_for(sentence, span)
        if question is not None:
            out.append(Generated(question, span.text, span.kind))
    return out
