"""The newest stories, on a topic when one is given: `newsbot latest` and Telegram's /latest.
Copies of one story (near-duplicates, wire copies) show once."""

from __future__ import annotations

from bot.answering.context import AnswerContext
from index.search import SearchQuery, search
from index.store.catalog import Story

LATEST_STORIES = 10
TOPIC_POOL = 40  # passages searched for a topic before the newest of them are kept
# A passage about the topic: one that matches its words, or one whose meaning is this close
# (MiniLM cosine; "floods" finds a story about a storm surge). Checked on corpus/ topics.
TOPIC_COSINE = 0.45


def latest(ctx: AnswerContext, topic: str = "", limit: int = LATEST_STORIES) -> list[Story]:
    """The `limit` newest stories, or the newest about `topic`, newest first."""
    topic = topic.strip()
    if not topic:
        return ctx.index.newest_stories(limit)
    hits = search(ctx.index, ctx.embedder, SearchQuery(text=topic), k=TOPIC_POOL).hits
    stories: dict[str, Story] = {}
    for h in hits:
        if h.keyword_rank is None and h.dense < TOPIC_COSINE:
            continue
        stories.setdefault(h.article_id, Story(h.title, h.source, h.published, h.url))
    return sorted(stories.values(), key=lambda s: s.published, reverse=True)[:limit]
