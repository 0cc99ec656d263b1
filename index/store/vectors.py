"""Vectors: the FAISS index of the chunk vectors (built and written here), and the cache that keeps
every chunk's and sentence's vector across generations so that a rebuild embeds only new text."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

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


class VectorIndex(Protocol):
    """What the store needs of a vector index: the chunk vectors, keyed by chunk id. A second
    backend (a vector server, a sharded index) is one class with these members."""

    @property
    def dim(self) -> int: ...

    @property
    def count(self) -> int: ...

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` nearest chunks: (chunk id, inner product), best first."""
        ...

    def vector(self, chunk_id: int) -> np.ndarray: ...

    def ids(self) -> np.ndarray:
        """Every chunk id it holds (for the consistency check on open)."""
        ...

    def with_added(self, ids: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        """An index that also holds these vectors; this one stays as it is for its readers."""
        ...


class FaissIndex:
    """The FAISS backend: an IndexIDMap2 over any index_factory type, read from its file."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def read(cls, path: Path) -> FaissIndex:
        # One query at a time: a single FAISS thread is as fast here (16 ms vs 19 ms for 129k
        # chunks) and leaves the other core to BM25, which runs beside it.
        faiss.omp_set_num_threads(1)
        return cls(faiss.read_index(str(path)))

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.count == 0:
            return []
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def vector(self, chunk_id: int) -> np.ndarray:
        return np.asarray(self.index.reconstruct(int(chunk_id)))

    def ids(self) -> np.ndarray:
        return np.asarray(faiss.vector_to_array(self.index.id_map))  # type: ignore[attr-defined]

    def with_added(self, ids: np.ndarray, vectors: np.ndarray) -> FaissIndex:
        if not len(ids):
            return self
        # A copy: FAISS may move its arrays while adding, under a search in another thread.
        index = faiss.clone_index(self.index)
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        return FaissIndex(index)


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
