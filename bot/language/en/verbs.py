"""The verb a "who VERB ..." question asks about, and whether a sentence says it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.language.en.lexicon import table
from bot.language.en.questions import (
    AUXILIARIES,
)
from index.search import (
    query_terms,
)


def asked_verb(question: str) -> str | None:
    """The verb of a "who VERB ..." question ("won" in "Who won the World Cup?")."""
    m = re.search(r"\bwho\s+(\w+)", question, re.I)
    if m is None or m.group(1).lower() in AUXILIARIES:
        return None
    return m.group(1).lower()


_VERBS = table("verbs")  # bot/language/en/data/verbs.toml
# Irregular past forms, so "Who won" finds "wins" and "Who leads" finds "led".
IRREGULAR: dict[str, str] = _VERBS["irregular"]
# Verbs news reports in other words ("Who requested X": "prosecutors asked for X").
_SAME_SENSE: tuple[tuple[str, ...], ...] = tuple(tuple(f) for f in _VERBS["same_sense"])


def verb_stems(verb: str) -> set[str]:
    base = IRREGULAR.get(verb, verb)
    bases = {base} | {w for family in _SAME_SENSE if _base_in(base, family) for w in family}
    forms = {verb} | bases | {k for k, v in IRREGULAR.items() if v in bases}
    return {f[:4] if len(f) > 4 else f for f in forms}


def _base_in(base: str, family: Sequence[str]) -> bool:
    """ "requested" and "decides" belong to the families of "request" and "decide"."""
    return any(base.startswith(w[:4]) for w in family)


def mentions_verb(sentence: str, verb: str) -> bool:
    stems = verb_stems(verb)
    return any(w.lower().startswith(tuple(stems)) for w in re.findall(r"\w+", sentence))


OBJECT_REACH = 8  # words after the verb in which the question's object must show up


def says_verb_of(sentence: str, verb: str, question: str) -> bool:
    """The sentence has the question's verb followed by its object: "Who won the 2018 World
    Cup?" is not answered by "Harry Kane won the Budweiser Man of the Match"."""
    stems = tuple(verb_stems(verb))
    after = question.lower().split(verb, 1)[-1]
    wanted = {t[:5] for t in query_terms(after)}
    words = [w.lower() for w in re.findall(r"\w+", sentence)]
    for i, word in enumerate(words):
        if word.startswith(stems):
            following = {w[:5] for w in words[i + 1 : i + 1 + OBJECT_REACH]}
            if not wanted or wanted & following:
                return True
    return False
