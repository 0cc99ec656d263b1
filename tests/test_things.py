"""Things, not names, as answers: "which color" -> "purple" (bot.language.en.things)."""

from __future__ import annotations

import pytest

from bot.language.en.things import best_thing, kind_member, thing_candidates, thing_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which seed did the FDA recently add to its list of allergens?", "seed"),
        ("People showed their support by wearing which color?", "color"),
        ("A salmonella outbreak was linked to which cooking ingredient?", "cooking ingredient"),
        ("Which type of bright celestial display will be visible?", "bright celestial display"),
        ("Which animal escaped from the zoo?", "animal"),
        ("which colour", "colour"),
        ("More than 30,000 pounds of which food product were recalled?", "food product"),
        (
            "The UK's bees are in danger from which invasive species, says a report?",
            "invasive species",
        ),
        # Kinds that names have: a chain, a company, a team.
        ("Which fast food chain is closing its first restaurant?", None),
        ("Which drink company is receiving criticism?", None),
        ("Which team won the Super Bowl?", None),
        # A brand's kind asks for names; "which of these" for one of a list.
        ("Which Apple products were recalled?", None),
        ("Which of these animals is the fastest?", None),
    ],
)
def test_the_kind_of_thing_a_question_asks_for(question: str, kind: str | None) -> None:
    assert thing_kind(question) == kind


def test_candidates_are_new_content_words_and_their_pairs() -> None:
    question = "Scientists found microbes that can eat which material?"
    sentence = "Scientists discovered microbes that digest biodegradable plastics quickly."
    found = thing_candidates(sentence, question)
    assert "biodegradable plastics" in found and "plastics" in found
    # Not the question's words, verb forms or adverbs, nor class words such as "products".
    assert not {"Scientists", "microbes", "discovered", "quickly"} & set(found)
    assert "products" not in thing_candidates("Recalled products were sold.", "Which seed?")
    # Short words are no verb forms ("red"); possessives are cut; accents and digits are kept.
    found = thing_candidates("Fans wore red to the snake’s café over H5N1.", "Which color?")
    assert {"red", "snake", "café", "H5N1"} <= set(found)


def test_a_word_before_the_kind_word_is_a_member_of_the_kind() -> None:
    question = "Which seed did the FDA add to its list of major food allergens?"
    sentence = "The FDA has been reviewing whether to put sesame seeds on the list."
    assert kind_member("seed", sentence, question) == "sesame seeds"
    # Not a word that says which one ("third animal") or one the question uses.
    assert (
        kind_member("animal", "This is the third animal named after him.", "Which animal?") is None
    )
    # Only the kind word itself, after a lower-case content word: not "western Colorado" or
    # "brightly colored" for "which color", nor "affected product".
    assert kind_member("color", "In western Colorado, brightly colored.", "Which color?") is None
    assert kind_member("product", "The affected product was sold.", "Which product?") is None


def test_a_thing_replaces_the_name_only_when_it_fits_the_kind_clearly_better() -> None:
    # "purple" for "which color" over the name "Thousands".
    assert best_thing(["Wear", "purple"], [0.4, 0.75], 0.27, "Thousands") == "purple"
    # Too far from the kind, or not far enough ahead of the name: the name stays.
    assert best_thing(["cooked"], [0.45], 0.1, "General Mills") is None
    assert best_thing(["apples"], [0.72], 0.66, "Strawberries") is None
    # A word of the name is no other answer ("Shepherd" of "German Shepherd"): the next
    # candidate is, if it fits well enough; a word inside a word is not ("rat" in "Pirates").
    assert best_thing(["Shepherd", "dog"], [0.66, 0.3], 0.52, "German Shepherd") is None
    assert best_thing(["Shepherd", "dog"], [0.7, 0.65], 0.3, "German Shepherd") == "dog"
    assert best_thing(["rat"], [0.7], 0.2, "Pirates") == "rat"
    assert best_thing([], [], 0.2, "Thousands") is None
