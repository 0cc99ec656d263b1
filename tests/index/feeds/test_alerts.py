"""Alerts: kept per subscriber, refused when empty, too long or too many; a story matches by
all the words in one sentence or by meaning; at most PER_HOUR sent an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from index.feeds.alerts import (
    MAX_ALERTS,
    PER_HOUR,
    Alert,
    AlertError,
    AlertStore,
    matches,
)
from index.ingest.articles import Article

NOW = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def story(title: str, *paragraphs: str) -> Article:
    return Article(key=title, title=title, paragraphs=paragraphs, source="Wire")


def test_alerts_are_kept_per_chat_and_survive_a_restart(tmp_path: Path) -> None:
    store = AlertStore(tmp_path)
    assert store.add("1", "port   strike") and not store.add("1", "Port Strike")
    assert store.add("2", "bridge")
    store.close()
    store = AlertStore(tmp_path)
    assert store.of("1") == [Alert("1", "port strike")]
    assert store.remove("1", "nothing") == 0 and store.remove("1", "PORT STRIKE") == 1
    assert store.remove("2", "all") == 1 and store.all() == []
    store.close()


def test_bad_alerts_are_refused(tmp_path: Path) -> None:
    store = AlertStore(tmp_path)
    with pytest.raises(AlertError, match="give the words"):
        store.add("1", "the of and")
    with pytest.raises(AlertError, match="at most 100"):
        store.add("1", "x" * 101)
    for n in range(MAX_ALERTS):
        store.add("1", f"topic{n}")
    with pytest.raises(AlertError, match="at most 10 alerts"):
        store.add("1", "one more")
    store.close()


def test_at_most_per_hour_are_sent(tmp_path: Path) -> None:
    store = AlertStore(tmp_path)
    for _ in range(PER_HOUR):
        assert store.may_send("1", NOW)
        store.sent("1", NOW)
    assert not store.may_send("1", NOW) and store.may_send("2", NOW)
    assert store.may_send("1", NOW + timedelta(minutes=61))
    store.close()


@pytest.mark.slow
def test_a_story_matches_by_its_words_or_its_meaning(real_embedder) -> None:
    strike = story(
        "Dockers walk out",
        "Dock workers in Mombasa walked out on Monday over pay. The port stood still.",
    )
    bridge = story("Council vote", "The council approved the new bridge by 7 votes to 2.")
    alerts = [Alert("1", "bridge council"), Alert("2", "dock workers strike"), Alert("3", "ski")]
    found = {
        (m.alert.subscriber, m.article.title): m.sentence
        for m in matches(alerts, [strike, bridge], real_embedder)
    }
    assert found[("1", "Council vote")].startswith("The council approved")
    assert found[("2", "Dockers walk out")].startswith("Dock workers in Mombasa walked out")
    assert not any(sub == "3" for sub, _ in found)
    assert ("1", "Dockers walk out") not in found
