"""What every importer shares, exactly (issue 20): the dates a phone can have written, up to
each bound; a JSON file's faults named by their place; an Android backup's date and type
attributes, each refusal word for word.  Parsers are called on real files in a temporary
folder; nothing here touches a vault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blockwatch.errors import InputError
from blockwatch.importers import (
    Draft,
    ImportFailed,
    Options,
    Skipped,
    android,
    base,
    csvcalls,
    detect,
)


def _failed(call) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFailed) as failed:
        call()
    return failed.value.message, failed.value.hint


LATEST = datetime(2026, 7, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "said"),
    [
        (base.EARLIEST, None),
        (LATEST, None),
        (
            base.EARLIEST - timedelta(milliseconds=1),
            "f: here: date=x is 1999-12-31 23:59:59 UTC, before 2000",
        ),
        (
            LATEST + timedelta(seconds=1),
            "f: here: date=x is 2026-07-06 00:00:01 UTC, in the future",
        ),
    ],
    ids=["the earliest", "the latest", "before the earliest", "after the latest"],
)
def test_a_date_is_read_up_to_each_bound_and_refused_past_it(when: datetime, said: str) -> None:
    options = Options(latest=LATEST)
    if said is None:
        assert base.check_date("f", "here", when, "date=x", options) == when
        return
    message, hint = _failed(lambda: base.check_date("f", "here", when, "date=x", options))
    assert message == said
    assert hint is not None and hint.endswith(
        "if the file is right, import it with --accept-odd-dates"
    )
    assert ("seconds where milliseconds" in hint) is (when < base.EARLIEST)
    odd = Options(latest=LATEST, accept_odd_dates=True)
    assert base.check_date("f", "here", when, "date=x", odd) == when


def test_without_a_latest_date_only_the_earliest_bounds() -> None:
    far = datetime(2999, 1, 1, tzinfo=UTC)
    assert base.check_date("f", "here", far, "date=x", Options()) == far


@pytest.mark.parametrize(
    ("data", "said", "hint"),
    [
        (b'{"a": "\xff"}', ("x.json: byte 7: not UTF-8 text"), None),
        (b"[" * 100_000, "x.json: JSON nested too deeply to be an export", None),
        (
            b'{"a": 1,\n "b": }',
            "x.json: line 2, column 7: broken JSON (Expecting value)",
            "the file may be cut short; export it again",
        ),
    ],
    ids=["not UTF-8", "nested", "broken"],
)
def test_a_json_file_s_fault_is_named_by_its_place(
    data: bytes, said: str, hint: str | None
) -> None:
    assert _failed(lambda: base.load_json("x.json", data)) == (said, hint)


def test_ascii_digits_are_only_0_to_9() -> None:
    assert base.ascii_digits("0123456789")
    assert not base.ascii_digits(
        "١٧٨٣"
    )  # Arabic-Indic digits: int() reads them, no phone writes them
    assert not base.ascii_digits("")
    assert not base.ascii_digits("12a")


def _calls(tmp_path: Path, *attributes: str) -> Path:
    path = tmp_path / "calls.xml"
    rows = "".join(f"<call {a} />" for a in attributes)
    path.write_text(f"<?xml version='1.0' encoding='UTF-8'?>\n<calls count='1'>{rows}</calls>\n")
    return path


def _parse(path: Path, options: Options | None = None) -> list[Draft | Skipped | None]:
    return list(android.parse_calls(path, options or Options()))


DAMAGED = "the backup was changed or damaged; make it again with SMS Backup & Restore"


@pytest.mark.parametrize(
    ("attributes", "said", "hint"),
    [
        ('number="1" type="1"', "no date attribute", DAMAGED),
        ('number="1" type="1" date="null"', "no date attribute", DAMAGED),
        (
            'number="1" type="1" date="1783181109000.5"',
            "date='1783181109000.5' is not epoch milliseconds",
            None,
        ),
        (
            'number="1" type="1" date="12345678901234567"',
            "date='12345678901234567' is not epoch milliseconds",
            None,
        ),
        (
            'number="1" type="1" date="-999999999999999"',
            "date='-999999999999999' is not a possible date",
            None,
        ),
        (
            'number="1" type="1" date="1783181109000" duration="1234567890"',
            "duration='1234567890' is not a number of seconds a call lasts",
            DAMAGED,
        ),
    ],
    ids=["no date", "null date", "not digits", "17 digits", "not possible", "ten-digit duration"],
)
def test_a_call_s_date_and_duration_are_refused_word_for_word(
    tmp_path: Path, attributes: str, said: str, hint: str | None
) -> None:
    path = _calls(tmp_path, attributes)
    assert _failed(lambda: _parse(path)) == (f"{path}: <call> element 1: {said}", hint)


def test_a_sixteen_character_date_and_a_nine_digit_duration_are_read(tmp_path: Path) -> None:
    path = _calls(tmp_path, 'number="1" type="1" date="0001783181109000" duration="999999999"')
    [draft] = _parse(path, Options(latest=LATEST + timedelta(days=3650)))
    assert isinstance(draft, Draft)
    assert draft.occurred_at == datetime(2026, 7, 4, 16, 5, 9, tzinfo=UTC)
    assert draft.details["duration"] == 999_999_999


@pytest.mark.parametrize(
    ("type_", "duration", "details"),
    [
        ("1", "12", {"direction": "in", "outcome": "answered", "duration": 12}),
        ("2", "0", {"direction": "out", "duration": 0}),
        ("2", "30", {"direction": "out", "outcome": "answered", "duration": 30}),
        ("3", "0", {"direction": "in", "outcome": "missed", "duration": 0}),
        ("4", "0", {"direction": "in", "outcome": "missed", "duration": 0}),
        ("5", "0", {"direction": "in", "outcome": "rejected", "duration": 0}),
        ("6", "0", {"direction": "in", "outcome": "blocked", "duration": 0}),
        ("7", "4", {"direction": "in", "outcome": "answered", "duration": 4}),
        ("9", "0", {"duration": 0}),
        ("null", "", {}),
    ],
)
def test_each_android_call_type_is_read_as_documented(
    tmp_path: Path, type_: str, duration: str, details: dict[str, object]
) -> None:
    names = {"": "", "null": ""} | android.CALL_TYPE_NAMES
    path = _calls(
        tmp_path, f'number="+77011234567" type="{type_}" date="1783181109000" duration="{duration}"'
    )
    [draft] = _parse(path)
    assert isinstance(draft, Draft)
    assert draft.details == {**details, "source_type": names.get(type_, type_)}
    assert draft.key == f"1783181109000|+77011234567|{'' if type_ == 'null' else type_}"


def test_an_empty_backup_says_it_holds_no_calls(tmp_path: Path) -> None:
    assert _parse(_calls(tmp_path)) == [Skipped("the file", "the backup holds no calls")]


@pytest.mark.parametrize(
    ("head", "name", "found"),
    [
        (b"PK\x03\x04rest", "x.zip", "whatsapp"),
        (b"\xef\xbb\xbf  <calls count='1'>", "x.xml", "android-calls"),
        (b"<?xml version='1.0'?>\n<smses count='1'>", "x.xml", "android-sms"),
        (b'{"name": "X", "messages": []}', "x.json", "telegram"),
        (b'{"personal_information": {}}', "x.json", "telegram"),
        (b"Date;Number\n", "x.txt", "csv"),
        (b"Date\tNumber\n", "x.txt", "csv"),
        (b"04.07.26, 21:05 - A: hi\n", "x.txt", "whatsapp"),
        (b"Number,Date\n", "x.txt", "csv"),
        (b'{"about": "x", "chats": {"list": []}}', "x.json", "telegram"),
        (b'{"messages": [{"sender_name": "Aigerim"}]}', "x.json", "telegram"),
        (b'{"messages": [], "timestamp_ms": 1}', "x.json", "telegram"),
        (b"Number,Date\n\xd0", "x.txt", "csv"),
        (b"Number,Date\xf0\x9f\x98", "x.txt", "csv"),
    ],
    ids=[
        "zip",
        "calls",
        "sms",
        "telegram chat",
        "telegram full export",
        "semicolons",
        "tabs",
        "whatsapp",
        "one comma",
        "chats",
        "a sender's name alone",
        "a timestamp alone",
        "one byte of a character cut",
        "three bytes of a character cut",
    ],
)
def test_a_format_is_told_from_its_first_bytes(head: bytes, name: str, found: str) -> None:
    assert detect(head, Path(name)) == found


@pytest.mark.parametrize(
    ("head", "name", "said", "hint"),
    [
        (b"", "x.zip", "x.zip: an empty zip archive", "export the chat again"),
        (
            b" \r\n",
            "x.txt",
            "x.txt: the file is empty",
            "export again from the phone; the file has no content",
        ),
        (
            b"<html>",
            "x.xml",
            "x.xml: line 1: XML, but neither <calls> nor <smses>",
            "expected an 'SMS Backup & Restore' calls-*.xml or sms-*.xml file",
        ),
        (
            b'{"a": 1}',
            "x.json",
            "x.json: position 0: JSON, but not a Telegram export",
            "expected Telegram Desktop's result.json (Export chat history, JSON)",
        ),
        (
            "Дата".encode()[:-1],  # a character cut by the 64 KiB window: read up to it
            "x.txt",
            "x.txt: line 1: not a format blockwatch can import",
            "expected calls/sms XML, a WhatsApp chat (.txt/.zip), Telegram result.json or a "
            "CSV with a header; or give --format",
        ),
        (
            b"X<calls count='1'>",
            "x.xml",
            "x.xml: line 1: not a format blockwatch can import",
            "expected calls/sms XML, a WhatsApp chat (.txt/.zip), Telegram result.json or a "
            "CSV with a header; or give --format",
        ),
        (
            b"Number,Date\n\xffabc",
            "x.txt",
            "x.txt: byte 12: binary data, not a text export",
            "expected calls/sms XML, a WhatsApp chat, Telegram JSON or a CSV",
        ),
    ],
    ids=[
        "empty zip by name",
        "blank",
        "other XML",
        "other JSON",
        "cut character",
        "a letter before XML",
        "a bad byte four from the end",
    ],
)
def test_a_file_of_no_known_format_is_named(head: bytes, name: str, said: str, hint: str) -> None:
    assert _failed(lambda: detect(head, Path(name))) == (said, hint)


def test_a_date_in_the_future_says_what_may_have_caused_it() -> None:
    later = LATEST + timedelta(days=1)
    _, hint = _failed(lambda: base.check_date("f", "here", later, "date=x", Options(latest=LATEST)))
    assert hint == (
        "a date in milliseconds where seconds are expected, or a phone's wrong clock, "
        "looks like this; if the file is right, import it with --accept-odd-dates"
    )


def test_a_csv_with_no_delimiter_to_guess_is_read_as_commas(tmp_path: Path) -> None:
    """The sniffer picks among comma, semicolon and tab only; a file with none of them is
    read as plain comma-separated, so its one column is no known layout."""
    path = tmp_path / "calls.csv"
    path.write_text("NumberXDate\n+77011234567X2026-07-04 10:00\n", encoding="utf-8")
    assert _failed(lambda: list(csvcalls.parse(path, Options()))) == (
        f"{path}: line 1: unknown CSV layout: no number and date columns in the header",
        "name them with --column-map number=COLUMN,date=COLUMN (header: NumberXDate)",
    )


def test_a_csv_header_the_csv_module_cannot_read_is_named(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text('"' + "x" * 200_000 + '",Date\n', encoding="utf-8")
    assert _failed(lambda: list(csvcalls.parse(path, Options()))) == (
        f"{path}: line 1: not a readable CSV row (field larger than field limit (131072))",
        "the file may be damaged; export it again",
    )


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (None, {}),
        ("", {}),
        ("number=Phone,date=When", {"number": "Phone", "date": "When"}),
        (" number = Phone , time= At ", {"number": "Phone", "time": "At"}),
        ("date=Date=Time", {"date": "Date=Time"}),
    ],
    ids=["none", "empty", "two", "spaces", "an equals sign in a column's name"],
)
def test_a_column_map_is_read_field_by_field(text: str | None, read: dict[str, str]) -> None:
    assert csvcalls.parse_map(text) == read


@pytest.mark.parametrize("pair", ["number", "bogus=X", "number=", " =Phone", "number= "])
def test_a_column_map_pair_that_is_not_field_equals_column_is_refused(pair: str) -> None:
    with pytest.raises(InputError) as failed:
        csvcalls.parse_map(f"date=When,{pair}")
    assert failed.value.message == f"--column-map {pair!r} is not FIELD=COLUMN"
    assert failed.value.hint == (
        "fields: number, date, time, duration, type, contact, service; "
        "e.g. --column-map number=Phone,date=When"
    )
