"""Updates in O(new): new articles appended to the live generation, unchanged files passed over,
appends folded into a new generation once they grow, and `kill -9` during an append."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings
from bot.surfaces.service import NewsService
from index import build
from index.build import build_index
from index.store.catalog import DB_NAME, open_index, open_readonly
from index.store.generations import current_generation
from tests.conftest import write_article
from tests.fakes import HashEmbedder
from tests.test_build import index_killed_mid_embedding


def _two_stories(news: Path) -> None:
    write_article(news, "troops.txt", "Russia warns against US troops", "Moscow warned Washington.")
    write_article(news / "sub", "rates.txt", "Bank raises rates", "The bank raised rates again.")


def _appended(settings: Settings) -> int:
    gen = current_generation(settings.data_dir)
    assert gen is not None
    db = open_readonly(gen / DB_NAME)
    try:
        return int(db.execute("select count(*) from chunk_vectors").fetchone()[0])
    finally:
        db.close()


def test_new_stories_are_appended_and_unchanged_files_passed_over(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    _two_stories(news)
    first = build_index([news], settings, embedder)
    assert not first.appended and _appended(settings) == 0
    live = current_generation(settings.data_dir)

    path = write_article(news, "floods.txt", "Floods in the north", "Rivers burst their banks.")
    report = build_index([news], settings, embedder)
    assert (report.added, report.unchanged, report.appended) == (1, 2, True)
    assert "appended to the live index" in report.summary()
    assert current_generation(settings.data_dir) == live  # no copy of the database
    assert _appended(settings) == 1
    index = open_index(settings.data_dir)  # FAISS file + the appended vector, consistent
    assert (index.info().articles, index.info().appended) == (3, 1)
    (hit,) = index.keyword("floods", 5)
    assert index.dense(embedder.encode(["Floods in the north"])[0], 1)[0][0] == hit[0]

    # The index recorded each file's size and time: an unchanged file is not read again, so
    # new text that keeps both (a contrived edit) goes unseen until the file is touched.
    stat = path.stat()
    write_article(news, "floods.txt", "Floods in the south", "Rivers burst their banks.")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not build_index([news], settings, embedder).changed
    path.touch()
    edit = build_index([news], settings, embedder)
    assert (edit.updated, edit.appended) == (1, False)  # an edit: a new generation
    assert current_generation(settings.data_dir) != live and _appended(settings) == 0
    assert open_index(settings.data_dir).keyword("south", 5)

    # A file that went leaves the index with its record; a broken one is reported every run.
    path.unlink()
    (news / "broken.json").write_text("{not json")
    gone = build_index([news], settings, embedder)
    assert gone.removed == 1 and [s.path for s in gone.skipped] == [str(news / "broken.json")]
    again = build_index([news], settings, embedder)
    assert not again.changed and len(again.skipped) == 1
    assert open_index(settings.data_dir).info().articles == 2


def test_appends_are_folded_into_a_new_generation_once_they_grow(
    settings: Settings, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "APPEND_MIN", 3)  # a small index reaches it in three stories
    news = settings.corpus_paths[0]
    _two_stories(news)
    build_index([news], settings, embedder)
    live = current_generation(settings.data_dir)
    for n in range(3):
        write_article(news, f"extra{n}.txt", f"Harbour {n} reopens", f"Ferries sail again {n}.")
        assert build_index([news], settings, embedder).appended
    assert current_generation(settings.data_dir) == live and _appended(settings) == 3
    write_article(news, "extra3.txt", "Harbour 3 reopens", "Ferries sail again 3.")
    folded = build_index([news], settings, embedder)
    assert not folded.appended and folded.added == 1
    assert current_generation(settings.data_dir) != live and _appended(settings) == 0
    index = open_index(settings.data_dir)
    assert index.vector_index.count == index.info().chunks == 6


def test_a_service_answers_from_what_was_appended_without_a_restart(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    _two_stories(news)
    build_index([news], settings, embedder)
    service = NewsService(settings, embedder)
    before = service.context()
    assert service.context() is before  # nothing new: the same view
    write_article(news, "floods.txt", "Floods in the north", "Rivers burst their banks.")
    build_index([news], settings, embedder)
    after = service.context()
    assert after.index.path == before.index.path and after.index.keyword("floods", 5)
    assert not before.index.keyword("floods", 5)


def test_kill_during_an_append_loses_nothing_and_the_next_run_completes_it(
    settings: Settings, embedder: HashEmbedder
) -> None:
    news = settings.corpus_paths[0]
    _two_stories(news)
    build_index([news], settings, embedder)
    live = current_generation(settings.data_dir)
    for i in range(4500):  # three encode calls
        write_article(news / "bulk", f"{i}.txt", f"Story {i}", f"Paragraph {i} about topic {i}.")
    index_killed_mid_embedding(settings, news, rebuild=False)
    assert current_generation(settings.data_dir) == live
    index = open_index(settings.data_dir)  # consistent, and as it was
    assert index.info().articles == 2 and _appended(settings) == 0

    report = build_index([news], settings, HashEmbedder())
    assert report.appended and report.added == 4500
    assert 0 < report.chunks_embedded < 4500  # the killed run's vectors are reused
    assert open_index(settings.data_dir).info().articles == 4502
    assert _appended(settings) == 4500
