"""Conversation state per chat, kept in SQLite so follow-ups survive a restart."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import sqlite_utils

from bot.answering import Turn

KEEP_TURNS = 5  # follow-ups lean on the last few exchanges, not the whole history


class ConversationStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the bot's worker threads, serialised by a lock.
        self.db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False))
        self.db.execute("pragma journal_mode = wal")
        self._lock = threading.Lock()
        if not self.db.table("turns").exists():
            self.db.table("turns").create(
                {
                    "id": int,
                    "conversation": str,
                    "question": str,
                    "resolved_question": str,
                    "answer_text": str,
                    "at": float,
                },
                pk="id",
            )
            self.db.table("turns").create_index(["conversation", "id"])

    def history(self, conversation: str, limit: int = KEEP_TURNS) -> list[Turn]:
        with self._lock:
            rows = self.db.execute(
                "select question, resolved_question, answer_text from turns "
                "where conversation = ? order by id desc limit ?",
                [conversation, limit],
            ).fetchall()
        return [Turn(*row) for row in reversed(rows)]

    def append(self, conversation: str, turn: Turn) -> None:
        with self._lock, self.db.conn:
            self.db.table("turns").insert(
                {
                    "conversation": conversation,
                    "question": turn.question,
                    "resolved_question": turn.resolved_question,
                    "answer_text": turn.answer_text,
                    "at": time.time(),
                }
            )

    def reset(self, conversation: str) -> None:
        with self._lock, self.db.conn:
            self.db.execute("delete from turns where conversation = ?", [conversation])

    def close(self) -> None:
        self.db.close()
