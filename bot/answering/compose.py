"""The answer as the user sees it: the line, its checked citations, the passages, or the
declining answer."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.context import AnswerContext
from bot.answering.declines import Declined
from bot.answering.evidence import Evidence
from bot.answering.question import Question
from bot.answering.reading import Said
from bot.surfaces import messages
from bot.types import Answer, Citation, ModelNote, Passage, ReaderNote
from index.search import (
    Hit,
    newest_date,
)
from index.text import dates

MAX_ANSWER_WORDS = 30

_AHEAD = re.compile(r"\b(?:will|to be|set to|plans? to|scheduled|expected to|next)\b", re.I)


def with_day(line: str, e: Evidence) -> str:
    """ "Tuesday (12 Apr 2011)": a day the article names relative to its date, made plain."""
    published = dates.parse_iso(e.hit.published)
    if published is None:
        return line
    day = dates.day_of(line, published, ahead=bool(_AHEAD.search(e.text)))
    return f"{line} ({day.strftime('%-d %b %Y')})" if day else line


def trim_words(text: str, limit: int = MAX_ANSWER_WORDS) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def citation(ctx: AnswerContext, n: int, e: Evidence) -> Citation | None:
    """A citation only when the paragraph really contains the quote."""
    if e.text not in e.paragraph_text:
        return None
    also = tuple(
        ", ".join(x for x in (d["source"], d["published"], d["url"]) if x)
        for d in ctx.index.duplicates_of(e.hit.article_id)
    )
    return Citation(
        n=n,
        article_id=e.hit.article_id,
        title=e.hit.title,
        source=e.hit.source,
        published=e.hit.published,
        url=e.hit.url,
        paragraph=e.paragraph,
        quote=e.text,
        paragraph_text=e.paragraph_text,
        also_in=also,
    )


def passages_of(hits: Sequence[Hit]) -> tuple[Passage, ...]:
    return tuple(
        Passage(
            text=h.text,
            score=round(h.score, 4),
            article_id=h.article_id,
            paragraphs=tuple(range(h.first_paragraph, h.last_paragraph + 1)),
            title=h.title,
            source=h.source,
            published=h.published,
            url=h.url,
        )
        for h in hits
    )


@dataclass(frozen=True)
class Asked:
    """A question on its way through the stages: what it is answered from, the passages
    retrieved for it, each stage's time so far, and when it was asked. Every stage ends in one
    of its two answers."""

    ctx: AnswerContext
    q: Question
    hits: Sequence[Hit]
    timings: dict[str, float]
    started: float

    def timed(self) -> dict[str, float]:
        """The stages' times, with the total until now."""
        self.timings["total"] = (time.perf_counter() - self.started) * 1000
        return self.timings

    def declined(
        self, why: Declined, reader: ReaderNote | None = None, model: ModelNote | None = None
    ) -> Answer:
        """The declining answer: what the index holds, and why nothing of it answers."""
        newest = newest_date(self.ctx.index)
        text = messages.NOTHING_FOUND.format(
            count=self.ctx.index.article_count(),
            newest=newest.isoformat() if newest else "an unknown date",
        )
        q = self.q
        answer = Answer(q.text, text, True, (), passages_of(self.hits), self.timed(), q.resolved)
        return replace(answer, declined_because=why, reader=reader, model=model)

    def answered(
        self,
        line: str,
        cited: Sequence[Evidence],
        since: float,
        reader: ReaderNote | None = None,
        model: ModelNote | None = None,
    ) -> Answer:
        """`line` cited where the quotes of `cited` stand in their paragraphs; declined when
        none does. The finishing step ("extract") began at `since`."""
        citations: list[Citation] = []
        for e in cited:
            if (c := citation(self.ctx, len(citations) + 1, e)) is not None:
                citations.append(c)
        if not citations:
            return self.declined(Declined.NO_QUOTE, reader=reader, model=model)
        self.timings["extract"] = (time.perf_counter() - since) * 1000
        marks = "".join(f"[{c.n}]" for c in citations)
        short = trim_words(line)
        q = self.q
        return Answer(
            q.text,
            f"{short} {marks}",
            False,
            tuple(citations),
            passages_of(self.hits),
            self.timed(),
            q.resolved,
            short,
            reader=reader,
            model=model,
        )


def said_of(e: Evidence) -> Said:
    # Copies of one story (near-duplicates folded by the index) are one story.
    return Said(e.hit.title, e.hit.article_id, e.paragraph_text, e.text)
