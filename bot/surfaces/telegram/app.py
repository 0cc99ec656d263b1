"""The Telegram bot: questions in, cited answers out, and admin commands that grow the index.

`build_application` wires every handler in one list; `run_bot` runs the bot (long polling or a
webhook) until SIGINT/SIGTERM. Answering and indexing block, so they run in worker threads
(`asyncio.to_thread`) and one slow question never holds up another chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import threading
import time
import weakref
from datetime import date

from telegram import (
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.surfaces import messages
from bot.surfaces.messages import question_problem
from bot.surfaces.render.html import (
    esc,
    render_answer,
    render_sources,
    split_html,
)
from bot.surfaces.service import NewsService
from bot.surfaces.telegram.addressing import FOR_ME, command_argument, strip_mention
from bot.surfaces.telegram.alerts import AlertCommands
from bot.surfaces.telegram.feeds import FeedCommands
from bot.surfaces.telegram.fetch import added_folder, fetch_article
from bot.surfaces.telegram.memory import AnswerMemory, Stats
from bot.surfaces.telegram.ratelimit import SlidingWindowLimiter
from bot.surfaces.telegram.replies import (
    RECENT_STORIES,
    age_of,
    duration,
    progress_line,
    reply_parts,
    report_html,
    sending,
    sources_markup,
    story_line,
    typing,
)
from index.build import Progress, build_index
from index.embedder import Embedder
from index.feeds.alerts import AlertStore
from index.ingest.articles import Skipped
from index.ingest.loaders import article_from_text
from index.ingest.page import save_article
from index.store import IndexBusy, IndexInfo

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

CONCURRENT_UPDATES = 128  # updates handled at once; PTB's connection pool (256) stays larger
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
PROGRESS_EDIT_SECONDS = 2.0  # at most one progress edit this often (Telegram limits edits)
BOT_DATA_KEY = "newsbot"
_SOURCES_DATA = re.compile(r"src:([0-9a-f]{8})")
_URL = re.compile(r"https?://\S+", re.I)


# ---- state ------------------------------------------------------------------------------------


class _BuildCancelled(Exception):
    """The bot is stopping: the index run gives up at its next step and the old index stays."""


# ---- small helpers ----------------------------------------------------------------------------


def base_file_url(base_url: str) -> str | None:
    """PTB's base_file_url for a Bot API base URL: ".../bot" -> ".../file/bot"."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else None


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call; derived, so restarts agree on it."""
    return hashlib.sha256(b"newsbot webhook\0" + token.encode()).hexdigest()


# ---- /add: articles from a link or pasted text -----------------------------------------------


# ---- the bot ----------------------------------------------------------------------------------


class NewsBot:
    """The bot's state (rate limits, answers awaiting their Sources button, counters, the index
    run) and its handlers, each short: read, answer, reply."""

    def __init__(
        self,
        settings: Settings,
        service: NewsService,
        embedder: Embedder,
        *,
        edit_every: float = PROGRESS_EDIT_SECONDS,
    ) -> None:
        self.settings = settings
        self.service = service
        self.embedder = embedder
        self.edit_every = edit_every
        self.limiter = SlidingWindowLimiter(settings.rate_limit_count, settings.rate_limit_seconds)
        self.answers = AnswerMemory()
        self.stats = Stats()
        self.stopping = threading.Event()  # read by the index run's worker thread
        self.indexing = asyncio.Lock()
        self._chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # -- users

    async def throttle(self, update: Update, context: Context) -> None:
        """Runs before every other handler: each message a user sends the bot counts."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        verdict = self.limiter.hit(user.id)
        if verdict.allowed:
            return
        if verdict.first_refusal:  # one notice per flood, not one per message
            log.info("user %s is rate limited", user.id)
            seconds = math.ceil(verdict.retry_after)
            await message.reply_text(messages.RATE_LIMITED.format(seconds=seconds))
        raise ApplicationHandlerStop

    async def help(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        blocks = [f"{messages.HELP_TEXT}\n{messages.HELP_COMMANDS}"]
        blocks.append(await asyncio.to_thread(self._knowledge))
        if self._is_admin(update):
            blocks.append(messages.HELP_ADMIN)
        await reply_parts(update.effective_message, split_html("\n\n".join(blocks)))

    async def new_conversation(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        async with self._chat_lock(message.chat_id):
            await asyncio.to_thread(self.service.new_conversation, str(message.chat_id))
        await message.reply_text(messages.NEW_CONVERSATION)

    async def ask(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        question = command_argument(message)
        if question:
            await self._answer(message, question)
        else:
            await message.reply_text(messages.ASK_USAGE)

    async def question(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        await self._answer(message, strip_mention(message.text or "", context.bot.username))

    async def sources(self, update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        assert query is not None and chat is not None
        found = _SOURCES_DATA.fullmatch(query.data or "")
        answer = self.answers.recall(chat.id, found.group(1)) if found else None
        if answer is None:
            await query.answer(messages.SOURCES_EXPIRED, show_alert=True)
            return
        await query.answer()
        reply_to = ReplyParameters(query.message.message_id) if query.message else None
        for i, part in enumerate(render_sources(answer)):
            await sending(chat.send_message, part, reply_parameters=reply_to if i == 0 else None)

    async def unknown_command(self, update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(messages.UNKNOWN_COMMAND)

    async def not_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        empty = message.text is not None  # a text message with no text at all
        await message.reply_text(messages.EMPTY_QUESTION if empty else messages.NON_TEXT_MESSAGE)

    async def _answer(self, message: Message, question: str) -> None:
        problem = question_problem(question, self.settings.max_question_chars)
        if problem:
            await message.reply_text(esc(problem))
            return
        started = time.perf_counter()
        chat = message.chat
        # One question at a time per chat, so a follow-up sees the turn before it.
        async with self._chat_lock(chat.id):
            async with typing(chat):
                answer = await asyncio.to_thread(self.service.ask, str(chat.id), question.strip())
            key = self.answers.remember(chat.id, answer) if answer.citations else None
            markup = sources_markup(key) if key else None
            await reply_parts(message, render_answer(answer), markup)
        self.stats.record(time.perf_counter() - started)
        log.info(
            "answered in chat %s in %.0f ms%s",
            chat.id,
            (time.perf_counter() - started) * 1000,
            " (abstained)" if answer.abstained else "",
        )

    def _chat_lock(self, chat_id: int) -> asyncio.Lock:
        # Weak values: a lock lives while someone holds or awaits it, so idle chats cost nothing.
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    def _knowledge(self) -> str:
        """What the index holds, for the help: size, newest date, the newest stories (HTML)."""
        index = self.service.context().index
        info = index.info()
        newest = info.newest or "an unknown date"
        lines = [esc(messages.HELP_KNOWLEDGE.format(articles=info.articles, newest=newest))]
        stories = index.newest_stories(RECENT_STORIES)
        if stories:
            lines.append(messages.HELP_RECENT)
            lines += [story_line(s.title, s.source, s.published, s.url) for s in stories]
        return "\n".join(lines)

    # -- admins

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admin_ids

    async def admin_only(self, update: Update, command: str) -> bool:
        if self._is_admin(update):
            return True
        user = update.effective_user
        log.warning("refused /%s to user %s: not an admin", command, user.id if user else None)
        assert update.effective_message is not None
        await update.effective_message.reply_text(messages.ADMIN_ONLY)
        return False

    async def reindex(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.admin_only(update, "reindex"):
            return
        full = [arg.lower() for arg in context.args or []] == ["full"]
        if self.indexing.locked():
            await message.reply_text(messages.REINDEX_BUSY)
            return
        async with self.indexing:
            heading = esc(messages.REINDEX_FULL_STARTED if full else messages.REINDEX_STARTED)
            status = await message.reply_html(heading)
            await self._run_index(status, heading, rebuild=full)

    async def add(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.admin_only(update, "add"):
            return
        text = command_argument(message)
        folder = added_folder(self.settings.corpus_paths)
        if not text:
            await message.reply_html(messages.ADD_USAGE)
            return
        if folder is None:
            await message.reply_text(messages.ADD_NO_FOLDER)
            return
        if self.indexing.locked():
            await message.reply_text(messages.REINDEX_BUSY)
            return
        async with self.indexing:
            if _URL.fullmatch(text):
                found = await fetch_article(text)
            else:
                found = article_from_text(text, key="telegram", source=messages.ADDED_SOURCE)
            if isinstance(found, str):
                await message.reply_html(messages.ADD_FETCH_FAILED.format(reason=esc(found)))
                return
            if isinstance(found, Skipped):
                await message.reply_text(messages.ADD_NO_TEXT)
                return
            path = await asyncio.to_thread(
                save_article, folder, found, date.today(), messages.ADDED_SOURCE
            )
            log.info("an admin added an article as %s", path)
            heading = messages.ADD_SAVED.format(
                title=esc(found.title), paragraphs=len(found.paragraphs)
            )
            status = await message.reply_html(heading)
            await self._run_index(status, heading, rebuild=False)

    async def show_stats(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self.admin_only(update, "stats"):
            return
        info = await asyncio.to_thread(self._index_info)
        median = self.stats.median_ms()
        text = messages.STATS.format(
            articles=info.articles,
            chunks=info.chunks,
            newest=info.newest or "an unknown date",
            age=age_of(info.built_at),
            uptime=duration(time.monotonic() - self.stats.started),
            questions=self.stats.questions,
            median=f"{median:.0f} ms" if median is not None else "–",
        )
        await message.reply_html(text)

    def _index_info(self) -> IndexInfo:
        # context() re-opens the index when a run switched generations.
        return self.service.context().index.info()

    async def _run_index(self, status: Message, heading: str, *, rebuild: bool) -> None:
        """Update the index in a worker thread, showing its progress by editing `status`."""
        latest: dict[str, Progress] = {}

        def progress(p: Progress) -> None:  # on the worker thread
            if self.stopping.is_set():
                raise _BuildCancelled
            latest["now"] = p

        job = asyncio.ensure_future(
            asyncio.to_thread(
                build_index,
                self.settings.indexed_paths(),
                self.settings,
                self.embedder,
                rebuild=rebuild,
                progress=progress,
            )
        )
        shown = heading
        while not job.done():
            await asyncio.wait([job], timeout=self.edit_every)
            text = f"{heading}\n{progress_line(latest.get('now'))}"
            if job.done() or text == shown:
                continue
            shown = text
            try:
                await status.edit_text(text)
            except TelegramError as exc:  # progress is a courtesy; the result below matters
                log.warning("could not show index progress: %s", exc)
        try:
            report = await job
        except IndexBusy:
            result = esc(messages.REINDEX_BUSY)
        except _BuildCancelled:
            result = esc(messages.REINDEX_CANCELLED)
        except Exception as exc:  # whatever broke, the old index stays live: say why, no trace
            log.exception("index update failed")
            result = messages.REINDEX_FAILED.format(error=esc(str(exc)[:500] or type(exc).__name__))
        else:
            result = report_html(report, await asyncio.to_thread(self._index_info))
        first, *rest = split_html(f"{heading}\n\n{result}")
        await sending(status.edit_text, first)
        await reply_parts(status, rest)

    # -- errors

    async def on_error(self, update: object, context: Context) -> None:
        """Log with the traceback; tell the user something went wrong (never what)."""
        log.error(
            "error handling update %s", getattr(update, "update_id", None), exc_info=context.error
        )
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        try:
            await chat.send_message(esc(messages.SOMETHING_WENT_WRONG))
        except TelegramError as exc:
            log.warning("could not tell chat %s about the error: %s", chat.id, exc)


def build_application(
    settings: Settings,
    service: NewsService,
    embedder: Embedder,
    *,
    edit_every: float = PROGRESS_EDIT_SECONDS,
) -> Application:
    """The bot as a PTB Application, every handler registered here.

    Run it with `async with app: await start_bot(app, settings)` ... `await stop_bot(app)`, or
    let `run_bot` do all of that.
    """
    if settings.telegram_token is None:
        raise ValueError("settings.telegram_token is not set")
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,  # the question may be deleted by then
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    file_url = base_file_url(settings.telegram_base_url)
    if file_url is not None:
        builder = builder.base_file_url(file_url)
    app = builder.build()
    bot = NewsBot(settings, service, embedder, edit_every=edit_every)
    app.bot_data[BOT_DATA_KEY] = bot

    new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    alerts = AlertCommands(lambda: AlertStore(settings.data_dir), embedder)
    feeds = FeedCommands(bot, alerts)
    app.add_handler(MessageHandler(new & (FOR_ME | filters.COMMAND), bot.throttle), group=-1)
    app.add_handlers(
        [
            CommandHandler(("start", "help"), bot.help, filters=new),
            CommandHandler("new", bot.new_conversation, filters=new),
            CommandHandler("ask", bot.ask, filters=new),
            CommandHandler("reindex", bot.reindex, filters=new),
            CommandHandler("add", bot.add, filters=new),
            CommandHandler("stats", bot.show_stats, filters=new),
            CommandHandler("follow", feeds.follow, filters=new),
            CommandHandler("unfollow", feeds.unfollow, filters=new),
            CommandHandler("feeds", feeds.list_feeds, filters=new),
            CommandHandler("latest", feeds.latest, filters=new),
            CommandHandler("alert", alerts.alert, filters=new),
            CommandHandler("alerts", alerts.alerts, filters=new),
            CommandHandler("unalert", alerts.unalert, filters=new),
            CallbackQueryHandler(bot.sources),
            MessageHandler(new & filters.TEXT & ~filters.COMMAND & FOR_ME, bot.question),
            MessageHandler(new & filters.COMMAND & FOR_ME, bot.unknown_command),
            MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL & FOR_ME, bot.not_text),
        ]
    )
    app.add_error_handler(bot.on_error)
    if app.job_queue is not None:  # python-telegram-bot[job-queue]
        every = settings.feed_check_seconds
        app.job_queue.run_repeating(feeds.poll_job, interval=every, first=every, name="feeds")
    return app


def newsbot_of(app: Application) -> NewsBot:
    bot: NewsBot = app.bot_data[BOT_DATA_KEY]
    return bot


# ---- running ----------------------------------------------------------------------------------
