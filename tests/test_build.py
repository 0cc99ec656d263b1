"""The indexing run over real SQLite and FAISS files (with the fast fake embedder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import faiss
import numpy as np
import pytest

from bot.config import Settings
from index.build import build_index
from index.store.catalog import FAISS_NAME, open_index
from index.store.errors import IndexBusy, IndexInconsistent, IndexMissing
from index.store.generations import current_generation, index_lock
from tests.conftest import ROOT, write_article
from tests.fakes import HashEmbedder

STORY = (
    "The central bank raised interest rates by a quarter point on Wednesday, its tenth "
    "increase in a row, and said further tightening may be needed to bring inflation down "
    "to its target of two percent over the coming year according to the statement."
)


def make_corpus(folder: Path) -> None:
    write_article(
        folder,
        "troops.txt",
        "Russia warns against US troops in Central Asia",
        "A senior Russian diplomat said Moscow warned Washington against deploying troops.",
        "Lavrov named Kazakhstan, Kyrgyzstan and Tajikistan.",
        source="Press TV",
        published="2021-07-13",
        url="https://example.org/troops",
    )
    write_article(
        folder / "sub",
        "rates.txt",
        "Bank raises rates",
        STORY,
        "Markets fell after the decision.",
        source="Wire",
        published="2023-03-22",
    )


def test_index_then_stats_then_incremental_runs(settings: Settings, embedder: HashEmbedder) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    first = build_index([news], settings, embedder)
    assert (first.added, first.updated, first.removed, first.skipped) == (2, 0, 0, [])
    info = open_index(settings.data_dir).info()
    assert (info.articles, info.paragraphs, info.newest) == (2, 4, "2023-03-22")
    assert info.chunks >= 2 and info.model == "fake-hash-embedder"

    # Nothing changed: no new generation, nothing embedded.
    gen = current_generation(settings.data_dir)
    calls = embedder.calls
    again = build_index([news], settings, embedder)
    assert (again.unchanged, again.changed, embedder.calls) == (2, False, calls)
    assert current_generation(settings.data_dir) == gen

    # Edit one, add one, delete one: only the edited and new articles are embedded.
    write_article(
        news,
        "troops.txt",
        "Russia warns against US troops",
        "Edited paragraph.",
        url="https://example.org/troops",
    )
    write_article(news, "new.txt", "Floods in the north", "Rivers burst their banks.")
    (news / "sub" / "rates.txt").unlink()
    encoded = embedder.texts_encoded
    third = build_index([news], settings, embedder)
    assert (third.added, third.updated, third.removed, third.unchanged) == (1, 1, 1, 0)
    # Two chunks, and their one sentence each.
    assert (third.chunks_embedded, third.sentence_chunks) == (2, 2)
    assert embedder.texts_encoded - encoded == 4
    index = open_index(settings.data_dir)
    titles = sorted(r["title"] for r in index.db.query("select title from articles"))
    assert titles == ["Floods in the north", "Russia warns against US troops"]
    assert index.vector_index.count == index.info().chunks


def test_a_broken_file_is_skipped_and_loses_nothing(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    build_index([news], settings, embedder)
    # The article's file is replaced by garbage: it is reported and its article stays.
    (news / "troops.txt").write_bytes(b"\x00\xff\xfe binary \x00" * 50)
    (news / "broken.json").write_text("{not json", encoding="utf-8")
    report = build_index([news], settings, embedder)
    assert {Path(s.path).name for s in report.skipped} == {"troops.txt", "broken.json"}
    assert report.removed == 0
    assert open_index(settings.data_dir).info().articles == 2
    assert "skipped" in report.summary() and "broken.json" in report.summary()


def test_other_folders_articles_stay_when_one_folder_is_reindexed(
    settings: Settings, embedder: HashEmbedder, tmp_path: Path
) -> None:
    news, other = settings.corpus_paths[0], tmp_path / "other"
    make_corpus(news)
    write_article(other, "x.txt", "Other story", "Something else happened.")
    build_index([news, other], settings, embedder)
    (news / "troops.txt").unlink()
    report = build_index([news], settings, embedder)
    assert report.removed == 1
    assert open_index(settings.data_dir).info().articles == 2  # rates + other


def test_duplicates_are_linked_and_embedded_once(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    write_article(news, "a.txt", "Bank raises", STORY, source="Wire A", published="2023-03-22")
    write_article(news, "b.txt", "Rates up again", STORY, source="Outlet B", published="2023-03-23")
    near = STORY + " Reporting by Jane Doe."  # a wire copy with its own byline
    write_article(news, "c.txt", "Rate rise", near, source="Outlet C", published="2023-03-23")
    report = build_index([news], settings, embedder)
    assert report.duplicates == 2
    index = open_index(settings.data_dir)
    info = index.info()
    assert (info.articles, info.stories, info.chunks) == (3, 1, 1)
    first = index.db.execute("select article_id from articles where source = 'Wire A'").fetchone()
    copies = index.duplicates_of(first[0])
    assert sorted(c["source"] for c in copies) == ["Outlet B", "Outlet C"]
    assert all(index.paragraphs(c["article_id"]) for c in copies)  # each outlet stays citable

    # A wire copy that comes later is found among the stored stories' signatures.
    later = STORY + " Additional reporting by Max Roe."
    write_article(news, "d.txt", "Rates rise", later, source="Outlet D", published="2023-03-24")
    appended = build_index([news], settings, embedder)
    assert appended.appended and (appended.added, appended.duplicates) == (1, 1)
    assert len(open_index(settings.data_dir).duplicates_of(first[0])) == 3

    # The first copy leaves: a remaining copy becomes the story and is embedded.
    (news / "a.txt").unlink()
    build_index([news], settings, embedder)
    info = open_index(settings.data_dir).info()
    assert (info.articles, info.stories, info.chunks) == (3, 1, 1)


def test_changing_the_model_rebuilds_everything(settings: Settings) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    build_index([news], settings, HashEmbedder())
    report = build_index([news], settings, HashEmbedder(name="another-model", dim=32))
    assert report.added == 2 and "embedding model changed" in report.summary()
    index = open_index(settings.data_dir)
    assert (index.vector_index.dim, index.meta["model"]) == (32, "another-model")


def test_faiss_index_type_is_configurable(settings: Settings, embedder: HashEmbedder) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    hnsw = settings.model_copy(update={"faiss_index": "HNSW16"})
    build_index([news], hnsw, embedder)
    index = open_index(settings.data_dir)
    assert index.meta["faiss_index"] == "HNSW16"
    assert "HNSW" in type(faiss.downcast_index(index.vector_index.index.index)).__name__
    query = embedder.encode(["Russia warns troops Central Asia"])[0]
    best = index.dense(query, 1)[0][0]
    assert "Russia" in index.chunks([best])[best]["title"]


def test_a_reader_keeps_its_generation_while_the_index_changes(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    build_index([news], settings, embedder)
    reader = open_index(settings.data_dir)
    before = reader.info().articles
    write_article(news, "new.txt", "Floods in the north", "Rivers burst their banks.")
    report = build_index([news], settings, embedder)
    assert report.appended and report.generation == reader.generation
    # The open view answers from what it opened with, FAISS and SQLite alike ...
    floods = embedder.encode(["Floods in the north"])[0]
    assert reader.info().articles == before == 2 and reader.info().chunks == 2
    assert len(reader.dense(floods, 5)) == 2 and not reader.keyword("floods", 5)
    assert reader.dense(embedder.encode(["troops"])[0], 3)
    # ... until it takes a refreshed view, which holds the appended story in both.
    assert reader.appended_since()
    fresh = reader.refreshed()
    assert not fresh.appended_since() and fresh.info().articles == 3
    (hit,) = fresh.keyword("floods", 5)
    assert fresh.dense(floods, 1)[0][0] == hit[0]
    assert "Floods" in fresh.chunks([hit[0]])[hit[0]]["title"]
    assert open_index(settings.data_dir).info().articles == 3
    # An edit writes a new generation; the open view still answers from its own.
    write_article(news, "new.txt", "Floods in the south", "Rivers burst their banks again.")
    edit = build_index([news], settings, embedder)
    assert not edit.appended and edit.generation != reader.generation
    assert fresh.keyword("floods", 5) == [hit]
    assert open_index(settings.data_dir).info().articles == 3


def test_store_says_what_to_do_when_sqlite_and_faiss_disagree(
    settings: Settings, embedder: HashEmbedder
) -> None:
    with pytest.raises(IndexMissing, match="newsbot index"):
        open_index(settings.data_dir)
    news = settings.corpus_paths[0]
    make_corpus(news)
    build_index([news], settings, embedder)
    gen = current_generation(settings.data_dir)
    assert gen is not None
    wrong = faiss.IndexIDMap2(faiss.IndexFlatIP(embedder.dim))
    wrong.add_with_ids(np.ones((1, embedder.dim), dtype=np.float32), np.array([999]))
    faiss.write_index(wrong, str(gen / FAISS_NAME))
    with pytest.raises(IndexInconsistent, match="--rebuild"):
        open_index(settings.data_dir)
    # --rebuild repairs it.
    build_index([news], settings, embedder, rebuild=True)
    assert open_index(settings.data_dir).info().articles == 2


def test_one_index_run_at_a_time(settings: Settings, embedder: HashEmbedder) -> None:
    with index_lock(settings.data_dir), pytest.raises(IndexBusy, match="Another index run"):
        build_index([settings.corpus_paths[0]], settings, embedder)


KILL_SCRIPT = """
import sys
from pathlib import Path
from bot.config import Settings
from index.build import build_index
from tests.fakes import HashEmbedder

settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]))
def progress(p):
    if p.stage == "embedding":
        print("embedding", p.done, flush=True)
build_index([Path(sys.argv[2])], settings, HashEmbedder(delay=0.001),
            rebuild=sys.argv[3] == "rebuild", progress=progress)
print("done", flush=True)
"""


def index_killed_mid_embedding(settings: Settings, news: Path, *, rebuild: bool) -> None:
    """Index `news` in another process and `kill -9` it once its first vectors are cached."""
    how = "rebuild" if rebuild else "update"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(settings.data_dir), str(news), how],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("embedding") and int(line.split()[1]) > 0:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_during_rebuild_keeps_the_old_index_and_the_next_run_completes(
    settings: Settings, embedder: HashEmbedder, tmp_path: Path
) -> None:
    news = settings.corpus_paths[0]
    make_corpus(news)
    build_index([news], settings, embedder)
    live = current_generation(settings.data_dir)
    for i in range(3000):  # enough chunks for several encode calls
        write_article(news / "bulk", f"{i}.txt", f"Story {i}", f"Paragraph {i} about topic {i}.")
    index_killed_mid_embedding(settings, news, rebuild=True)
    assert current_generation(settings.data_dir) == live
    assert open_index(settings.data_dir).info().articles == 2  # the old index, intact
    leftovers = [p for p in settings.data_dir.glob("gen-*") if p != live]
    assert leftovers  # the half-written generation is there ...

    counting = HashEmbedder()
    report = build_index([news], settings, counting)
    assert not [p for p in leftovers if p.exists()]  # ... and cleaned up by the next run
    assert report.added == 3000
    # The killed run's cached vectors are reused: fewer chunks encoded than were added.
    assert 0 < report.chunks_embedded < 3000
    assert open_index(settings.data_dir).info().articles == 3002
