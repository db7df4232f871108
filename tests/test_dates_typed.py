"""Dates and times typed by people (issue 11): read as the person meant them, or refused.

A journalist in Almaty writes 04.07.2026 for 4 July, "кеше сағат 19:10" for yesterday at 19:10
and "вчера в 7 вечера" for yesterday at 19:00.  Every number and word of a phrase must be used;
a day without a time, a number whose role is unclear, a date impossible in the region's order
are refused with a hint -- never flipped, never dropped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blockwatch import i18n, numerals, when
from blockwatch.env import Env
from blockwatch.errors import InputError

from .conftest import make_env, run_cli, snapshot

NOW = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)  # Sunday 5 July 2026, 11:00 in Almaty
ZONE = "Asia/Almaty"


def read(phrase: str, order: str | None = None, region: str = "KZ") -> str:
    return when.parse_when(phrase, ZONE, NOW, order=order, region=region).isoformat()


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # numeric dates, day first (Kazakhstan, Russia)
        ("04.07.2026 20:41", "2026-07-04T20:41:00+05:00"),
        ("04/07/2026 20:41", "2026-07-04T20:41:00+05:00"),
        ("04.07.2026", "2026-07-04T00:00:00+05:00"),
        ("04.07.2026 в 20:41", "2026-07-04T20:41:00+05:00"),
        ("04.07.26 20:41", "2026-07-04T20:41:00+05:00"),
        ("05.07 10:00", "2026-07-05T10:00:00+05:00"),
        ("4.7.2026 8:05", "2026-07-04T08:05:00+05:00"),
        # an hour said with сағат, a Kazakh case ending, a part of the day
        ("кеше сағат 19:10", "2026-07-04T19:10:00+05:00"),
        ("бүгін сағат 07:15", "2026-07-05T07:15:00+05:00"),
        ("кеше 19:10-да", "2026-07-04T19:10:00+05:00"),
        ("кеше кешкі сағат 7-де", "2026-07-04T19:00:00+05:00"),
        ("вчера в 7 вечера", "2026-07-04T19:00:00+05:00"),
        ("вчера в 11 ночи", "2026-07-04T23:00:00+05:00"),
        ("вчера в 2 часа ночи", None),  # "часа" is not a part of this grammar: refused below
        ("вчера в 3 дня", "2026-07-04T15:00:00+05:00"),
        ("вчера в 19.10", "2026-07-04T19:10:00+05:00"),
        ("yesterday at 7pm", "2026-07-04T19:00:00+05:00"),
        ("yesterday at 7:30 p.m.", "2026-07-04T19:30:00+05:00"),
        ("yesterday 12am", "2026-07-04T00:00:00+05:00"),
        ("yesterday 12 pm", "2026-07-04T12:00:00+05:00"),
        # the day before yesterday
        ("позавчера в 21:00", "2026-07-03T21:00:00+05:00"),
        ("алдыңғы күні 21:00", "2026-07-03T21:00:00+05:00"),
        # a dotted pair after a named date is its time; a Kazakh case makes a number an hour
        ("4 July 19.10", "2026-07-04T19:10:00+05:00"),
        ("кеше 7-де", "2026-07-04T07:00:00+05:00"),
        # a year that is said is the year, not the last such day
        ("4 July 2025 10:00", "2025-07-04T10:00:00+05:00"),
        ("2025/07/04 10:00", "2025-07-04T10:00:00+05:00"),
        ("04.07.2025 10:00", "2025-07-04T10:00:00+05:00"),
        ("04.07.25 10:00", "2025-07-04T10:00:00+05:00"),
        ("the day before yesterday 21:00", "2026-07-03T21:00:00+05:00"),
        # month names in the three languages, and their forms
        ("4 шілдеде 20:41", "2026-07-04T20:41:00+05:00"),
        ("4 шілде 2026 20:41", "2026-07-04T20:41:00+05:00"),
        ("2026 жылғы 4 шілде 20:41", "2026-07-04T20:41:00+05:00"),
        ("5 июля в 10 утра", "2026-07-05T10:00:00+05:00"),
        ("4 июля 2026 г. 20:41", "2026-07-04T20:41:00+05:00"),
        ("4 июль 20:41", "2026-07-04T20:41:00+05:00"),
        ("4 сент. 20:41", "2025-09-04T20:41:00+05:00"),  # the last 4 September: a year ago
        ("July 4, 2026 8:41 pm", "2026-07-04T20:41:00+05:00"),
        ("4th July 2026 20:41", "2026-07-04T20:41:00+05:00"),
        ("Jul 4 20:41", "2026-07-04T20:41:00+05:00"),
        # a while ago, in digits or words
        ("3 hours ago", "2026-07-05T08:00:00+05:00"),
        ("two hours ago", "2026-07-05T09:00:00+05:00"),
        ("an hour ago", "2026-07-05T10:00:00+05:00"),
        ("два часа назад", "2026-07-05T09:00:00+05:00"),
        ("час назад", "2026-07-05T10:00:00+05:00"),
        ("15 минут назад", "2026-07-05T10:45:00+05:00"),
        ("екі сағат бұрын", "2026-07-05T09:00:00+05:00"),
        ("2 күн бұрын", "2026-07-03T11:00:00+05:00"),
        ("now", "2026-07-05T11:00:00+05:00"),
        ("қазір", "2026-07-05T11:00:00+05:00"),
    ],
)
def test_phrases_people_write_are_read_as_meant(phrase: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(InputError):
            read(phrase)
    else:
        assert read(phrase) == expected


def test_numeric_dates_follow_the_home_regions_order() -> None:
    assert when.date_order("KZ") == "dmy"
    assert when.date_order("RU") == "dmy"
    assert when.date_order("GB") == "dmy"
    assert when.date_order("US") == "mdy"
    assert when.date_order("CA") is None  # writes the year first: ambiguous days are refused
    assert when.date_order("KZ", "mdy") == "mdy"  # --date-order wins
    kz = read("04.07.2026", region="KZ")
    assert kz == read("07/04/2026", region="US") == "2026-07-04T00:00:00+05:00"
    assert read("07/04/2026", "dmy", region="US") == "2026-04-07T00:00:00+05:00"  # overridden
    assert read("2026/07/04 10:00", region="US") == "2026-07-04T10:00:00+05:00"  # year first


@pytest.mark.parametrize(
    ("phrase", "order", "said"),
    [
        ("31.02.2026", "dmy", "'31.02.2026' is not a date when read day first"),
        ("31.02.2026", "mdy", "'31.02.2026' is not a date when read month first"),
        ("13/25/2026", "dmy", "'13/25/2026' is not a date when read day first"),
        ("13/25/2026", "mdy", "'13/25/2026' is not a date when read month first"),
        ("13/25/2026", when.ANY_ORDER, "'13/25/2026' is not a date, read day first or month"),
        # possible only the other way round: refused, never flipped
        ("07/25/2026", "dmy", "'07/25/2026' is not a date when read day first"),
        ("25/07/2026", "mdy", "'25/07/2026' is not a date when read month first"),
        ("04/07/2026", None, "'04/07/2026' can be read day first or month first"),
        ("2026-02-30 10:00", "dmy", "'2026-02-30' is not a date"),
    ],
)
def test_a_date_impossible_in_its_order_is_refused(phrase: str, order: str, said: str) -> None:
    with pytest.raises(InputError) as info:
        read(phrase, order, region="CA")  # no order given: Canada's, which writes the year first
    assert info.value.message.startswith(said), info.value.message
    assert info.value.hint


def test_an_unambiguous_date_is_read_where_the_year_comes_first() -> None:
    assert read("25/06/2026 10:00", region="CA") == "2026-06-25T10:00:00+05:00"
    assert read("04/04/2026 10:00", region="CA") == "2026-04-04T10:00:00+05:00"  # either way


# The hints, word for word: a refusal is only useful if it says how to write it.
NO_TIME = "add the time, e.g. 'yesterday 19:04', 'вчера в 19:04', 'кеше 19:04'"
UNCLEAR_NUMBER = (
    "write a time with its minutes (19:00) and a date with its month (4 July, 04.07.2026)"
)
DATE_OR_TIME = "write 19:10 for a time, or 19.10.2026 for a date"
PERIOD = "write the time as 19:00, or e.g. '7 вечера', '7pm', 'кешкі 7-де'"
READABLE = "use ISO 8601 (2026-07-04 21:05, 2026-07-04T21:05+05:00) or a phrase such as 'yesterday 19:04', 'вчера в 7 вечера', 'кеше сағат 19:10'"
CLOCK = "hours go from 00 to 23 and minutes from 00 to 59, e.g. 'yesterday 19:04'"
ORDER = "check the numbers: the order follows the vault's home region, and --date-order dmy or mdy changes it"
CALENDAR = "check the day and the month, e.g. 04.07.2026 or 2026-07-04"


@pytest.mark.parametrize(
    ("phrase", "message", "hint"),
    [
        ("вчера вечером", "'вчера вечером' does not say at what time", NO_TIME),
        ("yesterday evening", "'yesterday evening' does not say at what time", NO_TIME),
        ("кеше", "'кеше' does not say at what time", NO_TIME),
        ("yesterday", "'yesterday' does not say at what time", NO_TIME),
        ("вчера 7", "cannot tell what '7' is in 'вчера 7'", UNCLEAR_NUMBER),
        ("04.07.2026 7", "cannot tell what '7' is in '04.07.2026 7'", UNCLEAR_NUMBER),
        ("19.10", "'19.10' can be a date or a time", DATE_OR_TIME),
        ("вчера в 19 утра", "19:00 does not go with 'утра'", PERIOD),
        (
            "вчера в 5 вечера утра",
            "'вчера в 5 вечера утра' gives more than one date or time",
            READABLE,
        ),
        (
            "вчера 04.07.2026 10:00",
            "'вчера 04.07.2026 10:00' gives more than one date or time",
            READABLE,
        ),
        ("вчера 10:00 11:00", "'вчера 10:00 11:00' gives more than one date or time", READABLE),
        (
            "4 juillet 20:41",
            "cannot read '4 juillet 20:41' as a date and time: 'juillet' is not understood",
            READABLE,
        ),
        (
            "вчера около 19:00",
            "cannot read 'вчера около 19:00' as a date and time: 'около' is not understood",
            READABLE,
        ),
        (
            "в прошлый понедельник 19:00",
            "cannot read 'в прошлый понедельник 19:00' as a date and time: 'прошлый' is not understood",
            READABLE,
        ),
        (
            "2026 19:00",
            "cannot read '2026 19:00' as a date and time: '2026' is not understood",
            READABLE,
        ),
        (
            "июля 20:41",
            "cannot read 'июля 20:41' as a date and time: 'июля 20:41' is not understood",
            READABLE,
        ),
        (
            "4 июля 2026 2025 20:41",
            "'4 июля 2026 2025 20:41' gives more than one date or time",
            READABLE,
        ),
        (
            "two weeks and a day ago",
            "cannot read 'two weeks and a day ago' as a date and time: 'two weeks and a day' is not understood",
            READABLE,
        ),
        ("yesterday 25:30", "25:30 is not a time of day", CLOCK),
        ("сегодня 10:61", "10:61 is not a time of day", CLOCK),
        ("4 July 5 July 10:00", "'4 July 5 July 10:00' gives more than one date or time", READABLE),
        ("04.07 05.07 10:00", "'04.07 05.07 10:00' gives more than one date or time", READABLE),
        ("вчера 19.10 20:41", "'19.10' can be a date or a time", DATE_OR_TIME),
        ("19.10 4 July 20:41", "'19.10 4 July 20:41' gives more than one date or time", READABLE),
        ("32.13 20:41", "'32.13' is not a date when read day first (day.month.year)", ORDER),
        ("вчера в 25.10", "25.10 is not a time of day", CLOCK),
        (
            "4th 20:41",
            "cannot read '4th 20:41' as a date and time: '4' is not understood",
            READABLE,
        ),
        ("вчера 4 July 20:41", "'вчера 4 July 20:41' gives more than one date or time", READABLE),
        ("31 February 10:00", "'31 February 10:00' is not a date", CALENDAR),
        ("вчера в 25 вечера", "25 is not a time of day", CLOCK),
        (
            "13/25/2026 10:00",
            "'13/25/2026' is not a date when read day first (day.month.year)",
            ORDER,
        ),
        ("2026/02/30 10:00", "'2026/02/30' is not a date", CALENDAR),
    ],
)
def test_a_word_or_number_left_over_is_refused_not_dropped(
    phrase: str, message: str, hint: str
) -> None:
    with pytest.raises(InputError) as info:
        read(phrase)
    assert (info.value.message, info.value.hint) == (message, hint)


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        (
            "2026/07 10:00",
            "cannot read '2026/07 10:00' as a date and time: '2026/07' is not understood",
        ),
        (
            "04.07.202 10:00",
            "cannot read '04.07.202 10:00' as a date and time: '04.07.202' is not understood",
        ),
    ],
)
def test_a_numeric_date_with_a_part_missing_or_too_long_is_named(phrase: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read(phrase)
    assert (info.value.message, info.value.hint) == (message, READABLE)


def test_where_the_year_comes_first_a_day_and_month_that_could_be_either_are_refused() -> None:
    assert when.date_order("SE") is None and when.date_order(None) == "dmy"
    with pytest.raises(InputError) as info:
        read("04.07.2026 10:00", region="SE")
    assert info.value.message == "'04.07.2026' can be read day first or month first"
    assert info.value.hint == "write it as 2026-07-04, or give --date-order dmy or mdy"
    assert read("25.06.2026 10:00", region="SE") == "2026-06-25T10:00:00+05:00"


def test_a_day_without_a_year_is_counted_from_the_vaults_date_not_utcs() -> None:
    # 12:00 UTC on 4 July is 02:00 on 5 July in Kiritimati (UTC+14)
    now = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)
    got = when.parse_when("5 July 01:00", "Pacific/Kiritimati", now, region="KZ")
    assert got.isoformat() == "2026-07-05T01:00:00+14:00"


def test_29_february_said_on_29_february_is_that_day() -> None:
    now = datetime(2028, 2, 29, 6, 0, tzinfo=UTC)
    got = when.parse_when("29 February 10:00", ZONE, now, region="KZ")
    assert got.isoformat() == "2028-02-29T10:00:00+05:00"


def test_an_unknown_date_order_is_refused_with_the_two_it_knows() -> None:
    with pytest.raises(InputError) as info:
        when.check_order("ydm")
    assert info.value.message == "unknown date order 'ydm'"
    assert info.value.hint == "use dmy (04.07.2026 is 4 July) or mdy (07/04/2026 is 4 July)"


def test_a_date_without_a_year_is_the_last_one_up_to_today() -> None:
    assert read("05.07 10:00") == "2026-07-05T10:00:00+05:00"
    assert read("06.07 10:00").startswith("2025-07-06")  # tomorrow's date: last year's
    assert read("29.02 10:00").startswith("2024-02-29T10:00")  # the last 29 February
    with pytest.raises(InputError, match="in the future"):
        read("05.07 11:30")  # today, but later than now


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "4 July 2026, 20:41 (UTC+05:00)"),
        ("ru", "4 июля 2026, 20:41 (UTC+05:00)"),
        ("kk", "4 шілде 2026, 20:41 (UTC+05:00)"),
    ],
)
def test_the_stored_instant_is_said_in_words(lang: str, expected: str) -> None:
    i18n.use(lang)
    assert when.spoken(datetime.fromisoformat("2026-07-04T15:41:00Z"), ZONE) == expected
    seconds = when.spoken(datetime.fromisoformat("2023-07-04T20:41:09+06:00"))
    assert seconds.endswith("20:41:09 (UTC+06:00)")


def test_number_words_compose_and_stop_at_the_number() -> None:
    assert numerals.leading_number("twenty one days") == (21, " days")
    assert numerals.leading_number("жиырма бір күн") == (21, " күн")
    assert numerals.leading_number("двадцать дней") == (20, " дней")
    assert numerals.leading_number("он күн") == (10, " күн")
    assert numerals.leading_number("days") is None


# ------------------------------------------------------------------------------ on the command line


def test_log_reads_the_kz_order_and_says_the_day_in_words(vault_env: Env) -> None:
    done = run_cli(
        vault_env, "--lang", "ru", "log", "call", "+77012345678", "--at", "04.07.2026 20:41"
    )
    assert done.code == 0, done.err
    assert "4 июля 2026, 20:41 (UTC+05:00)" in done.out
    shown = json.loads(run_cli(vault_env, "show", "1", "--json").out)
    assert shown["occurred_at"] == "2026-07-04T20:41:00+05:00"


def test_a_us_vault_reads_month_first(tmp_path: Path) -> None:
    env = make_env(tmp_path / "us")
    assert run_cli(env, "init", "--home-region", "US", "--timezone", "America/New_York").code == 0
    done = run_cli(env, "log", "call", "+12025550143", "--at", "07/04/2026 20:41")
    assert "4 July 2026, 20:41 (UTC-04:00)" in done.out, done.err
    refused = run_cli(env, "log", "call", "+12025550143", "--at", "25/07/2026 20:41")
    assert refused.code == 1 and "is not a date when read month first" in refused.err


def test_date_order_is_chosen_by_option_or_environment(vault_env: Env) -> None:
    done = run_cli(
        vault_env, "--date-order", "mdy", "log", "call", "+77012345678", "--at", "07/04/2026"
    )
    assert done.code == 0, done.err
    assert "4 July 2026, 00:00" in done.out
    by_env = make_env(vault_env.vault_dir, BLOCKWATCH_DATE_ORDER="mdy")
    done = run_cli(by_env, "log", "call", "+77012345678", "--at", "07/04/2026 10:00")
    assert "4 July 2026, 10:00" in done.out, done.err
    refused = run_cli(vault_env, "log", "call", "+77012345678", "--at", "07/25/2026")
    assert refused.code == 1
    assert "'07/25/2026' is not a date when read day first" in refused.err
    wrong = run_cli(vault_env, "--date-order", "ydm", "list")
    assert wrong.code == 1 and "unknown date order 'ydm'" in wrong.err
    views = json.loads(run_cli(vault_env, "list", "--json").out)
    assert [v["occurred_at"] for v in views] == [
        "2026-07-04T00:00:00+05:00",
        "2026-07-04T10:00:00+05:00",
    ]


def test_since_and_until_are_checked_before_the_passphrase(vault_env: Env) -> None:
    locked = make_env(vault_env.vault_dir, BLOCKWATCH_PASSPHRASE="wrong passphrase here")
    for args in (["list", "--since", "вчера вечером"], ["stats", "--until", "31.02.2026"]):
        done = run_cli(locked, *args)
        assert done.code == 1, done.err  # an input error, not a wrong passphrase (3)


# ------------------------------------------------------------------- the same incident twice


def test_logging_the_same_call_twice_says_so_and_asks_on_a_terminal(vault_env: Env) -> None:
    import dataclasses

    call = ["log", "call", "+77012345678", "--at", "2026-07-04 21:05"]
    assert run_cli(vault_env, *call).code == 0
    again = run_cli(vault_env, *call[:-1], "2026-07-04 21:05:40")  # the same minute
    assert again.code == 0
    assert "This looks like incident 1: call +77012345678, 4 July 2026, 21:05" in again.err
    assert "Logged incident 2" in again.out  # without a terminal: said, and logged
    terminal = dataclasses.replace(vault_env, interactive=True)
    before = snapshot(vault_env.vault_dir)
    declined = run_cli(terminal, *call, input="n\n")
    assert declined.code == 1
    assert "nothing was logged: it looks like incident 1" in declined.err
    assert snapshot(vault_env.vault_dir) == before
    accepted = run_cli(terminal, *call, input="y\n")
    assert accepted.code == 0 and "Logged incident 3" in accepted.out
    quiet = run_cli(terminal, *call, "--yes")
    assert quiet.code == 0 and "looks like" not in quiet.err
    for other in (
        ["log", "call", "+77012345678", "--at", "2026-07-04 21:06"],  # another minute
        ["log", "call", "+77012345679", "--at", "2026-07-04 21:05"],  # another number
        ["log", "message", "+77012345678", "--at", "2026-07-04 21:05", "--text", "hi"],
    ):
        done = run_cli(terminal, *other)
        assert done.code == 0 and "looks like" not in done.err, done.err


# ------------------------------------------------------------- callers nobody could see


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("скрытый номер", "private"),
        ("Номер скрыт", "private"),
        ("номер скрыт.", "private"),
        ("жасырын нөмір", "private"),
        ("Private number", "private"),
        ("No caller ID", "private"),
        ("withheld", "private"),
        ("Unknown", "unknown"),
        ("неизвестный номер", "unknown"),
        ("белгісіз нөмір", "unknown"),
        ("Таксофон", "payphone"),
        ("-2", "private"),
    ],
)
def test_withheld_callers_are_recognised_in_every_language(raw: str, kind: str) -> None:
    from blockwatch import phones

    for strict in (True, False):  # typed with log call, or found in an imported file
        party = phones.counterparty(raw, "KZ", strict=strict)
        assert (party["type"], party["number_type"]) == ("withheld", kind)


def test_a_withheld_caller_typed_in_russian_counts_as_withheld(vault_env: Env) -> None:
    for raw in ("скрытый номер", "+447700900123"):
        assert run_cli(vault_env, "log", "call", raw, "--at", "2026-07-04 21:05").code == 0
    numbers = json.loads(run_cli(vault_env, "stats", "--json").out)
    calls = numbers["calls"]
    assert (calls["total"], calls["withheld"], calls["foreign"], calls["unknown"]) == (2, 1, 1, 0)


# ------------------------------------------------------------------------ any text at all

WORDS = [
    "вчера",
    "кеше",
    "yesterday",
    "позавчера",
    "now",
    "қазір",
    "в",
    "at",
    "сағат",
    "утра",
    "вечера",
    "ночи",
    "pm",
    "am",
    "кешкі",
    "7",
    "12",
    "0",
    "19:10",
    "19:10-да",
    "24:00",
    "04.07.2026",
    "04/07",
    "19.10",
    "2026",
    "29.02",
    "31.04",
    "7-де",
    "4th",
    "июля",
    "шілдеде",
    "сент.",
    "July",
    "жылғы",
    "г.",
    "ago",
    "назад",
    "бұрын",
    "two",
    "часа",
    "hours",
    ",",
    ".",
    "-",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join) | st.text(max_size=20),
    st.sampled_from(["dmy", "mdy", when.ANY_ORDER, None]),
)
def test_any_phrase_is_read_or_refused_never_a_crash(phrase: str, order: str | None) -> None:
    try:
        got = when.parse_when(phrase, ZONE, NOW, order=order, region="CA")
    except InputError as e:
        assert e.message and "Traceback" not in e.message
    else:
        assert got.tzinfo is not None and got <= NOW + when.FUTURE_SLACK


def test_now_stands_alone() -> None:
    assert read("now") == "2026-07-05T11:00:00+05:00"
    for phrase, said in (("now now", "more than one"), ("now 19:00", "'19:00' is not")):
        with pytest.raises(InputError, match=said):
            read(phrase)


def test_now_is_the_second_it_was_typed() -> None:
    now = datetime(2026, 7, 5, 6, 0, 7, 654321, tzinfo=UTC)
    assert when.parse_when("now", ZONE, now, region="KZ").isoformat() == "2026-07-05T11:00:07+05:00"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("вчера в 2 днём", "2026-07-04T14:00:00+05:00"),  # ё as people type it
        ("вчера в 19.10.", "2026-07-04T19:10:00+05:00"),  # a full stop after the time
        ("yesterday 19:04:30", "2026-07-04T19:04:30+05:00"),  # seconds kept
        ("yesterday 19:04:59", "2026-07-04T19:04:59+05:00"),
        ("4 Jul. 20:41", "2026-07-04T20:41:00+05:00"),  # an abbreviated month with its dot
    ],
)
def test_the_small_marks_people_type_are_read(phrase: str, expected: str) -> None:
    assert read(phrase) == expected


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("yesterday 19:04:60", "19:04:60 is not a time of day"),
        ("7 вчера в", "cannot tell what '7' is in '7 вчера в'"),
        (
            "4 julyy 20:41",
            "cannot read '4 julyy 20:41' as a date and time: 'julyy' is not understood",
        ),
        (
            "fortnight ago",
            "cannot read 'fortnight ago' as a date and time: 'fortnight' is not understood",
        ),
        ("ago", "cannot read 'ago' as a date and time: 'ago' is not understood"),
        ("at", "cannot read 'at' as a date and time: 'at' is not understood"),
    ],
)
def test_what_is_left_over_or_out_of_range_is_named(phrase: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read(phrase)
    assert info.value.message == message


def test_a_time_alone_is_today_in_the_vaults_zone() -> None:
    now = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)  # 02:00 on 5 July in Kiritimati (UTC+14)
    got = when.parse_when("01:00", "Pacific/Kiritimati", now, region="KZ")
    assert got.isoformat() == "2026-07-05T01:00:00+14:00"


def test_29_february_said_in_an_odd_year_is_the_last_one() -> None:
    now = datetime(2029, 6, 1, 6, 0, tzinfo=UTC)  # 2029 and 2027 have none; 2028 has
    got = when.parse_when("29 February 10:00", ZONE, now, region="KZ")
    assert got.isoformat() == "2028-02-29T10:00:00+05:00"
