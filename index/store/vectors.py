"""Vectors: the FAISS index of the chunk vectors (built and written here), and the cache that keeps
every chunk's and sentence's vector across generations so that a rebuild embeds only new text."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import faiss
import numpy as np
import sqlite_utils

from index.store.errors import StoreError

SENTENCE_DTYPE = np.float16  # sentence vectors: half the space, cosines within 1e-3


class VectorCache:
    """Embeddings keyed by (model, chunk text) hash, committed batch by batch: a chunk's
    vector in `vectors`, its sentences' vectors (float16 rows) in `sentence_vectors`."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite_utils.Database(path)
        self.db.execute("pragma journal_mode = wal")
        if not self.db.table("vectors").exists():
            self.db.table("vectors").create({"key": str, "vector": bytes}, pk="key")
        if not self.db.table("sentence_vectors").exists():
            self.db.table("sentence_vectors").create({"key": str, "vectors": bytes}, pk="key")

    def missing(self, keys: Iterable[str], table: str = "vectors") -> list[str]:
        wanted = list(dict.fromkeys(keys))
        have: set[str] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            have.update(
                row[0]
                for row in self.db.execute(f"select key from {table} where key in ({marks})", part)
            )
        return [k for k in wanted if k not in have]

    def put_sentences(self, keys: Sequence[str], matrices: Sequence[np.ndarray]) -> None:
        with self.db.conn:
            self.db.conn.executemany(
                "insert or replace into sentence_vectors (key, vectors) values (?, ?)",
                [
                    (k, m.astype(SENTENCE_DTYPE).tobytes())
                    for k, m in zip(keys, matrices, strict=True)
                ],
            )

    def sentence_blobs(self, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            part = unique[start : start + 500]
            marks = ",".join("?" * len(part))
            sql = f"select key, vectors from sentence_vectors where key in ({marks})"
            out.update((k, blob) for k, blob in self.db.execute(sql, part))
        return out

    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        with self.db.conn:
            self.db.conn.executemany(
                "insert or replace into vectors (key, vector) values (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in zip(keys, vectors, strict=True)],
            )

    def get(self, keys: Sequence[str], dim: int) -> np.ndarray:
        out = np.zeros((len(keys), dim), dtype=np.float32)
        position = {k: i for i, k in enumerate(keys)}
        unique = list(position)
        for start in range(0, len(unique), 500):
            part = unique[start : start + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self.db.execute(
                f"select key, vector from vectors where key in ({marks})", part
            ):
                out[position[key]] = np.frombuffer(blob, dtype=np.float32)
        # Keys may repeat (the same chunk text twice): fill every position, not just the last.
        for i, key in enumerate(keys):
            out[i] = out[position[key]]
        return out

    def prune(self, keep_db: Path) -> None:
        """Forget vectors no chunk of the live generation uses."""
        self.db.execute("attach database ? as live", [f"file:{keep_db}?mode=ro"])
        try:
            with self.db.conn:
                for table in ("vectors", "sentence_vectors"):
                    self.db.execute(
                        f"delete from {table} where key not in (select vector_key from live.chunks)"
                    )
        finally:
            self.db.execute("detach database live")

    def close(self) -> None:
        self.db.close()


def build_faiss(vectors: np.ndarray, ids: np.ndarray, spec: str) -> faiss.Index:
    """A FAISS index of the given factory type over normalised vectors, keyed by chunk id."""
    dim = vectors.shape[1]
    try:
        base = faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as exc:
        raise StoreError(f"Unknown FAISS index type {spec!r} (NEWSBOT_FAISS_INDEX): {exc}") from exc
    if not base.is_trained:
        if len(vectors) == 0:
            raise StoreError(f"FAISS index type {spec!r} needs training data; index some articles.")
        try:
            base.train(vectors)
        except RuntimeError as exc:
            raise StoreError(
                f"FAISS index type {spec!r} cannot be trained on {len(vectors)} chunks ({exc}); "
                "use NEWSBOT_FAISS_INDEX=Flat for a corpus this small."
            ) from exc
    index = faiss.IndexIDMap2(base)
    if len(vectors):
        index.add_with_ids(vectors, ids.astype(np.int64))
    return index


def write_faiss(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
