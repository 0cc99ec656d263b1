"""newsbot serve: the bot's start-up and shutdown, long polling or a webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlsplit

import click
from telegram import (
    BotCommand,
)
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
)

from bot.config import Settings
from bot.lm.model import ModelError
from bot.reader.model import ReaderError
from bot.surfaces import messages
from bot.surfaces.readers import open_readers
from bot.surfaces.service import NewsService
from bot.surfaces.telegram.app import ALLOWED_UPDATES, build_application, newsbot_of, webhook_secret
from index.build import build_index
from index.embedder import Embedder, EmbedderError, SentenceTransformerEmbedder
from index.store import StoreError, current_generation

log = logging.getLogger(__name__)


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
    report = build_index(settings.indexed_paths(), settings, embedder)
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
        service = NewsService(settings, embedder, open_readers(settings, fallback=True))
        service.context()
        embedder.encode(["warm-up"])  # load the model now, not on the first question
    except (StoreError, EmbedderError, ReaderError, ModelError) as exc:
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
