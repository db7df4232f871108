"""Importers that account for every record (issue 11, item 4: the first cases).

Synthetic files in the shapes other exporters write: Telegram without message ids or without
``date_unixtime``, a sent MMS whose From is Android's placeholder, iMazing-style call lists
that name the app of each call.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blockwatch.env import Env
from blockwatch.importers import Options
from blockwatch.importers.android import parse_sms
from blockwatch.importers.base import Draft, ImportFailed
from blockwatch.importers.csvcalls import parse as parse_csv
from blockwatch.importers.telegram import parse as parse_telegram

from .test_import import EPOCH_MS, do_import, rows, write


def drafts(parse, path: Path, **options: object) -> list[Draft]:  # type: ignore[no-untyped-def]
    return [d for d in parse(path, Options(**options)) if isinstance(d, Draft)]


def _message(text: str, unix: str | None = "1783181109", **more: object) -> dict[str, object]:
    out: dict[str, object] = {"type": "message", "from": "Unknown", "from_id": "user777"}
    if unix is not None:
        out["date_unixtime"] = unix
    out.update(text=text, **more)
    return out


def test_telegram_messages_without_ids_are_each_their_own_record(
    vault_env: Env, tmp_path: Path
) -> None:
    chat = {
        "name": "Unknown",
        "id": 5,
        "messages": [_message("Confirm now"), _message("Confirm now"), _message("Other text")],
    }
    path = write(tmp_path, "result.json", json.dumps(chat))
    assert "added 3" in do_import(vault_env, str(path))
    assert "added 0, already present 3" in do_import(vault_env, str(path))
    assert sorted(r["details"]["text"] for r in rows(vault_env)) == [
        "Confirm now",
        "Confirm now",
        "Other text",
    ]


def test_older_telegram_exports_with_local_dates_only_are_read_in_the_zone(
    tmp_path: Path,
) -> None:
    chat = {
        "name": "Unknown",
        "id": 5,
        "messages": [
            {"id": 1, "type": "service", "date": "2026-07-04T20:00:00", "action": "pin_message"},
            {"id": 2, **_message("hello", unix=None, date="2026-07-04T21:05:09")},
            {
                "id": 3,
                "type": "service",
                "date": "2026-07-04T21:07:00",
                "actor": "Unknown",
                "actor_id": "user777",
                "action": "phone_call",
                "discard_reason": "missed",
            },
        ],
    }
    path = write(tmp_path, "result.json", json.dumps(chat))
    got = drafts(parse_telegram, path, timezone="Asia/Almaty")
    assert [d.occurred_at.isoformat() for d in got] == [
        "2026-07-04T21:05:09+05:00",
        "2026-07-04T21:07:00+05:00",
    ]
    assert got[1].kind == "call" and got[1].details["outcome"] == "missed"


def test_a_service_message_is_skipped_before_its_fields_are_needed(tmp_path: Path) -> None:
    chat = {
        "name": "Unknown",
        "id": 5,
        "messages": [
            {"id": 1, "type": "service", "action": "create_group"},  # no date at all
            {"id": 2, **_message("after it")},
        ],
    }
    path = write(tmp_path, "result.json", json.dumps(chat))
    assert [d.details["text"] for d in drafts(parse_telegram, path)] == ["after it"]


@pytest.mark.parametrize("unix", ["99999999999999999999", "9" * 5000])
def test_an_impossible_telegram_date_is_a_clear_error(tmp_path: Path, unix: str) -> None:
    chat = {"name": "Unknown", "id": 5, "messages": [{"id": 1, **_message("x", unix=unix)}]}
    path = write(tmp_path, "result.json", json.dumps(chat))
    with pytest.raises(ImportFailed, match="is not a possible date"):
        drafts(parse_telegram, path)


def test_a_sent_mms_names_its_recipient_not_androids_placeholder(tmp_path: Path) -> None:
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"2\">\n"
        f'<mms date="{EPOCH_MS}" msg_box="2" address="+447700900123">\n'
        '  <parts><part ct="text/plain" text="who are you?" /></parts>\n'
        '  <addrs><addr address="insert-address-token" type="137" />'
        '<addr address="+447700900123" type="151" /></addrs>\n</mms>\n'
        f'<mms date="{EPOCH_MS + 1000}" msg_box="1" address="+12025550143">\n'
        '  <parts><part ct="text/plain" text="reply" /></parts>\n'
        '  <addrs><addr address="+12025550143" type="137" />'
        '<addr address="+77011234567" type="151" /></addrs>\n</mms>\n</smses>\n'
    )
    path = write(tmp_path, "sms.xml", xml)
    sent, received = drafts(parse_sms, path)
    assert (sent.details["direction"], sent.counterparty) == ("out", "+447700900123")
    assert (received.details["direction"], received.counterparty) == ("in", "+12025550143")


def test_imazing_call_lists_record_the_app_of_each_call(tmp_path: Path) -> None:
    csv = (
        "Call type,Date,Duration,Number,Contact,Location,Service\n"
        "Incoming,2026-07-04 21:05:09,0:00,+447700900123,,United Kingdom,WhatsApp\n"
        "Missed,2026-07-04 21:06:00,0:00,+447700900123,,United Kingdom,Phone\n"
        "Incoming,2026-07-04 21:07:00,1:05,+12025550143,,,FaceTime Audio\n"
        "Missed,2026-07-04 21:08:00,0:00,+12025550143,,,Microsoft Teams\n"
        "Missed,2026-07-04 21:09:00,0:00,+12025550143,,,Zoom\n"
    )
    path = write(tmp_path, "calls.csv", csv)
    got = drafts(parse_csv, path)
    assert [d.platform for d in got] == ["whatsapp", "phone", "facetime", "teams", "zoom"]
    assert drafts(parse_csv, path, platform="signal")[0].platform == "signal"  # --platform wins


def test_the_same_minute_on_two_apps_is_two_calls(tmp_path: Path) -> None:
    csv = (
        "Call type,Date,Duration,Number,Service\n"
        "Missed,2026-07-04 21:05:09,0:00,+447700900123,WhatsApp\n"
        "Missed,2026-07-04 21:05:09,0:00,+447700900123,Phone\n"
    )
    got = drafts(parse_csv, write(tmp_path, "calls.csv", csv))
    assert len({d.key for d in got}) == 2


# --------------------------------------------------------------------------- WhatsApp

from blockwatch.importers.whatsapp import parse as parse_whatsapp  # noqa: E402


def chat(tmp_path: Path, text: str, **options: object) -> list[Draft]:
    return drafts(
        parse_whatsapp, write(tmp_path, "WhatsApp Chat with Unknown.txt", text), **options
    )


@pytest.mark.parametrize(
    "line",
    [
        "04.07.2026, 20:40 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        "04.07.2026, 20:40 - Editors 2026: Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        "04.07.2026, 20:40 - Сообщения и звонки защищены сквозным шифрованием. Никто, даже WhatsApp, не может их прочитать или прослушать.",
        "04.07.2026, 20:40 - Редакция: Сообщения и звонки защищены сквозным шифрованием.",
        "[04.07.26, 20:40:00] Unknown: \u200eMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
    ],
)
def test_the_encryption_notice_is_never_a_message(tmp_path: Path, line: str) -> None:
    other = (
        "[04.07.26, 20:41:00] Unknown: hello"
        if line.startswith("[")
        else "04.07.2026, 20:41 - Unknown: hello"
    )
    assert [d.details["text"] for d in chat(tmp_path, f"{line}\n{other}\n")] == ["hello"]


@pytest.mark.parametrize(
    "body",
    [
        "This message was deleted",
        "This message was deleted.",
        "this message was deleted",
        "Данное сообщение удалено.",
    ],
)
def test_deleted_messages_are_recognised_with_or_without_a_full_stop(
    tmp_path: Path, body: str
) -> None:
    [draft] = chat(tmp_path, f"04.07.2026, 20:41 - Unknown: {body}\n")
    assert draft.details.get("deleted") is True


@pytest.mark.parametrize(
    "body", ["<Media omitted>", "<media omitted>", "image omitted", "Image omitted."]
)
def test_media_placeholders_are_recognised_in_any_case(tmp_path: Path, body: str) -> None:
    [draft] = chat(tmp_path, f"04.07.2026, 20:41 - Unknown: {body}\n")
    assert draft.details.get("media_omitted") is True


def test_older_whatsapp_layouts_are_read_not_taken_for_csv(vault_env: Env, tmp_path: Path) -> None:
    us_2012 = "7/8/12, 3:20:08 PM: Unknown: Hello from 2012\n7/8/12, 3:21:00 PM: Unknown: again\n"
    ios_2016 = "30/08/16, 17:03:58: Unknown: Hello from 2016\n"
    with pytest.raises(ImportFailed, match="could be day/month or month/day"):
        chat(tmp_path, us_2012)  # 7 August or 8 July: the file does not say, nor does PM
    got = chat(tmp_path, us_2012, date_order="mdy")
    assert [(d.occurred_at.strftime("%Y-%m-%d %H:%M:%S"), d.details["text"]) for d in got] == [
        ("2012-07-08 15:20:08", "Hello from 2012"),
        ("2012-07-08 15:21:00", "again"),
    ]
    [old] = chat(tmp_path, ios_2016)
    assert old.occurred_at.strftime("%Y-%m-%d %H:%M:%S") == "2016-08-30 17:03:58"
    path = write(tmp_path, "chat.txt", ios_2016)
    assert "(whatsapp," in do_import(vault_env, str(path))


def test_a_long_message_of_many_lines_is_read_in_linear_time(tmp_path: Path) -> None:
    """Lines are joined once (no quadratic copying, issue 14): 3,000 lines are one message;
    100,000 lines (3.3 million characters) are read through and refused with their place, as
    more than the vault keeps in one message."""
    lines = "\n".join(f"line {n} of a long pasted text" for n in range(3_000))
    [draft] = chat(tmp_path, f"04.07.2026, 20:41 - Unknown: start\n{lines}\n")
    assert draft.details["text"].count("\n") == 3_000
    lines = "\n".join(f"line {n} of a long pasted text" for n in range(100_000))
    with pytest.raises(ImportFailed, match="line 1: a message of 3288895 characters"):
        chat(tmp_path, f"04.07.2026, 20:41 - Unknown: start\n{lines}\n")


# --------------------------------------------------------------------------- impossible dates

from .conftest import run_cli, snapshot  # noqa: E402


def _sms(date: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1">\n'
        f'<sms address="+447700900123" date="{date}" type="1" body="Verify now" read="0" />\n'
        "</smses>\n"
    )


@pytest.mark.parametrize(
    ("date", "said"),
    [
        (str(EPOCH_MS // 1000), "date=1783181109 is 1970-01-21 15:19:41 UTC, before 2000"),
        (str(EPOCH_MS * 10), "in the future"),
    ],
    ids=["seconds", "a digit too many"],
)
def test_a_date_in_the_wrong_unit_is_refused_with_the_place_and_a_hint(
    vault_env: Env, tmp_path: Path, date: str, said: str
) -> None:
    path = write(tmp_path, "sms-20260705.xml", _sms(date))
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1, done.err
    first, hint = done.err.splitlines()
    assert "<sms> element 1" in first and said in first, first
    assert "--accept-odd-dates" in hint
    assert snapshot(vault_env.vault_dir) == before


def test_odd_dates_are_kept_when_the_journalist_says_the_file_is_right(
    vault_env: Env, tmp_path: Path
) -> None:
    path = write(tmp_path, "sms-20260705.xml", _sms(str(EPOCH_MS // 1000)))
    assert "added 1" in do_import(vault_env, str(path), "--accept-odd-dates")
    assert rows(vault_env)[0]["occurred_at"].startswith("1970-01-21")


def test_a_date_beyond_any_calendar_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "sms.xml", _sms(str(EPOCH_MS * 1000)))
    with pytest.raises(ImportFailed, match="is not a possible date"):
        drafts(parse_sms, path)


@pytest.mark.parametrize("unix", ["946684799", "1883181109"])  # 1999-12-31, 2029
def test_telegram_dates_outside_2000_to_tomorrow_are_refused(tmp_path: Path, unix: str) -> None:
    from datetime import UTC, datetime

    chat = {"name": "Unknown", "id": 5, "messages": [{"id": 1, **_message("x", unix=unix)}]}
    path = write(tmp_path, "result.json", json.dumps(chat))
    latest = datetime(2026, 7, 6, tzinfo=UTC)
    with pytest.raises(ImportFailed, match=r"before 2000|in the future"):
        drafts(parse_telegram, path, latest=latest)
    assert len(drafts(parse_telegram, path, latest=latest, accept_odd_dates=True)) == 1


def test_the_summary_adds_up_and_names_the_zone_of_local_times(
    vault_env: Env, tmp_path: Path
) -> None:
    from .test_import import call, calls_xml

    chat = {
        "name": "Unknown",
        "id": 5,
        "messages": [
            _message("Confirm now", unix=None, date="2026-07-04T20:41:09"),
            {"type": "service", "action": "pin_message", "date_unixtime": "1783181109"},
            _message("Other text"),
        ],
    }
    path = write(tmp_path, "result.json", json.dumps(chat))
    out = do_import(vault_env, "--timezone", "Europe/Moscow", str(path))
    assert "3 records: added 2, already present 0, skipped 1" in out, out
    assert "times without a UTC offset were read in Europe/Moscow" in out
    summary = json.loads(do_import(vault_env, "--json", str(path)))[0]
    assert (
        summary["found"]
        == 3
        == summary["added"] + summary["already_present"] + sum(summary["skipped"].values())
    )
    calls = write(tmp_path, "calls.xml", calls_xml([call(0), call(1)]))
    out = do_import(vault_env, str(calls))
    assert "2 records: added 2" in out and "without a UTC offset" not in out
