"""Answer candidates found by rule: names, numbers, dates; fuller names and their forms."""

from __future__ import annotations

from bot.language.en.extract import (
    candidates,
    fuller_name,
    holds,
    in_question,
    is_fuller,
    name_lists,
    names,
    with_quotes,
)

RYABKOV = (
    "Russian Deputy Foreign Minister Sergei Ryabkov said on Tuesday that Moscow warned Washington."
)


def test_names_are_capitalised_runs_with_their_titles() -> None:
    assert [c.text for c in names(RYABKOV)] == [
        "Russian Deputy Foreign Minister Sergei Ryabkov",
        "Moscow",
        "Washington",
    ]


def test_numbers_and_dates_by_the_kind_asked_for() -> None:
    sentence = "At least 107 people were killed and 238 injured on 11 September 2015."
    assert [c.text for c in candidates(sentence, "number")][:2] == ["107", "238"]
    assert [c.text for c in candidates("The crane fell on 11 September 2015.", "when")] == [
        "11 September 2015"
    ]


def test_a_surname_gets_the_full_name_the_text_gives() -> None:
    assert fuller_name("Ryabkov", [RYABKOV]) == "Sergei Ryabkov"
    assert fuller_name("Ryabkov", ["Ryabkov said."]) == "Ryabkov"
    assert is_fuller("Sergei Ryabkov", "Ryabkov")
    assert not is_fuller("Ryabkov Street", "Ryabkov")  # a street named for him is not him


def test_titles_keep_their_quotes_and_phrases_match_whole_words() -> None:
    assert with_quotes("Angel Catbird", ['her graphic novel "Angel Catbird" sold']) == (
        '"Angel Catbird"'
    )
    assert holds("Gwyneth Paltrow said", "Paltrow")
    assert not holds("Paltrowski said", "Paltrow")
    assert in_question("Moscow", "Did Moscow warn the US?")
    assert not in_question("Ryabkov", "Did Moscow warn the US?")


def test_lists_of_names() -> None:
    assert name_lists("Sweden, Belgium and England won on Monday.") == [
        ["Sweden", "Belgium", "England"]
    ]
