"""Deadlines as the functions promise them: regions, the words of every language, clear errors.

(The mutation run of deadlines.py left these unpinned: a region argument dropped, a pattern
matched case-sensitively, a hint lost.)
"""

from __future__ import annotations

from datetime import date

import pytest

from blockwatch import deadlines
from blockwatch.errors import InputError


def test_working_days_follow_the_region_given() -> None:
    thursday = date(2026, 6, 11)  # 12 June is Russia Day, a working day in Kazakhstan
    assert deadlines.add_working_days(thursday, 1, "KZ") == date(2026, 6, 12)
    assert deadlines.add_working_days(thursday, 1, "RU") == date(2026, 6, 15)
    assert deadlines.due_after(thursday, "1 working day", "RU") == date(2026, 6, 15)
    assert deadlines.due_after(thursday, "1 working day", "KZ") == date(2026, 6, 12)


def test_the_default_region_is_kazakhstan() -> None:
    thursday = date(2026, 6, 11)
    assert deadlines.add_working_days(thursday, 1) == date(2026, 6, 12)
    assert deadlines.due_after(thursday, "1 working day") == date(2026, 6, 12)
    assert deadlines.is_working_day(date(2026, 12, 16)) is False  # Independence Day


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("5 Working Days", (5, "working_days")),
        ("5 РАБОЧИХ ДНЕЙ", (5, "working_days")),
        ("5 Жұмыс Күні", (5, "working_days")),
        ("30 Days", (30, "days")),
        ("2 WEEKS", (2, "weeks")),
        ("1 Ай", (1, "months")),
        ("1 Месяц", (1, "months")),
        # numbers in words (issue 11)
        ("five working days", (5, "working_days")),
        ("пять рабочих дней", (5, "working_days")),
        ("в течение пяти рабочих дней", (5, "working_days")),
        ("бес жұмыс күні", (5, "working_days")),
        ("тридцать дней", (30, "days")),
        ("отыз күн", (30, "days")),
        ("twenty-one days", (21, "days")),
        ("он бес күн", (15, "days")),
        ("a month", (1, "months")),
        ("бір ай", (1, "months")),
        ("two weeks", (2, "weeks")),
    ],
)
def test_periods_are_read_in_any_case_and_in_words(phrase: str, period: tuple[int, str]) -> None:
    assert deadlines.parse_period(phrase) == period


@pytest.mark.parametrize("phrase", ["five", "пять рабочих", "0 days", "many days", "5 days later"])
def test_a_period_with_a_word_left_over_is_refused(phrase: str) -> None:
    with pytest.raises(InputError, match="cannot read the period"):
        deadlines.parse_period(phrase)


def test_a_period_stops_below_a_thousand() -> None:
    assert deadlines.parse_period("999 days") == (999, "days")
    with pytest.raises(InputError, match="cannot read the period '1000 days'"):
        deadlines.parse_period("1000 days")


def test_an_unreadable_period_is_named_with_examples_of_what_works() -> None:
    with pytest.raises(InputError) as info:
        deadlines.parse_period("soon-ish")
    assert info.value.message == "cannot read the period 'soon-ish'"
    assert info.value.hint == (
        "write e.g. '5 working days', '30 days', '2 weeks', '1 month' "
        "('5 рабочих дней', '30 дней', '1 месяц'; '5 жұмыс күні', '30 күн', '1 ай')"
    )
