"""The readers the settings choose, loaded as the bot loads them: the language model, with the
MiniLM reader beside it for questions past the model's queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.surfaces.readers import open_readers


@pytest.mark.slow
def test_the_bot_loads_the_minilm_reader_beside_the_model_or_falls_back_to_the_rules(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, reader="lm")
    both = open_readers(settings, fallback=True)
    assert both.model is not None and both.reader is not None
    # The CLI and the REPL wait for the model: no second reader to load.
    assert open_readers(settings).reader is None
    assert open_readers(settings.model_copy(update={"lm_queue": 0}), fallback=True).reader is None
    # Damaged MiniLM weights cost the fallback, not the bot: the rules answer past the queue.
    broken = tmp_path / "reader.safetensors"
    broken.write_bytes(b"not weights")
    rules = open_readers(settings.model_copy(update={"reader_weights": broken}), fallback=True)
    assert rules.model is not None and rules.reader is None
