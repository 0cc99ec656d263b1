"""Articles -> paragraphs with stable ids and offsets -> paragraph-aware chunks."""

from __future__ import annotations

from collections.abc import Sequence

from index.ingest.articles import Article, Chunk, Paragraph, sha1_hex
from index.text.sentences import sentence_spans

PARAGRAPH_SEPARATOR = "\n\n"


def paragraphs_of(article: Article) -> list[Paragraph]:
    """Body paragraphs with ids that depend only on the article and the paragraph's text.

    The same text in the same article keeps its id across runs (a repeated paragraph is told
    apart by its occurrence number); offsets are into `article.body`.
    """
    seen: dict[str, int] = {}
    out: list[Paragraph] = []
    offset = 0
    aid = article.article_id
    for ordinal, text in enumerate(article.paragraphs, start=1):
        occurrence = seen.get(text, 0)
        seen[text] = occurrence + 1
        pid = sha1_hex(f"paragraph\0{aid}\0{occurrence}\0{text}")
        out.append(Paragraph(pid, aid, ordinal, text, offset, offset + len(text)))
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return out


def chunk_parts(text: str, n_paragraphs: int) -> list[str]:
    """The paragraph texts a chunk's text joins (a one-paragraph chunk may be a piece of it)."""
    return text.split(PARAGRAPH_SEPARATOR) if n_paragraphs > 1 else [text]


def chunk_sentences(text: str, n_paragraphs: int) -> list[str]:
    """A chunk's sentences in order, each within one paragraph: what answering scores."""
    return [part[a:b] for part in chunk_parts(text, n_paragraphs) for a, b in sentence_spans(part)]


def word_count(text: str) -> int:
    return len(text.split())


def _sentence_pieces(text: str, limit: int) -> list[str]:
    """Split one long paragraph at sentence boundaries into exact slices of ~limit words."""
    pieces: list[str] = []
    first: tuple[int, int] | None = None
    last_end = 0
    words = 0
    for a, b in sentence_spans(text):
        n = word_count(text[a:b])
        if first is not None and words + n > limit:
            pieces.append(text[first[0] : last_end])
            first, words = None, 0
        if first is None:
            first = (a, b)
        last_end = b
        words += n
    if first is not None:
        pieces.append(text[first[0] : last_end])
    return pieces


def chunk_paragraphs(
    article_id: str, title: str, paragraphs: Sequence[Paragraph], target_words: int
) -> list[Chunk]:
    """Pack whole paragraphs up to `target_words`; a longer paragraph is split at sentences.

    A chunk never starts or ends inside a sentence, and records every paragraph it covers.
    """
    groups: list[tuple[str, list[Paragraph]]] = []
    pending: list[Paragraph] = []
    pending_words = 0

    def flush() -> None:
        nonlocal pending, pending_words
        if pending:
            groups.append((PARAGRAPH_SEPARATOR.join(p.text for p in pending), pending))
            pending, pending_words = [], 0

    for paragraph in paragraphs:
        n = word_count(paragraph.text)
        if n > target_words:
            flush()
            groups.extend(
                (piece, [paragraph]) for piece in _sentence_pieces(paragraph.text, target_words)
            )
            continue
        if pending and pending_words + n > target_words:
            flush()
        pending.append(paragraph)
        pending_words += n
    flush()

    chunks = []
    for ordinal, (text, covered) in enumerate(groups):
        ids = tuple(p.paragraph_id for p in covered)
        cid = sha1_hex("chunk\0" + article_id + "\0" + "\0".join(ids) + "\0" + text)
        chunks.append(
            Chunk(
                cid, article_id, ordinal, text, ids, covered[0].ordinal, covered[-1].ordinal, title
            )
        )
    return chunks
