"""Sentence vectors stored at index time, so that answering scores sentences without the model."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bot.answering.context import AnswerContext
from bot.answering.evidence import _overlap, _term_weights, best_sentence_scores, score_sentences
from bot.answering.pipeline import answer_question
from bot.config import Settings
from index.build import build_index
from index.search.hybrid import SearchQuery, search
from index.store.catalog import DB_NAME, VECTORS_DB, open_index
from index.store.errors import IndexInconsistent
from index.store.generations import current_generation
from index.text.chunking import chunk_sentences
from tests.conftest import write_article
from tests.fakes import HashEmbedder

BAGRAM = (
    "The last American troops left Bagram Air Base on Friday. The base was handed to the "
    "Afghan army. Officials said the withdrawal would end by August 31."
)

# Worded like the sentence: the fake embedder's cosines are word overlap.
QUESTION = "Which base did the last American troops leave on Friday?"


def _corpus(settings: Settings) -> None:
    news = settings.corpus_paths[0]
    write_article(
        news,
        "bagram.txt",
        "US troops leave Bagram",
        BAGRAM,
        "Lavrov named Kazakhstan, Kyrgyzstan and Tajikistan. Moscow warned Washington.",
        source="Wire",
        published="2021-07-02",
    )
    write_article(news, "rates.txt", "Bank raises rates", "The bank raised rates on Wednesday.")


def _write(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


def _live_db(settings: Settings) -> Path:
    gen = current_generation(settings.data_dir)
    assert gen is not None
    return gen / DB_NAME


def _old_index(settings: Settings) -> None:
    """Make the live generation look like one built before sentence vectors were stored."""
    _write(
        _live_db(settings),
        "drop table chunk_sentences",
        "drop table files",
        "drop table chunk_vectors",
        "delete from meta where key = 'appendable'",
        "update meta set value = '1' where key = 'schema_version'",
    )


def test_every_chunk_stores_the_vectors_of_its_sentences(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _corpus(settings)
    build_index(settings.corpus_paths, settings, embedder)
    index = open_index(settings.data_dir)
    rows = list(index.db.execute("select id, text, paragraph_ids from chunks"))
    stored = index.sentence_vectors([cid for cid, _, _ in rows])
    assert set(stored) == {cid for cid, _, _ in rows}
    for cid, text, ids in rows:
        sentences = chunk_sentences(text, len(json.loads(ids)))
        assert len(sentences) > 0
        # float16 rows: cosines within 1e-3 of the model's own vectors.
        np.testing.assert_allclose(stored[cid], embedder.encode(sentences), atol=2e-3)


def test_answering_scores_stored_sentences_without_the_model(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _corpus(settings)
    build_index(settings.corpus_paths, settings, embedder)
    ctx = AnswerContext(open_index(settings.data_dir), embedder, settings)
    before = embedder.texts_encoded
    stored = answer_question(ctx, QUESTION, as_of=date(2021, 7, 5))
    assert embedder.texts_encoded - before == 1  # the question, nothing else
    assert not stored.abstained and "Bagram" in stored.citations[0].quote

    # An index from before sentence vectors were stored still answers, encoding sentences.
    _old_index(settings)
    old = AnswerContext(open_index(settings.data_dir), embedder, settings)
    assert not old.index.has_sentence_vectors
    before = embedder.texts_encoded
    encoded = answer_question(old, QUESTION, as_of=date(2021, 7, 5))
    assert embedder.texts_encoded - before > 1
    assert encoded.text == stored.text and encoded.citations == stored.citations


def test_passages_past_the_scored_ones_are_scored_by_their_stored_sentences(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _corpus(settings)
    build_index(settings.corpus_paths, settings, embedder)
    ctx = AnswerContext(open_index(settings.data_dir), embedder, settings)
    result = search(ctx.index, embedder, SearchQuery(QUESTION), k=2)
    scores = best_sentence_scores(ctx, QUESTION, result.query_vector, result.hits)
    by_title = {h.title: s for h, s in zip(result.hits, scores, strict=True)}
    sentence = BAGRAM.split(". ")[0] + "."
    cosine = float(embedder.encode([sentence])[0] @ embedder.encode([QUESTION])[0])
    overlap = _overlap(sentence, _term_weights(QUESTION))
    # The best of the article's sentences is the one about the base; float16 vectors.
    assert by_title["US troops leave Bagram"] == pytest.approx(
        0.6 * cosine + 0.4 * overlap, abs=2e-3
    )
    assert by_title["Bank raises rates"] < 0.4
    # None where the index stores no sentence vectors: those passages keep their place.
    _old_index(settings)
    old = AnswerContext(open_index(settings.data_dir), embedder, settings)
    assert best_sentence_scores(old, QUESTION, result.query_vector, result.hits) == [None, None]


def test_the_next_index_run_adds_sentence_vectors_to_an_old_index(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _corpus(settings)
    build_index(settings.corpus_paths, settings, embedder)
    _old_index(settings)
    # An old cache has no sentence vectors either.
    _write(settings.data_dir / VECTORS_DB, "delete from sentence_vectors")
    encoded = embedder.texts_encoded
    report = build_index(settings.corpus_paths, settings, embedder)
    assert report.changed and any("sentences" in note for note in report.notes)
    assert report.chunks_embedded == 0  # chunk vectors come from the cache
    assert report.sentence_chunks == report.chunks_total == 2
    assert embedder.texts_encoded - encoded == 6  # the two chunks' sentences
    index = open_index(settings.data_dir)
    assert index.has_sentence_vectors
    assert len(index.sentence_vectors([1, 2])) == 2
    # Up to date now: the run after that changes nothing.
    assert not build_index(settings.corpus_paths, settings, embedder).changed


def test_missing_sentence_vectors_are_reported_with_the_fix(
    settings: Settings, embedder: HashEmbedder
) -> None:
    _corpus(settings)
    build_index(settings.corpus_paths, settings, embedder)
    _write(_live_db(settings), "delete from chunk_sentences where id = 1")
    with pytest.raises(IndexInconsistent, match=r"sentence vectors for 1 of 2 chunks.*--rebuild"):
        open_index(settings.data_dir)
    build_index(settings.corpus_paths, settings, embedder, rebuild=True)
    assert open_index(settings.data_dir).has_sentence_vectors


def test_the_sentences_of_a_chunk_a_passage_already_shows_are_scored(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", corpus_paths=[tmp_path / "news"], chunk_words=20
    )
    # The first paragraph shares most words with the question and ranks first; its passage
    # shows the paragraph that answers, whose chunk ranks lower.
    write_article(
        settings.corpus_paths[0],
        "base.txt",
        "Troops leave base",
        "Which base did the last American troops leave on Friday? Reporters asked which base.",
        "Weather in the region was mild for the season, forecasters said on Tuesday.",
        "American troops left Bagram Air Base.",
    )
    build_index(settings.corpus_paths, settings, embedder)
    ctx = AnswerContext(open_index(settings.data_dir), embedder, settings)
    result = search(ctx.index, embedder, SearchQuery(QUESTION), k=3, passage_chars=2000)
    (passage,) = result.hits
    assert passage.first_paragraph == 1 and passage.last_paragraph == 3
    evidence = score_sentences(ctx, QUESTION, result.query_vector, result.hits)
    found = {(e.text, e.paragraph, e.rank) for e in evidence}
    assert ("American troops left Bagram Air Base.", 3, 0) in found
    # A follow-up fuses two searches: a chunk one of them shows inside a passage may be a
    # passage of its own in the other. Its sentences count once, at the better rank.
    bare = next(m for m in passage.merged if "Bagram" in m.text)
    evidence = score_sentences(ctx, QUESTION, result.query_vector, [passage, bare])
    texts = [(e.text, e.paragraph) for e in evidence]
    assert len(texts) == len(set(texts))
    assert {e.rank for e in evidence if "Bagram" in e.text} == {0}
