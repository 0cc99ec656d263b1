"""The answer every surface shows: plain data, shared by the REPL, the CLI, eval and Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A quote and the paragraph that says it. `paragraph` is 1-based within the article."""

    n: int
    article_id: str
    title: str
    source: str
    published: str
    url: str
    paragraph: int
    quote: str
    paragraph_text: str
    # Other outlets carrying the same story (near-duplicates), each "source, date, url".
    also_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A ranked passage (chunk) of the retrieval step. `paragraphs` are 1-based ordinals."""

    text: str
    score: float
    article_id: str
    paragraphs: tuple[int, ...]
    title: str = ""
    source: str = ""
    published: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReaderNote:
    """What the trained reader found: its span ("" when none), the span's margin over "no
    answer" and its score with the other stories' agreement."""

    span: str
    margin: float
    score: float


@dataclass(frozen=True)
class WindowRead:
    """One window the language model read: where it comes from, what the model said as it
    said it, what grounding made of it, and what it cost."""

    article_id: str
    paragraphs: tuple[int, ...]  # 1-based ordinals of the paragraphs in the window
    reply: str
    # What became of the reply: "answer", "not stated", "not in the window" (grounding found
    # its words nowhere) or "not of the kind asked".
    verdict: str
    tokens_in: int
    tokens_out: int
    tokens_cached: int
    ms: float


@dataclass(frozen=True)
class ModelNote:
    """What the language-model reader did: the model, the prompt's version, each window it read
    in order (it reads the next only when one does not answer)."""

    model: str
    prompt_version: int
    windows: tuple[WindowRead, ...]
    # The best evidence sentence's score (cosine and keyword overlap with the question), the
    # windows' starting point: shown beside the model's verdicts to judge its declines.
    evidence_score: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What the answer function returns: a short answer line, its evidence, and how long it took.

    When `abstained` is true, `text` says plainly that the news at hand does not answer, and
    `citations` is empty; `passages` then holds the closest articles' passages.
    """

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The question as understood in the conversation (follow-ups get their subject filled in).
    resolved_question: str = ""
    # The answer itself, without citation marks ("" when abstained): what follow-ups borrow
    # and evaluation scores.
    line: str = ""
    # Why the answer was declined ("" when answered), for `ask --json` and the REPL's :debug.
    declined_because: str = ""
    # The reader's finding, when the reader answered (None on the rule path).
    reader: ReaderNote | None = None
    # What the language-model reader read and said (None when it did not run).
    model: ModelNote | None = None
    # A caution shown under the answer ("" when none): evidence older than the time asked about.
    note: str = ""
