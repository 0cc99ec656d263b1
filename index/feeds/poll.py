"""Polling followed feeds: fetch (conditionally), read the entries, keep each new story as a
file in the data folder's `feeds/` (indexed with the corpus, so a rebuild keeps it), and
record what was taken. Indexing the new files is the caller's next step."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from index.config import FEEDS_DIR, IndexSettings
from index.feeds.fetching import FetchError, fetch, make_client
from index.feeds.registry import Feed, FeedError, FeedRegistry, now_iso
from index.ingest.articles import Article
from index.ingest.boilerplate import clean
from index.ingest.feeds import entry_article
from index.ingest.page import article_from_page, save_article, slug
from index.ingest.text_fields import host_of

MAX_ENTRIES = 100  # entries read per poll, first in the feed (feeds list the newest first)
SUMMARY_WORDS = 80  # an entry with fewer words is a summary: its page is read instead
MAX_BACKOFF = 32  # a failing feed waits at most this many intervals (capped at a day)
JITTER = 0.1  # share of the interval added at random, so feeds do not all poll at once


@dataclass(frozen=True)
class PollResult:
    """One feed's poll: its URL, the new stories saved, and what happened, in words."""

    url: str
    new: int
    status: str
    failed: bool = False
    stories: tuple[Article, ...] = ()  # the new stories saved (for alerts)


def feeds_dir(data_dir: Path) -> Path:
    return data_dir / FEEDS_DIR


def _entry_key(entry: Any, number: int, url: str) -> str:
    return str(entry.get("id") or entry.get("link") or f"{url}#{entry.get('title', number)}")


def _file_name(article: Article, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{article.published or 'undated'}-{slug(article.title)[:30]}-{digest}"


def _with_page_text(
    client: httpx.Client, article: Article | None, link: str, max_bytes: int
) -> Article | None:
    """The entry's story with the text of its page (the entry held only a summary), keeping
    the entry's title, date and outlet; the entry's own text when the page gives none."""
    try:
        page = fetch(client, link, max_bytes)
    except FetchError:
        return article
    found = article_from_page(page.body, page.content_type, page.url)
    if not isinstance(found, Article):
        return article
    if article is None:
        return replace(found, key=link, url=link, path="")
    return replace(article, paragraphs=found.paragraphs)


def read_entries(
    body: bytes, feed: Feed, client: httpx.Client, max_bytes: int, taken: FeedRegistry
) -> tuple[str, list[tuple[str, Article | None]], int]:
    """The feed's title, its new entries (key, story or None when it has no text), and how
    many entries it lists. FeedError when it is no feed."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body))
    if not parsed.entries:
        if parsed.bozo:
            raise FeedError(f"malformed feed ({parsed.get('bozo_exception', 'unreadable')})")
        if not parsed.version:
            raise FeedError("not a news feed")
    title = clean(parsed.feed.get("title", ""))
    outlet = title or host_of(parsed.feed.get("link", "") or feed.url)
    entries = list(enumerate(parsed.entries[:MAX_ENTRIES], 1))
    keys = [_entry_key(e, n, feed.url) for n, e in entries]
    seen = taken.taken_of(feed.url, keys)
    new = []
    for (n, entry), key in zip(entries, keys, strict=True):
        if key in seen:
            continue
        found = entry_article(entry, outlet, feed.url, n)
        article = found if isinstance(found, Article) else None
        words = sum(len(p.split()) for p in article.paragraphs) if article else 0
        link = article.url if article else str(entry.get("link", ""))
        if words < SUMMARY_WORDS and link.startswith(("http://", "https://")):
            article = _with_page_text(client, article, link, max_bytes)
        new.append((key, article))
    if parsed.bozo and new and not any(a for _, a in new):
        # What feedparser salvaged from broken XML holds no story: the feed is broken.
        raise FeedError(f"malformed feed ({parsed.get('bozo_exception', 'unreadable')})")
    return title, new, len(parsed.entries)


def _next_poll(feed: Feed, now: datetime, failures: int, rng: random.Random) -> str:
    minutes = feed.every_minutes * min(2**failures, MAX_BACKOFF) if failures else feed.every_minutes
    minutes = min(minutes, 24 * 60) * (1 + JITTER * rng.random())
    return now_iso(now + timedelta(minutes=minutes))


def poll_feed(
    registry: FeedRegistry,
    feed: Feed,
    client: httpx.Client,
    folder: Path,
    now: datetime,
    max_bytes: int,
    rng: random.Random | None = None,
) -> PollResult:
    """Poll one feed: save its new stories under `folder`, then record them as taken (a crash
    in between saves them again next time, into the same files)."""
    rng = rng or random.Random()
    stories: tuple[Article, ...] = ()
    try:
        got = fetch(client, feed.url, max_bytes, feed.etag, feed.last_modified)
        if got.moved:
            feed = registry.moved(feed.url, got.moved) or feed
        if got.status == 304:
            status, new = "not modified", 0
            title, etag, modified = feed.title, feed.etag, feed.last_modified
        else:
            title, entries, listed = read_entries(got.body, feed, client, max_bytes, registry)
            etag, modified = got.etag, got.last_modified
            saved = [(k, a) for k, a in entries if a is not None]
            where = folder / slug(host_of(feed.url) or "feed")
            for key, article in saved:
                save_article(
                    where, article, now.date(), host_of(feed.url), _file_name(article, key)
                )
            registry.take(feed.url, [k for k, _ in entries], now_iso(now))
            new, stories = len(saved), tuple(a for _, a in saved)
            status = f"{new} new" + (f" of {listed} entries" if listed > MAX_ENTRIES else "")
            if len(entries) > new:
                status += f", {len(entries) - new} without text"
    except (FetchError, FeedError) as exc:
        failures = feed.failures + 1
        registry.save(
            replace(
                feed,
                last_poll=now_iso(now),
                status=f"error: {exc}",
                failures=failures,
                next_poll=_next_poll(feed, now, failures, rng),
            )
        )
        return PollResult(feed.url, 0, str(exc), failed=True)
    registry.save(
        replace(
            feed,
            title=title or feed.title,
            etag=etag,
            last_modified=modified,
            last_poll=now_iso(now),
            status=status,
            taken=feed.taken + new,
            failures=0,
            next_poll=_next_poll(feed, now, 0, rng),
        )
    )
    return PollResult(feed.url, new, status, stories=stories)


def summary_line(results: Sequence[PollResult]) -> str:
    """One line for a poll of several feeds: what came in, and each feed that failed, why."""
    if not results:
        return "no feeds to poll"
    new = sum(r.new for r in results)
    line = f"polled {len(results)} feed{'s' * (len(results) != 1)}: {new} new stor" + (
        "y" if new == 1 else "ies"
    )
    failed = [r for r in results if r.failed]
    if failed:
        line += "; failed: " + "; ".join(f"{r.url} ({r.status})" for r in failed)
    return line


def poll_feeds(
    settings: IndexSettings, registry: FeedRegistry, feeds: Sequence[Feed], now: datetime
) -> list[PollResult]:
    """Poll each of `feeds` once (one HTTP client for all), saving new stories under the data
    folder's feeds/; a failing feed is reported and backs off, the others go on."""
    folder = feeds_dir(settings.data_dir)
    with make_client(settings.feed_timeout_seconds) as client:
        return [poll_feed(registry, f, client, folder, now, settings.feed_max_bytes) for f in feeds]
