"""Fine-tuning examples from real news questions (RealTimeQA dev), at the end of training.

A question with its gold answer and the articles known to hold it becomes a reader example for
each window of those articles whose text states the answer; a window of an article the question
retrieved that does not state it becomes a "no answer" example. Generated questions are mixed
in so the reader keeps what it learnt from them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.reader.dataset import Example, context_of, windows_of
from index.ingest.articles import Article

POSITIVES_PER_QUESTION = 2  # windows stating the answer, from different gold articles first
NEGATIVES_PER_QUESTION = 1


def question_examples(
    records: Iterable[Mapping[str, Any]], articles: Mapping[str, Article], seed: int = 0
) -> list[Example]:
    """Reader examples from question records (`question`, `answer`, `gold_doc_ids`,
    `retrieved_doc_ids`) whose articles are in `articles` (by key)."""
    rng = random.Random(seed)
    out: list[Example] = []
    for r in records:
        question, answer = str(r["question"]).strip(), str(r["answer"]).strip()
        gold = [articles[k] for k in r.get("gold_doc_ids") or () if k in articles]
        if not question or not answer or not gold:
            continue
        positives = []
        for article in gold:
            for w in windows_of(0, article):
                context = context_of(w.title, w.text)
                at = context.casefold().find(answer.casefold(), len(w.title))
                if at >= 0:
                    positives.append(
                        Example(question, context, context[at : at + len(answer)], at, "dev", True)
                    )
                    break  # one window per article: the first that states it
        out += positives[:POSITIVES_PER_QUESTION]
        others = [
            articles[k]
            for k in r.get("retrieved_doc_ids") or ()
            if k in articles and k not in set(r.get("gold_doc_ids") or ())
        ]
        negatives = [
            context_of(w.title, w.text)
            for a in others
            for w in windows_of(0, a)
            if answer.casefold() not in context_of(w.title, w.text).casefold()
        ]
        for context in rng.sample(negatives, min(NEGATIVES_PER_QUESTION, len(negatives))):
            out.append(Example(question, context, "", -1, "dev", False))
    return out


def mixed(tuning: Sequence[Example], generated: Sequence[Example], seed: int = 0) -> list[Example]:
    """The tuning examples and the generated ones, shuffled together."""
    rows = [*tuning, *generated]
    random.Random(seed).shuffle(rows)
    return rows
