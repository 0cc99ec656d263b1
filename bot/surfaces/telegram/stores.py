"""The bot's small SQLite stores (followed feeds, alerts): each opened on a worker thread for
one piece of work and closed after it, so a connection never crosses threads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import closing
from typing import Protocol, TypeVar


class Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=Closable)
T = TypeVar("T")


async def in_store(open_store: Callable[[], S], work: Callable[[S], T]) -> T:
    """`work` done on a store opened for it, in a worker thread."""

    def run() -> T:
        with closing(open_store()) as store:
            return work(store)

    return await asyncio.to_thread(run)
