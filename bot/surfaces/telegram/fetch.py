"""/add: an article from a link (fetched and read like a saved page) or pasted text, saved as a
file in the corpus so that reindexing keeps it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from index.feeds.fetching import FetchError, fetch, make_client
from index.ingest.articles import Article, Skipped
from index.ingest.page import article_from_page

log = logging.getLogger(__name__)


FETCH_TIMEOUT = 15.0


FETCH_MAX_BYTES = 5_000_000


def added_folder(corpus_paths: Sequence[Path]) -> Path | None:
    """Where /add saves articles: `added/` in the first corpus folder, so reindexing keeps them."""
    for path in corpus_paths:
        if path.is_dir() or (not path.exists() and not path.suffix):
            return path / "added"
    return None


async def fetch_article(url: str) -> Article | Skipped | str:
    """The article at `url`; a Skipped when the page holds none; a reason when it cannot be had.
    Fetched as a feed is (index/feeds/fetching.py): the same User-Agent, caps and wordings."""

    def get() -> Article | Skipped | str:
        with make_client(FETCH_TIMEOUT) as client:
            try:
                page = fetch(client, url, FETCH_MAX_BYTES)
            except FetchError as exc:
                log.info("fetching an article failed: %s", exc)
                return str(exc)
        if not page.content_type.startswith(("text/", "application/xhtml")):
            return "that is not a web page"
        return article_from_page(page.body, page.content_type, page.url)

    return await asyncio.to_thread(get)
