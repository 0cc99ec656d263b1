"""The first stage of an indexing run: which articles of the indexed paths are new or changed.

A file whose size and modification time match what the index recorded when it last read the
file is passed over without being parsed, so an update after a feed poll reads the new stories,
not the whole corpus again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from index.ingest.articles import Article, Skipped
from index.ingest.loaders import iter_files, read_file


@dataclass(frozen=True)
class Stored:
    """An article as the live index holds it."""

    article_id: str
    content_hash: str
    path: str


@dataclass(frozen=True)
class FileRecord:
    """What an indexed file held when it was last read: a row of the `files` table."""

    path: str
    size: int
    mtime_ns: int
    keys: tuple[str, ...]

    def row(self) -> dict[str, object]:
        return {
            "path": self.path,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "keys": json.dumps(list(self.keys)),
        }


@dataclass
class Scan:
    """What the paths hold against the live index."""

    fresh: list[Article] = field(default_factory=list)  # new or changed articles
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    seen: set[str] = field(default_factory=set)  # every article key the paths hold
    skipped: list[Skipped] = field(default_factory=list)
    bad_files: set[str] = field(default_factory=set)  # files that failed to load (in part)
    read: list[FileRecord] = field(default_factory=list)  # files read cleanly this run
    passed: set[str] = field(default_factory=set)  # files passed over: unchanged since read


def stored_articles(db: sqlite_utils.Database) -> dict[str, Stored]:
    rows = db.execute("select key, article_id, content_hash, path from articles")
    return {r[0]: Stored(r[1], r[2], r[3]) for r in rows}


def stored_files(db: sqlite_utils.Database) -> dict[str, FileRecord]:
    if not db.table("files").exists():
        return {}
    rows = db.execute("select path, size, mtime_ns, keys from files")
    return {r[0]: FileRecord(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in rows}


def scan(
    paths: Iterable[Path],
    stored: Mapping[str, Stored],
    files: Mapping[str, FileRecord],
    notify: Callable[[int], None],
) -> Scan:
    """Load what changed since the files were last read; `notify` gets the articles seen."""
    out = Scan()

    def see(key: str) -> bool:
        if key in out.seen:
            return False
        out.seen.add(key)
        notify(len(out.seen))
        return True

    for item in iter_files(paths):
        if isinstance(item, Skipped):
            out.skipped.append(item)
            out.bad_files.add(item.path)
            continue
        where = str(item)
        try:
            stat = item.stat()
        except OSError:
            stat = None  # gone since the walk: read_file names the problem
        known = files.get(where)
        if (
            stat is not None
            and known is not None
            and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
            and all(key in stored and key not in out.seen for key in known.keys)
        ):
            out.passed.add(where)
            for key in known.keys:
                see(key)
            out.unchanged += len(known.keys)
            continue
        clean, keys = True, []
        for article in read_file(item):
            if isinstance(article, Skipped):
                out.skipped.append(article)
                out.bad_files.add(article.path)
                clean = False
                continue
            if not see(article.key):
                out.skipped.append(Skipped(article.path, f"repeats the article id {article.key!r}"))
                continue
            keys.append(article.key)
            old = stored.get(article.key)
            if old is not None and old.content_hash == article.content_hash:
                out.unchanged += 1
                continue
            out.fresh.append(article)
            if old is None:
                out.added += 1
            else:
                out.updated += 1
        # A file with a problem is read again next time, so its problem is reported again.
        if clean and stat is not None:
            out.read.append(FileRecord(where, stat.st_size, stat.st_mtime_ns, tuple(keys)))
    return out


def under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == root or root in p.parents for root in roots)


def update_files(
    db: sqlite_utils.Database,
    known: Mapping[str, FileRecord],
    result: Scan,
    roots: Sequence[Path],
) -> None:
    """Record the files this run read; forget those under its roots it neither read nor passed
    over (gone, or broken now). Runs inside the caller's transaction."""
    gone = [p for p in known if under(p, roots) and p not in result.passed]
    for start in range(0, len(gone), 500):
        part = gone[start : start + 500]
        db.execute(f"delete from files where path in ({','.join('?' * len(part))})", part)
    db.table("files").upsert_all([r.row() for r in result.read], pk="path")
