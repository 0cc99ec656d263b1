"""The docs against the code: every setting, command and bot command the code has is documented
in README.md or docs/*.md, every one they name exists, their links lead somewhere, and no
placeholder is left. Fast: nothing here loads the model or touches the network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import SecretStr
from telegram.ext import CommandHandler

from bot.config import Settings
from bot.surfaces import messages
from bot.surfaces.terminal.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# Sections the other half of the docs still has to fill in; tighten this set as they land.
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:TABLE|SECTION)\b")


def doc_files() -> list[Path]:
    """README.md and every docs/*.md."""
    return [README, *sorted(DOCS.glob("*.md"))]


@pytest.fixture(scope="module")
def docs() -> str:
    """README.md and every docs/*.md, joined: a thing is documented when any of them names it."""
    return "\n\n".join(path.read_text(encoding="utf-8") for path in doc_files())


def headings(text: str) -> set[str]:
    """The anchors of a Markdown text's headings, as GitHub makes them."""
    return {
        re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        for title in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)
    }


def mentions(text: str, word: str) -> bool:
    """`word` in `text` as a whole token (`/new` is not found in `/news`)."""
    return re.search(rf"(?<![\w/]){re.escape(word)}(?![\w-])", text) is not None


def registered_commands() -> set[str]:
    """Every /command the Telegram bot handles, from the application it really builds."""
    from bot.surfaces.telegram.app import build_application

    settings = Settings(_env_file=None, telegram_token=SecretStr("123:abc"))
    app = build_application(settings, cast(Any, None), cast(Any, None))
    return {
        command
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(docs: str, field: str) -> None:
    assert mentions(docs, f"NEWSBOT_{field.upper()}"), f"NEWSBOT_{field.upper()} not in the docs"


def test_documented_settings_exist(docs: str) -> None:
    fields = {f"NEWSBOT_{name.upper()}" for name in Settings.model_fields}
    documented = set(re.findall(r"\bNEWSBOT_[A-Z0-9_]*[A-Z0-9]", docs))
    assert documented <= fields, f"the docs name settings the code lacks: {documented - fields}"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_cli_command_is_documented(docs: str, command: str) -> None:
    assert mentions(docs, f"newsbot {command}"), f"`newsbot {command}` not in the docs"


def test_documented_cli_commands_exist(docs: str) -> None:
    # Global options may come first (`newsbot --no-reader eval`); commands may hold a hyphen.
    command = r"^newsbot (?:(?:-v|--verbose|--no-reader) )*([a-z][a-z-]*)"
    for block in re.findall(r"```sh\n(.*?)```", docs, flags=re.DOTALL):
        for name in re.findall(command, block, flags=re.MULTILINE):
            assert name in cli.commands, f"the docs run `newsbot {name}`, which does not exist"


@pytest.mark.parametrize("command", [c for c, _ in messages.BOT_COMMANDS])
def test_every_menu_command_is_documented_and_in_the_help(docs: str, command: str) -> None:
    assert mentions(docs, f"/{command}"), f"/{command} not in the docs"
    user_help = f"{messages.HELP_TEXT}\n{messages.HELP_COMMANDS}"  # what /help sends everyone
    assert mentions(user_help, f"/{command}"), f"/{command} not in the /help text"


def test_every_handled_command_is_documented_and_in_the_help(docs: str) -> None:
    commands = registered_commands()
    assert {c for c, _ in messages.BOT_COMMANDS} <= commands  # the menu offers no dead command
    help_texts = "\n".join((messages.HELP_TEXT, messages.HELP_COMMANDS, messages.HELP_ADMIN))
    for command in sorted(commands):
        assert mentions(docs, f"/{command}"), f"/{command} not in the docs"
        if command != "start":  # /start is what Telegram sends first; it shows the help
            assert mentions(help_texts, f"/{command}"), f"/{command} not in the /help texts"


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: p.name)
def test_each_doc_links_only_to_its_own_headings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    own = headings(text)
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        assert anchor in own, f"{path.name} links to #{anchor}, which is no heading"


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: p.name)
def test_links_between_the_docs_lead_somewhere(path: Path) -> None:
    """A link to another .md file of the repository names a file that exists, and a heading of
    it when it names one."""
    text = path.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\((?!https?:)([^)#\s]+\.md)(?:#([^)\s]+))?\)", text):
        linked = (path.parent / target).resolve()
        assert linked.is_file(), f"{path.name} links to {target}, which does not exist"
        if anchor:
            assert anchor in headings(linked.read_text(encoding="utf-8")), (
                f"{path.name} links to {target}#{anchor}, which is no heading there"
            )


def test_no_placeholder_is_left(docs: str) -> None:
    assert not _PLACEHOLDER.findall(docs), "placeholders left in the docs"
