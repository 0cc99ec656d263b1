"""Where the index lives: SQLite (sqlite-utils, FTS5) + FAISS, in atomic generations.

Layout of the data folder:

    CURRENT          name of the live generation (switched with one atomic rename)
    index.lock       held by the one index run allowed at a time
    vectors.db       embedding cache keyed by model + chunk text (chunk vectors, and the
                     vectors of each chunk's sentences); survives crashes, so a killed run's
                     encoding work is reused by the next run
    gen-*/news.db    articles, paragraphs, chunks, FTS5, sentence vectors, the files read,
                     the vectors of chunks appended since chunks.faiss was written, metadata
    gen-*/chunks.faiss  normalised chunk vectors, ids = chunks.id

A generation is written beside the live one and switched in whole. Once live, it changes only
by appends: new articles in one WAL transaction, which a reader sees whole or not at all (its
view answers from the chunks up to `max_id` until it takes a `refreshed()` one).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from index.store.errors import IndexInconsistent, IndexMissing
from index.store.generations import CURRENT, current_generation
from index.store.schema import migrate, read_meta
from index.store.vectors import SENTENCE_DTYPE, FaissIndex, VectorIndex

DB_NAME = "news.db"
FAISS_NAME = "chunks.faiss"
VECTORS_DB = "vectors.db"


def copy_database(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy even if someone is reading the source."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def open_readonly(path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def open_writable(path: Path, *, wal: bool = False) -> sqlite_utils.Database:
    """A new generation is written with a rollback journal (no reader sees it yet); the live
    one, which readers hold open, only in WAL mode."""
    db = sqlite_utils.Database(path)
    db.execute(f"pragma journal_mode = {'wal' if wal else 'delete'}")
    if wal:
        # An append's savepoints journal in memory: a temp file would double its writes.
        db.execute("pragma temp_store = memory")
    db.execute("pragma synchronous = full")
    migrate(db)
    return db


@dataclass(frozen=True)
class Story:
    """An article as a list of stories shows it."""

    title: str
    source: str
    published: str
    url: str


@dataclass(frozen=True)
class IndexInfo:
    generation: str
    articles: int
    stories: int
    paragraphs: int
    chunks: int
    newest: str
    model: str
    dim: int
    faiss_index: str
    built_at: str
    size_bytes: int
    updated_at: str = ""  # the last append, or the build
    appended: int = 0  # chunks appended since the build, outside chunks.faiss


# A word in more than this share of chunks tells BM25 little ("new", "state") and costs it the
# most: its posting list is the longest. The keyword search leaves such words out.
COMMON_SHARE = 0.2


def common_terms(db: sqlite_utils.Database, share: float = COMMON_SHARE) -> list[str]:
    """The FTS5 terms (Porter stems) found in more than `share` of the chunks."""
    total = db.execute("select count(*) from chunks").fetchone()[0]
    db.execute(
        "create virtual table if not exists temp.chunk_terms using fts5vocab(main, chunks_fts, row)"
    )
    rows = db.execute("select term from temp.chunk_terms where doc > ?", [share * total])
    return sorted(r[0] for r in rows)


class NewsIndex:
    """A read-only view of one generation: per-thread SQLite connections plus the FAISS index."""

    def __init__(self, path: Path, previous: NewsIndex | None = None) -> None:
        self.path = path
        self.generation = path.name
        self._local = threading.local()
        db_path = path / DB_NAME
        faiss_path = path / FAISS_NAME
        if not db_path.exists() or not faiss_path.exists():
            raise IndexInconsistent(
                f"Index generation {path} is incomplete; run `newsbot index --rebuild`."
            )
        # A generation in WAL mode takes appends while it is live; any other never changes.
        self.appendable = _wal_mode(db_path)
        self.meta = read_meta(self.db)
        if not self.meta.get("model"):
            raise IndexInconsistent(
                f"{db_path} has no model recorded; run `newsbot index --rebuild`."
            )
        # Stored by the run that built the generation; counted here for an older one.
        stored = self.meta.get("common_terms")
        self.common_terms = frozenset(
            stored.split() if stored is not None else common_terms(self.db)
        )
        # Chunks up to this id are what this view answers from: an append committed later
        # shows in the view `refreshed()` returns, FAISS and SQLite together.
        self.max_id = self._newest_chunk()
        # Rowids grow with each append (a live generation never deletes): the view's articles.
        self.max_article = int(
            self.db.execute("select coalesce(max(rowid), 0) from articles").fetchone()[0]
        )
        since = previous.max_id if previous is not None else 0
        vectors = previous.vector_index if previous is not None else FaissIndex.read(faiss_path)
        # How many of its vectors chunks.faiss holds (the rest were appended since the build).
        self._faiss_count: int = vectors.count if previous is None else previous._faiss_count
        self.vector_index: VectorIndex = vectors.with_added(*self._appended(since, self.max_id))
        # Indexes built before sentence vectors were stored have none: answering encodes then.
        self.has_sentence_vectors = self.db.table("chunk_sentences").exists()
        if previous is None:
            self._check()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            # A generation that never changes: immutable=1 skips SQLite's locking entirely.
            flags = "mode=ro" if self.appendable else "mode=ro&immutable=1"
            conn = sqlite3.connect(
                f"file:{self.path / DB_NAME}?{flags}", uri=True, check_same_thread=False
            )
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    def _newest_chunk(self) -> int:
        return int(self.db.execute("select coalesce(max(id), 0) from chunks").fetchone()[0])

    def _appended(self, after: int, upto: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids and vectors of chunks appended outside chunks.faiss, in (after, upto]."""
        dim = int(self.meta.get("dim", "0"))
        if not self.db.table("chunk_vectors").exists():
            return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
        rows = self.db.execute(
            "select id, vector from chunk_vectors where id > ? and id <= ? order by id",
            [after, upto],
        ).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        return ids, vectors.reshape(len(rows), dim)

    def appended_since(self) -> bool:
        """Whether chunks were appended after this view was opened."""
        return self.appendable and self._newest_chunk() > self.max_id

    def refreshed(self) -> NewsIndex:
        """A view of this generation that includes what was appended since this one opened."""
        return NewsIndex(self.path, previous=self)

    def _check(self) -> None:
        dim = int(self.meta.get("dim", "0"))
        n_chunks = self.db.execute(
            "select count(*) from chunks where id <= ?", [self.max_id]
        ).fetchone()[0]
        problems = []
        if self.vector_index.dim != dim:
            problems.append(f"FAISS dimension {self.vector_index.dim} but the model's is {dim}")
        if self.vector_index.count != n_chunks:
            problems.append(
                f"FAISS holds {self.vector_index.count} vectors but SQLite {n_chunks} chunks"
            )
        else:
            stored = np.sort(self.vector_index.ids())
            ids = np.array(
                [
                    r[0]
                    for r in self.db.execute(
                        "select id from chunks where id <= ? order by id", [self.max_id]
                    )
                ]
            )
            if not np.array_equal(stored, ids.astype(stored.dtype)):
                problems.append("FAISS ids and SQLite chunk ids differ")
        if self.has_sentence_vectors:
            n = self.db.execute(
                "select count(*) from chunk_sentences where id <= ?", [self.max_id]
            ).fetchone()[0]
            if n != n_chunks:
                problems.append(f"sentence vectors for {n} of {n_chunks} chunks")
        if problems:
            raise IndexInconsistent(
                f"The index in {self.path} is inconsistent ({'; '.join(problems)}). "
                "Run `newsbot index --rebuild` to rebuild it from the corpus."
            )

    def info(self) -> IndexInfo:
        """The figures of this view: what was appended after it opened is not counted."""
        one = lambda sql: self.db.execute(sql, [self.max_article]).fetchone()[0]  # noqa: E731
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return IndexInfo(
            generation=self.generation,
            articles=one("select count(*) from articles where rowid <= ?"),
            stories=one("select count(*) from articles where duplicate_of is null and rowid <= ?"),
            paragraphs=one(
                "select count(*) from paragraphs join articles a using (article_id) "
                "where a.rowid <= ?"
            ),
            chunks=self.db.execute(
                "select count(*) from chunks where id <= ?", [self.max_id]
            ).fetchone()[0],
            newest=one("select coalesce(max(published), '') from articles where rowid <= ?"),
            model=self.meta.get("model", ""),
            dim=int(self.meta.get("dim", "0")),
            faiss_index=self.meta.get("faiss_index", ""),
            built_at=self.meta.get("built_at", ""),
            size_bytes=size,
            updated_at=self.meta.get("updated_at", self.meta.get("built_at", "")),
            appended=self.vector_index.count - self._faiss_count,
        )

    def dense(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self.vector_index.search(query, k)

    def keyword(self, match: str, k: int) -> list[tuple[int, float]]:
        """FTS5 BM25 (title weighted above text); higher score is better."""
        if not match:
            return []
        rows = self.db.execute(
            "select rowid, -bm25(chunks_fts, 2.0, 1.0) from chunks_fts where chunks_fts match ? "
            "and rowid <= ? order by bm25(chunks_fts, 2.0, 1.0) limit ?",
            [match, self.max_id, k],
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def chunks(self, ids: Sequence[int]) -> dict[int, dict]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = (
            "select c.id, c.article_id, c.text, c.paragraph_ids, c.first_paragraph, "
            "c.last_paragraph, a.title, a.source, a.published, a.url "
            f"from chunks c join articles a using (article_id) where c.id in ({marks})"
        )
        out = {}
        for row in self.db.execute(sql, list(ids)):
            out[row[0]] = {
                "id": row[0],
                "article_id": row[1],
                "text": row[2],
                "paragraph_ids": json.loads(row[3]),
                "first_paragraph": row[4],
                "last_paragraph": row[5],
                "title": row[6],
                "source": row[7],
                "published": row[8],
                "url": row[9],
            }
        return out

    def article(self, article_id: str) -> dict | None:
        rows = list(self.db.query("select * from articles where article_id = ?", [article_id]))
        return rows[0] if rows else None

    def paragraphs(self, article_id: str) -> list[dict]:
        return list(
            self.db.query(
                "select * from paragraphs where article_id = ? order by ordinal", [article_id]
            )
        )

    def article_paragraphs(
        self, article_ids: Iterable[str]
    ) -> dict[str, dict[int, tuple[str, str]]]:
        """Every paragraph of these articles: article id -> ordinal -> (paragraph id, text)."""
        ids = sorted(article_ids)
        out: dict[str, dict[int, tuple[str, str]]] = {a: {} for a in ids}
        if not ids:
            return out
        marks = ",".join("?" * len(ids))
        sql = (
            "select article_id, ordinal, paragraph_id, text from paragraphs "
            f"where article_id in ({marks})"
        )
        for aid, ordinal, pid, text in self.db.execute(sql, ids):
            out[aid][ordinal] = (pid, text)
        return out

    def sources(self) -> list[str]:
        """Every outlet named by an article of the index."""
        rows = self.db.execute("select distinct source from articles where source != ''")
        return [r[0] for r in rows]

    def article_count(self) -> int:
        return int(self.db.execute("select count(*) from articles").fetchone()[0])

    def paragraph_texts(self, paragraph_ids: Iterable[str]) -> dict[str, str]:
        """Paragraph id -> its text."""
        ids = sorted(set(paragraph_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"select paragraph_id, text from paragraphs where paragraph_id in ({marks})", ids
        )
        return {r[0]: r[1] for r in rows}

    def newest_stories(self, limit: int) -> list[Story]:
        """The newest stories (near-duplicate copies left out), newest first."""
        rows = self.db.execute(
            "select title, source, published, url from articles where duplicate_of is null "
            "order by published desc, added_at desc limit ?",
            [limit],
        ).fetchall()
        return [Story(*row) for row in rows]

    def duplicates_of(self, article_id: str) -> list[dict]:
        return list(
            self.db.query(
                "select * from articles where duplicate_of = ? order by published, source",
                [article_id],
            )
        )

    def sentence_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """Stored vectors of the chunks' sentences (chunk id -> one row per sentence)."""
        if not ids or not self.has_sentence_vectors:
            return {}
        dim = int(self.meta["dim"])
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"select id, vectors from chunk_sentences where id in ({marks})", list(ids)
        )
        return {
            cid: np.frombuffer(blob, dtype=SENTENCE_DTYPE).reshape(-1, dim).astype(np.float32)
            for cid, blob in rows
        }

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """Stored chunk vectors (for re-scoring without encoding them again)."""
        return np.vstack([self.vector_index.vector(i) for i in ids]) if ids else np.zeros((0, 0))


def _wal_mode(db_path: Path) -> bool:
    # The database header's read and write versions (bytes 18 and 19) are 2 in WAL mode.
    with open(db_path, "rb") as fh:
        header = fh.read(20)
    return header[18:20] == b"\x02\x02"


def open_index(data_dir: Path) -> NewsIndex:
    generation = current_generation(data_dir)
    if generation is None:
        raise IndexMissing(f"No index in {data_dir} yet: run `newsbot index` first.")
    if not generation.exists():
        raise IndexInconsistent(
            f"{data_dir / CURRENT} names {generation.name}, which is missing; "
            "run `newsbot index --rebuild`."
        )
    return NewsIndex(generation)
