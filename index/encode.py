"""Encoding for an indexing run: chunk and sentence vectors the cache lacks, encoded in large
calls and committed call by call, so a killed run's work is reused by the next one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sqlite_utils

from index.embedder import Embedder
from index.store.errors import StoreError
from index.store.vectors import SENTENCE_DTYPE, VectorCache
from index.text.chunking import chunk_sentences

ENCODE_CALL = 2048  # texts per encode() call: large, so the model's length sorting pays off


@dataclass(frozen=True)
class Progress:
    """Reported while a run works: `stage` is loading, embedding, sentences or saving."""

    stage: str
    done: int
    total: int | None = None


ProgressFn = Callable[[Progress], None]


def embed_chunks(
    chunks: Sequence[tuple[str, str, str]],
    cache: VectorCache,
    embedder: Embedder,
    notify: ProgressFn,
) -> int:
    """Encode the chunks (vector key, title, text) the cache lacks; returns how many."""
    missing = set(cache.missing(key for key, _, _ in chunks))
    todo: dict[str, str] = {}
    for key, title, text in chunks:
        if key in missing and key not in todo:
            todo[key] = f"{title}\n{text}" if title else text
    items = sorted(todo.items(), key=lambda kv: len(kv[1]), reverse=True)
    notify(Progress("embedding", 0, len(items)))
    for start in range(0, len(items), ENCODE_CALL):
        batch = items[start : start + ENCODE_CALL]
        cache.put([key for key, _ in batch], embedder.encode([text for _, text in batch]))
        notify(Progress("embedding", start + len(batch), len(items)))
    return len(items)


def encode_sentences(
    chunks: Sequence[tuple[str, str, int]],
    cache: VectorCache,
    embedder: Embedder,
    notify: ProgressFn,
) -> int:
    """Encode the sentences of the chunks (vector key, text, paragraph count) the cache lacks,
    about ENCODE_CALL sentences per call, committed chunk group by group; returns how many
    chunks were encoded."""
    missing = set(cache.missing((key for key, _, _ in chunks), table="sentence_vectors"))
    todo = {key: chunk_sentences(text, n) for key, text, n in chunks if key in missing}
    notify(Progress("sentences", 0, len(todo)))
    keys: list[str] = []
    texts: list[str] = []
    done = 0

    def flush() -> None:
        nonlocal keys, texts, done
        vectors = embedder.encode(texts)
        start = 0
        matrices = []
        for key in keys:
            matrices.append(vectors[start : start + len(todo[key])])
            start += len(todo[key])
        cache.put_sentences(keys, matrices)
        done += len(keys)
        notify(Progress("sentences", done, len(todo)))
        keys, texts = [], []

    for key, sentences in todo.items():
        keys.append(key)
        texts += sentences
        if len(texts) >= ENCODE_CALL:
            flush()
    if keys:
        flush()
    return len(todo)


def store_sentences(
    db: sqlite_utils.Database, cache: VectorCache, dim: int, rows: Sequence[tuple[int, str]]
) -> None:
    """Copy the sentence vectors of these chunks (id, vector key) from the cache; the caller
    holds the transaction."""
    width = dim * np.dtype(SENTENCE_DTYPE).itemsize
    for start in range(0, len(rows), 1000):
        part = rows[start : start + 1000]
        blobs = cache.sentence_blobs([key for _, key in part])
        for cid, key in part:
            blob = blobs.get(key)
            if blob is None or len(blob) % width:
                raise StoreError(f"The sentence vectors of chunk {cid} are missing from the cache.")
        db.conn.executemany(
            "insert into chunk_sentences (id, vectors) values (?, ?)",
            [(cid, blobs[key]) for cid, key in part],
        )
