"""All of newsbot's settings: the engine's, plus answering and the Telegram bot."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from bot.lm.weights import DEFAULT_MODEL_PATH
from index.config import IndexSettings, split_csv

TELEGRAM_API = "https://api.telegram.org/bot"
# The reader's weights as the repository ships them (models/ beside bot/).
READER_WEIGHTS = Path(__file__).resolve().parent.parent / "models" / "reader" / "reader.safetensors"


class ReaderKind(StrEnum):
    """Who reads the evidence for the short answer."""

    LM = "lm"  # the language model (best answers; ~2-3 s a question on two cores)
    MINILM = "minilm"  # newsbot's trained MiniLM span reader (~0.2 s)
    RULES = "rules"  # the English rules alone


# NEWSBOT_READER was a switch before the language model: true was the MiniLM reader.
_OLD_SWITCH = {"true": "minilm", "1": "minilm", "yes": "minilm", "on": "minilm"} | {
    "false": "rules",
    "0": "rules",
    "no": "rules",
    "off": "rules",
}


class Settings(IndexSettings):
    """Read once in main() and passed down; every field is a NEWSBOT_* environment variable."""

    # Answering
    top_k: int = Field(
        10, ge=1, le=50, description="Ranked passages returned with each answer (and to eval)."
    )
    passage_chars: int = Field(
        2000,
        ge=0,
        le=2000,
        description=(
            "Each ranked passage is the matched chunk widened by whole neighbouring paragraphs "
            "up to this many characters (0: the chunk alone)."
        ),
    )
    reader: ReaderKind = Field(
        ReaderKind.LM,
        description=(
            "Who reads the evidence: lm (the language model, models/lm/), minilm (newsbot's "
            "trained reader, models/reader/: fast) or rules (the English rules alone)."
        ),
    )
    reader_weights: Path = Field(
        READER_WEIGHTS, description="The MiniLM reader's trained weights (a safetensors file)."
    )
    lm_model: Path = Field(
        DEFAULT_MODEL_PATH,
        description="The language model's GGUF file (written by `newsbot model install`).",
    )
    lm_window_words: int = Field(
        150,
        ge=20,
        le=600,
        description=(
            "Words of evidence the language model reads at a time; fewer answer faster (its "
            "time grows with the words it reads) and see less."
        ),
    )
    lm_threads: int | None = Field(
        None, ge=1, description="CPU threads the language model uses (default: every core)."
    )
    lm_queue: int = Field(
        2,
        ge=0,
        description=(
            "Questions that may wait while the language model reads another (the Telegram "
            "bot); one asked past that is answered at once by the MiniLM reader, and says so "
            "(0: every question waits)."
        ),
    )
    max_question_chars: int = Field(
        1000, ge=10, description="Longer questions are refused with a message."
    )

    # Telegram
    telegram_token: SecretStr | None = Field(
        None, description="Bot token from @BotFather. Never logged."
    )
    telegram_base_url: str = Field(
        TELEGRAM_API,
        description="Bot API base URL (PTB's base_url); set it for a self-hosted Bot API server.",
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Telegram user ids allowed to run admin commands, comma-separated.",
    )
    rate_limit_count: int = Field(
        10, ge=1, description="Messages a user may send the bot per rate-limit window."
    )
    rate_limit_seconds: float = Field(60.0, gt=0, description="Length of the rate-limit window.")
    feed_check_seconds: float = Field(
        60.0,
        gt=0,
        description="How often the running bot looks for followed feeds that are due a poll.",
    )
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on.")
    webhook_port: int = Field(8443, description="Port the webhook server listens on.")
    webhook_url: str = Field("", description="Public HTTPS URL Telegram posts updates to.")

    @field_validator("reader", mode="before")
    @classmethod
    def _old_switch(cls, value: object) -> object:
        return _OLD_SWITCH.get(value.strip().lower(), value) if isinstance(value, str) else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        return split_csv(value)
