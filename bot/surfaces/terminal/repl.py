"""The developer's REPL: ask, follow up, open a cited paragraph, watch scores and timings."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date

import click

from bot.surfaces.messages import REPL_HELP, question_problem
from bot.surfaces.service import NewsService
from bot.surfaces.terminal.format import citation_line, format_answer
from bot.types import Answer

CONVERSATION = "repl"


def _lines_from_terminal(service: NewsService) -> Iterator[str]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history = service.settings.data_dir / "repl_history"
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    while True:
        try:
            yield session.prompt("news> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line, as in a shell
        except EOFError:
            return


def _lines_from_pipe() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\n")


def run_repl(
    service: NewsService,
    as_of: date | None,
    lines: Iterator[str] | None = None,
    echo: Callable[[str], None] = click.echo,
) -> None:
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    info = service.context().index.info()
    newest = info.newest or "unknown"
    echo(f"newsbot — {info.articles} articles, newest {newest}. :help for commands.")
    debug = False
    last: Answer | None = None
    service.new_conversation(CONVERSATION)
    if lines is None:
        lines = _lines_from_terminal(service) if tty else _lines_from_pipe()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        command, _, arg = line.partition(" ")
        if command in (":quit", ":q", ":exit"):
            return
        if command in (":help", ":h", "?"):
            echo(REPL_HELP)
        elif command == ":debug":
            debug = not debug
            echo(f"debug {'on' if debug else 'off'}")
        elif command == ":new":
            service.new_conversation(CONVERSATION)
            echo("New conversation.")
        elif command == ":asof":
            try:
                as_of = date.fromisoformat(arg.strip()) if arg.strip() else None
                echo(f"today is {as_of or date.today()}")
            except ValueError:
                echo(f"{arg!r} is not a date like 2023-01-05")
        elif command == ":show":
            echo(_show(last, arg))
        elif command.startswith(":"):
            echo(f"Unknown command {command}. :help lists them.")
        else:
            problem = question_problem(line, service.settings.max_question_chars)
            if problem:
                echo(problem)
                continue
            last = service.ask(CONVERSATION, line, as_of=as_of)
            echo(format_answer(last, color=tty, debug=debug))


def _show(last: Answer | None, arg: str) -> str:
    if last is None or not last.citations:
        return "No citation to show yet."
    try:
        n = int(arg.strip().strip("[]") or "1")
        c = next(c for c in last.citations if c.n == n)
    except (ValueError, StopIteration):
        return f"Citations are numbered 1 to {len(last.citations)}."
    return f"{citation_line(c)}\n{c.url}\n\n{c.paragraph_text}".replace("\n\n\n", "\n\n")
