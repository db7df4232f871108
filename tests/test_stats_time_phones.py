"""Statistics, times and numbers as their functions promise them (what the mutation run of
stats.py, when.py and phones.py found unpinned)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blockwatch import phones, stats, when
from blockwatch.errors import InputError

ZONE = "Pacific/Kiritimati"  # UTC+14: no test machine's zone, so a forgotten zone shows


def row(
    id_: int,
    kind: str,
    at: str,
    origin: str = "foreign",
    region: str | None = "GB",
    direction: str = "in",
):  # type: ignore[no-untyped-def]
    return (id_, kind, "whatsapp", at, direction, origin, region)


def test_days_and_hours_are_counted_in_the_zone_given() -> None:
    rows = [row(1, "call", "2026-07-04T10:30:00Z"), row(2, "call", "2026-07-04T10:45:00Z")]
    got = stats.summarize_rows(rows, {}, ZONE)
    assert got["calls_per_day"] == {"2026-07-05": 2}  # 00:30 and 00:45 on 5 July there
    assert got["foreign_calls_by_hour"] == {"00": 2}
    assert got["foreign_calls_by_country"] == {"GB": 2}


def test_the_time_to_a_block_is_measured_from_the_first_foreign_contact() -> None:
    rows = [
        row(1, "message", "2026-07-04T15:41:00Z"),
        row(2, "call", "2026-07-04T15:41:00Z"),  # the same instant: the lower id is first
        row(4, "block", "2026-07-04T15:41:00Z", "unknown", None),  # at that very instant
        row(3, "block", "2026-07-04T16:52:00Z", "unknown", None),  # logged before, later
        row(5, "takedown", "2026-07-04T17:00:00Z", "unknown", None),
    ]
    got = stats.summarize_rows(rows, {}, ZONE)
    assert got["first_foreign_contact_to_block"] == [
        {"block": 4, "first_contact": 1, "seconds": 0},
        {"block": 3, "first_contact": 1, "seconds": 4260},
    ]
    assert got["notices"] == [4, 3, 5]


def test_every_incident_is_counted_once_by_kind_and_by_platform() -> None:
    """Outgoing calls, notes and incidents without a platform count too (under "—")."""
    rows = [
        row(1, "call", "2026-07-04T10:30:00Z"),
        row(2, "call", "2026-07-04T10:31:00Z"),
        (3, "call", "telegram", "2026-07-04T10:32:00Z", "out", "foreign", "GB"),
        (4, "note", None, "2026-07-04T10:33:00Z", None, "unknown", None),
        (5, "block", "whatsapp", "2026-07-04T10:34:00Z", None, "unknown", None),
    ]
    got = stats.summarize_rows(rows, {}, ZONE)
    assert got["incidents"] == 5
    assert got["by_kind"] == {"block": 1, "call": 3, "note": 1}
    assert got["by_platform"] == {"telegram": 1, "whatsapp": 3, "—": 1}


def test_appeals_in_the_statistics_carry_their_deadline() -> None:
    rows = [row(7, "appeal", "2026-07-05T04:10:00Z", "unknown", None)]
    details = {7: {"to": "whatsapp", "status": "sent", "due": "2026-07-12"}}
    got = stats.summarize_rows(rows, details, ZONE, today=datetime(2026, 7, 13).date())
    assert got["appeals"] == [
        {
            "id": 7,
            "to": "whatsapp",
            "status": "sent",
            "sent": "2026-07-05T18:10:00+14:00",
            "due": "2026-07-12",
            "due_basis": None,
            "overdue": True,
            "next": None,  # a promise or a typed date: the law says nothing of its passing
        }
    ]
    statutory = {
        7: {"to": "ministry", "status": "sent", "due": "2026-07-12", "due_basis": "appk-76"}
    }
    late = stats.summarize_rows(rows, statutory, ZONE, today=datetime(2026, 7, 13).date())
    assert (late["appeals"][0]["due_basis"], late["appeals"][0]["next"]) == ("appk-76", "appk-91")
    last = stats.summarize_rows(rows, statutory, ZONE, today=datetime(2026, 7, 12).date())
    assert (last["appeals"][0]["overdue"], last["appeals"][0]["next"]) == (False, None)


def test_the_timeline_counts_incoming_calls_per_ten_minutes_by_origin_with_events_marked() -> None:
    """Issue 15, item 2: the evening as bars of 10 minutes (local time), foreign, domestic,
    withheld and unknown apart, outgoing calls left out, and the foreign message, the block
    and the takedown placed in their bars."""
    rows = [
        row(1, "message", "2026-07-04T15:41:00Z", "foreign", "GB"),  # 05:41 in ZONE (UTC+14)
        row(2, "call", "2026-07-04T15:46:00Z", "foreign", "GB"),
        row(3, "call", "2026-07-04T15:49:59Z", "foreign", "US"),
        row(4, "call", "2026-07-04T15:50:00Z", "withheld", None),
        row(5, "call", "2026-07-04T16:05:00Z", "domestic", "KZ"),
        row(6, "call", "2026-07-04T16:06:00Z", "foreign", "GB", direction="out"),
        row(7, "block", "2026-07-04T16:52:00Z", "unknown", None),
    ]
    got = stats.summarize_rows(rows, {}, ZONE)["timeline"]
    assert got["start"] == "2026-07-05T05:40:00+14:00" and got["step"] == 600
    assert got["origins"] == ["foreign", "domestic", "withheld", "unknown"]
    assert (
        got["bins"] == [[2, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]] + [[0, 0, 0, 0]] * 5
    )  # 05:40 to 06:50
    assert [(m["id"], m["kind"], m["bin"]) for m in got["marks"]] == [
        (1, "message", 0),
        (7, "block", 7),
    ]


@pytest.mark.parametrize(
    ("hours", "step"), [(12, 600), (13, 1800), (36, 1800), (72, 3600), (2000, 86400 * 7)]
)
def test_the_timeline_step_grows_so_that_it_never_has_more_than_72_bars(
    hours: int, step: int
) -> None:
    t0 = datetime(2026, 7, 4, 15, 0, tzinfo=UTC)
    rows = [
        row(n, "call", (t0 + timedelta(hours=h)).isoformat(), "foreign", "GB")
        for n, h in enumerate((0, hours - 1))
    ]
    got = stats.summarize_rows(rows, {}, ZONE)["timeline"]
    assert got["step"] == step and len(got["bins"]) <= stats.MAX_BINS
    assert sum(b[0] for b in got["bins"]) == 2


def test_the_busiest_window_is_an_hour_that_excludes_its_end() -> None:
    t0 = datetime(2026, 7, 4, 16, 0, tzinfo=UTC)
    got = stats.busiest_window([t0, t0 + timedelta(minutes=60)])
    assert got is not None and got["count"] == 1 and got["start"] == t0.isoformat()
    three = [t0, t0 + timedelta(minutes=10), t0 + timedelta(minutes=59, seconds=59)]
    got = stats.busiest_window([t0 - timedelta(hours=5), *three])
    assert got is not None and got["count"] == 3 and got["start"] == t0.isoformat()
    assert stats.busiest_window([]) is None


# --------------------------------------------------------------------------- times


def test_an_impossible_time_of_day_names_it_and_the_range() -> None:
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)
    with pytest.raises(InputError) as info:
        when.parse_when("yesterday 19:60", "Asia/Almaty", now)
    assert info.value.message == "19:60 is not a time of day"
    assert info.value.hint == (
        "hours go from 00 to 23 and minutes from 00 to 59, e.g. 'yesterday 19:04'"
    )


@pytest.mark.parametrize("phrase", ["yesterday 19:60", "yesterday 25:30", "вчера в 24:00"])
def test_an_impossible_time_of_day_is_refused_not_dropped(phrase: str) -> None:
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="is not a time of day"):
        when.parse_when(phrase, "Asia/Almaty", now)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("yesterday 23:59", "2026-07-04T23:59:00+05:00"),
        ("Yesterday 00:00", "2026-07-04T00:00:00+05:00"),
        ("Вчера в 19:04", "2026-07-04T19:04:00+05:00"),
        ("КЕШЕ 19:04", "2026-07-04T19:04:00+05:00"),
        ("4 июля 20:41", "2026-07-04T20:41:00+05:00"),
        ("July 4 20:41", "2026-07-04T20:41:00+05:00"),
    ],
)
def test_phrases_people_write_are_read_in_the_vaults_zone(phrase: str, expected: str) -> None:
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)  # 11:00 in Almaty
    got = when.parse_when(phrase, "Asia/Almaty", now)
    assert got.astimezone(when.zone("Asia/Almaty")).isoformat() == expected


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("Asia/Almaty", "Asia/Almaty"),
        ("UTC", "Asia/Almaty"),  # a server's UTC says nothing about where the journalist is
        ("Etc/UTC", "Asia/Almaty"),
    ],
)
def test_the_computers_zone_names_a_new_vaults_zone(
    monkeypatch: pytest.MonkeyPatch, tz: str, expected: str
) -> None:
    import tzlocal

    monkeypatch.setenv("TZ", tz)
    tzlocal.reload_localzone()  # tzlocal remembers the zone it found first
    try:
        assert when.system_zone_name() == expected
        if expected != tz:
            assert when.system_zone_name(default="Europe/Paris") == "Europe/Paris"
    finally:
        monkeypatch.undo()
        tzlocal.reload_localzone()


# --------------------------------------------------------------------------- numbers


def test_an_impossible_number_is_named_with_how_to_write_it() -> None:
    with pytest.raises(InputError) as info:
        phones.counterparty("+1 555", "KZ")
    assert info.value.message == "'+1 555' is not a possible phone number"
    assert info.value.hint == (
        "give it with its country code (e.g. +447700900123), or 'withheld' if it was hidden"
    )


def test_a_home_region_is_a_known_two_letter_code() -> None:
    assert phones.region_code(" kz ") == "KZ"
    with pytest.raises(InputError) as info:
        phones.region_code("Kazakhstan")
    assert info.value.message == "'Kazakhstan' is not a region code"
    assert info.value.hint == "use a two-letter code such as KZ, RU, GB"


def test_an_empty_time_says_so_and_shows_what_to_write() -> None:
    with pytest.raises(InputError) as info:
        when.parse_when("   ", "Asia/Almaty", datetime(2026, 7, 5, 6, 0, tzinfo=UTC))
    assert info.value.message == "an empty time was given"
    assert info.value.hint == "e.g. --at '2026-07-04 21:05' or 'yesterday 19:04'"


def test_the_future_starts_five_minutes_after_now() -> None:
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)  # 11:00 in Almaty
    for text in ("2026-07-05 11:00", "2026-07-05 10:59", "2026-07-05 11:05"):
        assert when.parse_when(text, "Asia/Almaty", now) <= now + when.FUTURE_SLACK
    with pytest.raises(InputError) as info:
        when.parse_when("2026-07-05 11:06", "Asia/Almaty", now)
    assert info.value.message == "'2026-07-05 11:06' is in the future (2026-07-05T11:06:00+05:00)"
    assert info.value.hint == (
        "check the date and the day/month order; times are read in Asia/Almaty"
    )
    later = when.parse_when("2026-07-06 11:00", "Asia/Almaty", now, allow_future=True)
    assert later.isoformat() == "2026-07-06T11:00:00+05:00"


@pytest.mark.parametrize("phrase", ["hier 19:04", "gestern 19:04", "4 juillet 20:41"])
def test_phrases_in_other_languages_are_refused_not_guessed(phrase: str) -> None:
    """Only Kazakh, Russian and English are read: a date nobody here wrote is not guessed."""
    with pytest.raises(InputError, match="cannot read"):
        when.parse_when(phrase, "Asia/Almaty", datetime(2026, 7, 5, 6, 0, tzinfo=UTC))


def test_a_number_is_placed_in_its_own_region_not_its_codes_main_one() -> None:
    import phonenumbers

    canadian = phonenumbers.format_number(
        phonenumbers.example_number("CA"), phonenumbers.PhoneNumberFormat.E164
    )
    party = phones.counterparty(canadian, "KZ")
    assert party["region"] == "CA" and party["foreign"] is True  # +1 is mainly the US


def test_a_non_geographic_number_has_no_region() -> None:
    import phonenumbers

    freephone = phonenumbers.format_number(
        phonenumbers.example_number_for_non_geo_entity(800), phonenumbers.PhoneNumberFormat.E164
    )
    party = phones.counterparty(freephone, "KZ", strict=False)
    assert party["e164"] == freephone and party["region"] is None and party["foreign"] is None


def test_a_leading_00_is_the_international_prefix() -> None:
    party = phones.counterparty("0044 7700 900123", "KZ")
    assert party["e164"] == "+447700900123" and party["region"] == "GB"


def test_the_future_is_shown_in_the_vaults_zone_whatever_offset_was_typed() -> None:
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)
    with pytest.raises(InputError) as info:
        when.parse_when("2026-07-06T12:00+03:00", "Asia/Almaty", now)
    assert "(2026-07-06T14:00:00+05:00)" in info.value.message


def _party(raw: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {"raw": raw, "type": "number", "e164": None, "region": None}
    return {**base, "foreign": None, "valid": False, "number_type": None, **fields}


@pytest.mark.parametrize(
    ("raw", "strict", "stored"),
    [
        (
            "112",
            True,
            _party("112", region="KZ", foreign=False, valid=True, number_type="short_code"),
        ),
        ("1414", False, _party("1414", region="KZ", foreign=False, number_type="short_code")),
        ("0", False, _party("0", region="KZ", foreign=False, number_type="short_code")),
        ("+1 414", False, _party("+1 414")),  # a plus sign: never a short code
        (
            "+77011234567",
            True,
            _party(
                "+77011234567",
                e164="+77011234567",
                region="KZ",
                foreign=False,
                valid=True,
                number_type="mobile",
            ),
        ),
        ("+77001234", False, _party("+77001234", e164="+77001234", region="KZ", foreign=False)),
        (
            "+447700900123",
            True,
            _party("+447700900123", e164="+447700900123", region="GB", foreign=True),
        ),
    ],
)
def test_every_field_of_a_number_is_stored_as_classified(
    raw: str, strict: bool, stored: dict[str, object]
) -> None:
    assert dict(phones.counterparty(raw, "KZ", strict=strict)) == stored


@pytest.mark.parametrize("raw", ["99", "+7", "1"])
def test_an_impossible_number_is_quoted_as_typed(raw: str) -> None:
    with pytest.raises(InputError) as info:
        phones.counterparty(raw, "KZ")
    assert info.value.message == f"{raw!r} is not a possible phone number"
