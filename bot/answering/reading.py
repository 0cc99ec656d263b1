"""The reader stage: newsbot's trained reader reads the windows around the best evidence
sentences and gives the answer span, or finds none (the reader's own abstention)."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from bot.language.en.extract import YEAR_RE
from bot.language.en.measures import UNIT_AFTER, carries, currency_before
from bot.language.en.places import names_place
from bot.language.en.questions import (
    AnswerType,
    QuestionKind,
    Subtype,
)
from bot.reader.aggregate import Found, Window, aggregate, key, window
from bot.reader.model import Reading
from index.text.sentences import sentence_spans

if TYPE_CHECKING:  # question.py reaches this module through context.py's SpanReader
    from bot.answering.question import Question

# Windows read per question: the reader reads about 128 tokens each, ~25 ms a window on two
# cores; six hold the answer about as often as twelve (measured: docs/reader.md).
READ_WINDOWS = 6
# Below this margin (span score - no-answer score) a reading is no answer. Calibrated on the
# plain questions over corpus/ and the QuAIL dev Unanswerable questions (docs/reader.md).
READER_FLOOR = 0.0
# A rules' answer of at most this many words is a candidate the reader can agree with; a longer
# one is a sentence, which would agree with anything.
AGREE_WORDS = 6
# The reader's answer that agrees with the rules' stands when its score is at least this share
# of the reader's best one's (a far weaker one agreeing is the two erring together).
AGREE_SHARE = 0.5

_MONTH_OR_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|yesterday|tomorrow|tonight)\b",
    re.I,
)
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
    r"thousands?|millions?|billions?|trillions?|half|several|a few)\b",
    re.I,
)
_DIGIT = re.compile(r"\d")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.I)
# A bare ordinal can be a day ("the 22nd") or a name's kind ("which floor": "33rd"), not these.
_NOT_ORDINAL = frozenset({AnswerType.NUMBER, AnswerType.PERSON_OR_GROUP, AnswerType.PLACE})
_PERCENT = re.compile(r"%|\bper ?cent\b", re.I)


class SpanReader(Protocol):
    """What the stage needs of a reader (bot.reader.model.Reader)."""

    def read(self, question: str, contexts: Sequence[str]) -> list[Reading]: ...


@dataclass(frozen=True)
class Said:
    """An evidence sentence as the reader sees it: its article's title, its story (copies of
    one story share it), its paragraph and the sentence itself."""

    title: str
    story: str
    paragraph: str
    sentence: str


@dataclass(frozen=True)
class Read:
    """The reader's answer: its text, the evidence sentence of each window that gives it (best
    first, with the sentence holding the span), its margin and score, and the stage's time."""

    text: str
    support: tuple[tuple[int, str], ...]  # (evidence index, the sentence that holds the span)
    margin: float
    score: float
    ms: float


@dataclass(frozen=True)
class Unread:
    """The reader found no answer above READER_FLOOR: its best margin, and the stage's time."""

    margin: float
    ms: float


def fits(text: str, kind: QuestionKind) -> bool:
    """Can `text` be an answer of the question's kind? Only the plain constraints: a date
    names a day, month or year; a number has digits or a number word; a year is a year; a
    percentage says so."""
    if kind.subtype == Subtype.YEAR:
        return bool(YEAR_RE.search(text))
    if kind.subtype == Subtype.PERCENT:
        return bool(_PERCENT.search(text))
    if kind.answer_type == AnswerType.DATE:
        return bool(_DIGIT.search(text) or _MONTH_OR_DAY.search(text))
    if kind.answer_type in _NOT_ORDINAL and _ORDINAL.fullmatch(text.strip()):
        return False  # "22nd" is neither how many, nor who, nor where
    if kind.answer_type == AnswerType.NUMBER:
        return bool(_DIGIT.search(text) or _NUMBER_WORD.search(text))
    return True


def asked(text: str, question: str) -> bool:
    """Is the span only words of the question ("McGuire" for "what did McGuire record")?"""
    words = set(re.findall(r"\w+", question.casefold()))
    return all(w in words for w in re.findall(r"\w+", text.casefold()))


_NUMBER_TAIL = re.compile(r"^(?:[,.]\d+)+")
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.I
)


def whole(reading: Reading, context: str) -> Reading:
    """The reader's span widened to whole numbers, dates and sums (`widened`)."""
    start, end = widened(context, reading.start, reading.end)
    return replace(reading, start=start, end=end, text=context[start:end])


def widened(context: str, start: int, end: int) -> tuple[int, int]:
    """context[start:end] widened to whole numbers, dates and sums: "84" of "84,121", "31" of
    "August 31", "20,000" of "US$ 20,000", "422,000" of "422,000 euros"."""
    if end < len(context) and context[end - 1 : end].isdigit():
        tail = _NUMBER_TAIL.match(context[end:])
        end += tail.end() if tail else 0
    if end < len(context) and context[end - 1 : end].isdigit():
        unit = UNIT_AFTER.match(context[end:])
        end += unit.end() if unit else 0
    if context[start : start + 1].isdigit() and (month := _MONTH_BEFORE.search(context[:start])):
        start = month.start()
    else:
        start -= currency_before(context[:start], context[start:end])
    return start, end


def windows_of(evidence: Sequence[Said]) -> list[tuple[int, Window]]:
    """The windows around the first READ_WINDOWS evidence sentences (each window once), with
    the index of the sentence each is for."""
    out: list[tuple[int, Window]] = []
    seen: set[str] = set()
    for i, e in enumerate(evidence):
        w = window(e.title, e.paragraph, e.sentence, e.story)
        if w.context not in seen:
            seen.add(w.context)
            out.append((i, w))
        if len(out) == READ_WINDOWS:
            break
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def holding_sentence(paragraph: str, sentence: str, span: str) -> str:
    """The sentence of `paragraph` that holds `span`: `sentence` itself when it does, else the
    nearest one that does (the window reaches past the sentence); `sentence` when none does
    (a span of the title)."""
    if _flat(span) in _flat(sentence):
        return sentence
    at = paragraph.find(sentence)
    spans = sentence_spans(paragraph)
    holding = [(a, b) for a, b in spans if _flat(span) in _flat(paragraph[a:b])]
    if not holding:
        return sentence
    a, b = min(holding, key=lambda s: abs(s[0] - at))
    return paragraph[a:b]


def agrees(span: str, line: str) -> bool:
    """Do the reader's span and the rules' answer line name one answer?"""
    a, b = key(span), key(line)
    return bool(a and b) and (a in b or b in a)


def answers(text: str, q: Question) -> bool:
    """Can `text` answer `q`: of its kind, not the question's own words, a cost with its
    currency and a weight with its unit, a name capitalised, and no place where none can be
    ("which deputy foreign minister", as the rules' vote judges it)?"""
    return (
        fits(text, q.kind)
        and not asked(text, q.resolved)
        and (q.measure is None or carries(text, q.measure))
        and (not q.asks_name or any(w[:1].isupper() for w in text.split()))
        and not (q.no_place and names_place(text))
    )


def pick(found: Sequence[Found], q: Question, ruled: str) -> Found | None:
    """The reader's answer: the best one of the question's kind that is not the question's own
    words; or the best one agreeing with the rules' short answer `ruled`, when one does with a
    score near the best (the two err apart: measured in docs/reader.md)."""
    usable = [f for f in found if answers(f.text, q)]
    if not usable:
        return None
    if ruled and len(ruled.split()) <= AGREE_WORDS:
        agreeing = [f for f in usable if agrees(f.text, ruled)]
        if agreeing and agreeing[0].score >= AGREE_SHARE * usable[0].score:
            return agreeing[0]
    return usable[0]


def read_answer(
    reader: SpanReader, q: Question, evidence: Sequence[Said], ruled: str = ""
) -> Read | Unread:
    """The reader's answer to `q` from the windows of the best `evidence` sentences (`ruled`:
    the rules' answer line, "" when they declined)."""
    started = time.perf_counter()
    chosen = windows_of(evidence)
    windows = [w for _, w in chosen]
    contexts = [w.context for w in windows]
    readings = [whole(r, contexts[r.context]) for r in reader.read(q.resolved, contexts)]
    found = aggregate(readings, windows, READER_FLOOR)
    best = pick(found, q, ruled)
    ms = (time.perf_counter() - started) * 1000
    if best is None:
        return Unread(max((r.margin for r in readings), default=float("-inf")), ms)
    support = []
    for w in best.windows:
        i = chosen[w][0]
        e = evidence[i]
        support.append((i, holding_sentence(e.paragraph, e.sentence, best.text)))
    return Read(best.text, tuple(support), best.margin, best.score, ms)
