"""What answering needs, opened once at the edge, and one earlier turn of a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answering.reading import SpanReader
from bot.config import Settings
from bot.lm.model import LanguageModel
from index.embedder import Embedder
from index.store import NewsIndex


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    resolved_question: str
    answer_text: str


@dataclass
class AnswerContext:
    """What answering needs, opened once at the edge and passed in."""

    index: NewsIndex
    embedder: Embedder
    settings: Settings
    # newsbot's trained reader; None answers by the rules alone (NEWSBOT_READER=false).
    reader: SpanReader | None = None
    # The language model that reads the evidence (NEWSBOT_READER=lm); when set, it answers and
    # `reader` is not used.
    model: LanguageModel | None = None
    _sources: list[str] | None = field(default=None, repr=False)

    @property
    def sources(self) -> list[str]:
        if self._sources is None:
            self._sources = self.index.sources()
        return self._sources
