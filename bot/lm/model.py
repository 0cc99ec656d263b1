"""What answering needs of a language model, whatever runs it: chat messages in, the reply's
text out, with its token counts and time (kept on the answer for `--json` and `:debug`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class ModelError(RuntimeError):
    """The language model cannot be loaded or run; the message says how to fix it."""


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    """The model's reply to one prompt, as it said it, and what it cost."""

    text: str
    tokens_in: int
    tokens_out: int
    ms: float
    # Prompt tokens whose KV cache was reused from the previous prompt (the shared prefix).
    tokens_cached: int = 0


class LanguageModel(Protocol):
    """A loaded instruction-tuned model. Greedy decoding: one prompt, one reply, every time."""

    name: str

    def complete(self, messages: Sequence[Message], max_tokens: int) -> Completion: ...
