"""Apposition in news sentences: who someone is ("Tina McKenzie, a former member of ...") and who
holds a role ("William Evans, president of ...")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.language.en.extract import normalise
from bot.language.en.places import is_place

# What a name is said to be, after its comma or "is": "a 14-year-old boy from Irving, Texas",
# "the vice chairman of the Central Committee", "Apple's chief executive".
_APPOSITIVE = re.compile(
    r"(?:,\s+|\s+(?:is|was)\s+)((?:a|an|the|former|his|her|its|their|[A-Z][\w.&-]*['’]s"
    r"|(?!(?:and|or|but|nor|who|which|whose|where|when|that|this|these|those|then|also|as|if"
    r"|because|while|after|before|since|so|though|although|even|not|to|in|on|at|for|with|by"
    r"|from|however|meanwhile|said|says)\b)[a-z][\w-]*"
    r"(?<!ly)(?=\s+\w))\b[^,;:()\"“”—]*)"
    r"(?:,\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)(?=[,.]))?"
)
# A clause, not a description: "Trump, the White House said".
_CLAUSE = re.compile(r"\b(?:said|says|told|reported|added|wrote|was|is|are|has|had|will|would)\b")
_FULL_STOP = re.compile(r"(?<!\.[A-Z])\.$")  # not the dot of "U.S."
_RELATIVE = re.compile(r"\s+(?:who|which|that|whose)\b.*")

APPOSITION_REACH = 4  # words of a name's description in which the role it holds may stand


def described_as(after: str, role: Iterable[str]) -> bool:
    """Does the text after a name give it the role asked for ("William Evans, president of
    ...", "Kim Yong Chol, the vice chairman of ...")? Not a clause: "USA TODAY Sports, that
    makes the quarterback ..."."""
    m = _APPOSITIVE.match(after)
    if m is None:
        return False
    words = [normalise(w)[:5] for w in m.group(1).split()[:APPOSITION_REACH]]
    return any(r[:5] in words for r in role)


# What a name is said to be before its comma, when the name ends the clause: "interviewed the
# site's founder, Jack Herrick."
_APPOSITIVE_BEFORE = re.compile(r"\b((?:the|a|an|its|his|her|their)\s+[^,;:()\"“”—]+?),\s*$", re.I)
_PREPOSITIONS = frozenset(
    "after before during in on at with from for by to of since until like about into over under"
    " among between against without within".split()
)
_CLAUSE_END = re.compile(r"\s*(?:[.,;)]|$)")


def who_is(name: str, sentence: str) -> str | None:
    """`name` as `sentence` spells it, with what the sentence says it is ("Ahmed Mohamed, a
    14-year-old boy from Irving, Texas, was arrested" -> "Ahmed Mohamed, a 14-year-old boy from
    Irving, Texas"), or None."""
    found = re.search(rf"\b{re.escape(name)}\b", sentence, re.I)
    if found is None:
        return None
    m = _APPOSITIVE.match(sentence, found.end())
    if m is None:
        before = _APPOSITIVE_BEFORE.search(sentence[: found.start()])
        if before is None or not _CLAUSE_END.match(sentence, found.end()):
            return None
        said = before.group(1)
        # Not a prepositional phrase: "After the meeting, Jack Herrick ...".
        preceding = sentence[: before.start()].split()[-1:]
        if _CLAUSE.search(said) or (preceding and preceding[0].lower() in _PREPOSITIONS):
            return None
        return f"{found.group(0)}, {said}"
    said = _RELATIVE.sub("", m.group(1)).strip()
    if _CLAUSE.search(said):
        return None
    # A place's state or country after its comma belongs to it ("Irving, Texas").
    if m.group(2) and is_place(m.group(2)) and said == m.group(1).strip():
        said = f"{said}, {m.group(2)}"
    return f"{found.group(0)}, {_FULL_STOP.sub('', said)}"
