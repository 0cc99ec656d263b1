"""The one answer function every surface calls: question -> short answer + checked citations."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from bot.answering.compose import Asked, said_of, with_day
from bot.answering.context import AnswerContext, Turn
from bot.answering.declines import Declined
from bot.answering.evidence import (
    ABSTAIN_BELOW,
    EVIDENCE_PASSAGES,
    RERANK_PASSAGES,
    Evidence,
    rerank_passages,
)
from bot.answering.model_reading import (
    ModelDeclined,
    read_with_model,
    top_passage_first,
    windows_for,
)
from bot.answering.naming import name_places, relation
from bot.answering.question import Question, parse_question
from bot.answering.reading import Read, agrees, read_answer
from bot.answering.rules import by_rules, viewing
from bot.language.en.extract import (
    Candidate,
    fuller_name,
    normalise,
)
from bot.language.en.places import (
    is_place,
)
from bot.language.en.questions import (
    AnswerType,
)
from bot.lm.prompt import load_prompt
from bot.surfaces import messages
from bot.types import Answer, ModelNote, ReaderNote
from index.search import (
    SearchQuery,
    matched_text,
    query_terms,
    search,
)
from index.search.fusion import rrf_scores
from index.text import dates

# The rules' declines the reader cannot overrule: its no-answer score misses these near misses
# ("Who won the 2018 World Cup?" of a story about its fifth day). Measured: docs/reader.md.
RULE_VETOES = frozenset({Declined.NO_VERB, Declined.NO_ANSWER_OF_KIND})
# Evidence sentences whose articles' paragraphs are fetched to build the model's windows.
MODEL_EVIDENCE = 6


def search_query(q: Question, text: str | None = None) -> SearchQuery:
    """What is searched for `q`: its words (or `text`), its time window, the outlets it names,
    and the week before the day it is asked."""
    return SearchQuery(text=text or q.resolved, window=q.window, sources=q.sources, recent=q.recent)


def answer_question(
    ctx: AnswerContext,
    question: str,
    *,
    history: Sequence[Turn] = (),
    as_of: date | None = None,
) -> Answer:
    """Answer `question` from the index, citing the paragraphs that say so, or abstain."""
    started = time.perf_counter()
    q = parse_question(question, history=history, today=as_of, sources=ctx.sources)
    query = search_query(q)
    k = ctx.settings.top_k
    pool = max(k, RERANK_PASSAGES)
    chars = ctx.settings.passage_chars
    result = search(ctx.index, ctx.embedder, query, k=pool, passage_chars=chars)
    timings = dict(result.timings_ms)
    hits = result.hits
    if q.context and query_terms(q.own):
        # A follow-up that names something new ("and what did Lavrov say?") is searched on
        # its own words too, so the borrowed context does not drown them.
        alone = search(ctx.index, ctx.embedder, search_query(q, q.own), k=pool, passage_chars=chars)
        by_chunk = {h.chunk: h for h in [*hits, *alone.hits]}
        # Ranks from 0 here, as this fusion was measured (the search's own counts from 1).
        fused = rrf_scores([[h.chunk for h in alone.hits], [h.chunk for h in hits]], first_rank=0)
        hits = [by_chunk[c] for c in sorted(fused, key=lambda c: -fused[c])[:pool]]
        vector = alone.query_vector + result.query_vector
        result = replace(result, query_vector=vector / np.linalg.norm(vector))

    t = time.perf_counter()
    ranked, evidence = rerank_passages(ctx, q.resolved, result.query_vector, hits)
    timings["sentences"] = (time.perf_counter() - t) * 1000
    asked = Asked(ctx, q, ranked[:k], timings, started)
    if not evidence or evidence[0].score < ABSTAIN_BELOW:
        return asked.declined(Declined.WEAK_EVIDENCE)

    if ctx.model is not None:
        # The rules' check for a question about a view stays around the model: on QuAIL's
        # Unanswerable questions, most of them "what did X think", the model otherwise reads
        # a window that only mentions X (docs/lm-reader.md).
        viewed = viewing(q, evidence)
        if not viewed:
            return asked.declined(Declined.NO_VIEW)
        return with_age_note(_model_answer(asked, viewed), q)
    ruled = by_rules(asked, evidence)
    if ctx.reader is None or q.kind.answer_type == AnswerType.OTHER:
        # "Why ...", "what did X do": the answer is a sentence, which the rules give.
        return with_age_note(ruled, q)
    if ruled.declined_because in RULE_VETOES:
        return ruled
    return with_age_note(_reader_answer(asked, evidence, ruled), q)


def with_age_note(answer: Answer, q: Question) -> Answer:
    """An answer to a question about the last days ("this week", "yesterday") whose evidence is
    older says so: it may be out of date."""
    window = q.window
    if answer.abstained or not answer.citations or window is None:
        return answer
    if window.end < q.recent.start:
        return answer  # a question about the past ("in 2018", "last year")
    published = dates.parse_iso(answer.citations[0].published)
    if published is None or published >= window.start - dates.DATE_SLACK:
        return answer
    return replace(answer, note=messages.OLD_EVIDENCE.format(day=published.strftime("%-d %b %Y")))


def _reader_answer(asked: Asked, evidence: Sequence[Evidence], ruled: Answer) -> Answer:
    """The answer the reader finds in the best evidence windows. The rules' answer is one
    candidate: when the reader finds it too, it stands as the rules gave it (full names,
    both sides of "who warned whom"); otherwise the rules only finish the reader's span."""
    assert asked.ctx.reader is not None
    t = time.perf_counter()
    read = read_answer(asked.ctx.reader, asked.q, [said_of(e) for e in evidence], ruled.line)
    asked.timings["reader"] = read.ms
    if not isinstance(read, Read):
        note = ReaderNote("", read.margin, read.margin)
        return asked.declined(Declined.READER_NO_ANSWER, reader=note)
    note = ReaderNote(read.text, read.margin, read.score)
    if not ruled.abstained and agrees(read.text, ruled.line):
        return replace(ruled, timings_ms=asked.timed(), reader=note)
    support = [replace(evidence[i], text=sentence) for i, sentence in read.support]
    return _answer_from(asked, read.text, support, t, reader=note)


def _model_answer(asked: Asked, evidence: Sequence[Evidence]) -> Answer:
    """The answer the language model copies from the best evidence windows, grounded in the
    paragraph it cites; declined when no window it reads answers."""
    ctx = asked.ctx
    assert ctx.model is not None
    best = top_passage_first(evidence, asked.hits)[:MODEL_EVIDENCE]
    articles = ctx.index.article_paragraphs({e.hit.article_id for e in best})
    windows = windows_for(best, articles, words=ctx.settings.lm_window_words)
    read = read_with_model(ctx.model, load_prompt(), asked.q, windows)
    asked.timings["model"] = read.ms
    t = time.perf_counter()  # the finishing step's own time ("extract"), after the model's
    if isinstance(read, ModelDeclined):
        return asked.declined(Declined.MODEL_NO_ANSWER, model=read.note)
    return _answer_from(asked, read.text, [read.support], t, model=read.note)


def _answer_from(
    asked: Asked,
    line: str,
    support: Sequence[Evidence],
    t: float,
    reader: ReaderNote | None = None,
    model: ModelNote | None = None,
) -> Answer:
    """A reader's phrase made an answer: "who warned whom" gets both sides, a surname the full
    name the article gives, a weekday its date; the supporting paragraphs (one per story, at
    most three) are cited where the quote stands in them."""
    first = support[0]
    kind = asked.q.kind
    if kind.answer_type == AnswerType.PERSON_OR_GROUP and kind.relation:
        line = relation(asked.q.verb, first.text) or line
    elif kind.answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME) and not is_place(line):
        article = asked.ctx.index.paragraphs(first.hit.article_id)
        line = fuller_name(line, name_places(support, article))
    if kind.answer_type == AnswerType.DATE:
        line = with_day(line, first)
    cited: list[Evidence] = []
    for e in support:
        if all(e.hit.article_id != c.hit.article_id for c in cited):
            cited.append(e)
        if len(cited) == 3:
            break
    return asked.answered(line, cited, t, reader=reader, model=model)


def choose(
    ctx: AnswerContext, question: str, choices: Sequence[str], *, as_of: date | None = None
) -> int:
    """Multiple choice: the choice the retrieved evidence supports best (index into choices)."""
    q = parse_question(question, today=as_of)
    query = SearchQuery(text=question, window=q.window, recent=q.recent)
    hits = search(
        ctx.index, ctx.embedder, query, k=10, passage_chars=ctx.settings.passage_chars
    ).hits
    # The matched chunks, not the wider passages (as in answering): on QuAIL's short articles
    # the context around them blurred the choice (0.400 -> 0.364).
    passages = [normalise(h.title + " " + matched_text(h)) for h in hits]
    vectors = ctx.embedder.encode([f"{question} {c}" for c in choices])
    texts = [matched_text(h) for h in hits[:EVIDENCE_PASSAGES]]
    passage_vectors = ctx.embedder.encode(texts) if texts else np.zeros((0, vectors.shape[1]))
    scores = []
    for i, choice in enumerate(choices):
        key = normalise(choice)
        presence = sum(1.0 / (rank + 1) for rank, p in enumerate(passages) if key and key in p)
        similarity = float((passage_vectors @ vectors[i]).max()) if len(texts) else 0.0
        scores.append(presence + similarity)
    return int(np.argmax(scores)) if scores else 0


__all__ = ["AnswerContext", "Candidate", "Turn", "answer_question", "choose"]
