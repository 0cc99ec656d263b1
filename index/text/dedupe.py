"""Near-duplicate detection (the same wire story carried by several outlets) with MinHash + LSH."""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

import numpy as np

NUM_HASHES = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.7 Jaccard almost always share a band
ROWS = NUM_HASHES // BANDS
SHINGLE_WORDS = 5
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20260101)  # fixed: signatures must be stable across runs
_A = _rng.integers(1, 1 << 32, NUM_HASHES, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, NUM_HASHES, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray | None:
    """MinHash of the word 5-shingles, or None when the text is too short to judge."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS * 4:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    hashes = np.fromiter((zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64)
    permuted = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return permuted.min(axis=0).astype(np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(a == b))


def sharing_a_band(signatures: np.ndarray, sig: np.ndarray) -> np.ndarray:
    """The rows of `signatures` (one signature a row) that share an LSH band with `sig`: the
    only ones `NearDuplicateIndex.find` would compare it with, found without indexing them."""
    if not len(signatures):
        return np.zeros(0, dtype=np.int64)
    same = signatures.reshape(len(signatures), BANDS, ROWS) == sig.reshape(1, BANDS, ROWS)
    return np.flatnonzero(same.all(axis=2).any(axis=1))


class NearDuplicateIndex:
    """LSH buckets over signatures: finds an earlier article of (nearly) the same text."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
        self._signatures: dict[str, np.ndarray] = {}

    def _bands(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        return [(band, sig[band * ROWS : (band + 1) * ROWS].tobytes()) for band in range(BANDS)]

    def add(self, article_id: str, sig: np.ndarray) -> None:
        self._signatures[article_id] = sig
        for key in self._bands(sig):
            self._buckets[key].append(article_id)

    def discard(self, article_id: str) -> None:
        sig = self._signatures.pop(article_id, None)
        if sig is not None:
            for key in self._bands(sig):
                self._buckets[key].remove(article_id)

    def find(self, sig: np.ndarray) -> str | None:
        """The most similar indexed article at or above the threshold, if any."""
        best, best_score = None, self.threshold
        candidates = {aid for key in self._bands(sig) for aid in self._buckets.get(key, ())}
        for aid in sorted(candidates):
            score = similarity(sig, self._signatures[aid])
            if score >= best_score:
                best, best_score = aid, score
        return best
