"""The reader's training set: generated questions asked of news windows, with no human labels.

Each question comes from one sentence (bot.reader.qgen). As often as the news allows, it is
asked of *another* sentence that states the same answer among the question's words (another
outlet's copy, the headline against the body, a later paragraph), so the reader learns to read
rather than to match the words around the blank (Fabbri et al. 2020). A share of questions is
paired with a window of another story that shares their words but not the answer: the "no
answer" the reader must learn to say (SQuAD 2.0 style).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.reader.qgen import SpanKind, generate
from index.ingest.articles import Article
from index.text.sentences import sentence_spans

WINDOW_WORDS = 60  # words of a paragraph around the answer's sentence: one reader window
QUESTIONS_PER_SENTENCE = 2
# Kinds whose answer text is distinctive enough to find the same fact in another sentence.
_PAIRABLE = frozenset(
    {
        SpanKind.NAME,
        SpanKind.PLACE,
        SpanKind.DATE,
        SpanKind.YEAR,
        SpanKind.NUMBER,
        SpanKind.MONEY,
        SpanKind.PERCENT,
    }
)
# Generic noun phrases ("the start", "a number") teach little: most are left out.
KIND_KEEP = {SpanKind.THING: 0.35, SpanKind.CAUSE: 1.0}
SELF_RATE = 0.5  # a question asked of its own sentence, when another sentence was found too
SELF_ALONE_RATE = 0.8  # ... when none was
NEGATIVE_RATE = 0.3  # questions also paired with another story's window: "no answer"
MIN_SHARED = 2  # content words a paired sentence shares with the question
MAX_SIMILAR = 0.6  # word Jaccard above which a paired sentence is a copy of the source
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}|\d[\d,.]*")
_STOP = frozenset(
    """that with from have this they their there were what when where which while would about
    after before been being could into more most other over said says some such than them then
    these those through under very will your also just like many much only what who whom whose
    how why year years""".split()
)


@dataclass(frozen=True)
class Window:
    """A stretch of one paragraph (at most WINDOW_WORDS words) around one sentence."""

    article: int
    title: str
    text: str
    sentence: str


@dataclass(frozen=True)
class Example:
    """One training example; `start` is the answer's offset in `context`, -1 for none."""

    question: str
    context: str
    answer: str
    start: int
    kind: str
    paired: bool


def context_of(title: str, window: str) -> str:
    """What the reader reads: the article's title, then the window (also at answer time)."""
    return f"{title.strip()} | {window.strip()}" if title.strip() else window.strip()


def words_of(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}


def windows_of(article_no: int, article: Article) -> Iterator[Window]:
    for paragraph in article.paragraphs:
        spans = sentence_spans(paragraph)
        for a, b in spans:
            yield Window(article_no, article.title, _around(paragraph, a, b), paragraph[a:b])


def _around(paragraph: str, a: int, b: int) -> str:
    """The paragraph cut to about WINDOW_WORDS words, the sentence [a, b) inside."""
    words = paragraph.split()
    if len(words) <= WINDOW_WORDS:
        return paragraph
    before = paragraph[:a].split()
    inside = paragraph[a:b].split()
    spare = max(0, WINDOW_WORDS - len(inside))
    take_before = min(len(before), spare // 2)
    after = paragraph[b:].split()
    take_after = min(len(after), spare - take_before)
    take_before = min(len(before), spare - take_after)
    return " ".join(before[len(before) - take_before :] + inside + after[:take_after])


class _Pool:
    """Every window of the corpus, findable by the words it holds."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.windows = [w for i, a in enumerate(articles) for w in windows_of(i, a)]
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.windows):
            for word in words_of(w.sentence):
                self.by_word[word].append(i)

    def sharing(self, words: Iterable[str], limit: int = 2000) -> dict[int, int]:
        """Windows whose sentence shares some of `words` -> how many (rare words first)."""
        counts: dict[int, int] = defaultdict(int)
        for word in sorted(words, key=lambda w: len(self.by_word.get(w, ()))):
            posting = self.by_word.get(word, [])
            if len(posting) > limit:
                continue
            for i in posting:
                counts[i] += 1
        return counts


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _example(question: str, window: Window, answer: str, kind: str, paired: bool) -> Example:
    context = context_of(window.title, window.text)
    if not answer:
        return Example(question, context, "", -1, kind, paired)
    # The answer where its sentence is, not an earlier mention in the title.
    at = context.find(window.sentence)
    start = context.find(answer, max(at, 0))
    return Example(question, context, answer, start, kind, paired)


def examples(articles: Sequence[Article], count: int, seed: int = 0) -> list[Example]:
    """About `count` examples from `articles`, reproducible for a seed."""
    rng = random.Random(seed)
    pool = _Pool(articles)
    order = list(range(len(pool.windows)))
    rng.shuffle(order)
    out: list[Example] = []
    for i in order:
        if len(out) >= count:
            break
        source = pool.windows[i]
        made = generate(source.sentence)
        rng.shuffle(made)
        for g in made[:QUESTIONS_PER_SENTENCE]:
            if rng.random() > KIND_KEEP.get(g.kind, 1.0):
                continue
            asked = words_of(g.question) - words_of(g.answer)
            other = _paired(pool, i, g.answer, g.kind, asked, rng) if g.kind in _PAIRABLE else None
            if other is not None:
                out.append(_example(g.question, pool.windows[other], g.answer, g.kind, True))
            if rng.random() < (SELF_RATE if other is not None else SELF_ALONE_RATE):
                out.append(_example(g.question, source, g.answer, g.kind, False))
            if rng.random() < NEGATIVE_RATE:
                negative = _negative(pool, source, g.answer, asked, rng)
                if negative is not None:
                    out.append(_example(g.question, pool.windows[negative], "", g.kind, False))
    return [e for e in out if e.start >= 0 or not e.answer]


def _paired(
    pool: _Pool, source: int, answer: str, kind: str, asked: set[str], rng: random.Random
) -> int | None:
    """Another window whose sentence states `answer` among the question's words."""
    own = words_of(pool.windows[source].sentence)
    best: list[int] = []
    top = MIN_SHARED - 1
    for i, shared in pool.sharing(asked).items():
        w = pool.windows[i]
        if i == source or shared < top or answer not in w.sentence:
            continue
        if _jaccard(words_of(w.sentence), own) > MAX_SIMILAR:
            continue
        if shared > top:
            best, top = [i], shared
        else:
            best.append(i)
    return rng.choice(best) if best else None


def _negative(
    pool: _Pool, source: Window, answer: str, asked: set[str], rng: random.Random
) -> int | None:
    """A window of another story sharing the most question words, without the answer (nor
    any word of it: "Ryabkov" would answer "Sergei Ryabkov")."""
    answer_words = {w.lower() for w in answer.split() if len(w) > 2}
    ranked = sorted(pool.sharing(asked).items(), key=lambda kv: -kv[1])
    choices = []
    for i, _ in ranked[:50]:
        w = pool.windows[i]
        if w.article == source.article or w.title == source.title:
            continue
        text = context_of(w.title, w.text).lower()
        if answer.lower() in text or any(a in text for a in answer_words):
            continue
        choices.append(i)
        if len(choices) == 5:
            break
    return rng.choice(choices) if choices else None


def write_jsonl(rows: Iterable[Example], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as fh:
        return [Example(**json.loads(line)) for line in fh if line.strip()]
