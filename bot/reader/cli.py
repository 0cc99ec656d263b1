"""`newsbot train-reader`: build the generated questions, train, write the weights and card."""

from __future__ import annotations

import json
import random
from pathlib import Path

import click
from tqdm import tqdm

from bot.config import Settings
from bot.reader.dataset import examples, read_jsonl, write_jsonl
from bot.reader.model import WEIGHTS_NAME, sha256_of
from bot.reader.train import TrainConfig, train
from bot.reader.tuning import mixed, question_examples
from index.embedder import resolve_model_path
from index.ingest.articles import Article
from index.ingest.loaders import load_paths

VALID_SHARE = 0.05  # of the articles, held apart for the validation loss


def training_articles(corpus: list[Path], shared: Path) -> list[Article]:
    """Text that judges nothing: corpus/, the sample corpus, the QuAIL dev texts, and the
    RealTimeQA articles that dev questions retrieved (none that only held-out weeks saw)."""
    paths = [*corpus, shared / "sample-corpus", shared / "eval" / "quail_news" / "articles.jsonl"]
    found = [a for a in load_paths(p for p in paths if p.exists()) if isinstance(a, Article)]
    dev = shared / "eval" / "rtqa2023" / "questions_dev.jsonl"
    rtqa = shared / "eval" / "rtqa2023" / "corpus.jsonl.gz"
    if dev.exists() and rtqa.exists():
        retrieved = {d for r in _records(dev) for d in r["retrieved_doc_ids"]}
        found += [a for a in load_paths([rtqa]) if isinstance(a, Article) and a.key in retrieved]
    return found


@click.command("train-reader")
@click.option(
    "--examples",
    "count",
    type=int,
    default=40_000,
    show_default=True,
    help="Generated questions to train on.",
)
@click.option("--epochs", type=float, default=1.0, show_default=True)
@click.option("--batch-size", type=int, default=16, show_default=True)
@click.option("--learning-rate", type=float, default=1e-4, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--shared",
    type=click.Path(path_type=Path),
    default=Path("../shared"),
    show_default=True,
    help="Where the sample corpus and the dev data lie.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("models/reader"),
    show_default=True,
    help="Where the weights and the model card go.",
)
@click.option(
    "--work",
    type=click.Path(path_type=Path),
    default=None,
    help="Data and checkpoints of the run (default: DATA_DIR/reader-train); a run "
    "resumes from its checkpoint.",
)
@click.pass_obj
def train_reader_cmd(
    settings: Settings,
    count: int,
    epochs: float,
    batch_size: int,
    learning_rate: float,
    seed: int,
    shared: Path,
    out: Path,
    work: Path | None,
) -> None:
    """Train newsbot's reader on questions generated from news text (no human labels)."""
    work = work or settings.data_dir / "reader-train"
    train_file, valid_file = work / "train.jsonl", work / "valid.jsonl"
    if not train_file.exists():
        articles = training_articles(list(settings.corpus_paths), shared)
        random.Random(seed).shuffle(articles)
        cut = max(1, int(len(articles) * VALID_SHARE))
        click.echo(f"{len(articles)} articles; generating {count} questions ...", err=True)
        write_jsonl(examples(articles[:cut], max(200, int(count * VALID_SHARE)), seed), valid_file)
        write_jsonl(examples(articles[cut:], count, seed), train_file)
    train_set, valid_set = read_jsonl(train_file), read_jsonl(valid_file)
    config = TrainConfig(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed
    )
    with tqdm(desc="training", unit="step", file=None) as bar:

        def progress(step: int, total: int, loss: float) -> None:
            bar.total = total
            bar.n = step
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)
            bar.refresh()

        figures = train(
            train_set,
            valid_set,
            resolve_model_path(settings.embedding_model),
            out,
            work,
            config,
            progress,
        )
    figures |= {
        "generated": {
            "train": len(train_set),
            "valid": len(valid_set),
            "paired": sum(e.paired for e in train_set),
            "no_answer": sum(not e.answer for e in train_set),
        },
        "command": f"newsbot train-reader --examples {count} --epochs {epochs} --seed {seed}",
        "sha256": sha256_of(out / WEIGHTS_NAME),
    }
    (out / "card.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    click.echo(json.dumps(figures))


GENERATED_SHARE = 1.0  # generated examples mixed in per tuning example (keeps what they taught)


@click.command("tune-reader")
@click.option(
    "--questions",
    "questions_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("../shared/eval/rtqa2023/questions_dev.jsonl"),
    show_default=True,
    help="RealTimeQA-style questions (answer, gold_doc_ids, retrieved_doc_ids) to tune on.",
)
@click.option(
    "--corpus",
    type=click.Path(exists=True, path_type=Path),
    default=Path("../shared/eval/rtqa2023/corpus.jsonl.gz"),
    show_default=True,
    help="The articles the questions' doc ids name.",
)
@click.option(
    "--hold-out",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("../shared/eval/rtqa2023/questions_dev_small.jsonl"),
    show_default=True,
    help="Questions kept out of tuning: they validate it (and stay fair to evaluate on).",
)
@click.option("--epochs", type=float, default=2.0, show_default=True)
@click.option("--learning-rate", type=float, default=3e-5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("models/reader"),
    show_default=True,
    help="Where the tuned weights and the model card go.",
)
@click.pass_obj
def tune_reader_cmd(
    settings: Settings,
    questions_path: Path,
    corpus: Path,
    hold_out: Path,
    epochs: float,
    learning_rate: float,
    seed: int,
    out: Path,
) -> None:
    """Fine-tune the trained reader on real news questions (the last step of training)."""
    held = {r["question_id"] for r in _records(hold_out)}
    records = _records(questions_path)
    wanted = {k for r in records for k in [*r["gold_doc_ids"], *r["retrieved_doc_ids"]]}
    articles = {
        a.key: a for a in load_paths([corpus]) if isinstance(a, Article) and a.key in wanted
    }
    tuning = question_examples([r for r in records if r["question_id"] not in held], articles, seed)
    valid = question_examples([r for r in records if r["question_id"] in held], articles, seed)
    own = [a for a in load_paths(settings.corpus_paths) if isinstance(a, Article)]
    generated = examples(own, int(len(tuning) * GENERATED_SHARE), seed)
    click.echo(
        f"{len(tuning)} tuning examples ({len(valid)} held out), {len(generated)} generated",
        err=True,
    )
    work = settings.data_dir / "reader-tune"
    start = settings.reader_weights
    if start.resolve() == (out / WEIGHTS_NAME).resolve():
        # The tuned weights replace the file they start from: start from a copy.
        work.mkdir(parents=True, exist_ok=True)
        copy = work / "start.safetensors"
        if not copy.exists():
            copy.write_bytes(start.read_bytes())
        start = copy
    config = TrainConfig(epochs=epochs, learning_rate=learning_rate, seed=seed, eval_every=50)
    with tqdm(desc="tuning", unit="step") as bar:

        def progress(step: int, total: int, loss: float) -> None:
            bar.total, bar.n = total, step
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)
            bar.refresh()

        figures = train(
            mixed(tuning, generated, seed),
            valid,
            resolve_model_path(settings.embedding_model),
            out,
            work,
            config,
            progress,
            start_from=start,
        )
    card_path = out / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
    card["tuned"] = figures | {
        "tuning_examples": len(tuning),
        "generated_examples": len(generated),
        "held_out_examples": len(valid),
        "command": f"newsbot tune-reader --epochs {epochs} --learning-rate {learning_rate} "
        f"--seed {seed}",
    }
    card["sha256"] = sha256_of(out / WEIGHTS_NAME)
    card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    click.echo(json.dumps(card["tuned"]))


def _records(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
