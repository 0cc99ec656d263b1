"""The bot's service in front of one language model: questions past its queue are answered at
once by the fast reader, and say so; the rest wait for the model."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from bot.config import Settings
from bot.lm.model import Completion, Message
from bot.surfaces.messages import MODEL_BUSY
from bot.surfaces.readers import Readers
from bot.surfaces.service import NewsService
from index.build import build_index
from tests.conftest import write_article
from tests.fakes import FakeModel, HashEmbedder

QUESTION = "Which base did the troops leave?"
AS_OF = date(2021, 7, 5)


class GatedModel(FakeModel):
    """The fake model, holding every prompt until the gate opens: a model busy reading."""

    def __init__(self) -> None:
        super().__init__({"base": "Bagram Airfield"})
        self.gate = threading.Event()
        self.reading = threading.Event()
        self._one = threading.Lock()  # one prompt at a time, as llama.cpp's backend

    def complete(self, messages: Sequence[Message], max_tokens: int) -> Completion:
        with self._one:
            self.reading.set()
            self.gate.wait(10)
            return super().complete(messages, max_tokens)


def _service(
    settings: Settings, embedder: HashEmbedder, queue: int
) -> tuple[NewsService, GatedModel]:
    news = settings.corpus_paths[0]
    write_article(
        news,
        "bagram.txt",
        "US troops leave Bagram",
        "The last American troops quietly left Bagram Airfield on Friday, the base that once "
        "held 100,000 soldiers.",
        published="2021-07-02",
    )
    build_index([news], settings, embedder)
    model = GatedModel()
    settings = settings.model_copy(update={"lm_queue": queue})
    return NewsService(settings, embedder, Readers(model=model)), model


def _until(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_question_past_the_queue_is_answered_at_once_by_the_fast_reader(
    settings: Settings, embedder: HashEmbedder
) -> None:
    service, model = _service(settings, embedder, queue=1)
    with ThreadPoolExecutor(3) as pool:
        reading = pool.submit(service.ask, "a", QUESTION, as_of=AS_OF)
        _until(model.reading.is_set)
        waiting = pool.submit(service.ask, "b", QUESTION, as_of=AS_OF)
        _until(lambda: service.with_model == 2)
        # The model reads one and one waits: the third is the rules', while the model is held.
        past = service.ask("c", QUESTION, as_of=AS_OF)
        assert not reading.done() and not waiting.done()
        assert past.model is None and MODEL_BUSY in past.note
        model.gate.set()
        first, second = reading.result(10), waiting.result(10)
    for answer in (first, second):
        assert answer.model is not None and answer.line.startswith("Bagram Airfield")
        assert MODEL_BUSY not in answer.note
    assert service.with_model == 0


def test_with_no_queue_limit_every_question_waits_for_the_model(
    settings: Settings, embedder: HashEmbedder
) -> None:
    service, model = _service(settings, embedder, queue=0)
    with ThreadPoolExecutor(4) as pool:
        asked = [pool.submit(service.ask, str(n), QUESTION, as_of=AS_OF) for n in range(4)]
        _until(lambda: service.with_model == 4)
        model.gate.set()
        answers = [f.result(10) for f in asked]
    assert all(a.model is not None and MODEL_BUSY not in a.note for a in answers)
