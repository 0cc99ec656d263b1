"""The `newsbot ask --json` object, also the start of each line of `newsbot eval`'s results."""

from __future__ import annotations

from dataclasses import asdict

from bot.types import Answer


def answer_to_json(answer: Answer) -> dict:
    """The `newsbot ask --json` object: field names scripts and tests rely on."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {k: v for k, v in asdict(c).items() if k != "also_in"} | {"also_in": list(c.also_in)}
            for c in answer.citations
        ],
        "passages": [
            {
                "text": p.text,
                "score": p.score,
                "article_id": p.article_id,
                "paragraphs": list(p.paragraphs),
                "title": p.title,
                "source": p.source,
                "published": p.published,
                "url": p.url,
            }
            for p in answer.passages
        ],
        "timings_ms": {k: round(v, 2) for k, v in answer.timings_ms.items()},
        "resolved_question": answer.resolved_question,
        "line": answer.line,
        "declined_because": answer.declined_because,
        "reader": None if answer.reader is None else asdict(answer.reader),
        # The language model's raw reply for each window it read, and what grounding made of it.
        "model": None if answer.model is None else asdict(answer.model),
        "note": answer.note,
    }
