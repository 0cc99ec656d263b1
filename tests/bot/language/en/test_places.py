"""Places from the GeoNames gazetteer (offline): countries, US states, cities, continents."""

from __future__ import annotations

from bot.language.en.places import (
    continents_asked,
    is_place,
    load_gazetteers,
    names_place,
    on_continent,
    place_in,
)
from bot.language.en.questions import Subtype

load_gazetteers()


def test_a_place_of_the_kind_asked_for() -> None:
    assert place_in("France", Subtype.COUNTRY) == "France"
    assert place_in("Texas", Subtype.US_STATE) == "Texas"
    assert place_in("Ukraine President Volodymyr Zelensky", Subtype.COUNTRY) == "Ukraine"
    assert place_in("Washington Post", Subtype.US_STATE) is None  # an institution, not a state
    assert place_in("New Mexico", Subtype.COUNTRY) is None  # not "Mexico"


def test_names_that_are_places() -> None:
    assert is_place("France") and not is_place("Ryabkov")
    assert names_place("New York City")
    assert names_place("Tuscaloosa, Alabama")


def test_continents() -> None:
    assert continents_asked("Which European country?") == frozenset({"EU"})
    assert on_continent("Kenya", frozenset({"AF"}))
    assert not on_continent("France", frozenset({"AF"}))
