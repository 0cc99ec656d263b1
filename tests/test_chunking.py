from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest.articles import Article
from index.text.chunking import chunk_paragraphs, paragraphs_of, word_count
from index.text.sentences import sentence_spans, split_sentences


def article(*paragraphs: str, key: str = "k") -> Article:
    return Article(key=key, title="T", paragraphs=tuple(paragraphs))


def test_paragraph_ids_are_stable_and_offsets_exact() -> None:
    a = article("One two.", "Three four.", "One two.")
    first, again = paragraphs_of(a), paragraphs_of(a)
    assert [p.paragraph_id for p in first] == [p.paragraph_id for p in again]
    assert len({p.paragraph_id for p in first}) == 3  # a repeated paragraph gets its own id
    for p in first:
        assert a.body[p.start : p.end] == p.text
    assert [p.ordinal for p in first] == [1, 2, 3]
    # Same text in another article: another id.
    assert paragraphs_of(article("One two.", key="other"))[0].paragraph_id != first[0].paragraph_id


def test_editing_one_paragraph_keeps_the_others_ids() -> None:
    before = paragraphs_of(article("Alpha.", "Beta.", "Gamma."))
    after = paragraphs_of(article("Alpha.", "Beta changed.", "Gamma."))
    assert before[0].paragraph_id == after[0].paragraph_id
    assert before[2].paragraph_id == after[2].paragraph_id
    assert before[1].paragraph_id != after[1].paragraph_id


def test_short_paragraphs_are_packed_and_long_ones_split_at_sentences() -> None:
    long = " ".join(f"Sentence number {i} has five words." for i in range(40))  # 240 words
    paras = paragraphs_of(article("Short one.", "Short two.", long, "Tail."))
    chunks = chunk_paragraphs("aid", "Title", paras, target_words=50)
    assert chunks[0].text == "Short one.\n\nShort two."
    assert chunks[0].paragraph_ids == (paras[0].paragraph_id, paras[1].paragraph_id)
    middle = [c for c in chunks if c.paragraph_ids == (paras[2].paragraph_id,)]
    assert len(middle) == 5
    assert all(c.text.endswith("words.") and word_count(c.text) <= 50 for c in middle)
    assert chunks[-1].text == "Tail." and chunks[-1].first_paragraph == 4
    assert chunks[0].embed_text.startswith("Title\n")


def test_sentences_keep_abbreviations_and_quotes_together() -> None:
    text = (
        'Mr. Smith met U.S. officials. "It is unacceptable," Ryabkov said. '
        "He left at 3 p.m. Monday. Why? Because."
    )
    assert split_sentences(text) == [
        "Mr. Smith met U.S. officials.",
        '"It is unacceptable," Ryabkov said.',
        "He left at 3 p.m. Monday.",
        "Why?",
        "Because.",
    ]


words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
sentence = st.lists(words, min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=30).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=12), st.integers(min_value=20, max_value=120))
def test_chunks_cover_every_paragraph_in_order(paras: list[str], target: int) -> None:
    ps = paragraphs_of(article(*paras))
    chunks = chunk_paragraphs("aid", "T", ps, target)
    covered = [pid for c in chunks for pid in c.paragraph_ids]
    # Every paragraph appears, in order (a split paragraph repeats consecutively).
    assert list(dict.fromkeys(covered)) == [p.paragraph_id for p in ps]
    by_id = {p.paragraph_id: p.text for p in ps}
    for c in chunks:
        if len(c.paragraph_ids) == 1:
            assert c.text in by_id[c.paragraph_ids[0]]
        else:
            assert c.text == "\n\n".join(by_id[i] for i in c.paragraph_ids)
            assert word_count(c.text) <= target
    # Sentence spans are exact substrings.
    for p in ps:
        for a, b in sentence_spans(p.text):
            assert p.text[a:b].strip() == p.text[a:b]
