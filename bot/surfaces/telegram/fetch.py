"""/add: an article from a link (fetched and read like a saved page) or pasted text, saved as a
file in the corpus so that reindexing keeps it."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx

from bot.surfaces import messages
from index.ingest.articles import Article, Skipped
from index.ingest.loaders import article_from_text, host_of, load_file

log = logging.getLogger(__name__)


FETCH_TIMEOUT = 15.0


FETCH_MAX_BYTES = 5_000_000


def added_folder(corpus_paths: Sequence[Path]) -> Path | None:
    """Where /add saves articles: `added/` in the first corpus folder, so reindexing keeps them."""
    for path in corpus_paths:
        if path.is_dir() or (not path.exists() and not path.suffix):
            return path / "added"
    return None


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].rstrip("-") or "article"


def save_article(folder: Path, article: Article, today: date) -> Path:
    """Write `article` as a text file with front matter, which the loaders read back as is."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{slug(article.title)}"
    path = folder / f"{stem}.txt"
    for n in range(2, 1000):
        if not path.exists():
            break
        path = folder / f"{stem}-{n}.txt"
    meta = {
        "title": article.title,
        "source": article.source or messages.ADDED_SOURCE,
        "published": article.published or today.isoformat(),
        "url": article.url,
    }
    front = "".join(f"{key}: {value}\n" for key, value in meta.items() if value)
    body = "\n\n".join(article.paragraphs)
    path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def _article_from_page(body: bytes, content_type: str, url: str) -> Article | Skipped:
    if "html" in content_type:
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "page.html"
            page.write_bytes(body)
            found = next(load_file(page), None)
        if not isinstance(found, Article):
            return Skipped(url, "no article text")
        return replace(found, url=found.url or url, source=found.source or host_of(url), path="")
    text = body.decode("utf-8", errors="replace")
    return article_from_text(text, key=url, source=host_of(url))


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
    return await asyncio.to_thread(_article_from_page, bytes(body), content_type, final_url)
