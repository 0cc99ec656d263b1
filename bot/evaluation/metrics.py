"""The evaluation's metrics, as pure functions of texts and per-question outcomes (the rules
are in bot.evaluation.runner's docstring)."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.evaluation.data import Question
from bot.types import Answer

HIT_CHARS = 2000


MAX_RANK = 10


ANSWER_WORDS = 30


_CITATION_MARK = re.compile(r"\[\d+\]")


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def normalise(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).casefold()


def contains_answer(text: str, gold: str) -> bool:
    """Does `text` hold the gold answer, whatever its case, spaces and curly quotes? A gold
    title's quotation marks are typography, not the answer ('"Law & Order"')."""
    needle = normalise(gold).strip("\"'")
    return bool(needle) and needle in normalise(text)


def is_hit(passage: str, gold: str) -> bool:
    # Only the head counts, so that a long passage cannot score as a whole article would.
    return contains_answer(passage[:HIT_CHARS], gold)


def first_hit_rank(passages: Sequence[str], gold: str, k: int = MAX_RANK) -> int | None:
    """1-based rank of the first hit among the top k passages, None when none is a hit."""
    return next((rank for rank, p in enumerate(passages[:k], start=1) if is_hit(p, gold)), None)


def hits_at(ranks: Sequence[int | None], k: int) -> float | None:
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[int | None], k: int = MAX_RANK) -> float | None:
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def short_answer(text: str, limit: int = ANSWER_WORDS) -> str:
    """The answer line without its citation marks, at most `limit` words."""
    line = _CITATION_MARK.sub(" ", text.strip().split("\n", 1)[0])
    return " ".join(line.split()[:limit])


_PUNCTUATION = str.maketrans("", "", string.punctuation)


def rtqa_normalise(text: str) -> str:
    """RealTimeQA's normalisation: lower case, punctuation and extra spaces removed; unlike
    SQuAD's, articles stay."""
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def exact_match(prediction: str, gold: str) -> bool:
    return rtqa_normalise(prediction) == rtqa_normalise(gold)


def token_f1(prediction: str, gold: str) -> float:
    """F1 over the normalised tokens of the prediction and the gold answer."""
    ours, theirs = rtqa_normalise(prediction).split(), rtqa_normalise(gold).split()
    same = sum((Counter(ours) & Counter(theirs)).values())
    if not same:
        return 0.0
    precision, recall = same / len(ours), same / len(theirs)
    return 2 * precision * recall / (precision + recall)


def share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile, interpolated linearly between the closest ranks (numpy's default)."""
    return float(np.percentile(values, q)) if len(values) else None


@dataclass(frozen=True)
class Scores:
    """What one pipeline got right on one question. None: the metric does not apply."""

    type: str
    gold_in_corpus: bool
    unanswerable: bool
    abstained: bool
    latency_ms: float
    hit_rank: int | None = None
    correct: bool | None = None
    choice_correct: bool | None = None
    cited: int = 0  # cited paragraphs of a correct answer
    cited_with_gold: int = 0
    exact: bool | None = None  # RealTimeQA's exact match of the answer line
    f1: float | None = None  # and its token F1

    @property
    def citation_precision(self) -> float | None:
        return self.cited_with_gold / self.cited if self.cited else None


def score(question: Question, answer: Answer, latency_ms: float, choice: int | None) -> Scores:
    gold = question.gold
    scored = question.gold_in_corpus
    line = "" if answer.abstained else short_answer(answer.text)
    correct = not answer.abstained and contains_answer(line, gold)
    cited = [c.paragraph_text for c in answer.citations] if scored and correct else []
    return Scores(
        type=question.type,
        gold_in_corpus=scored,
        unanswerable=question.unanswerable,
        abstained=answer.abstained,
        latency_ms=latency_ms,
        hit_rank=first_hit_rank([p.text for p in answer.passages], gold) if scored else None,
        correct=correct if scored else None,
        choice_correct=(
            None if choice is None else normalise(question.choices[choice]) == normalise(gold)
        ),
        cited=len(cited),
        cited_with_gold=sum(contains_answer(text, gold) for text in cited),
        exact=exact_match(line, gold) if scored else None,
        f1=token_f1(line, gold) if scored else None,
    )


def summarise(rows: Sequence[Scores]) -> dict:
    """The metrics over a set of questions (None where no question qualifies)."""
    with_gold = [r for r in rows if r.gold_in_corpus]
    ranks = [r.hit_rank for r in with_gold]
    choices = [r.choice_correct for r in rows if r.choice_correct is not None]
    cited = sum(r.cited for r in rows)
    latencies = [r.latency_ms for r in rows]
    return {
        "questions": len(rows),
        "with_gold": len(with_gold),
        "hits@1": hits_at(ranks, 1),
        "hits@5": hits_at(ranks, 5),
        "hits@10": hits_at(ranks, 10),
        "mrr@10": mrr(ranks),
        "answer_accuracy": share([bool(r.correct) for r in with_gold]),
        "exact_match": share([bool(r.exact) for r in with_gold]),
        "f1": sum(r.f1 or 0.0 for r in with_gold) / len(with_gold) if with_gold else None,
        "choice_questions": len(choices),
        "choice_accuracy": share(choices),
        "citation_precision": sum(r.cited_with_gold for r in rows) / cited if cited else None,
        "unanswerable": sum(r.unanswerable for r in rows),
        "abstention": share([r.abstained for r in rows if r.unanswerable]),
        "wrong_abstention": share([r.abstained for r in with_gold]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "hits_curve": [hits_at(ranks, k) for k in range(1, MAX_RANK + 1)],
    }


def summarise_by_type(rows: Sequence[Scores]) -> dict:
    """Overall, and per question type when the file has types."""
    out: dict = {"overall": summarise(rows)}
    types = sorted({r.type for r in rows if r.type})
    if types:
        out["by_type"] = {t: summarise([r for r in rows if r.type == t]) for t in types}
    return out
