"""`newsbot eval`: how well the bot retrieves, answers, cites and abstains, on a question file.

The rules are those of the evaluation README (/work/shared/eval/README.md):
- a passage is a *hit* when its first 2,000 characters contain the gold answer, compared
  case-insensitively with whitespace collapsed; Hits@k and MRR@10 over the bot's top 10;
- an answer is *correct* when its short answer (the answer line without citation marks,
  truncated to 30 words) contains the gold answer, same comparison; an abstention never is;
- *citation precision*: the share of cited paragraphs containing the gold answer, pooled over
  the questions answered correctly;
- *multiple choice*: the choice `choose` picks, against the gold answer, on every question that
  has choices;
- latency: wall time of the answer function per question, the model loaded and warmed up.

Retrieval, answer accuracy and wrong abstention count only the questions whose answer is known
to be in the corpus (see `bot.evaluation.data`): an RTQA question without an answer-bearing article
may be unanswerable from the corpus, so abstaining on it is not counted wrong. *Abstention* is
the share of the file's unanswerable questions (QuAIL's) on which the bot abstained.

Output folder: `results.jsonl` (per question: the `ask --json` object, the question, its gold
answer and scores), `summary.json`, with `--baseline` `baseline_results.jsonl` (same shape), and
with `--plot` `hits_at_k.png` and `latency.png`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click
from tqdm import tqdm

from bot.answering import AnswerContext, answer_question, choose
from bot.config import ReaderKind, Settings
from bot.evaluation.baseline import DenseBaseline, cached_vectors, chunk_articles
from bot.evaluation.data import EvalDataError, Question, read_questions
from bot.evaluation.metrics import MAX_RANK, Scores, score, summarise_by_type
from bot.evaluation.report import format_comparison, format_table, plot_hits_curve, plot_latency
from bot.language.en.places import load_gazetteers
from bot.lm.model import ModelError
from bot.reader.model import ReaderError
from bot.surfaces.answer_json import answer_to_json
from bot.surfaces.readers import Readers, open_readers
from bot.surfaces.terminal.progress import TqdmProgress
from bot.types import Answer
from index.build import build_index
from index.embedder import Embedder, EmbedderError, SentenceTransformerEmbedder
from index.ingest.articles import Article
from index.ingest.loaders import load_paths
from index.store import StoreError, open_index

log = logging.getLogger(__name__)

WARM_UP = Question(id="warm-up", question="What happened in the news this week?", gold="")

# ---------------------------------------------------------------------------------------------
# Metrics: pure functions of texts and per-question outcomes.


# ---------------------------------------------------------------------------------------------
# Reports.


# ---------------------------------------------------------------------------------------------
# Runs.


def eval_data_dir(settings: Settings, paths: Iterable[Path]) -> Path:
    """Where the index of an evaluation corpus lives: one folder per corpus and index settings.

    Keyed by the corpus paths, not their contents: when a corpus file changes, `build_index`
    updates that folder incrementally (re-embedding only what changed) instead of starting anew.
    """
    key = json.dumps(
        {
            "paths": sorted(str(p.resolve()) for p in paths),
            "model": settings.embedding_model,
            "chunk_words": settings.chunk_words,
            "faiss_index": settings.faiss_index,
            "near_duplicate_threshold": settings.near_duplicate_threshold,
        },
        sort_keys=True,
    )
    return settings.data_dir / f"eval-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


Ask = Callable[[Question], Answer]
Pick = Callable[[Question], int]


def result_record(question: Question, answer: Answer, scores: Scores, choice: int | None) -> dict:
    """One line of results.jsonl: the `ask --json` object plus the question and its scores."""
    data = answer_to_json(answer)
    data["passages"] = data["passages"][:MAX_RANK]
    return {
        "id": question.id,
        **data,
        "question": question.question,
        "gold": question.gold,
        "type": question.type,
        "as_of": question.as_of.isoformat() if question.as_of else None,
        "choices": list(question.choices),
        "choice": question.choices[choice] if choice is not None else None,
        "gold_in_corpus": scores.gold_in_corpus,
        "unanswerable": scores.unanswerable,
        "hit_rank": scores.hit_rank,
        "correct": scores.correct,
        "choice_correct": scores.choice_correct,
        "citation_precision": scores.citation_precision,
        "latency_ms": round(scores.latency_ms, 2),
    }


def run_questions(
    name: str,
    questions: Sequence[Question],
    ask: Ask,
    pick: Pick | None,
    out_path: Path,
    *,
    progress: bool = False,
) -> list[Scores]:
    """Ask every question (after one uncounted warm-up), writing one result line each."""
    ask(WARM_UP)  # first-call costs (model weights, caches) are not the answer's
    rows = []
    with (
        out_path.open("w", encoding="utf-8") as out,
        tqdm(questions, desc=name, unit="question", file=sys.stderr, disable=not progress) as bar,
    ):
        for question in bar:
            started = time.perf_counter()
            answer = ask(question)
            latency_ms = (time.perf_counter() - started) * 1000
            choice = pick(question) if pick is not None and question.choices else None
            scores = score(question, answer, latency_ms, choice)
            rows.append(scores)
            record = result_record(question, answer, scores, choice)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rows


@dataclass(frozen=True)
class EvalOptions:
    questions: Path
    out_dir: Path
    corpus: tuple[Path, ...] = ()  # empty: the bot's own index, built from settings.corpus_paths
    as_of_field: str | None = None
    limit: int | None = None
    baseline: bool = False
    # Other readers answering the same questions from the same index, side by side with the
    # one the settings choose (NEWSBOT_READER), each in `{kind}_results.jsonl`.
    compare: tuple[ReaderKind, ...] = ()
    plot: bool = False
    progress: bool = False


def load_questions(options: EvalOptions) -> list[Question]:
    questions = list(read_questions(options.questions, options.as_of_field))
    if options.limit is not None:
        questions = questions[: options.limit]
    if not questions:
        raise EvalDataError(f"{options.questions} holds no questions")
    if options.as_of_field and not any(q.as_of for q in questions):
        raise EvalDataError(f"No question in {options.questions} has a {options.as_of_field!r}")
    return questions


def _index_progress(enabled: bool) -> TqdmProgress | None:
    return TqdmProgress() if enabled else None


def index_corpus(settings: Settings, embedder: Embedder, options: EvalOptions) -> Settings:
    """Index the evaluation corpus in its own data folder (cheap when already done).

    Returns the settings to answer with: the bot's own when no corpus is given.
    """
    if not options.corpus:
        return settings
    eval_settings = settings.model_copy(
        update={"data_dir": eval_data_dir(settings, options.corpus)}
    )
    progress = _index_progress(options.progress)
    try:
        report = build_index(options.corpus, eval_settings, embedder, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    log.info("evaluation index %s: %s", eval_settings.data_dir, report.summary())
    if options.progress:
        click.echo(f"{eval_settings.data_dir}: {report.summary().splitlines()[-1]}", err=True)
    return eval_settings


def load_articles(paths: Sequence[Path]) -> list[Article]:
    return [a for a in load_paths(paths) if isinstance(a, Article)]


def make_baseline(
    settings: Settings, embedder: Embedder, paths: Sequence[Path], progress: bool
) -> DenseBaseline:
    chunks = chunk_articles(load_articles(paths))
    cache_dir = eval_data_dir(settings, paths) / "baseline"
    vectors = cached_vectors(cache_dir, chunks, embedder, progress=progress)
    return DenseBaseline(chunks, vectors, embedder)


def _ask(ctx: AnswerContext, question: Question) -> Answer:
    return answer_question(ctx, question.question, as_of=question.as_of)


def run_eval(
    settings: Settings,
    embedder: Embedder,
    options: EvalOptions,
    readers: Mapping[ReaderKind, Readers] | None = None,
    questions: Sequence[Question] | None = None,
) -> dict:
    """Evaluate newsbot with the first reader of `readers` (none given: the rules alone) and,
    beside it, those of `options.compare` (loaded in `readers` too), and the baseline, on the
    question file; returns summary.json's content."""
    readers = readers or {ReaderKind.RULES: Readers()}
    main = next(iter(readers))
    questions = questions or load_questions(options)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    eval_settings = index_corpus(settings, embedder, options)
    index = open_index(eval_settings.data_dir)
    load_gazetteers()  # a one-time cost, not one question's

    def context(kind: ReaderKind) -> AnswerContext:
        chosen = readers[kind]
        return AnswerContext(index, embedder, eval_settings, chosen.reader, chosen.model)

    ctx = context(main)
    rows = run_questions(
        "newsbot",
        questions,
        partial(_ask, ctx),
        lambda q: choose(ctx, q.question, q.choices, as_of=q.as_of),
        options.out_dir / "results.jsonl",
        progress=options.progress,
    )
    compared: dict[str, list[Scores]] = {}
    for kind in options.compare:
        if kind == main:
            continue
        compared[kind.value] = run_questions(
            kind.value,
            questions,
            partial(_ask, context(kind)),
            None,
            options.out_dir / f"{kind.value}_results.jsonl",
            progress=options.progress,
        )
    summary: dict = {
        "questions_file": str(options.questions),
        "corpus": [str(p) for p in options.corpus or settings.corpus_paths],
        "index_dir": str(eval_settings.data_dir),
        "model": settings.embedding_model,
        "chunk_words": settings.chunk_words,
        "faiss_index": settings.faiss_index,
        "newsbot": summarise_by_type(rows),
    }
    summary["reader"] = main.value
    latencies = {"newsbot": [r.latency_ms for r in rows]}
    for name, other_rows in compared.items():
        summary[name] = summarise_by_type(other_rows)
        latencies[name] = [r.latency_ms for r in other_rows]
    if options.baseline:
        paths = list(options.corpus or settings.corpus_paths)
        baseline = make_baseline(settings, embedder, paths, options.progress)
        base_rows = run_questions(
            "baseline",
            questions,
            lambda q: baseline.ask(q.question, MAX_RANK),
            None,
            options.out_dir / "baseline_results.jsonl",
            progress=options.progress,
        )
        summary["baseline"] = summarise_by_type(base_rows)
        summary["baseline_chunks"] = len(baseline.chunks)
        latencies["baseline"] = [r.latency_ms for r in base_rows]
    (options.out_dir / "summary.json").write_text(
        json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if options.plot:
        curves = {name: summary[name]["overall"]["hits_curve"] for name in latencies}
        plot_hits_curve(curves, options.out_dir / "hits_at_k.png")
        plot_latency(latencies, options.out_dir / "latency.png")
    return summary


def format_report(summary: dict) -> str:
    overall = summary["newsbot"]["overall"]
    parts = [
        f"newsbot ({summary['reader']} reader) on {overall['questions']} questions "
        f"({overall['with_gold']} with the answer in the corpus):",
        format_table(summary["newsbot"]),
    ]
    for kind in ReaderKind:
        if kind.value in summary:
            parts += ["", f"the same with the {kind.value} reader:", format_table(summary[kind])]
    if "baseline" in summary:
        parts += [
            "",
            f"dense baseline ({summary['baseline_chunks']} chunks of 1,000 characters):",
            format_table(summary["baseline"]),
            "",
            format_comparison(overall, summary["baseline"]["overall"]),
        ]
    return "\n".join(parts)


@click.command("eval")
@click.option(
    "--questions",
    "questions_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSONL questions: RealTimeQA, QuAIL, or generic (question, answer, optional id, "
    "as_of, choices, unanswerable, type).",
)
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Index these files/folders (repeatable) in an evaluation data folder of their own, "
    "reused by later runs. Default: the bot's index.",
)
@click.option(
    "--as-of-field",
    help="Question field taken as today, e.g. question_date. Default: as_of or question_date.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("eval-out"),
    show_default=True,
    help="Folder for results.jsonl, summary.json and the plots.",
)
@click.option("--baseline", is_flag=True, help="Also run the dense-only tutorial pipeline.")
@click.option(
    "--compare",
    multiple=True,
    type=click.Choice([k.value for k in ReaderKind]),
    help="Also answer with this reader, side by side (repeatable): lm, minilm or rules.",
)
@click.option("--rules", is_flag=True, help="Also answer by the rules alone (--compare rules).")
@click.option("--plot", is_flag=True, help="Write hits_at_k.png and latency.png.")
@click.pass_obj
def eval_cmd(
    settings: Settings,
    questions_path: Path,
    corpus: tuple[Path, ...],
    as_of_field: str | None,
    limit: int | None,
    out_dir: Path,
    baseline: bool,
    compare: tuple[str, ...],
    rules: bool,
    plot: bool,
) -> None:
    """Measure retrieval, answers, citations, abstention and latency on a question file."""
    options = EvalOptions(
        questions=questions_path,
        out_dir=out_dir,
        corpus=corpus,
        as_of_field=as_of_field,
        limit=limit,
        baseline=baseline,
        compare=tuple(dict.fromkeys([*map(ReaderKind, compare), *[ReaderKind.RULES] * rules])),
        plot=plot,
        progress=True,
    )
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    try:
        questions = load_questions(options)  # a bad file says so before the models load
        readers = {
            kind: open_readers(settings.model_copy(update={"reader": kind}))
            for kind in dict.fromkeys([settings.reader, *options.compare])
        }
        summary = run_eval(settings, embedder, options, readers, questions)
    except (EvalDataError, StoreError, EmbedderError, ReaderError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_report(summary))
    click.echo(f"\nresults in {out_dir}/")
