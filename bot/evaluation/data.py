"""Evaluation question files (JSONL) -> `Question`s: RealTimeQA, QuAIL and a generic format.

One reader serves all three, field by field (the first name present wins):

| Question field | RealTimeQA      | QuAIL            | generic        |
| -------------- | --------------- | ---------------- | -------------- |
| id             | `question_id`   | `question_id`    | `id` (else the line number) |
| question       | `question`      | `question`       | `question`     |
| gold           | `answer`        | `answer`         | `answer`       |
| choices        | `choices`       | `options`        | `choices` (optional) |
| as_of          | `question_date` | -                | `as_of` (optional) |
| unanswerable   | -               | `unanswerable`   | `unanswerable` (optional) |
| type           | -               | `question_type`  | `type` (optional) |

Dates are `YYYY-MM-DD` or RealTimeQA's `YYYY/MM/DD` (a time after the date is ignored).

Which questions have their answer in the corpus (those scored for retrieval and answer
accuracy): when the record has `gold_doc_ids` (RealTimeQA), those with a non-empty list; else
every answerable question whose answer is not QuAIL's "not enough information".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

NOT_ENOUGH_INFORMATION = "not enough information"  # QuAIL's answer to its unanswerable questions
AS_OF_FIELDS = ("as_of", "question_date")  # tried in this order when no field is named


class EvalDataError(ValueError):
    """A question file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: str
    choices: tuple[str, ...] = ()
    as_of: date | None = None
    unanswerable: bool = False
    type: str = ""
    gold_in_corpus: bool = True


def parse_day(value: str) -> date:
    """`2023/01/05`, `2023-01-05` or `2023-01-05T10:00:00` -> the date."""
    return date.fromisoformat(value.strip()[:10].replace("/", "-"))


def _first(record: dict[str, Any], *names: str) -> Any:
    return next((record[n] for n in names if record.get(n) is not None), None)


def question_from_record(record: dict[str, Any], line: int, as_of_field: str | None) -> Question:
    """One JSON object of a question file -> a Question (ValueError/KeyError when malformed)."""
    text = str(record["question"]).strip()
    gold = str(record["answer"]).strip()
    if not text:
        raise ValueError("empty question")
    raw_day = record.get(as_of_field) if as_of_field else _first(record, *AS_OF_FIELDS)
    unanswerable = bool(record.get("unanswerable", False))
    if "gold_doc_ids" in record:
        in_corpus = bool(record["gold_doc_ids"])
    else:
        in_corpus = not unanswerable and gold.casefold() != NOT_ENOUGH_INFORMATION
    return Question(
        id=str(_first(record, "question_id", "id") or line),
        question=text,
        gold=gold,
        choices=tuple(str(c) for c in _first(record, "choices", "options") or ()),
        as_of=parse_day(str(raw_day)) if raw_day else None,
        unanswerable=unanswerable,
        type=str(_first(record, "question_type", "type") or ""),
        gold_in_corpus=in_corpus and bool(gold),
    )


def read_questions(path: Path, as_of_field: str | None = None) -> Iterator[Question]:
    """The questions of a JSONL file, in order; blank lines are skipped."""
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                yield question_from_record(record, line_no, as_of_field)
            except KeyError as exc:
                raise EvalDataError(f"{path}:{line_no}: missing field {exc}") from exc
            except ValueError as exc:
                raise EvalDataError(f"{path}:{line_no}: {exc}") from exc
