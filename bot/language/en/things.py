"""Answers that are things, not names: "which color" -> "purple", "which animal" -> "snake".

A question whose kind word names a class of common things (colors, animals, foods, products,
"which type of X") is answered by a common noun as often as not, where the name vote finds
only capitalised words ("Thousands", "Researchers"). Its candidates are the sentence's words
and word pairs, typed by their embedding's cosine to the kind ("purple" is near "color").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.language.en.extract import holds, normalise
from index.search import STOPWORDS, query_terms

# Kinds whose members news names by common nouns. Person, company, team or work kinds are
# answered by names and are not here.
_THING_WORDS = (
    "color colour animal species seed food item ingredient product chemical substance symbol"
    " nutrient drink beverage fruit vegetable plant insect creature disease material dish"
    " snack flavor flavour flower tree pet breed crop bird fish"
).split()
_THING_KINDS = "|".join(rf"{w}(?:e?s)?" for w in _THING_WORDS)
# The kind ends the asked-for phrase: a verb, a preposition or the question's end follows
# ("which food product were", "which animal escaped", not "which fast food chain").
_ENDS = (
    r"(?=\s+(?:is|are|was|were|be|been|has|have|had|did|does|do|will|would|can|could|that|to"
    r"|in|of|on|at|from|for|by|with|named|called|after|over|as|[a-z]+ed)\b|\s*[?,.;:]|\s*$)"
)
# Up to two lower-case words qualify the kind ("which cooking ingredient"); a capitalised one
# makes it a brand's ("which Apple products": names), and "which of these animals" asks for
# one of a list.
_QUALIFIER = r"(?:(?!(?:of|the|these|those|a|an|this|that)\b)(?-i:[a-z])[\w-]*\s+)"
# "which type of renewable energy": the words after "of".
_TYPE_OF = r"(?:type|kind|sort)s?\s+of\s+(?:[\w-]+\s+){0,2}?[\w-]+"
_THING_HEAD = re.compile(
    rf"\b(?:which|what)\s+({_TYPE_OF}|{_QUALIFIER}{{0,2}}?(?:{_THING_KINDS})){_ENDS}", re.I
)
_TYPE_WORDS = re.compile(r"^(?:type|kind|sort)s?\s+of\s+", re.I)
# A word, letters first (digits and hyphens inside: "H5N1", "COVID-19"), without a possessive.
_WORD = re.compile(r"[^\W\d_]\w*(?:-\w+)*(?:['’]\w+)?")
_POSSESSIVE = re.compile(r"['’]s$")
# Verb and adverb forms ("cooked", "eating", "recently") name no thing; "red", "seed" and
# "king" are too short to be such forms.
_NOT_THING = re.compile(r"(?<=[a-z]{3})(?:ed|ing)$|(?<=[a-z]{4})ly$")
# Words before a kind word that say which one, not what it is ("third animal", "new species").
_NOT_MODIFIER = frozenset(
    "first second third fourth fifth last next new other same only another many several"
    " certain different whole entire main major key common".split()
)

MIN_KIND_COSINE = 0.5  # a thing at least this near the kind, measured on dev
KIND_MARGIN = 0.1  # and this much nearer than the name the vote found


def thing_kind(question: str) -> str | None:
    """The class of things a question asks for ("which cooking ingredient" -> "cooking
    ingredient", "what type of product" -> "product"), or None for a kind that names have."""
    m = _THING_HEAD.search(question)
    return _TYPE_WORDS.sub("", m.group(1)).lower() if m else None


def _stem(word: str) -> str:
    """Enough of a word to match its plural: "seeds" and "seed", "species" and "specie"."""
    return normalise(word).removesuffix("s")[:5]


# Words for a class itself, never a member of it ("animals", "foods", "products").
_CLASS_WORDS = frozenset(_stem(w) for w in [*_THING_WORDS, "type", "kind", "sort"])


def _asked(question: str) -> set[str]:
    return {_stem(t) for t in query_terms(question)}


def _content(word: str, asked: set[str]) -> bool:
    low = word.lower()
    return (
        len(low) > 2
        and low not in STOPWORDS
        and _stem(low) not in asked | _CLASS_WORDS
        and not _NOT_THING.search(low)
    )


def _words(sentence: str) -> list[tuple[str, int, int]]:
    """The sentence's words as (text, start, end), possessives cut off ("snake's": "snake")."""
    out = []
    for m in _WORD.finditer(sentence):
        text = _POSSESSIVE.sub("", m.group(0))
        out.append((text, m.start(), m.start() + len(text)))
    return out


def thing_candidates(sentence: str, question: str) -> list[str]:
    """The sentence's content words, and pairs of them, that the question does not use."""
    asked = _asked(question)
    words = _words(sentence)
    keep = [_content(w, asked) for w, _, _ in words]
    out: list[str] = []
    for i, (word, start, end) in enumerate(words):
        if not keep[i]:
            continue
        out.append(word)
        if i + 1 < len(words) and keep[i + 1] and sentence[end : words[i + 1][1]] == " ":
            out.append(sentence[start : words[i + 1][2]])
    return out


def kind_member(kind: str, sentence: str, question: str) -> str | None:
    """A content word the question does not use right before the kind word itself, in lower
    case: "sesame seeds" for "which seed" (not "western Colorado" for "which color")."""
    last = kind.split()[-1]
    forms = {last, f"{last}s", f"{last}es"}
    asked = _asked(question)
    words = _words(sentence)
    for (modifier, start, _), (word, _, end) in pairwise(words):
        if (
            word in forms
            and modifier.islower()
            and modifier not in _NOT_MODIFIER
            and _content(modifier, asked)
        ):
            return sentence[start:end]
    return None


def best_thing(
    candidates: Sequence[str], cosines: Sequence[float], name_cosine: float, name: str
) -> str | None:
    """The candidate nearest the kind that is near enough and nearer than the name the vote
    found by a margin, and not a word of that name ("Shepherd" of "German Shepherd")."""
    for i in sorted(range(len(candidates)), key=lambda i: -cosines[i]):
        if cosines[i] < max(MIN_KIND_COSINE, name_cosine + KIND_MARGIN):
            return None
        if not holds(name, candidates[i]):
            return candidates[i]
    return None
