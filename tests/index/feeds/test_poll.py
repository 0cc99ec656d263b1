"""Polling feeds from a real HTTP server on 127.0.0.1: new stories saved once, 304s, errors
named with their reason, back-off, moves, caps; and the saved stories load as articles."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from index.feeds.fetching import make_client
from index.feeds.poll import MAX_ENTRIES, poll_feed, summary_line
from index.feeds.registry import Feed, FeedError, FeedRegistry, checked_url
from index.ingest.articles import Article
from index.ingest.loaders import load_paths
from tests.feed_server import FeedSite, feed_site

NOW = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def site() -> Iterator[FeedSite]:
    with feed_site() as s:
        yield s


@pytest.fixture
def registry(tmp_path: Path, site: FeedSite) -> Iterator[FeedRegistry]:
    site.reset()
    r = FeedRegistry(tmp_path / "data")
    yield r
    r.close()


def poll(
    registry: FeedRegistry, url: str, folder: Path, timeout: float = 5.0, cap: int = MAX_BYTES
):
    feed = registry.get(url) or registry.add(url, 15)[0]
    with make_client(timeout) as client:
        return poll_feed(registry, feed, client, folder, NOW, cap, random.Random(0))


def test_new_stories_are_saved_once_and_a_304_costs_nothing(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    folder = tmp_path / "feeds"
    first = poll(registry, f"{site.base}/rss", folder)
    assert (first.new, first.failed) == (2, False)
    stories = [a for a in load_paths([folder]) if isinstance(a, Article)]
    assert sorted(a.title for a in stories) == ["Council approves the bridge", "Port Vell reopens"]
    port = next(a for a in stories if a.title == "Port Vell reopens")
    # The entry held one sentence: the text is its page's, the date the entry's.
    assert "Ferries to Mallorca" in " ".join(port.paragraphs) and port.published == "2024-05-06"
    feed = registry.get(f"{site.base}/rss")
    assert feed is not None and feed.title == "Harbour News" and feed.taken == 2
    assert feed.etag == '"v1"' and feed.status == "2 new"
    again = poll(registry, f"{site.base}/rss", folder)
    assert (again.new, again.status) == (0, "not modified")
    site.etag = '"v2"'  # changed, but the same entries: nothing new, nothing saved twice
    same = poll(registry, f"{site.base}/rss", folder)
    assert (same.new, same.status) == (0, "0 new")
    site.items.append(("Ferry strike ends", f"{site.base}/story/strike", site.items[0][2]))
    site.etag = '"v3"'
    third = poll(registry, f"{site.base}/rss", folder)
    assert third.new == 1
    assert len([a for a in load_paths([folder]) if isinstance(a, Article)]) == 3


def test_atom_and_a_feed_not_in_utf8(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    assert poll(registry, f"{site.base}/atom", tmp_path / "f").new == 1
    assert poll(registry, f"{site.base}/latin1", tmp_path / "f").new == 1
    titles = {a.title for a in load_paths([tmp_path / "f"]) if isinstance(a, Article)}
    assert titles == {"Bridge vote", "Caf\u00e9 opens"}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/500", "the server answered 500"),
        ("/slow", "did not answer in time"),
        ("/loop", "more than 5 redirects"),
        ("/malformed", "malformed feed"),
        ("/huge", "larger than 1 MB"),
        ("/endless", "larger than 1 MB"),
        ("/nowhere", "the server answered 404"),
        ("/page/port", "not a news feed"),
    ],
)
def test_a_failing_feed_says_why_and_backs_off(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path, path: str, reason: str
) -> None:
    result = poll(registry, f"{site.base}{path}", tmp_path / "f", timeout=0.5)
    assert result.failed and reason in result.status, result.status
    feed = registry.get(f"{site.base}{path}")
    assert feed is not None and feed.failures == 1 and feed.status.startswith("error: ")
    # Back-off: a failing feed waits longer than its interval before the next try.
    assert datetime.fromisoformat(feed.next_poll) >= NOW + timedelta(minutes=30)
    assert not (tmp_path / "f").exists()  # nothing saved


def test_a_moved_feed_is_followed_at_its_new_address(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    result = poll(registry, f"{site.base}/moved", tmp_path / "f")
    assert result.new == 2
    assert registry.get(f"{site.base}/moved") is None
    moved = registry.get(f"{site.base}/rss")
    assert moved is not None and moved.taken == 2


def test_a_feed_of_ten_thousand_entries_takes_the_first_hundred(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    result = poll(registry, f"{site.base}/many", tmp_path / "f", cap=50_000_000)
    assert result.new == MAX_ENTRIES and "of 10000 entries" in result.status


def test_an_entry_without_text_is_counted_not_saved(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    result = poll(registry, f"{site.base}/empty-page-feed", tmp_path / "f")
    assert result.new == 0 and "1 without text" in result.status


def test_urls_that_are_no_feed_address_are_refused(registry: FeedRegistry) -> None:
    for bad in ("ftp://example.org/feed", "file:///etc/passwd", "example.org/rss", "http://"):
        with pytest.raises(FeedError, match="not an http"):
            checked_url(bad)
    with pytest.raises(FeedError, match="once a minute"):
        registry.add("http://example.org/rss", 0)
    assert registry.feeds() == []


def test_the_registry_survives_a_restart(tmp_path: Path) -> None:
    first = FeedRegistry(tmp_path)
    feed, new = first.add("https://example.org/rss", 30)
    assert new and first.add("https://example.org/rss", 10) == (
        Feed("https://example.org/rss", 10),
        False,
    )
    first.take(feed.url, ["guid-1"], "2024-05-06T09:00:00+00:00")
    first.close()
    second = FeedRegistry(tmp_path)
    assert [f.every_minutes for f in second.feeds()] == [10]
    assert second.taken_of(feed.url, ["guid-1", "guid-2"]) == {"guid-1"}
    assert second.due(NOW) == second.feeds()  # never polled: due at once
    assert second.remove(feed.url) and not second.remove(feed.url)
    second.close()


def test_the_summary_names_each_failing_feed() -> None:
    from index.feeds.poll import PollResult

    line = summary_line(
        [PollResult("http://a/rss", 3, "3 new"), PollResult("http://b/rss", 0, "oops", True)]
    )
    assert line == "polled 2 feeds: 3 new stories; failed: http://b/rss (oops)"
    assert summary_line([]) == "no feeds to poll"


def test_a_poll_cut_off_after_saving_saves_the_same_files_again(
    registry: FeedRegistry, site: FeedSite, tmp_path: Path
) -> None:
    """A process killed between saving a story and recording it: the next poll writes the same
    files again (named for the entry), never a second copy."""
    folder = tmp_path / "feeds"
    assert poll(registry, f"{site.base}/rss", folder).new == 2
    files = sorted(p.name for p in folder.rglob("*.txt"))
    # As if the entries had never been recorded (the kill came before `take`), and the feed
    # had not answered 304.
    registry.db.execute("DELETE FROM taken")
    feed = registry.get(f"{site.base}/rss")
    assert feed is not None
    registry.save(Feed(feed.url, feed.every_minutes))
    assert poll(registry, f"{site.base}/rss", folder).new == 2
    assert sorted(p.name for p in folder.rglob("*.txt")) == files
    assert not list(folder.rglob("*.tmp"))
