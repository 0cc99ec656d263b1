"""The indexing run: load -> diff against the live index -> dedupe -> chunk -> embed -> switch."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlite_utils

from index.config import IndexSettings
from index.embedder import Embedder
from index.ingest.articles import Article, Skipped, sha1_hex
from index.ingest.loaders import load_paths
from index.store.catalog import (
    DB_NAME,
    FAISS_NAME,
    VECTORS_DB,
    common_terms,
    copy_database,
    open_readonly,
    open_writable,
)
from index.store.errors import StoreError
from index.store.generations import (
    current_generation,
    index_lock,
    new_generation_dir,
    remove_stale_generations,
    switch_generation,
)
from index.store.schema import read_meta
from index.store.vectors import SENTENCE_DTYPE, VectorCache, build_faiss, write_faiss
from index.text.chunking import chunk_paragraphs, chunk_sentences, paragraphs_of
from index.text.dedupe import NearDuplicateIndex, signature

log = logging.getLogger(__name__)

ENCODE_CALL = 2048  # texts per encode() call: large, so the model's length sorting pays off


@dataclass(frozen=True)
class Progress:
    """Reported while a run works: `stage` is loading, embedding or saving."""

    stage: str
    done: int
    total: int | None = None


ProgressFn = Callable[[Progress], None]


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
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.generation is not None

    def summary(self) -> str:
        lines = list(self.notes)
        lines.append(
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"removed {self.removed}, skipped {len(self.skipped)} "
            f"({self.duplicates} duplicate stories linked; {self.chunks_embedded} chunks and the "
            f"sentences of {self.sentence_chunks} embedded, {self.chunks_total} chunks in the "
            f"index; {self.seconds:.1f} s)"
            + ("" if self.changed else " — the index was already up to date")
        )
        lines.extend(f"  skipped {s.path}: {s.reason}" for s in self.skipped)
        return "\n".join(lines)


def vector_key(model: str, text: str) -> str:
    return sha1_hex(model + "\0" + text, 40)


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


def _store_sentences(
    db: sqlite_utils.Database, cache: VectorCache, dim: int, rows: Sequence[tuple[int, str]]
) -> None:
    """Copy the sentence vectors of these chunks (id, vector key) from the cache."""
    width = dim * np.dtype(SENTENCE_DTYPE).itemsize
    for start in range(0, len(rows), 1000):
        part = rows[start : start + 1000]
        blobs = cache.sentence_blobs([key for _, key in part])
        for cid, key in part:
            blob = blobs.get(key)
            if blob is None or len(blob) % width:
                raise StoreError(f"The sentence vectors of chunk {cid} are missing from the cache.")
        with db.conn:
            db.conn.executemany(
                "insert into chunk_sentences (id, vectors) values (?, ?)",
                [(cid, blobs[key]) for cid, key in part],
            )


def _under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == root or root in p.parents for root in roots)


@dataclass(frozen=True)
class _Stored:
    article_id: str
    content_hash: str
    path: str


def _stored_articles(db_path: Path) -> dict[str, _Stored]:
    db = open_readonly(db_path)
    try:
        rows = db.execute("select key, article_id, content_hash, path from articles")
        return {r[0]: _Stored(r[1], r[2], r[3]) for r in rows}
    finally:
        db.close()


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


def _sentences_complete(db_path: Path) -> bool:
    """Every chunk of this database has its sentence vectors (indexes built before they
    were stored have none)."""
    db = open_readonly(db_path)
    try:
        if not db.table("chunk_sentences").exists():
            return False
        sql = "select exists(select 1 from chunks where id not in (select id from chunk_sentences))"
        return not db.execute(sql).fetchone()[0]
    finally:
        db.close()


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


def build_index(
    paths: Iterable[Path],
    settings: IndexSettings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
) -> BuildReport:
    """Bring the index of `paths` up to date, or build it anew with `rebuild`.

    The new generation is prepared beside the live one and switched in only when complete,
    so a crash at any point leaves the previous index as it was.
    """
    started = time.perf_counter()
    report = BuildReport()
    notify = progress or (lambda _p: None)
    paths = [Path(p) for p in paths]
    roots = [p.resolve() for p in paths if p.exists()]
    data_dir = settings.data_dir
    with index_lock(data_dir):
        remove_stale_generations(data_dir)  # a crashed run's half-written generation
        live = current_generation(data_dir)
        live_db = live / DB_NAME if live is not None and (live / DB_NAME).exists() else None
        meta: dict[str, str] = {}
        if live_db is not None:
            live_view = open_readonly(live_db)
            meta = read_meta(live_view)
            live_view.close()
            if not rebuild:
                report.notes = _reasons_for_rebuild(meta, settings, embedder.name)
                rebuild = bool(report.notes)
        stored = {} if rebuild or live_db is None else _stored_articles(live_db)

        # 1. Load and compare with what is stored.
        seen: set[str] = set()
        fresh: list[Article] = []
        bad_files: set[str] = set()
        for item in load_paths(paths):
            if isinstance(item, Skipped):
                report.skipped.append(item)
                bad_files.add(item.path)
                continue
            if item.key in seen:
                report.skipped.append(Skipped(item.path, f"repeats the article id {item.key!r}"))
                continue
            seen.add(item.key)
            old = stored.get(item.key)
            if old is not None and old.content_hash == item.content_hash:
                report.unchanged += 1
            else:
                fresh.append(item)
                if old is None:
                    report.added += 1
                else:
                    report.updated += 1
            notify(Progress("loading", len(seen)))
        # An article leaves the index when its file left an indexed folder; a file that
        # failed to load this time keeps what it had.
        removed = [
            key
            for key, old in stored.items()
            if key not in seen and _under(old.path, roots) and old.path not in bad_files
        ]
        report.removed = len(removed)
        same_faiss = meta.get("faiss_index") == settings.faiss_index
        complete = live_db is not None and _sentences_complete(live_db)
        if live_db is not None and not complete and not rebuild:
            report.notes.append("Encoding the sentences of the stored chunks (once).")
        if (
            live_db is not None
            and not rebuild
            and not fresh
            and not removed
            and same_faiss
            and complete
        ):
            view = open_readonly(live_db)
            report.chunks_total = view.execute("select count(*) from chunks").fetchone()[0]
            view.close()
            report.seconds = time.perf_counter() - started
            return report

        # 2. Prepare the new generation beside the live one.
        generation = new_generation_dir(data_dir)
        if live_db is not None and not rebuild:
            copy_database(live_db, generation / DB_NAME)
        db = open_writable(generation / DB_NAME)
        doomed = [stored[k].article_id for k in removed]
        doomed += [stored[a.key].article_id for a in fresh if a.key in stored]
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
        orphan_articles = [_article_from_db(db, a) for a in orphans if a not in doomed_set]
        with db.conn:
            _delete_articles(db, sorted(doomed_set | set(orphans)))
        fresh_keys = {a.key for a in fresh}
        fresh += [a for a in orphan_articles if a.key not in fresh_keys]

        # 3. Dedupe, split and chunk the new articles.
        near = NearDuplicateIndex(settings.near_duplicate_threshold)
        by_body: dict[str, str] = {}
        for aid, body_hash, blob in db.execute(
            "select article_id, body_hash, minhash from articles where duplicate_of is null"
        ):
            by_body[body_hash] = aid
            if blob:
                near.add(aid, np.frombuffer(blob, dtype=np.uint64))
        next_id = (db.execute("select coalesce(max(id), 0) from chunks").fetchone()[0]) + 1
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        article_rows, paragraph_rows, chunk_rows = [], [], []
        for article in fresh:
            aid = article.article_id
            body_hash = sha1_hex(article.body, 40)
            sig = signature(article.body)
            duplicate_of = by_body.get(body_hash)
            if duplicate_of is None and sig is not None:
                duplicate_of = near.find(sig)
            if duplicate_of is not None:
                report.duplicates += 1
            paragraphs = paragraphs_of(article)
            article_rows.append(
                {
                    "article_id": aid,
                    "key": article.key,
                    "title": article.title,
                    "source": article.source,
                    "published": article.published,
                    "url": article.url,
                    "path": article.path,
                    "content_hash": article.content_hash,
                    "body_hash": body_hash,
                    "duplicate_of": duplicate_of,
                    "minhash": sig.tobytes() if sig is not None else None,
                    "n_paragraphs": len(paragraphs),
                    "added_at": now,
                }
            )
            paragraph_rows += [
                {
                    "paragraph_id": p.paragraph_id,
                    "article_id": aid,
                    "ordinal": p.ordinal,
                    "text": p.text,
                    "start": p.start,
                    "end": p.end,
                }
                for p in paragraphs
            ]
            if duplicate_of is not None:
                continue  # one story is embedded once; its copies stay citable through it
            by_body[body_hash] = aid
            if sig is not None:
                near.add(aid, sig)
            for chunk in chunk_paragraphs(aid, article.title, paragraphs, settings.chunk_words):
                chunk_rows.append(
                    {
                        "id": next_id,
                        "chunk_id": chunk.chunk_id,
                        "article_id": aid,
                        "ordinal": chunk.ordinal,
                        "title": chunk.title,
                        "text": chunk.text,
                        "paragraph_ids": json.dumps(list(chunk.paragraph_ids)),
                        "first_paragraph": chunk.first_paragraph,
                        "last_paragraph": chunk.last_paragraph,
                        "vector_key": vector_key(embedder.name, chunk.embed_text),
                    }
                )
                next_id += 1
        with db.conn:
            db.table("articles").insert_all(article_rows, batch_size=500)
            db.table("paragraphs").insert_all(paragraph_rows, batch_size=1000)
            db.table("chunks").insert_all(chunk_rows, batch_size=1000)

        # 4. Embed what the cache does not hold, batch by batch (a crash keeps what was done).
        cache = VectorCache(data_dir / VECTORS_DB)
        try:
            keys_by_id = list(
                db.execute("select id, vector_key, title, text from chunks order by id")
            )
            missing = set(cache.missing(r[1] for r in keys_by_id))
            todo: dict[str, str] = {}
            for _, key, title, text in keys_by_id:
                if key in missing and key not in todo:
                    todo[key] = f"{title}\n{text}" if title else text
            report.chunks_embedded = len(todo)
            items = sorted(todo.items(), key=lambda kv: len(kv[1]), reverse=True)
            notify(Progress("embedding", 0, len(items)))
            for start in range(0, len(items), ENCODE_CALL):
                batch = items[start : start + ENCODE_CALL]
                vectors = embedder.encode([text for _, text in batch])
                cache.put([key for key, _ in batch], vectors)
                notify(Progress("embedding", start + len(batch), len(items)))
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
            _store_sentences(db, cache, embedder.dim, [(cid, key) for cid, key, _, _ in lacking])

            # 5. FAISS over every chunk of the generation, then metadata, then the switch.
            notify(Progress("saving", 0, None))
            ids = np.array([r[0] for r in keys_by_id], dtype=np.int64)
            vectors = cache.get([r[1] for r in keys_by_id], embedder.dim)
            write_faiss(build_faiss(vectors, ids, settings.faiss_index), generation / FAISS_NAME)
            report.chunks_total = len(ids)
            with db.conn:
                db.table("meta").upsert_all(
                    [
                        {"key": "model", "value": embedder.name},
                        {"key": "dim", "value": str(embedder.dim)},
                        {"key": "faiss_index", "value": settings.faiss_index},
                        {"key": "chunk_words", "value": str(settings.chunk_words)},
                        {"key": "built_at", "value": now},
                        {"key": "common_terms", "value": " ".join(common_terms(db))},
                    ],
                    pk="key",
                )
            db.close()
            (generation / "COMPLETE").touch()
            switch_generation(data_dir, generation)
            report.generation = generation.name
            remove_stale_generations(data_dir)
            cache.prune(generation / DB_NAME)
        finally:
            cache.close()
        report.seconds = time.perf_counter() - started
        log.info("index run done: %s", report.summary().splitlines()[-1])
        return report
