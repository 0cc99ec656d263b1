"""Answers with the shipped reader over corpus/ (the real model, the real index)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from bot.answering import AnswerContext, answer_question
from bot.answering.declines import Declined
from bot.config import Settings
from tests.test_cli import run

pytestmark = pytest.mark.slow
AS_OF = date(2021, 7, 20)


@pytest.fixture(scope="module")
def reading(corpus_context: AnswerContext, real_reader) -> AnswerContext:
    return replace(corpus_context, reader=real_reader)


def test_the_reader_finds_the_span_and_cites_the_sentence_holding_it(
    reading: AnswerContext,
) -> None:
    answer = answer_question(reading, "Which base did US troops quietly vacate?", as_of=AS_OF)
    assert not answer.abstained and "Bagram" in answer.line
    assert answer.reader is not None and "Bagram" in answer.reader.span
    assert answer.reader.margin > 0
    assert all(c.quote in c.paragraph_text for c in answer.citations)
    assert "Bagram" in answer.citations[0].quote
    assert "reader" in answer.timings_ms


def test_a_number_comes_whole(reading: AnswerContext) -> None:
    question = "How many American soldiers did the Bagram base once hold?"
    answer = answer_question(reading, question, as_of=AS_OF)
    assert not answer.abstained and "100,000" in answer.line, answer.line


def test_both_sides_of_who_warned_whom_stay(reading: AnswerContext) -> None:
    answer = answer_question(
        reading, "Who warned whom about US troops in Central Asia?", as_of=AS_OF
    )
    assert "Moscow" in answer.line and "United States" in answer.line, answer.line


def test_a_sum_comes_with_its_currency_and_a_bare_number_is_no_cost(
    reading: AnswerContext,
) -> None:
    bail = answer_question(reading, "How much was the Scientology defector's bail?")
    assert not bail.abstained and "US$ 20,000" in bail.line, bail.line
    cost = answer_question(reading, "How much did the Afghan girls' robot cost to build?")
    assert cost.abstained, cost.line  # the story gives no price; "three" is no cost


def test_the_rules_veto_a_near_miss(reading: AnswerContext) -> None:
    answer = answer_question(reading, "Who won the 2018 World Cup?")
    assert answer.abstained and answer.declined_because == Declined.NO_VERB


def test_ask_json_shows_the_reader_and_no_reader_turns_it_off(corpus_settings: Settings) -> None:
    question = "Which base did US troops quietly vacate?"
    with_reader = run(corpus_settings, "ask", question, "--json", "--as-of", "2021-07-20")
    data = json.loads(with_reader.stdout.strip().splitlines()[-1])
    assert data["reader"]["span"] and data["reader"]["margin"] > 0
    assert data["timings_ms"]["reader"] > 0
    rules = run(corpus_settings, "--no-reader", "ask", question, "--json", "--as-of", "2021-07-20")
    data = json.loads(rules.stdout.strip().splitlines()[-1])
    assert data["reader"] is None and "reader" not in data["timings_ms"]
    assert "Bagram" in data["answer"]


def test_an_answer_from_an_older_story_to_a_this_week_question_says_so(
    reading: AnswerContext,
) -> None:
    question = "Which base did US troops quietly vacate this week?"
    fresh = answer_question(reading, question, as_of=AS_OF)
    assert fresh.note == ""
    late = answer_question(reading, question, as_of=date(2021, 9, 1))
    assert "Bagram" in late.line
    assert late.note == "Note: this is from a story of 13 Jul 2021; I have nothing newer on it."
    past = answer_question(
        reading, "Which base did US troops vacate in 2021?", as_of=date(2022, 1, 5)
    )
    assert past.note == ""  # a question about the past: an old story is what it asks for


def test_ask_debug_shows_the_reader_s_span_and_why_an_answer_is_declined(
    corpus_settings: Settings,
) -> None:
    question = "Which base did US troops quietly vacate?"
    shown = run(corpus_settings, "ask", question, "--debug", "--as-of", "2021-07-20")
    assert "reader: span 'Bagram" in shown.output and "reader " in shown.output  # its time
    declined = run(corpus_settings, "ask", "Who won the 2018 World Cup?", "--debug")
    assert "declined: no sentence says that someone did" in declined.output
