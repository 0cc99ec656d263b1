"""Reciprocal rank fusion: the one formula every merge of rankings uses."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60


def rrf_scores(
    rankings: Iterable[Iterable[K]], *, k: int = RRF_K, first_rank: int = 1
) -> dict[K, float]:
    """Each key's sum of 1 / (k + rank) over the rankings it appears in, ranks counted from
    `first_rank`; keys in the order they first appear."""
    scores: dict[K, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=first_rank):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores
