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

# Under an answer to a question about the last days whose evidence is older. {day}: "13 Jul 2021".
OLD_EVIDENCE: Final = "Note: this is from a story of {day}; I have nothing newer on it."
# An answer from the fast reader while the language model is busy with other chats.
MODEL_BUSY: Final = (
    "Note: many questions came at once, so this one was read by the fast reader; ask again "
    "in a minute for the language model's reading."
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

# ---- Telegram: commands ----------------------------------------------------------------------

# The command menu (setMyCommands): (command, description) pairs.
BOT_COMMANDS: Final = (
    ("help", "What I know and how to ask"),
    ("ask", "Ask a question (in groups)"),
    ("new", "Start a new conversation"),
    ("latest", "The newest stories, on a topic if you name one"),
    ("alert", "Hear here when a new story matches some words"),
    ("alerts", "Your alerts"),
)

# HTML. Under HELP_TEXT: the other commands.
HELP_COMMANDS: Final = (
    "/new – forget our conversation and start afresh\n"
    "/ask <i>question</i> – ask in a group; there you can also mention me or reply to me\n"
    "/latest [<i>topic</i>] – the newest stories, on a topic if you name one\n"
    "/alert <i>words</i> – tell me here when a new story matches; /alerts, /unalert"
)

# {articles}: articles in the index; {newest}: ISO date of the newest one.
HELP_KNOWLEDGE: Final = "I know {articles} news articles; the newest is from {newest}."

# HTML. Heading of the newest stories listed in the help.
HELP_RECENT: Final = "<b>Recent stories</b> you could ask about:"

# HTML. Shown in the help to admins only.
HELP_ADMIN: Final = (
    "<b>Admin commands</b>\n"
    "/reindex – update the index from the corpus (<code>/reindex full</code> rebuilds it)\n"
    "/add <i>link or text</i> – add an article: a link, or a title line and then paragraphs\n"
    "/stats – the index, questions answered and reply times\n"
    "/follow <i>feed URL</i> [<i>minutes</i>] – follow a news feed; its new stories are indexed\n"
    "/unfollow <i>feed URL</i> – stop following it\n"
    "/feeds – the followed feeds and their last poll"
)

NEW_CONVERSATION: Final = (
    "Fresh start: I've forgotten our earlier questions. What would you like to know?"
)

ASK_USAGE: Final = "Put your question after the command, like this: /ask Who won the election?"

UNKNOWN_COMMAND: Final = "I don't know that command. Send /help to see what I can do."

# HTML. /latest: {topic} escaped.
LATEST_HEADING: Final = "<b>Latest stories</b>"
LATEST_ON_HEADING: Final = "<b>Latest stories on {topic}</b>"
LATEST_NONE: Final = "I have no stories about {topic}."

# HTML. Alerts. {words}, {reason}, {title}, {source}, {day}, {sentence}: escaped.
ALERT_USAGE: Final = (
    "Tell me the words to watch for: <code>/alert port strike</code>. When a new story "
    "matches, I'll send it here (at most {per_hour} an hour)."
)
ALERT_SET: Final = "I'll tell you when a new story matches <b>{words}</b>."
ALERT_EXISTS: Final = "You already have an alert on <b>{words}</b>."
ALERT_REFUSED: Final = "I can't set that alert: {reason}."
NO_ALERTS: Final = "You have no alerts. Set one with <code>/alert words</code>."
ALERTS_HEADING: Final = "<b>Your alerts</b>"
UNALERT_USAGE: Final = "Say which alert to drop: <code>/unalert port strike</code>, or all."
UNALERTED: Final = "Dropped {count} alert(s)."
NO_SUCH_ALERT: Final = "You have no alert on <b>{words}</b>. /alerts lists yours."
# {link}: an HTML link (or the escaped title).
ALERT: Final = "New story on <b>{words}</b>: {link} – {source}, {day}\n“{sentence}”"

# ---- Telegram: admin commands ----------------------------------------------------------------

# HTML. Followed feeds.
FOLLOW_USAGE: Final = (
    "Put the feed's address after the command, and how often to poll it if you like:\n"
    "<code>/follow https://example.org/rss.xml 30</code>"
)
# {url}: escaped; {minutes}: a number.
FOLLOWING: Final = "Following {url}, polled every {minutes} min. Its new stories come in then."
FOLLOWING_ALREADY: Final = "Already following {url}; now polled every {minutes} min."
UNFOLLOW_USAGE: Final = "Put the feed's address after the command: <code>/unfollow URL</code>"
UNFOLLOWED: Final = "No longer following {url}. Stories already taken stay in the index."
NOT_FOLLOWING: Final = "I'm not following {url}. /feeds lists the feeds I follow."
# {reason}: escaped.
FEED_REFUSED: Final = "I can't follow that: {reason}."
NO_FEEDS: Final = "I follow no feeds yet. Add one with <code>/follow URL</code>."
FEEDS_HEADING: Final = "<b>Followed feeds</b>"
# {url}, {title}, {status}: escaped; {minutes}, {taken}: numbers; {when}: "3 min ago" or "never".
FEED_LINE: Final = (
    "• {title} – {url}\n  every {minutes} min · last poll {when}: {status} · {taken} stories"
)

# Headings of the message an index run keeps editing.
REINDEX_STARTED: Final = "Updating the index from the corpus…"
REINDEX_FULL_STARTED: Final = "Rebuilding the whole index from the corpus…"
# The progress line under the heading. {done}, {total}: counts.
REINDEX_READING: Final = "Reading articles: {done}"
REINDEX_EMBEDDING: Final = "Embedding passages: {done} of {total}"
REINDEX_SENTENCES: Final = "Embedding their sentences: {done} of {total} passages"
REINDEX_SAVING: Final = "Saving the new index…"
REINDEX_WAITING: Final = "Starting…"

# HTML. The end of a run that changed the index; counts only.
REINDEX_DONE: Final = (
    "<b>Done in {seconds} s:</b> added {added}, updated {updated}, removed {removed}, "
    "skipped {skipped} ({unchanged} unchanged).\n"
    "The index now holds {articles} articles in {chunks} passages."
)
# HTML. The end of a run that found nothing to change.
REINDEX_NO_CHANGE: Final = (
    "<b>The index was already up to date</b> ({unchanged} articles unchanged, {skipped} skipped)."
)
# HTML. Heading of the list of skipped files; {count}: how many are not listed.
REINDEX_SKIPPED: Final = "<b>Skipped:</b>"
REINDEX_MORE_SKIPPED: Final = "… and {count} more (see the log)."
REINDEX_BUSY: Final = "An index update is already running. Please wait for it to finish."
# HTML. {error}: the error's message, escaped.
REINDEX_FAILED: Final = "<b>The index update failed</b>, so I kept the old index.\nError: {error}"
REINDEX_CANCELLED: Final = (
    "The index update stopped because I'm shutting down; the old index stays."
)

# HTML.
ADD_USAGE: Final = (
    "Send /add with a link, or with the article itself: a title line, then its paragraphs. "
    "For example:\n"
    "<code>/add Storm closes the ports\n"
    "Heavy winds closed both ports on Monday, the harbour master said.</code>"
)
# {reason}: why, in a few words, escaped.
ADD_FETCH_FAILED: Final = (
    "I couldn't fetch that page ({reason}). "
    "You can paste the article instead: a title line, then its paragraphs."
)
ADD_NO_TEXT: Final = (
    "I found no article text in that. Send a title line, then the article's paragraphs."
)
ADD_NO_FOLDER: Final = (
    "I have no corpus folder to save the article in: NEWSBOT_CORPUS_PATHS names only files."
)
# HTML. {title}: the article's title, escaped; {paragraphs}: a count.
ADD_SAVED: Final = "Saved “{title}” ({paragraphs} paragraphs) to the corpus."
# The outlet named in articles pasted with /add.
ADDED_SOURCE: Final = "Added via Telegram"

# HTML. Durations are like "3 h 5 min"; {median}: like "850 ms", or "–" before any question.
STATS: Final = (
    "<b>Index:</b> {articles} articles, {chunks} passages, newest article from {newest}, "
    "built {age} ago.\n"
    "<b>Since I started</b> {uptime} ago: {questions} questions answered, "
    "median reply time {median}."
)
