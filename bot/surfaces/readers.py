"""The reader the settings choose, loaded once at start-up (the edge where models are opened):
the language model, the MiniLM reader, or neither (the rules alone)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.reading import SpanReader
from bot.config import ReaderKind, Settings
from bot.lm.llama import LlamaModel
from bot.lm.model import LanguageModel
from bot.lm.prompt import load_prompt
from bot.reader.model import load_reader


@dataclass(frozen=True)
class Readers:
    """What answering reads with: at most one of the two is set."""

    reader: SpanReader | None = None
    model: LanguageModel | None = None


def open_readers(settings: Settings) -> Readers:
    """Load the chosen reader (ReaderError or ModelError, saying the fix, when it cannot)."""
    if settings.reader == ReaderKind.LM:
        model = LlamaModel.load(settings.lm_model, settings.lm_threads)
        # The first prompt pays for llama.cpp's lazy set-up and caches the instructions'
        # tokens, which every question's prompt starts with: now, not on a user's question.
        model.complete(load_prompt().messages("warm-up?", "warm-up", "", "warm-up"), 1)
        return Readers(model=model)
    if settings.reader == ReaderKind.MINILM:
        return Readers(reader=load_reader(settings.reader_weights, settings.embedding_model))
    return Readers()
