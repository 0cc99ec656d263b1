"""Answers as Telegram HTML messages (parse_mode=HTML), split to fit Telegram's limits.

Pure functions, no Telegram client: `render_answer` for the reply to a question, `render_sources`
for the "Sources" button, `split_html` for anything longer than one message. Every text that
comes from an article or a user is escaped, and only http(s) links are kept, so nothing an article
says can break the markup or smuggle in a link of another kind.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import Final, NamedTuple
from urllib.parse import urlsplit

from bot.surfaces import messages
from bot.types import Answer, Citation, Passage

TELEGRAM_LIMIT: Final = 4096  # characters of a message after entity parsing, in UTF-16 units
CLOSEST_ARTICLES_SHOWN: Final = 3
EXPANDABLE_QUOTE_CHARS: Final = 300  # longer quotes start collapsed

_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
# Control characters (but tab and newline) and lone surrogates: Telegram refuses or mangles them.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


# ---- escaping -------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Text without the characters Telegram cannot take, line breaks as \\n."""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _inline(text: str) -> str:
    """One line of text: titles, sources (a stray line break would break the citation line)."""
    return _SPACES.sub(" ", clean(text)).strip()


def _block(text: str) -> str:
    """Paragraph text: line breaks kept, runs of blank lines made one."""
    return _BLANK_LINES.sub("\n\n", clean(text)).strip()


def esc(text: str) -> str:
    """Escape text for a Telegram HTML text node."""
    return html.escape(text, quote=False)


def safe_url(url: str) -> str | None:
    """`url` if it is an absolute http(s) URL Telegram can link to, else None."""
    url = url.strip()
    if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def link(label_html: str, url: str) -> str:
    """`label_html` as a link to `url`, or left as it is when the URL is not http(s)."""
    target = safe_url(url)
    if target is None or not label_html:
        return label_html
    return f'<a href="{html.escape(target, quote=True)}">{label_html}</a>'


def month_year(published: str) -> str:
    """ "2024-03-05" -> "Mar 2024"; "2024" -> "2024"; anything else -> ""."""
    m = re.match(r"(\d{4})(?:-(\d{1,2}))?", published.strip())
    if m is None:
        return ""
    year, month = m.groups()
    if month and 1 <= int(month) <= 12:
        return f"{_MONTHS[int(month) - 1]} {year}"
    return year


# ---- answers --------------------------------------------------------------------------------


def _article(
    title: str, source: str, published: str, url: str, fallback: str, paragraph: int | None = None
) -> str:
    """ "Title — Source, Mon YYYY, ¶k", the title linked to the article. An article without a
    title is named by its outlet (or id), which then is not repeated."""
    name, outlet = _inline(title), _inline(source)
    if not name:
        name, outlet = outlet or _inline(fallback) or "untitled", ""
    where = [esc(outlet), month_year(published), f"¶{paragraph}" if paragraph else ""]
    details = ", ".join(p for p in where if p)
    return link(esc(name), url) + (f" — {details}" if details else "")


def _cited_article(c: Citation) -> str:
    return _article(c.title, c.source, c.published, c.url, c.article_id, c.paragraph)


def _also_in(entry: str) -> str:
    """One "source, date, url" entry of Citation.also_in as "Source (Mon YYYY)", linked."""
    # The URL goes first: it may itself contain commas. Only http(s) ones become links.
    m = re.search(r"(?:^|,)\s*([A-Za-z][A-Za-z0-9+.-]*:\S*)\s*$", entry)
    url = m.group(1) if m else ""
    rest = entry[: m.start()] if m else entry
    source, _, published = rest.rpartition(",")
    if not re.match(r"\s*\d{4}", published):  # no date there: it is all the outlet's name
        source, published = rest, ""
    target = safe_url(url)
    host = (urlsplit(target).hostname or "") if target else ""
    label = _inline(source).strip(" ,") or host or _inline(entry)
    when = month_year(published)
    return link(esc(label), url) + (f" ({when})" if when else "")


def _quote(c: Citation) -> str:
    quote = _block(c.quote)
    tag = "<blockquote expandable>" if len(quote) > EXPANDABLE_QUOTE_CHARS else "<blockquote>"
    return f"{tag}“{esc(quote)}” [{c.n}]</blockquote>"


def _citation(c: Citation) -> str:
    line = f"[{c.n}] {_cited_article(c)}"
    others = [_also_in(e) for e in c.also_in if e.strip()]
    if others:
        line += f"\n      <i>{messages.ALSO_IN}:</i> " + "; ".join(others)
    return line


def _closest_articles(passages: Iterable[Passage]) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for p in passages:
        if p.article_id in seen:
            continue
        seen.add(p.article_id)
        lines.append("• " + _article(p.title, p.source, p.published, p.url, p.article_id))
        if len(lines) == CLOSEST_ARTICLES_SHOWN:
            break
    return lines


def answer_html(answer: Answer) -> str:
    """The whole answer as one Telegram HTML text, before splitting."""
    text = _block(answer.text)
    if answer.abstained or not answer.citations:
        blocks = [esc(text or messages.NO_ANSWER)]
        closest = _closest_articles(answer.passages) if answer.abstained else []
        if closest:
            blocks.append(f"<b>{esc(messages.CLOSEST_ARTICLES)}</b>\n" + "\n".join(closest))
        return "\n\n".join(blocks)
    blocks = [f"<b>{esc(text)}</b>"] if text else []
    if answer.note:
        blocks.append(f"<i>{esc(answer.note)}</i>")
    quotes = [_quote(c) for c in answer.citations if _block(c.quote)]
    if quotes:
        blocks.append("\n".join(quotes))
    blocks.append("\n".join(_citation(c) for c in answer.citations))
    return "\n\n".join(blocks)


def render_answer(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The reply to a question as Telegram HTML messages, in order; never empty.

    The short answer in bold, the quoted evidence, then the numbered citations
    `[n] Title — Source, Mon YYYY, ¶k` (title linked to the article) with "also in" outlets.
    An abstention is shown plainly, with the closest articles instead of evidence.
    """
    return split_html(answer_html(answer), limit) or [esc(messages.NO_ANSWER)]


def _highlight(paragraph: str, quotes: Iterable[str]) -> str:
    """The paragraph, escaped, with every quote found in it in bold (line breaks and runs of
    spaces in a quote need not match the paragraph's)."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        quote = _block(quote)
        start = paragraph.find(quote) if quote else -1
        if start >= 0:
            spans.append((start, start + len(quote)))
            continue
        words = quote.split()
        if 0 < len(words) <= 200:  # bounded: the pattern is tried at every position
            found = re.search(r"\s+".join(map(re.escape, words)), paragraph)
            if found:
                spans.append(found.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, pos = [], 0
    for start, end in merged:
        out.append(esc(paragraph[pos:start]) + f"<b>{esc(paragraph[start:end])}</b>")
        pos = end
    out.append(esc(paragraph[pos:]))
    return "".join(out)


def sources_html(answer: Answer) -> str:
    """The cited paragraphs in full, one block per paragraph, as one Telegram HTML text."""
    groups: dict[tuple[str, int], list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault((c.article_id, c.paragraph), []).append(c)
    blocks = [messages.SOURCES_HEADING]
    for cited in groups.values():
        first = cited[0]
        numbers = ", ".join(str(c.n) for c in cited)
        paragraph = next((p for c in cited if (p := _block(c.paragraph_text))), "")
        if paragraph:
            body = _highlight(paragraph, (c.quote for c in cited))
        else:  # no text of the paragraph at hand: its quotes stand in for it
            body = "\n".join(dict.fromkeys(esc(q) for c in cited if (q := _block(c.quote))))
        blocks.append(
            f"<b>[{numbers}]</b> {_cited_article(first)}\n<blockquote>{body}</blockquote>"
        )
    return "\n\n".join(blocks)


def render_sources(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The "Sources" reply: each cited paragraph in full with the quoted words in bold."""
    if not answer.citations:
        return [esc(messages.NO_SOURCES)]
    return split_html(sources_html(answer), limit) or [esc(messages.NO_SOURCES)]


# ---- splitting ------------------------------------------------------------------------------

# Telegram's HTML tags; anything else in the input is shown as text.
_TAGS: Final = frozenset(
    "a b strong i em u ins s strike del span tg-spoiler tg-emoji code pre blockquote".split()
)
_TOKEN = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>"  # a tag
    r"|&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));"  # an entity Telegram knows
    r"|(.)",  # any other character
    re.DOTALL,
)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TEXT, _OPEN, _CLOSE = 0, 1, 2


class _Atom(NamedTuple):  # a tuple: split_html makes one per character, so it must be cheap
    """A unit split_html never cuts: a tag, an entity or one character."""

    kind: int
    raw: str  # the HTML it is written as
    char: str = ""  # the character it shows (text atoms); the tag name (tags)
    width: int = 0  # UTF-16 code units it counts for


_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _text_atom(char: str, raw: str | None = None) -> _Atom:
    if raw is None:
        raw = _ESCAPED.get(char, char)
    return _Atom(_TEXT, raw, char, 2 if ord(char) > 0xFFFF else 1)


def _atoms(text: str) -> list[_Atom]:
    """Tokenise HTML; tags Telegram does not know and unbalanced end tags become text."""
    atoms: list[_Atom] = []
    open_names: list[str] = []
    for m in _TOKEN.finditer(text):
        closing, name, _attributes, dec, hexa, named, char = m.groups()
        if char is not None:
            atoms.append(_text_atom(char))
        elif name is not None:
            name = name.lower()
            if name in _TAGS and not closing:
                atoms.append(_Atom(_OPEN, m.group(0), name))
                open_names.append(name)
            elif name in _TAGS and open_names and open_names[-1] == name:
                atoms.append(_Atom(_CLOSE, f"</{name}>", name))
                open_names.pop()
            else:
                atoms.extend(_text_atom(ch) for ch in m.group(0))
        else:
            code = int(dec) if dec is not None else int(hexa, 16) if hexa is not None else 0
            decoded = _NAMED[named] if named else chr(code) if 0 < code < 0x10FFFF else ""
            if decoded and not "\ud800" <= decoded <= "\udfff":
                atoms.append(_text_atom(decoded, m.group(0)))
            else:
                atoms.extend(_text_atom(ch) for ch in m.group(0))
    return atoms


def _joins(before: _Atom, after: _Atom) -> bool:
    """Whether cutting between two characters would split what shows as one (an emoji with a
    skin tone or joiner, a letter and its accent)."""
    if before.kind != _TEXT or after.kind != _TEXT:
        return False
    a, b = before.char, after.char
    return (
        a == "\u200d"
        or b in ("\u200d", "\ufe0e", "\ufe0f")
        or unicodedata.combining(b) > 0
        or 0x1F3FB <= ord(b) <= 0x1F3FF
    )


def _part_end(atoms: list[_Atom], start: int, limit: int) -> tuple[int, bool]:
    """Where the part beginning at `start` should end, and whether it shows anything but
    whitespace. Prefers a paragraph break, then a line break, then a space."""
    width = 0
    first_content = -1
    latest: dict[int, tuple[int, int]] = {}  # break priority -> (atom index after it, width)
    previous = ""
    i = start
    while i < len(atoms):
        atom = atoms[i]
        i += 1
        if atom.kind != _TEXT:
            continue
        if width + atom.width > limit:
            i -= 1
            break
        width += atom.width
        if not atom.char.isspace():
            if first_content < 0:
                first_content = i - 1
        elif first_content >= 0:
            priority = 3 if atom.char == previous == "\n" else 2 if atom.char == "\n" else 1
            latest[priority] = (i, width)
        previous = atom.char
    else:
        return len(atoms), first_content >= 0
    if first_content < 0:
        return i, False  # nothing but whitespace before the limit: dropped
    # A break early in the part would waste most of a message; take it only past this point.
    for priority in (3, 2, 1):
        if priority in latest and latest[priority][1] >= limit // 8:
            return latest[priority][0], True
    if latest:
        return latest[max(latest)][0], True
    cut = i  # one long word: cut it, but not inside a character sequence that shows as one
    for _ in range(16):
        if cut - 1 <= first_content or not _joins(atoms[cut - 1], atoms[cut]):
            break
        cut -= 1
    return cut, True


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most `limit` characters after entity parsing
    (UTF-16 code units, as Telegram counts).

    Cuts fall between tags, entities and characters, preferably at paragraph or line breaks;
    tags open at a cut are closed at the end of one part and reopened (with their attributes) at
    the start of the next. Parts that would show only whitespace are dropped, so the result may
    be empty. Input that is not valid Telegram HTML is repaired: unknown or unbalanced tags and
    stray `<`/`&` are escaped, unclosed tags are closed.
    """
    if limit < 2:
        raise ValueError("limit must leave room for a character")
    atoms = _atoms(text)
    parts: list[str] = []
    stack: list[_Atom] = []  # tags open where the current part begins
    start = 0
    while start < len(atoms):
        end, shows_something = _part_end(atoms, start, limit)
        while end < len(atoms) and atoms[end].kind == _CLOSE:
            end += 1  # a tag closing right at the cut ends this part, not an empty next one
        reopened = "".join(a.raw for a in stack)
        for atom in atoms[start:end]:
            if atom.kind == _OPEN:
                stack.append(atom)
            elif atom.kind == _CLOSE:
                stack.pop()
        if shows_something:
            body = "".join(a.raw for a in atoms[start:end])
            closing = "".join(f"</{a.char}>" for a in reversed(stack))
            parts.append(reopened + body + closing)
        start = end
    return parts


def visible_length(text: str) -> int:
    """How many characters Telegram counts for this HTML (UTF-16 units, before trimming)."""
    return sum(a.width for a in _atoms(text))
