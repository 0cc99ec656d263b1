"""Rendering answers as Telegram HTML, and splitting long HTML into messages Telegram accepts.

"Telegram accepts" is checked with the fake Bot API's validator (tests/fake_bot_api.py), which
parses HTML as Telegram does and counts length in UTF-16 code units after parsing.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.surfaces import messages
from bot.surfaces.render.html import (
    TELEGRAM_LIMIT,
    month_year,
    render_answer,
    render_sources,
    safe_url,
    split_html,
    visible_length,
)
from bot.surfaces.terminal.format import format_answer
from bot.types import Answer, Citation, Passage
from tests.fake_bot_api import ParsedText, check_text, utf16_len


def telegram(part: str, limit: int = TELEGRAM_LIMIT) -> ParsedText:
    """What Telegram makes of one message; fails the test where Telegram would refuse it."""
    return check_text(part, "HTML", limit=limit)


def shown(parts: list[str], limit: int = TELEGRAM_LIMIT) -> str:
    return "\n".join(telegram(p, limit).text for p in parts)


_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def visible(text: str) -> str:
    """Text as compared across a split: no whitespace (cuts and trimming move it), no control
    characters (the renderer drops them)."""
    return _INVISIBLE.sub("", text)


def citation(n: int = 1, **kw: object) -> Citation:
    fields: dict[str, object] = {
        "n": n,
        "article_id": f"art{n}",
        "title": "Central bank raises rates",
        "source": "Daily Wire",
        "published": "2024-03-05",
        "url": "https://news.example/rates?id=1&lang=en",
        "paragraph": 3,
        "quote": "The bank raised its main rate to 5%.",
        "paragraph_text": "On Tuesday, The bank raised its main rate to 5%. Markets fell.",
    }
    fields.update(kw)
    return Citation(**fields)  # type: ignore[arg-type]


def answer(*citations: Citation, text: str = "Rates went up to 5% [1].") -> Answer:
    return Answer(
        question="What happened to rates?", text=text, abstained=False, citations=citations
    )


# ---- render_answer ---------------------------------------------------------------------------


def test_answer_layout() -> None:
    also = ("Other Post, 2024-03-06, https://other.example/a,b", "Radio X, , ")
    [html] = render_answer(answer(citation(also_in=also), citation(2, title="Second <story>")))
    lines = html.split("\n")
    assert lines[0] == "<b>Rates went up to 5% [1].</b>"
    assert "<blockquote>“The bank raised its main rate to 5%.” [1]</blockquote>" in lines
    assert (
        '[1] <a href="https://news.example/rates?id=1&amp;lang=en">Central bank raises rates</a>'
        " — Daily Wire, Mar 2024, ¶3" in lines
    )
    assert (
        '      <i>also in:</i> <a href="https://other.example/a,b">Other Post</a> (Mar 2024); '
        "Radio X" in lines
    )
    assert any(line.startswith("[2] <a href=") and "Second &lt;story&gt;" in line for line in lines)
    parsed = telegram(html)
    assert parsed.text.startswith("Rates went up to 5% [1].\n\n“The bank raised")
    kinds = [e["type"] for e in parsed.entities]
    assert kinds.count("blockquote") == 2 and kinds.count("text_link") == 3


def test_everything_from_articles_is_escaped_and_links_are_http_only() -> None:
    hostile = citation(
        title='<script>alert("x")</script> & co',
        source="<b>Evil</b>",
        url="javascript:alert(1)",
        quote="</blockquote><a href='https://phish.example'>click</a>",
        also_in=("Sneaky, 2024-01-01, tg://resolve?domain=x", "Fine, 2024-01-01, ftp://x.example"),
    )
    parts = render_answer(answer(hostile, text="<i>not italic</i> &amp;"))
    html = "".join(parts)
    assert "javascript:" not in html and "tg://" not in html and "ftp://" not in html
    assert "<script>" not in html and "<a href='https://phish" not in html
    text = shown(parts)
    assert "<i>not italic</i> &amp;" in text
    assert '<script>alert("x")</script> & co' in text
    assert "</blockquote><a href='https://phish.example'>click</a>" in text
    assert all(e["type"] != "text_link" for p in parts for e in telegram(p).entities)


def test_long_quotes_start_collapsed() -> None:
    [html] = render_answer(answer(citation(quote="word " * 100)))
    assert "<blockquote expandable>" in html
    assert "expandable_blockquote" in {e["type"] for e in telegram(html).entities}


def test_abstention_lists_the_closest_articles_not_evidence() -> None:
    passages = (
        Passage(
            "p", 0.9, "a1", (1,), "Floods in the north", "Wire", "2023-07-02", "https://w.ex/1"
        ),
        Passage(
            "p", 0.8, "a1", (2,), "Floods in the north", "Wire", "2023-07-02", "https://w.ex/1"
        ),
        Passage("p", 0.7, "a2", (1,), "", "Radio <X>", "2023-06-30", "ftp://nope"),
        Passage("p", 0.6, "a3", (1,), "Third", "", "", ""),
        Passage("p", 0.5, "a4", (1,), "Fourth", "", "", ""),
    )
    abstained = Answer("q", "I couldn't find that in the news I have.", True, (), passages)
    [html] = render_answer(abstained)
    assert html == (
        "I couldn't find that in the news I have.\n\n"
        f"<b>{messages.CLOSEST_ARTICLES}</b>\n"
        '• <a href="https://w.ex/1">Floods in the north</a> — Wire, Jul 2023\n'
        "• Radio &lt;X&gt; — Jun 2023\n"
        "• Third"
    )
    assert "<blockquote" not in html
    telegram(html)


def test_answers_without_text_still_say_something() -> None:
    for empty in (
        Answer("q", "", True),
        Answer("q", " \n ", False),
        Answer("q", "\x00\x01", True, (), ()),
    ):
        [html] = render_answer(empty)
        assert telegram(html).text == messages.NO_ANSWER
    [html] = render_answer(answer(citation(), text=""))
    assert not html.startswith("<b></b>") and telegram(html).text.startswith("“The bank")


# ---- render_sources --------------------------------------------------------------------------


def test_sources_show_whole_paragraphs_with_the_quote_in_bold() -> None:
    same_paragraph = citation(3, article_id="art1", quote="Markets fell.")
    [html] = render_sources(answer(citation(1), citation(2, paragraph_text=""), same_paragraph))
    assert html.startswith(messages.SOURCES_HEADING + "\n\n<b>[1, 3]</b> <a href=")
    assert (
        "<blockquote>On Tuesday, <b>The bank raised its main rate to 5%.</b> "
        "<b>Markets fell.</b></blockquote>" in html
    )
    # Without the paragraph's text, the quote stands in for it.
    assert "<b>[2]</b>" in html
    assert html.endswith("¶3\n<blockquote>The bank raised its main rate to 5%.</blockquote>")
    text = telegram(html).text
    assert "On Tuesday, The bank raised its main rate to 5%. Markets fell." in text


def test_quotes_are_found_across_line_breaks() -> None:
    cited = citation(
        quote="rates  rose\nsharply", paragraph_text="Then rates rose sharply <again>."
    )
    [html] = render_sources(answer(cited))
    assert "<blockquote>Then <b>rates rose sharply</b> &lt;again&gt;.</blockquote>" in html


def test_sources_of_an_answer_without_citations() -> None:
    assert render_sources(Answer("q", "nothing", True)) == [messages.NO_SOURCES]


def test_long_sources_are_split_into_valid_messages() -> None:
    paragraph = "A sentence about the economy that goes on. " * 150  # ~6,500 characters
    cited = [citation(n, article_id=f"a{n}", paragraph_text=paragraph) for n in range(1, 4)]
    parts = render_sources(answer(*cited))
    assert len(parts) >= 5
    for part in parts:
        parsed = telegram(part)
        assert utf16_len(parsed.text) <= TELEGRAM_LIMIT
        assert part.count("<blockquote>") == part.count("</blockquote>")
    assert visible(shown(parts)).count(visible(paragraph)) == 3


# ---- split_html ------------------------------------------------------------------------------


def test_short_html_is_one_part_unchanged() -> None:
    html = '<b>hi</b> <a href="https://e.example">there</a> &amp; 😀'
    assert split_html(html) == [html]


def test_split_prefers_paragraphs_then_lines_then_spaces() -> None:
    a, b = "a" * 3000, "b" * 3000
    assert [p.strip() for p in split_html(f"{a}\n\n{b}")] == [a, b]
    assert [p.strip() for p in split_html(f"{a}\n{b}")] == [a, b]
    assert [p.strip() for p in split_html(f"{a} {b}")] == [a, b]
    # A paragraph break beats a later line break or space.
    parts = split_html(f"{a}\n\n{'c' * 500}\n{'d' * 500} {b}")
    assert parts[0].strip() == a
    # A break near the start would waste a message: the text is filled up instead.
    parts = split_html("Title\n\n" + "word " * 2000)
    assert parts[0].startswith("Title\n\nword") and visible_length(parts[0]) > 4000


def test_words_longer_than_a_message_are_cut_hard() -> None:
    parts = split_html("x" * 10_000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_split_counts_utf16_and_entities_like_telegram() -> None:
    parts = split_html("😀" * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    parts = split_html("&amp;" * 5000)
    assert [telegram(p).text for p in parts] == ["&" * 4096, "&" * 904]


def test_split_keeps_emoji_sequences_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    parts = split_html("x" * 4094 + family)
    assert parts == ["x" * 4094, family]
    accented = "e\u0301"
    parts = split_html("x" * 4095 + accented)
    assert parts == ["x" * 4095, accented]


def test_open_tags_are_closed_and_reopened() -> None:
    html = '<b>Bold <a href="https://e.example/?a=1&amp;b=2">' + "linked " * 1500 + "</a></b>"
    parts = split_html(html)
    assert len(parts) == 3
    for part in parts:
        assert part.startswith('<b>Bold <a href="') or part.startswith('<b><a href="')
        assert part.endswith("</a></b>")
        parsed = telegram(part)
        size = utf16_len(parsed.text)
        assert {"type": "bold", "offset": 0, "length": size} in parsed.entities
        link = next(e for e in parsed.entities if e["type"] == "text_link")
        assert link["url"] == "https://e.example/?a=1&b=2"


def test_split_repairs_invalid_html() -> None:
    assert split_html("<script>x</script> a < b & c") == [
        "&lt;script&gt;x&lt;/script&gt; a &lt; b &amp; c"
    ]
    assert split_html("<b>open <i>and</b> crossed") == ["<b>open <i>and&lt;/b&gt; crossed</i></b>"]
    assert split_html("&nbsp;&#0;") == ["&amp;nbsp;&amp;#0;"]


def test_whitespace_only_input_gives_no_parts() -> None:
    assert split_html(" \n\n <b> </b>") == []
    assert [p.strip() for p in split_html(" " * 5000 + "x")] == ["x"]


def test_split_limit_must_hold_a_character() -> None:
    with pytest.raises(ValueError):
        split_html("abc", limit=1)


# ---- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "shown_as"),
    [("2024-03-05", "Mar 2024"), ("2024-12", "Dec 2024"), ("1999", "1999"), ("", ""), ("soon", "")],
)
def test_month_year(iso: str, shown_as: str) -> None:
    assert month_year(iso) == shown_as


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://e.example/a?b=1", True),
        ("HTTP://E.EXAMPLE", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//e.example/x", False),
        ("https://", False),
        ("https://e.example/a b", False),
        ("", False),
    ],
)
def test_safe_url(url: str, kept: bool) -> None:
    assert (safe_url(url) is not None) == kept


def test_fixed_texts_are_valid_telegram_html() -> None:
    class Fill(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "12"

    texts = [
        value.format_map(Fill(newest="2024-03-05", title="A &lt;b&gt; title"))
        for name, value in vars(messages).items()
        if name.isupper() and isinstance(value, str)
    ]
    assert len(texts) >= 10
    for text in texts:
        telegram(text)
    assert "<b>Sources</b>" in messages.HELP_TEXT
    assert messages.question_problem("  ", 100) == messages.EMPTY_QUESTION
    assert messages.question_problem("x" * 101, 100) == messages.QUESTION_TOO_LONG.format(limit=100)
    assert messages.question_problem("What happened?", 100) is None


# ---- properties ------------------------------------------------------------------------------

# Characters that stress the renderer: markup, entities, astral emoji, joiners, combining marks,
# line breaks, control characters.
_TRICKY = st.sampled_from(
    ["<", ">", "&", "&amp;", "&lt;", '"', "'", ";", "#", "\n", "\n\n", " ", "\t", "\r", "\x00",
     "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇦", "e\u0301", "\u200b", "\ufeff", "¶", "—"]
)  # fmt: skip
_CHARS = st.characters(codec="utf-8")
_PIECE = st.one_of(_TRICKY, _CHARS, st.sampled_from(string.ascii_letters))
_TEXT = st.lists(_PIECE, max_size=40).map("".join)
# A long paragraph with no spaces at all, or with few.
_LONG = st.builds(
    lambda chunk, times: "".join(chunk) * times,
    st.lists(st.one_of(_TRICKY, _CHARS), min_size=1, max_size=6),
    st.integers(300, 1500),
)
_ANY_TEXT = st.one_of(_TEXT, _TEXT, _LONG)
_URL = st.one_of(
    st.just(""),
    st.builds(lambda p: "https://news.example/" + p, _TEXT),
    st.sampled_from(["javascript:alert(1)", "ftp://x.example", 'https://a.example/?q=<b>&x="']),
)


@st.composite
def citations(draw: st.DrawFn) -> tuple[Citation, ...]:
    count = draw(st.integers(0, 4))
    return tuple(
        Citation(
            n=n,
            article_id=f"a{draw(st.integers(0, 2))}",
            title=draw(_TEXT),
            source=draw(_TEXT),
            published=draw(st.sampled_from(["", "2024-02-29", "1999", "garbage"])),
            url=draw(_URL),
            paragraph=draw(st.integers(1, 40)),
            quote=draw(_ANY_TEXT),
            paragraph_text=draw(_ANY_TEXT),
            also_in=tuple(
                draw(
                    st.lists(
                        st.builds(lambda s, u: f"{s}, 2024-01-02, {u}", _TEXT, _URL), max_size=2
                    )
                )
            ),
        )
        for n in range(1, count + 1)
    )


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    passages = tuple(
        Passage(draw(_TEXT), 0.5, f"a{i}", (1,), draw(_TEXT), draw(_TEXT), "2024-01-01", draw(_URL))
        for i in range(draw(st.integers(0, 4)))
    )
    return Answer(
        question="q",
        text=draw(_ANY_TEXT),
        abstained=draw(st.booleans()),
        citations=draw(citations()),
        passages=passages,
    )


_PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_parts(parts: list[str], limit: int = TELEGRAM_LIMIT) -> str:
    """Every part is a message Telegram takes, links are http(s); returns the text shown."""
    assert parts, "a reply must have at least one message"
    texts = []
    for part in parts:
        parsed = telegram(part, limit)  # raises where Telegram would refuse the message
        assert utf16_len(parsed.text) <= limit
        for entity in parsed.entities:
            if entity["type"] == "text_link":
                assert re.match(r"https?://", entity["url"])
        texts.append(parsed.text)
    return visible("".join(texts))


@_PROPERTY
@given(answers())
def test_any_answer_renders_to_messages_telegram_accepts(ans: Answer) -> None:
    text = _check_parts(render_answer(ans))
    assert visible(ans.text) in text
    if not ans.abstained:
        for c in ans.citations:
            assert visible(c.quote) in text
            assert visible(c.title or c.source) in text


@_PROPERTY
@given(answers())
def test_any_sources_render_to_messages_telegram_accepts(ans: Answer) -> None:
    text = _check_parts(render_sources(ans))
    paragraphs: dict[tuple[str, int], list[Citation]] = {}
    for c in ans.citations:
        paragraphs.setdefault((c.article_id, c.paragraph), []).append(c)
    for cited in paragraphs.values():
        # Each cited paragraph in full (citations of one paragraph carry the same text; if only
        # some carry it, theirs is shown), or, without its text, the quotes from it.
        full = next((visible(c.paragraph_text) for c in cited if visible(c.paragraph_text)), "")
        for expected in [full] if full else [visible(c.quote) for c in cited]:
            assert expected in text


_TAG = st.sampled_from(
    ["b", "i", "u", "s", "code", "blockquote", "tg-spoiler", 'a href="https://e.example/?a=1&amp;b"',
     "blockquote expandable", 'span class="tg-spoiler"', "pre"]
)  # fmt: skip


@st.composite
def html_documents(draw: st.DrawFn) -> tuple[str, str]:
    """Valid Telegram HTML from escaped random text in nested tags, and the text it shows."""
    html_parts: list[str] = []
    plain_parts: list[str] = []
    open_tags: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["text", "text", "open", "close"]))
        if action == "open" and len(open_tags) < 4:
            tag = draw(_TAG)
            html_parts.append(f"<{tag}>")
            open_tags.append(tag.split()[0])
        elif action == "close" and open_tags:
            html_parts.append(f"</{open_tags.pop()}>")
        else:
            text = draw(_ANY_TEXT).replace("\x00", "").replace("\r", "")
            html_parts.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            plain_parts.append(text)
    html_parts.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(html_parts), "".join(plain_parts)


@_PROPERTY
@given(html_documents(), st.integers(16, TELEGRAM_LIMIT))
def test_split_parts_are_valid_and_keep_all_text_in_order(doc: tuple[str, str], limit: int) -> None:
    html, plain = doc
    parts = split_html(html, limit)
    if not visible(plain):
        assert all(not visible(telegram(p, limit).text) for p in parts)
        return
    assert _check_parts(parts, limit) == visible(plain)


def test_debug_lists_each_passage_with_the_paragraphs_it_spans() -> None:
    passages = (
        Passage("p", 0.9, "a1", (3, 4, 5), "Floods in the north", "Wire", "2023-07-02", ""),
        Passage("p", 0.8, "a2", (7,), "Dry in the south", "Wire", "2023-07-02", ""),
    )
    shown = format_answer(
        Answer("q", "Floods [1].", False, (citation(),), passages, {"total": 12.0}), debug=True
    )
    assert "#1 0.900 Floods in the north ¶3–5" in shown and "#2 0.800 Dry in the south ¶7" in shown
    assert "timings (ms): total 12" in shown
