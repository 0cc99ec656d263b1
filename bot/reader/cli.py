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
        with dev.open(encoding="utf-8") as fh:
            retrieved = {
                d for line in fh if line.strip() for d in json.loads(line)["retrieved_doc_ids"]
            }
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
