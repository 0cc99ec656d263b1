"""Files -> Articles: plain text/Markdown, HTML, JSON/JSONL (gzipped too) and RSS/Atom feeds.

`load_paths` yields an `Article` per news item, or a `Skipped` with a short reason for a file
(or a record in it) that cannot be used, and goes on: it never raises for bad input. It
streams: files are read one at a time, and a JSONL file (gzipped or not) a line at a time.

Which files:
- A path named explicitly is loaded when its type is supported, whatever its name; otherwise
  it is reported ("unsupported file type .pdf"), and so is a missing one.
- Folders are walked recursively in sorted order (a folder's files, then its sub-folders).
  Passed over silently: hidden files and folders, README/NOTICE/LICENSE/LICENCE/COPYING/
  PROVENANCE/CHANGELOG files of any extension, and files of unsupported types.
- A file reached twice (a folder and a file in it both named) is loaded once.

`Skipped.path` is always the file's resolved path, the same as `Article.path` (a bad JSONL line
names its line in the reason): the index builder keeps what a file held when it fails to load.

Formats, by extension:
- .txt, .md, .markdown: optional front matter (title, source, published/date, url, id), a
  title line, paragraphs; page furniture dropped (`article_from_text`, `index.ingest.boilerplate`).
- .html, .htm: main text and metadata by trafilatura.
- .json, .json.gz: one record, a list of them, or {"articles"/"data"/"items"/...: [...]}.
- .jsonl, .ndjson (and .gz): one record a line (`article_from_record`).
- .rss, .atom, .xml: one article per feed entry; an .xml file that is no feed is reported.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from index.ingest.articles import Article, Skipped
from index.ingest.boilerplate import (
    body_paragraphs,
    clean,
    is_furniture,
    normalise_line_breaks,
    split_blocks,
)
from index.ingest.feeds import load_feed
from index.ingest.html import HTML_CHARSET, html_article
from index.ingest.text_fields import (
    HEADLINE_MAX_WORDS,
    date_in_url,
    host_of,
    normalise_date,
    text_lines,
    title_from,
)

log = logging.getLogger(__name__)

_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    ((".txt",), "text"),
    ((".md", ".markdown"), "markdown"),
    ((".html", ".htm"), "html"),
    ((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"), "jsonl"),
    ((".json", ".json.gz"), "json"),
    ((".rss", ".atom", ".xml"), "feed"),
)
_NOT_ARTICLES = frozenset(
    {"readme", "notice", "license", "licence", "copying", "provenance", "changelog"}
)

# Record fields, in order of preference.
TITLE_FIELDS = ("title", "headline")
TEXT_FIELDS = ("text", "body", "content", "article", "maintext")
DATE_FIELDS = (
    "published",
    "published_at",
    "publishedAt",
    "date_published",
    "datePublished",
    "date",
    "pubDate",
)
# When the article was first seen, not published: it was out by then. Weaker than a date in
# its URL, which is the publisher's.
CRAWL_DATE_FIELDS = ("first_seen_week",)  # RealTimeQA: the week a search first returned it
ID_FIELDS = ("id", "doc_id", "text_id", "guid")
URL_FIELDS = ("url", "link")
LIST_FIELDS = ("articles", "data", "items", "records", "documents")

BINARY_PROBE = 8192  # bytes looked at for a NUL, the mark of a binary file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)
_META_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s?)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")


# ---- which files --------------------------------------------------------------------------


def file_kind(name: str) -> str | None:
    """The loader a file name calls for ("text", "markdown", "html", "json", "jsonl", "feed")."""
    lower = name.lower()
    return next((kind for suffixes, kind in _KINDS if lower.endswith(suffixes)), None)


def _walk(folder: Path) -> Iterator[Path]:
    # os.walk rather than rglob: hidden folders (.git) are pruned instead of walked.
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if name.startswith(".") or name.split(".")[0].lower() in _NOT_ARTICLES:
                continue
            if file_kind(name) is None or not path.is_file():  # not a FIFO, not a dead link
                log.debug("passing over %s", path)
                continue
            yield path


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path | Skipped]:
    """The resolved files to load, in a stable order; bad named paths come as `Skipped`."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found: Iterable[Path] = _walk(path)
        elif path.is_file():
            if file_kind(path.name) is None:
                kind = path.suffix or "(no extension)"
                yield Skipped(str(path.resolve()), f"unsupported file type {kind}")
                continue
            found = [path]
        else:
            yield Skipped(str(path), "no such file or folder")
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield resolved


def load_paths(paths: Iterable[Path | str]) -> Iterator[Article | Skipped]:
    """Articles from files and folders, with a `Skipped` for whatever cannot be loaded."""
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(item)


def read_file(path: Path) -> Iterator[Article | Skipped]:
    """`load_file`, with a broken or unreadable file as a `Skipped`."""
    try:
        yield from load_file(path)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield Skipped(str(path), f"broken gzip file ({exc})")
    except OSError as exc:
        yield Skipped(str(path), f"cannot read ({exc.strerror or exc})")


def load_file(path: Path) -> Iterator[Article | Skipped]:
    """The articles of one supported file (`path` resolved); I/O errors propagate."""
    where = str(path)
    kind = file_kind(path.name)
    if kind in ("json", "jsonl"):
        yield from _load_records(path, jsonl=kind == "jsonl")
        return
    raw = path.read_bytes()
    if not raw.strip():
        yield Skipped(where, "empty file")
    elif kind == "feed":
        # feedparser decodes by the XML declaration itself; only binary junk is kept from it.
        if _looks_binary(raw):
            yield Skipped(where, "binary file, not text")
        else:
            yield from load_feed(path, raw)
    else:
        text, problem = _decode(raw, html=kind == "html")
        if problem:
            yield Skipped(where, problem)
        elif kind == "html":
            yield html_article(path, text)
        else:
            yield article_from_text(text, key=where, path=where, markdown=kind == "markdown")


def _looks_binary(raw: bytes) -> bool:
    return b"\x00" in raw[:BINARY_PROBE] and not raw.startswith(_UTF16_BOMS)


def _decode(raw: bytes, *, html: bool) -> tuple[str, str]:
    """(text, "") or ("", why not). UTF-8 (or UTF-16 with its BOM); an HTML page may declare
    another charset, which saved pages often do."""
    if _looks_binary(raw):
        return "", "binary file, not text"
    try:
        return raw.decode("utf-16" if raw.startswith(_UTF16_BOMS) else "utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        declared = HTML_CHARSET.search(raw[:BINARY_PROBE]) if html else None
        if declared:
            try:
                return raw.decode(declared.group(1).decode("ascii")), ""
            except (LookupError, ValueError):  # unknown codec, or not that one either
                pass
        return "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"


# ---- plain text and Markdown --------------------------------------------------------------


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """`key: value` lines between `---` lines at the top, as a dict, and the text after them.
    Indented or "- " lines (YAML lists) are ignored; any other line means it is no front
    matter but the text itself."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).split("\n"):
        if not line.strip() or line.lstrip().startswith("#") or line[0] in " \t-":
            continue
        pair = _META_LINE.fullmatch(line.strip())
        if not pair:
            return {}, text
        meta[pair.group(1).lower()] = _unquote(pair.group(2).strip())
    return meta, text[match.end() :]


def _strip_markdown(line: str) -> str:
    """Heading and quote markers, images, link targets and emphasis marks out; words kept."""
    line = _MD_PREFIX.sub("", line)
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    return _MD_EMPHASIS.sub(r"\2", line)


def article_from_text(
    text: str, *, key: str, source: str = "", path: str = "", markdown: bool = False
) -> Article | Skipped:
    """An article from plain text, as a .txt/.md file holds it or a user pastes it.

    Optional front matter between `---` lines gives title, source, published (or date), url
    and id. Without a title there, the first line that is not page furniture is the title,
    unless it is too long for a headline: then the title is the start of the first paragraph,
    which stays in the body. With one, a first line repeating it is dropped (a saved page
    repeats its headline). The rest are paragraphs, blank-line separated or, when the text has
    no blank line, one per line, without page furniture (see `index.ingest.boilerplate`).
    `path` is the file it came from ("" for a paste); `markdown` strips Markdown markup.
    """
    meta, body = _front_matter(normalise_line_breaks(text).lstrip("\ufeff"))
    blocks = split_blocks(body)
    if markdown:
        stripped = ([clean(_strip_markdown(line)) for line in block] for block in blocks)
        blocks = [kept for kept in ([line for line in b if line] for b in stripped) if kept]
    # Furniture above the headline: breadcrumbs, a lead photo's caption.
    while blocks:
        if is_furniture(" ".join(blocks[0])):
            blocks.pop(0)
        elif is_furniture(blocks[0][0]):
            blocks[0].pop(0)  # the block has more lines, or the test above would have held
        else:
            break
    title = clean(meta.get("title", ""))
    if blocks:
        first = blocks[0][0]
        if first.casefold() == title.casefold() or (
            not title and len(first.split()) <= HEADLINE_MAX_WORDS
        ):
            title = title or first
            blocks[0] = blocks[0][1:]
    paragraphs = body_paragraphs([" ".join(block) for block in blocks if block])
    if not paragraphs:
        return Skipped(path or key, "no article text")
    url = meta.get("url") or meta.get("link") or ""
    return Article(
        key=meta.get("id") or url or key,
        title=title or title_from(paragraphs[0]),
        paragraphs=tuple(paragraphs),
        source=clean(meta.get("source", "")) or source or host_of(url),
        published=normalise_date(meta.get("published") or meta.get("date")) or date_in_url(url),
        url=url,
        path=path,
    )


# ---- shared by the formats ----------------------------------------------------------------


# ---- HTML ---------------------------------------------------------------------------------


# ---- JSON and JSON Lines ------------------------------------------------------------------


def _open_binary(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    return "malformed JSON (nested too deeply)"


def _load_records(path: Path, *, jsonl: bool) -> Iterator[Article | Skipped]:
    where = str(path)
    with _open_binary(path) as fh:
        if jsonl:
            yield from _jsonl_articles(path, fh)
            return
        raw = fh.read()  # a JSON document has to be parsed whole
    if not raw.strip():
        yield Skipped(where, "empty file")
        return
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines saved as .json (as `datasets` writes them)
            yield from _jsonl_articles(path, raw.splitlines())
        else:
            yield Skipped(where, _json_problem(exc))
        return
    except (ValueError, RecursionError) as exc:
        yield Skipped(where, _json_problem(exc))
        return
    if isinstance(data, dict):
        listed = next((data[f] for f in LIST_FIELDS if isinstance(data.get(f), list)), None)
        if listed is None:
            yield article_from_record(data, path=where)
            return
        data = listed
    if not isinstance(data, list) or not data:
        yield Skipped(where, "no article records in the JSON")
        return
    for number, record in enumerate(data, start=1):
        yield article_from_record(record, path=where, number=number, label=f"record {number}")


def _jsonl_articles(path: Path, lines: Iterable[bytes]) -> Iterator[Article | Skipped]:
    """One article per line; a bad line is a `Skipped` naming it, and the rest still load."""
    where, number = str(path), 0
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Skipped(where, f"line {line_no}: {_json_problem(exc)}")
            continue
        yield article_from_record(record, path=where, number=number, label=f"line {line_no}")
    if not number:
        yield Skipped(where, "empty file")


def _first(record: dict[str, Any], fields: Iterable[str]) -> Any:
    return next((record[f] for f in fields if record.get(f) not in (None, "", [], {})), None)


def _scalar(value: Any) -> str:
    """A record's id, url or title as text; lists, objects and booleans give ""."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


def article_from_record(
    record: Any, *, path: str, number: int = 0, label: str = ""
) -> Article | Skipped:
    """An article from a JSON record, taken as it is (datasets are already clean text).

    `number` is the record's position in a multi-record file (its key when it has neither id
    nor URL); `label` names it in a reason ("line 3", "record 3").
    """
    problem = f"{label}: " if label else ""
    if not isinstance(record, dict):
        return Skipped(path, f"{problem}not a JSON object")
    text = _first(record, TEXT_FIELDS)
    parts = [text] if isinstance(text, str) else text if isinstance(text, list) else []
    paragraphs = [line for part in parts if isinstance(part, str) for line in text_lines(part)]
    if not paragraphs:
        return Skipped(path, f"{problem}no article text")
    url = _scalar(_first(record, URL_FIELDS))
    source = record.get("source")
    if isinstance(source, dict):  # NewsAPI: {"id": ..., "name": ...}
        source = source.get("name")
    dates = (normalise_date(record.get(f)) for f in DATE_FIELDS)
    # No publisher's date: the URL's, or the day the article was first seen if that is earlier.
    fallbacks = [date_in_url(url), *(normalise_date(record.get(f)) for f in CRAWL_DATE_FIELDS)]
    return Article(
        key=_scalar(_first(record, ID_FIELDS)) or url or (f"{path}#{number}" if number else path),
        title=clean(_scalar(_first(record, TITLE_FIELDS))) or title_from(paragraphs[0]),
        paragraphs=tuple(paragraphs),
        source=clean(_scalar(source)) or host_of(url),
        published=next((d for d in dates if d), "") or min(filter(None, fallbacks), default=""),
        url=url,
        path=path,
    )


# ---- RSS and Atom -------------------------------------------------------------------------
