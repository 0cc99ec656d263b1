"""The reader stage: which spans can answer, where they are cited, and when the rules' answer
is taken instead. The span reader here is a fixed table (the real one is in the integration
test at the end)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.answering.question import Question, parse_question
from bot.answering.reading import (
    Read,
    Said,
    Unread,
    agrees,
    asked,
    fits,
    holding_sentence,
    pick,
    read_answer,
    whole,
    windows_of,
)
from bot.language.en.questions import AnswerType, QuestionKind, Subtype
from bot.reader.aggregate import Found
from bot.reader.model import Reading


def asking(question: str, answer_type: str) -> Question:
    """`question` parsed, of the kind given (as the tests' short questions may not say)."""
    return replace(parse_question(question), kind=kind(answer_type))


def kind(answer_type: str, subtype: str | None = None) -> QuestionKind:
    return QuestionKind(answer_type, relation=False, plural=False, subtype=subtype)


class TableReader:
    """Answers each context with the span given for the first of its words found in it."""

    def __init__(self, spans: dict[str, tuple[str, float]]) -> None:
        self.spans = spans
        self.read_contexts: list[str] = []

    def read(self, question: str, contexts: Sequence[str]) -> list[Reading]:
        out = []
        for i, c in enumerate(contexts):
            self.read_contexts.append(c)
            span, margin = next(((s, m) for s, m in self.spans.values() if s in c), (c[:1], -5.0))
            at = c.find(span)
            out.append(Reading(i, at, at + len(span), span, margin, 0.0))
        return out


def said(sentence: str, paragraph: str | None = None, story: str = "a", title: str = "T") -> Said:
    return Said(title, story, paragraph or sentence, sentence)


def test_fits_keeps_the_kind_asked_for() -> None:
    assert fits("August 10", kind(AnswerType.DATE))
    assert fits("Tuesday", kind(AnswerType.DATE))
    assert not fits("the Pentagon", kind(AnswerType.DATE))
    assert fits("238", kind(AnswerType.NUMBER))
    assert fits("three", kind(AnswerType.NUMBER))
    assert not fits("Mecca", kind(AnswerType.NUMBER))
    assert fits("2003", kind(AnswerType.DATE, Subtype.YEAR))
    assert not fits("February 1", kind(AnswerType.DATE, Subtype.YEAR))
    assert fits("12 per cent", kind(AnswerType.NUMBER, Subtype.PERCENT))
    assert not fits("12", kind(AnswerType.NUMBER, Subtype.PERCENT))
    assert fits("chlorine", kind(AnswerType.NAME))  # "what type of sanitiser": no capital
    # A bare ordinal answers no "how many", "who" or "where"; it may be a day or a floor.
    assert not fits("22nd", kind(AnswerType.NUMBER)) and fits("22 teams", kind(AnswerType.NUMBER))
    assert not fits("5th", kind(AnswerType.PLACE)) and not fits(
        "3rd", kind(AnswerType.PERSON_OR_GROUP)
    )
    assert fits("the 22nd", kind(AnswerType.DATE)) and fits("33rd", kind(AnswerType.NAME))


def test_pick_wants_a_currency_for_a_cost_and_a_capital_for_a_name() -> None:
    def best(question: str, *texts: str) -> str | None:
        found = [Found(t, (0,), 5.0 - i, 5.0 - i) for i, t in enumerate(texts)]
        chosen = pick(found, parse_question(question), "")
        return chosen.text if chosen else None

    cost = "How much did the robot cost to build?"
    assert best(cost, "three", "US$ 2,000") == "US$ 2,000" and best(cost, "three") is None
    boat = "What was the name of the fishing boat?"
    assert best(boat, "former", "fishermen", "Jaya Baru") == "Jaya Baru"
    assert best(boat, "former") is None
    assert best("What type of sanitiser replaced iodine?", "chlorine") == "chlorine"
    minister = "Which Russian deputy foreign minister warned the US?"
    assert best(minister, "Moscow", "Sergei Ryabkov") == "Sergei Ryabkov"
    assert best("Which team won the final?", "France", "Les Bleus") == "France"


def test_a_span_of_the_question_s_own_words_is_no_answer() -> None:
    assert asked("Mc Guire", "What did Hugh Mc Guire record?")
    assert not asked("Secret Agent", "What did Hugh McGuire record?")


def test_whole_widens_numbers_and_dates() -> None:
    context = "T | Chu won 84,121 votes on August 31."
    at = context.find("84")
    r = whole(Reading(0, at, at + 2, "84", 1.0, 0.0), context)
    assert r.text == "84,121"
    for text, span, widened in (
        ("He was released on US$ 20,000 bail.", "20,000", "US$ 20,000"),
        ("He was released on US$ 20,000 bail.", "$ 20,000", "US$ 20,000"),
        ("Tickets cost $ 5 each.", "$ 5", "$ 5"),
        ("Livorno asked for over 422,000 euros in arrears.", "422,000", "422,000 euros"),
        ("The cost of NZ $ 26 million was criticised.", "26", "NZ $ 26 million"),
        ("The crane weighed 30 tonnes.", "30", "30 tonnes"),
        ("The 238 injured were taken to hospital.", "238", "238"),
    ):
        at = text.find(span)
        assert whole(Reading(0, at, at + len(span), span, 1.0, 0.0), text).text == widened
    at = context.find("31")
    assert whole(Reading(0, at, at + 2, "31", 1.0, 0.0), context).text == "August 31"
    at = context.find("Chu")
    assert whole(Reading(0, at, at + 3, "Chu", 1.0, 0.0), context).text == "Chu"


def test_the_cited_sentence_is_the_one_holding_the_span() -> None:
    paragraph = "The crane fell on Friday. At least 107 people died. Storms were blamed."
    assert holding_sentence(paragraph, "The crane fell on Friday.", "107") == (
        "At least 107 people died."
    )
    assert holding_sentence(paragraph, "Storms were blamed.", "Friday") == (
        "The crane fell on Friday."
    )
    # A span of the title: the evidence sentence itself.
    assert holding_sentence(paragraph, "Storms were blamed.", "Mecca") == "Storms were blamed."


def test_agreement_is_one_answer_in_other_words() -> None:
    assert agrees("Nathan Law", "Demosisto's Nathan Law")
    assert agrees("the Taliban,", "Taliban")
    assert not agrees("Young", "Nathan Law")


def test_each_window_is_read_once() -> None:
    paragraph = "One. Two."
    evidence = [said("One.", paragraph), said("Two.", paragraph), said("Three.")]
    windows = windows_of(evidence)
    assert [i for i, _ in windows] == [0, 2]  # both sentences of the short paragraph: one window


def test_the_reader_answers_and_cites_each_story_once() -> None:
    reader = TableReader({"a": ("107", 4.0)})
    evidence = [
        said("At least 107 people died.", story="wire"),
        said("The toll rose to 107.", story="other"),
    ]
    read = read_answer(reader, asking("How many died?", AnswerType.NUMBER), evidence)
    assert isinstance(read, Read)
    assert read.text == "107"
    assert [i for i, _ in read.support] == [0, 1]
    assert read.score > read.margin  # the second story agreeing counts


def test_no_span_above_the_floor_is_no_answer() -> None:
    reader = TableReader({})
    read = read_answer(reader, asking("Who won?", AnswerType.PERSON_OR_GROUP), [said("Rain fell.")])
    assert isinstance(read, Unread)
    assert read.margin == pytest.approx(-5.0)


def test_the_rules_answer_is_taken_when_the_reader_finds_it_nearly_as_sure() -> None:
    evidence = [said("Young voters chose him."), said("Nathan Law won the seat.", story="b")]
    near = TableReader({"y": ("Young", 3.0), "n": ("Nathan Law", 2.0)})
    read = read_answer(near, asking("Who won?", AnswerType.PERSON_OR_GROUP), evidence, "Nathan Law")
    assert isinstance(read, Read) and read.text == "Nathan Law"
    far = TableReader({"y": ("Young", 9.0), "n": ("Nathan Law", 2.0)})
    read = read_answer(far, asking("Who won?", AnswerType.PERSON_OR_GROUP), evidence, "Nathan Law")
    assert isinstance(read, Read) and read.text == "Young"
