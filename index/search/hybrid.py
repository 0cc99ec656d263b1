"""Hybrid retrieval: FAISS (dense) + FTS5 (BM25), fused, filtered, boosted by date and outlet."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import snowballstemmer

from index.embedder import Embedder
from index.search.fusion import rrf_scores
from index.store.catalog import NewsIndex
from index.text.chunking import PARAGRAPH_SEPARATOR, chunk_parts
from index.text.dates import DateWindow, in_window, parse_iso

T = TypeVar("T")
POOL = 100  # candidates taken from each retriever before fusion
# Added to the fused score (scaled to [0, 1]) for articles inside the question's time window,
# else the week before today: a news question is about this week's news unless it says not.
DATE_BOOST = 0.5
PASSAGE_CHARS = 2000  # a passage: the matched chunk and its neighbouring paragraphs, this long

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom whose why will with would you your yours yourself yourselves did says
    said say week weeks month year today yesterday according news named name""".split()
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def query_terms(text: str) -> list[str]:
    """Content words of a question, in order, without duplicates."""
    out: list[str] = []
    for raw in _TOKEN.findall(text):
        token = raw.lower().replace("’", "'").strip(".'-")
        token = token.removesuffix("'s")
        if token and token not in STOPWORDS and token not in out:
            out.append(token)
    return out


# A stemmer object keeps state between calls: one thread at a time (answers run in threads).
_STEMMER = snowballstemmer.stemmer("porter")
_STEMMER_LOCK = threading.Lock()


@lru_cache(maxsize=1 << 16)
def fts_stem(word: str) -> str:
    """A word as FTS5's porter tokenizer indexes it: Porter's stem, words under three letters
    as they are ("us" stays "us")."""
    if len(word) < 3:
        return word
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def fts_query(text: str, common: frozenset[str] = frozenset()) -> str:
    """An FTS5 MATCH expression: any content word (BM25 ranks documents with more of them),
    without the single words whose stems are `common`, unless nothing else is left. (A phrase
    of common words, "all-time", is rare as a phrase and stays.)"""
    words = [re.sub(r"[^a-z0-9]+", " ", term).strip() for term in query_terms(text)]
    words = [w for w in words if w]
    rare = [w for w in words if " " in w or fts_stem(w) not in common]
    return " OR ".join(f'"{w}"' for w in rare or words)


def keyword_search(index: NewsIndex, text: str, k: int) -> list[tuple[int, float]]:
    """BM25 over the question's telling words; over all of them when those match nothing (a
    word the index lacks, beside common ones)."""
    telling = fts_query(text, index.common_terms)
    hits = index.keyword(telling, k)
    if hits or (every := fts_query(text)) == telling:
        return hits
    return index.keyword(every, k)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    window: DateWindow | None = None
    sources: tuple[str, ...] = ()  # restrict to these outlets (lower-case), when non-empty
    recent: DateWindow | None = None  # boosted when `window` is None


@dataclass(frozen=True)
class Hit:
    chunk: int
    article_id: str
    text: str
    paragraph_ids: tuple[str, ...]
    first_paragraph: int
    last_paragraph: int
    title: str
    source: str
    published: str
    url: str
    score: float
    dense: float
    keyword_rank: int | None
    timely: bool = False  # dated inside the question's time window (or the recent week)
    # The matched chunk's paragraphs (first, last ordinal), when the passage is wider.
    chunk_paragraphs: tuple[int, int] | None = None
    # Lower-ranked chunks of the same article that this passage already shows (unwidened).
    merged: tuple[Hit, ...] = ()

    @property
    def chunks(self) -> tuple[Hit, ...]:
        """The chunks that matched inside this passage, best first: their sentences are the
        passage's evidence."""
        return (self, *self.merged)


@dataclass
class SearchResult:
    hits: list[Hit]
    query_vector: np.ndarray
    timings_ms: dict[str, float] = field(default_factory=dict)


def _from_outlet(row: dict, query: SearchQuery) -> bool:
    return not query.sources or row["source"].lower() in query.sources


_KEYWORD_THREAD = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25")


def _timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    started = time.perf_counter()
    return fn(*args), (time.perf_counter() - started) * 1000


def widen(hit: Hit, paragraphs: Mapping[int, tuple[str, str]], limit: int) -> Hit:
    """`hit` with whole neighbouring paragraphs (ordinal -> id, text) of its article added, the
    next and the previous in turn, while the passage stays within `limit` characters.

    Small chunks find the right place; the paragraphs around it give the reader (and the
    answer) the context a chunk cuts off: "small-to-big" retrieval.
    """
    text, ids = hit.text, list(hit.paragraph_ids)
    first, last = hit.first_paragraph, hit.last_paragraph
    grew = True
    while grew:
        grew = False
        for ordinal in (last + 1, first - 1):
            found = paragraphs.get(ordinal)
            if found is None or len(text) + len(PARAGRAPH_SEPARATOR) + len(found[1]) > limit:
                continue
            pid, body = found
            if ordinal > last:
                text, last = text + PARAGRAPH_SEPARATOR + body, ordinal
                ids.append(pid)
            else:
                text, first = body + PARAGRAPH_SEPARATOR + text, ordinal
                ids.insert(0, pid)
            grew = True
    return replace(
        hit,
        text=text,
        paragraph_ids=tuple(ids),
        first_paragraph=first,
        last_paragraph=last,
        chunk_paragraphs=(hit.first_paragraph, hit.last_paragraph),
    )


def matched_parts(hit: Hit) -> list[tuple[int, str, str]]:
    """The matched chunk's paragraphs in a passage, without the ones shown around it:
    (¶ ordinal, paragraph id, the text of it the passage holds)."""
    parts = chunk_parts(hit.text, len(hit.paragraph_ids))
    first, last = hit.chunk_paragraphs or (hit.first_paragraph, hit.last_paragraph)
    return [
        (hit.first_paragraph + offset, pid, part)
        for offset, (pid, part) in enumerate(zip(hit.paragraph_ids, parts, strict=False))
        if first <= hit.first_paragraph + offset <= last
    ]


def matched_text(hit: Hit) -> str:
    """The text of the chunk that matched, without the paragraphs a passage shows around it."""
    return PARAGRAPH_SEPARATOR.join(part for _, _, part in matched_parts(hit))


def search(
    index: NewsIndex,
    embedder: Embedder,
    query: SearchQuery,
    k: int = 10,
    passage_chars: int = PASSAGE_CHARS,
) -> SearchResult:
    """Rank chunks for `query`: reciprocal rank fusion of dense and BM25, then date fit; each
    hit widened to a passage of up to `passage_chars` characters (0: the chunk alone)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    vector = embedder.encode([query.text])[0]
    timings["encode"] = (time.perf_counter() - t) * 1000
    pool = POOL * 10 if query.sources else POOL

    # FAISS and SQLite both release the GIL: BM25 runs beside the dense search, not after it.
    t = time.perf_counter()
    keyword_future = _KEYWORD_THREAD.submit(_timed, keyword_search, index, query.text, pool)
    dense = index.dense(vector, pool)
    timings["dense"] = (time.perf_counter() - t) * 1000
    keyword, timings["keyword"] = keyword_future.result()
    timings["retrieve"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    fused = rrf_scores([[cid for cid, _ in dense], [cid for cid, _ in keyword]])
    dense_score = dict(dense)
    keyword_rank = {cid: rank for rank, (cid, _) in enumerate(keyword)}
    rows = index.chunks(list(fused))
    best = max(fused.values(), default=1.0)
    window = query.window or query.recent
    scored: list[tuple[float, int]] = []
    timely: set[int] = set()
    for cid, value in fused.items():
        row = rows.get(cid)
        if row is None or not _from_outlet(row, query):
            continue
        score = value / best
        day = parse_iso(row["published"])
        if in_window(day, window):
            score += DATE_BOOST
            timely.add(cid)
        scored.append((score, cid))
    scored.sort(key=lambda sc: (-sc[0], sc[1]))
    # A widened passage can swallow later hits of its article (a chunk is about 520
    # characters): spares refill the k places.
    spares = max(3, passage_chars // 500)
    head = scored[: spares * k] if passage_chars else scored[:k]
    missing = [cid for _, cid in head if cid not in dense_score]
    if missing:
        # Keyword-only hits: their cosine to the question, from the stored vectors.
        for cid, vec in zip(missing, index.vectors(missing), strict=True):
            dense_score[cid] = float(np.dot(vec, vector))
    around = (
        index.article_paragraphs({rows[cid]["article_id"] for _, cid in head})
        if passage_chars
        else {}
    )
    hits: list[Hit] = []
    for score, cid in head:
        row = rows[cid]
        hit = Hit(
            chunk=cid,
            article_id=row["article_id"],
            text=row["text"],
            paragraph_ids=tuple(row["paragraph_ids"]),
            first_paragraph=row["first_paragraph"],
            last_paragraph=row["last_paragraph"],
            title=row["title"],
            source=row["source"],
            published=row["published"],
            url=row["url"],
            score=score,
            dense=dense_score[cid],
            keyword_rank=keyword_rank.get(cid),
            timely=cid in timely,
        )
        if passage_chars:
            shown = next(
                (
                    i
                    for i, h in enumerate(hits)
                    if h.article_id == hit.article_id
                    and h.first_paragraph <= hit.first_paragraph
                    and hit.last_paragraph <= h.last_paragraph
                ),
                None,
            )
            if shown is not None:
                # Its sentences stay evidence, in the passage that shows it.
                hits[shown] = replace(hits[shown], merged=(*hits[shown].merged, hit))
                continue
            hit = widen(hit, around.get(hit.article_id, {}), passage_chars)
        hits.append(hit)
        if len(hits) == k:
            break
    timings["fuse"] = (time.perf_counter() - t) * 1000
    return SearchResult(hits, vector, timings)


def newest_date(index: NewsIndex) -> date | None:
    row = index.db.execute("select max(published) from articles").fetchone()
    return parse_iso(row[0]) if row and row[0] else None
