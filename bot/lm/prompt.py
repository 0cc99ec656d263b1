"""The reader's prompt, kept as data (data/prompt.toml), filled in for one window."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.lm.model import Message

PROMPT_FILE = Path(__file__).with_name("data") / "prompt.toml"


@dataclass(frozen=True)
class Prompt:
    version: int
    system: str
    user: str
    not_stated: str

    def messages(self, question: str, title: str, published: str, text: str) -> list[Message]:
        when = f" ({published})" if published else ""
        user = self.user.format(title=title, published=when, text=text, question=question)
        return [Message("system", self.system), Message("user", user)]

    def declines(self, reply: str) -> bool:
        """Does the reply say the excerpt does not answer ("Not stated.", "not stated")?"""
        return reply.strip().strip(".!\"'").casefold().startswith(self.not_stated)


@cache
def load_prompt(path: Path = PROMPT_FILE) -> Prompt:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Prompt(int(data["version"]), data["system"], data["user"], data["not_stated"])
