"""Answers with the language model over corpus/: the real model, the real index (the model's
file is installed by `make install`, as for a user)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.answering import AnswerContext, answer_question
from bot.answering.declines import Declined
from bot.answering.grounding import locate

pytestmark = pytest.mark.slow
AS_OF = date(2021, 7, 20)


@pytest.fixture(scope="module")
def reading(corpus_context: AnswerContext, real_model) -> AnswerContext:
    return replace(corpus_context, model=real_model)


def test_the_founding_question_keeps_both_sides(reading: AnswerContext) -> None:
    answer = answer_question(
        reading, "Who warned whom about US troops in Central Asia?", as_of=AS_OF
    )
    assert not answer.abstained, answer.model
    assert any(a in answer.line for a in ("Russia", "Moscow", "Ryabkov")), answer.line
    assert any(t in answer.line for t in ("United States", "Washington", "US")), answer.line
    assert answer.citations[0].url.startswith("https://www.presstv.ir/")
    assert answer.model is not None and answer.model.windows[-1].verdict == "answer"


def test_the_answer_is_words_of_the_paragraph_it_cites(reading: AnswerContext) -> None:
    answer = answer_question(reading, "Which base did US troops quietly vacate?", as_of=AS_OF)
    assert not answer.abstained and "Bagram" in answer.line, answer.model
    c = answer.citations[0]
    assert c.quote in c.paragraph_text and locate(answer.line, c.paragraph_text) is not None
    w = answer.model.windows[-1] if answer.model else None
    assert w is not None and w.tokens_in > 0 and w.tokens_out > 0 and w.ms > 0
    assert "model" in answer.timings_ms


def test_a_sum_is_read_with_its_currency(reading: AnswerContext) -> None:
    answer = answer_question(reading, "How much was the Scientology defector's bail?")
    assert not answer.abstained and "20,000" in answer.line, answer.model


def test_what_the_news_does_not_say_is_declined(reading: AnswerContext) -> None:
    answer = answer_question(reading, "How much did the Afghan girls' robot cost to build?")
    assert answer.abstained, (answer.line, answer.model)
    assert answer.declined_because in (Declined.MODEL_NO_ANSWER, Declined.WEAK_EVIDENCE)
