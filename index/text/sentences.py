"""Sentence boundaries with character offsets, so that quotes are exact substrings."""

from __future__ import annotations

import re

# Words whose trailing period does not end a sentence in news copy.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt adm maj st jr sr inc ltd co corp
    vs etc no nos fig jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e
    a.m p.m approx dept est rev ft mt pres supt""".split()
)
# A candidate end: . ! or ? (optionally followed by closing quotes/brackets), then whitespace.
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+)""")
# What may open the next sentence: a capital, a digit or an opening quote/bracket.
_NEXT = re.compile(r"""\s+["'“‘(\[]*[A-Z0-9]""")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, leading/trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if not _NEXT.match(text, end):
            continue
        word = text[start : match.start() + 1].split()[-1:] or [""]
        token = word[0].rstrip(".").lower().lstrip("\"'“‘(")
        # "Mr." or an initial ("J. Smith") does not end a sentence.
        if text[match.start()] == "." and (token in _ABBREVIATIONS or len(token) == 1):
            continue
        _append(text, start, end, spans)
        start = end
    _append(text, start, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
