"""Grounding: a reply's words must stand in the text, whatever its quotes, dashes or case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.answering.grounding import folded, locate

TEXT = "Russia’s deputy foreign minister,  Sergei Ryabkov, warned the U.S. — on Tuesday. Tennessee"


def found(phrase: str) -> str | None:
    at = locate(phrase, TEXT)
    return None if at is None else TEXT[at[0] : at[1]]


def test_case_quotes_dashes_and_spaces_do_not_count() -> None:
    assert found("sergei ryabkov") == "Sergei Ryabkov"
    assert found("Russia's deputy") == "Russia’s deputy"
    assert found("U.S. - on") == "U.S. — on"
    assert found("minister, Sergei") == "minister,  Sergei"


def test_a_replys_quotes_and_full_stop_are_not_its_words() -> None:
    assert found('"Sergei Ryabkov."') == "Sergei Ryabkov"
    assert found("the U.S.") == "the U.S."  # its own stops stay where the text has them


def test_words_the_text_does_not_hold_are_no_answer() -> None:
    assert found("Moscow") is None
    assert found("Sergey Ryabkov") is None
    assert found("") is None and found(" . ") is None


def test_a_phrase_is_whole_words() -> None:
    assert found("Ten") is None  # not the start of "Tennessee"
    assert found("ennessee") is None
    assert found("tennessee.") == "Tennessee"


@given(st.text(min_size=1, max_size=40), st.integers(0, 39), st.integers(1, 40))
def test_every_offset_maps_back_into_the_text(text: str, a: int, n: int) -> None:
    flat, at = folded(text)
    assert len(flat) == len(at)
    assert all(0 <= i < len(text) for i in at)
    assert at == sorted(at)
    piece = text[a : a + n]
    where = locate(piece, text)
    if where is not None:  # what it found is the phrase, as folded
        assert folded(text[where[0] : where[1]])[0] in folded(piece)[0]


def test_a_currency_symbol_and_its_number_may_stand_apart() -> None:
    text = "He was released on bail of US$ 20,000 on Friday."
    at = locate("$20,000", text)
    assert at is not None and text[at[0] : at[1]] == "$ 20,000"
    assert locate("US$20,000", text) is not None
    assert locate("$ 20", "a $ 20 note") is not None and locate("US 20", text) is None


def test_a_small_number_may_be_spelt_either_way() -> None:
    text = "She led the party for eight years and won 5 elections."
    assert locate("8 years", text) == (text.index("eight"), text.index(" and"))
    assert locate("Five", text) == (text.index("5"), text.index("5") + 1)
    # "one" is a pronoun as often as a number, and a bigger number stays as written.
    assert locate("1", "One of them left.") is None
    assert locate("eighty", "It cost 80 dollars.") is None
