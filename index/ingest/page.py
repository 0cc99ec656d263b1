"""A web page or a text as an article, and an article saved as a text file with front matter
(which the loaders read back as it is): what /add and followed feeds keep in the corpus."""

from __future__ import annotations

import re
import tempfile
import time
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

from index.ingest.articles import Article, Skipped
from index.ingest.loaders import article_from_text, host_of, load_file


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].rstrip("-") or "article"


def save_article(
    folder: Path, article: Article, today: date, source: str = "", name: str = ""
) -> Path:
    """Write `article` as a text file with front matter, which the loaders read back as is
    (`source` and `today` stand in for an outlet and a date the article lacks). With `name`
    the file is `name`.txt, written anew each time (a feed's story saved twice is one file);
    else a new file named for the time and title."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = name or f"{time.strftime('%Y%m%d-%H%M%S')}-{slug(article.title)}"
    path = folder / f"{stem}.txt"
    for n in range(2, 1000):
        if name or not path.exists():
            break
        path = folder / f"{stem}-{n}.txt"
    meta = {
        "title": article.title,
        "source": article.source or source,
        "published": article.published or today.isoformat(),
        "url": article.url,
    }
    front = "".join(f"{key}: {value}\n" for key, value in meta.items() if value)
    body = "\n\n".join(article.paragraphs)
    tmp = path.with_suffix(".tmp")  # never a half-written story for the indexer to read
    tmp.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    tmp.replace(path)
    return path


def article_from_page(body: bytes, content_type: str, url: str) -> Article | Skipped:
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
