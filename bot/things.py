"""Answers that are things, not names: "which color" -> "purple", "which animal" -> "snake".

A question whose kind word names a class of common things (colors, animals, foods, products,
"which type of X") is answered in lower case as often as not, where the name vote finds only
capitalised words ("Thousands", "Researchers"). Its candidates are the sentence's words and
word pairs, typed by their embedding's cosine to the kind ("purple" is near "color").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.search import STOPWORDS, query_terms

# Kinds whose members news names in lower case. Person, company, team or work kinds are
# answered by names and are not here.
_THING_KINDS = (
    r"colou?rs?|animals?|species|seeds?|foods?|items?|ingredients?|products?|chemicals?"
    r"|substances?|symbols?|nutrients?|drinks?|beverages?|fruits?|vegetables?|plants?|insects?"
    r"|creatures?|diseases?|materials?|dish(?:es)?|snacks?|flavou?rs?|flowers?|trees?|pets?"
    r"|breeds?|crops?|birds?|fish|sightings?"
)
# The kind ends the asked-for phrase: a verb, a preposition or the question's end follows
# ("which food product were", not "which fast food chain").
_ENDS = (
    r"(?=\s+(?:is|are|was|were|be|been|has|have|had|did|does|do|will|would|can|could|that|to"
    r"|in|of|on|at|from|for|by|with|named|called|after|over|as)\b|\s*[?,.;:])"
)
# "which type of renewable energy": the words after "of".
_TYPE_OF = r"(?:type|kind|sort)s?\s+of\s+(?:[\w-]+\s+){0,2}?[\w-]+"
_THING_HEAD = re.compile(
    rf"\b(?:which|what)\s+({_TYPE_OF}|(?:[\w-]+\s+){{0,2}}?(?:{_THING_KINDS})){_ENDS}", re.I
)
_TYPE_WORDS = re.compile(r"^(?:type|kind|sort)s?\s+of\s+", re.I)
# Words for the class itself, never a member of it ("animals", "foods", "products").
_CLASS_WORDS = frozenset("anima speci food produ item type kind".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words before a kind word that say which one, not what it is ("third animal", "new species").
_NOT_MODIFIER = frozenset(
    "first second third fourth fifth last next new other same only another many several"
    " certain different whole entire main major key common".split()
)
# Verb and adverb forms ("cooked", "eating", "recently") name no thing.
_NOT_THING = re.compile(r"(?:ed|ing|ly)$")

MIN_KIND_COSINE = 0.5  # a thing at least this near the kind, measured on dev
KIND_MARGIN = 0.1  # and this much nearer than the name the vote found


def thing_kind(question: str) -> str | None:
    """The class of things a question asks for ("which cooking ingredient" -> "cooking
    ingredient", "what type of product" -> "product"), or None for a kind that names have."""
    m = _THING_HEAD.search(question)
    return _TYPE_WORDS.sub("", m.group(1)).lower() if m else None


def _stem(word: str) -> str:
    """Enough of a word to match its plural: "seeds" and "seed", "species" and "specie"."""
    return word.lower().removesuffix("s")[:5]


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


def thing_candidates(sentence: str, question: str) -> list[str]:
    """The sentence's content words, and pairs of them, that the question does not use."""
    asked = _asked(question)
    words = list(_WORD.finditer(sentence))
    keep = [_content(m.group(0), asked) for m in words]
    out: list[str] = []
    for i, m in enumerate(words):
        if not keep[i]:
            continue
        out.append(m.group(0))
        if i + 1 < len(words) and keep[i + 1] and sentence[m.end() : words[i + 1].start()] == " ":
            out.append(sentence[m.start() : words[i + 1].end()])
    return out


def kind_member(kind: str, sentence: str, question: str) -> str | None:
    """A lower-case word the question does not use right before the kind word itself:
    "sesame seeds" for "which seed"."""
    last = _stem(kind.split()[-1])
    asked = _asked(question)
    # (A lookahead: each word may be the modifier of the next.)
    for m in re.finditer(r"\b([a-z][a-z-]{2,})(?=\s+([A-Za-z]+)\b)", sentence):
        modifier = m.group(1)
        if (
            _stem(m.group(2)) == last
            and modifier not in STOPWORDS | _NOT_MODIFIER
            and _stem(modifier) not in asked
        ):
            return sentence[m.start() : m.end(2)]
    return None


def best_thing(
    candidates: Sequence[str], cosines: Sequence[float], name_cosine: float, name: str
) -> str | None:
    """The candidate nearest the kind, when it is near enough and nearer than the name the
    vote found by a margin (and not a piece of that name: "Shepherd" of "German Shepherd")."""
    if not candidates:
        return None
    best = max(range(len(candidates)), key=lambda i: cosines[i])
    text = candidates[best]
    if cosines[best] < MIN_KIND_COSINE or cosines[best] < name_cosine + KIND_MARGIN:
        return None
    return None if text.lower() in name.lower() else text
