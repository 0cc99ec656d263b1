"""Answering for long-lived surfaces: follows index rebuilds and keeps conversations."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

from bot.answering import AnswerContext, Turn, answer_question
from bot.config import Settings
from bot.language.en.places import load_gazetteers
from bot.surfaces.conversations import ConversationStore
from bot.surfaces.messages import MODEL_BUSY
from bot.surfaces.readers import Readers
from bot.types import Answer
from index.embedder import Embedder
from index.store import NewsIndex, current_generation, open_index

CONVERSATIONS_DB = "conversations.db"


class NewsService:
    """Re-opens the index when a run switched generations or appended to the live one, so new
    stories show without a restart."""

    def __init__(
        self, settings: Settings, embedder: Embedder, readers: Readers | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.readers = readers or Readers()
        self.conversations = ConversationStore(settings.data_dir / CONVERSATIONS_DB)
        self._lock = threading.Lock()
        self._context: AnswerContext | None = None
        self._counting = threading.Lock()
        self._with_model = 0
        load_gazetteers()  # now, not during someone's first "which city" question

    def context(self) -> AnswerContext:
        """The answer context of the live generation (opening it when it changed)."""
        live = current_generation(self.settings.data_dir)
        with self._lock:
            if self._context is None or live is None or self._context.index.path != live:
                self._context = self._open(open_index(self.settings.data_dir))
            elif self._context.index.appended_since():
                self._context = self._open(self._context.index.refreshed())
            return self._context

    def _open(self, index: NewsIndex) -> AnswerContext:
        return AnswerContext(
            index, self.embedder, self.settings, self.readers.reader, self.readers.model
        )

    @property
    def with_model(self) -> int:
        """Questions the language model is reading or that wait for it."""
        return self._with_model

    def ask(self, conversation: str, question: str, *, as_of: date | None = None) -> Answer:
        history = self.conversations.history(conversation)
        ctx = self.context()
        queue = self.settings.lm_queue
        with self._counting:
            # One reading and `queue` waiting: the next is the fast reader's, at once.
            overflow = ctx.model is not None and 0 < queue < self._with_model
            chosen = replace(ctx, model=None) if overflow else ctx
            self._with_model += chosen.model is not None
        try:
            answer = answer_question(chosen, question, history=history, as_of=as_of)
        finally:
            with self._counting:
                self._with_model -= chosen.model is not None
        if overflow:
            answer = replace(answer, note=" ".join(n for n in (answer.note, MODEL_BUSY) if n))
        self.conversations.append(
            conversation,
            Turn(question, answer.resolved_question, "" if answer.abstained else answer.text),
        )
        return answer

    def new_conversation(self, conversation: str) -> None:
        self.conversations.reset(conversation)
