"""Search over a real SQLite + FAISS index (fake embedder): dates and outlets shape the ranking."""

from __future__ import annotations

from datetime import date, timedelta

from bot.config import Settings
from index.build import build_index
from index.dates import DATE_SLACK, recent, resolve
from index.search import SearchQuery, search
from index.store import open_index
from tests.conftest import write_article
from tests.fakes import HashEmbedder

STORY = "The harbour authority opened the new northern pier to cargo ships on Monday."


def index_two_dates(settings: Settings, embedder: HashEmbedder) -> None:
    news = settings.corpus_paths[0]
    # Nearly the same words, so only the date can tell them apart.
    for name, day, outlet in (
        ("old", "2023-01-02", "Old Post"),
        ("new", "2023-03-06", "New Times"),
    ):
        text = f"{STORY} Reported by the {outlet} desk in a short item."
        write_article(news, f"{name}.txt", "Pier opens", text, published=day, source=outlet)
    build_index([news], settings, embedder)


def top_source(settings: Settings, embedder: HashEmbedder, query: SearchQuery) -> str:
    index = open_index(settings.data_dir)
    hit = search(index, embedder, query, k=2).hits[0]
    return index.article(hit.article_id)["source"]


def test_the_week_before_as_of_is_preferred_when_no_time_is_named(
    settings: Settings, embedder: HashEmbedder
) -> None:
    index_two_dates(settings, embedder)
    for today, expected in ((date(2023, 1, 5), "Old Post"), (date(2023, 3, 8), "New Times")):
        query = SearchQuery(text="Which pier opened?", recent=recent(today))
        assert top_source(settings, embedder, query) == expected


def test_a_named_month_restricts_and_an_outlet_filters(
    settings: Settings, embedder: HashEmbedder
) -> None:
    index_two_dates(settings, embedder)
    window = resolve("Which pier opened in January?", date(2023, 3, 8))
    assert window is not None and window.strict
    query = SearchQuery(text="Which pier opened?", window=window, recent=recent(date(2023, 3, 8)))
    assert top_source(settings, embedder, query) == "Old Post"
    query = SearchQuery(text="Which pier opened?", sources=("old post",))
    assert top_source(settings, embedder, query) == "Old Post"


def test_loose_windows_allow_for_late_article_dates() -> None:
    today = date(2023, 1, 5)
    week = resolve("What happened this week?", today)
    assert week is not None and not week.strict
    assert week.fits(today + DATE_SLACK) and not week.fits(today + DATE_SLACK + timedelta(days=1))
    january = resolve("What happened in January 2023?", today)
    assert january is not None and not january.fits(date(2023, 2, 1))
    assert recent(today).fits(today - timedelta(days=7))
