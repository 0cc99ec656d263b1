"""The rule path: the answer the English rules find in the scored sentences (NEWSBOT_READER
=false, and the candidate the reader is checked against)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cache, partial

from bot.answering.compose import Asked, with_day
from bot.answering.context import AnswerContext
from bot.answering.declines import Declined
from bot.answering.evidence import Evidence
from bot.answering.naming import (
    all_names,
    description_of,
    doing_sentences,
    join_names,
    name_places,
    naming_sentence,
    relation,
    said_unknown,
    subject,
)
from bot.answering.question import Question
from bot.answering.vote import (
    Choice,
    KindFit,
    fitted_vote,
    kind_missing,
    kind_phrase,
    supporting,
    timely_score,
    vote,
    voting,
)
from bot.language.en.extract import (
    fuller_name,
    holds,
    with_former,
    with_quotes,
)
from bot.language.en.places import (
    is_place,
)
from bot.language.en.questions import (
    AnswerType,
    acted_on,
    asked_about,
    attitude_holder,
    states_attitude,
)
from bot.language.en.things import best_thing, kind_member, thing_candidates, thing_kind
from bot.language.en.verbs import mentions_verb, says_verb_of
from bot.types import Answer
from index.embedder import Embedder

ATTITUDE_SENTENCES = 3  # best sentences searched for a stated view ("thinks", "expects", ...)

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


def viewing(q: Question, evidence: list[Evidence]) -> list[Evidence]:
    """The evidence that can answer `q`: for "What did X think of Y?", only the best sentences
    that state a view of X, not those that merely mention X and Y (none: nothing answers);
    for any other question, all of it."""
    if not q.kind.attitude or q.kind.answer_type == AnswerType.PERSON_OR_GROUP:
        return evidence
    holder = attitude_holder(q.text)
    return [e for e in evidence[:ATTITUDE_SENTENCES] if states_attitude(e.text, holder)]


def by_rules(asked: Asked, evidence: list[Evidence]) -> Answer:
    """The answer the English rules find in the scored sentences (the rule path)."""
    ctx, q = asked.ctx, asked.q
    question, resolved, own, kind = q.text, q.resolved, q.own, q.kind
    decline = asked.declined
    t = time.perf_counter()
    evidence = viewing(q, evidence)
    if not evidence:
        return decline(Declined.NO_VIEW)
    if kind.answer_type == AnswerType.OTHER and (doing := acted_on(own)):
        # "What did Congress do ...?" is answered by a sentence about Congress.
        evidence = doing_sentences(*doing, evidence)
        if not evidence:
            return decline(Declined.NOT_ABOUT_DOER)
    if said_unknown(resolved, kind.answer_type, evidence):
        return decline(Declined.SAID_UNKNOWN)
    best = evidence[0]
    chosen = None
    about = asked_about(own) if kind.answer_type == AnswerType.PERSON_OR_GROUP else None
    described = description_of(about, evidence) if about else None
    if described is None and kind.answer_type != AnswerType.OTHER:
        chosen = vote(resolved, kind.answer_type, evidence, subtype=kind.subtype)
    if kind_missing(kind, chosen, resolved):
        return decline(Declined.NO_ANSWER_OF_KIND)
    # The kind's cosine reorders the names voted for only now: it does not turn a decline
    # into an answer.
    fit = _kind_fit(ctx.embedder, kind_phrase(resolved, kind.answer_type))
    chosen = fitted_vote(resolved, kind, evidence, chosen, fit)
    cited: list[Evidence]
    voted = evidence  # the sentences the answer is voted from
    verb = q.verb
    if (
        chosen is not None
        and verb is not None
        and not any(mentions_verb(e.text, verb) for e in chosen.support)
    ):
        # "Who won X?" needs a sentence that says someone won, not one that only names X,
        # and one that supports an answer on its own score.
        saying = [e for e in supporting(evidence) if says_verb_of(e.text, verb, question)]
        if not saying:
            return decline(Declined.NO_VERB)
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
            found = all_names(resolved, kind.answer_type, chosen.support[0].text)
            line = join_names(found or [line])
        if kind.answer_type == AnswerType.PERSON_OR_GROUP:
            for e in chosen.support:
                phrase = relation(verb, e.text)
                if phrase:
                    line, named = phrase, False
                    break
                name = subject(question, verb, e.text)
                if name:
                    line = name
                    break
        if named and kind.answer_type in (AnswerType.PERSON_OR_GROUP, AnswerType.NAME):
            said = [e.text for e in chosen.support]
            if not is_place(line):
                line = with_former(fuller_name(line, name_places(chosen.support, article())), said)
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
            full = naming_sentence(first, article(), line)
            if full is not None:
                cited = [first, full]
    else:
        line = best.text
        cited = [best]
    if chosen is not None and kind.answer_type == AnswerType.DATE:
        line = with_day(line, chosen.support[0])
    return asked.answered(line, cited, t)
