"""Helpers every loader shares: a title from the text, the outlet from a URL, dates in any common
form (or in the URL's path) made ISO, and text split into lines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import urlparse

from index.ingest.boilerplate import (
    clean_lines,
)

HEADLINE_MAX_WORDS = 30  # a longer first line is a paragraph, not a headline


FALLBACK_TITLE_WORDS = 12


LIST_MARKER = re.compile(r"^\s*- ")  # trafilatura writes list items as "- item"


SPACES = re.compile(r"\s+")


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?=[/.-]|$)")


def title_from(paragraph: str) -> str:
    words = paragraph.split()
    more = "…" if len(words) > FALLBACK_TITLE_WORDS else ""
    return " ".join(words[:FALLBACK_TITLE_WORDS]) + more


def host_of(url: str) -> str:
    """The outlet a URL names when nothing else does: "usatoday.com" for www.usatoday.com."""
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # "http://[bad" and other broken netlocs
        return ""
    return host.removeprefix("www.")


def normalise_date(value: object) -> str:
    """Any reasonable date, datetime or epoch timestamp as YYYY-MM-DD; "" when there is none.

    A string must name its year in full: dateutil would otherwise fill a bare "March" in from
    a default year. Time zones are ignored, so the date is the one the publisher wrote.
    """
    if isinstance(value, bool) or not value:
        return ""
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value  # epoch milliseconds
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    if not isinstance(value, str):
        return ""
    from dateutil import parser  # lazy: only records and front matter carry date strings

    try:
        parsed = parser.parse(value, default=datetime(2000, 1, 1), ignoretz=True)
    except (ValueError, OverflowError, TypeError):
        return ""
    return parsed.date().isoformat() if str(parsed.year) in value else ""


def date_in_url(url: str) -> str:
    """The date many outlets put in an article's path ("/2023/01/04/"), as YYYY-MM-DD; ""
    when there is none."""
    found = _URL_DATE.search(url)
    if found is None:
        return ""
    try:
        return date(*(int(part) for part in found.groups())).isoformat()
    except ValueError:  # "/2023/13/45/"
        return ""


def text_lines(value: str) -> list[str]:
    return [line for line in clean_lines(value) if line]
