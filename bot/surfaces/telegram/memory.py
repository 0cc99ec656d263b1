"""What the bot keeps in memory: each chat's recent answers (for the Sources buttons) and the
answer times /stats reports."""

from __future__ import annotations

import secrets
import statistics
import time
from collections import OrderedDict, deque
from dataclasses import replace

from bot.types import Answer

SOURCES_PER_CHAT = 20


SOURCES_CHATS = 1000


LATENCIES_KEPT = 1000  # the median in /stats is over the last this many answers


class AnswerMemory:
    """The latest answers of each chat under short random keys, for their Sources buttons.

    Bounded by answers per chat and by chats (least recently used go first); the button of a
    forgotten answer gets messages.SOURCES_EXPIRED.
    """

    def __init__(self, per_chat: int = SOURCES_PER_CHAT, chats: int = SOURCES_CHATS) -> None:
        self.per_chat = per_chat
        self.chats = chats
        self._by_chat: OrderedDict[int, OrderedDict[str, Answer]] = OrderedDict()

    def remember(self, chat_id: int, answer: Answer) -> str:
        kept = self._by_chat.setdefault(chat_id, OrderedDict())
        self._by_chat.move_to_end(chat_id)
        key = secrets.token_hex(4)
        while key in kept:
            key = secrets.token_hex(4)
        kept[key] = replace(answer, passages=())  # the Sources reply needs only the citations
        while len(kept) > self.per_chat:
            kept.popitem(last=False)
        while len(self._by_chat) > self.chats:
            self._by_chat.popitem(last=False)
        return key

    def recall(self, chat_id: int, key: str) -> Answer | None:
        kept = self._by_chat.get(chat_id)
        return kept.get(key) if kept is not None else None


class Stats:
    """What /stats reports about the bot itself, counted in memory since it started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.questions = 0
        self._seconds: deque[float] = deque(maxlen=LATENCIES_KEPT)

    def record(self, seconds: float) -> None:
        self.questions += 1
        self._seconds.append(seconds)

    def median_ms(self) -> float | None:
        return statistics.median(self._seconds) * 1000 if self._seconds else None
