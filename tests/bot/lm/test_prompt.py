"""The reader's prompt is data: filled in for one window, and its "not stated" recognised."""

from __future__ import annotations

from bot.lm.prompt import load_prompt


def test_the_prompt_puts_the_fixed_instructions_first() -> None:
    prompt = load_prompt()
    first = prompt.messages("Who won?", "Vote count ends", "2023-01-05", "Jones won the seat.")
    second = prompt.messages("Who lost?", "Another story", "", "Smith lost.")
    # The system message never changes, so the runtime reuses its KV cache.
    assert first[0] == second[0] and first[0].role == "system"
    assert "not stated" in first[0].content
    user = first[1].content
    assert '"Vote count ends" (2023-01-05)' in user and "Jones won the seat." in user
    assert user.rstrip().endswith("Question: Who won?")
    assert "()" not in second[1].content  # no date: no empty brackets


def test_not_stated_is_recognised_however_it_is_said() -> None:
    prompt = load_prompt()
    for reply in ("not stated", "Not stated.", ' "not stated" ', "NOT STATED!"):
        assert prompt.declines(reply), reply
    for reply in ("Jones", "stated in 2020", ""):
        assert not prompt.declines(reply), reply
