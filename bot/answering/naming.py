"""Who did what in a sentence: both sides of "who warned whom", the subject of the asked
verb, every name of a list, and the sentences that name or describe someone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answering.evidence import Evidence
from bot.answering.vote import supporting, voting
from bot.language.en.apposition import who_is
from bot.language.en.extract import (
    candidates,
    in_question,
    name_lists,
    normalise,
)
from bot.language.en.questions import (
    AnswerType,
    kind_words,
)
from bot.language.en.verbs import verb_stems
from index.search import (
    query_terms,
)
from index.text.sentences import sentence_spans


def relation(verb: str | None, sentence: str) -> str | None:
    """For "who warned whom" (`verb`: "warned"): the sentence's words from the actor to the
    target of the verb."""
    if verb is None:
        return None
    stems = tuple(verb_stems(verb))
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


def subject(question: str, verb: str | None, sentence: str) -> str | None:
    """For "who VERB ..." (`verb`, of `question`): the name doing the verb, "Ryabkov" in
    '"...," Ryabkov said' or in '"...," said Ryabkov'."""
    if verb is None:
        return None
    stems = tuple(verb_stems(verb))
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


def all_names(question: str, answer_type: str, sentence: str) -> list[str]:
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


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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


def doing_sentences(doer: str, about: str, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The sentences that support an answer, name all of `doer`'s words ("the couple ... the
    bakery") and touch on what the doing is `about` (one of its words), best first."""
    named = {normalise(t)[:5] for t in query_terms(doer)}
    touched = {normalise(t)[:5] for t in query_terms(about)}
    return [
        e
        for e in supporting(evidence)
        if named <= (words := _stems(e.text)) and (not touched or touched & words)
    ]


def description_of(name: str, evidence: Sequence[Evidence]) -> tuple[str, Evidence] | None:
    """For "Who is NAME?": the name with what the best sentence that describes it calls it."""
    for e in supporting(evidence):
        if (line := who_is(name, e.text)) is not None:
            return line, e
    return None


def name_places(support: Sequence[Evidence], article: Sequence[dict]) -> list[str]:
    """Where a name's fuller form is likely, nearest first: the best supporting sentence, its
    `article`'s paragraphs (which give the full name at first mention), then the other
    supporting sentences and their passages. Not headlines: their capitals make anything a
    name."""
    texts = [support[0].text] + [p["text"] for p in article]
    return texts + [e.text for e in support[1:]] + [e.hit.text for e in support[1:]]


def naming_sentence(e: Evidence, article: Sequence[dict], name: str) -> Evidence | None:
    """The first sentence of `e`'s article (its paragraphs given) that contains `name`."""
    for p in article:
        text = p["text"]
        for a, b in sentence_spans(text):
            if name in text[a:b]:
                return replace(e, text=text[a:b], paragraph=p["ordinal"], paragraph_text=text)
    return None
