"""The llama.cpp backend (llama-cpp-python) of `LanguageModel`: the GGUF loaded once, read with
greedy decoding, one prompt at a time (the rest wait on a lock: llama.cpp already uses every
core it is given, and two prompts at once only share them worse)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.lm.model import Completion, Message, ModelError
from bot.lm.weights import DEFAULT_WEIGHTS, Weights, verify

log = logging.getLogger(__name__)

# Tokens the model may see at once: a window is ~220 tokens and the instructions 77, so this
# leaves room for the longest question a surface takes (1,000 characters) and a window of long
# words; its KV cache costs ~28 KB a token (~115 MB).
CONTEXT_TOKENS = 4096


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class LlamaModel:
    """A GGUF chat model run by llama.cpp on the CPU."""

    def __init__(self, llama: Any, name: str) -> None:
        self._llama = llama
        self.name = name
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls, path: Path, threads: int | None = None, weights: Weights = DEFAULT_WEIGHTS
    ) -> LlamaModel:
        """Load `path` after checking it is the released file (ModelError says the fix)."""
        verify(path, weights)
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError(
                "The language-model runtime is missing: pip install -e '.[lm]' (or make "
                "install; the first install compiles llama.cpp), or choose "
                "NEWSBOT_READER=minilm"
            ) from exc
        started = time.perf_counter()
        try:
            llama = Llama(
                model_path=str(path),
                n_ctx=CONTEXT_TOKENS,
                n_threads=threads or os.cpu_count() or 1,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp could not load {path}: {exc}") from exc
        log.info("loaded %s in %.1f s", path.name, time.perf_counter() - started)
        return cls(llama, path.name)

    def complete(self, messages: Sequence[Message], max_tokens: int) -> Completion:
        with self._lock:
            before = list(self._llama._input_ids)
            started = time.perf_counter()
            out = self._llama.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=max_tokens,
                temperature=0.0,  # greedy: the same evidence always reads the same
            )
            ms = (time.perf_counter() - started) * 1000
            usage = out["usage"]
            prompt = list(self._llama._input_ids[: usage["prompt_tokens"]])
        return Completion(
            text=out["choices"][0]["message"]["content"] or "",
            tokens_in=usage["prompt_tokens"],
            tokens_out=usage["completion_tokens"],
            ms=ms,
            tokens_cached=_common_prefix(before, prompt),
        )
