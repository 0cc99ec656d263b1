"""Indexing benchmark: newsbot's index run against the bare encoder on the same texts.

    .venv/bin/python tests/bench/bench_index.py            # RealTimeQA dev_small, 1,372 articles
    .venv/bin/python tests/bench/bench_index.py --articles 300   # its first 300 articles
    .venv/bin/python tests/bench/bench_index.py --no-bare \
        --corpus ../shared/eval/rtqa2023/corpus.jsonl.gz   # the full corpus, 7,587 articles

Prints chunks/s, total seconds and peak memory (RSS) of the index run, then the bare
`SentenceTransformer.encode` of the same texts (every chunk, and every chunk's sentences; same
batch size) and the ratio of the two times.
"""

from __future__ import annotations

import argparse
import gzip
import json
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
from index.store.catalog import open_index  # noqa: E402
from index.text.chunking import chunk_sentences  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "rtqa2023" / "corpus_dev_small.jsonl.gz"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, help="keep the index here (default: a temp dir)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-encoder timing")
    parser.add_argument("--articles", type=int, help="only the first N articles of a .jsonl.gz")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    corpus = args.corpus
    if args.articles:
        corpus = data_dir.parent / f"{data_dir.name}-first-{args.articles}.jsonl"
        with gzip.open(args.corpus, "rt", encoding="utf-8") as src:
            lines = [line for line, _ in zip(src, range(args.articles), strict=False)]
        corpus.write_text("".join(lines), encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=data_dir, corpus_paths=[corpus])
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    embedder.encode(["warm up the model"])  # load time is not indexing time
    rss_loaded = peak_rss_mb()

    started = time.perf_counter()
    report = build_index([corpus], settings, embedder, rebuild=True)
    seconds = time.perf_counter() - started
    rss_index = peak_rss_mb()
    info = open_index(data_dir).info()
    index = open_index(data_dir)
    rows = list(index.db.execute("select title, text, paragraph_ids from chunks order by id"))
    sentences = [s for _, text, ids in rows for s in chunk_sentences(text, len(json.loads(ids)))]
    print(f"corpus: {corpus.name}")
    print(
        f"articles: {info.articles} ({info.stories} stories), chunks: {info.chunks}, "
        f"their sentences: {len(sentences)}"
    )
    print(f"index run: {seconds:.1f} s, {report.chunks_embedded / seconds:.1f} chunks/s")
    print(f"peak RSS: {rss_index:.0f} MB (model loaded: {rss_loaded:.0f} MB)")
    print(f"index size: {info.size_bytes / 1e6:.0f} MB")
    if args.no_bare:
        return

    texts = [f"{title}\n{text}" if title else text for title, text, _ in rows]
    # The bare encoder: one call over all the chunks and one over all their sentences, as
    # sentence-transformers is meant to be used.
    bare = 0.0
    for what, batch in (("chunks", texts), ("sentences", sentences)):
        started = time.perf_counter()
        embedder.model.encode(
            batch,
            batch_size=settings.embed_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        took = time.perf_counter() - started
        print(f"bare encode of the {what}: {took:.1f} s, {len(batch) / took:.1f} {what}/s")
        bare += took
    print(f"indexing throughput / bare encoder (bare time / index time): {bare / seconds:.2f}")


if __name__ == "__main__":
    main()
