"""The indexing run: scan -> diff against the live index -> dedupe -> chunk -> embed -> write.

A run that only adds articles appends them to the live generation in one SQLite transaction
(WAL: readers see all of it or none), their vectors beside the FAISS file, so a feed's new
story costs O(new). Any other change (an article edited or gone, a new model or chunk size,
`--rebuild`, or appended chunks grown past APPEND_SHARE of the index) writes a new generation
beside the live one, FAISS rebuilt from every vector, and switches to it with one rename.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlite_utils

from index.config import IndexSettings
from index.embedder import Embedder
from index.encode import Progress, ProgressFn, embed_chunks, encode_sentences, store_sentences
from index.ingest.articles import Article, Skipped
from index.prepare import Rows, new_rows
from index.scan import (
    FileRecord,
    Scan,
    Stored,
    scan,
    stored_articles,
    stored_files,
    under,
    update_files,
)
from index.store.catalog import (
    DB_NAME,
    FAISS_NAME,
    VECTORS_DB,
    common_terms,
    copy_database,
    open_readonly,
    open_writable,
)
from index.store.generations import (
    current_generation,
    index_lock,
    new_generation_dir,
    remove_stale_generations,
    switch_generation,
)
from index.store.schema import read_meta
from index.store.vectors import VectorCache, build_faiss, write_faiss

log = logging.getLogger(__name__)

__all__ = ["BuildReport", "Progress", "ProgressFn", "build_index"]

# Appended chunks live outside chunks.faiss, and every reader adds them to the FAISS index it
# loads; past this share of the index (and APPEND_MIN chunks) a run writes a new generation.
APPEND_SHARE = 0.25
APPEND_MIN = 5000


@dataclass
class BuildReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0
    sentence_chunks: int = 0  # chunks whose sentences were encoded
    chunks_total: int = 0
    seconds: float = 0.0
    generation: str | None = None
    appended: bool = False  # added to the live generation, not written as a new one
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.generation is not None

    def summary(self) -> str:
        lines = list(self.notes)
        how = ""
        if self.changed:
            how = " — appended to the live index" if self.appended else " — a new generation"
        lines.append(
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"removed {self.removed}, skipped {len(self.skipped)} "
            f"({self.duplicates} duplicate stories linked; {self.chunks_embedded} chunks and the "
            f"sentences of {self.sentence_chunks} embedded, {self.chunks_total} chunks in the "
            f"index; {self.seconds:.1f} s)"
            + (how if self.changed else " — the index was already up to date")
        )
        lines.extend(f"  skipped {s.path}: {s.reason}" for s in self.skipped)
        return "\n".join(lines)


def _article_from_db(db: sqlite_utils.Database, article_id: str) -> Article:
    row = next(db.query("select * from articles where article_id = ?", [article_id]))
    paragraphs = tuple(
        r[0]
        for r in db.execute(
            "select text from paragraphs where article_id = ? order by ordinal", [article_id]
        )
    )
    return Article(
        key=row["key"],
        title=row["title"],
        paragraphs=paragraphs,
        source=row["source"],
        published=row["published"],
        url=row["url"],
        path=row["path"],
    )


def _sentences_complete(db: sqlite_utils.Database) -> bool:
    """Every chunk of this database has its sentence vectors (indexes built before they
    were stored have none)."""
    if not db.table("chunk_sentences").exists():
        return False
    sql = "select exists(select 1 from chunks where id not in (select id from chunk_sentences))"
    return not db.execute(sql).fetchone()[0]


def _delete_articles(db: sqlite_utils.Database, article_ids: Sequence[str]) -> None:
    for start in range(0, len(article_ids), 500):
        part = list(article_ids[start : start + 500])
        marks = ",".join("?" * len(part))
        db.execute(
            "delete from chunk_sentences where id in "
            f"(select id from chunks where article_id in ({marks}))",
            part,
        )
        for table in ("chunks", "paragraphs", "articles"):
            db.execute(f"delete from {table} where article_id in ({marks})", part)


def _reasons_for_rebuild(meta: dict[str, str], settings: IndexSettings, model: str) -> list[str]:
    reasons = []
    if meta.get("model") != model:
        reasons.append(
            f"The embedding model changed from {meta.get('model')!r} to {model!r}: "
            "rebuilding the whole index."
        )
    if meta.get("chunk_words") != str(settings.chunk_words):
        reasons.append(
            f"The chunk size changed from {meta.get('chunk_words')} to {settings.chunk_words} "
            "words: rebuilding the whole index."
        )
    return reasons


@dataclass
class _Live:
    """What the run needs to know of the live generation."""

    path: Path
    meta: dict[str, str]
    chunks: int
    appended: int  # chunks outside chunks.faiss
    complete: bool  # every chunk has its sentence vectors

    @property
    def appendable(self) -> bool:
        limit = max(APPEND_MIN, APPEND_SHARE * self.chunks)
        return self.meta.get("appendable") == "1" and self.appended < limit


def _read_live(data_dir: Path) -> tuple[_Live | None, sqlite_utils.Database | None]:
    live = current_generation(data_dir)
    if live is None or not (live / DB_NAME).exists():
        return None, None
    view = open_readonly(live / DB_NAME)
    one = lambda sql: view.execute(sql).fetchone()[0]  # noqa: E731
    meta = read_meta(view)
    appendable = meta.get("appendable") == "1"
    appended = one("select count(*) from chunk_vectors") if appendable else 0
    # A generation that takes appends was built whole, and each append stores every vector.
    complete = appendable or _sentences_complete(view)
    return _Live(live, meta, one("select count(*) from chunks"), appended, complete), view


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class _Run:
    """One index run: what it read, its settings and model, and its report, as both ways of
    writing (an append, a new generation) use them."""

    settings: IndexSettings
    embedder: Embedder
    found: Scan
    known: dict[str, FileRecord]  # the files the live generation recorded
    roots: Sequence[Path]
    report: BuildReport
    notify: ProgressFn
    now: str = field(default_factory=_now)

    def rows(self, db: sqlite_utils.Database, fresh: Sequence[Article]) -> Rows:
        """The rows of `fresh`, deduplicated against the stories `db` holds."""
        rows = new_rows(
            db,
            fresh,
            model=self.embedder.name,
            chunk_words=self.settings.chunk_words,
            threshold=self.settings.near_duplicate_threshold,
            now=self.now,
        )
        self.report.duplicates = rows.duplicates
        return rows

    def record_files(self, db: sqlite_utils.Database) -> None:
        """The files this run read, in `db`'s `files` table (inside the caller's transaction)."""
        update_files(db, self.known, self.found, self.roots)


def build_index(
    paths: Iterable[Path],
    settings: IndexSettings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
) -> BuildReport:
    """Bring the index of `paths` up to date, or build it anew with `rebuild`.

    New articles alone are appended to the live generation in one transaction; anything else
    prepares a new generation beside the live one, switched in only when complete. A crash at
    any point leaves the index as it was before the run.
    """
    started = time.perf_counter()
    report = BuildReport()
    notify = progress or (lambda _p: None)
    paths = [Path(p) for p in paths]
    roots = [p.resolve() for p in paths if p.exists()]
    data_dir = settings.data_dir
    with index_lock(data_dir):
        remove_stale_generations(data_dir)  # a crashed run's half-written generation
        live, view = _read_live(data_dir)
        known: dict[str, FileRecord] = {}
        stored: dict[str, Stored] = {}
        if live is not None and view is not None:
            if not rebuild:
                report.notes = _reasons_for_rebuild(live.meta, settings, embedder.name)
                rebuild = bool(report.notes)
            if not rebuild:
                stored, known = stored_articles(view), stored_files(view)
            view.close()

        # 1. Load what changed and compare with what is stored.
        found = scan(paths, stored, known, lambda n: notify(Progress("loading", n)))
        report.added, report.updated, report.unchanged = found.added, found.updated, found.unchanged
        report.skipped = found.skipped
        # An article leaves the index when its file left an indexed folder; a file that
        # failed to load this time keeps what it had.
        removed = [
            key
            for key, old in stored.items()
            if key not in found.seen and under(old.path, roots) and old.path not in found.bad_files
        ]
        report.removed = len(removed)
        if live is not None and not live.complete and not rebuild:
            report.notes.append("Encoding the sentences of the stored chunks (once).")
        same = (
            live is not None
            and not rebuild
            and live.complete
            and live.meta.get("faiss_index") == settings.faiss_index
        )
        run = _Run(settings, embedder, found, known, roots, report, notify)
        if live is not None and same and not found.fresh and not removed:
            if live.appendable:
                _record_files(run, live.path)
            report.chunks_total = live.chunks
            report.seconds = time.perf_counter() - started
            return report

        cache = VectorCache(data_dir / VECTORS_DB)
        try:
            if live is not None and same and live.appendable and not removed and not report.updated:
                _append(run, live, cache)
            else:
                doomed = [stored[k].article_id for k in removed]
                doomed += [stored[a.key].article_id for a in found.fresh if a.key in stored]
                live_db = live.path / DB_NAME if live is not None and not rebuild else None
                _new_generation(run, live_db, doomed, cache)
        finally:
            cache.close()
        report.seconds = time.perf_counter() - started
        log.info("index run done: %s", report.summary().splitlines()[-1])
        return report


def _record_files(run: _Run, generation: Path) -> None:
    """Nothing to index, but files were read (touched, or never recorded): record them, so
    the next run passes them over."""
    gone = any(under(p, run.roots) and p not in run.found.passed for p in run.known)
    if not run.found.read and not gone:
        return
    db = open_writable(generation / DB_NAME, wal=True)
    try:
        with db.atomic():
            run.record_files(db)
    finally:
        db.close()


def _append(run: _Run, live: _Live, cache: VectorCache) -> None:
    """Add the new articles to the live generation: encode first (the cache keeps a killed
    run's work), then every row and vector in one transaction."""
    embedder, report, notify = run.embedder, run.report, run.notify
    db = open_writable(live.path / DB_NAME, wal=True)
    try:
        chunks = (rows := run.rows(db, run.found.fresh)).chunks
        report.chunks_embedded = embed_chunks(
            [(c["vector_key"], c["title"], c["text"]) for c in chunks], cache, embedder, notify
        )
        report.sentence_chunks = encode_sentences(
            [(c["vector_key"], c["text"], len(json.loads(c["paragraph_ids"]))) for c in chunks],
            cache,
            embedder,
            notify,
        )
        notify(Progress("saving", 0, None))
        vectors = cache.get([c["vector_key"] for c in chunks], embedder.dim)
        with db.atomic():
            rows.insert(db)
            store_sentences(db, cache, embedder.dim, [(c["id"], c["vector_key"]) for c in chunks])
            db.conn.executemany(
                "insert into chunk_vectors (id, vector) values (?, ?)",
                [
                    (c["id"], v.astype(np.float32).tobytes())
                    for c, v in zip(chunks, vectors, strict=True)
                ],
            )
            run.record_files(db)
            db.table("meta").upsert({"key": "updated_at", "value": run.now}, pk="key")
    finally:
        db.close()
    # The index lock keeps other runs out: the count is the live one's plus these.
    report.chunks_total = live.chunks + len(chunks)
    report.generation = live.path.name
    report.appended = True


def _new_generation(run: _Run, live_db: Path | None, doomed: list[str], cache: VectorCache) -> None:
    """Prepare a whole generation beside the live one (a copy of it, changed), then switch."""
    settings, embedder, report, notify = run.settings, run.embedder, run.report, run.notify
    data_dir = settings.data_dir
    generation = new_generation_dir(data_dir)
    if live_db is not None:
        copy_database(live_db, generation / DB_NAME)
    db = open_writable(generation / DB_NAME)
    # Copies of a story whose first copy goes become stories of their own again.
    orphans = []
    for start in range(0, len(doomed), 500):
        part = doomed[start : start + 500]
        marks = ",".join("?" * len(part))
        orphans += [
            r[0]
            for r in db.execute(
                f"select article_id from articles where duplicate_of in ({marks})", part
            )
        ]
    doomed_set = set(doomed)
    fresh = list(run.found.fresh)
    orphan_articles = [_article_from_db(db, a) for a in orphans if a not in doomed_set]
    with db.atomic():
        _delete_articles(db, sorted(doomed_set | set(orphans)))
        # The new FAISS file holds every chunk: none stays appended.
        db.execute("delete from chunk_vectors")
    fresh_keys = {a.key for a in fresh}
    fresh += [a for a in orphan_articles if a.key not in fresh_keys]

    # Dedupe, split and chunk the new articles.
    rows = run.rows(db, fresh)
    with db.atomic():
        rows.insert(db)
        run.record_files(db)

    # Embed what the cache does not hold, batch by batch (a crash keeps what was done).
    every = list(db.execute("select id, vector_key, title, text from chunks order by id"))
    report.chunks_embedded = embed_chunks([r[1:] for r in every], cache, embedder, notify)
    lacking = list(
        db.execute(
            "select id, vector_key, text, paragraph_ids from chunks "
            "where id not in (select id from chunk_sentences) order by id"
        )
    )
    report.sentence_chunks = encode_sentences(
        [(key, text, len(json.loads(ids))) for _, key, text, ids in lacking],
        cache,
        embedder,
        notify,
    )
    with db.atomic():
        store_sentences(db, cache, embedder.dim, [(cid, key) for cid, key, _, _ in lacking])

    # FAISS over every chunk of the generation, then metadata, then the switch.
    notify(Progress("saving", 0, None))
    ids = np.array([r[0] for r in every], dtype=np.int64)
    vectors = cache.get([r[1] for r in every], embedder.dim)
    write_faiss(build_faiss(vectors, ids, settings.faiss_index), generation / FAISS_NAME)
    report.chunks_total = len(ids)
    with db.atomic():
        # FTS5 in one segment: later appends add small segments that merge among themselves,
        # not with pieces of this one (and a query reads one segment, not dozens).
        db.execute("insert into chunks_fts (chunks_fts) values ('optimize')")
        db.table("meta").upsert_all(
            [
                {"key": "model", "value": embedder.name},
                {"key": "dim", "value": str(embedder.dim)},
                {"key": "faiss_index", "value": settings.faiss_index},
                {"key": "chunk_words", "value": str(settings.chunk_words)},
                {"key": "built_at", "value": run.now},
                {"key": "updated_at", "value": run.now},
                {"key": "common_terms", "value": " ".join(common_terms(db))},
                {"key": "appendable", "value": "1"},
            ],
            pk="key",
        )
    # WAL from now on: readers read while a later run appends.
    db.execute("pragma journal_mode = wal")
    db.close()
    (generation / "COMPLETE").touch()
    switch_generation(data_dir, generation)
    report.generation = generation.name
    remove_stale_generations(data_dir)
    cache.prune(generation / DB_NAME)
