from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings
from tests.fakes import HashEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[tmp_path / "news"])


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


def write_article(folder: Path, name: str, title: str, *paragraphs: str, **meta: str) -> Path:
    """A .txt article with front matter, as a user would drop it into the corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    front = "".join(f"{k}: {v}\n" for k, v in {"title": title, **meta}.items())
    path = folder / name
    path.write_text(f"---\n{front}---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def real_embedder():
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Settings:
    """corpus/ indexed once per test session with the real model."""
    from index.build import build_index

    data = tmp_path_factory.mktemp("corpus-index")
    settings = Settings(_env_file=None, data_dir=data, corpus_paths=[CORPUS])
    build_index(settings.corpus_paths, settings, real_embedder)
    return settings


@pytest.fixture(scope="session")
def corpus_context(corpus_settings: Settings, real_embedder):
    from bot.answering import AnswerContext
    from index.store import open_index

    return AnswerContext(open_index(corpus_settings.data_dir), real_embedder, corpus_settings)


@pytest.fixture(scope="session")
def real_reader():
    """newsbot's trained reader, as the repository ships it."""
    from bot.config import READER_WEIGHTS
    from bot.reader.model import load_reader
    from index.config import DEFAULT_MODEL

    return load_reader(READER_WEIGHTS, DEFAULT_MODEL)


@pytest.fixture(scope="session")
def real_model():
    """The language model, as `make install` puts it under models/lm/."""
    from bot.config import Settings
    from bot.surfaces.readers import open_readers

    return open_readers(Settings(_env_file=None, reader="lm")).model
