"""The answer as the user sees it: the line, its checked citations, the passages, or the
declining answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.context import AnswerContext
from bot.answering.evidence import Evidence
from bot.answering.question import Question
from bot.answering.reading import Said
from bot.surfaces import messages
from bot.types import Answer, Citation, Passage
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


def abstain(ctx: AnswerContext, q: Question, hits: Sequence[Hit], timings: dict) -> Answer:
    info_newest = newest_date(ctx.index)
    count = ctx.index.article_count()
    text = messages.NOTHING_FOUND.format(
        count=count, newest=info_newest.isoformat() if info_newest else "an unknown date"
    )
    return Answer(q.text, text, True, (), passages_of(hits), timings, q.resolved)


def said_of(e: Evidence) -> Said:
    # Copies of one story (near-duplicates folded by the index) are one story.
    return Said(e.hit.title, e.hit.article_id, e.paragraph_text, e.text)
