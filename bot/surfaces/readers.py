"""The reader the settings choose, loaded once at start-up (the edge where models are opened):
the language model, the MiniLM reader, or neither (the rules alone)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.answering.reading import SpanReader
from bot.config import ReaderKind, Settings
from bot.lm.llama import LlamaModel
from bot.lm.model import LanguageModel
from bot.lm.prompt import load_prompt
from bot.reader.model import ReaderError, load_reader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readers:
    """What answering reads with: the language model, or the MiniLM reader, or neither (the
    rules); with the language model, the MiniLM reader only as the bot's fallback when the
    model is busy (NewsService)."""

    reader: SpanReader | None = None
    model: LanguageModel | None = None


def open_readers(settings: Settings, fallback: bool = False) -> Readers:
    """Load the chosen reader (ReaderError or ModelError, saying the fix, when it cannot), and
    with the language model and `fallback`, the MiniLM reader for questions past its queue
    (the rules when that cannot load)."""
    if settings.reader == ReaderKind.LM:
        model = LlamaModel.load(settings.lm_model, settings.lm_threads)
        # The first prompt pays for llama.cpp's lazy set-up and caches the instructions'
        # tokens, which every question's prompt starts with: now, not on a user's question.
        model.complete(load_prompt().messages("warm-up?", "warm-up", "", "warm-up"), 1)
        reader = None
        if fallback and settings.lm_queue:
            try:
                reader = load_reader(settings.reader_weights, settings.embedding_model)
            except ReaderError as exc:
                log.warning(
                    "no MiniLM reader for a busy language model (the rules answer): %s", exc
                )
        return Readers(reader=reader, model=model)
    if settings.reader == ReaderKind.MINILM:
        return Readers(reader=load_reader(settings.reader_weights, settings.embedding_model))
    return Readers()
