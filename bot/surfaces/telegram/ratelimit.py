"""A per-key sliding-window rate limit (the Telegram bot limits each user with it)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import NamedTuple


class Verdict(NamedTuple):
    allowed: bool
    retry_after: float = 0.0  # seconds until the key may try again (when refused)
    first_refusal: bool = False  # the first refusal since the key was last allowed


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    refused: bool = False


class SlidingWindowLimiter:
    """At most `count` events per `seconds` for each key, over a sliding window.

    Refused events are not recorded, so a flood does not extend its own ban; `first_refusal`
    lets the caller say "slow down" once per flood instead of answering every message.
    """

    def __init__(
        self,
        count: int,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if count < 1 or seconds <= 0:
            raise ValueError("a rate limit needs count >= 1 and seconds > 0")
        self.count = count
        self.seconds = seconds
        self._clock = clock
        self._windows: dict[Hashable, _Window] = {}
        self._prune_above = max_keys

    def hit(self, key: Hashable) -> Verdict:
        """Count one event for `key` if the limit allows it."""
        now = self._clock()
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self._prune_above:
                self._prune(now)
            window = self._windows[key] = _Window()
        while window.times and window.times[0] <= now - self.seconds:
            window.times.popleft()
        if len(window.times) >= self.count:
            first, window.refused = not window.refused, True
            return Verdict(False, window.times[0] + self.seconds - now, first)
        window.times.append(now)
        window.refused = False
        return Verdict(True)

    def _prune(self, now: float) -> None:
        # Keys idle for a whole window hold nothing worth keeping; pruning again only once the
        # table has doubled keeps this O(1) per hit on average.
        self._windows = {
            key: w
            for key, w in self._windows.items()
            if w.times and w.times[-1] > now - self.seconds
        }
        self._prune_above = max(self._prune_above, 2 * len(self._windows))
