"""Indexing benchmark: newsbot's index run against the bare encoder on the same chunk texts.

    .venv/bin/python tests/bench/bench_index.py            # RealTimeQA dev_small, 1,372 articles
    .venv/bin/python tests/bench/bench_index.py --no-bare \
        --corpus ../shared/eval/rtqa2023/corpus.jsonl.gz   # the full corpus, 7,587 articles

Prints chunks/s, total seconds and peak memory (RSS) of the index run, then the bare
`SentenceTransformer.encode` of the same texts (same batch size) and the ratio.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.store import open_index  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "rtqa2023" / "corpus_dev_small.jsonl.gz"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, help="keep the index here (default: a temp dir)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-encoder timing")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    settings = Settings(_env_file=None, data_dir=data_dir, corpus_paths=[args.corpus])
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    embedder.encode(["warm up the model"])  # load time is not indexing time
    rss_loaded = peak_rss_mb()

    started = time.perf_counter()
    report = build_index([args.corpus], settings, embedder, rebuild=True)
    seconds = time.perf_counter() - started
    rss_index = peak_rss_mb()
    info = open_index(data_dir).info()
    print(f"corpus: {args.corpus.name}")
    print(f"articles: {info.articles} ({info.stories} stories), chunks: {info.chunks}")
    print(f"index run: {seconds:.1f} s, {report.chunks_embedded / seconds:.1f} chunks/s")
    print(f"peak RSS: {rss_index:.0f} MB (model loaded: {rss_loaded:.0f} MB)")
    print(f"index size: {info.size_bytes / 1e6:.0f} MB")
    if args.no_bare:
        return

    index = open_index(data_dir)
    texts = [
        f"{title}\n{text}" if title else text
        for title, text in index.db.execute("select title, text from chunks order by id")
    ]
    # The bare encoder: one call over every text, as sentence-transformers is meant to be used.
    started = time.perf_counter()
    embedder.model.encode(
        texts,
        batch_size=settings.embed_batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    bare = time.perf_counter() - started
    print(f"bare encode: {bare:.1f} s, {len(texts) / bare:.1f} chunks/s")
    ratio = (report.chunks_embedded / seconds) / (len(texts) / bare)
    print(f"indexing throughput / bare encoder: {ratio:.2f}")


if __name__ == "__main__":
    main()
