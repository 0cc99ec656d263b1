"""A deterministic stand-in for the embedding model, for fast unit tests of storage and chunking.

Bag of hashed words, normalised: texts sharing words are close, which is all these tests need.
Retrieval quality is tested with the real model (tests marked `slow`).
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


class HashEmbedder:
    def __init__(self, name: str = "fake-hash-embedder", dim: int = 64, delay: float = 0.0) -> None:
        self.name = name
        self._dim = dim
        self.delay = delay
        self.calls = 0
        self.texts_encoded = 0

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            if self.delay:
                time.sleep(self.delay)
            for word in _WORD.findall(text.lower()):
                out[row, zlib.crc32(word.encode()) % self._dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)
