"""Live news in Telegram: /follow, /unfollow and /feeds for admins, the scheduled poll (PTB's
JobQueue) that indexes what the due feeds bring while answers go on, and /latest for all."""

from __future__ import annotations

import asyncio
import logging
from contextlib import closing
from datetime import UTC, datetime
from typing import Protocol

from telegram import Bot, Update
from telegram.ext import ContextTypes

from bot.answering.latest import latest
from bot.config import Settings
from bot.surfaces import messages
from bot.surfaces.render.html import esc, link
from bot.surfaces.service import NewsService
from bot.surfaces.telegram.alerts import AlertCommands
from bot.surfaces.telegram.replies import duration
from bot.surfaces.telegram.stores import in_store
from index.build import build_index
from index.embedder import Embedder
from index.feeds.poll import PollResult, poll_feeds, summary_line
from index.feeds.registry import Feed, FeedError, FeedRegistry
from index.store import IndexBusy

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
MAX_FEEDS_LISTED = 50


class NewsBotLike(Protocol):
    """What the feed commands need of the bot (bot.surfaces.telegram.app.NewsBot)."""

    settings: Settings
    embedder: Embedder
    service: NewsService
    indexing: asyncio.Lock

    async def admin_only(self, update: Update, command: str) -> bool: ...


def _when(feed: Feed, now: datetime) -> str:
    if not feed.last_poll:
        return "never"
    seconds = (now - datetime.fromisoformat(feed.last_poll)).total_seconds()
    return f"{duration(seconds)} ago"


def feeds_html(feeds: list[Feed], now: datetime) -> str:
    """The /feeds reply: each followed feed, its interval, last poll and what it did."""
    if not feeds:
        return messages.NO_FEEDS
    lines = [messages.FEEDS_HEADING]
    for f in feeds[:MAX_FEEDS_LISTED]:
        lines.append(
            messages.FEED_LINE.format(
                title=esc(f.title or "(not polled yet)"),
                url=esc(f.url),
                minutes=f.every_minutes,
                when=_when(f, now),
                status=esc(f.status or "–"),
                taken=f.taken,
            )
        )
    if len(feeds) > MAX_FEEDS_LISTED:
        lines.append(f"… and {len(feeds) - MAX_FEEDS_LISTED} more")
    return "\n".join(lines)


class FeedCommands:
    """The feed commands and the poll job of one bot (`bot`: its NewsBot)."""

    def __init__(self, bot: NewsBotLike, alerts: AlertCommands) -> None:
        self.bot = bot
        self.settings = bot.settings
        self.alerts = alerts
        self.unindexed = False  # stories saved that no index update took in yet
        self.polling: asyncio.Task[None] | None = None

    def _registry(self) -> FeedRegistry:
        return FeedRegistry(self.settings.data_dir)

    async def follow(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.bot.admin_only(update, "follow"):
            return
        args = context.args or []
        if not args or len(args) > 2 or (len(args) == 2 and not args[1].isdigit()):
            await message.reply_html(messages.FOLLOW_USAGE)
            return
        minutes = int(args[1]) if len(args) == 2 else self.settings.feed_interval_minutes

        try:
            feed, new = await in_store(self._registry, lambda r: r.add(args[0], minutes))
        except FeedError as exc:
            await message.reply_html(messages.FEED_REFUSED.format(reason=esc(str(exc))))
            return
        text = messages.FOLLOWING if new else messages.FOLLOWING_ALREADY
        await message.reply_html(text.format(url=esc(feed.url), minutes=feed.every_minutes))

    async def unfollow(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.bot.admin_only(update, "unfollow"):
            return
        args = context.args or []
        if len(args) != 1:
            await message.reply_html(messages.UNFOLLOW_USAGE)
            return

        removed = await in_store(self._registry, lambda r: r.remove(args[0]))
        text = messages.UNFOLLOWED if removed else messages.NOT_FOLLOWING
        await message.reply_html(text.format(url=esc(args[0])))

    async def list_feeds(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.bot.admin_only(update, "feeds"):
            return

        feeds = await in_store(self._registry, FeedRegistry.feeds)
        await message.reply_html(feeds_html(feeds, datetime.now(UTC)))

    async def latest(self, update: Update, context: Context) -> None:
        """/latest [topic]: the newest stories (any user), each linked to its page."""
        message = update.effective_message
        assert message is not None
        topic = " ".join(context.args or [])[:200]
        stories = await asyncio.to_thread(latest, self.bot.service.context(), topic)
        if not stories:
            await message.reply_html(messages.LATEST_NONE.format(topic=esc(topic)))
            return
        heading = messages.LATEST_ON_HEADING.format(topic=esc(topic)) if topic else None
        lines = [heading or messages.LATEST_HEADING]
        for s in stories:
            title = link(esc(s.title), s.url)
            lines.append(f"• {title} – {esc(s.source)}, {esc(s.published or 'undated')}")
        await message.reply_html("\n".join(lines))

    def poll_due(self) -> list[PollResult]:
        """Poll the feeds that are due (on a worker thread)."""
        with closing(self._registry()) as registry:
            now = datetime.now(UTC)
            return poll_feeds(self.settings, registry, registry.due(now), now)

    async def poll_job(self, context: Context) -> None:
        """The scheduled tick: a poll starts unless the last one still runs (a poll and its
        index update may take longer than a tick)."""
        if self.polling is None or self.polling.done():
            self.polling = context.application.create_task(self.poll(context.bot))

    async def poll(self, bot: Bot) -> None:
        """Poll the due feeds, then update the index when they brought stories (or an earlier
        poll's stories wait for it: another update was running), then send the alerts."""
        results = await asyncio.to_thread(self.poll_due)
        if results:
            log.info("feeds: %s", summary_line(results))
        stories = [s for r in results for s in r.stories]
        self.unindexed = self.unindexed or bool(stories)
        if self.unindexed and not self.bot.indexing.locked():
            async with self.bot.indexing:
                try:
                    report = await asyncio.to_thread(
                        build_index, self.settings.indexed_paths(), self.settings, self.bot.embedder
                    )
                    self.unindexed = False
                    log.info("feeds indexed: %s", report.summary().replace("\n", "; "))
                except IndexBusy:
                    pass  # another process indexes now: the next poll tries again
        if stories:
            await self.alerts.notify(bot, stories)
