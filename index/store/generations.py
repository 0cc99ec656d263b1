"""Index generations: each build writes a new folder, and one atomic rename of CURRENT makes it
live; a lock keeps two builds apart; old generations are removed after a grace period."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from index.store.errors import IndexBusy

CURRENT = "CURRENT"


LOCK_NAME = "index.lock"


KEEP_OLD_GENERATIONS = 1  # the previous generation stays for readers that still hold it


def current_generation(data_dir: Path) -> Path | None:
    pointer = data_dir / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text().strip()
    return data_dir / name if name else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_generation(data_dir: Path, generation: Path) -> None:
    """Make `generation` the live one: one rename, so readers see the old or the new, never half."""
    tmp = data_dir / (CURRENT + ".tmp")
    with open(tmp, "w") as fh:
        fh.write(generation.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / CURRENT)
    _fsync_dir(data_dir)


def remove_stale_generations(data_dir: Path) -> list[str]:
    """Delete unfinished generations (a crashed run's) and all but the newest old ones."""
    live = current_generation(data_dir)
    gens = sorted(p for p in data_dir.glob("gen-*") if p.is_dir() and p != live)
    # Generation names sort by creation time; keep the newest finished ones for open readers.
    finished = [p for p in gens if (p / "COMPLETE").exists()]
    keep = set(finished[-KEEP_OLD_GENERATIONS:]) if KEEP_OLD_GENERATIONS else set()
    removed = []
    for path in gens:
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def new_generation_dir(data_dir: Path) -> Path:
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    path = data_dir / name
    path.mkdir(parents=True)
    return path


@contextlib.contextmanager
def index_lock(data_dir: Path) -> Iterator[None]:
    """One index run at a time per data folder; a second one fails at once with a clear message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusy(
                f"Another index run is using {data_dir}; wait for it to finish."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
