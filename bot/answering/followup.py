"""Follow-up questions: "and when?" borrows the subject of the turn before."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.context import Turn
from bot.language.en.questions import (
    is_follow_up,
)

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
