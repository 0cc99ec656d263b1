"""Fine-tuning examples from real questions: answer windows of the gold articles, and
no-answer windows of the other articles a question retrieved."""

from __future__ import annotations

from bot.reader.tuning import mixed, question_examples
from index.ingest.articles import Article


def article(key: str, title: str, *paragraphs: str) -> Article:
    return Article(key=key, title=title, paragraphs=tuple(paragraphs), source="s", published="")


def test_question_examples_find_the_answer_window_and_a_negative() -> None:
    gold = article("g", "Hamlin update", "The Buffalo Bills player improved on Thursday.")
    other = article("o", "Weather", "Snow fell across the state.", "Roads closed early.")
    record = {
        "question": "Hamlin plays for which team?",
        "answer": "buffalo bills",
        "gold_doc_ids": ["g"],
        "retrieved_doc_ids": ["g", "o", "missing"],
    }
    rows = question_examples([record], {"g": gold, "o": other})
    positive = [r for r in rows if r.answer]
    negative = [r for r in rows if not r.answer]
    assert len(positive) == 1 and len(negative) == 1
    p = positive[0]
    # The answer as the text writes it, at its offset in the window (not the title).
    assert p.answer == "Buffalo Bills" and p.context[p.start :].startswith("Buffalo Bills")
    assert negative[0].start == -1
    assert "Snow" in negative[0].context or "Roads" in negative[0].context


def test_a_question_without_its_article_gives_nothing() -> None:
    record = {"question": "Q?", "answer": "A", "gold_doc_ids": ["x"], "retrieved_doc_ids": []}
    assert question_examples([record], {}) == []


def test_mixed_keeps_every_example() -> None:
    rows = question_examples(
        [{"question": "Who?", "answer": "Ann", "gold_doc_ids": ["g"], "retrieved_doc_ids": []}],
        {"g": article("g", "T", "Ann won.")},
    )
    assert sorted(map(repr, mixed(rows, rows))) == sorted(map(repr, rows + rows))
