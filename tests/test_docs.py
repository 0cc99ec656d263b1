"""The README against the code: every setting, command and bot command the code has is documented,
and no placeholder is left. Fast: nothing here loads the model or touches the network."""

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

README = Path(__file__).resolve().parent.parent / "README.md"
# Sections the other half of the docs still has to fill in; tighten this set as they land.
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:TABLE|SECTION)\b")


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


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
def test_every_setting_is_documented(readme: str, field: str) -> None:
    assert mentions(readme, f"NEWSBOT_{field.upper()}"), f"NEWSBOT_{field.upper()} not in README"


def test_documented_settings_exist(readme: str) -> None:
    fields = {f"NEWSBOT_{name.upper()}" for name in Settings.model_fields}
    documented = set(re.findall(r"\bNEWSBOT_[A-Z0-9_]*[A-Z0-9]", readme))
    assert documented <= fields, f"README names settings the code lacks: {documented - fields}"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_cli_command_is_documented(readme: str, command: str) -> None:
    assert mentions(readme, f"newsbot {command}"), f"`newsbot {command}` not in README"


def test_documented_cli_commands_exist(readme: str) -> None:
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL):
        for name in re.findall(r"^newsbot (?:-v )?([a-z]+)", block, flags=re.MULTILINE):
            assert name in cli.commands, f"README runs `newsbot {name}`, which does not exist"


@pytest.mark.parametrize("command", [c for c, _ in messages.BOT_COMMANDS])
def test_every_menu_command_is_documented_and_in_the_help(readme: str, command: str) -> None:
    assert mentions(readme, f"/{command}"), f"/{command} not in README"
    user_help = f"{messages.HELP_TEXT}\n{messages.HELP_COMMANDS}"  # what /help sends everyone
    assert mentions(user_help, f"/{command}"), f"/{command} not in the /help text"


def test_every_handled_command_is_documented_and_in_the_help(readme: str) -> None:
    commands = registered_commands()
    assert {c for c, _ in messages.BOT_COMMANDS} <= commands  # the menu offers no dead command
    help_texts = "\n".join((messages.HELP_TEXT, messages.HELP_COMMANDS, messages.HELP_ADMIN))
    for command in sorted(commands):
        assert mentions(readme, f"/{command}"), f"/{command} not in README"
        if command != "start":  # /start is what Telegram sends first; it shows the help
            assert mentions(help_texts, f"/{command}"), f"/{command} not in the /help texts"


def test_the_readme_links_only_to_its_own_headings(readme: str) -> None:
    headings = {
        re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        for title in re.findall(r"^#{1,6} (.+)$", readme, flags=re.MULTILINE)
    }
    for anchor in re.findall(r"\]\(#([^)]+)\)", readme):
        assert anchor in headings, f"README links to #{anchor}, which is no heading"


def test_no_placeholder_is_left(readme: str) -> None:
    assert not _PLACEHOLDER.findall(readme), "README placeholders left"
