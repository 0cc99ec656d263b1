"""How the bot's replies are made: durations and ages in words, source buttons, progress and
index reports, long answers split, and the typing indicator."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ChatAction
from telegram.error import RetryAfter, TelegramError

from bot.surfaces import messages
from bot.surfaces.render.html import (
    clean,
    esc,
    link,
    month_year,
)
from index.build import BuildReport, Progress
from index.store import IndexInfo

log = logging.getLogger(__name__)


T = TypeVar("T")


TYPING_EVERY = 4.5  # Telegram shows "typing…" for 5 s per chat action


RETRY_AFTER_CAP = 30.0  # longest wait for Telegram's flood control before giving up


RECENT_STORIES = 3


SKIPPED_LISTED = 10


def duration(seconds: float) -> str:
    """A rough duration for people: "40 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return f"{max(int(seconds), 0)} s"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def age_of(built_at: str, now: datetime | None = None) -> str:
    """How long ago an index was built (IndexInfo.built_at is UTC, "2024-05-01T10:00:00Z")."""
    try:
        built = datetime.strptime(built_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return "an unknown time"
    return duration(((now or datetime.now(UTC)) - built).total_seconds())


def sources_markup(key: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(messages.SOURCES_BUTTON, callback_data=f"src:{key}")
    return InlineKeyboardMarkup([[button]])


def story_line(title: str, source: str, published: str, url: str) -> str:
    """ "• Title — Source, Mon YYYY" in HTML, the title linked to the article."""
    details = ", ".join(p for p in (esc(" ".join(source.split())), month_year(published)) if p)
    line = "• " + link(esc(" ".join(clean(title).split())), url)
    return line + (f" — {details}" if details else "")


def progress_line(progress: Progress | None) -> str:
    if progress is None:
        return messages.REINDEX_WAITING
    if progress.stage == "loading":
        return messages.REINDEX_READING.format(done=progress.done)
    if progress.stage == "embedding":
        return messages.REINDEX_EMBEDDING.format(done=progress.done, total=progress.total)
    if progress.stage == "sentences":
        return messages.REINDEX_SENTENCES.format(done=progress.done, total=progress.total)
    return messages.REINDEX_SAVING


def report_html(report: BuildReport, info: IndexInfo) -> str:
    """The end of an index run for its admin: counts, notes and what was skipped (HTML)."""
    counts = {
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "skipped": len(report.skipped),
        "unchanged": report.unchanged,
    }
    if report.changed:
        done = messages.REINDEX_DONE.format(
            seconds=f"{report.seconds:.1f}", articles=info.articles, chunks=info.chunks, **counts
        )
    else:
        done = messages.REINDEX_NO_CHANGE.format(**counts)
    lines = [esc(note) for note in report.notes] + [done]
    if report.skipped:
        lines.append(messages.REINDEX_SKIPPED)
        lines += [f"• {esc(s.path)}: {esc(s.reason)}" for s in report.skipped[:SKIPPED_LISTED]]
        if len(report.skipped) > SKIPPED_LISTED:
            more = len(report.skipped) - SKIPPED_LISTED
            lines.append(esc(messages.REINDEX_MORE_SKIPPED.format(count=more)))
    return "\n".join(lines)


async def sending(send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Call a Bot API method, waiting once when Telegram's flood control says "retry after"."""
    try:
        return await send(*args, **kwargs)
    except RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        log.warning("Telegram flood control: retrying in %.0f s", seconds)
        await asyncio.sleep(min(seconds, RETRY_AFTER_CAP))
        return await send(*args, **kwargs)


async def reply_parts(
    message: Message, parts: Sequence[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send `parts` in order, the first as a reply to `message` (quoted in groups only), with
    `markup` under the last one."""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await sending(
            message.reply_html,
            part,
            do_quote=None if i == 0 else False,
            reply_markup=markup if last else None,
        )


@contextlib.asynccontextmanager
async def typing(chat: Chat) -> AsyncIterator[None]:
    """Show "typing…" in `chat` while the block runs."""

    async def refresh() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY)
            with contextlib.suppress(TelegramError):  # cosmetic: never fail an answer for it
                await chat.send_action(ChatAction.TYPING)

    # The first action is awaited, so it can never arrive after the answer it announces.
    with contextlib.suppress(TelegramError):
        await chat.send_action(ChatAction.TYPING)
    task = asyncio.create_task(refresh())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
