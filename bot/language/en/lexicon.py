"""The English rules' tables, read from the TOML files in data/ beside this module.

Word lists and patterns live there as data, apart from the code that applies them; each module
of rules reads its own file once.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed `data/<name>.toml`."""
    text = files("bot.language.en").joinpath("data", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
