"""Which messages are for the bot (in a group: a mention, a reply or a command to it), and the
text of a message without the mention or the command."""

from __future__ import annotations

import re

from telegram import (
    Message,
)
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import (
    filters,
)


class _ForMe(filters.MessageFilter):
    """Private chats, and group messages that mention the bot, reply to it or name it in a
    command (/cmd@bot): in a group the bot speaks only when spoken to."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        name = f"@{bot.username}".lower()
        kinds: list[str | None] = [MessageEntityType.MENTION, MessageEntityType.BOT_COMMAND]
        found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
        return any(
            text.lower() == name
            if entity.type == MessageEntityType.MENTION
            else text.lower().endswith(name)
            for entity, text in found.items()
        )


FOR_ME = _ForMe(name="ForMe")


def strip_mention(text: str, username: str | None) -> str:
    """The question without the bot's @username ("@newsbot who won?" -> "who won?")."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.I)
    return text.strip()


def command_argument(message: Message) -> str:
    """What follows the /command, line breaks kept (context.args would lose them)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
