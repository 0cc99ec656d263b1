"""Training the reader: resumable, logged, on the CPU (or a GPU where one is at hand)."""

from __future__ import annotations

import json
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.reader.dataset import Example
from bot.reader.model import (
    MAX_QUESTION_TOKENS,
    MAX_TOKENS,
    TRAINED_LAYERS,
    WEIGHTS_NAME,
    base_model,
    best_span,
    context_mask,
    trainable,
)

CHECKPOINT = "checkpoint.pt"
LOG = "train.log"


@dataclass(frozen=True)
class TrainConfig:
    epochs: float = 1.0
    batch_size: int = 16
    learning_rate: float = 1e-4
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    seed: int = 0
    eval_every: int = 100  # steps between validation runs (and checkpoints)
    valid_limit: int = 300  # validation examples scored each time


@dataclass(frozen=True)
class Encoded:
    """Examples as tensors; `start`/`end` are token positions (0: no answer)."""

    input_ids: Any
    attention_mask: Any
    token_type_ids: Any
    start: Any
    end: Any
    mask: Any  # the context's own tokens
    kept: list[int]  # which examples fit (an answer cut off by truncation does not)


def encode(tokenizer: Any, examples: Sequence[Example]) -> Encoded:
    import torch

    questions = [
        tokenizer.convert_tokens_to_string(tokenizer.tokenize(e.question)[:MAX_QUESTION_TOKENS])
        for e in examples
    ]
    batch = tokenizer(
        questions,
        [e.context for e in examples],
        truncation="only_second",
        max_length=MAX_TOKENS,
        padding="max_length",
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    starts, ends, kept = [], [], []
    for i, e in enumerate(examples):
        if e.start < 0:
            starts.append(0)
            ends.append(0)
            kept.append(i)
            continue
        a, b = e.start, e.start + len(e.answer)
        ids = batch.sequence_ids(i)
        tokens = [
            t
            for t, (s, f) in enumerate(batch["offset_mapping"][i].tolist())
            if ids[t] == 1 and s < b and f > a
        ]
        if not tokens or batch["offset_mapping"][i][tokens[-1]][1] < b:
            continue
        starts.append(tokens[0])
        ends.append(tokens[-1])
        kept.append(i)
    pick = torch.tensor(kept, dtype=torch.long)
    return Encoded(
        batch["input_ids"][pick],
        batch["attention_mask"][pick],
        batch["token_type_ids"][pick],
        torch.tensor(starts),
        torch.tensor(ends),
        context_mask(batch["token_type_ids"], batch["attention_mask"], batch["offset_mapping"])[
            pick
        ],
        kept,
    )


def _save_atomic(obj: Any, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def _log(work: Path, **row: Any) -> None:
    with (work / LOG).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def validate(model: Any, data: Encoded, batch_size: int) -> dict[str, float]:
    """Loss, exact span match on answerable examples, and no-answer accuracy (margin 0)."""
    import torch

    model.eval()
    loss, exact, answerable, abstained = 0.0, 0, 0, 0
    n = len(data.kept)
    with torch.inference_mode():
        for lo in range(0, n, batch_size):
            sl = slice(lo, lo + batch_size)
            out = model(
                input_ids=data.input_ids[sl],
                attention_mask=data.attention_mask[sl],
                token_type_ids=data.token_type_ids[sl],
                start_positions=data.start[sl],
                end_positions=data.end[sl],
            )
            loss += float(out.loss) * len(data.start[sl])
            for k in range(len(data.start[sl])):
                row = lo + k
                i, j, score, null = best_span(
                    out.start_logits[k], out.end_logits[k], data.mask[row]
                )
                gold = (int(data.start[row]), int(data.end[row]))
                if gold == (0, 0):
                    abstained += score <= null
                    continue
                answerable += 1
                exact += score > null and (i, j) == gold
    model.train()
    return {
        "valid_loss": loss / max(n, 1),
        "exact": exact / max(answerable, 1),
        "no_answer": abstained / max(n - answerable, 1),
    }


def train(
    train_set: Sequence[Example],
    valid_set: Sequence[Example],
    base: str,
    out_dir: Path,
    work: Path,
    config: TrainConfig,
    progress: Callable[[int, int, float], None] | None = None,
    start_from: Path | None = None,
) -> dict[str, Any]:
    """Train, checkpointing to `work` (a run resumes from its checkpoint), and write the
    trained layers in fp16 to `out_dir`/reader.safetensors. Returns the run's figures.
    `start_from`: trained weights to go on from (fine-tuning) instead of a fresh head."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    work.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = base_model(base)
    if start_from is not None:
        from safetensors.torch import load_file

        weights = {k: v.to(torch.float32) for k, v in load_file(str(start_from)).items()}
        model.load_state_dict(weights, strict=False)
    for name, param in model.named_parameters():
        param.requires_grad = trainable(name)
    params = [p for _, p in model.named_parameters() if p.requires_grad]
    data = encode(tokenizer, train_set)
    valid_examples = list(valid_set)[: config.valid_limit]
    valid = encode(tokenizer, valid_examples)
    n = len(data.kept)
    steps_per_epoch = math.ceil(n / config.batch_size)
    total = max(1, int(steps_per_epoch * config.epochs))
    warmup = max(1, int(total * config.warmup_share))
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup + 1)))
    )
    generator = torch.Generator().manual_seed(config.seed)
    order = torch.cat(
        [
            torch.randperm(n, generator=generator)
            for _ in range(math.ceil(total / steps_per_epoch) + 1)
        ]
    )
    step, elapsed = 0, 0.0
    checkpoint = work / CHECKPOINT
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"], strict=False)
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        step, elapsed = saved["step"], saved["elapsed"]
    model.train()
    started = time.perf_counter() - elapsed
    while step < total:
        pick = order[step * config.batch_size : (step + 1) * config.batch_size]
        out = model(
            input_ids=data.input_ids[pick],
            attention_mask=data.attention_mask[pick],
            token_type_ids=data.token_type_ids[pick],
            start_positions=data.start[pick],
            end_positions=data.end[pick],
        )
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        seconds = time.perf_counter() - started
        if progress is not None:
            progress(step, total, out.loss.item())
        if step % 20 == 0 or step == total:
            _log(
                work,
                step=step,
                loss=round(out.loss.item(), 4),
                lr=schedule.get_last_lr()[0],
                examples_per_s=round(step * config.batch_size / seconds, 2),
            )
        if step % config.eval_every == 0 or step == total:
            figures = validate(model, valid, config.batch_size)
            _log(work, step=step, **{k: round(v, 4) for k, v in figures.items()})
            state = {k: v for k, v in model.state_dict().items() if trainable(k)}
            _save_atomic(
                {
                    "model": state,
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "step": step,
                    "elapsed": seconds,
                },
                checkpoint,
            )
    figures = validate(model, valid, config.batch_size)
    state = {
        k: v.detach().to(torch.float16).contiguous()
        for k, v in model.state_dict().items()
        if trainable(k)
    }
    save_file(state, str(out_dir / WEIGHTS_NAME))
    return {
        "config": asdict(config),
        "trained_layers": TRAINED_LAYERS,
        "max_tokens": MAX_TOKENS,
        "train_examples": n,
        "valid_examples": len(valid.kept),
        "steps": total,
        "seconds": round(time.perf_counter() - started, 1),
        **{k: round(v, 4) for k, v in figures.items()},
    }
