"""Answering: a question in, a short answer with checked citations (or a reasoned decline) out."""

from bot.answering.pipeline import AnswerContext, Turn, answer_question, choose

__all__ = ["AnswerContext", "Turn", "answer_question", "choose"]
