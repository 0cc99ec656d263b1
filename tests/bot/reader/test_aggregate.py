"""One answer from the reader's spans: the same span in more stories counts more."""

from __future__ import annotations

from bot.reader.aggregate import STORY_BONUS, aggregate, key, tidy, window
from bot.reader.model import Reading


def reading(context: int, text: str, margin: float) -> Reading:
    return Reading(context, 0, len(text), text, margin, 0.0)


def test_spans_that_are_one_answer_share_a_key() -> None:
    assert key("the Taliban,") == key("Taliban") == "taliban"
    assert tidy("“Sergei Ryabkov”.") == "Sergei Ryabkov"


def test_a_span_in_more_stories_beats_a_slightly_better_one_in_one() -> None:
    windows = [
        window("T", "Moscow warned Washington.", "Moscow warned Washington.", s)
        for s in ("s1", "s2", "s2", "s3")
    ]
    readings = [
        reading(0, "Moscow", 2.0),
        reading(1, "Moscow", 1.5),
        reading(2, "Washington", 2.5),
        reading(3, "Kabul", -1.0),  # below the floor: no answer there
    ]
    found = aggregate(readings, windows, floor=0.0)
    assert [f.text for f in found] == ["Moscow", "Washington"]
    assert found[0].windows == (0, 1) and found[0].score == 2.0 + STORY_BONUS
    # Two windows of one story are one vote.
    assert found[1].score == 2.5


def test_the_window_is_the_paragraph_around_its_sentence_with_the_title() -> None:
    w = window("Title", "First. The sentence. Last.", "The sentence.", "s")
    assert w.context == "Title | First. The sentence. Last." and w.sentence == "The sentence."
