"""HTML pages: the article's title, date and paragraphs, without the page's chrome."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from index.ingest.articles import Article, Skipped
from index.ingest.boilerplate import (
    clean,
    is_furniture,
    split_blocks,
    strip_invisible,
)
from index.ingest.text_fields import (
    LIST_MARKER,
    SPACES,
    date_in_url,
    host_of,
    normalise_date,
    text_lines,
    title_from,
)

log = logging.getLogger(__name__)


MIN_HTML_WORDS = 8  # a page whose "main text" is a menu word or two carries no article


HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


_HTML_TAG = re.compile(r"<[A-Za-z!/]")


_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul".split()
)


def html_article(path: Path, html: str) -> Article | Skipped:
    import trafilatura  # lazy: a heavy import, needed only when there is HTML

    where = str(path)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # a third-party parser on arbitrary markup: anything may surface
        log.debug("trafilatura failed on %s", where, exc_info=True)
        return Skipped(where, f"malformed HTML ({type(exc).__name__})")
    data: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    title = clean(data.get("title") or "")
    lines = [LIST_MARKER.sub("", line) for line in text_lines(data.get("text") or "")]
    if lines and lines[0] == title:
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    paragraphs = [line for line in lines if line and not is_furniture(line)]
    if sum(len(p.split()) for p in paragraphs) < MIN_HTML_WORDS:
        return Skipped(where, "no article text")
    url = data.get("url") or ""
    return Article(
        key=url or where,
        title=title or title_from(paragraphs[0]),
        paragraphs=tuple(paragraphs),
        source=clean(data.get("sitename") or "") or host_of(url),
        published=normalise_date(data.get("date")) or date_in_url(url),
        url=url,
        path=where,
    )


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (a feed entry's content): one per block element or
    <br>-separated line, tags stripped. Text without markup is split like plain text."""
    import lxml.html
    from lxml import etree

    fragment = strip_invisible(fragment)  # lxml refuses control characters
    if not _HTML_TAG.search(fragment):
        return [" ".join(block) for block in split_blocks(fragment)]
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return [" ".join(block) for block in split_blocks(re.sub(r"<[^>]*>", " ", fragment))]
    for element in list(root.iter("script", "style", "noscript", "figcaption")):
        element.drop_tree()
    # Source line breaks are spaces in HTML; then "\n" marks where blocks begin and end.
    for element in root.iter():
        if element.tail:
            element.tail = SPACES.sub(" ", element.tail)
        if isinstance(element.tag, str):  # not a comment
            inner = SPACES.sub(" ", element.text or "")
            if element.tag in _BLOCK_TAGS:
                element.text, element.tail = "\n" + inner, "\n" + (element.tail or "")
            else:
                element.text = inner
    return text_lines(root.text_content())
