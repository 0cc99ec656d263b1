"""New articles as index rows: each linked to the story it copies (the same body, or a near
duplicate), split into paragraphs, and the stories chunked, with chunk ids from `next_id` on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sqlite_utils

from index.ingest.articles import Article, sha1_hex
from index.text.chunking import chunk_paragraphs, paragraphs_of
from index.text.dedupe import NUM_HASHES, NearDuplicateIndex, sharing_a_band, signature


def vector_key(model: str, text: str) -> str:
    return sha1_hex(model + "\0" + text, 40)


@dataclass
class Rows:
    articles: list[dict] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    chunks: list[dict] = field(default_factory=list)
    duplicates: int = 0  # articles linked to a story already there

    def insert(self, db: sqlite_utils.Database) -> None:
        """Insert every row; the caller holds the transaction."""
        db.table("articles").insert_all(self.articles, batch_size=500)
        db.table("paragraphs").insert_all(self.paragraphs, batch_size=1000)
        db.table("chunks").insert_all(self.chunks, batch_size=1000)


def new_rows(
    db: sqlite_utils.Database,
    fresh: Sequence[Article],
    *,
    model: str,
    chunk_words: int,
    threshold: float,
    now: str,
) -> Rows:
    """The rows of `fresh`, deduplicated against the stories `db` holds and each other."""
    by_body: dict[str, str] = {}
    signed: list[str] = []
    blobs: list[bytes] = []
    for aid, body_hash, blob in db.execute(
        "select article_id, body_hash, minhash from articles where duplicate_of is null"
    ):
        by_body[body_hash] = aid
        if blob:
            signed.append(aid)
            blobs.append(blob)
    # The stored stories' signatures as one matrix: each new article is compared with those
    # sharing a band (numpy over every row), so only they enter the LSH index.
    stored = np.frombuffer(b"".join(blobs), dtype=np.uint64).reshape(len(blobs), NUM_HASHES)
    near = NearDuplicateIndex(threshold)
    entered: set[int] = set()

    def copy_of(sig: np.ndarray) -> str | None:
        for row in sharing_a_band(stored, sig):
            if row not in entered:
                entered.add(int(row))
                near.add(signed[row], stored[row])
        return near.find(sig)

    next_id = db.execute("select coalesce(max(id), 0) from chunks").fetchone()[0] + 1
    rows = Rows()
    for article in fresh:
        aid = article.article_id
        body_hash = sha1_hex(article.body, 40)
        sig = signature(article.body)
        duplicate_of = by_body.get(body_hash)
        if duplicate_of is None and sig is not None:
            duplicate_of = copy_of(sig)
        if duplicate_of is not None:
            rows.duplicates += 1
        paragraphs = paragraphs_of(article)
        rows.articles.append(
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
        rows.paragraphs += [
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
        for chunk in chunk_paragraphs(aid, article.title, paragraphs, chunk_words):
            rows.chunks.append(
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
                    "vector_key": vector_key(model, chunk.embed_text),
                }
            )
            next_id += 1
    return rows
