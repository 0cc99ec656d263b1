"""The language-model reader stage: the model reads one tight window of evidence (the best
sentence's paragraph with its neighbours, title and date) and copies the answer from it, or
says the window does not answer; then the next window, up to MODEL_WINDOWS.

What the model says is a claim. Grounding makes it an answer: its words must stand in the
window (bot.answering.grounding), and the paragraph holding them is the one cited, its sentence
the quote. A reply found in no window, or not of the kind the question asks for, is no answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.answering.evidence import Evidence
from bot.answering.grounding import locate
from bot.answering.naming import relation
from bot.answering.question import Question
from bot.answering.reading import answers, widened
from bot.lm.model import LanguageModel
from bot.lm.prompt import Prompt
from bot.types import ModelNote, WindowRead
from index.search import Hit
from index.text.sentences import sentence_spans

# Windows read at most per question: each costs ~2 s on two cores, so two keep p95 near 6 s; a
# small model reads one tight window better than two at once (docs/lm-reader.md).
MODEL_WINDOWS = 2
# Words in a window (the default of NEWSBOT_LM_WINDOW_WORDS): the best sentence's paragraph,
# then its neighbours while they fit; a longer paragraph is cut to the sentences around the best
# one. Time grows with it: llama.cpp reads ~37 prompt tokens/s on two cores (docs/lm-reader.md).
WINDOW_WORDS = 150
# The reply's tokens: a phrase, not a sentence; a reply cut here is rarely one that grounds.
MAX_REPLY_TOKENS = 32

# Verdicts on one window's reply (WindowRead.verdict).
ANSWERED = "answer"
NOT_STATED = "not stated"
NOT_IN_WINDOW = "not in the window"
WRONG_KIND = "not of the kind asked"

Paragraphs = Mapping[int, tuple[str, str]]  # ordinal -> (paragraph id, text) of one article


@dataclass(frozen=True)
class Window:
    """What the model reads for one evidence sentence: whole paragraphs (ordinal, text) of its
    article, and the text as the model sees it (a long paragraph cut to whole sentences)."""

    evidence: Evidence
    paragraphs: tuple[tuple[int, str], ...]
    text: str
    # The rest of the article's paragraphs, where a reply read off the title is looked for.
    article: Paragraphs = field(default_factory=dict)


@dataclass(frozen=True)
class ModelAnswer:
    """The grounded phrase as it stands in the cited paragraph, the evidence sentence that
    holds it (in its paragraph), and what the model did."""

    text: str
    support: Evidence
    note: ModelNote
    ms: float


@dataclass(frozen=True)
class ModelDeclined:
    """No window answered: what the model said of each."""

    note: ModelNote
    ms: float


def _words(text: str) -> int:
    return len(text.split())


def _grow(at: int, sizes: Mapping[int, int], words: int) -> tuple[int, int]:
    """The run of indices (lo, hi) around `at`, taking the next and then the previous one in
    turn while their sizes (words) keep the run within `words`; at least `at` itself."""
    lo = hi = at
    used = sizes[at]
    grew = True
    while grew:
        grew = False
        for j in (hi + 1, lo - 1):
            if j in sizes and used + sizes[j] <= words:
                used += sizes[j]
                lo, hi = min(lo, j), max(hi, j)
                grew = True
    return lo, hi


def _cut(paragraph: str, sentence: str, words: int) -> str:
    """The whole sentences of `paragraph` around `sentence`, within `words` (at least the
    sentence itself)."""
    spans = sentence_spans(paragraph) or [(0, len(paragraph))]
    at = paragraph.find(sentence)
    i = next((n for n, (a, b) in enumerate(spans) if a <= max(at, 0) < b), 0)
    lo, hi = _grow(i, {n: _words(paragraph[a:b]) for n, (a, b) in enumerate(spans)}, words)
    return paragraph[spans[lo][0] : spans[hi][1]]


def window_of(e: Evidence, article: Paragraphs, words: int = WINDOW_WORDS) -> Window:
    """The window around evidence sentence `e`: its paragraph, then the next and the previous
    paragraphs of its article in turn while the window stays within `words`."""
    if _words(e.paragraph_text) >= words:
        cut = _cut(e.paragraph_text, e.text, words)
        return Window(e, ((e.paragraph, e.paragraph_text),), cut, article)
    sizes = {j: _words(text) for j, (_, text) in article.items()}
    sizes[e.paragraph] = _words(e.paragraph_text)
    lo, hi = _grow(e.paragraph, sizes, words)
    texts = {j: (article[j][1] if j in article else e.paragraph_text) for j in range(lo, hi + 1)}
    texts[e.paragraph] = e.paragraph_text
    paragraphs = tuple(sorted(texts.items()))
    return Window(e, paragraphs, "\n\n".join(t for _, t in paragraphs), article)


def top_passage_first(evidence: Sequence[Evidence], passages: Sequence[Hit]) -> list[Evidence]:
    """The evidence with the best sentence of the top passage first: the passages' ranking also
    weighs the fused rank and the question's dates, which the sentences' own scores do not."""
    top = passages[0].chunk if passages else None
    lead = next((e for e in evidence if e.hit.chunk == top), None)
    return [lead, *(e for e in evidence if e is not lead)] if lead else list(evidence)


def windows_for(
    evidence: Sequence[Evidence],
    articles: Mapping[str, Paragraphs],
    limit: int = MODEL_WINDOWS,
    words: int = WINDOW_WORDS,
) -> list[Window]:
    """Windows around the best evidence sentences, best first, none repeating a paragraph an
    earlier window holds."""
    out: list[Window] = []
    seen: set[tuple[str, int]] = set()
    for e in evidence:
        if (e.hit.article_id, e.paragraph) in seen:
            continue
        w = window_of(e, articles.get(e.hit.article_id, {}), words)
        seen.update((e.hit.article_id, j) for j, _ in w.paragraphs)
        out.append(w)
        if len(out) == limit:
            break
    return out


_OPENING, _CLOSING = '"“‘', '"”’'


def spelt(paragraph: str, start: int, end: int, counted: str | None = None) -> tuple[int, int]:
    """paragraph[start:end] as the answer shows it: a whole number, date or sum ("US$ 20,000"
    of "$20,000"), with what it counts when the question says ("600 years" for "in how many
    years"), and a title in the quotation marks the paragraph gives it ("“Law & Order”")."""
    start, end = widened(paragraph, start, end)
    # All the words after "how many" ("years", "security staff"), or none: one of two may be
    # half a noun ("60,000 security" of "security personnel") as often as the whole one.
    noun = r"\s+".join(map(re.escape, counted.split())) if counted else ""
    if noun and (m := re.match(rf"\s+{noun}\b", paragraph[end:], re.I)):
        end += m.end()
    quoted = start > 0 and end < len(paragraph)
    if quoted and paragraph[start - 1] in _OPENING and paragraph[end] in _CLOSING:
        start, end = start - 1, end + 1
    return start, end


def ground(reply: str, window: Window, counted: str | None = None) -> tuple[str, Evidence] | None:
    """The reply's phrase as its paragraph spells it (`spelt`), and the evidence for it: the
    sentence holding it within its whole paragraph. A reply read off the title (which the
    model sees, but no citation can quote) is looked for in the article's other paragraphs.
    None when the reply's words stand nowhere in what the model read, or only in a title no
    paragraph repeats."""
    paragraphs: Sequence[tuple[int, str]]
    if locate(reply, window.text) is not None:
        paragraphs = window.paragraphs
    elif locate(reply, window.evidence.hit.title) is not None:
        paragraphs = sorted((j, text) for j, (_, text) in window.article.items())
    else:
        return None
    for ordinal, paragraph in paragraphs:
        found = locate(reply, paragraph)
        if found is None:
            continue
        start, end = spelt(paragraph, *found, counted)
        spans = sentence_spans(paragraph) or [(0, len(paragraph))]
        first = next((a for a, b in spans if a <= start < b), spans[0][0])
        last = next((b for a, b in spans if a < end <= b), spans[-1][1])
        support = replace(
            window.evidence, text=paragraph[first:last], paragraph=ordinal, paragraph_text=paragraph
        )
        return paragraph[start:end], support
    return None


def relating(phrase: str, support: Evidence, window: Window, verb: str | None) -> Evidence:
    """For "who warned whom": the window's sentence that says who did it to whom, the one
    holding the model's phrase first ("Russia" may stand in a sentence that names no target);
    `support` when none does."""
    if relation(verb, support.text):
        return support
    sentences = [
        (ordinal, paragraph, paragraph[a:b])
        for ordinal, paragraph in window.paragraphs
        for a, b in sentence_spans(paragraph)
    ]
    saying = [s for s in sentences if relation(verb, s[2])]
    holding = [s for s in saying if locate(phrase, s[2]) is not None]
    for ordinal, paragraph, sentence in holding or saying:
        return replace(support, text=sentence, paragraph=ordinal, paragraph_text=paragraph)
    return support


def read_with_model(
    model: LanguageModel,
    prompt: Prompt,
    q: Question,
    windows: Sequence[Window],
) -> ModelAnswer | ModelDeclined:
    """Ask the model about each window in turn until one answers with words of the window of
    the kind the question asks for."""
    started = time.perf_counter()
    best = round(windows[0].evidence.score, 4) if windows else 0.0
    reads: list[WindowRead] = []
    for w in windows:
        hit = w.evidence.hit
        messages = prompt.messages(q.resolved, hit.title, hit.published, w.text)
        said = model.complete(messages, MAX_REPLY_TOKENS)
        reply = said.text.strip()
        stated = not prompt.declines(reply)
        grounded = ground(reply, w, q.counted) if stated else None
        if not stated:
            verdict = NOT_STATED
        elif grounded is None:
            verdict = NOT_IN_WINDOW
        elif not answers(grounded[0], q):
            verdict = WRONG_KIND
        else:
            verdict = ANSWERED
        reads.append(
            WindowRead(
                article_id=hit.article_id,
                paragraphs=tuple(j for j, _ in w.paragraphs),
                reply=said.text,
                verdict=verdict,
                tokens_in=said.tokens_in,
                tokens_out=said.tokens_out,
                tokens_cached=said.tokens_cached,
                ms=round(said.ms, 1),
            )
        )
        if verdict == ANSWERED and grounded is not None:
            phrase, support = grounded
            if q.kind.relation:
                support = relating(phrase, support, w, q.verb)
            note = ModelNote(model.name, prompt.version, tuple(reads), best)
            return ModelAnswer(phrase, support, note, (time.perf_counter() - started) * 1000)
    note = ModelNote(model.name, prompt.version, tuple(reads), best)
    return ModelDeclined(note, (time.perf_counter() - started) * 1000)
