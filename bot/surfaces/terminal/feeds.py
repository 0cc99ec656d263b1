"""`newsbot feeds`: follow news feeds, list and drop them, and poll them now."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime

import click

from bot.config import Settings
from bot.surfaces.terminal.indexing import run_index
from index.feeds.poll import poll_feeds, summary_line
from index.feeds.registry import FeedError, FeedRegistry


@click.group("feeds")
def feeds_cmd() -> None:
    """Follow RSS/Atom/RDF feeds: their new stories are indexed as they come."""


@feeds_cmd.command("add")
@click.argument("url")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    help="Poll it every this many minutes (default NEWSBOT_FEED_INTERVAL_MINUTES).",
)
@click.pass_obj
def add_cmd(settings: Settings, url: str, every: int | None) -> None:
    """Follow the feed at URL."""
    try:
        with closing(FeedRegistry(settings.data_dir)) as registry:
            feed, new = registry.add(url, every or settings.feed_interval_minutes)
    except FeedError as exc:
        raise click.ClickException(str(exc)) from exc
    verb = "following" if new else "already following; now polled"
    click.echo(f"{verb} {feed.url} every {feed.every_minutes} min (`newsbot feeds poll` polls now)")


@feeds_cmd.command("list")
@click.pass_obj
def list_cmd(settings: Settings) -> None:
    """The followed feeds: URL, title, interval, last poll, its status, stories taken."""
    with closing(FeedRegistry(settings.data_dir)) as registry:
        feeds = registry.feeds()
    if not feeds:
        click.echo("no feeds followed (add one with `newsbot feeds add URL`)")
    for f in feeds:
        click.echo(f"{f.url}\n  {f.title or '(not polled yet)'} · every {f.every_minutes} min")
        if f.last_poll:
            click.echo(f"  last poll {f.last_poll}: {f.status} · {f.taken} stories taken")


@feeds_cmd.command("remove")
@click.argument("url")
@click.pass_obj
def remove_cmd(settings: Settings, url: str) -> None:
    """Stop following the feed at URL (the stories already taken stay indexed)."""
    with closing(FeedRegistry(settings.data_dir)) as registry:
        removed = registry.remove(url)
    if not removed:
        raise click.ClickException(f"not following {url} (see `newsbot feeds list`)")
    click.echo(f"no longer following {url}")


@feeds_cmd.command("poll")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars while indexing.")
@click.pass_obj
def poll_cmd(settings: Settings, quiet: bool) -> None:
    """Poll every followed feed now and index what is new (exit 0 even when some fail)."""
    with closing(FeedRegistry(settings.data_dir)) as registry:
        results = poll_feeds(settings, registry, registry.feeds(), datetime.now(UTC))
    click.echo(summary_line(results))
    if any(r.new for r in results):
        click.echo(run_index(settings, (), rebuild=False, quiet=quiet).summary())
