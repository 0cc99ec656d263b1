"""/add: an article from a link (fetched and read like a saved page) or pasted text, saved as a
file in the corpus so that reindexing keeps it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import httpx

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
    """The article at `url`; a Skipped when the page holds none; a reason when it cannot be had."""
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url, headers={"User-Agent": "newsbot"}) as response,
        ):
            if response.status_code >= 400:
                return f"the site answered {response.status_code}"
            content_type = response.headers.get("content-type", "").lower()
            if not content_type.startswith(("text/", "application/xhtml")):
                return "that is not a web page"
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > FETCH_MAX_BYTES:
                    return "the page is too large"
            final_url = str(response.url)
    except httpx.HTTPError as exc:
        log.info("fetching an article failed: %s", type(exc).__name__)
        return "the site could not be reached"
    return await asyncio.to_thread(article_from_page, bytes(body), content_type, final_url)
