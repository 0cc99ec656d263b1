"""The language-model reader stage over a real index, with a fake model behind the model's
interface: windows, the order they are read in, grounding and what is cited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.answering import AnswerContext, answer_question
from bot.answering.declines import Declined
from bot.answering.evidence import Evidence
from bot.answering.model_reading import (
    WINDOW_WORDS,
    Window,
    ground,
    spelt,
    top_passage_first,
    window_of,
)
from bot.config import Settings
from index.build import build_index
from index.search import Hit
from index.store import open_index
from tests.conftest import write_article
from tests.fakes import FakeModel, HashEmbedder

AS_OF = date(2021, 7, 5)
BASE = (
    "The last American troops quietly left Bagram Airfield on Friday, the base that once "
    "held 100,000 soldiers. Afghan officials said they were not told of the departure. Its "
    "runway cost US$ 96 million."
)
WARN = (
    "Russia's envoy spoke on Tuesday. Deputy foreign minister Sergei Ryabkov warned the United "
    "States against moving troops to Central Asia."
)


@pytest.fixture
def ctx(settings: Settings, embedder: HashEmbedder) -> AnswerContext:
    news = settings.corpus_paths[0]
    write_article(
        news,
        "bagram.txt",
        "US troops leave Bagram",
        "Kabul — A long war winds down.",
        BASE,
        "The Taliban took more districts in the north.",
        source="Wire",
        published="2021-07-02",
    )
    write_article(
        news,
        "warning.txt",
        "Russia warns US over Central Asia",
        WARN,
        "Moscow has a base in Tajikistan.",
        source="Press TV",
        published="2021-07-04",
    )
    build_index(settings.corpus_paths, settings, embedder)
    return AnswerContext(open_index(settings.data_dir), embedder, settings)


def test_the_models_words_are_cited_where_they_stand(ctx: AnswerContext) -> None:
    model = FakeModel({"base": "Bagram Airfield."})
    answer = answer_question(
        replace(ctx, model=model), "Which base did the troops leave?", as_of=AS_OF
    )
    assert not answer.abstained and answer.line == "Bagram Airfield", answer.text
    c = answer.citations[0]
    assert c.paragraph == 2 and "Bagram Airfield" in c.quote and c.quote in c.paragraph_text
    assert answer.model is not None and answer.model.windows[0].verdict == "answer"
    assert answer.model.windows[0].reply == "Bagram Airfield."  # as the model said it
    assert "model" in answer.timings_ms
    prompt = model.prompts[0][-1].content
    assert "US troops leave Bagram" in prompt and "2021-07-02" in prompt


def test_words_in_no_window_are_no_answer(ctx: AnswerContext) -> None:
    model = FakeModel({"base": "Kandahar Airfield"}, where={"base": "Bagram"})
    answer = answer_question(
        replace(ctx, model=model), "Which base did the troops leave?", as_of=AS_OF
    )
    assert answer.abstained and answer.declined_because == Declined.MODEL_NO_ANSWER
    assert answer.model is not None
    assert answer.model.windows[0].verdict == "not in the window"


def test_not_stated_moves_on_to_the_next_window(ctx: AnswerContext) -> None:
    # Only the window holding the warning answers; the base's window says "not stated".
    model = FakeModel({"warn": "Sergei Ryabkov"}, where={"warn": "Ryabkov warned"})
    answer = answer_question(
        replace(ctx, model=model), "Who warned about troops leaving the base?", as_of=AS_OF
    )
    assert answer.model is not None
    verdicts = [w.verdict for w in answer.model.windows]
    assert verdicts[-1] == "answer" and "Ryabkov" in answer.line, verdicts
    assert answer.citations[0].source == "Press TV"


def test_a_reply_of_the_wrong_kind_is_no_answer(ctx: AnswerContext) -> None:
    model = FakeModel({"how many": "the base"})
    answer = answer_question(
        replace(ctx, model=model), "How many soldiers did the base hold?", as_of=AS_OF
    )
    assert answer.abstained
    assert answer.model is not None and answer.model.windows[0].verdict == "not of the kind asked"


def test_a_short_paragraph_brings_its_neighbours(ctx: AnswerContext) -> None:
    paragraphs = ctx.index.article_paragraphs(["x"])  # an unknown article: no neighbours
    assert paragraphs == {"x": {}}
    answer = answer_question(
        replace(ctx, model=FakeModel({})), "Which base did the troops leave?", as_of=AS_OF
    )
    assert answer.model is not None
    first = answer.model.windows[0]
    assert first.paragraphs == (1, 2, 3)  # the base's paragraph and both neighbours fit


def test_a_long_paragraph_is_cut_to_whole_sentences_around_the_best() -> None:
    sentence = "The answer is here."
    filler = " ".join(f"Sentence number {i} says little of note." for i in range(60))
    paragraph = f"{filler} {sentence} {filler}"
    hit = Hit(0, "a", paragraph, ("p",), 1, 1, "Title", "Wire", "", "", 1.0, 1.0, None)
    w = window_of(Evidence(sentence, hit, 1, paragraph, 0), {})
    assert sentence in w.text and len(w.text.split()) <= WINDOW_WORDS
    assert w.text.startswith("Sentence number") and w.text.endswith(".")
    assert w.paragraphs == ((1, paragraph),)


def test_a_sum_is_shown_whole_as_the_paragraph_spells_it(ctx: AnswerContext) -> None:
    model = FakeModel({"cost": "$96"}, where={"cost": "runway"})
    answer = answer_question(
        replace(ctx, model=model), "How much did the base's runway cost?", as_of=AS_OF
    )
    assert answer.line == "US$ 96 million", answer.model


def test_who_warned_whom_gets_both_sides_from_the_window(ctx: AnswerContext) -> None:
    # "Russia" stands in a sentence that names no target; the window's next sentence says it.
    model = FakeModel({"whom": "Russia"})
    answer = answer_question(
        replace(ctx, model=model), "Who warned whom about troops in Central Asia?", as_of=AS_OF
    )
    assert answer.line == "Sergei Ryabkov warned the United States", answer.model
    assert "warned the United" in answer.citations[0].quote


def test_a_phrase_is_spelt_whole_with_what_it_counts_and_its_quotes() -> None:
    text = 'For the first time in 600 years a pope was buried. He starred in "Law & Order".'
    at = text.index("600")
    assert text[slice(*spelt(text, at, at + 3, "years"))] == "600 years"
    assert text[slice(*spelt(text, at, at + 3, "years a"))] == "600 years a"
    assert text[slice(*spelt(text, at, at + 3, "years did"))] == "600"
    assert text[slice(*spelt(text, at, at + 3, "times"))] == "600"
    at = text.index("Law")
    assert text[slice(*spelt(text, at, at + len("Law & Order")))] == '"Law & Order"'


def test_a_reply_read_off_the_title_is_cited_where_the_article_says_it() -> None:
    window_text = "The crane fell on Friday."
    hit = Hit(
        0,
        "a",
        window_text,
        ("p2",),
        2,
        2,
        "Crane kills 107 in Mecca",
        "Wire",
        "",
        "",
        1.0,
        1.0,
        None,
    )
    article = {1: ("p1", "At least 107 people died when a crane fell."), 2: ("p2", window_text)}
    w = Window(
        Evidence(window_text, hit, 2, window_text, 0), ((2, window_text),), window_text, article
    )
    grounded = ground("107", w)
    assert grounded is not None
    phrase, support = grounded
    assert phrase == "107" and support.paragraph == 1 and "107 people died" in support.text
    assert ground("Mecca", w) is None  # in the title, but no paragraph repeats it
    assert ground("Medina", w) is None


def test_the_top_passages_best_sentence_is_read_first() -> None:
    def passage(chunk: int) -> Hit:
        return Hit(chunk, f"a{chunk}", "text", ("p",), 1, 1, "T", "W", "", "", 1.0, 1.0, None)

    top, other = passage(7), passage(3)
    high, low, lower = (Evidence(t, h, 1, t, 0) for t, h in (("a", other), ("b", top), ("c", top)))
    # The passages' ranking weighs dates and the fused rank too: it put `top` first.
    assert top_passage_first([high, low, lower], [top, other]) == [low, high, lower]
    assert top_passage_first([high], [top, other]) == [high]  # the top passage scored nothing
    assert top_passage_first([high, low], []) == [high, low]
