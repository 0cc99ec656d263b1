"""Why an answer was declined: shown by `ask --json` (`declined_because`) and the REPL's :debug."""

from __future__ import annotations

from enum import StrEnum


class Declined(StrEnum):
    WEAK_EVIDENCE = "no sentence of the passages found matches the question well enough"
    NO_VIEW = "no sentence states the view asked about"
    NOT_ABOUT_DOER = "no sentence says what the one asked about did"
    SAID_UNKNOWN = "the news says this is not known"
    NO_ANSWER_OF_KIND = "no answer of the kind asked for in the best sentences"
    NO_VERB = "no sentence says that someone did what the question asks"
    READER_NO_ANSWER = "the reader finds no answer in the best passages"
    MODEL_NO_ANSWER = (
        "the language model finds no answer, in words they hold, in the windows it read"
    )
    NO_QUOTE = "no quote could be checked against its paragraph"
