"""The one answer function every surface calls: question -> short answer + checked citations."""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial

import numpy as np

from bot.config import Settings
from bot.language.en.apposition import described_as, who_is
from bot.language.en.extract import (
    Candidate,
    candidates,
    extend_with,
    fuller_name,
    holds,
    in_question,
    is_fuller,
    name_lists,
    normalise,
    with_former,
    with_quotes,
    wrong_span,
)
from bot.language.en.places import (
    continents_asked,
    is_place,
    names_place,
    on_continent,
    place_in,
    with_region,
)
from bot.language.en.questions import (
    AUXILIARIES,
    AnswerType,
    QuestionKind,
    Subtype,
    acted_on,
    asked_about,
    attitude_holder,
    classify,
    head_words,
    is_follow_up,
    named_sources,
    role_words,
    states_attitude,
)
from bot.language.en.things import best_thing, kind_member, thing_candidates, thing_kind
from bot.surfaces import messages
from bot.types import Answer, Citation, Passage
from index.embedder import Embedder
from index.search import (
    STOPWORDS,
    Hit,
    SearchQuery,
    matched_parts,
    matched_text,
    newest_date,
    query_terms,
    search,
)
from index.search.fusion import rrf_scores
from index.store import NewsIndex
from index.text import dates
from index.text.sentences import sentence_spans

EVIDENCE_PASSAGES = 8  # passages whose sentences are scored
# Passages reranked by their best sentence: those with no sentence among the scored ones, by
# the stored vectors of all their sentences (free: no model run). Measured on RealTimeQA dev.
RERANK_PASSAGES = 20
MAX_SENTENCES = 12  # sentences scored per question
MAX_ANSWER_WORDS = 30
ATTITUDE_SENTENCES = 3  # best sentences searched for a stated view ("thinks", "expects", ...)
# Calibrated on the QuAIL dev questions (Unanswerable vs Character_identity/Factual): below
# this, the best sentence does not support an answer. See README "How good is it?".
ABSTAIN_BELOW = 0.42
COSINE_WEIGHT = 0.6
OVERLAP_WEIGHT = 0.4


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    resolved_question: str
    answer_text: str


@dataclass
class AnswerContext:
    """What answering needs, opened once at the edge and passed in."""

    index: NewsIndex
    embedder: Embedder
    settings: Settings
    _sources: list[str] | None = field(default=None, repr=False)

    @property
    def sources(self) -> list[str]:
        if self._sources is None:
            self._sources = self.index.sources()
        return self._sources


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage, located in its paragraph and scored."""

    text: str
    hit: Hit
    paragraph: int
    paragraph_text: str
    rank: int
    cosine: float = 0.0
    overlap: float = 0.0

    @property
    def score(self) -> float:
        return COSINE_WEIGHT * self.cosine + OVERLAP_WEIGHT * self.overlap


_CONTEXT = re.compile(r"^(?P<question>.*?) \((?P<context>.*)\)$", re.S)


def resolve_follow_up(question: str, history: Sequence[Turn]) -> str:
    """A follow-up borrows the subject of the conversation, written as "question (context)".

    The context is the topic question of the conversation plus the last short answer, so a
    chain of follow-ups stays about the same subject instead of nesting ever deeper.
    """
    if not history or not is_follow_up(question):
        return question
    last = history[-1]
    nested = _CONTEXT.match(last.resolved_question)
    topic = nested.group("context") if nested else last.resolved_question
    answer = re.sub(r"\s*\[\d+\]", "", last.answer_text).strip()
    if answer and len(answer.split()) <= 12 and answer not in topic:
        topic = f"{topic} {answer}"
    return f"{question} ({topic})"


def split_follow_up(resolved: str) -> tuple[str, str]:
    """(the question itself, the borrowed context) of a resolved question."""
    nested = _CONTEXT.match(resolved)
    return (nested.group("question"), nested.group("context")) if nested else (resolved, "")


def sentences_of(hit: Hit, rank: int, paragraph_text: dict[str, str]) -> list[Evidence]:
    """The sentences of a passage, each with the paragraph (¶ ordinal and text) it comes from."""
    out = []
    # Only the matched chunk: the context shown around it cost time and gained no accuracy.
    for ordinal, pid, part in matched_parts(hit):
        full = paragraph_text.get(pid, part)
        for a, b in sentence_spans(part):
            out.append(Evidence(part[a:b], hit, ordinal, full, rank))
    return out


def asked_verb(question: str) -> str | None:
    """The verb of a "who VERB ..." question ("won" in "Who won the World Cup?")."""
    m = re.search(r"\bwho\s+(\w+)", question, re.I)
    if m is None or m.group(1).lower() in AUXILIARIES:
        return None
    return m.group(1).lower()


# Irregular past forms, so "Who won" finds "wins" and "Who leads" finds "led".
_IRREGULAR = {
    "won": "win",
    "led": "lead",
    "said": "say",
    "told": "tell",
    "met": "meet",
    "took": "take",
    "gave": "give",
    "made": "make",
    "left": "leave",
    "became": "become",
    "ran": "run",
    "sold": "sell",
    "bought": "buy",
    "chose": "choose",
    "held": "hold",
    "fled": "flee",
    "struck": "strike",
    "shot": "shoot",
    "brought": "bring",
    "sent": "send",
    "spoke": "speak",
    "wrote": "write",
    "found": "find",
    "lost": "lose",
    "paid": "pay",
    "sued": "sue",
    "felt": "feel",
    "sought": "seek",
    "thought": "think",
}


# Verbs news reports in other words: "Who requested X" is answered by "prosecutors asked for X",
# "Who felt X" by "Warren said X", "Who sent the text" by "Strzok wrote". Members are base forms.
_SAME_SENSE = (
    ("say", "tell", "claim", "believe", "feel", "argue"),
    ("request", "ask", "urge", "seek"),
    ("decide", "choose", "vote", "order"),
    ("address", "speak"),
    ("warn", "caution"),
    ("send", "text", "email", "tweet", "write"),
    ("criticize", "criticise", "blast", "slam", "fault"),
    ("announce", "unveil", "launch"),
    ("defeat", "beat"),
)


def _verb_stems(verb: str) -> set[str]:
    base = _IRREGULAR.get(verb, verb)
    bases = {base} | {w for family in _SAME_SENSE if _base_in(base, family) for w in family}
    forms = {verb} | bases | {k for k, v in _IRREGULAR.items() if v in bases}
    return {f[:4] if len(f) > 4 else f for f in forms}


def _base_in(base: str, family: Sequence[str]) -> bool:
    """ "requested" and "decides" belong to the families of "request" and "decide"."""
    return any(base.startswith(w[:4]) for w in family)


def mentions_verb(sentence: str, verb: str) -> bool:
    stems = _verb_stems(verb)
    return any(w.lower().startswith(tuple(stems)) for w in re.findall(r"\w+", sentence))


OBJECT_REACH = 8  # words after the verb in which the question's object must show up


def says_verb_of(sentence: str, verb: str, question: str) -> bool:
    """The sentence has the question's verb followed by its object: "Who won the 2018 World
    Cup?" is not answered by "Harry Kane won the Budweiser Man of the Match"."""
    stems = tuple(_verb_stems(verb))
    after = question.lower().split(verb, 1)[-1]
    wanted = {t[:5] for t in query_terms(after)}
    words = [w.lower() for w in re.findall(r"\w+", sentence)]
    for i, word in enumerate(words):
        if word.startswith(stems):
            following = {w[:5] for w in words[i + 1 : i + 1 + OBJECT_REACH]}
            if not wanted or wanted & following:
                return True
    return False


CONTEXT_WEIGHT = 0.25  # a follow-up's own words matter more than the ones it borrowed


@dataclass(frozen=True)
class TermWeights:
    own: dict[str, float]
    context: dict[str, float]


def _weights_of(text: str) -> dict[str, float]:
    """Names and numbers in a question say more about the answer than common words."""
    weights = {}
    for term in query_terms(text):
        original = re.search(rf"\b{re.escape(term)}", text, re.I)
        capital = original is not None and original.group(0)[:1].isupper()
        weights[term] = 2.0 if capital or term[:1].isdigit() else 1.0
    return weights


def _term_weights(question: str) -> TermWeights:
    own, context = split_follow_up(question)
    return TermWeights(_weights_of(own), _weights_of(context))


def _share(words: set[str], weights: dict[str, float]) -> float:
    got = sum(w for term, w in weights.items() if normalise(term)[:6] in words)
    return got / sum(weights.values())


def _overlap(sentence: str, weights: TermWeights) -> float:
    """Weighted share of the question's words in the sentence (a follow-up's own words first)."""
    words = {normalise(w)[:6] for w in sentence.split()}
    if not weights.own:
        return _share(words, weights.context) if weights.context else 0.0
    if not weights.context:
        return _share(words, weights.own)
    own = _share(words, weights.own)
    return (1 - CONTEXT_WEIGHT) * own + CONTEXT_WEIGHT * _share(words, weights.context)


def _with_stored_vectors(
    hit: Hit, rank: int, texts: dict[str, str], stored: Mapping[int, np.ndarray]
) -> list[tuple[Evidence, np.ndarray | None]]:
    """The passage's sentences, each with its stored vector (None when the index stores none:
    one from before sentence vectors were)."""
    sentences = sentences_of(hit, rank, texts)
    matrix = stored.get(hit.chunk)
    if matrix is not None and len(matrix) == len(sentences):
        return list(zip(sentences, matrix, strict=True))
    return [(e, None) for e in sentences]


def _ranked_chunks(hits: Sequence[Hit]) -> list[tuple[int, Hit]]:
    """The chunks that matched in each passage (a passage may show a lower-ranked chunk of its
    article too), with the passage's rank; each chunk once, at its best rank (a follow-up's two
    searches may each hold it, in different passages)."""
    seen: set[int] = set()
    out = []
    for rank, hit in enumerate(hits):
        for c in hit.chunks:
            if c.chunk not in seen:
                seen.add(c.chunk)
                out.append((rank, c))
    return out


def score_sentences(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> list[Evidence]:
    chunks = _ranked_chunks(hits[:EVIDENCE_PASSAGES])
    texts = ctx.index.paragraph_texts(pid for _, c in chunks for _, pid, _ in matched_parts(c))
    weights = _term_weights(question)
    stored = ctx.index.sentence_vectors([c.chunk for _, c in chunks])
    evidence = [pair for rank, c in chunks for pair in _with_stored_vectors(c, rank, texts, stored)]
    # The likeliest sentences, picked by the question's words and the passage's rank: scoring
    # more of them lets stray sentences through (measured: MAX_SENTENCES).
    evidence.sort(key=lambda ev: -(_overlap(ev[0].text, weights) - 0.1 * ev[0].rank))
    evidence = evidence[:MAX_SENTENCES]
    unknown = [e.text for e, vector in evidence if vector is None]
    encoded = iter(ctx.embedder.encode(unknown) if unknown else [])
    scored = [
        replace(
            e,
            cosine=float((next(encoded) if vector is None else vector) @ query_vector),
            overlap=_overlap(e.text, weights),
        )
        for e, vector in evidence
    ]
    scored.sort(key=lambda e: -e.score)
    return scored


def best_sentence_scores(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> list[float | None]:
    """Each passage's best sentence score over all the sentences of its matched chunks, from
    the stored sentence vectors; None where the index stores none."""
    weights = _term_weights(question)
    chunks = _ranked_chunks(hits)
    stored = ctx.index.sentence_vectors([c.chunk for _, c in chunks])
    by_rank: dict[int, list[tuple[Evidence, np.ndarray | None]]] = defaultdict(list)
    for rank, c in chunks:
        by_rank[rank].extend(_with_stored_vectors(c, rank, {}, stored))
    out: list[float | None] = []
    for rank in range(len(hits)):
        pairs = by_rank[rank]
        if not pairs or pairs[0][1] is None:
            out.append(None)
            continue
        out.append(
            max(
                replace(
                    e, cosine=float(vector @ query_vector), overlap=_overlap(e.text, weights)
                ).score
                for e, vector in pairs
                if vector is not None
            )
        )
    return out


def unscored_ranks(evidence: Sequence[Evidence], count: int) -> list[int]:
    """The first `count` passages none of whose sentences made the scored few: those past
    EVIDENCE_PASSAGES, and any before whose sentences lost to others. They are ranked by their
    best stored sentence instead of falling below every scored passage."""
    scored = {e.rank for e in evidence}
    return [r for r in range(count) if r not in scored]


# Against a passage's best sentence score, times the log of its place in the fused ranking
# (counted from 1): the first places differ most, yet a sentence that fits well can still lift
# a passage from place 16.
RANK_PRIOR = 0.08
TIMELY_PRIOR = 0.2  # for a passage dated in the question's time window (or the recent week)


def rerank(
    hits: Sequence[Hit], evidence: Sequence[Evidence], more: Mapping[int, float] | None = None
) -> list[Hit]:
    """The passages whose sentences were scored, reordered by their best sentence (from
    `evidence`, or `more`: rank -> best score, for passages without evidence).

    A passage that merely shares the question's topic ranks below one with a sentence that
    matches the question itself; the fused rank breaks near-ties.
    """
    best: dict[int, float] = {}
    for e in evidence:
        best[e.rank] = max(best.get(e.rank, 0.0), e.score)
    for rank, score in (more or {}).items():
        best.setdefault(rank, score)
    if not best:
        return list(hits)
    scored = sorted(
        best,
        key=lambda r: -(best[r] - RANK_PRIOR * math.log1p(r) + TIMELY_PRIOR * hits[r].timely),
    )
    head = [hits[r] for r in scored]
    return head + [h for r, h in enumerate(hits) if r not in best]


def rerank_passages(
    ctx: AnswerContext, question: str, query_vector: np.ndarray, hits: Sequence[Hit]
) -> tuple[list[Hit], list[Evidence]]:
    """The passages reranked by their best sentence (the first RERANK_PASSAGES of them), and
    the scored sentences, best first."""
    evidence = score_sentences(ctx, question, query_vector, hits) if hits else []
    unscored = unscored_ranks(evidence, min(len(hits), RERANK_PASSAGES))
    tail = best_sentence_scores(ctx, question, query_vector, [hits[r] for r in unscored])
    more = {r: b for r, b in zip(unscored, tail, strict=True) if b is not None}
    return rerank(hits, evidence, more), evidence


@dataclass(frozen=True)
class Choice:
    text: str
    support: list[Evidence]


def _score(e: Evidence) -> float:
    return e.score


_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_PERCENT = re.compile(r"%|\bper ?cent\b")


def _typed_candidates(
    sentence: str, answer_type: str, subtype: str | None, continents: frozenset[str] = frozenset()
) -> list[Candidate]:
    """Candidates of the type, narrowed to the subtype: for "which country" only the names a
    gazetteer knows (on the continents asked for: "which African country"), cut to the place's
    own words ("Ukraine President Volodymyr Zelensky" -> "Ukraine"); for "what year" years; for
    "what percentage" percentages."""
    found = candidates(sentence, answer_type)
    if subtype is None:
        return found
    if subtype == Subtype.PERCENT:
        return [c for c in found if _PERCENT.search(c.text)]
    out = []
    for c in found:
        if subtype == Subtype.YEAR:
            m = _YEAR.search(c.text)
            name = m.group(0) if m else None
        else:
            name = place_in(c.text, subtype)
            if (
                name is not None
                and subtype == Subtype.COUNTRY
                and not on_continent(name, continents)
            ):
                name = None
        if name is not None:
            start = c.start + c.text.find(name)
            out.append(Candidate(name, start, start + len(name)))
    return out


HEAD_REACH = 2  # words before a name in which the question's kind word may stand


def kind_words(question: str, answer_type: str) -> list[str]:
    """The question's words for the kind of name it asks for ("which news organization"); not
    a name of its own ("which Apple executive": "executive")."""
    if answer_type not in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
        return []
    words = head_words(question) or (
        role_words(question) if answer_type == AnswerType.PERSON_OR_GROUP else []
    )
    return [w for w in words if re.search(rf"\b{re.escape(w)}\b", question)]


# Kinds of which a country, a state or a city may be the one asked for ("which team": "Spain").
_PLACE_KIND = re.compile(
    r"countr|count(?:y|ies)|states?|cit(?:y|ies)|nations?|towns?|regions?|islands?|places?"
    r"|locations?|capitals?|destinations?|areas?|provinces?|territor|continents?|villages?"
    r"|teams?|sides?|squads?|hosts?|venues?|spots?|sites?|govern|member"
)
PLACE_PENALTY = 0.5  # a place for another kind: "Massachusetts" for "which coffee chain"


def cannot_be_place(head: Sequence[str]) -> bool:
    """Is the kind asked for ("which coffee chain") one no country or state can be?"""
    return bool(head) and not any(_PLACE_KIND.match(w) for w in head)


_SLOT = re.compile(r"\b([A-Za-z]{4,})\s+(to|of|for|with|from|by|in|as)\s+(?:which|what)\b", re.I)


def slot_words(question: str) -> str | None:
    """The words that lead up to the asked-for name ("ambassador to which country": "ambassador
    to"): news often puts the answer right after them ("US ambassador to India")."""
    m = _SLOT.search(question)
    if m is None or m.group(1).lower() in STOPWORDS:
        return None
    return f"{m.group(1)} {m.group(2)}".lower()


def _leads_up(before: str, slot: str) -> bool:
    """Does the text before a name end with the question's slot words ("ambassador to", "a
    member of the")?"""
    words = before.lower().split()
    if words and words[-1] in ("the", "a", "an"):
        words.pop()
    return " ".join(words[-2:]) == slot


_CALLED = re.compile(r"\b(?:named|called|dubbed|titled|known as)\s+[\"“‘']?$")


def _named_as(before: str, head: Sequence[str]) -> bool:
    """Does the kind the question asks for come right before a name ("golfer Jon Rahm")?"""
    words = [normalise(w)[:5] for w in before.split()[-HEAD_REACH:]]
    return any(h[:5] in words for h in head)


VOTE_SHARE = 0.75  # of the best sentence's score, for a sentence to have its say


def timely_score(e: Evidence) -> float:
    """A sentence's score with the rerank's prior for a passage dated in the question's time."""
    return e.score + TIMELY_PRIOR * e.hit.timely


def voting(
    evidence: Sequence[Evidence], top: int = 5, score: Callable[[Evidence], float] = _score
) -> list[Evidence]:
    """The sentences that have a say in the answer: the `top` best by `score`, scoring near
    the best."""
    ordered = sorted(evidence, key=score, reverse=True)
    return [e for e in ordered[:top] if score(e) >= VOTE_SHARE * score(ordered[0])]


# A candidate's support grows by e^(this x its cosine to the kind asked for). Replayed on the
# dev questions' votes, 0.5 gained 2 answers, 1 gained 4, 2 gained 5 and lost 4; the full dev
# run with 1 gained 4 and lost 1.
KIND_FIT = 1.0
FIT_CANDIDATES = 8  # the best supported candidates that the kind's cosine may reorder

# Scores texts (candidate names) by their cosine to the kind of name a question asks for.
KindFit = Callable[[Sequence[str]], Sequence[float]]


# Kind words that end as past forms do ("which company agreed", "which actor died").
_NOUNS_IN_ED = frozenset(
    "seed breed speed need red bed shed sled creed greed feed deed weed steed".split()
)


def kind_phrase(question: str, answer_type: str) -> str | None:
    """The words naming the kind of name asked for ("Which actor paid tribute ...?" -> "actor"),
    without a past form of a verb that follows them."""
    words = [
        w
        for w in kind_words(question, answer_type)
        if w.lower() not in STOPWORDS
        and (not w.endswith("ed") or w in _NOUNS_IN_ED)
        and w not in _IRREGULAR
    ]
    return " ".join(words) or None


def vote(
    question: str,
    answer_type: str,
    evidence: Sequence[Evidence],
    top: int = 5,
    subtype: str | None = None,
    fit: KindFit | None = None,
) -> Choice | None:
    """The candidate of the expected type that the best sentences support most, across outlets.

    With a subtype ("which country", "what year") only candidates of the subtype count: with
    none, the best sentence answering beats "Tuesday" for a year or "Biden" for a country.
    With `fit`, the best supported candidates count more the nearer they are to the kind of
    name asked for: "Amazon", not "Wave", for "which company".
    """
    tally: dict[str, float] = defaultdict(float)
    support: dict[str, list[Evidence]] = defaultdict(list)
    surface: dict[str, str] = {}
    terms = {normalise(t) for t in query_terms(question)}
    head = kind_words(question, answer_type)
    not_place = cannot_be_place(head)
    slot = slot_words(question)
    continents = continents_asked(question) if subtype == Subtype.COUNTRY else frozenset()
    # As in the rerank, a sentence of a story dated in the question's time weighs more: the
    # answer comes from this week's story, not from an older one that matches better.
    for e in voting(evidence, top, timely_score):
        seen_here: set[str] = set()
        for found in _typed_candidates(e.text, answer_type, subtype, continents):
            cand = found
            if answer_type == AnswerType.NUMBER:
                cand = extend_with(e.text, found, terms)
            elif answer_type == AnswerType.PLACE and subtype in (None, Subtype.CITY):
                cand = with_region(e.text, found)
            key = normalise(cand.text)
            # ("71 points" is not the question's "points": the number is what is new.)
            if not key or key in seen_here or in_question(found.text, question, head):
                continue
            if answer_type == AnswerType.NUMBER and wrong_span(question, e.text, cand):
                continue
            seen_here.add(key)
            # Earlier mentions in a sentence are usually its subject; a number that counts
            # what the question counts ("700 asylum seekers") beats other numbers.
            weight = 1.0 - 0.1 * min(len(seen_here) - 1, 5)
            if (
                answer_type == AnswerType.NUMBER
                and extend_with(e.text, found, terms, units=False) != found
            ):
                weight += 0.5
            # The kind or role before the name ("golfer Jon Rahm") or after its comma
            # ("William Evans, president of ...").
            if head and (
                _named_as(e.text[: cand.start], head) or described_as(e.text[cand.end :], head)
            ):
                weight += 0.5
            # Given as a name: 'a robot named "Better Idea of Afghan Girls"'.
            if _CALLED.search(e.text[: cand.start]):
                weight += 0.5
            # (Not a possessor: "the cast of Apple TV+'s "Ted Lasso"".)
            possessor = e.text[cand.end : cand.end + 2] in ("'s", "’s")
            if slot and not possessor and _leads_up(e.text[: cand.start], slot):
                weight += 0.5
            if not_place and is_place(cand.text):
                weight *= PLACE_PENALTY
            elif answer_type == AnswerType.PLACE and subtype is None and not names_place(cand.text):
                # "Where will the Games be held?": "Paris" before "2024 Olympics".
                weight *= PLACE_PENALTY
            tally[key] += timely_score(e) * weight
            support[key].append(e)
            surface.setdefault(key, cand.text)
    if not tally:
        return None
    if answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
        # "Paltrow" is "Gwyneth Paltrow" named again in the same article: one candidate, under
        # the fuller name. (Not across articles, not places: "China" is not "Air China".)
        for short in sorted((k for k in tally if not is_place(surface[k])), key=len):
            articles = {e.hit.article_id for e in support[short]}
            # The run may carry a title ("QB Jalen Hurts"): its last two words decide.
            longer = [
                k
                for k in tally
                if is_fuller(" ".join(surface[k].split()[-2:]), surface[short])
                and articles & {e.hit.article_id for e in support[k]}
            ]
            if longer:
                into = max(longer, key=lambda k: tally[k])
                tally[into] += tally.pop(short)
                support[into] = sorted(support[into] + support.pop(short), key=_score, reverse=True)
    if fit is not None and len(tally) > 1:
        best = sorted(tally, key=lambda k: tally[k], reverse=True)[:FIT_CANDIDATES]
        for k, cosine in zip(best, fit([surface[k] for k in best]), strict=True):
            tally[k] *= math.exp(KIND_FIT * cosine)
        tally = {k: tally[k] for k in best}  # the rest, unweighted, are out of the running
    key = max(tally, key=lambda k: (tally[k], len(k)))
    return Choice(surface[key], support[key])


def relation(question: str, sentence: str) -> str | None:
    """For "who warned whom": the sentence's words from the actor to the target of the verb."""
    verb = asked_verb(question)
    if verb is None:
        return None
    stems = tuple(_verb_stems(verb))
    for m in re.finditer(r"\b\w+\b", sentence):
        if m.group(0).lower().startswith(stems):
            before = candidates(sentence[: m.start()], AnswerType.PERSON_OR_GROUP)
            after = candidates(sentence[m.end() :], AnswerType.PERSON_OR_GROUP)
            if before and after:
                start, end = before[-1].start, m.end() + after[0].end
                phrase = sentence[start:end]
                # "Moscow has warned the United States", not half the sentence, and one
                # clause: not "England opened the scoring, when Harry Kane".
                gaps = sentence[before[-1].end : m.start()] + sentence[m.end() : end]
                if len(phrase.split()) <= 12 and not re.search(r"[,;:]", gaps):
                    return phrase
    return None


SUBJECT_GAP = 3  # words between a name and the verb it is the subject of ("Ryabkov has said")


def subject(question: str, sentence: str) -> str | None:
    """For "who VERB ...": the name doing the verb, "Ryabkov" in '"...," Ryabkov said' or in
    '"...," said Ryabkov'."""
    verb = asked_verb(question)
    if verb is None:
        return None
    stems = tuple(_verb_stems(verb))
    for m in re.finditer(r"\b\w+\b", sentence):
        if not m.group(0).lower().startswith(stems):
            continue
        before = candidates(sentence[: m.start()], AnswerType.PERSON_OR_GROUP)
        # (Not one the question names: "England" does not answer "Who scored for England?")
        if (
            before
            and len(sentence[before[-1].end : m.start()].split()) <= SUBJECT_GAP
            and not in_question(before[-1].text, question)
        ):
            return before[-1].text
        after = candidates(sentence[m.end() :], AnswerType.PERSON_OR_GROUP)
        if (
            after
            and not sentence[m.end() : m.end() + after[0].start].strip()
            and not in_question(after[0].text, question)
        ):
            return after[0].text
    return None


def _all_names(question: str, answer_type: str, sentence: str) -> list[str]:
    """For plural questions ("which countries"): a coordinated list of names, else every name."""
    head = kind_words(question, answer_type)
    lists = [
        [n for n in names if not in_question(n, question, head)] for names in name_lists(sentence)
    ]
    lists = [names for names in lists if len(names) > 1]
    if lists:
        return max(lists, key=len)
    out: list[str] = []
    for cand in candidates(sentence, answer_type):
        if not in_question(cand.text, question, head) and cand.text not in out:
            out.append(cand.text)
    return out


_AHEAD = re.compile(r"\b(?:will|to be|set to|plans? to|scheduled|expected to|next)\b", re.I)


def with_day(line: str, e: Evidence) -> str:
    """ "Tuesday (12 Apr 2011)": a day the article names relative to its date, made plain."""
    published = dates.parse_iso(e.hit.published)
    if published is None:
        return line
    day = dates.day_of(line, published, ahead=bool(_AHEAD.search(e.text)))
    return f"{line} ({day.strftime('%-d %b %Y')})" if day else line


def _kind_missing(kind: QuestionKind, chosen: Choice | None, question: str) -> bool:
    """No answer of the kind asked for in the best sentences: no number for "how many", or
    only a country or state for a kind no place can be ("Colorado" for "what flavor")."""
    if kind.answer_type == AnswerType.NUMBER:
        return chosen is None
    return (
        chosen is not None
        and kind.answer_type == AnswerType.NAME
        and is_place(chosen.text)
        and cannot_be_place(kind_words(question, AnswerType.NAME))
    )


def fitted_vote(
    question: str,
    kind: QuestionKind,
    evidence: Sequence[Evidence],
    plain: Choice | None,
    fit: KindFit | None,
) -> Choice | None:
    """The vote with its names reordered by their fit to the kind asked for ("Amazon", not
    "Wave", for "which company"), unless that picks a name the kind cannot be: then `plain`,
    the vote without it."""
    if plain is None or fit is None:
        return plain
    fitted = vote(question, kind.answer_type, evidence, subtype=kind.subtype, fit=fit)
    return plain if _kind_missing(kind, fitted, question) else fitted


def _supporting(evidence: Sequence[Evidence]) -> list[Evidence]:
    """The sentences that support an answer on their own score, best first."""
    return [e for e in evidence if e.score >= ABSTAIN_BELOW]


def _stems(text: str) -> set[str]:
    """The text's words cut to five letters, as question terms are matched against them."""
    return {normalise(w)[:5] for w in text.split()}


_UNDISCLOSED = re.compile(
    r"\bnot\s+(?:been\s+)?(?:named|identified|disclosed)\b|\bdeclined to (?:name|identify)\b"
    r"|\b(?:unnamed|unidentified|undisclosed)\b",
    re.I,
)


def said_unknown(question: str, answer_type: str, evidence: Sequence[Evidence]) -> bool:
    """Do the best sentences say the kind asked for is not known ("The witnesses were not
    named.", "an unnamed official")?"""
    head = {w[:5] for w in kind_words(question, answer_type)}
    return bool(head) and any(
        _UNDISCLOSED.search(e.text) and head & _stems(e.text) for e in voting(evidence)
    )


def _naming(doer: str, about: str, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The sentences that support an answer, name all of `doer`'s words ("the couple ... the
    bakery") and touch on what the doing is `about` (one of its words), best first."""
    named = {normalise(t)[:5] for t in query_terms(doer)}
    touched = {normalise(t)[:5] for t in query_terms(about)}
    return [
        e
        for e in _supporting(evidence)
        if named <= (words := _stems(e.text)) and (not touched or touched & words)
    ]


def _described(name: str, evidence: Sequence[Evidence]) -> tuple[str, Evidence] | None:
    """For "Who is NAME?": the name with what the best sentence that describes it calls it."""
    for e in _supporting(evidence):
        if (line := who_is(name, e.text)) is not None:
            return line, e
    return None


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _around(support: Sequence[Evidence], article: Sequence[dict]) -> list[str]:
    """Where a name's fuller form is likely, nearest first: the best supporting sentence, its
    `article`'s paragraphs (which give the full name at first mention), then the other
    supporting sentences and their passages. Not headlines: their capitals make anything a
    name."""
    texts = [support[0].text] + [p["text"] for p in article]
    return texts + [e.text for e in support[1:]] + [e.hit.text for e in support[1:]]


def _naming_sentence(e: Evidence, article: Sequence[dict], name: str) -> Evidence | None:
    """The first sentence of `e`'s article (its paragraphs given) that contains `name`."""
    for p in article:
        text = p["text"]
        for a, b in sentence_spans(text):
            if name in text[a:b]:
                return replace(e, text=text[a:b], paragraph=p["ordinal"], paragraph_text=text)
    return None


def _trim_words(text: str, limit: int = MAX_ANSWER_WORDS) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def _citation(ctx: AnswerContext, n: int, e: Evidence) -> Citation | None:
    """A citation only when the paragraph really contains the quote."""
    if e.text not in e.paragraph_text:
        return None
    also = tuple(
        ", ".join(x for x in (d["source"], d["published"], d["url"]) if x)
        for d in ctx.index.duplicates_of(e.hit.article_id)
    )
    return Citation(
        n=n,
        article_id=e.hit.article_id,
        title=e.hit.title,
        source=e.hit.source,
        published=e.hit.published,
        url=e.hit.url,
        paragraph=e.paragraph,
        quote=e.text,
        paragraph_text=e.paragraph_text,
        also_in=also,
    )


def _passages(hits: Sequence[Hit]) -> tuple[Passage, ...]:
    return tuple(
        Passage(
            text=h.text,
            score=round(h.score, 4),
            article_id=h.article_id,
            paragraphs=tuple(range(h.first_paragraph, h.last_paragraph + 1)),
            title=h.title,
            source=h.source,
            published=h.published,
            url=h.url,
        )
        for h in hits
    )


def _abstain(
    ctx: AnswerContext, question: str, resolved: str, hits: Sequence[Hit], timings: dict
) -> Answer:
    info_newest = newest_date(ctx.index)
    count = ctx.index.article_count()
    text = messages.NOTHING_FOUND.format(
        count=count, newest=info_newest.isoformat() if info_newest else "an unknown date"
    )
    return Answer(question, text, True, (), _passages(hits), timings, resolved)


def search_query(
    ctx: AnswerContext, question: str, today: date, text: str | None = None
) -> SearchQuery:
    """What is searched for `question` asked on `today`: its words (or `text`, a follow-up with
    its borrowed context), its time window, the outlets it names, and the week before today."""
    return SearchQuery(
        text=text or question,
        window=dates.resolve(question, today),
        sources=named_sources(question, ctx.sources),
        recent=dates.recent(today),
    )


THING_SENTENCES = 3  # the best sentences in which a thing of the kind asked for is looked for


def _cosines(embedder: Embedder, kind: str, texts: Sequence[str]) -> list[float]:
    """Each text's cosine to `kind` by the embedding model (one encoding call)."""
    vectors = embedder.encode([kind, *texts])
    return [float(v @ vectors[0]) for v in vectors[1:]]


def _kind_fit(embedder: Embedder, kind: str | None) -> KindFit | None:
    """Cosines of texts to `kind`, for the vote."""
    return None if kind is None else partial(_cosines, embedder, kind)


def _thing_choice(
    ctx: AnswerContext, kind: str, question: str, evidence: Sequence[Evidence], name: Choice
) -> Choice | None:
    """A thing of the question's kind in the best sentences ("purple" for "which color"), when
    one fits the kind better than the name the vote found; a word right before the kind word
    ("sesame seeds" for "which seed") first, when it fits on its own."""
    voters = voting(evidence, THING_SENTENCES, timely_score)
    members = [(m, e) for e in voters if (m := kind_member(kind, e.text, question))]
    pairs = members + [(c, e) for e in voters for c in thing_candidates(e.text, question)]
    if not pairs:
        return None
    texts = list(dict.fromkeys(c for c, _ in pairs))
    near, *cosines = _cosines(ctx.embedder, kind, [name.text, *texts])
    text = None
    if members:
        first = members[0][0]
        text = best_thing([first], [cosines[texts.index(first)]], near, name.text)
    text = text or best_thing(texts, cosines, near, name.text)
    if text is None:
        return None
    return Choice(text, list({id(e): e for c, e in pairs if c == text}.values()))


def answer_question(
    ctx: AnswerContext,
    question: str,
    *,
    history: Sequence[Turn] = (),
    as_of: date | None = None,
) -> Answer:
    """Answer `question` from the index, citing the paragraphs that say so, or abstain."""
    started = time.perf_counter()
    resolved = resolve_follow_up(question.strip(), history)
    query = search_query(ctx, question, as_of or date.today(), text=resolved)
    k = ctx.settings.top_k
    pool = max(k, RERANK_PASSAGES)
    chars = ctx.settings.passage_chars
    result = search(ctx.index, ctx.embedder, query, k=pool, passage_chars=chars)
    timings = dict(result.timings_ms)
    hits = result.hits
    own, context = split_follow_up(resolved)
    if context and query_terms(own):
        # A follow-up that names something new ("and what did Lavrov say?") is searched on
        # its own words too, so the borrowed context does not drown them.
        alone = search(
            ctx.index, ctx.embedder, replace(query, text=own), k=pool, passage_chars=chars
        )
        by_chunk = {h.chunk: h for h in [*hits, *alone.hits]}
        # Ranks from 0 here, as this fusion was measured (the search's own counts from 1).
        fused = rrf_scores([[h.chunk for h in alone.hits], [h.chunk for h in hits]], first_rank=0)
        hits = [by_chunk[c] for c in sorted(fused, key=lambda c: -fused[c])[:pool]]
        vector = alone.query_vector + result.query_vector
        result = replace(result, query_vector=vector / np.linalg.norm(vector))

    def decline() -> Answer:
        timings["total"] = (time.perf_counter() - started) * 1000
        return _abstain(ctx, question, resolved, hits, timings)

    t = time.perf_counter()
    ranked, evidence = rerank_passages(ctx, resolved, result.query_vector, hits)
    hits = ranked[:k]
    timings["sentences"] = (time.perf_counter() - t) * 1000
    if not evidence or evidence[0].score < ABSTAIN_BELOW:
        return decline()

    t = time.perf_counter()
    kind = classify(own)
    if kind.attitude and kind.answer_type != AnswerType.PERSON_OR_GROUP:
        # "What did X think of Y?" is answered by a sentence that states a view, not by one
        # that merely mentions X and Y.
        holder = attitude_holder(question)
        evidence = [e for e in evidence[:ATTITUDE_SENTENCES] if states_attitude(e.text, holder)]
        if not evidence:
            return decline()
    if kind.answer_type == AnswerType.OTHER and (doing := acted_on(own)):
        # "What did Congress do ...?" is answered by a sentence about Congress.
        evidence = _naming(*doing, evidence)
        if not evidence:
            return decline()
    if said_unknown(resolved, kind.answer_type, evidence):
        return decline()
    best = evidence[0]
    chosen = None
    about = asked_about(own) if kind.answer_type == AnswerType.PERSON_OR_GROUP else None
    described = _described(about, evidence) if about else None
    if described is None and kind.answer_type != AnswerType.OTHER:
        chosen = vote(resolved, kind.answer_type, evidence, subtype=kind.subtype)
    if _kind_missing(kind, chosen, resolved):
        return decline()
    # The kind's cosine reorders the names voted for only now: it does not turn a decline
    # into an answer.
    fit = _kind_fit(ctx.embedder, kind_phrase(resolved, kind.answer_type))
    chosen = fitted_vote(resolved, kind, evidence, chosen, fit)
    cited: list[Evidence]
    voted = evidence  # the sentences the answer is voted from
    verb = asked_verb(question)
    if (
        chosen is not None
        and verb is not None
        and not any(mentions_verb(e.text, verb) for e in chosen.support)
    ):
        # "Who won X?" needs a sentence that says someone won, not one that only names X,
        # and one that supports an answer on its own score.
        saying = [e for e in _supporting(evidence) if says_verb_of(e.text, verb, question)]
        if not saying:
            return decline()
        # No name of the right kind in them ("But she said ..."): the sentence is the answer.
        chosen = vote(resolved, kind.answer_type, saying, subtype=kind.subtype)
        chosen = fitted_vote(resolved, kind, saying, chosen, fit)
        best = saying[0]
        voted = saying
    thing = False
    if chosen is not None and kind.answer_type == AnswerType.NAME and (of_kind := thing_kind(own)):
        # "Which color?": a common noun the vote, which counts names, cannot find ("purple").
        other = _thing_choice(ctx, of_kind, resolved, voted, chosen)
        if other is not None:
            chosen, thing = other, True
    if described is not None:
        line, e = described
        cited = [e]
    elif chosen is not None:
        line = chosen.text
        first, *others = chosen.support
        # The best supporting sentence's article, read at most once, for a fuller name.
        article = cache(partial(ctx.index.paragraphs, first.hit.article_id))
        named = not kind.plural and not thing  # one name, which may have a fuller form
        if kind.plural and not thing:
            found = _all_names(resolved, kind.answer_type, chosen.support[0].text)
            line = _join_names(found or [line])
        if kind.answer_type == AnswerType.PERSON_OR_GROUP:
            for e in chosen.support:
                phrase = relation(question, e.text)
                if phrase:
                    line, named = phrase, False
                    break
                name = subject(question, e.text)
                if name:
                    line = name
                    break
        if named and kind.answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
            said = [e.text for e in chosen.support]
            if not is_place(line):
                line = with_former(fuller_name(line, _around(chosen.support, article())), said)
            line = with_quotes(line, said)
        # The best supporting sentence, plus others from different articles that agree; those
        # whose paragraph names the answer as given ("Gwyneth Paltrow", not "Paltrow") first.
        naming = [e for e in others if holds(e.paragraph_text, line)]
        cited = []
        for e in [first, *naming, *others]:
            if all(e.hit.article_id != c.hit.article_id for c in cited):
                cited.append(e)
            if len(cited) == 3:
                break
        if named and not any(holds(c.paragraph_text, line) for c in cited):
            # "Gwyneth Paltrow" for a sentence that says "Paltrow": cite where the article
            # gives the full name too.
            full = _naming_sentence(first, article(), line)
            if full is not None:
                cited = [first, full]
    else:
        line = best.text
        cited = [best]
    if chosen is not None and kind.answer_type == AnswerType.DATE:
        line = with_day(line, chosen.support[0])
    citations: list[Citation] = []
    for e in cited:
        c = _citation(ctx, len(citations) + 1, e)
        if c is not None:
            citations.append(c)
    if not citations:
        return decline()
    marks = "".join(f"[{c.n}]" for c in citations)
    text = f"{_trim_words(line)} {marks}"
    timings["extract"] = (time.perf_counter() - t) * 1000
    timings["total"] = (time.perf_counter() - started) * 1000
    return Answer(
        question,
        text,
        False,
        tuple(citations),
        _passages(hits),
        timings,
        resolved,
        _trim_words(line),
    )


def choose(
    ctx: AnswerContext, question: str, choices: Sequence[str], *, as_of: date | None = None
) -> int:
    """Multiple choice: the choice the retrieved evidence supports best (index into choices)."""
    today = as_of or date.today()
    query = SearchQuery(
        text=question, window=dates.resolve(question, today), recent=dates.recent(today)
    )
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
