"""All of newsbot's settings: the engine's, plus answering and the Telegram bot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index.config import IndexSettings, split_csv

TELEGRAM_API = "https://api.telegram.org/bot"
# The reader's weights as the repository ships them (models/ beside bot/).
READER_WEIGHTS = Path(__file__).resolve().parent.parent / "models" / "reader" / "reader.safetensors"


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
    reader: bool = Field(
        True,
        description=(
            "Answer with newsbot's trained reader (models/reader/); false: by the English "
            "rules alone."
        ),
    )
    reader_weights: Path = Field(
        READER_WEIGHTS, description="The reader's trained weights (a safetensors file)."
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

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        return split_csv(value)
