"""Update benchmark: the cost of adding 1 and 20 stories to an index, small and large.

    .venv/bin/python tests/bench/bench_update.py                  # the 44-article corpus/ index
    .venv/bin/python tests/bench/bench_update.py --copy DATA_DIR --corpus PATH ...
                                           # a copy of a built index, and what it was built from

Prints, for each update, its seconds and the bytes the process wrote (getrusage block writes,
512-byte blocks), beside the size of the index it updated. The stories are new text, so each
update embeds them (a few chunks) like a feed poll does.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.store.catalog import open_index  # noqa: E402
from index.store.generations import current_generation  # noqa: E402
from tests.conftest import CORPUS, write_article  # noqa: E402


def written_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_oublock * 512


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def stories(folder: Path, start: int, count: int) -> None:
    for n in range(start, start + count):
        write_article(
            folder,
            f"story-{n}.txt",
            f"Harbour {n} reopens after the storm",
            f"The harbour of town number {n} reopened on Monday after {n % 7 + 2} days of storms.",
            f"Ferries to island {n} sail again from nine, the port authority said on Tuesday.",
            published="2026-12-04",
            source="Bench Wire",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copy", type=Path, help="A data folder with a built index to copy.")
    parser.add_argument(
        "--corpus", type=Path, nargs="*", default=[], help="The paths the copied index holds."
    )
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        news = Path(tmp) / "news"
        if args.copy:
            shutil.copytree(args.copy, data)
            corpus = [*args.corpus, news]  # what it holds stays; the stories come in
            settings = Settings(_env_file=None, data_dir=data, corpus_paths=corpus)
        else:
            settings = Settings(_env_file=None, data_dir=data, corpus_paths=[CORPUS, news])
            corpus = [CORPUS, news]
            build_index(corpus, settings, embedder)
        live = current_generation(data)
        assert live is not None
        info = open_index(data).info()
        print(
            f"index: {info.articles} articles, {info.chunks} chunks, {size_of(live) / 1e6:.1f} MB"
        )
        start = 0
        if not open_index(data).appendable:
            # Built before appends: its first update writes one new generation that takes them.
            stories(news, start, 1)
            start += 1
            t = time.perf_counter()
            report = build_index(corpus, settings, embedder)
            assert not report.appended
            print(f"first update (once): {time.perf_counter() - t:.2f} s, a new generation")
        for count in (1, 20):
            stories(news, start, count)
            start += count
            before, t = written_bytes(), time.perf_counter()
            report = build_index(corpus, settings, embedder)
            seconds = time.perf_counter() - t
            wrote = written_bytes() - before
            how = "appended" if report.appended else "new generation"
            print(
                f"add {count:2d} stories: {seconds:6.2f} s, {wrote / 1e6:8.2f} MB written, {how} "
                f"(added {report.added}, {report.chunks_embedded} chunks embedded)"
            )


if __name__ == "__main__":
    main()
