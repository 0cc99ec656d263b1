"""Plain data passed between the engine's modules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def sha1_hex(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Article:
    """One news article as a loader found it.

    `key` is its identity in the corpus (the record's own id, else its URL, else the file path
    with the record number), so that an edited article is recognised as the same one.
    `published` is an ISO date (YYYY-MM-DD) or "" when unknown.
    """

    key: str
    title: str
    paragraphs: tuple[str, ...]
    source: str = ""
    published: str = ""
    url: str = ""
    path: str = ""

    @property
    def article_id(self) -> str:
        return sha1_hex("article\0" + self.key)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        meta = "\0".join((self.title, self.source, self.published, self.url))
        return sha1_hex(meta + "\0" + self.body, 40)


@dataclass(frozen=True)
class Skipped:
    """A file (or a record in it) that could not be loaded, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article body; `ordinal` is 1-based (what a citation calls ¶k)."""

    paragraph_id: str
    article_id: str
    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """What gets embedded: whole paragraphs packed together, or sentences of a long one."""

    chunk_id: str
    article_id: str
    ordinal: int
    text: str
    paragraph_ids: tuple[str, ...]
    first_paragraph: int
    last_paragraph: int
    title: str = field(default="")

    @property
    def embed_text(self) -> str:
        """The title takes part in what is embedded: it names the story."""
        return f"{self.title}\n{self.text}" if self.title else self.text
