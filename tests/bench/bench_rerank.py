"""How far reranking can go: where the first retrieval stage puts the answer-bearing passages.

    .venv/bin/python tests/bench/bench_rerank.py     # RealTimeQA dev over the full corpus
    .venv/bin/python tests/bench/bench_rerank.py --small   # dev_small (with the QuAIL articles)

For every question whose answer is in the corpus, searches as answering does (same query, date
window and outlets) for a pool of --pool fused passages, then reranks them as answering does.
Prints the share of questions with a hit (a passage whose first 2,000 characters hold the gold
answer, the `newsbot eval` rule) within the first 1, 10, 20 and --pool fused passages: no
reranking of the top 20 can do better than the fused top 20 holds. Then Hits@1 and Hits@10
after the rerank, to compare, and what the questions missed at 10 have in the index: how many
have their answer in no chunk at all, and how many only in articles dated outside the question's
time window (the week before it is asked, unless it names another), i.e. no story of that time
says it. Uses the index `newsbot eval` built for the same corpus (run `make eval` or
`make eval-small` first; this script builds nothing).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.context import AnswerContext  # noqa: E402
from bot.answering.evidence import RERANK_PASSAGES, rerank_passages  # noqa: E402
from bot.answering.pipeline import search_query  # noqa: E402
from bot.answering.question import parse_question  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluation.data import read_questions  # noqa: E402
from bot.evaluation.metrics import is_hit, normalise  # noqa: E402
from bot.evaluation.runner import eval_data_dir  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.search.hybrid import search  # noqa: E402
from index.store.catalog import NewsIndex, open_index  # noqa: E402
from index.text.dates import DateWindow, in_window, parse_iso  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
FULL = (
    EVAL / "rtqa2023" / "questions_dev.jsonl",
    (EVAL / "rtqa2023" / "corpus.jsonl.gz",),
)
SMALL = (
    EVAL / "rtqa2023" / "questions_dev_small.jsonl",
    (EVAL / "quail_news" / "articles.jsonl", EVAL / "rtqa2023" / "corpus_dev_small.jsonl.gz"),
)


def answer_dates(index: NewsIndex, golds: set[str]) -> dict[str, list[date | None]]:
    """For each gold answer, the publication dates of the chunks whose text holds it."""
    found: dict[str, list[date | None]] = {g: [] for g in golds}
    needles = {g: normalise(g) for g in golds}
    rows = index.db.execute(
        "select c.text, a.published from chunks c join articles a using (article_id)"
    )
    for text, published in rows:
        body = normalise(text)
        for gold, needle in needles.items():
            if needle in body:
                found[gold].append(parse_iso(published or ""))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="dev_small instead of full dev")
    parser.add_argument("--pool", type=int, default=40, help="fused passages searched")
    args = parser.parse_args()
    questions_file, corpus = SMALL if args.small else FULL
    settings = Settings()
    data_dir = eval_data_dir(settings, corpus)
    if not (data_dir / "CURRENT").exists():
        sys.exit(f"No evaluation index in {data_dir}: run `make eval` (or eval-small) first.")
    embedder = SentenceTransformerEmbedder(settings.embedding_model)
    ctx = AnswerContext(open_index(data_dir), embedder, settings)
    depths = (1, 10, 20, args.pool)
    fused_hits = dict.fromkeys(depths, 0)
    reranked = {1: 0, 10: 0}
    missed: list[tuple[str, DateWindow | None]] = []  # (gold, window) of the misses at 10
    started = time.perf_counter()
    asked = 0
    for q in read_questions(questions_file, "question_date"):
        if not q.gold_in_corpus or q.as_of is None:
            continue
        asked += 1
        query = search_query(parse_question(q.question, today=q.as_of, sources=ctx.sources))
        chars = settings.passage_chars
        pool = search(ctx.index, embedder, query, k=args.pool, passage_chars=chars).hits
        flags = [is_hit(h.text, q.gold) for h in pool]
        for depth in depths:
            fused_hits[depth] += any(flags[:depth])
        # As answering searches: the passages it reranks (a deeper search merges more chunks
        # into the first passages, which changes their evidence).
        k = max(settings.top_k, RERANK_PASSAGES)
        result = search(ctx.index, embedder, query, k=k, passage_chars=chars)
        hits = result.hits
        ranked, _ = rerank_passages(ctx, q.question, result.query_vector, hits)
        order = [is_hit(h.text, q.gold) for h in ranked]
        for depth in reranked:
            reranked[depth] += any(order[:depth])
        if not any(order[:10]):
            missed.append((q.gold, query.window or query.recent))
    seconds = time.perf_counter() - started
    if not asked:
        sys.exit(f"No question in {questions_file} has its answer in the corpus and a date.")
    print(
        f"{asked} questions with the answer in the corpus ({questions_file.name}), {seconds:.0f} s"
    )
    for depth in depths:
        print(f"  a hit in the fused top {depth:>3}: {fused_hits[depth] / asked:.3f}")
    print(f"  after answering's rerank (of the first {RERANK_PASSAGES} passages):")
    for depth, count in reranked.items():
        print(f"    Hits@{depth}: {count / asked:.3f} ({count})")
    dates = answer_dates(ctx.index, {gold for gold, _ in missed})
    nowhere = sum(not dates[gold] for gold, _ in missed)
    untimely = sum(
        bool(dates[gold]) and not any(in_window(day, window) for day in dates[gold])
        for gold, window in missed
    )
    print(f"  of the {len(missed)} missed at 10, the answer is in no indexed chunk for {nowhere},")
    print(f"    only in chunks dated outside the question's window for {untimely}")


if __name__ == "__main__":
    main()
