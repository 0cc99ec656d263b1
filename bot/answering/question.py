"""The question, parsed once: what every answering stage reads instead of the text.

A follow-up ("and when was that?") is resolved against the conversation first; then its kind
(the answer type wanted, both sides of a relation, several names), the head words of that kind
("which deputy foreign minister"), the verb of a "who VERB" question, the measure of a "how
much", the time window, the outlets it names, and "today" are read off once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.answering.context import Turn
from bot.answering.followup import resolve_follow_up, split_follow_up
from bot.language.en.measures import Measure, measure_asked
from bot.language.en.questions import (
    AnswerType,
    QuestionKind,
    asks_name_of,
    cannot_be_place,
    classify,
    kind_words,
    named_sources,
)
from bot.language.en.verbs import asked_verb
from index.text import dates
from index.text.dates import DateWindow

_HOW_MANY = re.compile(r"\bhow many\s+([a-z]+(?:\s+[a-z]+)?)", re.I)


@dataclass(frozen=True)
class Question:
    """A question as newsbot understands it."""

    text: str  # as asked, as the answer repeats it
    resolved: str  # a follow-up with the subject it borrows: "question (context)"
    own: str  # the question's own words (the follow-up without the borrowed context)
    context: str  # the borrowed context ("" when none)
    kind: QuestionKind
    head: tuple[str, ...]  # the words naming the kind asked for ("deputy foreign minister")
    verb: str | None  # of "who VERB ..." ("won")
    measure: Measure | None  # of "how much": a cost names its currency, a weight its unit
    asks_name: bool  # "the name of the boat": a proper name
    # The (up to two) words after "how many": what it counts ("security staff", "votes did").
    counted: str | None
    window: DateWindow | None  # the time asked about ("this week", "in 2019")
    recent: DateWindow  # the week before today
    sources: tuple[str, ...]  # the outlets it names, of those indexed
    today: date

    @property
    def no_place(self) -> bool:
        """Is it a kind no place can be ("which deputy foreign minister")?"""
        return self.kind.answer_type == AnswerType.NAME and cannot_be_place(self.head)


def parse_question(
    text: str,
    *,
    history: Sequence[Turn] = (),
    today: date | None = None,
    sources: Sequence[str] = (),
) -> Question:
    """`text` asked on `today` (default: today), after the turns of `history`, of an index
    whose outlets are `sources`."""
    today = today or date.today()
    resolved = resolve_follow_up(text.strip(), history)
    own, context = split_follow_up(resolved)
    kind = classify(own)
    return Question(
        text=text,
        resolved=resolved,
        own=own,
        context=context,
        kind=kind,
        head=tuple(kind_words(resolved, kind.answer_type)),
        verb=asked_verb(text),
        measure=measure_asked(resolved),
        asks_name=asks_name_of(resolved),
        counted=m.group(1).lower() if (m := _HOW_MANY.search(own)) else None,
        window=dates.resolve(text, today),
        recent=dates.recent(today),
        sources=named_sources(text, list(sources)),
        today=today,
    )
