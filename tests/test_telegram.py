"""The Telegram bot end to end: the real PTB Application over HTTP against the fake Bot API,
answering from a real index of corpus/ with the real embedding model, played by fake users.

Every test that runs the bot ends with `fake.assert_no_rejections()`: nothing the bot sent was
refused the way Telegram would refuse it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import logging
import re
import shutil
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot.config import Settings
from bot.surfaces import messages
from bot.surfaces.service import NewsService
from bot.surfaces.telegram.addressing import strip_mention
from bot.surfaces.telegram.app import (
    PROGRESS_EDIT_SECONDS,
    base_file_url,
    build_application,
    newsbot_of,
    webhook_secret,
)
from bot.surfaces.telegram.fetch import added_folder
from bot.surfaces.telegram.memory import AnswerMemory
from bot.surfaces.telegram.ratelimit import SlidingWindowLimiter
from bot.surfaces.telegram.replies import age_of, duration, progress_line
from bot.surfaces.telegram.serve import ensure_index, start_bot, stop_bot
from bot.types import Answer, Citation
from index.build import Progress, build_index
from index.embedder import Embedder
from index.ingest.articles import Article
from index.ingest.loaders import load_paths
from index.ingest.page import save_article, slug
from index.store.catalog import open_index
from index.store.generations import current_generation
from tests.conftest import CORPUS, write_article
from tests.fake_bot_api import FakeBotApi, SentMessage
from tests.feed_server import feed_site

ADMIN = 1
USER = 2
OTHER = 3
GROUP = -1001
FOUNDING_QUESTION = "Who warned the US against deploying troops in Central Asia?"
ANSWER_TIMEOUT = 60.0  # the real model on a busy machine


# ---- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def bot_settings(base: Settings, fake: FakeBotApi, data_dir: Path, **changes: object) -> Settings:
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "telegram_token": SecretStr(fake.token),
            "telegram_base_url": fake.base_url,
            "admin_ids": [ADMIN],
            "rate_limit_count": 1000,
            **changes,
        }
    )


@pytest.fixture
def settings(corpus_settings: Settings, fake: FakeBotApi, tmp_path: Path) -> Settings:
    """corpus/ indexed (a copy of the session's index), the corpus folder for /add empty."""
    shutil.copytree(corpus_settings.data_dir, tmp_path / "data")
    return bot_settings(corpus_settings, fake, tmp_path / "data", corpus_paths=[tmp_path / "news"])


@pytest.fixture
def own_corpus(
    corpus_settings: Settings, fake: FakeBotApi, tmp_path: Path, real_embedder: Embedder
) -> Settings:
    """A copy of corpus/ in tmp_path/news, indexed into tmp_path/data, for /reindex to change.
    The session index's embedding cache is copied, so nothing is embedded again."""
    news = tmp_path / "news"
    shutil.copytree(CORPUS, news)
    data = tmp_path / "data"
    data.mkdir()
    for cache in corpus_settings.data_dir.glob("vectors.db*"):
        shutil.copy(cache, data / cache.name)
    settings = bot_settings(corpus_settings, fake, data, corpus_paths=[news])
    build_index(settings.corpus_paths, settings, real_embedder)
    return settings


class GatedEmbedder:
    """The real model, except that encoding a text containing `marker` waits for `gate` (and
    then fails, with `fail`): a rebuild can be held half-way while users keep asking."""

    def __init__(self, inner: Embedder, marker: str, *, fail: bool = False) -> None:
        self.inner = inner
        self.name = inner.name
        self.marker = marker
        self.fail = fail
        self.entered = threading.Event()
        self.gate = threading.Event()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if any(self.marker in t for t in texts):
            self.entered.set()
            if not self.gate.wait(60):
                raise TimeoutError("the test never opened the gate")
            if self.fail:
                raise RuntimeError("disk on fire: <b>&</b>")
        return self.inner.encode(texts)


@contextlib.asynccontextmanager
async def running(
    fake: FakeBotApi,
    settings: Settings,
    embedder: Embedder,
    edit_every: float = PROGRESS_EDIT_SECONDS,
) -> AsyncIterator[Application]:
    """The bot polling the fake until the block ends (answering with the real model)."""
    service = NewsService(settings, real_model(embedder))
    app = build_application(settings, service, embedder, edit_every=edit_every)
    try:
        async with app:
            await start_bot(app, settings)
            try:
                yield app
            finally:
                await stop_bot(app)
        await fake.wait_polls_done()
    finally:
        service.conversations.close()


async def say(
    fake: FakeBotApi,
    chat: int,
    text: str,
    *,
    user: int | None = None,
    chat_type: str = "private",
    reply_to: int | None = None,
) -> list[SentMessage]:
    """A user sends `text`; the bot's first reply (a list, for `[reply] = await say(...)`)."""
    sent = fake.push_message(chat, user, text, chat_type=chat_type, reply_to=reply_to)
    return await fake.wait_for(chat_id=chat, after=sent["message_id"], timeout=ANSWER_TIMEOUT)


def real_model(embedder: Embedder) -> Embedder:
    return embedder.inner if isinstance(embedder, GatedEmbedder) else embedder


def names_russia(text: str) -> bool:
    return any(name in text for name in ("Russia", "Moscow", "Ryabkov"))


# ---- pure parts -------------------------------------------------------------------------------


def test_rate_limit_is_a_sliding_window_with_one_notice_per_flood() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(2, 10, clock=lambda: now[0])
    assert limiter.hit("a").allowed
    now[0] = 4
    assert limiter.hit("a").allowed
    now[0] = 5
    refused = limiter.hit("a")
    assert not refused.allowed and refused.first_refusal and refused.retry_after == 5
    assert limiter.hit("a").first_refusal is False  # told once per flood
    assert limiter.hit("b").allowed  # per key
    now[0] = 10.5  # the event at 0 left the window, the one at 4 not yet
    assert limiter.hit("a").allowed
    again = limiter.hit("a")
    assert not again.allowed and again.first_refusal and again.retry_after == pytest.approx(3.5)


def test_rate_limit_forgets_idle_keys() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(1, 1, clock=lambda: now[0], max_keys=100)
    for user in range(10_000):
        now[0] += 0.1
        limiter.hit(user)
    assert len(limiter._windows) <= 200


def citation(n: int = 1) -> Citation:
    return Citation(n, "a1", "Title", "Outlet", "2024-01-02", "https://e.com/", 1, "Q.", "Q. R.")


def test_answer_memory_keeps_the_latest_answers_per_chat() -> None:
    memory = AnswerMemory(per_chat=2, chats=2)
    answer = Answer("q", "a", False, (citation(),))
    keys = [memory.remember(1, answer) for _ in range(3)]
    assert memory.recall(1, keys[0]) is None and memory.recall(1, keys[2]) is not None
    assert memory.recall(2, keys[2]) is None  # another chat's key shows nothing
    memory.remember(2, answer)
    memory.remember(3, answer)  # chat 1 was used least recently
    assert memory.recall(1, keys[2]) is None


def test_small_helpers() -> None:
    assert base_file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert base_file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert base_file_url("http://host/custom/") is None
    assert [duration(s) for s in (5, 600, 3 * 3600 + 300, 3 * 86400)] == [
        "5 s",
        "10 min",
        "3 h 5 min",
        "3 d 0 h",
    ]
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert age_of("2024-05-01T10:30:00Z", now) == "1 h 30 min"
    assert age_of("", now) == "an unknown time"
    assert strip_mention("@NewsBot_Test_Bot who won?", "newsbot_test_bot") == "who won?"
    assert slug("Élection à Paris: <b>résultats</b>!") == "election-a-paris-b-resultats-b"
    assert len(webhook_secret("1:x")) == 64 and webhook_secret("1:x") != webhook_secret("1:y")
    assert [
        progress_line(p)
        for p in (Progress("loading", 7), Progress("embedding", 2, 9), Progress("sentences", 3, 9))
    ] == [
        "Reading articles: 7",
        "Embedding passages: 2 of 9",
        "Embedding their sentences: 3 of 9 passages",
    ]


def test_added_articles_go_to_the_first_corpus_folder(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{}")
    assert added_folder([feed, tmp_path / "news"]) == tmp_path / "news" / "added"
    assert added_folder([feed]) is None


def test_a_saved_article_reads_back_the_same(tmp_path: Path) -> None:
    article = Article(
        key="telegram",
        title="Storm <b>closes</b> ports & more",
        paragraphs=("Heavy winds: closed both ports.", "title: not front matter.", "Friday."),
        source="Added via Telegram",
    )
    path = save_article(tmp_path, article, date(2024, 5, 1))
    assert path.parent == tmp_path and path.name.endswith("-storm-b-closes-b-ports-more.txt")
    [loaded] = load_paths([tmp_path])
    assert isinstance(loaded, Article)
    assert (loaded.title, loaded.paragraphs) == (article.title, article.paragraphs)
    assert (loaded.source, loaded.published) == ("Added via Telegram", "2024-05-01")
    assert save_article(tmp_path, article, date(2024, 5, 1)) != path  # never overwritten


@pytest.mark.slow
def test_ensure_index_builds_a_missing_index(
    tmp_path: Path,
    corpus_settings: Settings,
    real_embedder: Embedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    news = tmp_path / "news"
    write_article(
        news, "a.txt", "Harbour reopens", "The harbour reopened on Monday after the storm."
    )
    settings = corpus_settings.model_copy(
        update={"data_dir": tmp_path / "data", "corpus_paths": [news]}
    )
    with caplog.at_level(logging.WARNING, logger="bot.surfaces.telegram.app"):
        ensure_index(settings, real_embedder)
    assert open_index(settings.data_dir).info().articles == 1
    assert "No index in" in caplog.text
    generation = current_generation(settings.data_dir)
    ensure_index(settings, real_embedder)
    assert current_generation(settings.data_dir) == generation  # an index is left alone


# ---- users ------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_help_says_what_the_bot_knows_and_the_commands_are_set(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    async with running(fake, settings, real_embedder):
        [help_text] = await say(fake, USER, "/start")
        [admin_help] = await say(fake, ADMIN, "/help")
    assert "Ask me about the news" in help_text.text
    assert "44 news articles; the newest is from 2023-02-23" in help_text.text
    assert "Recent stories" in help_text.text and help_text.entity_texts("text_link")
    assert "/reindex" not in help_text.text and "/reindex" in admin_help.text
    assert [c["command"] for c in fake.commands()] == [
        "help",
        "ask",
        "new",
        "latest",
        "alert",
        "alerts",
    ]
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_the_founding_question_is_answered_with_a_citation_and_sources(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    async with running(fake, settings, real_embedder):
        [answer] = await say(fake, USER, FOUNDING_QUESTION)
        assert names_russia(answer.text)
        assert "Press TV" in answer.text and "¶" in answer.text
        assert answer.entity_texts("text_link") == [
            "Russia warns against US troop deployments in Central Asia"
        ]
        assert "typing" in fake.chat_actions(USER)
        assert [b["text"] for b in answer.buttons] == [messages.SOURCES_BUTTON]

        query = fake.click(answer, messages.SOURCES_BUTTON)
        [sources] = await fake.wait_for(chat_id=USER, after=answer.message_id)
        assert sources.text.startswith("Sources")
        assert sources.reply_to_message_id == answer.message_id
        index = open_index(settings.data_dir)
        [(article_id,)] = index.db.execute(
            "select article_id from articles where source = 'Press TV'"
        ).fetchall()
        cited = int(re.findall(r"Press TV, Jul 2021, ¶(\d+)", answer.text)[0])
        [paragraph] = [p["text"] for p in index.paragraphs(article_id) if p["ordinal"] == cited]
        assert paragraph in sources.text  # the cited paragraph in full
        assert fake.callback_answered(query)

        stale = fake.push_callback(USER, USER, answer.message_id, "src:00000000")
        [expired] = await fake.wait_for_call(
            "answerCallbackQuery", lambda c: c.params["callback_query_id"] == stale, timeout=10
        )
        assert expired.params["text"] == messages.SOURCES_EXPIRED and expired.ok
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_follow_ups_continue_the_chat_and_new_starts_afresh(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    async with running(fake, settings, real_embedder) as app:
        conversations = newsbot_of(app).service.conversations
        await say(fake, USER, FOUNDING_QUESTION)
        await say(fake, USER, "And what did he say about Afghanistan?")
        turns = conversations.history(str(USER))
        assert [t.question for t in turns] == [FOUNDING_QUESTION, turns[1].question]
        assert turns[1].resolved_question != turns[1].question  # read as a follow-up
        [fresh] = await say(fake, USER, "/new")
        assert fresh.text == messages.NEW_CONVERSATION
        assert conversations.history(str(USER)) == []
        assert conversations.history(str(OTHER)) == []
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_in_a_group_the_bot_answers_only_when_spoken_to(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    async def in_group(text: str, reply_to: int | None = None) -> SentMessage:
        [reply] = await say(fake, GROUP, text, user=USER, chat_type="group", reply_to=reply_to)
        return reply

    async with running(fake, settings, real_embedder):
        chatter = fake.push_message(GROUP, USER, "Who warned whom? Anyone?", chat_type="group")
        fake.push_sticker(GROUP, USER, chat_type="group")
        fake.push_message(GROUP, USER, "/start@some_other_bot", chat_type="group")
        await fake.wait_idle(quiet=0.3, timeout=10)
        assert fake.sent_messages(GROUP) == []

        answer = await in_group(f"@newsbot_test_bot {FOUNDING_QUESTION}")
        assert names_russia(answer.text)
        assert answer.reply_to_message_id == answer.message_id - 1  # quotes the question
        follow_up = await in_group("Who is Ryabkov?", reply_to=answer.message_id)
        assert follow_up.reply_to_message_id == follow_up.message_id - 1
        assert names_russia((await in_group(f"/ask {FOUNDING_QUESTION}")).text)
        assert (await in_group("/ask@newsbot_test_bot")).text == messages.ASK_USAGE
        unknown = await in_group("/frobnicate@newsbot_test_bot")
        assert unknown.text == messages.UNKNOWN_COMMAND
        replied_to = {m.reply_to_message_id for m in fake.sent_messages(GROUP)}
        assert chatter["message_id"] not in replied_to
    fake.assert_no_rejections()


HOSTILE = [
    "<b>x</b> & <script>alert(1)</script> who warned the US?",
    "*bold* _italic_ [link](javascript:alert(1)) `code` ||spoiler|| \\ who is Ryabkov?",
    "&amp; &lt; &#0; &#xD800; &nbsp; </b></i> <a href='tg://x'>Moscow</a>",
    "\u202e\u200d\x00\x07 🏳️‍🌈🏟 🇺🇸 Ряд вопросов: кто предупредил США?",
]


@pytest.mark.slow
async def test_bad_and_hostile_input_gets_a_friendly_reply_and_never_breaks_the_bot(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    async with running(fake, settings, real_embedder):
        [too_long] = await say(fake, USER, "why " * 2500)
        assert too_long.text == messages.QUESTION_TOO_LONG.format(limit=settings.max_question_chars)
        [blank] = await say(fake, USER, "   \n\t ")
        assert blank.text == messages.EMPTY_QUESTION
        [empty] = await say(fake, USER, "")
        assert empty.text == messages.EMPTY_QUESTION
        [usage] = await say(fake, USER, "/ask   ")
        assert usage.text == messages.ASK_USAGE
        [unknown] = await say(fake, USER, "/frobnicate now")
        assert unknown.text == messages.UNKNOWN_COMMAND
        for push in (fake.push_sticker, fake.push_photo, fake.push_voice, fake.push_document):
            sent = push(USER)
            [reply] = await fake.wait_for(chat_id=USER, after=sent["message_id"], timeout=10)
            assert reply.text == messages.NON_TEXT_MESSAGE
        for question in HOSTILE:
            [reply] = await say(fake, USER, question)
            assert reply.text
        [answer] = await say(fake, USER, FOUNDING_QUESTION)  # still answering
        assert names_russia(answer.text)
    fake.assert_no_rejections()
    assert not any("Something went wrong" in m.text for m in fake.sent_messages())


@pytest.mark.slow
async def test_a_flood_from_one_user_is_rate_limited_politely(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    settings = settings.model_copy(update={"rate_limit_count": 3, "rate_limit_seconds": 1.5})
    async with running(fake, settings, real_embedder):
        first = fake.push_message(USER, USER, "who warned the US?")
        for _ in range(9):
            fake.push_message(USER, USER, "who warned the US?")
        [other] = await say(fake, OTHER, FOUNDING_QUESTION)  # others are not slowed down
        assert names_russia(other.text)
        await fake.wait_for(
            chat_id=USER, after=first["message_id"], count=4, timeout=ANSWER_TIMEOUT
        )
        await fake.wait_idle(quiet=0.3, timeout=ANSWER_TIMEOUT)
        replies = [m.text for m in fake.sent_messages(USER)]
        notices = [t for t in replies if t.startswith("You're asking faster")]
        assert len(replies) == 4 and len(notices) == 1  # 3 answers, one notice, then silence
        assert notices[0] in {messages.RATE_LIMITED.format(seconds=s) for s in (1, 2)}
        await asyncio.sleep(1.6)  # the window slides on
        [later] = await say(fake, USER, FOUNDING_QUESTION)
        assert names_russia(later.text)
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_telegram_flood_control_and_a_blocked_user_do_not_stop_the_bot(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.surfaces.telegram.app")
    async with running(fake, settings, real_embedder):
        fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        [answer] = await say(fake, USER, FOUNDING_QUESTION)
        assert names_russia(answer.text)
        fake.block(OTHER)
        fake.push_message(OTHER, OTHER, FOUNDING_QUESTION)
        for _ in range(int(ANSWER_TIMEOUT * 10)):
            if "could not tell chat 3 about the error" in caplog.text:
                break
            await asyncio.sleep(0.1)
        [again] = await say(fake, USER, "/help")
        assert "Ask me about the news" in again.text
    assert "could not tell chat 3 about the error" in caplog.text
    rejected = fake.rejected_calls()
    assert rejected and all(c.status == 403 and c.params["chat_id"] == OTHER for c in rejected)


@pytest.mark.slow
async def test_a_failure_is_logged_with_its_traceback_and_the_user_told(
    fake: FakeBotApi,
    settings: Settings,
    real_embedder: Embedder,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(conversation: str, question: str) -> Answer:
        raise RuntimeError("the index fell over")

    async with running(fake, settings, real_embedder) as app:
        monkeypatch.setattr(newsbot_of(app).service, "ask", broken)
        with caplog.at_level(logging.ERROR, logger="bot.surfaces.telegram.app"):
            [reply] = await say(fake, USER, FOUNDING_QUESTION)
        assert reply.text == messages.SOMETHING_WENT_WRONG
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and "the index fell over" in caplog.text
    assert "Traceback" in caplog.text and FOUNDING_QUESTION not in caplog.text
    fake.assert_no_rejections()


# ---- admins -----------------------------------------------------------------------------------

ZANZIBAR = (
    "Zanzibarian ferry company orders three new boats",
    "The Zanzibarian Ferry Company said on Tuesday it had ordered three new passenger boats "
    "from a shipyard in Mombasa, to be delivered next year.",
    "The boats will carry up to 400 passengers each between Stone Town and Dar es Salaam.",
)


@pytest.mark.slow
async def test_admin_reindex_while_users_keep_asking(
    fake: FakeBotApi,
    own_corpus: Settings,
    real_embedder: Embedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = own_corpus
    write_article(settings.corpus_paths[0], "zanzibar.txt", *ZANZIBAR, source="Daily News")
    gated = GatedEmbedder(real_embedder, "Zanzibarian")
    service_info = lambda app: newsbot_of(app).service.context().index.info()  # noqa: E731
    async with running(fake, settings, gated, edit_every=0.05) as app:
        [status] = await say(fake, ADMIN, "/reindex")
        assert status.text.startswith(messages.REINDEX_STARTED)
        assert await asyncio.to_thread(gated.entered.wait, 30)
        await fake.wait_for(
            lambda m: m.message_id == status.message_id and "Embedding passages: 0 of" in m.text,
            chat_id=ADMIN,
            timeout=10,
        )
        with caplog.at_level(logging.WARNING, logger="bot.surfaces.telegram.app"):
            [refused] = await say(fake, USER, "/reindex full")
        assert refused.text == messages.ADMIN_ONLY
        assert "refused /reindex to user 2" in caplog.text
        [busy] = await say(fake, ADMIN, "/reindex")
        assert busy.text == messages.REINDEX_BUSY

        # Users keep asking while the rebuild is held half-way: all answered, old index.
        asked = [fake.push_message(chat, chat, FOUNDING_QUESTION) for chat in (USER, OTHER, 4)]
        for chat, message in zip((USER, OTHER, 4), asked, strict=True):
            [reply] = await fake.wait_for(
                chat_id=chat, after=message["message_id"], timeout=ANSWER_TIMEOUT
            )
            assert names_russia(reply.text)
        assert (await asyncio.to_thread(service_info, app)).articles == 44

        gated.gate.set()
        [done] = await fake.wait_for(
            lambda m: m.message_id == status.message_id and "Done in" in m.text,
            chat_id=ADMIN,
            timeout=ANSWER_TIMEOUT,
        )
        assert "added 1, updated 0, removed 0, skipped 0 (44 unchanged)" in done.text
        assert "now holds 45 articles" in done.text
        assert (await asyncio.to_thread(service_info, app)).articles == 45
        [answer] = await say(fake, USER, "How many boats did the ferry company order?")
        assert "Zanzibarian ferry company" in answer.text and "Daily News" in answer.text

        [full] = await say(fake, ADMIN, "/reindex full")
        await fake.wait_for(
            lambda m: m.message_id == full.message_id and "Done in" in m.text,
            chat_id=ADMIN,
            timeout=ANSWER_TIMEOUT,
        )
        [stats] = await say(fake, ADMIN, "/stats")
        assert "45 articles" in stats.text and "questions answered" in stats.text
        assert "4 questions answered" in stats.text  # 3 during the rebuild, 1 after it
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_a_failed_rebuild_keeps_the_old_index_and_says_why(
    fake: FakeBotApi, own_corpus: Settings, real_embedder: Embedder
) -> None:
    settings = own_corpus
    live = current_generation(settings.data_dir)
    write_article(settings.corpus_paths[0], "zanzibar.txt", *ZANZIBAR)
    failing = GatedEmbedder(real_embedder, "Zanzibarian", fail=True)
    failing.gate.set()
    async with running(fake, settings, failing, edit_every=0.05):
        [status] = await say(fake, ADMIN, "/reindex")
        [failed] = await fake.wait_for(
            lambda m: m.message_id == status.message_id and "failed" in m.text,
            chat_id=ADMIN,
            timeout=ANSWER_TIMEOUT,
        )
        assert "Error: disk on fire: <b>&</b>" in failed.text  # escaped, shown as typed
        assert "Traceback" not in failed.text
        assert current_generation(settings.data_dir) == live
        [answer] = await say(fake, USER, FOUNDING_QUESTION)
        assert names_russia(answer.text)
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_stopping_the_bot_cancels_a_running_rebuild(
    fake: FakeBotApi, own_corpus: Settings, real_embedder: Embedder
) -> None:
    settings = own_corpus
    live = current_generation(settings.data_dir)
    write_article(settings.corpus_paths[0], "zanzibar.txt", *ZANZIBAR)
    gated = GatedEmbedder(real_embedder, "Zanzibarian")
    async with running(fake, settings, gated) as app:
        [status] = await say(fake, ADMIN, "/reindex")
        assert await asyncio.to_thread(gated.entered.wait, 30)
        stopping = asyncio.create_task(stop_bot(app))
        while not newsbot_of(app).stopping.is_set():
            await asyncio.sleep(0.01)
        gated.gate.set()
        await asyncio.wait_for(stopping, 30)
    [cancelled] = fake.sent_messages(ADMIN)
    assert cancelled.message_id == status.message_id
    assert messages.REINDEX_CANCELLED in cancelled.text
    assert current_generation(settings.data_dir) == live
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_admin_adds_pasted_text_with_markup_and_users_ask_about_it(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    pasted = (
        "/add Stone Town harbour <b>shut</b> & <script>alert(1)</script>\n"
        "The harbour master of Stone Town said on Monday that <b>forty</b> ships & two ferries "
        "were held in port by the storm <script>alert('x')</script>.\n"
        "Ferries will sail again on Wednesday, [the port](javascript:alert(1)) *said*."
    )
    async with running(fake, settings, real_embedder, edit_every=0.05):
        [refused] = await say(fake, USER, pasted)
        assert refused.text == messages.ADMIN_ONLY
        [status] = await say(fake, ADMIN, pasted)
        assert status.text.startswith("Saved “Stone Town harbour <b>shut</b> & <script>")
        await fake.wait_for(
            lambda m: m.message_id == status.message_id and "Done in" in m.text,
            chat_id=ADMIN,
            timeout=ANSWER_TIMEOUT,
        )
        [answer] = await say(
            fake, USER, "How many ships were held in port by the storm in Stone Town?"
        )
        assert "Stone Town harbour <b>shut</b> & <script>alert(1)</script>" in answer.text
        assert messages.ADDED_SOURCE in answer.text
        fake.click(answer, messages.SOURCES_BUTTON)
        [sources] = await fake.wait_for(chat_id=USER, after=answer.message_id)
        assert "<script>" in sources.text
        [usage] = await say(fake, ADMIN, "/add")
        assert usage.text.startswith("Send /add with a link")
        [nothing] = await say(fake, ADMIN, "/add Just a title")
        assert nothing.text == messages.ADD_NO_TEXT
    [saved] = (settings.corpus_paths[0] / "added").iterdir()
    assert "source: Added via Telegram" in saved.read_text()
    assert f"published: {date.today().isoformat()}" in saved.read_text()
    fake.assert_no_rejections()


PAGE = """<!doctype html><html><head><title>Ferry strike ends in Mombasa</title>
<meta property="og:site_name" content="Coast Herald">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Ferry strike ends in Mombasa</h1>
<p>Ferry workers in Mombasa ended a five-day strike on Tuesday after the port authority agreed
to raise their wages by twelve percent, the workers' union said.</p>
<p>The Likoni ferry, which carries some 300,000 people a day, resumed service in the
afternoon, and queues on both banks cleared by the evening.</p>
<p>The union's secretary general said the agreement would be signed on Friday.</p>
</article><footer>All rights reserved</footer></body></html>"""


@pytest.fixture
def website() -> Iterator[str]:
    """A web page on loopback (the machine has no other network)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode()
            self.send_response(200 if self.path == "/ferry" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
async def test_admin_adds_a_link(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder, website: str
) -> None:
    async with running(fake, settings, real_embedder, edit_every=0.05):
        [unreachable] = await say(fake, ADMIN, "/add http://127.0.0.1:9/news")
        assert unreachable.text.startswith("I couldn't fetch that page (the server could not be")
        [missing] = await say(fake, ADMIN, f"/add {website}/gone")
        assert "(the server answered 404)" in missing.text
        [status] = await say(fake, ADMIN, f"/add {website}/ferry")
        assert status.text.startswith("Saved “Ferry strike ends in Mombasa” (3 paragraphs)")
        await fake.wait_for(
            lambda m: m.message_id == status.message_id and "Done in" in m.text,
            chat_id=ADMIN,
            timeout=ANSWER_TIMEOUT,
        )
        [answer] = await say(fake, USER, "By how much will the Mombasa ferry workers' wages rise?")
        assert "twelve percent" in answer.text and "Coast Herald" in answer.text
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_stats_for_admins_only(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(fake, settings, real_embedder):
        info = open_index(settings.data_dir).info()
        [before] = await say(fake, ADMIN, "/stats")
        assert f"{info.articles} articles, {info.chunks} passages" in before.text
        assert "median reply time –" in before.text
        await say(fake, USER, FOUNDING_QUESTION)
        [after] = await say(fake, ADMIN, "/stats")
        assert "1 questions answered, median reply time " in after.text
        assert " ms." in after.text
        with caplog.at_level(logging.WARNING, logger="bot.surfaces.telegram.app"):
            [refused] = await say(fake, OTHER, "/stats")
        assert refused.text == messages.ADMIN_ONLY
        assert "refused /stats to user 3" in caplog.text
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_webhook_mode(fake: FakeBotApi, settings: Settings, real_embedder: Embedder) -> None:
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = settings.model_copy(
        update={
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_url": "https://bot.example.org/telegram/hook",
        }
    )
    service = NewsService(settings, real_embedder)
    app = build_application(settings, service, real_embedder)
    async with app:
        await start_bot(app, settings, webhook=True)
        [hook] = fake.calls("setWebhook")
        assert hook.params["url"] == settings.webhook_url
        secret = webhook_secret(fake.token)
        assert hook.params["secret_token"] == secret
        fake.add_chat(USER)
        message = {
            "message_id": 100,
            "date": 0,
            "chat": {"id": USER, "type": "private", "first_name": "Test"},
            "from": {"id": USER, "is_bot": False, "first_name": "Test"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }
        url = f"http://127.0.0.1:{port}/telegram/hook"
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, json={"update_id": 1, "message": message})
            assert forged.status_code == 403  # without Telegram's secret header
            posted = await client.post(
                url,
                json={"update_id": 2, "message": message},
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert posted.status_code == 200
        [reply] = await fake.wait_for(chat_id=USER, timeout=10)
        assert "Ask me about the news" in reply.text
        await stop_bot(app)
    service.conversations.close()
    fake.assert_no_rejections()


@pytest.mark.slow
async def test_admin_follows_a_feed_and_its_new_story_is_answered(
    fake: FakeBotApi, settings: Settings, real_embedder: Embedder
) -> None:
    polled = settings.model_copy(update={"feed_check_seconds": 0.2})
    with feed_site() as site:
        async with running(fake, polled, real_embedder):
            [refused] = await say(fake, OTHER, f"/follow {site.base}/rss")
            assert refused.text == messages.ADMIN_ONLY
            [usage] = await say(fake, ADMIN, "/follow")
            assert usage.text.startswith("Put the feed's address after the command")
            [bad] = await say(fake, ADMIN, "/follow ftp://example.org/rss")
            assert bad.text.startswith("I can't follow that: 'ftp://example.org/rss' is not")
            [none] = await say(fake, ADMIN, "/feeds")
            assert none.text.startswith("I follow no feeds yet")
            [alert] = await say(fake, USER, "/alert bridge council")
            assert alert.text == "I'll tell you when a new story matches bridge council."
            [ok] = await say(fake, ADMIN, f"/follow {site.base}/rss 30")
            assert ok.text.startswith(f"Following {site.base}/rss, polled every 30 min")
            # The scheduled poll takes the two stories and indexes them; answers go on.
            before = open_index(polled.data_dir).article_count()
            live = current_generation(polled.data_dir)
            for _ in range(600):
                if open_index(polled.data_dir).article_count() == before + 2:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the followed feed's stories were never indexed")
            # Appended to the live generation, which the bot's open view then takes in.
            assert current_generation(polled.data_dir) == live
            [answer] = await say(fake, USER, "By what vote did the council approve the bridge?")
            assert "7 to 2" in answer.text and "Harbour News" in answer.text, answer.text
            [told] = await fake.wait_for(
                lambda m: m.text.startswith("New story on bridge council"),
                chat_id=USER,
                timeout=ANSWER_TIMEOUT,
            )
            assert "Council approves the bridge" in told.text and "7 to 2" in told.text
            [mine] = await say(fake, USER, "/alerts")
            assert mine.text == "Your alerts\n• bridge council"
            [dropped] = await say(fake, USER, "/unalert all")
            assert dropped.text == "Dropped 1 alert(s)."
            [newest] = await say(fake, USER, "/latest")
            assert newest.text.splitlines()[1].startswith("• Council approves the bridge")
            [topic] = await say(fake, USER, "/latest ferries Mallorca")
            assert "Port Vell reopens" in topic.text.splitlines()[1], topic.text
            [nothing] = await say(fake, USER, "/latest zzyzx qwerty")
            assert nothing.text == "I have no stories about zzyzx qwerty."
            [listed] = await say(fake, ADMIN, "/feeds")
            assert "Harbour News" in listed.text and "2 new" in listed.text
            [gone] = await say(fake, ADMIN, f"/unfollow {site.base}/rss")
            assert gone.text.startswith(f"No longer following {site.base}/rss")
            [again] = await say(fake, ADMIN, f"/unfollow {site.base}/rss")
            assert again.text.startswith("I'm not following")
    fake.assert_no_rejections()
