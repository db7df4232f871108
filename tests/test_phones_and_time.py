"""Phone numbers (docs/IMPORT-FORMATS.md section 6) and times (docs/DESIGN.md "Time"). Synthetic numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blockwatch import phones, when
from blockwatch.errors import InputError


@pytest.mark.parametrize(
    ("raw", "type_", "e164", "region", "foreign"),
    [
        ("+12025550143", "number", "+12025550143", "US", True),
        ("+1 (202) 555-0143", "number", "+12025550143", "US", True),
        ("0044 7700 900123", "number", "+447700900123", "GB", True),
        ("87011234567", "number", "+77011234567", "KZ", False),  # national 8 701 form
        ("+7 777 000 1122", "number", "+77770001122", "KZ", False),
        ("\u200e+7\u202f777\u00a0000 1122\u202c", "number", "+77770001122", "KZ", False),
        ("+7 760 000 0000", "number", "+77600000000", "KZ", False),  # +7 7xx is KZ even if invalid
        ("+79161234567", "number", "+79161234567", "RU", True),
        ("+7 800 000 00 00", "number", "+78000000000", "RU", True),
        ("+7 012 345 67 89", "number", "+70123456789", None, None),  # +7 0… has no region
        ("", "withheld", None, None, None),
        ("-1", "withheld", None, None, None),
        ("-2", "withheld", None, None, None),
        ("-3", "withheld", None, None, None),
        ("Withheld", "withheld", None, None, None),
        ("Kaspi.kz", "alphanumeric", None, None, None),
        ("@someone", "handle", None, None, None),
    ],
)
def test_counterparty(
    raw: str, type_: str, e164: str | None, region: str | None, foreign: bool | None
) -> None:
    c = phones.counterparty(raw, "KZ", strict=False)
    assert (c["type"], c["e164"], c["region"], c["foreign"]) == (type_, e164, region, foreign)
    assert c["raw"] == raw


def test_short_codes_never_become_bogus_numbers() -> None:
    c = phones.counterparty("112", "KZ")
    assert c["e164"] is None and c["number_type"] == "short_code" and c["valid"] is True
    c = phones.counterparty("1414", "KZ", strict=False)
    assert c["e164"] is None and c["valid"] is False
    with pytest.raises(InputError):
        phones.counterparty("1414", "KZ")


def test_foreign_is_relative_to_home_region() -> None:
    assert phones.counterparty("+79161234567", "RU")["foreign"] is False
    assert phones.counterparty("+77011234567", "RU")["foreign"] is True


@pytest.mark.parametrize("raw", ["+999 12", "12", "+1 555", "+"])
def test_impossible_numbers_refused_when_typed(raw: str) -> None:
    with pytest.raises(InputError):
        phones.counterparty(raw, "KZ")


NOW = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("yesterday 19:04", "2026-07-04T19:04:00+05:00"),
        ("вчера в 19:04", "2026-07-04T19:04:00+05:00"),
        ("кеше 19:04", "2026-07-04T19:04:00+05:00"),
        ("2 hours ago", "2026-07-05T09:00:00+05:00"),
        ("2026-07-04", "2026-07-04T00:00:00+05:00"),
        ("2026-07-04T21:05:09Z", "2026-07-05T02:05:09+05:00"),
    ],
)
def test_natural_and_iso_times(phrase: str, expected: str) -> None:
    assert (
        when.format_instant(when.parse_when(phrase, "Asia/Almaty", NOW), "Asia/Almaty") == expected
    )


def test_almaty_offset_is_not_fixed() -> None:
    """Asia/Almaty was UTC+6 until 1 March 2024 and is UTC+5 since: the zone rule decides."""
    early = when.parse_when("2023-07-04 12:00", "Asia/Almaty", NOW)
    late = when.parse_when("2025-07-04 12:00", "Asia/Almaty", NOW)
    assert early.utcoffset().total_seconds() == 6 * 3600  # type: ignore[union-attr]
    assert late.utcoffset().total_seconds() == 5 * 3600  # type: ignore[union-attr]


def test_future_and_nonsense_times_refused() -> None:
    with pytest.raises(InputError, match="future"):
        when.parse_when("tomorrow 10:00", "Asia/Almaty", NOW)
    with pytest.raises(InputError, match="cannot read"):
        when.parse_when("when pigs fly", "Asia/Almaty", NOW)
    with pytest.raises(InputError, match="time zone"):
        when.parse_when("2026-07-04", "Nowhere/City", NOW)


@pytest.mark.parametrize(
    ("seconds", "lang", "said"),
    [
        (168 * 60, "ru", "2 часа 48 минут"),
        (71 * 60, "ru", "1 час 11 минут"),
        (5 * 3600, "ru", "5 часов"),
        (21 * 60, "ru", "21 минута"),
        (95, "ru", "1 минута 35 секунд"),
        (3600 + 30, "ru", "1 час"),  # seconds are said under an hour only
        (2 * 86400 + 3 * 3600, "ru", "2 дня 3 часа"),
        (0, "ru", "0 секунд"),
        (168 * 60, "kk", "2 сағат 48 минут"),
        (168 * 60, "en", "2 hours 48 minutes"),
        (60, "en", "1 minute"),
    ],
)
def test_one_formatter_says_every_interval_exactly_with_its_plural(
    seconds: int, lang: str, said: str
) -> None:
    """Issue 15, item 5: the same interval reads the same in stats, the report and the letters
    (it was "2 ч 48 мин", "168 мин." and "3 часа")."""
    from blockwatch import when

    assert when.interval(seconds, lang=lang) == said
