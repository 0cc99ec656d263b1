"""What a "how much" question measures (money, weight), and whether a span carries that measure's
unit: "three" is no cost, "238" no weight. Word lists: data/measures.toml."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.language.en.lexicon import table

_WORDS = table("measures")


class Measure(StrEnum):
    MONEY = "money"
    WEIGHT = "weight"


_ASKED = {
    Measure.MONEY: frozenset(_WORDS["money_asked"]),
    Measure.WEIGHT: frozenset(_WORDS["weight_asked"]),
}
_HOW_MUCH = re.compile(r"\bhow much\b|\bwhat (?:amount|sum)\b", re.I)
_SYMBOL = "[" + re.escape(_WORDS["currency_symbols"]) + "]"


def _words(name: str) -> str:
    return "|".join(sorted(map(re.escape, _WORDS[name]), key=len, reverse=True))


_UNIT = {
    Measure.MONEY: re.compile(rf"{_SYMBOL}|\b(?:{_words('money_units')})\b", re.I),
    Measure.WEIGHT: re.compile(rf"\d\s?(?:{_words('weight_units')})\b", re.I),
}
# Around a number: the currency symbol (and country code) before it; its scale and unit word
# after it ("26 million", "422,000 euros", "30 tonnes"; the match may be empty).
_CURRENCY_BEFORE = re.compile(rf"(?:\b[A-Z]{{1,3}}\s?)?{_SYMBOL}\s?$")
_CODE_BEFORE = re.compile(r"\b[A-Z]{1,3}\s?$")
_SYMBOL_FIRST = re.compile(rf"{_SYMBOL}\s?\d")
UNIT_AFTER = re.compile(
    r"^(?:\s+(?:thousand|million|billion|trillion)\b)?"
    rf"(?:\s*(?:{_words('money_units')}|{_words('weight_units')})\b)?",
    re.I,
)


def currency_before(before: str, span: str) -> int:
    """How far a sum's span reaches back for its currency: "20,000" and "$ 20,000" of "US$ 20,000"
    both to "US"; 0 when nothing is there."""
    if span[:1].isdigit():
        m = _CURRENCY_BEFORE.search(before)
    elif _SYMBOL_FIRST.match(span):
        m = _CODE_BEFORE.search(before)
    else:
        return 0
    return len(before) - m.start() if m else 0


def measure_asked(question: str) -> Measure | None:
    """Money for "how much did it cost", weight for "how much did it weigh", else None."""
    if not _HOW_MUCH.search(question):
        return None
    words = set(re.findall(r"[a-z]+", question.casefold()))
    for measure, asked in _ASKED.items():
        if words & asked:
            return measure
    return None


def carries(text: str, measure: Measure) -> bool:
    """Does the span name the measure's unit ("US$ 20,000", "30 tonnes")?"""
    return bool(_UNIT[measure].search(text))
