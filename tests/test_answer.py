"""Answers over corpus/ with the real embedding model: the founding article's questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.answering import AnswerContext, Turn, answer_question, choose
from bot.config import Settings
from bot.surfaces.answer_json import answer_to_json
from bot.types import Answer
from tests.conftest import write_article

pytestmark = pytest.mark.slow
AS_OF = date(2021, 7, 20)


def ask(ctx: AnswerContext, question: str, **kw) -> Answer:
    return answer_question(ctx, question, as_of=kw.pop("as_of", AS_OF), **kw)


def assert_cites(answer: Answer, paragraph: int, fragment: str) -> None:
    assert not answer.abstained, answer.text
    for c in answer.citations:
        assert c.quote in c.paragraph_text  # never cite a paragraph that does not say it
    assert any(
        c.paragraph == paragraph and fragment in c.paragraph_text and c.source == "Press TV"
        for c in answer.citations
    ), [(c.paragraph, c.quote) for c in answer.citations]


def test_who_warned_whom(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "Who warned whom about US troops in Central Asia?")
    line = answer.text
    assert any(actor in line for actor in ("Russia", "Moscow", "Ryabkov")), line
    assert any(target in line for target in ("United States", "Washington", "Americans")), line
    assert answer.citations[0].url.startswith("https://www.presstv.ir/")


def test_who_warned_the_us(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "Who warned the US against deploying troops in Central Asia?")
    assert any(actor in answer.text for actor in ("Russia", "Moscow", "Ryabkov")), answer.text


def test_which_countries_lavrov_named(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "Which countries did Lavrov name as members of the security pact?")
    for country in ("Kazakhstan", "Kyrgyzstan", "Tajikistan"):
        assert country in answer.text, answer.text
    assert_cites(answer, 8, "Lavrov")


def test_which_base_us_troops_vacated(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "Which base did US troops quietly vacate?")
    assert "Bagram" in answer.text, answer.text
    assert_cites(answer, 9, "Bagram")


def test_when_the_war_formally_ends(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "When is the formal end of the US war in Afghanistan?")
    assert "August 31" in answer.text, answer.text
    assert_cites(answer, 3, "August 31")


def test_the_unanswerable_is_declined(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "Who won the 2018 World Cup?")
    assert answer.abstained and not answer.citations
    assert "found nothing" in answer.text and "articles" in answer.text


def test_what_someone_did_needs_a_sentence_about_them(corpus_context: AnswerContext) -> None:
    # The article says much about the troops, nothing about Congress.
    answer = ask(corpus_context, "What did Congress do about the US troops in Central Asia?")
    assert answer.abstained and not answer.citations, answer.text
    # Lavrov is named, dinner is not.
    answer = ask(corpus_context, "What did Lavrov do for dinner?")
    assert answer.abstained and not answer.citations, answer.text
    answer = ask(corpus_context, "What happened to the Bagram Air Base?")
    assert_cites(answer, 9, "vacated Bagram Air Base")


def test_follow_up_uses_the_conversation(corpus_context: AnswerContext) -> None:
    first = ask(corpus_context, "Who warned the US against deploying troops in Central Asia?")
    history = [Turn(first.question, first.resolved_question, first.text)]
    follow = ask(corpus_context, "And what did Lavrov say?", history=history)
    assert "Central Asia" in follow.resolved_question or "troops" in follow.resolved_question
    assert not follow.abstained
    assert any("Lavrov" in c.paragraph_text for c in follow.citations)


def test_json_shape(corpus_context: AnswerContext) -> None:
    data = answer_to_json(ask(corpus_context, "Which base did US troops quietly vacate?"))
    assert isinstance(data["answer"], str) and data["abstained"] is False
    citation = data["citations"][0]
    for key in (
        "n",
        "article_id",
        "title",
        "source",
        "published",
        "url",
        "paragraph",
        "quote",
        "paragraph_text",
    ):
        assert key in citation
    assert isinstance(citation["paragraph"], int) and citation["paragraph"] >= 1
    passage = data["passages"][0]
    assert set(passage) >= {"text", "score", "article_id", "paragraphs"}
    assert data["timings_ms"]["total"] > 0


def test_multiple_choice_picks_the_supported_choice(corpus_context: AnswerContext) -> None:
    choices = ["Kandahar Airfield", "Bagram Air Base", "Shindand Air Base", "Camp Bastion"]
    pick = choose(
        corpus_context, "Which base did US troops vacate last week?", choices, as_of=AS_OF
    )
    assert choices[pick] == "Bagram Air Base"


def test_a_stated_view_answers_what_someone_thinks(corpus_context: AnswerContext) -> None:
    answer = ask(corpus_context, "What does Biden think about a unified government in Afghanistan?")
    assert_cites(answer, 11, "highly unlikely")


def test_what_someone_thinks_is_declined_when_no_sentence_states_it(
    corpus_context: AnswerContext,
) -> None:
    answer = ask(corpus_context, "What did Ryabkov think about the weather in Moscow?")
    assert answer.abstained and not answer.citations


def test_who_holds_a_view_is_answered_by_who_said_it(corpus_context: AnswerContext) -> None:
    # The view word of the question ("believes") is "said" in the news.
    answer = ask(
        corpus_context, "Who believes a US military presence near Afghanistan is unacceptable?"
    )
    assert "Ryabkov" in answer.text
    assert_cites(answer, 4, "is unacceptable")


def test_a_surname_is_answered_with_the_full_name_and_where_it_is_given(
    corpus_context: AnswerContext,
) -> None:
    # ¶4 says "Ryabkov said"; ¶2 introduces "Deputy Foreign Minister Sergei Ryabkov".
    answer = ask(
        corpus_context,
        "Who said the redeployment of US troops to countries neighboring Afghanistan is "
        "unacceptable?",
    )
    assert answer.text.startswith("Sergei Ryabkov"), answer.text
    assert answer.citations[0].paragraph == 4  # the sentence that answers comes first
    assert_cites(answer, 4, "is unacceptable")
    assert_cites(answer, 2, "Sergei Ryabkov")


@pytest.mark.parametrize(
    ("question", "line", "quoted"),
    [
        # "Who is NAME?": what the news says they are.
        (
            "Who is Ahmed Mohamed?",
            "Ahmed Mohamed, a 14-year-old boy from Irving, Texas [1]",
            "Ahmed Mohamed, a 14-year-old boy",
        ),
        (
            "who is william evans",
            "William Evans, president of the International Brotherhood of Magicians [1]",
            "spoke with William Evans, president",
        ),
        # "Who is the ROLE of X?": the name the role is given to, not the sentence's subject.
        (
            "Who is the president of the International Brotherhood of Magicians?",
            "William Evans [1]",
            "spoke with William Evans, president",
        ),
        # "How many people died": not "ten days" from a sentence with more of the words.
        ("How many people died in the Mecca crane collapse?", "107 [1]", "killing 107"),
    ],
)
def test_wikinews_questions(
    corpus_context: AnswerContext, question: str, line: str, quoted: str
) -> None:
    answer = ask(corpus_context, question, as_of=date(2024, 1, 1))
    assert answer.text.startswith(line), answer.text
    assert quoted in answer.citations[0].quote
    assert answer.citations[0].quote in answer.citations[0].paragraph_text


def one_article_context(
    tmp_path: Path, embedder, title: str, *paragraphs: str, published: str
) -> AnswerContext:
    """An answer context over an index of one article, built with the real model."""
    from index.build import build_index
    from index.store import open_index

    news = tmp_path / "news"
    write_article(news, "story.txt", title, *paragraphs, source="Example News", published=published)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    build_index(settings.corpus_paths, settings, embedder)
    return AnswerContext(open_index(settings.data_dir), embedder, settings)


def test_a_thing_of_the_kind_asked_for_is_the_answer_not_a_name(
    tmp_path: Path, real_embedder
) -> None:
    ctx = one_article_context(
        tmp_path,
        real_embedder,
        "World Lupus Day brings supporters out",
        "Thousands of supporters across Europe and America wore purple on Wednesday to show "
        "their support for people living with lupus on World Lupus Day.",
        "The Lupus Foundation of America said the day raises awareness of the disease.",
        published="2023-05-11",
    )
    answer = ask(
        ctx,
        "People showed their support for World Lupus Day by wearing which color?",
        as_of=date(2023, 5, 12),
    )
    assert answer.text.startswith("purple"), answer.text
    assert "wore purple" in answer.citations[0].quote


def test_of_the_names_a_sentence_gives_the_one_of_the_kind_asked_for_answers(
    tmp_path: Path, real_embedder
) -> None:
    ctx = one_article_context(
        tmp_path,
        real_embedder,
        "Tech layoffs spread",
        "Wave of layoffs: Amazon said on Wednesday that it will cut 18,000 jobs, the latest "
        "tech giant to announce significant layoffs.",
        published="2023-01-05",
    )
    answer = ask(
        ctx,
        "Which company is the latest tech giant to announce significant layoffs?",
        as_of=date(2023, 1, 6),
    )
    assert answer.text.startswith("Amazon"), answer.text  # a company, not "Wave"
