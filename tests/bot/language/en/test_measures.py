"""What a "how much" question measures, and whether a span carries its unit."""

from __future__ import annotations

from bot.language.en.measures import Measure, carries, measure_asked


def test_how_much_asks_for_money_or_weight_by_its_words() -> None:
    assert measure_asked("How much did the team's robot cost to build?") == Measure.MONEY
    assert measure_asked("How much prize money did Immortals take home?") == Measure.MONEY
    assert measure_asked("How much in back taxes did Livorno demand?") == Measure.MONEY
    assert measure_asked("How much did the crane that fell weigh?") == Measure.WEIGHT
    assert measure_asked("How much rain fell in Paris?") is None  # no measure it knows
    assert measure_asked("How many people were injured?") is None


def test_a_sum_names_its_currency_and_a_weight_its_unit() -> None:
    for sum_ in ("US$ 20,000", "NZ $ 26 million", "422,000 euros", "£5", "3 million yuan"):
        assert carries(sum_, Measure.MONEY), sum_
    for bare in ("three", "238", "26 million", "Mecca"):
        assert not carries(bare, Measure.MONEY), bare
    assert carries("30 tonnes", Measure.WEIGHT) and carries("200kg", Measure.WEIGHT)
    assert not carries("238", Measure.WEIGHT) and not carries("Tonnes of rubble", Measure.WEIGHT)
