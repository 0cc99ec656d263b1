"""Indexing from the terminal: the embedding model made from the settings, and an index run
with progress bars that ends in a one-line error, not a traceback, when it cannot run."""

from __future__ import annotations

from pathlib import Path

import click

from bot.config import Settings
from bot.surfaces.terminal.progress import TqdmProgress
from index.build import BuildReport, build_index
from index.embedder import EmbedderError, SentenceTransformerEmbedder
from index.store import StoreError


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)


def run_index(
    settings: Settings, paths: tuple[Path, ...], rebuild: bool, quiet: bool
) -> BuildReport:
    progress = None if quiet else TqdmProgress()
    try:
        return build_index(
            paths or settings.indexed_paths(),
            settings,
            make_embedder(settings),
            rebuild=rebuild,
            progress=progress,
        )
    except (StoreError, EmbedderError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if progress is not None:
            progress.close()
