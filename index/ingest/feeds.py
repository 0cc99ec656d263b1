"""RSS, Atom and RDF feed files: one article per entry (feedparser reads the formats)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from index.ingest.articles import Article, Skipped
from index.ingest.boilerplate import (
    clean,
    is_furniture,
)
from index.ingest.html import html_paragraphs
from index.ingest.text_fields import (
    date_in_url,
    host_of,
    title_from,
)


def _struct_date(stamp: time.struct_time | None) -> str:
    try:
        return date(*stamp[:3]).isoformat() if stamp else ""
    except (TypeError, ValueError):
        return ""


def load_feed(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    import feedparser

    where = str(path)
    # A stream, not bytes: feedparser opens bytes that happen to name a file.
    feed = feedparser.parse(io.BytesIO(raw))
    is_xml = path.name.lower().endswith(".xml")
    outlet = clean(feed.feed.get("title", "")) or host_of(feed.feed.get("link", ""))
    items = [entry_article(entry, outlet, where, n) for n, entry in enumerate(feed.entries, 1)]
    if not any(isinstance(item, Article) for item in items):
        if feed.bozo and (feed.version or not is_xml):
            reason = f"malformed feed ({feed.get('bozo_exception', 'unreadable XML')})"
            items = [Skipped(where, reason)]
        elif not feed.version:
            items = [Skipped(where, "not a news feed")]
        elif not items:
            items = [Skipped(where, "feed has no entries")]
    yield from items


def entry_article(entry: Any, outlet: str, where: str, number: int) -> Article | Skipped:
    contents = [c.get("value", "") for c in entry.get("content") or []]
    html = next((c for c in contents if c.strip()), "") or entry.get("summary", "")
    paragraphs = [p for p in html_paragraphs(html) if not is_furniture(p)]
    if not paragraphs:
        return Skipped(where, f"feed entry {number}: no article text")
    title = entry.get("title", "")
    if entry.get("title_detail", {}).get("type") == "text/html":
        title = " ".join(html_paragraphs(title))
    link = entry.get("link", "")
    link = link if link.startswith(("http://", "https://")) else ""  # feedparser copies URN ids
    return Article(
        key=entry.get("id") or link or f"{where}#{number}",
        title=clean(title) or title_from(paragraphs[0]),
        paragraphs=tuple(paragraphs),
        source=outlet or host_of(link),
        published=_struct_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        or date_in_url(link),
        url=link,
        path=where,
    )
