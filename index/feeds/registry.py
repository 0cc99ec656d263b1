"""The feeds newsbot follows and what it took from each, in `feeds.db` in the data folder (it
survives restarts and `newsbot index --rebuild`, which only rebuilds the index)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

FEEDS_DB = "feeds.db"
MAX_URL_CHARS = 2000


class FeedError(ValueError):
    """A feed cannot be followed or read; the message says why, for the user."""


@dataclass(frozen=True)
class Feed:
    """A followed feed and the state of its polling (times are ISO 8601, UTC)."""

    url: str
    every_minutes: int
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    last_poll: str = ""
    status: str = ""  # what the last poll did, in words ("3 new stories", "error: ...")
    taken: int = 0  # stories taken from it, in all
    failures: int = 0  # polls failed in a row (the back-off grows with them)
    next_poll: str = ""


def checked_url(url: str) -> str:
    """`url` when it can be a feed's address; FeedError saying why not."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(f"{url[:80]!r} is not an http(s) URL")
    if len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        raise FeedError("that URL is too long or holds spaces")
    return url


def now_iso(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


class FeedRegistry:
    """The followed feeds, and the entries already taken from each (by GUID or link)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(data_dir / FEEDS_DB)
        self.db.enable_wal()  # a poll writes while the bot lists feeds
        if "feeds" not in self.db.table_names():
            columns = {f.name: (int if f.type in ("int", int) else str) for f in fields(Feed)}
            self.db.table("feeds").create(columns, pk="url")
        if "taken" not in self.db.table_names():
            self.db.table("taken").create(
                {"feed": str, "entry": str, "at": str}, pk=("feed", "entry")
            )

    def close(self) -> None:
        self.db.close()

    def add(self, url: str, every_minutes: int) -> tuple[Feed, bool]:
        """Follow `url` (every `every_minutes`): the feed, and whether it is new (a feed already
        followed only gets the new interval)."""
        url = checked_url(url)
        if every_minutes < 1:
            raise FeedError("a feed is polled at most once a minute")
        known = self.get(url)
        if known is not None:
            feed = replace(known, every_minutes=every_minutes)
            self.save(feed)
            return feed, False
        feed = Feed(url=url, every_minutes=every_minutes)
        self.save(feed)
        return feed, True

    def remove(self, url: str) -> bool:
        url = url.strip()
        if self.get(url) is None:
            return False
        with self.db.conn:
            self.db.table("feeds").delete(url)
            self.db.execute("DELETE FROM taken WHERE feed = ?", [url])
        return True

    def get(self, url: str) -> Feed | None:
        rows = list(self.db.table("feeds").rows_where("url = ?", [url.strip()]))
        return Feed(**rows[0]) if rows else None

    def feeds(self) -> list[Feed]:
        return [Feed(**row) for row in self.db.table("feeds").rows_where(order_by="url")]

    def due(self, now: datetime) -> list[Feed]:
        """The feeds whose next poll is due at `now` (a new feed is due at once)."""
        at = now_iso(now)
        return [f for f in self.feeds() if not f.next_poll or f.next_poll <= at]

    def save(self, feed: Feed) -> None:
        self.db.table("feeds").upsert(asdict(feed), pk="url")

    def taken_of(self, url: str, entries: list[str]) -> set[str]:
        """Which of `entries` (GUIDs or links) were already taken from the feed at `url`."""
        if not entries:
            return set()
        marks = ",".join("?" * len(entries))
        rows = self.db.execute(
            f"SELECT entry FROM taken WHERE feed = ? AND entry IN ({marks})", [url, *entries]
        )
        return {r[0] for r in rows}

    def take(self, url: str, entries: list[str], at: str) -> None:
        self.db.table("taken").insert_all(
            ({"feed": url, "entry": e, "at": at} for e in entries), ignore=True
        )

    def moved(self, old: str, new: str) -> Feed | None:
        """The feed at `old` answered a permanent redirect: follow it at `new` from now on,
        keeping what was taken."""
        feed = self.get(old)
        if feed is None or self.get(new) is not None:
            return feed
        with self.db.conn:
            self.db.table("feeds").delete(old)
            self.save(replace(feed, url=new))
            self.db.execute("UPDATE taken SET feed = ? WHERE feed = ?", [new, old])
        return self.get(new)
