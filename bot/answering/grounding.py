"""Grounding: a language model's reply is only a claim until its words are found in the text
it read. Pure functions over text; case, curly quotes, dashes and runs of spaces do not count
as differences, anything else does."""

from __future__ import annotations

import re

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
# A space after one of these, before a digit, is no difference: "$20,000" stands in "US$ 20,000".
_CURRENCY = "$€£¥₹"
# What a reply may carry around the phrase it copied: quotes, brackets, a closing full stop.
_EDGES = " \t\n\"'“”‘’«»()[]*`.,;:!?"
# A small number the model writes in digits may stand in words, and the reverse: "8 years" is
# grounded by "eight years" (shown as the paragraph spells it). Not "one": a pronoun as often.
_NUMBER_WORDS = dict(
    (word, str(n))
    for n, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split(),
        start=2,
    )
)
_IN_WORDS = {digits: word for word, digits in _NUMBER_WORDS.items()}
_LEADING_WORD = re.compile(r"^(\w+)\b(.*)$", re.S)


def _respelt(phrase: str) -> str | None:
    """`phrase` with its leading small number in the other spelling ("8 years" -> "eight
    years", "Five" -> "5"), or None when it opens with none."""
    m = _LEADING_WORD.match(phrase)
    if m is None:
        return None
    word, rest = m.groups()
    other = _IN_WORDS.get(word) or _NUMBER_WORDS.get(word.lower())
    return other + rest if other else None


def folded(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased with quotes and dashes unified and each run of white space one
    space (none between a currency symbol and its number), and for every character of that the
    offset of the character it came from."""
    out: list[str] = []
    at: list[int] = []
    space = False
    for i, c in enumerate(text):
        if c.isspace():
            rest = text[i:].lstrip()
            if out and out[-1] in _CURRENCY and rest[:1].isdigit():
                continue
            if out and not space:
                out.append(" ")
                at.append(i)
            space = True
            continue
        space = False
        for f in c.lower().translate(_FOLD):
            out.append(f)
            at.append(i)
    if out and out[-1] == " ":
        out.pop()
        at.pop()
    return "".join(out), at


def locate(phrase: str, text: str) -> tuple[int, int] | None:
    """Where `phrase` stands in `text` (start, end offsets), or None. A reply's full stop or
    quotes around the phrase are not part of it ("U.S." keeps its stops where the text has
    them), and a small number may be spelt either way."""
    hay, at = folded(text)
    trimmed = (phrase.strip(), phrase.strip(_EDGES))
    respelt = (r for t in trimmed if (r := _respelt(t)) is not None)
    for candidate in dict.fromkeys((*trimmed, *respelt)):
        needle, _ = folded(candidate)
        if not any(c.isalnum() for c in needle):
            continue
        start = hay.find(needle)
        while start >= 0:
            end = start + len(needle)
            if _whole_words(hay, start, end):
                return at[start], at[end - 1] + 1
            start = hay.find(needle, start + 1)
    return None


def _whole_words(hay: str, start: int, end: int) -> bool:
    """Does hay[start:end] begin and end at word edges ("Ten" is no phrase of "Tennessee")?"""
    before = start == 0 or not (hay[start - 1].isalnum() and hay[start].isalnum())
    after = end == len(hay) or not (hay[end].isalnum() and hay[end - 1].isalnum())
    return before and after
