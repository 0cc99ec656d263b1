"""The training set: questions asked of other stories' sentences, and "no answer" pairs."""

from __future__ import annotations

from bot.reader.dataset import WINDOW_WORDS, _around, context_of, examples
from index.ingest.articles import Article


def article(key: str, title: str, *paragraphs: str) -> Article:
    return Article(key=key, title=title, paragraphs=paragraphs)


ARTICLES = [
    article(
        "a",
        "Crane collapse kills 107 in Mecca",
        "At least 107 people were killed when a crane collapsed at the Grand Mosque in Mecca.",
        "Officials blamed strong winds for the collapse of the crane on Friday.",
    ),
    article(
        "b",
        "Storm topples crane at Grand Mosque",
        "The crane that collapsed at the Grand Mosque killed 107 worshippers, officials said.",
        "Saudi officials said the death toll could rise as rescue work continued.",
    ),
    article(
        "c",
        "Fan Expo Canada draws crowds in Toronto",
        "Fan Expo Canada was held in Toronto over four days and drew many visitors.",
        "Visitors were killed by nothing but boredom at the crane exhibition, officials joked.",
    ),
]


def test_a_window_keeps_its_sentence_within_the_word_limit() -> None:
    paragraph = " ".join(f"w{i}" for i in range(200)) + " The answer is here. " + "x " * 200
    at = paragraph.index("The answer")
    window = _around(paragraph, at, at + len("The answer is here."))
    assert "The answer is here." in window and len(window.split()) <= WINDOW_WORDS
    assert context_of("Title", "text") == "Title | text" and context_of("", "text") == "text"


def test_questions_are_asked_of_other_stories_and_of_none() -> None:
    made = examples(ARTICLES, 200, seed=1)
    assert made == examples(ARTICLES, 200, seed=1)  # reproducible for a seed
    for e in made:
        if e.answer:
            assert e.context[e.start : e.start + len(e.answer)] == e.answer
        else:
            assert e.start == -1
    paired = [e for e in made if e.paired and e.answer == "107"]
    # Asked of story a's sentence, answered in story b's (or the other way round).
    assert paired and all("107" in e.context for e in paired)
    negatives = [e for e in made if not e.answer]
    assert negatives and all(n.kind for n in negatives)
