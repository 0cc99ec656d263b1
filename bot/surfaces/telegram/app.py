"""The Telegram bot: questions in, cited answers out, and admin commands that grow the index.

`build_application` wires every handler in one list; `run_bot` runs the bot (long polling or a
webhook) until SIGINT/SIGTERM. Answering and indexing block, so they run in worker threads
(`asyncio.to_thread`) and one slow question never holds up another chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import re
import secrets
import signal
import statistics
import tempfile
import threading
import time
import unicodedata
import weakref
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
import httpx
from telegram import (
    BotCommand,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
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
from bot.reader.model import ReaderError, load_reader
from bot.surfaces import messages
from bot.surfaces.messages import question_problem
from bot.surfaces.render.html import (
    clean,
    esc,
    link,
    month_year,
    render_answer,
    render_sources,
    split_html,
)
from bot.surfaces.service import NewsService
from bot.surfaces.telegram.ratelimit import SlidingWindowLimiter
from bot.types import Answer
from index.build import BuildReport, Progress, build_index
from index.embedder import Embedder, EmbedderError, SentenceTransformerEmbedder
from index.ingest.articles import Article, Skipped
from index.ingest.loaders import article_from_text, host_of, load_file
from index.store import IndexBusy, IndexInfo, StoreError, current_generation

log = logging.getLogger(__name__)

T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE

CONCURRENT_UPDATES = 128  # updates handled at once; PTB's connection pool (256) stays larger
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
PROGRESS_EDIT_SECONDS = 2.0  # at most one progress edit this often (Telegram limits edits)
TYPING_EVERY = 4.5  # Telegram shows "typing…" for 5 s per chat action
RETRY_AFTER_CAP = 30.0  # longest wait for Telegram's flood control before giving up
SOURCES_PER_CHAT = 20
SOURCES_CHATS = 1000
LATENCIES_KEPT = 1000  # the median in /stats is over the last this many answers
RECENT_STORIES = 3
SKIPPED_LISTED = 10
FETCH_TIMEOUT = 15.0
FETCH_MAX_BYTES = 5_000_000
BOT_DATA_KEY = "newsbot"
_SOURCES_DATA = re.compile(r"src:([0-9a-f]{8})")
_URL = re.compile(r"https?://\S+", re.I)


# ---- state ------------------------------------------------------------------------------------


class AnswerMemory:
    """The latest answers of each chat under short random keys, for their Sources buttons.

    Bounded by answers per chat and by chats (least recently used go first); the button of a
    forgotten answer gets messages.SOURCES_EXPIRED.
    """

    def __init__(self, per_chat: int = SOURCES_PER_CHAT, chats: int = SOURCES_CHATS) -> None:
        self.per_chat = per_chat
        self.chats = chats
        self._by_chat: OrderedDict[int, OrderedDict[str, Answer]] = OrderedDict()

    def remember(self, chat_id: int, answer: Answer) -> str:
        kept = self._by_chat.setdefault(chat_id, OrderedDict())
        self._by_chat.move_to_end(chat_id)
        key = secrets.token_hex(4)
        while key in kept:
            key = secrets.token_hex(4)
        kept[key] = replace(answer, passages=())  # the Sources reply needs only the citations
        while len(kept) > self.per_chat:
            kept.popitem(last=False)
        while len(self._by_chat) > self.chats:
            self._by_chat.popitem(last=False)
        return key

    def recall(self, chat_id: int, key: str) -> Answer | None:
        kept = self._by_chat.get(chat_id)
        return kept.get(key) if kept is not None else None


class Stats:
    """What /stats reports about the bot itself, counted in memory since it started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.questions = 0
        self._seconds: deque[float] = deque(maxlen=LATENCIES_KEPT)

    def record(self, seconds: float) -> None:
        self.questions += 1
        self._seconds.append(seconds)

    def median_ms(self) -> float | None:
        return statistics.median(self._seconds) * 1000 if self._seconds else None


class _BuildCancelled(Exception):
    """The bot is stopping: the index run gives up at its next step and the old index stays."""


# ---- small helpers ----------------------------------------------------------------------------


class _ForMe(filters.MessageFilter):
    """Private chats, and group messages that mention the bot, reply to it or name it in a
    command (/cmd@bot): in a group the bot speaks only when spoken to."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        name = f"@{bot.username}".lower()
        kinds: list[str | None] = [MessageEntityType.MENTION, MessageEntityType.BOT_COMMAND]
        found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
        return any(
            text.lower() == name
            if entity.type == MessageEntityType.MENTION
            else text.lower().endswith(name)
            for entity, text in found.items()
        )


FOR_ME = _ForMe(name="ForMe")


def strip_mention(text: str, username: str | None) -> str:
    """The question without the bot's @username ("@newsbot who won?" -> "who won?")."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.I)
    return text.strip()


def command_argument(message: Message) -> str:
    """What follows the /command, line breaks kept (context.args would lose them)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def base_file_url(base_url: str) -> str | None:
    """PTB's base_file_url for a Bot API base URL: ".../bot" -> ".../file/bot"."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else None


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call; derived, so restarts agree on it."""
    return hashlib.sha256(b"newsbot webhook\0" + token.encode()).hexdigest()


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


# ---- /add: articles from a link or pasted text -----------------------------------------------


def added_folder(corpus_paths: Sequence[Path]) -> Path | None:
    """Where /add saves articles: `added/` in the first corpus folder, so reindexing keeps them."""
    for path in corpus_paths:
        if path.is_dir() or (not path.exists() and not path.suffix):
            return path / "added"
    return None


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].rstrip("-") or "article"


def save_article(folder: Path, article: Article, today: date) -> Path:
    """Write `article` as a text file with front matter, which the loaders read back as is."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{slug(article.title)}"
    path = folder / f"{stem}.txt"
    for n in range(2, 1000):
        if not path.exists():
            break
        path = folder / f"{stem}-{n}.txt"
    meta = {
        "title": article.title,
        "source": article.source or messages.ADDED_SOURCE,
        "published": article.published or today.isoformat(),
        "url": article.url,
    }
    front = "".join(f"{key}: {value}\n" for key, value in meta.items() if value)
    body = "\n\n".join(article.paragraphs)
    path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def _article_from_page(body: bytes, content_type: str, url: str) -> Article | Skipped:
    if "html" in content_type:
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "page.html"
            page.write_bytes(body)
            found = next(load_file(page), None)
        if not isinstance(found, Article):
            return Skipped(url, "no article text")
        return replace(found, url=found.url or url, source=found.source or host_of(url), path="")
    text = body.decode("utf-8", errors="replace")
    return article_from_text(text, key=url, source=host_of(url))


async def fetch_article(url: str) -> Article | Skipped | str:
    """The article at `url`; a Skipped when the page holds none; a reason when it cannot be had."""
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url, headers={"User-Agent": "newsbot"}) as response,
        ):
            if response.status_code >= 400:
                return f"the site answered {response.status_code}"
            content_type = response.headers.get("content-type", "").lower()
            if not content_type.startswith(("text/", "application/xhtml")):
                return "that is not a web page"
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > FETCH_MAX_BYTES:
                    return "the page is too large"
            final_url = str(response.url)
    except httpx.HTTPError as exc:
        log.info("fetching an article failed: %s", type(exc).__name__)
        return "the site could not be reached"
    return await asyncio.to_thread(_article_from_page, bytes(body), content_type, final_url)


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
        self._indexing = asyncio.Lock()
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

    async def _admin_only(self, update: Update, command: str) -> bool:
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
        if not await self._admin_only(update, "reindex"):
            return
        full = [arg.lower() for arg in context.args or []] == ["full"]
        if self._indexing.locked():
            await message.reply_text(messages.REINDEX_BUSY)
            return
        async with self._indexing:
            heading = esc(messages.REINDEX_FULL_STARTED if full else messages.REINDEX_STARTED)
            status = await message.reply_html(heading)
            await self._run_index(status, heading, rebuild=full)

    async def add(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self._admin_only(update, "add"):
            return
        text = command_argument(message)
        folder = added_folder(self.settings.corpus_paths)
        if not text:
            await message.reply_html(messages.ADD_USAGE)
            return
        if folder is None:
            await message.reply_text(messages.ADD_NO_FOLDER)
            return
        if self._indexing.locked():
            await message.reply_text(messages.REINDEX_BUSY)
            return
        async with self._indexing:
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
            path = await asyncio.to_thread(save_article, folder, found, date.today())
            log.info("an admin added an article as %s", path)
            heading = messages.ADD_SAVED.format(
                title=esc(found.title), paragraphs=len(found.paragraphs)
            )
            status = await message.reply_html(heading)
            await self._run_index(status, heading, rebuild=False)

    async def show_stats(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        if not await self._admin_only(update, "stats"):
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
                self.settings.corpus_paths,
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
    app.add_handler(MessageHandler(new & (FOR_ME | filters.COMMAND), bot.throttle), group=-1)
    app.add_handlers(
        [
            CommandHandler(("start", "help"), bot.help, filters=new),
            CommandHandler("new", bot.new_conversation, filters=new),
            CommandHandler("ask", bot.ask, filters=new),
            CommandHandler("reindex", bot.reindex, filters=new),
            CommandHandler("add", bot.add, filters=new),
            CommandHandler("stats", bot.show_stats, filters=new),
            CallbackQueryHandler(bot.sources),
            MessageHandler(new & filters.TEXT & ~filters.COMMAND & FOR_ME, bot.question),
            MessageHandler(new & filters.COMMAND & FOR_ME, bot.unknown_command),
            MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL & FOR_ME, bot.not_text),
        ]
    )
    app.add_error_handler(bot.on_error)
    return app


def newsbot_of(app: Application) -> NewsBot:
    bot: NewsBot = app.bot_data[BOT_DATA_KEY]
    return bot


# ---- running ----------------------------------------------------------------------------------


async def start_bot(app: Application, settings: Settings, *, webhook: bool = False) -> None:
    """Announce the commands and start taking updates (`app` must be initialized)."""
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in messages.BOT_COMMANDS])
    await app.start()
    assert app.updater is not None
    if webhook:
        await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.strip("/"),
            webhook_url=settings.webhook_url,
            secret_token=webhook_secret(app.bot.token),
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)


async def stop_bot(app: Application) -> None:
    """Stop taking updates and let the questions in hand finish; an index run gives up."""
    newsbot_of(app).stopping.set()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()


def ensure_index(settings: Settings, embedder: Embedder) -> None:
    """Build the index from the corpus when there is none yet, so a fresh install just runs."""
    if current_generation(settings.data_dir) is not None:
        return
    paths = ", ".join(str(p) for p in settings.corpus_paths)
    log.warning("No index in %s yet: building it from %s", settings.data_dir, paths)
    report = build_index(settings.corpus_paths, settings, embedder)
    log.warning("Index built: %s", report.summary().replace("\n", "; "))


async def _serve(app: Application, settings: Settings, webhook: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await start_bot(app, settings, webhook=webhook)
        how = f"a webhook on port {settings.webhook_port}" if webhook else "long polling"
        log.info("newsbot answers as @%s (%s)", app.bot.username, how)
        try:
            await stop.wait()
            log.info("stopping: finishing the questions in hand")
        finally:
            await stop_bot(app)


def run_bot(settings: Settings, webhook: bool = False) -> None:
    """Run the bot until SIGINT or SIGTERM: long polling, or a webhook server with `webhook`.

    Problems a user can fix (no token, a token Telegram rejects, no index and no corpus) end in
    one line (click.ClickException), never a traceback.
    """
    token = settings.telegram_token.get_secret_value().strip() if settings.telegram_token else ""
    if not token:
        raise click.ClickException(
            "NEWSBOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather and set its token."
        )
    if webhook and not settings.webhook_url.startswith("https://"):
        raise click.ClickException(
            "--webhook needs NEWSBOT_WEBHOOK_URL, the public https:// URL Telegram posts to."
        )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    try:
        ensure_index(settings, embedder)
        reader = load_reader(settings.reader_weights, settings.embedding_model, settings.reader)
        service = NewsService(settings, embedder, reader)
        service.context()
        embedder.encode(["warm-up"])  # load the model now, not on the first question
    except (StoreError, EmbedderError, ReaderError) as exc:
        raise click.ClickException(str(exc)) from exc
    app = build_application(settings, service, embedder)
    try:
        asyncio.run(_serve(app, settings, webhook))
    except InvalidToken:
        raise click.ClickException(
            "Telegram rejected NEWSBOT_TELEGRAM_TOKEN; check the token with @BotFather."
        ) from None
    except NetworkError as exc:
        where = urlsplit(settings.telegram_base_url).netloc
        reason = str(exc).replace(token, "<token>")
        raise click.ClickException(
            f"Cannot reach the Telegram Bot API at {where}: {reason}"
        ) from None
    except OSError as exc:  # e.g. the webhook port is taken
        raise click.ClickException(f"Cannot start the bot: {exc}") from None
    finally:
        service.conversations.close()
