"""Deterministic stand-ins for the models, for fast unit tests: the embedding model (storage,
chunking) and the language model (the reader stage).

Bag of hashed words, normalised: texts sharing words are close, which is all these tests need.
Retrieval quality is tested with the real model (tests marked `slow`).
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Sequence

import numpy as np

from bot.lm.model import Completion, Message

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


class FakeModel:
    """A stand-in for the language model, for fast tests of the reader stage: `replies` maps a
    word of the question to what the model says of each window holding `where` (by default
    the reply without its full stop); other windows get "not stated". Records every prompt it
    is given."""

    def __init__(self, replies: dict[str, str], where: dict[str, str] | None = None) -> None:
        self.name = "fake-model"
        self.replies = replies
        self.where = where or {}
        self.prompts: list[Sequence[Message]] = []

    def complete(self, messages: Sequence[Message], max_tokens: int) -> Completion:
        self.prompts.append(messages)
        user = messages[-1].content
        question = user.rsplit("Question:", 1)[-1].lower()
        reply = "not stated"
        for word, said in self.replies.items():
            if (
                word.lower() in question
                and self.where.get(word, said.rstrip(".")).lower() in user.lower()
            ):
                reply = said
                break
        return Completion(reply, len(user.split()), len(reply.split()), 1.0)
