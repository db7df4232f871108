"""Phone numbers, word for word (issue 20): the whole counterparty for each kind of input, the
phrases a withheld caller is written as, the refusals' own messages, and the default home
region.  Synthetic numbers."""

from __future__ import annotations

import pytest

from blockwatch import phones
from blockwatch.errors import InputError

NOTHING = {"e164": None, "region": None, "foreign": None, "valid": False, "number_type": None}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Номер  скрыт.", "номер скрыт"),
        ("Скрытый_номер", "скрытый номер"),
        ("  НЁМ-ЁЖ!! ", "нем еж"),
        ("No-caller-ID", "no caller id"),
        ("нөмір…жасырын", "нөмір жасырын"),
        ("...", ""),
    ],
)
def test_a_phrase_is_its_words_in_lower_case_one_space_apart(text: str, phrase: str) -> None:
    assert phones._phrase(text) == phrase


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Скрытый_номер", "private"),
        ("номер   СКРЫТ!", "private"),
        ("No caller-ID", "private"),
        ("Нөмір жасырын.", "private"),
        ("Неизвестный, номер", "unknown"),
        ("Pay phone", "payphone"),
        ("-3", "payphone"),
        ("-2", "private"),
        ("", "unknown"),
    ],
)
def test_a_withheld_caller_is_the_whole_counterparty(raw: str, kind: str) -> None:
    assert phones.counterparty(raw) == {
        **NOTHING,
        "raw": raw,
        "type": "withheld",
        "number_type": kind,
    }


def test_the_home_region_is_kazakhstan_when_none_is_given() -> None:
    assert phones.counterparty("87011234567") == phones.counterparty("87011234567", "KZ")
    assert phones.counterparty("+7 701 123 4567")["foreign"] is False
    assert phones.counterparty("112")["region"] == "KZ"


@pytest.mark.parametrize("raw", ["Kaspi 24", "Beeline2", "Bank-1", "Kaspi"])
def test_a_sender_name_with_or_without_digits_is_alphanumeric(raw: str) -> None:
    assert phones.counterparty(raw) == {**NOTHING, "raw": raw, "type": "alphanumeric"}


@pytest.mark.parametrize("raw", ["+++", "()", "-/-"])
def test_a_typed_string_of_neither_digits_nor_letters_is_refused_by_name(raw: str) -> None:
    with pytest.raises(InputError) as refused:
        phones.counterparty(raw)
    assert str(refused.value) == f"{raw!r} is neither a phone number nor a sender name"
    # an imported record keeps it, for what it is
    assert phones.counterparty(raw, strict=False) == {
        **NOTHING,
        "raw": raw,
        "type": "alphanumeric",
    }


def test_a_short_code_counts_its_digits_not_its_spaces() -> None:
    # five digits written nine characters long are a (not valid) short code, not a number
    assert phones.counterparty("1 1 2 3 4", strict=False) == {
        **NOTHING,
        "raw": "1 1 2 3 4",
        "type": "number",
        "region": "KZ",
        "foreign": False,
        "number_type": "short_code",
    }
    assert phones.counterparty("1-1-2") == {
        **NOTHING,
        "raw": "1-1-2",
        "type": "number",
        "region": "KZ",
        "foreign": False,
        "valid": True,
        "number_type": "short_code",
    }


def test_a_full_number_is_the_whole_counterparty() -> None:
    assert phones.counterparty("+44 7400 123456") == {
        "raw": "+44 7400 123456",
        "type": "number",
        "e164": "+447400123456",
        "region": "GB",
        "foreign": True,
        "valid": True,
        "number_type": "mobile",
    }
