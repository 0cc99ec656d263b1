"""Search over a real SQLite + FAISS index (fake embedder): dates and outlets shape the ranking."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from bot.config import Settings
from index.build import build_index
from index.search.hybrid import (
    Hit,
    SearchQuery,
    fts_query,
    fts_stem,
    keyword_search,
    matched_text,
    search,
    widen,
)
from index.store.catalog import NewsIndex, common_terms, open_index, open_writable
from index.text.dates import DATE_SLACK, recent, resolve
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


def sources(settings: Settings, embedder: HashEmbedder, query: SearchQuery) -> list[str]:
    """The outlets of the top two hits, best first."""
    index = open_index(settings.data_dir)
    return [index.article(h.article_id)["source"] for h in search(index, embedder, query, k=2).hits]


def test_the_week_before_as_of_is_preferred_when_no_time_is_named(
    settings: Settings, embedder: HashEmbedder
) -> None:
    index_two_dates(settings, embedder)
    for today, expected in ((date(2023, 1, 5), "Old Post"), (date(2023, 3, 8), "New Times")):
        query = SearchQuery(text="Which pier opened?", recent=recent(today))
        assert sources(settings, embedder, query)[0] == expected
    # Hits say whether they are of the week, for the rerank.
    hits = search(open_index(settings.data_dir), embedder, query, k=2).hits
    assert [h.timely for h in hits] == [True, False]


def test_a_named_month_ranks_its_news_first_and_an_outlet_filters(
    settings: Settings, embedder: HashEmbedder
) -> None:
    index_two_dates(settings, embedder)
    window = resolve("Which pier opened in January?", date(2023, 3, 8))
    assert window is not None
    query = SearchQuery(text="Which pier opened?", window=window, recent=recent(date(2023, 3, 8)))
    # January's article first, March's still found: it may tell of what happened in January.
    assert sources(settings, embedder, query) == ["Old Post", "New Times"]
    query = SearchQuery(text="Which pier opened?", sources=("old post",))
    assert sources(settings, embedder, query) == ["Old Post"]


def test_windows_allow_for_late_article_dates() -> None:
    today = date(2023, 1, 5)
    week = resolve("What happened this week?", today)
    assert week is not None
    assert week.fits(today + DATE_SLACK) and not week.fits(today + DATE_SLACK + timedelta(days=1))
    january = resolve("What happened in January 2023?", today)
    assert january is not None and january.fits(date(2023, 2, 2))
    assert not january.fits(date(2023, 2, 3)) and not january.fits(date(2022, 12, 31))
    assert recent(today).fits(today - timedelta(days=7))


def _hit(text: str, first: int, last: int, ids: tuple[str, ...]) -> Hit:
    return Hit(1, "a", text, ids, first, last, "t", "s", "", "", 1.0, 0.5, 0)


def test_a_hit_widens_by_whole_neighbouring_paragraphs_next_then_previous() -> None:
    around = {n: (f"p{n}", str(n) * 10) for n in range(1, 7)}  # six paragraphs of 10 characters
    hit = _hit("3" * 10, 3, 3, ("p3",))
    # 10 + 2 + 10 = 22: one neighbour fits in 25 characters, and it is the next one.
    wide = widen(hit, around, 25)
    assert (wide.text, wide.paragraph_ids) == ("3" * 10 + "\n\n" + "4" * 10, ("p3", "p4"))
    assert (wide.first_paragraph, wide.last_paragraph, wide.chunk_paragraphs) == (3, 4, (3, 3))
    wide = widen(hit, around, 46)  # 4 paragraphs are 46 characters: next, previous, next
    assert wide.paragraph_ids == ("p2", "p3", "p4", "p5") and len(wide.text) == 46
    assert wide.text.split("\n\n") == [around[n][1] for n in (2, 3, 4, 5)]
    assert matched_text(wide) == matched_text(hit) == "3" * 10  # what scoring looks at
    assert widen(hit, around, 5) == replace(hit, chunk_paragraphs=(3, 3))  # nothing fits
    assert widen(hit, around, 2000).paragraph_ids == tuple(f"p{n}" for n in range(1, 7))


PIER_QUERY = SearchQuery(text="How many cranes did the harbour pier have?")


def _pier_story(tmp_path: Path, embedder: HashEmbedder) -> tuple[NewsIndex, list[str]]:
    """One article of twelve short paragraphs, one chunk each (73 to 76 characters: three or
    four make a 300-character passage), indexed; and its paragraphs."""
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", corpus_paths=[tmp_path / "news"], chunk_words=20
    )
    paragraphs = [
        f"Paragraph {n} of the harbour story says the pier had {n} cranes and {n} berths."
        for n in range(1, 13)
    ]
    write_article(settings.corpus_paths[0], "pier.txt", "Pier opens", *paragraphs)
    build_index(settings.corpus_paths, settings, embedder)
    return open_index(settings.data_dir), paragraphs


def test_passages_carry_the_paragraphs_around_the_match_and_never_repeat_one(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    index, paragraphs = _pier_story(tmp_path, embedder)
    chunks = search(index, embedder, PIER_QUERY, k=5, passage_chars=0).hits
    assert all(h.chunk_paragraphs is None and h.text in paragraphs for h in chunks)
    passages = search(index, embedder, PIER_QUERY, k=3, passage_chars=300).hits
    stored = {p["paragraph_id"]: p["text"] for p in index.paragraphs(passages[0].article_id)}
    assert len(passages) == 3 and passages[0].chunk == chunks[0].chunk
    shown: set[str] = set()
    for p in passages:
        assert len(p.text) <= 300 and len(p.paragraph_ids) >= 3
        assert p.text.split("\n\n") == [stored[pid] for pid in p.paragraph_ids]
        assert p.chunk_paragraphs is not None
        matched = p.paragraph_ids[p.chunk_paragraphs[0] - p.first_paragraph]
        assert matched not in shown  # a chunk already on show in a passage is not repeated
        shown.update(p.paragraph_ids)


def test_a_chunk_a_passage_already_shows_is_kept_as_that_passage_s_evidence(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    index, _ = _pier_story(tmp_path, embedder)
    ranked = [h.chunk for h in search(index, embedder, PIER_QUERY, k=12, passage_chars=0).hits]
    passages = search(index, embedder, PIER_QUERY, k=3, passage_chars=300).hits
    # Every chunk ranked above the last passage's own is that of a passage or is carried,
    # bare, by the passage that shows it: none is lost to the answer.
    carried = {m.chunk: p for p in passages for m in p.merged}
    assert carried
    for cid in ranked[: ranked.index(passages[-1].chunk)]:
        assert cid in {p.chunk for p in passages} or cid in carried
    for cid, p in carried.items():
        (bare,) = [m for m in p.merged if m.chunk == cid]
        assert bare.text in p.text and bare.chunk_paragraphs is None
        assert ranked.index(cid) > ranked.index(p.chunk)
        assert p.chunks == (p, *p.merged)


def test_words_in_most_chunks_are_left_out_of_the_keyword_search(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    index, _ = _pier_story(tmp_path, embedder)
    # Every paragraph speaks of the harbour's cranes: only the number tells them apart.
    assert {"harbour", "crane", "berth", "pier"} <= index.common_terms
    assert "7" not in index.common_terms
    assert fts_query("Which harbour had 7 cranes?", index.common_terms) == '"7"'
    assert fts_query("harbour cranes", index.common_terms) == '"harbour" OR "cranes"'
    # A word the index lacks among common ones: BM25 falls back to every word.
    assert fts_query("Which harbour had zebras?", index.common_terms) == '"zebras"'
    assert len(keyword_search(index, "Which harbour had zebras?", 5)) == 5
    # A phrase of common words is rare as a phrase.
    assert fts_query("the harbour-cranes story", index.common_terms) == '"harbour cranes"'
    # The build stores them; a generation built before it did has them counted on opening.
    stored = index.meta["common_terms"].split()
    assert stored == common_terms(index.db)
    db = open_writable(index.path / "news.db", wal=True)
    db.execute("delete from meta where key = 'common_terms'")
    db.conn.commit()
    db.close()
    reopened = NewsIndex(index.path)
    assert "common_terms" not in reopened.meta and reopened.common_terms == frozenset(stored)


def test_stems_are_those_fts5_indexes() -> None:
    words = "us ts cranes berths running nationalization harbour was this people states".split()
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table t using fts5(text, tokenize='porter')")
    db.executemany("insert into t values (?)", [(w,) for w in words])
    db.execute("create virtual table v using fts5vocab(t, row)")
    indexed = {row[0] for row in db.execute("select term from v")}
    assert {fts_stem(w) for w in words} == indexed
    assert fts_stem("us") == "us" and fts_stem("cranes") == "crane"
