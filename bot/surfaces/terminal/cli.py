"""The `newsbot` command line: the one place that reads settings and wires the parts."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path

import click
from pydantic import ValidationError

from bot.answering.latest import LATEST_STORIES, latest
from bot.config import ReaderKind, Settings
from bot.evaluation.runner import eval_cmd
from bot.lm.cli import model_cmd
from bot.lm.model import ModelError
from bot.reader.cli import train_reader_cmd, tune_reader_cmd
from bot.reader.model import ReaderError
from bot.surfaces.answer_json import answer_to_json
from bot.surfaces.messages import question_problem
from bot.surfaces.readers import Readers, open_readers
from bot.surfaces.service import NewsService
from bot.surfaces.terminal.feeds import feeds_cmd
from bot.surfaces.terminal.format import format_answer
from bot.surfaces.terminal.indexing import make_embedder, run_index
from index.embedder import EmbedderError
from index.store import StoreError, open_index

log = logging.getLogger("newsbot")


def make_readers(settings: Settings) -> Readers:
    """The reader NEWSBOT_READER (or --reader) chooses, loaded."""
    try:
        return open_readers(settings)
    except (ReaderError, ModelError, EmbedderError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
@click.option(
    "--reader",
    type=click.Choice([k.value for k in ReaderKind]),
    help="Who reads the evidence (NEWSBOT_READER): lm (default), minilm (fast) or rules.",
)
@click.option(
    "--no-reader", is_flag=True, help="Answer by the English rules alone (--reader rules)."
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool, reader: str | None, no_reader: bool) -> None:
    """newsbot: answers questions about news, citing the exact paragraph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs request URLs, which carry the bot token, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        ctx.obj = Settings()
    except ValidationError as exc:
        raise click.ClickException(f"Invalid settings: {exc}") from exc
    chosen = ReaderKind.RULES if no_reader else ReaderKind(reader) if reader else None
    if chosen is not None:
        ctx.obj = ctx.obj.model_copy(update={"reader": chosen})


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build the index anew instead of updating it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars; only the summary line.")
@click.pass_obj
def index_cmd(settings: Settings, paths: tuple[Path, ...], rebuild: bool, quiet: bool) -> None:
    """Index PATHS (files or folders; default: NEWSBOT_CORPUS_PATHS), incrementally."""
    click.echo(run_index(settings, paths, rebuild, quiet).summary())


@cli.command("stats")
@click.pass_obj
def stats_cmd(settings: Settings) -> None:
    """What the index holds."""
    try:
        info = open_index(settings.data_dir).info()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"articles: {info.articles}")
    click.echo(f"stories: {info.stories} (near-duplicate copies linked to their first copy)")
    click.echo(f"paragraphs: {info.paragraphs}")
    click.echo(f"chunks: {info.chunks}")
    click.echo(f"newest article: {info.newest or 'unknown'}")
    click.echo(f"model: {info.model} ({info.dim} dimensions, FAISS {info.faiss_index})")
    click.echo(
        f"index size: {info.size_bytes / 1e6:.1f} MB ({info.generation}, built {info.built_at})"
    )
    if info.appended:
        click.echo(f"updated: {info.updated_at} ({info.appended} chunks appended since the build)")


def open_service(settings: Settings) -> NewsService:
    service = NewsService(settings, make_embedder(settings), make_readers(settings))
    try:
        service.context()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    return service


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2023-01-05") from exc


@cli.command("ask")
@click.argument("question")
@click.option("--as-of", help="Take this day (YYYY-MM-DD) as today, for 'this week' and the like.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@click.option("--conversation", default="cli", show_default=True, help="Conversation id.")
@click.option("--debug", is_flag=True, help="Show scores and timings of each stage.")
@click.pass_obj
def ask_cmd(
    settings: Settings,
    question: str,
    as_of: str | None,
    as_json: bool,
    conversation: str,
    debug: bool,
) -> None:
    """Answer QUESTION from the index, with citations."""
    day = parse_day(as_of)
    problem = question_problem(question, settings.max_question_chars)
    if problem:
        raise click.ClickException(problem)
    service = open_service(settings)
    answer = service.ask(conversation, question, as_of=day)
    if as_json:
        click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False))
    else:
        click.echo(format_answer(answer, color=sys.stdout.isatty(), debug=debug))


@cli.command("latest")
@click.argument("topic", required=False, default="")
@click.option("-n", "count", type=click.IntRange(1, 100), default=LATEST_STORIES, show_default=True)
@click.pass_obj
def latest_cmd(settings: Settings, topic: str, count: int) -> None:
    """The newest stories in the index, or the newest about TOPIC (copies shown once)."""
    service = NewsService(settings, make_embedder(settings))
    try:
        stories = latest(service.context(), topic, count)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if not stories:
        click.echo(f"no stories about {topic!r}" if topic else "the index holds no stories")
    for s in stories:
        click.echo(f"{s.published or 'undated'}  {s.source}  {s.title}")
        if s.url:
            click.echo(f"    {s.url}")


@cli.command("repl")
@click.option("--as-of", help="Take this day (YYYY-MM-DD) as today.")
@click.pass_obj
def repl_cmd(settings: Settings, as_of: str | None) -> None:
    """Ask questions interactively (history, line editing, follow-ups)."""
    from bot.surfaces.terminal.repl import run_repl

    run_repl(open_service(settings), parse_day(as_of))


@cli.command("serve")
@click.option(
    "--webhook",
    is_flag=True,
    help="Take updates on a webhook (NEWSBOT_WEBHOOK_*) instead of long polling.",
)
@click.pass_obj
def serve_cmd(settings: Settings, webhook: bool) -> None:
    """Run the Telegram bot until SIGINT/SIGTERM (builds the index first if there is none)."""
    # Imported here: the other commands need neither PTB nor its HTTP stack.
    from bot.surfaces.telegram.serve import run_bot

    run_bot(settings, webhook=webhook)


cli.add_command(eval_cmd)
cli.add_command(feeds_cmd)
cli.add_command(model_cmd)
cli.add_command(train_reader_cmd)
cli.add_command(tune_reader_cmd)


def main() -> None:
    cli(prog_name="newsbot")
