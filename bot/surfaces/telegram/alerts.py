"""Alerts in Telegram: /alert, /alerts and /unalert for any user (per chat), and the message a
chat gets when a story from a followed feed matches one of its alerts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.surfaces import messages
from bot.surfaces.render.html import esc, link
from bot.surfaces.telegram.stores import in_store
from index.embedder import Embedder
from index.feeds.alerts import PER_HOUR, AlertError, AlertStore, matches
from index.ingest.articles import Article

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
AlertStoreFactory = Callable[[], AlertStore]


class AlertCommands:
    def __init__(self, store: AlertStoreFactory, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    async def alert(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        words = " ".join(context.args or [])
        if not words.strip():
            await message.reply_html(messages.ALERT_USAGE.format(per_hour=PER_HOUR))
            return
        try:
            added = await in_store(self.store, lambda s: s.add(str(chat.id), words))
        except AlertError as exc:
            await message.reply_html(messages.ALERT_REFUSED.format(reason=esc(str(exc))))
            return
        text = messages.ALERT_SET if added else messages.ALERT_EXISTS
        await message.reply_html(text.format(words=esc(" ".join(words.split()))))

    async def alerts(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        mine = await in_store(self.store, lambda s: s.of(str(chat.id)))
        if not mine:
            await message.reply_html(messages.NO_ALERTS)
            return
        lines = [messages.ALERTS_HEADING] + [f"• {esc(a.words)}" for a in mine]
        await message.reply_html("\n".join(lines))

    async def unalert(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        words = " ".join(context.args or [])
        if not words.strip():
            await message.reply_html(messages.UNALERT_USAGE)
            return
        count = await in_store(self.store, lambda s: s.remove(str(chat.id), words))
        if count:
            await message.reply_html(messages.UNALERTED.format(count=count))
        else:
            await message.reply_html(messages.NO_SUCH_ALERT.format(words=esc(words)))

    async def notify(self, bot: Bot, stories: Sequence[Article]) -> int:
        """Send each chat the new stories that match its alerts (at most PER_HOUR an hour);
        how many were sent."""
        with closing(self.store()) as store:
            found = await asyncio.to_thread(matches, store.all(), list(stories), self.embedder)
            sent = 0
            for m in found:
                now = datetime.now(UTC)
                if not store.may_send(m.alert.subscriber, now):
                    continue
                a = m.article
                text = messages.ALERT.format(
                    words=esc(m.alert.words),
                    link=link(esc(a.title), a.url),
                    source=esc(a.source),
                    day=esc(a.published or "undated"),
                    sentence=esc(m.sentence[:500]),
                )
                try:
                    await bot.send_message(int(m.alert.subscriber), text)
                except TelegramError as exc:  # a chat that blocked the bot: the others go on
                    log.warning("could not send an alert to %s: %s", m.alert.subscriber, exc)
                    continue
                store.sent(m.alert.subscriber, now)
                sent += 1
            return sent
