"""newsbot's extractive reader: question + window -> the answer span, or no answer.

The MiniLM that newsbot already ships (a 6-layer BERT) with a span head: a start and an end
logit for every token, the [CLS] token standing for "no answer" (SQuAD 2.0 style). Only the top
layers and the head are trained (`TRAINED_LAYERS`); the rest stay the shipped weights, so the
repository keeps only what training changed, in fp16.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.embedder import resolve_model_path

log = logging.getLogger(__name__)

TRAINED_LAYERS = 3  # of 6: the lower three stay the shipped MiniLM (measured: docs/reader.md)
MAX_TOKENS = 128  # question + window; windows are about 60 words
MAX_QUESTION_TOKENS = 32
MAX_ANSWER_TOKENS = 12
WEIGHTS_NAME = "reader.safetensors"


class ReaderError(RuntimeError):
    """The reader's weights cannot be loaded; the message says how to fix it."""


@dataclass(frozen=True)
class Reading:
    """The reader's best span in one context (character offsets into it) and its scores:
    `score` is the span's start + end logit, `null` the no-answer one; `margin` their
    difference (above 0: the reader finds an answer there)."""

    context: int
    start: int
    end: int
    text: str
    score: float
    null: float

    @property
    def margin(self) -> float:
        return self.score - self.null


def trainable(name: str, layers: int = TRAINED_LAYERS) -> bool:
    """Is the parameter `name` one of those training changes?"""
    if name.startswith("qa_outputs."):
        return True
    return any(name.startswith(f"bert.encoder.layer.{i}.") for i in range(6 - layers, 6))


def base_model(base: str) -> Any:
    """The shipped MiniLM with a fresh span head (transformers' BertForQuestionAnswering)."""
    import transformers
    from transformers import BertForQuestionAnswering

    transformers.logging.set_verbosity_error()  # the unused pooler and the new head are expected
    transformers.logging.disable_progress_bar()  # no "Loading weights" bar in every command
    return BertForQuestionAnswering.from_pretrained(base)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Reader:
    """A loaded reader; `read` is thread-safe (inference only)."""

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer

    @classmethod
    def load(cls, weights: Path, base: str) -> Reader:
        """The shipped MiniLM at `base` with the trained weights of `weights` (a safetensors
        file holding only the trained parameters)."""
        import torch
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        if not weights.is_file():
            raise ReaderError(
                f"No reader weights at {weights}: run `make reader` (or `newsbot train-reader`), "
                "or set NEWSBOT_READER=rules to answer by the rules alone."
            )
        model = base_model(base)
        try:
            stored = load_file(str(weights))
        except (SafetensorError, OSError) as exc:
            raise ReaderError(
                f"{weights} is not a readable safetensors file ({exc}): restore it with `git "
                "checkout models/reader/` or `make reader`, or set NEWSBOT_READER=rules"
            ) from exc
        state = {k: v.to(torch.float32) for k, v in stored.items()}
        expected = {n for n, _ in model.named_parameters() if trainable(n)}
        if set(state) != expected:
            raise ReaderError(f"{weights} does not hold the reader's trained layers")
        model.load_state_dict(state, strict=False)
        return cls(model, AutoTokenizer.from_pretrained(base))

    def encode(self, questions: Sequence[str], contexts: Sequence[str]) -> Any:
        return self.tokenizer(
            list(questions),
            list(contexts),
            truncation="only_second",
            max_length=MAX_TOKENS,
            padding=True,
            return_offsets_mapping=True,
            return_tensors="pt",
        )

    def read(self, question: str, contexts: Sequence[str]) -> list[Reading]:
        """The best span of each context for `question`, in the contexts' order."""
        if not contexts:
            return []
        import torch

        question = self.tokenizer.convert_tokens_to_string(
            self.tokenizer.tokenize(question)[:MAX_QUESTION_TOKENS]
        )
        batch = self.encode([question] * len(contexts), contexts)
        offsets = batch.pop("offset_mapping")
        mask = context_mask(batch["token_type_ids"], batch["attention_mask"], offsets)
        with torch.inference_mode():
            out = self.model(**batch)
        readings = []
        for k, context in enumerate(contexts):
            i, j, score, null = best_span(out.start_logits[k], out.end_logits[k], mask[k])
            a, b = int(offsets[k][i][0]), int(offsets[k][j][1])
            readings.append(Reading(k, a, b, context[a:b], score, null))
        return readings


def context_mask(token_type_ids: Any, attention_mask: Any, offsets: Any) -> Any:
    """Which tokens are the context's own (not the question, padding or separators)."""
    return (token_type_ids == 1) & (attention_mask == 1) & (offsets[..., 1] > 0)


def best_span(start: Any, end: Any, mask: Any) -> tuple[int, int, float, float]:
    """(first token, last token, start + end logit, the no-answer logit at [CLS]) of the span
    of at most MAX_ANSWER_TOKENS context tokens with the highest start + end."""
    import torch

    null = float(start[0] + end[0])
    pair = start.masked_fill(~mask, -1e4)[:, None] + end.masked_fill(~mask, -1e4)[None, :]
    n = pair.shape[0]
    band = torch.ones(n, n, dtype=torch.bool).triu().tril(MAX_ANSWER_TOKENS - 1)
    pair = pair.masked_fill(~band, -1e4)
    i, j = divmod(int(torch.argmax(pair)), n)
    return i, j, float(pair[i, j]), null


def load_reader(weights: Path, base: str) -> Reader:
    """The MiniLM reader, loaded once at start-up and warmed up."""
    reader = Reader.load(weights, resolve_model_path(base))
    reader.read("warm-up?", ["warm-up"])  # the first call pays for lazy set-up; not a user
    return reader
