"""The index database's schema, as numbered migrations applied in order (a generation records
its version in its meta table)."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("articles").create(
        {
            "article_id": str,
            "key": str,
            "title": str,
            "source": str,
            "published": str,
            "url": str,
            "path": str,
            "content_hash": str,
            "body_hash": str,
            "duplicate_of": str,
            "minhash": bytes,
            "n_paragraphs": int,
            "added_at": str,
        },
        pk="article_id",
    )
    db.table("articles").create_index(["key"], unique=True)
    db.table("articles").create_index(["duplicate_of"])
    db.table("articles").create_index(["body_hash"])
    db.table("articles").create_index(["path"])
    db.table("paragraphs").create(
        {
            "paragraph_id": str,
            "article_id": str,
            "ordinal": int,
            "text": str,
            "start": int,
            "end": int,
        },
        pk="paragraph_id",
    )
    db.table("paragraphs").create_index(["article_id", "ordinal"], unique=True)
    db.table("chunks").create(
        {
            "id": int,
            "chunk_id": str,
            "article_id": str,
            "ordinal": int,
            "title": str,
            "text": str,
            "paragraph_ids": str,
            "first_paragraph": int,
            "last_paragraph": int,
            "vector_key": str,
        },
        pk="id",
    )
    db.table("chunks").create_index(["article_id"])
    db.table("chunks").create_index(["chunk_id"], unique=True)
    # Porter stemming: "warned" in a question finds "warns" in a headline.
    db.table("chunks").enable_fts(["title", "text"], tokenize="porter", create_triggers=True)


def _m002_sentence_vectors(db: sqlite_utils.Database) -> None:
    # Each chunk's sentences (index.text.chunking.chunk_sentences), encoded at index time so that
    # answering scores them without running the model: float16 rows, one per sentence.
    db.table("chunk_sentences").create({"id": int, "vectors": bytes}, pk="id")
    # Lets count(*) (the consistency check on open) read this index, not every vector.
    db.table("chunk_sentences").create_index(["id"])


def _m003_appends(db: sqlite_utils.Database) -> None:
    # What each indexed file held when it was read (size, mtime, article keys): an update passes
    # over a file that has not changed instead of parsing it again.
    db.table("files").create({"path": str, "size": int, "mtime_ns": int, "keys": str}, pk="path")
    # The vectors of chunks appended after chunks.faiss was written; readers add them to the
    # FAISS index they load, and the next full generation folds them into the file.
    db.table("chunk_vectors").create({"id": int, "vector": bytes}, pk="id")


# Numbered schema migrations: the index of a function is the version it produces, minus one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_initial,
    _m002_sentence_vectors,
    _m003_appends,
]


SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> None:
    version = 0
    if db.table("meta").exists():
        row = db.execute("select value from meta where key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
    for step in MIGRATIONS[version:]:
        with db.conn:
            step(db)
    db.table("meta").upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")


def read_meta(db: sqlite_utils.Database) -> dict[str, str]:
    if not db.table("meta").exists():
        return {}
    return {row[0]: row[1] for row in db.execute("select key, value from meta")}
