"""From the reader's spans in several windows to one answer: the same span found in several
stories counts more (news repeats facts across outlets: AskMSR-style redundancy)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.reader.dataset import _around, context_of
from bot.reader.model import Reading

# Each further story whose window gives the same span adds this to the best margin; measured on
# the RealTimeQA dev questions (docs/reader.md).
STORY_BONUS = 1.0
_EDGES = re.compile(r"^(?:the|a|an)\s+|[\s,.;:!?\"'“”‘’()]+$|^[\s\"'“‘(]+", re.I)


@dataclass(frozen=True)
class Window:
    """What the reader reads for one evidence sentence, and whose story it is."""

    context: str
    story: str  # the article (a near-duplicate copy counts as its story)
    sentence: str


@dataclass(frozen=True)
class Found:
    """An answer the reader gives: its text, the windows that give it (best first), the best
    margin and the margin with the bonus for every further story."""

    text: str
    windows: tuple[int, ...]
    margin: float
    score: float


def window(title: str, paragraph: str, sentence: str, story: str) -> Window:
    """The window of `paragraph` around `sentence` (as in training), its title first."""
    at = paragraph.find(sentence)
    text = _around(paragraph, at, at + len(sentence)) if at >= 0 else sentence
    return Window(context_of(title, text), story, sentence)


def tidy(text: str) -> str:
    """A span without the article before it and the punctuation around it."""
    previous = None
    while previous != text:
        previous, text = text, _EDGES.sub("", text)
    return text


def key(text: str) -> str:
    """Spans that are one answer ("the Taliban", "Taliban,") share a key."""
    return tidy(text).casefold()


def aggregate(readings: Sequence[Reading], windows: Sequence[Window], floor: float) -> list[Found]:
    """The answers of the readings whose margin is above `floor`, best first."""
    groups: dict[str, list[Reading]] = {}
    for r in readings:
        k = key(r.text)
        if r.margin > floor and k:
            groups.setdefault(k, []).append(r)
    found = []
    for group in groups.values():
        group.sort(key=lambda r: -r.margin)
        stories = {windows[r.context].story for r in group}
        best = group[0]
        found.append(
            Found(
                text=tidy(best.text),
                windows=tuple(r.context for r in group),
                margin=best.margin,
                score=best.margin + STORY_BONUS * (len(stories) - 1),
            )
        )
    return sorted(found, key=lambda f: -f.score)
