"""Every fixed text newsbot shows a user, in one place so tests can assert on them.

Texts shared by the terminal and Telegram are plain text with no `<`, `>` or `&`, so they are
also valid Telegram HTML. Texts marked "HTML" are for Telegram only (send with parse_mode=HTML).
Placeholders take numbers or dates only; any other value must be `html.escape`d before it goes
into an HTML text.
"""

from __future__ import annotations

from typing import Final

# ---- shared by every surface -----------------------------------------------------------------

# The abstention answer. {count}: articles in the index; {newest}: ISO date of the newest one.
NOTHING_FOUND: Final = (
    "I found nothing in the {count} articles I have, newest from {newest}, that answers this."
)

# When an answer comes without any text of its own.
NO_ANSWER: Final = "I couldn't find an answer to that in the news I have."

EMPTY_QUESTION: Final = "Please type a question about the news."

# {limit}: the most characters a question may have (Settings.max_question_chars).
QUESTION_TOO_LONG: Final = (
    "That question is too long for me. Please ask it in at most {limit} characters."
)

CLOSEST_ARTICLES: Final = "Closest articles I have:"
ALSO_IN: Final = "also in"


def question_problem(question: str, max_chars: int) -> str | None:
    """Why `question` cannot be asked as it is, in words for the user; None when it can."""
    text = question.strip()
    if not text:
        return EMPTY_QUESTION
    if len(text) > max_chars:
        return QUESTION_TOO_LONG.format(limit=max_chars)
    return None


# ---- the REPL --------------------------------------------------------------------------------

REPL_HELP: Final = """\
Type a question and press Enter; follow-up questions continue the conversation.
  :show N      the full paragraph cited as [N] in the last answer
  :new         start a new conversation
  :asof DATE   answer as if today were DATE (YYYY-MM-DD); :asof alone resets it
  :debug       toggle scores, timings and the question as understood
  :help        this help
  :quit        leave (also Ctrl-D)"""

# ---- Telegram --------------------------------------------------------------------------------

# HTML. Sent for /start and /help.
HELP_TEXT: Final = (
    "<b>Ask me about the news.</b>\n"
    "\n"
    "Send a question in plain words, for example:\n"
    "<i>What did the central bank decide about interest rates?</i>\n"
    "\n"
    "I answer only from the news articles I have. Every answer quotes the paragraph that says "
    "it and cites it as [1], [2]…; tap <b>Sources</b> under an answer to read those paragraphs "
    "in full. Follow-up questions are fine: I remember what we were talking about.\n"
    "\n"
    "/help – show this message"
)

# {seconds}: whole seconds until the user may ask again.
RATE_LIMITED: Final = "You're asking faster than I can read. Please try again in {seconds} s."

NON_TEXT_MESSAGE: Final = "I can only read text messages. Please type your question about the news."

ADMIN_ONLY: Final = "Sorry, only the bot's admins can use that command."

SOMETHING_WENT_WRONG: Final = "Something went wrong on my side. Please try again in a minute."

# The inline button under an answer, the heading of its reply (HTML), and the fallbacks.
SOURCES_BUTTON: Final = "Sources"
SOURCES_HEADING: Final = "<b>Sources</b>"
NO_SOURCES: Final = "This answer has no sources to show."
SOURCES_EXPIRED: Final = "I no longer have the sources of that answer. Please ask again."
