"""Progress bars for long index and evaluation runs (stderr, throttled by tqdm)."""

from __future__ import annotations

import sys

from tqdm import tqdm

from index.build import Progress


class TqdmProgress:
    """Progress bars for long runs: articles read, then chunks (and their
    sentences) embedded per second."""

    def __init__(self) -> None:
        self._bars: dict[str, tqdm] = {}
        # On a terminal redraw often; in a log file, a line every half minute is plenty.
        self._interval = 0.1 if sys.stderr.isatty() else 30.0

    def __call__(self, p: Progress) -> None:
        bar = self._bars.get(p.stage)
        if bar is None:
            unit = {"loading": "article", "embedding": "chunk", "sentences": "chunk"}.get(
                p.stage, "step"
            )
            for other in self._bars.values():
                other.close()
            bar = tqdm(
                total=p.total,
                desc=p.stage,
                unit=unit,
                leave=False,
                file=sys.stderr,
                mininterval=self._interval,
            )
            self._bars[p.stage] = bar
        # update() lets tqdm throttle redraws; a refresh per article floods a log file.
        bar.update(p.done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
