"""Alerts: words a subscriber (a chat) asked to hear about, kept in `alerts.db` in the data
folder, and whether a new story matches them, with the sentence that does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import sqlite_utils

from index.embedder import Embedder
from index.ingest.articles import Article
from index.search import query_terms
from index.text.sentences import sentence_spans

ALERTS_DB = "alerts.db"
MAX_ALERTS = 10  # per subscriber
MAX_WORDS_CHARS = 100
PER_HOUR = 3  # alerts sent to one subscriber in an hour, at most
# A story matches an alert when one sentence holds every content word of it, or when a
# sentence is at least this close in meaning (MiniLM cosine). Measured: "dock workers strike"
# against "Dock workers in Mombasa walked out ... over pay" 0.57, "teachers strike" against
# "Teachers in Kenya went on strike" 0.75; near misses "port strike" against "the harbour
# reopened after storms" 0.36, "dock workers strike" against the teachers' strike 0.35.
ALERT_COSINE = 0.5
SENTENCES_READ = 40  # of a story, the first ones (the news is at the top)


@dataclass(frozen=True)
class Alert:
    subscriber: str
    words: str


@dataclass(frozen=True)
class Match:
    alert: Alert
    article: Article
    sentence: str


class AlertError(ValueError):
    """An alert cannot be set; the message says why, for the user."""


class AlertStore:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(data_dir / ALERTS_DB)
        self.db.enable_wal()
        if "alerts" not in self.db.table_names():
            self.db.table("alerts").create(
                {"subscriber": str, "words": str}, pk=("subscriber", "words")
            )
        if "sent" not in self.db.table_names():
            self.db.table("sent").create({"subscriber": str, "at": str})

    def close(self) -> None:
        self.db.close()

    def add(self, subscriber: str, words: str) -> bool:
        """Set an alert; False when the subscriber had it already."""
        words = " ".join(words.split())
        if not query_terms(words):
            raise AlertError("give the words to watch for, like /alert port strike")
        if len(words) > MAX_WORDS_CHARS:
            raise AlertError(f"an alert is at most {MAX_WORDS_CHARS} characters")
        mine = self.of(subscriber)
        if any(a.words.casefold() == words.casefold() for a in mine):
            return False
        if len(mine) >= MAX_ALERTS:
            raise AlertError(f"a chat has at most {MAX_ALERTS} alerts; /unalert one first")
        self.db.table("alerts").insert({"subscriber": subscriber, "words": words})
        return True

    def remove(self, subscriber: str, words: str) -> int:
        """Drop the subscriber's alert on `words` ("all": every one); how many went."""
        words = " ".join(words.split())
        mine = self.of(subscriber)
        gone = [a for a in mine if words.casefold() in ("all", a.words.casefold())]
        for a in gone:
            self.db.table("alerts").delete((subscriber, a.words))
        return len(gone)

    def of(self, subscriber: str) -> list[Alert]:
        rows = self.db.table("alerts").rows_where("subscriber = ?", [subscriber], order_by="words")
        return [Alert(**r) for r in rows]

    def all(self) -> list[Alert]:
        return [Alert(**r) for r in self.db.table("alerts").rows_where(order_by="subscriber")]

    def may_send(self, subscriber: str, now: datetime) -> bool:
        """Under PER_HOUR alerts sent to the subscriber in the last hour?"""
        since = (now - timedelta(hours=1)).isoformat()
        count = self.db.execute(
            "SELECT count(*) FROM sent WHERE subscriber = ? AND at > ?", [subscriber, since]
        ).fetchone()[0]
        return bool(count < PER_HOUR)

    def sent(self, subscriber: str, now: datetime) -> None:
        with self.db.conn:
            self.db.table("sent").insert({"subscriber": subscriber, "at": now.isoformat()})
            old = (now - timedelta(days=1)).isoformat()
            self.db.execute("DELETE FROM sent WHERE at < ?", [old])


def _sentences(article: Article) -> list[str]:
    """The story's first sentences, then its title (a sentence of the text says more)."""
    out = [p[a:b] for p in article.paragraphs for a, b in sentence_spans(p)][:SENTENCES_READ]
    return [*out, article.title] if article.title else out


def _holds_all(sentence: str, terms: list[str]) -> bool:
    words = {t.removesuffix("'s") for t in re.findall(r"[\w']+", sentence.casefold())}
    return all(t in words for t in terms)


def matches(alerts: list[Alert], stories: list[Article], embedder: Embedder) -> list[Match]:
    """Each (alert, story) that matches, with the sentence of the story that does."""
    if not alerts or not stories:
        return []
    wanted = sorted({a.words for a in alerts})
    alert_vectors = dict(zip(wanted, embedder.encode(wanted), strict=True))
    out = []
    for story in stories:
        sentences = _sentences(story)
        if not sentences:
            continue
        vectors = embedder.encode(sentences)
        for alert in alerts:
            terms = query_terms(alert.words)
            exact = next((s for s in sentences if _holds_all(s, terms)), None)
            if exact is not None:
                out.append(Match(alert, story, exact))
                continue
            cosines = vectors @ alert_vectors[alert.words]
            close = [i for i in np.argsort(-cosines) if cosines[i] >= ALERT_COSINE]
            if close:  # a sentence of the text rather than the title, when one is close too
                best = min(close, key=lambda i: (sentences[i] == story.title, -cosines[i]))
                out.append(Match(alert, story, sentences[best]))
    return out
