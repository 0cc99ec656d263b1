"""Who someone is, from an apposition in a sentence ("X, a former member of ...")."""

from __future__ import annotations

from bot.language.en.apposition import who_is


def test_who_is_reads_the_apposition() -> None:
    sentence = "Sergei Ryabkov, a deputy foreign minister of Russia, said that."
    assert who_is("Ryabkov", sentence) == "Ryabkov, a deputy foreign minister of Russia"
    assert who_is("Ryabkov", "Ryabkov said that.") is None
    assert who_is("Lavrov", sentence) is None
