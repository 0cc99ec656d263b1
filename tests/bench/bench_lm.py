"""The lm reader's speed and memory: start-up, time a question, tokens, resident memory.

    .venv/bin/python tests/bench/bench_lm.py                 # corpus/'s plain questions
    .venv/bin/python tests/bench/bench_lm.py --limit 20 --data-dir data

Builds an index of corpus/ in a temporary folder (or uses --data-dir), loads the embedding
model and the language model as the bot does (timed), then asks the questions of
tests/data/questions/corpus.jsonl one after another and prints the answer time p50/p95, the
model's share of it, tokens in (and of them reused from the KV cache) and out per window, and
the process's peak resident memory. Run it on a quiet machine: llama.cpp uses every core.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering import AnswerContext, answer_question  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.surfaces.readers import open_readers  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.store import current_generation, open_index  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions" / "corpus.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--data-dir", type=Path, help="an index of corpus/ (built if missing)")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.open()][: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp) / "data"
        settings = Settings(_env_file=None, data_dir=data, corpus_paths=[ROOT / "corpus"])
        embedder = SentenceTransformerEmbedder(settings.embedding_model)
        if current_generation(data) is None:
            build_index(settings.corpus_paths, settings, embedder)
        started = time.perf_counter()
        embedder.encode(["warm-up"])
        loaded_embedder = time.perf_counter() - started
        readers = open_readers(settings.model_copy(update={"reader": "lm"}))
        loaded = time.perf_counter() - started
        ctx = AnswerContext(open_index(data), embedder, settings, model=readers.model)
        total, model_ms, tokens_in, cached, tokens_out, windows = [], [], [], [], [], []
        answered = 0
        for question in questions:
            t = time.perf_counter()
            answer = answer_question(ctx, question)
            total.append((time.perf_counter() - t) * 1000)
            answered += not answer.abstained
            if answer.model is not None:
                model_ms.append(answer.timings_ms.get("model", 0.0))
                windows.append(len(answer.model.windows))
                for w in answer.model.windows:
                    tokens_in.append(w.tokens_in)
                    cached.append(w.tokens_cached)
                    tokens_out.append(w.tokens_out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GB (about)
    print(f"start-up: embedder {loaded_embedder:.1f} s, + language model {loaded:.1f} s in all")
    print(f"{len(questions)} questions, {answered} answered")
    print(
        f"answer time: p50 {percentile(total, 0.5):.0f} ms, p95 {percentile(total, 0.95):.0f} ms,"
        f" max {max(total):.0f} ms; the model's part p50 {percentile(model_ms, 0.5):.0f} ms"
    )
    print(
        f"windows read a question: mean {statistics.fmean(windows):.2f}; a window: tokens in "
        f"mean {statistics.fmean(tokens_in):.0f} (of them cached {statistics.fmean(cached):.0f}),"
        f" out mean {statistics.fmean(tokens_out):.1f}"
    )
    print(f"peak resident memory: {peak:.2f} GB")


if __name__ == "__main__":
    main()
