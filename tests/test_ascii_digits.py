"""Numbers in machine-written exports are ASCII digits only: ``str.isdigit`` also takes other
scripts' digits (Arabic-Indic "١٧٨٣…"), which ``int`` reads but SMS Backup & Restore and
Telegram Desktop never write there.  Such a value is refused like any other non-number."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blockwatch.importers import android, telegram
from blockwatch.importers.base import ImportFailed, Options

from .test_import import call, calls_xml

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
OPTIONS = Options(latest=datetime(2026, 12, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("1783181109000".translate(ARABIC), "1783181109000".translate(ARABIC)),
        ("--1783181109000", "--1783181109000"),  # two signs: refused, not a ValueError
    ],
    ids=["arabic-indic digits", "two minus signs"],
)
def test_an_android_date_that_is_not_ascii_epoch_milliseconds_is_refused(
    tmp_path: Path, date: str, shown: str
) -> None:
    path = tmp_path / "calls.xml"
    path.write_bytes(calls_xml([call(0, date=date)]))
    with pytest.raises(ImportFailed) as info:
        list(android.parse_calls(path, OPTIONS))
    assert info.value.message == (
        f"{path}: <call> element 1: date={shown!r} is not epoch milliseconds"
    )


def test_an_android_duration_in_other_digits_is_no_duration(tmp_path: Path) -> None:
    path = tmp_path / "calls.xml"
    path.write_bytes(calls_xml([call(0, type="1", duration="42".translate(ARABIC))]))
    [draft] = list(android.parse_calls(path, OPTIONS))
    assert "duration" not in draft.details  # as for any duration that is not seconds


def test_a_telegram_unix_time_in_other_digits_is_not_epoch_seconds(tmp_path: Path) -> None:
    stamp = "1783181109".translate(ARABIC)
    path = tmp_path / "result.json"
    message = {"id": 7, "type": "message", "date_unixtime": stamp, "text": "hi"}
    path.write_text(json.dumps({"name": "X", "id": 1, "messages": [message]}), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, OPTIONS))
    assert info.value.message == (
        f"{path}: chat 1, message 7: date_unixtime={stamp!r} is not epoch seconds"
    )
