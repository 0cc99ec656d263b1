"""Files -> Articles: text/Markdown, HTML, JSON/JSONL (gzip too) and RSS/Atom feeds.

`load_paths` walks files and folders and yields an `Article` per news item, or a `Skipped`
with its reason for anything it cannot read; it never raises for bad input. Inside folders,
hidden files and README/NOTICE/LICENSE/PROVENANCE files are passed over silently, and so are
files of other types; a file named explicitly with an unknown type is reported.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.articles import Article, Skipped

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
MIN_HTML_WORDS = 8
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + FEED_SUFFIXES
_NOT_ARTICLES = re.compile(r"^(readme|notice|license|licence|provenance|changelog)\b", re.I)

# Records: which field holds what, in order of preference.
TEXT_FIELDS = ("text", "body", "content", "article", "maintext")
DATE_FIELDS = ("published", "published_at", "publishedAt", "date", "pubDate", "first_seen_week")
ID_FIELDS = ("id", "doc_id", "text_id", "guid")
LIST_FIELDS = ("articles", "data", "items", "records", "documents")

# Lines that are page furniture, not article text, when a page was saved as plain text.
_BREADCRUMB = re.compile(r"^[^.!?]{1,40}(\s+[/>|»]\s+[^.!?]{1,40}){2,}$")
_CAPTION = re.compile(
    r"\((?:file\s+)?(?:photo|image|picture|pic|video)\b[^)]*\)\s*$"
    r"|^(?:photo|image|file photo)\s*[:|]",
    re.I,
)
_FURNITURE = re.compile(
    r"can also be accessed at|follow us on|subscribe to|all rights reserved|^copyright\b|^©"
    r"|^share this|^read more\b|^related:|^advertisement$|^sign up for",
    re.I,
)
# Control and invisible format characters (zero-width spaces, BOMs, soft hyphens).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_SENTENCE_END = re.compile(r"""[.!?:;"'”’)\]]$""")


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """The files to load, in a stable order; a missing path is reported."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                rel = found.relative_to(path).parts
                if (
                    found.is_file()
                    and not any(part.startswith(".") for part in rel)
                    and not _NOT_ARTICLES.match(found.name)
                    and found.name.lower().endswith(SUPPORTED)
                ):
                    yield found.resolve()
        elif path.is_file():
            if path.name.lower().endswith(SUPPORTED):
                yield path.resolve()
            else:
                yield Skipped(
                    str(path.resolve()), f"unsupported file type {path.suffix or '(none)'}"
                )
        else:
            yield Skipped(str(path), "no such file or folder")


def load_paths(paths: Iterable[Path]) -> Iterator[Article | Skipped]:
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            yield from load_file(item)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield Skipped(str(item), f"cannot read: {exc}")


def load_file(path: Path) -> Iterator[Article | Skipped]:
    name = path.name.lower()
    if name.endswith(JSON_SUFFIXES):
        yield from _load_json(path)
        return
    raw = path.read_bytes()
    if not raw.strip():
        yield Skipped(str(path), "empty file")
        return
    if b"\x00" in raw[:4096]:
        yield Skipped(str(path), "binary file, not text")
        return
    if name.endswith(FEED_SUFFIXES):
        yield from _load_feed(path, raw)
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Skipped(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    if name.endswith(HTML_SUFFIXES):
        yield _load_html(path, text)
    else:
        yield article_from_text(text, key=str(path), path=str(path))


# ---- text ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Control characters out, runs of white space folded; the words stay exactly as written."""
    text = _CONTROL.sub("", text)
    return re.sub(r"[ \t\u00a0\u2009\u200a]+", " ", text).strip()


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---"):
        return {}, text
    head, sep, rest = text[3:].partition("\n---")
    if not sep:
        return {}, text
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, rest.split("\n", 1)[1] if "\n" in rest else ""


def _blocks(text: str) -> list[str]:
    """Paragraphs: blank-line separated, or one per line when the text has no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [c for c in (clean(p.replace("\n", " ")) for p in parts) if c]


def _is_furniture(line: str) -> bool:
    return bool(_BREADCRUMB.match(line) or _CAPTION.search(line) or _FURNITURE.search(line))


def body_paragraphs(blocks: list[str]) -> list[str]:
    """Drop page furniture: breadcrumbs, captions, share/footer lines, and the short lines
    without sentence punctuation that trail a page ("Press TV News Roku")."""
    kept = [b for b in blocks if not _is_furniture(b)]
    while kept and len(kept[-1].split()) <= 8 and not _SENTENCE_END.search(kept[-1]):
        kept.pop()
    return kept


def _markdown(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line)
    line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
    return re.sub(r"(\*\*|__|\*|_)(\S.*?\S|\S)\1", r"\2", line)


def article_from_text(
    text: str, *, key: str, source: str = "", path: str = ""
) -> Article | Skipped:
    """Plain text as pasted or saved: optional front matter, else the first line is the title."""
    meta, body = _front_matter(text)
    blocks = _blocks(body)
    if path.lower().endswith((".md", ".markdown")):
        blocks = [clean(_markdown(b)) for b in blocks]
    title = meta.get("title", "")
    # The first block that is not page furniture names the article (a saved page repeats
    # the headline under its front matter).
    while blocks and _is_furniture(blocks[0]):
        blocks.pop(0)
    if blocks and (blocks[0] == title or (not title and len(blocks[0].split()) <= 25)):
        title = blocks.pop(0)
    paragraphs = body_paragraphs(blocks)
    if not paragraphs:
        return Skipped(path or key, "no article text")
    url = meta.get("url", "")
    return Article(
        key=meta.get("id") or url or key,
        title=title or paragraphs[0][:80],
        paragraphs=tuple(paragraphs),
        source=meta.get("source") or source or host_of(url),
        published=normalise_date(meta.get("published") or meta.get("date") or ""),
        url=url,
        path=path,
    )


def host_of(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def normalise_date(value: Any) -> str:
    """Any reasonable date or datetime as YYYY-MM-DD; "" when there is none to be had."""
    if not value:
        return ""
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    from dateutil import parser

    try:
        parsed = parser.parse(str(value).replace("/", "-"), default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return ""
    return parsed.date().isoformat()


# ---- HTML ---------------------------------------------------------------------------------


def _load_html(path: Path, html: str) -> Article | Skipped:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, favor_precision=True, include_comments=False
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return Skipped(str(path), f"malformed HTML ({type(exc).__name__})")
    data: dict[str, Any] | None = doc if doc is None or isinstance(doc, dict) else doc.as_dict()
    if not data or not data.get("text"):
        return Skipped(str(path), "no article text found in the HTML")
    title = clean(data.get("title") or "")
    lines = [clean(line) for line in data["text"].split("\n")]
    if lines and lines[0] == title:
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    paragraphs = [line for line in lines if line]
    # A page whose "main text" is a menu word or two carries no article.
    if sum(len(p.split()) for p in paragraphs) < MIN_HTML_WORDS:
        return Skipped(str(path), "no article text found in the HTML")
    url = data.get("url") or ""
    return Article(
        key=url or str(path),
        title=title or paragraphs[0][:80],
        paragraphs=tuple(paragraphs),
        source=clean(data.get("sitename") or "") or host_of(url),
        published=normalise_date(data.get("date")),
        url=url,
        path=str(path),
    )


# ---- JSON / JSONL -------------------------------------------------------------------------


def _records(path: Path) -> Iterator[tuple[int, Any] | Skipped]:
    """(record number, record) pairs; one bad JSONL line is one Skipped, not the whole file."""
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    name = path.name.lower().removesuffix(".gz")
    with opener(path, "rb") as fh:
        if name.endswith((".jsonl", ".ndjson")):
            seen_any = False
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                seen_any = True
                try:
                    yield number, json.loads(line.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    yield Skipped(f"{path}", f"line {number}: malformed JSON ({exc})")
            if not seen_any:
                yield Skipped(str(path), "empty file")
            return
        raw = fh.read()
    if not raw.strip():
        yield Skipped(str(path), "empty file")
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Skipped(str(path), f"malformed JSON ({exc})")
        return
    if isinstance(data, dict):
        listed = next((data[f] for f in LIST_FIELDS if isinstance(data.get(f), list)), None)
        data = listed if listed is not None else [data]
    if not isinstance(data, list):
        yield Skipped(str(path), "JSON holds no article records")
        return
    yield from enumerate(data, start=1)


def _first(record: dict, fields: Iterable[str]) -> Any:
    return next((record[f] for f in fields if record.get(f)), None)


def article_from_record(record: Any, *, path: Path, number: int) -> Article | Skipped:
    where = str(path)
    if not isinstance(record, dict):
        return Skipped(where, f"record {number} is not an object")
    text = _first(record, TEXT_FIELDS)
    if not isinstance(text, str) or not text.strip():
        return Skipped(where, f"record {number} has no text")
    paragraphs = [c for c in (clean(p) for p in text.replace("\r", "\n").split("\n")) if c]
    if not paragraphs:
        return Skipped(where, f"record {number} has no text")
    url = str(record.get("url") or record.get("link") or "")
    ident = _first(record, ID_FIELDS)
    source = record.get("source")
    if isinstance(source, dict):  # NewsAPI style {"id": ..., "name": ...}
        source = source.get("name")
    return Article(
        key=str(ident) if ident else url or f"{path}#{number}",
        title=clean(str(record.get("title") or "")) or paragraphs[0][:80],
        paragraphs=tuple(paragraphs),
        source=clean(str(source or "")) or host_of(url),
        published=normalise_date(_first(record, DATE_FIELDS)),
        url=url,
        path=str(path),
    )


def _load_json(path: Path) -> Iterator[Article | Skipped]:
    for item in _records(path):
        if isinstance(item, Skipped):
            yield item
        else:
            number, record = item
            yield article_from_record(record, path=path, number=number)


# ---- RSS / Atom ---------------------------------------------------------------------------


def _html_paragraphs(fragment: str) -> list[str]:
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml's parser errors on odd fragments vary
        return _blocks(re.sub(r"<[^>]+>", " ", fragment))
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = []
    for element in root.iter("p", "li", "h2", "h3", "blockquote"):
        text = clean(element.text_content())
        if text:
            blocks.append(text)
    return blocks or _blocks(root.text_content())


def _load_feed(path: Path, raw: bytes) -> Iterator[Article | Skipped]:
    import feedparser

    feed = feedparser.parse(raw)
    if not feed.entries:
        if path.name.lower().endswith(".xml") and not feed.bozo:
            yield Skipped(str(path), "not a news feed")
        else:
            yield Skipped(str(path), "malformed or empty feed")
        return
    outlet = clean(feed.feed.get("title", "")) or host_of(feed.feed.get("link", ""))
    for number, entry in enumerate(feed.entries, start=1):
        content = entry.get("content") or []
        html = content[0].get("value", "") if content else entry.get("summary", "")
        paragraphs = _html_paragraphs(html) if html else []
        if not paragraphs:
            yield Skipped(str(path), f"feed entry {number} has no text")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        link = entry.get("link", "")
        yield Article(
            key=entry.get("id") or link or f"{path}#{number}",
            title=clean(entry.get("title", "")) or paragraphs[0][:80],
            paragraphs=tuple(paragraphs),
            source=outlet,
            published=date(*stamp[:3]).isoformat() if stamp else "",
            url=link,
            path=str(path),
        )
