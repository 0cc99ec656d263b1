"""Evidence: the sentences of the retrieved passages, scored against the question, and
the passages reranked by their best sentence."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.answering.context import AnswerContext
from bot.answering.followup import split_follow_up
from bot.language.en.extract import (
    normalise,
)
from index.search import (
    Hit,
    matched_parts,
    query_terms,
)
from index.text.sentences import sentence_spans

# Calibrated on the QuAIL dev questions (Unanswerable vs Character_identity/Factual): below
# this, the best sentence does not support an answer. See README "How good is it?".
ABSTAIN_BELOW = 0.42

EVIDENCE_PASSAGES = 8  # passages whose sentences are scored

# Passages reranked by their best sentence: those with no sentence among the scored ones, by
# the stored vectors of all their sentences (free: no model run). Measured on RealTimeQA dev.
RERANK_PASSAGES = 20

MAX_SENTENCES = 12  # sentences scored per question

COSINE_WEIGHT = 0.6

OVERLAP_WEIGHT = 0.4


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage, located in its paragraph and scored."""

    text: str
    hit: Hit
    paragraph: int
    paragraph_text: str
    rank: int
    cosine: float = 0.0
    overlap: float = 0.0

    @property
    def score(self) -> float:
        return COSINE_WEIGHT * self.cosine + OVERLAP_WEIGHT * self.overlap


def sentences_of(hit: Hit, rank: int, paragraph_text: dict[str, str]) -> list[Evidence]:
    """The sentences of a passage, each with the paragraph (¶ ordinal and text) it comes from."""
    out = []
    # Only the matched chunk: the context shown around it cost time and gained no accuracy.
    for ordinal, pid, part in matched_parts(hit):
        full = paragraph_text.get(pid, part)
        for a, b in sentence_spans(part):
            out.append(Evidence(part[a:b], hit, ordinal, full, rank))
    return out


CONTEXT_WEIGHT = 0.25  # a follow-up's own words matter more than the ones it borrowed


@dataclass(frozen=True)
class TermWeights:
    own: dict[str, float]
    context: dict[str, float]


def _weights_of(text: str) -> dict[str, float]:
    """Names and numbers in a question say more about the answer than common words."""
    weights = {}
    for term in query_terms(text):
        original = re.search(rf"\b{re.escape(term)}", text, re.I)
        capital = original is not None and original.group(0)[:1].isupper()
        weights[term] = 2.0 if capital or term[:1].isdigit() else 1.0
    return weights


def _term_weights(question: str) -> TermWeights:
    own, context = split_follow_up(question)
    return TermWeights(_weights_of(own), _weights_of(context))


def _share(words: set[str], weights: dict[str, float]) -> float:
    got = sum(w for term, w in weights.items() if normalise(term)[:6] in words)
    return got / sum(weights.values())


def _overlap(sentence: str, weights: TermWeights) -> float:
    """Weighted share of the question's words in the sentence (a follow-up's own words first)."""
    words = {normalise(w)[:6] for w in sentence.split()}
    if not weights.own:
        return _share(words, weights.context) if weights.context else 0.0
    if not weights.context:
        return _share(words, weights.own)
    own = _share(words, weights.own)
    return (1 - CONTEXT_WEIGHT) * own + CONTEXT_WEIGHT * _share(words, weights.context)


def _with_stored_vectors(
    hit: Hit, rank: int, texts: dict[str, str], stored: Mapping[int, np.ndarray]
) -> list[tuple[Evidence, np.ndarray | None]]:
    """The passage's sentences, each with its stored vector (None when the index stores none:
    one from before sentence vectors were)."""
    sentences = sentences_of(hit, rank, texts)
    matrix = stored.get(hit.chunk)
    if matrix is not None and len(matrix) == len(sentences):
        return list(zip(sentences, matrix, strict=True))
    return [(e, None) for e in sentences]


def _ranked_chunks(hits: Sequence[Hit]) -> list[tuple[int, Hit]]:
    """The chunks that matched in each passage (a passage may show a lower-ranked chunk of its
    article too), with the passage's rank; each chunk once, at its best rank (a follow-up's two
    searches may each hold it, in different passages)."""
    seen: set[int] = set()
    out = []
    for rank, hit in enumerate(hits):
        for c in hit.chunks:
            if c.chunk not in seen:
                seen.add(c.chunk)
                out.append((rank, c))
    return out


def score_sentences(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> list[Evidence]:
    chunks = _ranked_chunks(hits[:EVIDENCE_PASSAGES])
    texts = ctx.index.paragraph_texts(pid for _, c in chunks for _, pid, _ in matched_parts(c))
    weights = _term_weights(question)
    stored = ctx.index.sentence_vectors([c.chunk for _, c in chunks])
    evidence = [pair for rank, c in chunks for pair in _with_stored_vectors(c, rank, texts, stored)]
    # The likeliest sentences, picked by the question's words and the passage's rank: scoring
    # more of them lets stray sentences through (measured: MAX_SENTENCES).
    evidence.sort(key=lambda ev: -(_overlap(ev[0].text, weights) - 0.1 * ev[0].rank))
    evidence = evidence[:MAX_SENTENCES]
    unknown = [e.text for e, vector in evidence if vector is None]
    encoded = iter(ctx.embedder.encode(unknown) if unknown else [])
    scored = [
        replace(
            e,
            cosine=float((next(encoded) if vector is None else vector) @ query_vector),
            overlap=_overlap(e.text, weights),
        )
        for e, vector in evidence
    ]
    scored.sort(key=lambda e: -e.score)
    return scored


def best_sentence_scores(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> list[float | None]:
    """Each passage's best sentence score over all the sentences of its matched chunks, from
    the stored sentence vectors; None where the index stores none."""
    weights = _term_weights(question)
    chunks = _ranked_chunks(hits)
    stored = ctx.index.sentence_vectors([c.chunk for _, c in chunks])
    by_rank: dict[int, list[tuple[Evidence, np.ndarray | None]]] = defaultdict(list)
    for rank, c in chunks:
        by_rank[rank].extend(_with_stored_vectors(c, rank, {}, stored))
    out: list[float | None] = []
    for rank in range(len(hits)):
        pairs = by_rank[rank]
        if not pairs or pairs[0][1] is None:
            out.append(None)
            continue
        out.append(
            max(
                replace(
                    e, cosine=float(vector @ query_vector), overlap=_overlap(e.text, weights)
                ).score
                for e, vector in pairs
                if vector is not None
            )
        )
    return out


def unscored_ranks(evidence: Sequence[Evidence], count: int) -> list[int]:
    """The first `count` passages none of whose sentences made the scored few: those past
    EVIDENCE_PASSAGES, and any before whose sentences lost to others. They are ranked by their
    best stored sentence instead of falling below every scored passage."""
    scored = {e.rank for e in evidence}
    return [r for r in range(count) if r not in scored]


# Against a passage's best sentence score, times the log of its place in the fused ranking
# (counted from 1): the first places differ most, yet a sentence that fits well can still lift
# a passage from place 16.
RANK_PRIOR = 0.08

TIMELY_PRIOR = 0.2  # for a passage dated in the question's time window (or the recent week)


def rerank(
    hits: Sequence[Hit], evidence: Sequence[Evidence], more: Mapping[int, float] | None = None
) -> list[Hit]:
    """The passages whose sentences were scored, reordered by their best sentence (from
    `evidence`, or `more`: rank -> best score, for passages without evidence).

    A passage that merely shares the question's topic ranks below one with a sentence that
    matches the question itself; the fused rank breaks near-ties.
    """
    best: dict[int, float] = {}
    for e in evidence:
        best[e.rank] = max(best.get(e.rank, 0.0), e.score)
    for rank, score in (more or {}).items():
        best.setdefault(rank, score)
    if not best:
        return list(hits)
    scored = sorted(
        best,
        key=lambda r: -(best[r] - RANK_PRIOR * math.log1p(r) + TIMELY_PRIOR * hits[r].timely),
    )
    head = [hits[r] for r in scored]
    return head + [h for r, h in enumerate(hits) if r not in best]


def rerank_passages(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> tuple[list[Hit], list[Evidence]]:
    """The passages reranked by their best sentence (the first RERANK_PASSAGES of them), and
    the scored sentences, best first."""
    evidence = score_sentences(ctx, question, query_vector, hits) if hits else []
    unscored = unscored_ranks(evidence, min(len(hits), RERANK_PASSAGES))
    tail = best_sentence_scores(ctx, question, query_vector, [hits[r] for r in unscored])
    more = {r: b for r, b in zip(unscored, tail, strict=True) if b is not None}
    return rerank(hits, evidence, more), evidence
