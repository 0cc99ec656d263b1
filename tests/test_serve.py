"""`newsbot serve` as a real process against the fake Bot API: it starts, answers, and stops
cleanly on SIGINT; what a user can get wrong ends in one clear line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.surfaces import messages
from bot.surfaces.telegram.serve import run_bot
from tests.fake_bot_api import FakeBotApi, serve

NEWSBOT = Path(sys.executable).with_name("newsbot")  # the venv running these tests
STARTUP_TIMEOUT = 180.0  # torch and the model load on a busy machine


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = serve()
    yield server
    server.stop()


def newsbot_env(**settings: str) -> dict[str, str]:
    """The environment of this test run, but no NEWSBOT_* setting other than `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.update({f"NEWSBOT_{name.upper()}": value for name, value in settings.items()})
    return env


@pytest.mark.slow
def test_serve_answers_and_exits_cleanly_on_sigint(
    tmp_path: Path, corpus_settings: Settings, fake: FakeBotApi
) -> None:
    data = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    env = newsbot_env(
        telegram_token=fake.token,
        telegram_base_url=fake.base_url,
        data_dir=str(data),
        corpus_paths=str(tmp_path / "news"),
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:  # the child keeps its own handle
        bot = subprocess.Popen(
            [NEWSBOT, "--verbose", "serve"], cwd=tmp_path, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not fake.is_polling:
            assert bot.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the bot did not start polling:\n" + log.read_text()
            time.sleep(0.1)
        asked = fake.push_message(7, 7, "Who warned the US against troops in Central Asia?")
        [answer] = fake.wait_for_sync(chat_id=7, after=asked["message_id"], timeout=60)
        assert "Moscow" in answer.text or "Russia" in answer.text
        bot.send_signal(signal.SIGINT)
        assert bot.wait(30) == 0, log.read_text()
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    output = log.read_text()
    assert "newsbot answers as @newsbot_test_bot (long polling)" in output
    assert fake.token.split(":")[1] not in output  # the secret half of the token
    assert "Traceback" not in output
    assert [c["command"] for c in fake.commands()] == [c for c, _ in messages.BOT_COMMANDS]
    assert [c["command"] for c in fake.commands()][:3] == ["help", "ask", "new"]
    deadline = time.monotonic() + 5
    while fake.is_polling and time.monotonic() < deadline:  # the hung-up long poll
        time.sleep(0.05)
    fake.assert_no_rejections()


@pytest.mark.parametrize(
    ("arguments", "settings", "error"),
    [
        (["serve"], {}, "Error: NEWSBOT_TELEGRAM_TOKEN is not set"),
        (
            ["serve", "--webhook"],
            {"telegram_token": "123:abc"},
            "Error: --webhook needs NEWSBOT_WEBHOOK_URL",
        ),
    ],
)
def test_serve_misconfigured_says_so_in_one_line(
    tmp_path: Path, arguments: list[str], settings: dict[str, str], error: str
) -> None:
    env = newsbot_env(data_dir=str(tmp_path / "data"), **settings)
    result = subprocess.run(
        [NEWSBOT, *arguments], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(error)
    assert not (tmp_path / "data").exists()  # nothing was built or loaded first


@pytest.mark.slow
def test_a_token_telegram_rejects_is_one_line_without_the_token(
    tmp_path: Path, corpus_settings: Settings, fake: FakeBotApi
) -> None:
    wrong = "123456789:AAWrongTokenWrongTokenWrongToken123"
    data = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    settings = corpus_settings.model_copy(
        update={
            "data_dir": data,
            "telegram_token": SecretStr(wrong),
            "telegram_base_url": fake.base_url,
        }
    )
    with pytest.raises(click.ClickException) as caught:
        run_bot(settings)
    assert "Telegram rejected NEWSBOT_TELEGRAM_TOKEN" in caught.value.message
    assert wrong.split(":")[1] not in caught.value.message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
