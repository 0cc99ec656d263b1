"""Text hygiene for loaders: invisible characters, white space, and page furniture.

A page saved or pasted as plain text still carries what surrounded the article on the web:
breadcrumb navigation, photo captions, share/subscribe prompts and footers. `is_furniture`
recognises such a block from its shape and wording alone (nothing outlet-specific), and
`body_paragraphs` also drops the short unpunctuated lines that trail a page. Real short
paragraphs survive: the phrase rules are anchored at the start of short blocks, so a quote
such as '"Follow us," he said.' is kept, and only the end of a document is trimmed by shape.
"""

from __future__ import annotations

import re

# Control characters that are not white space, and invisible format characters that only get
# in the way of search (zero-width space, soft hyphen, direction marks, word joiners, BOM).
# ZWJ/ZWNJ (U+200C/D) stay: they change how some scripts and emoji are written.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_OTHER_BREAKS = ("\x0b", "\x0c", "\x85", "\u2028")

# Furniture that is never article text when it makes up a short block.
_FURNITURE = re.compile(
    r"can also be accessed at|all rights reserved|appeared first on"
    r"|^(?:copyright\b|©|\(c\)\s*\d{4})"
    r"|^share(?: this| on\b|$)"
    r"|^(?:read|see) (?:more|also)\b"
    r"|^related(?: articles| stories| coverage| content)?\s*(?::|$)"
    r"|^continue reading\b"
    r"|^(?:click|tap) here\b"
    r"|^advertisement$"
    r"|^\(?(?:additional )?(?:reporting|writing|editing) by\b",
    re.IGNORECASE,
)
FURNITURE_MAX_WORDS = 20
# Calls to action, unless a comma shows a reported clause ("Follow us, he told them.").
_CALL_TO_ACTION = re.compile(r"^(?:please )?(?:(?:follow|like) us|subscribe|sign up)\b", re.I)

# Photo credits: "... (File photo by Stars and Stripes)", "(AP Photo/Evan Vucci)",
# "(Getty Images)", or a block that starts "Photo: ..." / "Image: ..." (not "Photos: ...",
# which heads galleries).
_CAPTION = re.compile(
    r"\((?:[\w.&'/-]+\s+){0,3}(?:file\s+)?(?:photo|image|picture|photograph|video)s?\b[^()]*\)$"
    r"|^(?:file photo|photo|image|picture|photograph|photo credit)\s*[:|]",
    re.IGNORECASE,
)
CAPTION_MAX_WORDS = 60

# Breadcrumbs: "News / Military / Russia / Editor's Choice", "Home > World > Europe".
_CRUMB_MARKS = "/>|»›"
_CRUMB_SEPARATOR = re.compile(rf"\s+[{_CRUMB_MARKS}]\s+")
CRUMB_MIN_ITEMS = 3
CRUMB_MAX_ITEM_WORDS = 5

# A line ends a sentence with . ! ? … (perhaps inside a closing quote or bracket), or ends
# a quotation; ":" does not count, since "... at the following addresses:" introduces a list.
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$|["”’»]$""")
TRAILER_MAX_WORDS = 8


def strip_invisible(text: str) -> str:
    # isprintable() is a fast C scan that is True for most lines, which then need no regex.
    return text if text.isprintable() else _INVISIBLE.sub("", text)


def clean(text: str) -> str:
    """Invisible characters out, white space runs folded to one space; the words unchanged."""
    return " ".join(strip_invisible(text).split())


def normalise_line_breaks(text: str) -> str:
    """Every kind of line ending becomes a newline, and a paragraph separator a blank line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for other in _OTHER_BREAKS:
        if other in text:  # a fast scan, where a regex over the whole corpus is slow
            text = text.replace(other, "\n")
    return text.replace("\u2029", "\n\n") if "\u2029" in text else text


def clean_lines(text: str) -> list[str]:
    """The text's lines, each cleaned; blank ones as ""."""
    return [clean(line) for line in normalise_line_breaks(text).split("\n")]


def split_blocks(text: str) -> list[list[str]]:
    """Cleaned lines grouped into blocks: blank-line separated, or one block per line when the
    text has no blank line at all (a paste where each line is a paragraph)."""
    lines = clean_lines(text.strip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if "" not in lines:
        return [[line] for line in lines if line]
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _is_breadcrumb(text: str) -> bool:
    if text[0] in _CRUMB_MARKS:
        return False  # a table row as trafilatura writes it: "| Party | Seats |"
    items = _CRUMB_SEPARATOR.split(text)
    return len(items) >= CRUMB_MIN_ITEMS and all(
        item and len(item.split()) <= CRUMB_MAX_ITEM_WORDS and not _SENTENCE_END.search(item)
        for item in items
    )


def is_furniture(text: str) -> bool:
    """Whether a cleaned block is page furniture rather than article text."""
    if not any(ch.isalnum() for ch in text):
        return True  # rules and ornaments: "* * *", "---"
    words = len(text.split())
    return (
        (words <= FURNITURE_MAX_WORDS and bool(_FURNITURE.search(text)))
        or (words <= FURNITURE_MAX_WORDS and "," not in text and bool(_CALL_TO_ACTION.match(text)))
        or (words <= CAPTION_MAX_WORDS and bool(_CAPTION.search(text)))
        or _is_breadcrumb(text)
    )


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def body_paragraphs(paragraphs: list[str]) -> list[str]:
    """Paragraphs without furniture, and without the short unpunctuated lines that trail a
    saved page ("Press TV News Roku", "Tags"); the last paragraph standing is always kept."""
    kept = [p for p in paragraphs if not is_furniture(p)]
    while (
        len(kept) > 1 and len(kept[-1].split()) <= TRAILER_MAX_WORDS and not ends_sentence(kept[-1])
    ):
        kept.pop()
    return kept
