"""A fake Telegram Bot API server on 127.0.0.1, for tests that run the real PTB client over HTTP.

It answers the methods newsbot uses with Telegram's JSON shapes, status codes and error texts, and
validates message text the way Telegram does (HTML / MarkdownV2 entity parsing, the 4096-character
limit counted in UTF-16 code units after parsing), so a rendering bug fails a test the same way it
would fail in production. Every call is recorded, rejected ones included, and tests play users by
pushing updates that the bot receives through `getUpdates` long polling.

Usage from an async test:

    async with FakeBotApi() as fake:
        app = Application.builder().token(fake.token).base_url(fake.base_url)
              .base_file_url(fake.base_file_url).build()
        ...
        msg = fake.push_message(chat_id=1, user_id=1, text="/start")
        [reply] = await fake.wait_for(chat_id=1, after=msg["message_id"])
        fake.assert_no_rejections()

From a synchronous test (e.g. the bot runs in a subprocess): `fake = serve()` ... `fake.stop()`.
The server always runs on its own thread and event loop, so a busy test loop cannot stall it.

Where this fake is stricter than Telegram it says so: with `strict=True` (the default) a bare `&`
or an unknown named entity such as `&nbsp;` in HTML is rejected, where Telegram would silently show
it as typed; that catches article text that was not escaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.httputil
import tornado.iostream
import tornado.netutil
import tornado.web
from telegram.request import HTTPXRequest

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_MESSAGE_LENGTH",
    "ApiCall",
    "ApiError",
    "EntityParseError",
    "FakeBotApi",
    "ParsedText",
    "SentMessage",
    "check_text",
    "loopback_request",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "serve",
    "utf16_len",
]

# A well-formed token (digits, colon, 35 characters) like the ones BotFather issues.
DEFAULT_TOKEN = "123456789:AAFakeTokenForNewsbotTests-000000000"
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_ANSWER_LENGTH = 200
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")

JSONDict = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Text validation, as Telegram's server (tdlib) does it
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """Markup Telegram refuses; str() is the part after "Bad Request: can't parse entities: "."""


class ApiError(Exception):
    """A Bot API error response: HTTP status, `description`, optional `parameters`."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True)
class ParsedText:
    """Text as Telegram stores it: markup removed, entities with UTF-16 offsets."""

    text: str
    entities: tuple[JSONDict, ...] = ()


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    # Telegram reports positions in bytes of the UTF-8 request text.
    return len(text[:index].encode("utf-8", "surrogatepass"))


class _Out:
    """Accumulates the parsed text and its length in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.u16 += (2 if ord(s) > 0xFFFF else 1) if len(s) == 1 else utf16_len(s)

    def text(self) -> str:
        return "".join(self.parts)

    def since(self, index: int) -> str:
        return "".join(self.parts[index:])


def _sorted_entities(entities: Iterable[JSONDict]) -> tuple[JSONDict, ...]:
    return tuple(sorted(entities, key=lambda e: (e["offset"], -e["length"])))


_URL_SCHEME_RE = re.compile(r"(?i)(https?|tg|ton)://\S+")
_BARE_DOMAIN_RE = re.compile(r"(?i)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?")


def _link_url(url: str) -> str | None:
    """The URL Telegram keeps for a text link, or None (Telegram drops bad links silently)."""
    url = url.strip()
    if _URL_SCHEME_RE.fullmatch(url):
        return url
    if _BARE_DOMAIN_RE.fullmatch(url):
        return "http://" + url + ("" if "/" in url else "/")
    return None


# ---- HTML ----------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_SPACE = " \t\n\r\v\f"
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_PLAIN_RUN = re.compile(r"[^<&]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_ENTITY_RE = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([A-Za-z]*))(;?)")
_SURROGATE_ERROR = (
    "Text contains invalid Unicode characters after decoding HTML entities, "
    "check for unmatched surrogate code units"
)


def _html_entity(text: str, i: int, strict: bool) -> tuple[str, int] | None:
    """Decode the entity at text[i] == '&': (character, index after it), or None if it is none.

    Like Telegram, the numeric forms and &lt; &gt; &amp; &quot; are decoded, with the ';'
    optional; anything else is literal text. In strict mode a literal '&' is an error.
    """
    m = _ENTITY_RE.match(text, i)
    assert m is not None  # the pattern matches any '&'
    hex_digits, dec_digits, name, semicolon = m.groups()
    char: str | None = None
    if hex_digits is not None or dec_digits is not None:
        digits = hex_digits if hex_digits is not None else dec_digits
        value = int(digits, 16 if hex_digits is not None else 10) if digits else 0
        if 0 < value < 0x10FFFF and m.end(2 if dec_digits is not None else 1) - i < 10:
            if 0xD800 <= value <= 0xDFFF:
                raise EntityParseError(_SURROGATE_ERROR)
            char = chr(value)
    elif name in _NAMED_ENTITIES:
        char = _NAMED_ENTITIES[name]
    if char is not None and (semicolon or not strict):
        return char, m.end()
    if strict:
        raise EntityParseError(
            f'Unsupported HTML entity "{m.group(0)}" at byte offset {_byte_offset(text, i)}; '
            'write a literal "&" as "&amp;" (strict check of the fake: Telegram shows it as is)'
        )
    return None


@dataclass
class _HtmlOpen:
    tag: str
    argument: str
    expandable: bool
    u16: int
    out_index: int


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML as the Bot API does, raising EntityParseError with Telegram's words."""
    out = _Out()
    stack: list[_HtmlOpen] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _html_entity(text, i, strict)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
        if c != "<":
            plain = _PLAIN_RUN.match(text, i + 1)  # take the text up to the next markup at once
            run = text[i : plain.end()] if plain else c
            if _SURROGATES.search(run):
                raise EntityParseError(_SURROGATE_ERROR)
            out.add(run)
            i += len(run)
            continue

        begin = i
        where = f"at byte offset {_byte_offset(text, begin)}"
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag {where}")
            j = i + 1
            while j < n and text[j] not in _HTML_SPACE and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j].lower()
            while j < n and text[j] in _HTML_SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag {where}")
            top = stack.pop()
            if end_name and end_name != top.tag:
                raise EntityParseError(
                    f'Unmatched end tag {where}, expected "</{top.tag}>", found "</{end_name}>"'
                )
            i = j + 1
            entity = _html_entity_for(top, out)
            if entity is not None:
                entities.append(entity)
            continue

        j = i
        while j < n and text[j] not in _HTML_SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag {where}")
        tag = text[i:j].lower()
        if tag not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" {where}')
        argument, expandable = "", False
        while True:
            while j < n and text[j] in _HTML_SPACE:
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[j] == ">":
                break
            name_start = j
            while j < n and text[j] not in _HTML_SPACE and text[j] not in "=>":
                j += 1
            attribute = text[name_start:j].lower()
            if not attribute:
                raise EntityParseError(f'Empty attribute name in the tag "{tag}" {where}')
            while j < n and text[j] in _HTML_SPACE:
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[j] != "=":
                # A value-less attribute: only <blockquote expandable> means anything.
                expandable = expandable or (tag == "blockquote" and attribute == "expandable")
                continue
            j += 1
            while j < n and text[j] in _HTML_SPACE:
                j += 1
            if j >= n:
                raise EntityParseError(f'Unclosed start tag "{tag}" {where}')
            if text[j] in "'\"":
                quote = text[j]
                j += 1
                value_parts: list[str] = []
                while j < n and text[j] != quote:
                    if text[j] == "&":
                        decoded = _html_entity(text, j, strict)
                        if decoded is not None:
                            value_parts.append(decoded[0])
                            j = decoded[1]
                            continue
                    value_parts.append(text[j])
                    j += 1
                if j >= n:
                    raise EntityParseError(f"Unclosed start tag {where}")
                j += 1
                value = "".join(value_parts)
            else:
                token_start = j
                while j < n and ((text[j].isascii() and text[j].isalnum()) or text[j] in ".-"):
                    j += 1
                value = text[token_start:j].lower()
                if j >= n or (text[j] not in _HTML_SPACE and text[j] != ">"):
                    raise EntityParseError(
                        f"Unexpected end of name token at byte offset "
                        f"{_byte_offset(text, token_start)}"
                    )
            if tag == "a" and attribute == "href":
                argument = value
            elif tag == "code" and attribute == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attribute == "emoji-id":
                argument = value
            elif tag == "blockquote" and attribute == "expandable":
                expandable = True
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
        stack.append(_HtmlOpen(tag, argument, expandable, out.u16, len(out.parts)))
        i = j + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return ParsedText(out.text(), _sorted_entities(entities))


def _html_entity_for(open_tag: _HtmlOpen, out: _Out) -> JSONDict | None:
    length = out.u16 - open_tag.u16
    if length <= 0:
        return None  # Telegram drops empty entities
    kind = _HTML_TAGS[open_tag.tag]
    entity: JSONDict = {"type": kind, "offset": open_tag.u16, "length": length}
    if kind == "text_link":
        url = _link_url(open_tag.argument or out.since(open_tag.out_index))
        if url is None:
            return None
        entity["url"] = url
    elif kind == "code" and open_tag.argument:
        entity["type"] = "pre"
        entity["language"] = open_tag.argument
    elif kind == "blockquote" and open_tag.expandable:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = open_tag.argument
    return entity


# ---- MarkdownV2 ------------------------------------------------------------------------------

MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MD_TYPES = {
    "Bold": "bold",
    "Italic": "italic",
    "Underline": "underline",
    "Strikethrough": "strikethrough",
    "Spoiler": "spoiler",
    "Code": "code",
    "Pre": "pre",
    "PreCode": "pre",
    "TextUrl": "text_link",
    "CustomEmoji": "custom_emoji",
}


@dataclass
class _MdOpen:
    kind: str  # tdlib's entity type name, used in its error texts
    argument: str
    u16: int
    byte_offset: int
    out_index: int


def _reserved_error(c: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
    )


def parse_markdown_v2(text: str) -> ParsedText:
    """Parse MarkdownV2 as the Bot API does: every reserved character outside an entity's own
    markup must be escaped with a backslash, else EntityParseError with Telegram's words."""
    out = _Out()
    stack: list[_MdOpen] = []
    entities: list[JSONDict] = []
    quote: tuple[int, int, bool] | None = None  # (u16 start, stack depth, expandable)
    line_start = True
    n = len(text)
    i = 0

    def close_quote() -> None:
        nonlocal quote
        assert quote is not None
        start, depth, expandable = quote
        if len(stack) > depth:
            top = stack[-1]
            raise EntityParseError(
                f"Can't find end of {top.kind} entity at byte offset {top.byte_offset}"
            )
        if out.u16 > start:
            kind = "expandable_blockquote" if expandable else "blockquote"
            entities.append({"type": kind, "offset": start, "length": out.u16 - start})
        quote = None

    while i < n:
        c = text[i]
        in_code = bool(stack) and stack[-1].kind in ("Code", "Pre", "PreCode")
        if line_start and not in_code:
            line_start = False
            marker = 3 if text.startswith("**>", i) else 1 if c == ">" else 0
            if marker:
                if quote is None:
                    quote = (out.u16, len(stack), marker == 3)
                i += marker
                continue
            if quote is not None:
                close_quote()
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if c not in ("`" if in_code else MARKDOWN_V2_RESERVED):
            out.add(c)
            line_start = c in "\r\n"
            i += 1
            continue

        top = stack[-1] if stack else None
        nxt = text[i + 1 : i + 2]
        is_end = top is not None and (
            (top.kind == "Bold" and c == "*")
            or (top.kind == "Italic" and c == "_" and nxt != "_")
            or (top.kind == "Code" and c == "`")
            or (top.kind in ("Pre", "PreCode") and text.startswith("```", i))
            or (top.kind in ("TextUrl", "CustomEmoji") and c == "]")
            or (top.kind == "Underline" and text.startswith("__", i))
            or (top.kind == "Strikethrough" and c == "~")
            or (top.kind == "Spoiler" and text.startswith("||", i))
        )
        if not is_end:
            begin = _byte_offset(text, i)
            argument = ""
            if c == "_" and nxt == "_":
                kind, i = "Underline", i + 2
            elif c == "_":
                kind, i = "Italic", i + 1
            elif c == "*":
                kind, i = "Bold", i + 1
            elif c == "~":
                kind, i = "Strikethrough", i + 1
            elif c == "|" and nxt == "|":
                kind, i = "Spoiler", i + 2
            elif c == "[":
                kind, i = "TextUrl", i + 1
            elif c == "!" and nxt == "[":
                kind, i = "CustomEmoji", i + 2
            elif c == "`" and text.startswith("```", i):
                kind, i = "Pre", i + 3
                lang_end = i
                while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                    lang_end += 1
                if lang_end > i and lang_end < n and text[lang_end] != "`":
                    kind, argument, i = "PreCode", text[i:lang_end], lang_end
                # One line break right after the opening ``` is not part of the text.
                if text[i : i + 2] in ("\r\n", "\n\r"):
                    i += 2
                elif text[i : i + 1] in ("\r", "\n"):
                    i += 1
            elif c == "`":
                kind, i = "Code", i + 1
            else:
                raise _reserved_error(c)
            stack.append(_MdOpen(kind, argument, out.u16, begin, len(out.parts)))
            continue

        assert top is not None
        stack.pop()
        i += {"Pre": 3, "PreCode": 3, "Underline": 2, "Spoiler": 2}.get(top.kind, 1)
        entity: JSONDict = {"type": _MD_TYPES[top.kind], "offset": top.u16}
        keep = True
        if top.kind == "PreCode":
            entity["language"] = top.argument
        elif top.kind in ("TextUrl", "CustomEmoji"):
            url = ""
            if i < n and text[i] == "(":
                i += 1
                url_begin = i
                chars: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        chars.append(text[i + 1])
                        i += 2
                        continue
                    chars.append(text[i])
                    i += 1
                if i >= n:
                    what = "a custom emoji URL" if top.kind == "CustomEmoji" else "a URL"
                    raise EntityParseError(
                        f"Can't find end of {what} at byte offset {_byte_offset(text, url_begin)}"
                    )
                i += 1
                url = "".join(chars)
            elif top.kind == "TextUrl":
                url = out.since(top.out_index)  # [text] alone links to the text itself
            if top.kind == "CustomEmoji":
                if not url:
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                m = re.fullmatch(r"(?i)tg://emoji\?(?:.*&)?id=([1-9][0-9]*)\b.*", url)
                if m is None:
                    raise EntityParseError("Custom emoji URL must have an emoji identifier")
                entity["custom_emoji_id"] = m.group(1)
            else:
                link = _link_url(url)
                keep = link is not None  # Telegram drops links it cannot use, silently
                entity["url"] = link
        if keep and out.u16 > top.u16:
            entity["length"] = out.u16 - top.u16
            entities.append(entity)
    if stack:
        top = stack[-1]
        raise EntityParseError(
            f"Can't find end of {top.kind} entity at byte offset {top.byte_offset}"
        )
    if quote is not None:
        close_quote()
    return ParsedText(out.text(), _sorted_entities(entities))


def parse_markdown(text: str) -> ParsedText:
    """Parse legacy Markdown (parse_mode="Markdown"): *bold* _italic_ `code` ```pre``` [a](url)."""
    out = _Out()
    entities: list[JSONDict] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = i
        language = ""
        if c == "`" and text.startswith("```", i):
            end, kind, i = "```", "pre", i + 3
            lang_end = i
            while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                lang_end += 1
            if lang_end > i and lang_end < n and text[lang_end] != "`":
                language, i = text[i:lang_end], lang_end
        else:
            end, i = ("]" if c == "[" else c), i + 1
            kind = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}[c]
        start_u16, start_index = out.u16, len(out.parts)
        while i < n and not text.startswith(end, i):
            out.add(text[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        i += len(end)
        entity: JSONDict | None = {"type": kind, "offset": start_u16}
        if language:
            entity = {**(entity or {}), "language": language}
        if kind == "text_link":
            url = out.since(start_index)
            if i < n and text[i] == "(":
                close = text.find(")", i)
                if close >= 0:
                    url, i = text[i + 1 : close], close + 1
            link = _link_url(url)
            entity = {**(entity or {}), "url": link} if link else None
        if entity is not None and out.u16 > start_u16:
            entity["length"] = out.u16 - start_u16
            entities.append(entity)
    return ParsedText(out.text(), _sorted_entities(entities))


_TRIM = " \t\n\r\v\f"


def _trim(parsed: ParsedText) -> ParsedText:
    """Telegram strips leading and trailing whitespace and shifts the entities to match."""
    stripped = parsed.text.strip(_TRIM)
    if stripped == parsed.text:
        return parsed
    left = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(_TRIM))])
    size = utf16_len(stripped)
    entities = []
    for e in parsed.entities:
        start = max(e["offset"] - left, 0)
        end = min(e["offset"] + e["length"] - left, size)
        if end > start:
            entities.append({**e, "offset": start, "length": end - start})
    return ParsedText(stripped, tuple(entities))


def check_text(
    text: str | None,
    parse_mode: str | None = None,
    *,
    entities: Iterable[JSONDict] | None = None,
    strict: bool = True,
    limit: int = MAX_MESSAGE_LENGTH,
) -> ParsedText:
    """Validate a message text like sendMessage/editMessageText do; raise ApiError(400, ...)
    with Telegram's description, or return the text as Telegram would store it."""
    if not text:
        raise ApiError(400, "Bad Request: message text is empty")
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            parsed = parse_html(text, strict=strict)
        elif mode == "markdownv2":
            parsed = parse_markdown_v2(text)
        elif mode == "markdown":
            parsed = parse_markdown(text)
        elif mode == "":
            parsed = ParsedText(text, _sorted_entities(entities or ()))
        else:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
    except EntityParseError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    parsed = _trim(parsed)
    if not parsed.text:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(parsed.text) > limit:
        raise ApiError(400, "Bad Request: message is too long")
    return parsed


# --------------------------------------------------------------------------------------------
# Records tests assert on
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with what the fake answered."""

    method: str  # as requested, e.g. "sendMessage"
    params: JSONDict  # decoded to Python types
    status: int  # HTTP status of the reply
    ok: bool
    description: str | None = None
    result: Any = None
    injected: bool = False  # the error came from inject_error(), not from validation
    abandoned: bool = False  # the client hung up first (a long poll PTB cancelled on stop)
    files: tuple[str, ...] = ()  # names of multipart file fields
    at: float = 0.0  # time.monotonic()


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits applied)."""

    chat_id: int
    message_id: int
    text: str  # as Telegram shows it: markup parsed, trimmed
    raw_text: str  # as the bot sent it (e.g. HTML)
    parse_mode: str | None
    entities: tuple[JSONDict, ...]
    reply_markup: JSONDict | None = None
    reply_to_message_id: int | None = None
    history: list[str] = field(default_factory=list)  # earlier raw texts, oldest first
    deleted: bool = False

    @property
    def html(self) -> str:
        return self.raw_text

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def buttons(self) -> list[JSONDict]:
        """Inline keyboard buttons, row by row flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def entity_texts(self, kind: str) -> list[str]:
        """The text covered by each entity of `kind` (e.g. "bold", "text_link")."""
        encoded = self.text.encode("utf-16-le")
        return [
            encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e["type"] == kind
        ]


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------

# PTB sends form fields (url-encoded, or multipart with files) whose non-string values are JSON;
# Telegram also takes a JSON body or query string. These say how to read a string value.
_JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "media",
    "results",
}
_INT_PARAMS = {
    "offset",
    "limit",
    "timeout",
    "message_id",
    "user_id",
    "cache_time",
    "max_connections",
    "message_thread_id",
    "reply_to_message_id",
}
_BOOL_PARAMS = {
    "show_alert",
    "disable_notification",
    "protect_content",
    "drop_pending_updates",
    "disable_web_page_preview",
    "allow_sending_without_reply",
    "allow_paid_broadcast",
}


def _coerce(name: str, value: Any) -> Any:
    if name in _JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            if name == "reply_markup":
                raise ApiError(
                    400, "Bad Request: can't parse reply keyboard markup JSON object"
                ) from None
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    if not isinstance(value, str):
        return value
    if name in _INT_PARAMS or (name == "chat_id" and re.fullmatch(r"-?\d+", value)):
        try:
            return int(value) if name != "timeout" else float(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def _decode_request(request: tornado.httputil.HTTPServerRequest) -> tuple[JSONDict, list[str]]:
    raw: JSONDict = {k: v[-1].decode("utf-8") for k, v in request.query_arguments.items()}
    content_type = request.headers.get("Content-Type", "")
    files: list[str] = []
    if content_type.startswith("application/json"):
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: parameters must be a JSON object")
            raw.update(body)
    else:
        # Tornado has already parsed url-encoded and multipart bodies.
        raw.update({k: v[-1].decode("utf-8") for k, v in request.body_arguments.items()})
        files = sorted(request.files)
    return {k: _coerce(k, v) for k, v in raw.items()}, files


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api
        self.closed = False

    def compute_etag(self) -> str | None:
        return None

    def on_connection_close(self) -> None:
        self.closed = True
        self.api._notify()

    def client_gone(self) -> bool:
        """Whether the client hung up (PTB cancels its long poll when it stops)."""
        if self.closed:
            return True
        stream = getattr(self.request.connection, "stream", None)
        sock = getattr(stream, "socket", None)
        if stream is None or sock is None or stream.closed():
            return True
        try:  # a readable socket with nothing to read has been closed by the peer
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    async def get(self, token: str, method: str) -> None:
        try:
            params, files = _decode_request(self.request)
        except ApiError as exc:
            status, body = self.api._record_error(method, {}, exc)
        else:
            status, body = await self.api._dispatch(token, method, params, files, self.client_gone)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        with contextlib.suppress(tornado.iostream.StreamClosedError):  # the client hung up
            await self.finish(json.dumps(body))

    post = get


class _NotFoundHandler(tornado.web.RequestHandler):
    def compute_etag(self) -> str | None:
        return None

    def get(self, *_: str) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))

    post = get


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_UPDATE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "inline_query",
    "my_chat_member",
    "chat_member",
)
_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
_URL_RE = re.compile(r"https?://[^\s<>\"]+")


def _u16_span(text: str, start: int, end: int) -> tuple[int, int]:
    return utf16_len(text[:start]), utf16_len(text[start:end])


def _detect_entities(text: str) -> list[JSONDict]:
    """The entities Telegram adds to what a user types: /commands, @mentions, links."""
    found: list[JSONDict] = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE), ("url", _URL_RE)):
        for m in pattern.finditer(text):
            offset, length = _u16_span(text, m.start(), m.end())
            found.append({"type": kind, "offset": offset, "length": length})
    return list(_sorted_entities(found))


@dataclass
class _Poll:
    """A pending getUpdates long poll; a newer one ends it with 409 Conflict."""

    conflict: bool = False


class _Abandoned(Exception):
    """The client of a long poll hung up; nobody will read the answer."""


class FakeBotApi:
    """The fake Bot API server. All public methods are thread-safe.

    Start it with `async with FakeBotApi() as fake:`, `with FakeBotApi() as fake:` or
    `fake = FakeBotApi().start()` (then `fake.stop()`); it serves on its own thread.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "newsbot_test_bot",
        bot_first_name: str = "Newsbot",
        strict: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.strict = strict
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._calls: list[ApiCall] = []
        self._updates: list[JSONDict] = []  # not yet confirmed by a getUpdates offset
        self._update_ids = itertools.count(1)
        self._delivered_upto = 0  # highest update_id handed out by getUpdates
        self._allowed_updates: list[str] = []
        self._chats: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._sent: dict[tuple[int, int], SentMessage] = {}
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._callback_ids = itertools.count(1)
        self._blocked: set[int] = set()
        self._injected: dict[str, list[ApiError]] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._webhook: JSONDict = {"url": ""}
        self._poll: _Poll | None = None
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._update_event: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._methods: dict[str, Callable[[JSONDict], Any]] = {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "sendchataction": self._send_chat_action,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    # ---- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder.base_url()` / NEWSBOT_TELEGRAM_BASE_URL (token appended)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    def start(self) -> FakeBotApi:
        """Start serving on a background thread; returns once the port is listening."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("FakeBotApi did not start within 10 s")
        if self._startup_error is not None:
            raise RuntimeError("FakeBotApi failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        """Answer pending long polls with no updates, close connections, end the thread."""
        if self._thread is None:
            return
        if self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self._thread.join(10)
        self._thread = None

    async def __aenter__(self) -> FakeBotApi:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start()
            self._startup_error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._update_event = asyncio.Event()
        self._stop_event = asyncio.Event()
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([^/?]*)", _ApiHandler, {"api": self}),
                (r"/.*", _NotFoundHandler),
            ],
            log_function=lambda handler: None,  # keep test output quiet
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self.port = sockets[0].getsockname()[1]
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self._ready.set()
        try:
            await self._stop_event.wait()
        finally:
            self._closing = True
            self._wake_pollers()
            server.stop()
            await asyncio.sleep(0)  # let woken long polls write their replies
            await server.close_all_connections()

    def _wake_pollers(self) -> None:
        # Runs on the server loop only.
        assert self._update_event is not None
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _notify(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_pollers)

    # ---- dispatch ---------------------------------------------------------------------------

    def _record(self, call: ApiCall) -> None:
        with self._lock:
            self._calls.append(call)

    def _record_error(
        self, method: str, params: JSONDict, exc: ApiError, files: Iterable[str] = (), **kw: Any
    ) -> tuple[int, JSONDict]:
        self._record(
            ApiCall(
                method, params, exc.code, False, exc.description,
                files=tuple(files), at=time.monotonic(), **kw,
            )
        )  # fmt: skip
        body: JSONDict = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return exc.code, body

    async def _dispatch(
        self,
        token: str,
        method: str,
        params: JSONDict,
        files: list[str],
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, JSONDict]:
        if not _TOKEN_RE.fullmatch(token):
            return self._record_error(method, params, ApiError(404, "Not Found"), files)
        if token != self.token:
            return self._record_error(method, params, ApiError(401, "Unauthorized"), files)
        key = method.lower()  # Telegram's method names are case-insensitive
        with self._lock:
            queued = self._injected.get(key)
            injected = queued.pop(0) if queued else None
        if injected is not None:
            return self._record_error(method, params, injected, files, injected=True)
        try:
            if key == "getupdates":
                result = await self._get_updates(params, client_gone)
            elif key in self._methods:
                with self._lock:
                    result = self._methods[key](params)
            else:
                raise ApiError(404, "Not Found")
        except _Abandoned:
            return self._record_error(
                method, params, ApiError(499, "client closed the connection"), files, abandoned=True
            )
        except ApiError as exc:
            return self._record_error(method, params, exc, files)
        self._record(
            ApiCall(method, params, 200, True, result=copy.deepcopy(result), files=tuple(files),
                    at=time.monotonic())
        )  # fmt: skip
        return 200, {"ok": True, "result": result}

    # ---- helpers for methods ----------------------------------------------------------------

    def _chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _new_message(self, chat: JSONDict, sender: JSONDict, **fields: Any) -> JSONDict:
        message_id = next(self._message_ids.setdefault(chat["id"], itertools.count(1)))
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **{k: v for k, v in fields.items() if v is not None},
        }
        self._messages[(chat["id"], message_id)] = message
        return message

    def _reply_target(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters") or {}
        if not isinstance(reply, dict):
            raise ApiError(400, "Bad Request: can't parse reply parameters JSON object")
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self._messages.get((chat["id"], int(message_id)))
        allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
        if target is None and not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")
        if target is None:
            return None
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards and their removal: not validated
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array of Array')
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: Text is empty"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif "url" in button:
                if not _URL_SCHEME_RE.fullmatch(str(button["url"])):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            elif not any(k in button for k in ("switch_inline_query", "web_app", "copy_text")):
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
        return markup

    def _bot_message(self, params: JSONDict) -> tuple[JSONDict, SentMessage]:
        chat = self._chat(params)
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: message to edit not found")
        message_id = params.get("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        sent = self._sent.get((chat["id"], message_id))
        if sent is None:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message, sent

    # ---- methods (run under the lock, on the server thread) ---------------------------------

    def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    def _text(self, params: JSONDict) -> ParsedText:
        text = params.get("text")
        return check_text(
            None if text is None else str(text),
            params.get("parse_mode"),
            entities=params.get("entities"),
            strict=self.strict,
        )

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        parse_mode = params.get("parse_mode")
        parsed = self._text(params)
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message = self._new_message(
            chat,
            self.bot_user,
            text=parsed.text,
            entities=list(parsed.entities) or None,
            reply_markup=markup,
            reply_to_message=reply_to,
        )
        self._sent[(chat["id"], message["message_id"])] = SentMessage(
            chat_id=chat["id"],
            message_id=message["message_id"],
            text=parsed.text,
            raw_text=str(params["text"]),
            parse_mode=parse_mode,
            entities=parsed.entities,
            reply_markup=markup,
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
        )
        return copy.deepcopy(message)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message, sent = self._bot_message(params)
        parse_mode = params.get("parse_mode")
        parsed = self._text(params)
        markup = self._check_markup(params.get("reply_markup"))
        if (parsed.text, parsed.entities, markup) == (sent.text, sent.entities, sent.reply_markup):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        sent.history.append(sent.raw_text)
        sent.text, sent.raw_text, sent.parse_mode = parsed.text, str(params["text"]), parse_mode
        sent.entities, sent.reply_markup = parsed.entities, markup
        message["text"] = parsed.text
        message["edit_date"] = int(time.time())
        for key, value in (("entities", list(parsed.entities)), ("reply_markup", markup)):
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message, sent = self._bot_message(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == sent.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        sent.reply_markup = markup
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return copy.deepcopy(message)

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        key = (chat["id"], params.get("message_id"))
        if key not in self._messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        del self._messages[key]
        if key in self._sent:
            self._sent[key].deleted = True
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self._callback_queries.get(query_id, True):  # unknown or already answered
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        return True

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self._webhook = {"url": url}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self._webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(
        self, params: JSONDict, client_gone: Callable[[], bool]
    ) -> list[JSONDict]:
        with self._lock:
            if self._webhook["url"]:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if self._poll is not None:  # like Telegram: the newer request wins
                self._poll.conflict = True
                self._notify()
            poll = self._poll = _Poll()
            offset = int(params.get("offset") or 0)
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            if params.get("allowed_updates") is not None:
                self._allowed_updates = list(params["allowed_updates"])
        timeout = max(float(params.get("timeout") or 0), 0.0)
        assert self._loop is not None
        deadline = self._loop.time() + timeout
        try:
            while True:
                assert self._update_event is not None
                event = self._update_event  # taken before looking, so no wake-up is missed
                if client_gone():
                    raise _Abandoned
                if poll.conflict:
                    # PTB hangs up a long poll and polls again at once when it stops: give the
                    # hang-up a moment to show before calling it two bots polling.
                    for _ in range(10):
                        await asyncio.sleep(0.01)
                        if client_gone():
                            raise _Abandoned
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                with self._lock:
                    allowed = set(self._allowed_updates or _UPDATE_KINDS)
                    ready = [u for u in self._updates if allowed & u.keys()][:limit]
                    if ready:
                        self._delivered_upto = max(self._delivered_upto, ready[-1]["update_id"])
                        return copy.deepcopy(ready)
                remaining = deadline - self._loop.time()
                if remaining <= 0 or self._closing:
                    return []
                # Wake at least twice a second to notice a client that hung up.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(remaining, 0.5))
        finally:
            with self._lock:
                if self._poll is poll:
                    self._poll = None

    # ---- playing users ----------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: str = "private",
        title: str | None = None,
        user_id: int | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """Make a chat known, so the bot may send to it (Telegram: "chat not found" else)."""
        with self._lock:
            if chat_id in self._chats:
                return self._chats[chat_id]
            if chat_type == "private":
                user = self._user(user_id if user_id is not None else chat_id, first_name, username)
                chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
                if user.get("username"):
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}
            self._chats[chat_id] = chat
            return chat

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """The user with this id, created on first sight; fields given replace earlier ones."""
        with self._lock:
            user = self._users.setdefault(
                user_id,
                {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "en"},
            )
            for key, value in (
                ("first_name", first_name),
                ("username", username),
                ("language_code", language_code),
            ):
                if value:
                    user[key] = value
            chat = self._chats.get(user_id)
            if chat is not None and chat["type"] == "private":
                chat["first_name"] = user["first_name"]
                if "username" in user:
                    chat["username"] = user["username"]
            return user

    def push_update(self, kind: str, payload: JSONDict) -> JSONDict:
        """Queue a raw update {kind: payload} for getUpdates; returns it with its update_id."""
        with self._lock:
            update = {"update_id": next(self._update_ids), kind: payload}
            self._updates.append(update)
        self._notify()
        return copy.deepcopy(update)

    def _push_user_message(
        self,
        chat_id: int,
        user_id: int | None,
        *,
        chat_type: str,
        reply_to: int | None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        **fields: Any,
    ) -> JSONDict:
        with self._lock:
            uid = user_id if user_id is not None else chat_id
            if chat_type == "private" and uid != chat_id:
                raise ValueError("in a private chat, chat_id is the user's id")
            user = self._user(uid, first_name, username, language_code)
            chat = self.add_chat(chat_id, chat_type=chat_type, user_id=uid)
            reply = None
            if reply_to is not None:
                target = self._messages.get((chat_id, reply_to))
                if target is None:
                    raise KeyError(f"no message {reply_to} in chat {chat_id}")
                reply = {k: v for k, v in target.items() if k != "reply_to_message"}
            message = self._new_message(chat, user, reply_to_message=reply, **fields)
            self.push_update("message", message)
            return copy.deepcopy(message)

    def push_message(
        self,
        chat_id: int,
        user_id: int | None = None,
        text: str = "",
        *,
        chat_type: str = "private",
        reply_to: int | None = None,
        entities: list[JSONDict] | None = None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """A user sends `text`; returns the Message dict (its message_id orders the bot's replies).

        `user_id` defaults to `chat_id` (a private chat). Unless `entities` are given, /commands,
        @mentions and links get entities the way Telegram adds them (PTB's CommandHandler needs
        the bot_command one).
        """
        return self._push_user_message(
            chat_id,
            user_id,
            chat_type=chat_type,
            reply_to=reply_to,
            first_name=first_name,
            username=username,
            language_code=language_code,
            text=text,
            entities=entities if entities is not None else (_detect_entities(text) or None),
        )

    def push_edited_message(self, chat_id: int, message_id: int, text: str) -> JSONDict:
        """The user edits an earlier message of theirs."""
        with self._lock:
            message = self._messages[(chat_id, message_id)]
            message["text"] = text
            message["edit_date"] = int(time.time())
            entities = _detect_entities(text)
            if entities:
                message["entities"] = entities
            else:
                message.pop("entities", None)
            return self.push_update("edited_message", copy.deepcopy(message))["edited_message"]

    def push_sticker(
        self, chat_id: int, user_id: int | None = None, emoji: str = "👍", **kw: Any
    ) -> JSONDict:
        sticker = {
            "file_id": f"sticker-{chat_id}",
            "file_unique_id": f"s{chat_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._push_user_message(
            chat_id, user_id, chat_type=kw.pop("chat_type", "private"),
            reply_to=kw.pop("reply_to", None), sticker=sticker, **kw,
        )  # fmt: skip

    def push_photo(
        self, chat_id: int, user_id: int | None = None, caption: str | None = None, **kw: Any
    ) -> JSONDict:
        photo = [
            {"file_id": f"photo-{chat_id}-{size}", "file_unique_id": f"p{chat_id}{size}",
             "width": size, "height": size, "file_size": size * 40}
            for size in (90, 320, 800)
        ]  # fmt: skip
        return self._push_user_message(
            chat_id, user_id, chat_type=kw.pop("chat_type", "private"),
            reply_to=kw.pop("reply_to", None), photo=photo, caption=caption, **kw,
        )  # fmt: skip

    def push_voice(
        self, chat_id: int, user_id: int | None = None, duration: int = 3, **kw: Any
    ) -> JSONDict:
        voice = {
            "file_id": f"voice-{chat_id}",
            "file_unique_id": f"v{chat_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": duration * 4000,
        }
        return self._push_user_message(
            chat_id, user_id, chat_type=kw.pop("chat_type", "private"),
            reply_to=kw.pop("reply_to", None), voice=voice, **kw,
        )  # fmt: skip

    def push_document(
        self, chat_id: int, user_id: int | None = None, file_name: str = "notes.pdf", **kw: Any
    ) -> JSONDict:
        document = {
            "file_id": f"doc-{chat_id}",
            "file_unique_id": f"d{chat_id}",
            "file_name": file_name,
            "mime_type": "application/octet-stream",
            "file_size": 1234,
        }
        return self._push_user_message(
            chat_id, user_id, chat_type=kw.pop("chat_type", "private"),
            reply_to=kw.pop("reply_to", None), document=document, **kw,
        )  # fmt: skip

    def push_callback(self, chat_id: int, user_id: int | None, message_id: int, data: str) -> str:
        """The user taps an inline button with `data` under the bot's message; returns the
        callback query id the bot must answer (see `callback_answered`)."""
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            uid = user_id if user_id is not None else chat_id
            query_id = str(
                4_000_000_000_000_000 + next(self._callback_ids)
            )  # numeric, like Telegram's
            self._callback_queries[query_id] = False
            self.push_update(
                "callback_query",
                {
                    "id": query_id,
                    "from": self._user(uid),
                    "message": copy.deepcopy(message),
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                },
            )
            return query_id

    def click(
        self, message: SentMessage, button_text: str | None = None, *, user_id: int | None = None
    ) -> str:
        """Tap a callback button (the first one, or the one labelled `button_text`)."""
        for button in message.buttons:
            if "callback_data" in button and button_text in (None, button["text"]):
                return self.push_callback(
                    message.chat_id, user_id, message.message_id, button["callback_data"]
                )
        labels = [b.get("text") for b in message.buttons]
        raise LookupError(f"no callback button {button_text!r} on message; buttons: {labels}")

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to the chat fail with 403 Forbidden."""
        with self._lock:
            self._blocked.add(chat_id)

    def inject_error(
        self,
        method: str,
        code: int,
        description: str,
        *,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Fail the next `times` calls of `method` with this error (e.g. 429 with retry_after,
        or 403 "Forbidden: bot was blocked by the user"), before any validation."""
        params = {"retry_after": retry_after} if retry_after is not None else None
        with self._lock:
            self._injected.setdefault(method.lower(), []).extend(
                ApiError(code, description, params) for _ in range(times)
            )

    # ---- inspecting -------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls, oldest first, optionally of one method (case-insensitive)."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def rejected_calls(self, *, include_injected: bool = False) -> list[ApiCall]:
        """Calls answered with an error (validation, unknown method, bad token, conflicts)."""
        with self._lock:
            return [
                c
                for c in self._calls
                if not c.ok and not c.abandoned and (include_injected or not c.injected)
            ]

    def assert_no_rejections(self) -> None:
        rejected = self.rejected_calls()
        if rejected:
            lines = [
                f"{c.method}: {c.status} {c.description} params={c.params!r}" for c in rejected
            ]
            raise AssertionError("the fake Bot API rejected calls:\n" + "\n".join(lines))

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent (snapshots, current text), in sending order."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._sent.values()
                if chat_id is None or m.chat_id == chat_id
            ]

    def chat_actions(self, chat_id: int | None = None) -> list[str]:
        return [
            c.params["action"]
            for c in self.calls("sendChatAction")
            if c.ok and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def callback_answered(self, query_id: str) -> bool:
        with self._lock:
            return self._callback_queries.get(query_id, False)

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list setMyCommands stored for a scope (default scope if None)."""
        with self._lock:
            return self._get_my_commands({"scope": scope, "language_code": language_code})

    @property
    def is_polling(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        with self._lock:
            return self._poll is not None

    @property
    def pending_updates(self) -> int:
        """Updates not yet handed out by getUpdates."""
        with self._lock:
            return sum(1 for u in self._updates if u["update_id"] > self._delivered_upto)

    # ---- waiting ----------------------------------------------------------------------------

    def _matching(
        self,
        predicate: Callable[[SentMessage], bool] | None,
        chat_id: int | None,
        after: int | None,
    ) -> list[SentMessage]:
        return [
            m
            for m in self.sent_messages(chat_id)
            if (after is None or m.message_id > after) and (predicate is None or predicate(m))
        ]

    def _timeout_report(self, what: str, timeout: float) -> str:
        sent = [f"  {m.chat_id}/{m.message_id}: {m.text[:80]!r}" for m in self.sent_messages()]
        rejected = [f"  {c.method}: {c.description}" for c in self.rejected_calls()]
        return (
            f"timed out after {timeout} s waiting for {what}\nsent messages:\n"
            + ("\n".join(sent) or "  (none)")
            + "\nrejected calls:\n"
            + ("\n".join(rejected) or "  (none)")
        )

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        after: int | None = None,
        count: int = 1,
    ) -> list[SentMessage]:
        """Wait until at least `count` sent messages match (in `chat_id`, with message_id greater
        than `after`, satisfying `predicate`); return all that match. TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._matching(predicate, chat_id, after)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_report(f"{count} message(s)", timeout))
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        after: int | None = None,
        count: int = 1,
    ) -> list[SentMessage]:
        """`wait_for` for synchronous tests (e.g. the bot runs in a subprocess)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._matching(predicate, chat_id, after)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_report(f"{count} message(s)", timeout))
            time.sleep(0.01)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
        *,
        count: int = 1,
    ) -> list[ApiCall]:
        """Wait until `count` calls of `method` (successful or not) match; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls(method) if predicate is None or predicate(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_report(f"{count} {method} call(s)", timeout))
            await asyncio.sleep(0.01)

    async def wait_polling(self, timeout: float = 5.0) -> None:
        """Wait until a getUpdates long poll is in flight: stopping the bot then cuts one
        (between two polls there is none to cut)."""
        await self._wait_polling_is(True, "a long poll", timeout)

    async def wait_polls_done(self, timeout: float = 5.0) -> None:
        """Wait until no getUpdates is in flight. Call it after stopping the bot and before
        asserting on the calls: the long poll the bot hung up on is recorded only once the
        server has noticed."""
        await self._wait_polling_is(False, "the long poll to end", timeout)

    async def _wait_polling_is(self, polling: bool, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.is_polling != polling:
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_report(what, timeout))
            await asyncio.sleep(0.01)

    async def wait_idle(self, quiet: float = 0.2, timeout: float = 5.0) -> None:
        """Wait until every pushed update was fetched and the bot made no call other than
        getUpdates for `quiet` seconds: use it before asserting that nothing (more) was sent."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                busy = [c.at for c in self._calls if c.method.lower() != "getupdates"]
                last = max(busy, default=0.0)
            now = time.monotonic()
            if self.pending_updates == 0 and now - last >= quiet:
                return
            if now > deadline:
                raise TimeoutError(self._timeout_report("the bot to go idle", timeout))
            await asyncio.sleep(0.02)


def loopback_request(**kwargs: Any) -> HTTPXRequest:
    """A PTB request object for talking to the fake: `Bot(..., request=loopback_request(),
    get_updates_request=loopback_request())` or the ApplicationBuilder methods of those names.

    Optional: the fake speaks plain HTTP, and skipping the CA bundle saves ~0.1 s per Bot.
    """
    return HTTPXRequest(httpx_kwargs={"verify": False}, **kwargs)


def serve(token: str = DEFAULT_TOKEN, **kwargs: Any) -> FakeBotApi:
    """Start a fake on a background thread and return it (call `.stop()` when done)."""
    return FakeBotApi(token, **kwargs).start()


if __name__ == "__main__":  # pragma: no cover - manual use: python -m tests.fake_bot_api
    fake = serve()
    print(f"NEWSBOT_TELEGRAM_BASE_URL={fake.base_url}", flush=True)
    print(f"NEWSBOT_TELEGRAM_TOKEN={fake.token}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
