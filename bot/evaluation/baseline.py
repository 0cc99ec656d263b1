"""The dense-only pipeline most RAG tutorials build: the yardstick of `newsbot eval --baseline`.

What it does, on purpose and nothing more:
- chunks each article's body (the same texts newsbot indexes, from `index.ingest.loaders`) into
  windows of 1,000 characters overlapping by 200, ending at whitespace in the window's second
  half when there is some and starting at a word (roughly LangChain's
  RecursiveCharacterTextSplitter(1000, 200) without its paragraph preference); no titles,
  no deduplication;
- encodes them with the same embedding model, and searches them exactly (FAISS inner product
  over normalised vectors, i.e. cosine);
- answers with the first sentence of its top passage, and never abstains or cites.

Encoding the full RealTimeQA corpus takes about 50 minutes here, so the vectors are cached:
`vectors.npy` plus `manifest.json` (model, window settings and one content key per chunk).
A later run encodes only the chunks whose text the cache does not hold, so an edited article
costs its own chunks, not the corpus.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.types import Answer, Passage
from index.embedder import Embedder
from index.ingest.articles import Article
from index.text.sentences import sentence_spans

log = logging.getLogger(__name__)

CHUNK_CHARS = 1000
OVERLAP_CHARS = 200
ENCODE_CALL = 1024  # texts per encode() call: one progress step
VECTORS_NAME = "vectors.npy"
MANIFEST_NAME = "manifest.json"
_SPACE = re.compile(r"\s")


def window_spans(
    text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS
) -> list[tuple[int, int]]:
    """(start, end) offsets of overlapping character windows covering `text`."""
    if not 0 <= overlap < size // 2:
        raise ValueError("overlap must be under half the window size")
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            # Cutting at whitespace keeps words whole; give up on it in a window without any.
            half = start + size // 2
            cut = max(text.rfind(" ", half, end), text.rfind("\n", half, end))
            if cut != -1:
                end = cut
        spans.append((start, end))
        if end == len(text):
            break
        start = end - overlap
        space = _SPACE.search(text, start, end)
        if space is not None:
            start = space.end()
    return spans


@dataclass(frozen=True)
class BaselineChunk:
    article_id: str
    text: str


def chunk_articles(articles: Iterable[Article]) -> list[BaselineChunk]:
    chunks = []
    for article in articles:
        body = article.body
        for start, end in window_spans(body):
            text = body[start:end].strip()
            if text:
                chunks.append(BaselineChunk(article.article_id, text))
    return chunks


def chunk_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def _encode(texts: Sequence[str], embedder: Embedder, progress: bool) -> np.ndarray:
    parts = []
    with tqdm(
        total=len(texts),
        desc="baseline embedding",
        unit="chunk",
        disable=not progress,
        file=sys.stderr,
        leave=False,
    ) as bar:
        for start in range(0, len(texts), ENCODE_CALL):
            parts.append(embedder.encode(texts[start : start + ENCODE_CALL]))
            bar.update(len(parts[-1]))
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _read_cache(cache_dir: Path, head: dict) -> tuple[list[str], np.ndarray | None]:
    """The cached chunk keys and vectors when they were made the same way, else nothing."""
    try:
        manifest = json.loads((cache_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        if {k: manifest.get(k) for k in head} != head:
            return [], None
        keys, vectors = manifest["keys"], np.load(cache_dir / VECTORS_NAME)
    except (OSError, ValueError, KeyError):
        return [], None  # missing, or cut short by a crash: nothing is vouched for
    return (keys, vectors) if len(keys) == len(vectors) else ([], None)


def _write_cache(cache_dir: Path, head: dict, keys: list[str], vectors: np.ndarray) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cache_dir / MANIFEST_NAME
    # The manifest goes first and comes back last: a crash never leaves it vouching for
    # vectors that are not its own.
    manifest_path.unlink(missing_ok=True)
    tmp = cache_dir / (VECTORS_NAME + ".tmp")
    with tmp.open("wb") as fh:
        np.save(fh, vectors)
    tmp.replace(cache_dir / VECTORS_NAME)
    tmp = cache_dir / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(head | {"keys": keys}), encoding="utf-8")
    tmp.replace(manifest_path)


def cached_vectors(
    cache_dir: Path, chunks: Sequence[BaselineChunk], embedder: Embedder, *, progress: bool = False
) -> np.ndarray:
    """The chunks' vectors, encoding only the chunks the cache does not hold for this model."""
    head = {"model": embedder.name, "chunk_chars": CHUNK_CHARS, "overlap_chars": OVERLAP_CHARS}
    keys = [chunk_key(c.text) for c in chunks]
    old_keys, old_vectors = _read_cache(cache_dir, head)
    if old_vectors is not None and old_keys == keys:
        log.info("baseline vectors from the cache %s", cache_dir)
        return old_vectors
    old_row = {k: i for i, k in enumerate(old_keys)}
    todo = {k: c.text for k, c in zip(keys, chunks, strict=True) if k not in old_row}
    log.info("baseline: encoding %d of %d chunks", len(todo), len(chunks))
    fresh = _encode(list(todo.values()), embedder, progress)
    fresh_row = {k: i for i, k in enumerate(todo)}
    old = old_vectors if old_vectors is not None else fresh[:0]
    vectors = np.empty((len(keys), fresh.shape[1]), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = fresh[fresh_row[key]] if key in fresh_row else old[old_row[key]]
    _write_cache(cache_dir, head, keys, vectors)
    return vectors


def first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[0][0] : spans[0][1]] if spans else text.strip()


class DenseBaseline:
    """Exact cosine search over the chunks, answering with the top passage's first sentence."""

    def __init__(
        self, chunks: Sequence[BaselineChunk], vectors: np.ndarray, embedder: Embedder
    ) -> None:
        self.chunks = list(chunks)
        self.embedder = embedder
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def ask(self, question: str, k: int = 10) -> Answer:
        started = time.perf_counter()
        vector = self.embedder.encode([question])
        scores, ids = self.index.search(vector, k)
        passages = tuple(
            Passage(
                text=self.chunks[i].text,
                score=round(float(s), 4),
                article_id=self.chunks[i].article_id,
                paragraphs=(),
            )
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        )
        text = first_sentence(passages[0].text) if passages else ""
        timings = {"total": (time.perf_counter() - started) * 1000}
        return Answer(question, text, False, (), passages, timings, question)
