"""Importing exports: every format and edge case of docs/IMPORT-FORMATS.md, on synthetic files."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blockwatch import vault
from blockwatch.env import Env
from blockwatch.importers import Options
from blockwatch.importing import import_file

from .conftest import PASSPHRASE, Run, run_cli, snapshot

EPOCH_MS = 1783181109000  # 2026-07-04T16:05:09Z = 21:05:09 in Almaty


def calls_xml(calls: list[dict[str, str]]) -> bytes:
    rows = "\n".join(
        "  <call " + " ".join(f"{k}={quoteattr(v)}" for k, v in c.items()) + " />" for c in calls
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        '<?xml-stylesheet type="text/xsl" href="calls.xsl"?>\n'
        f'<calls count="{len(calls)}" backup_set="synthetic" backup_date="{EPOCH_MS}">\n{rows}\n</calls>\n'
    ).encode()


def call(n: int, **attrs: str) -> dict[str, str]:
    base = {
        "number": "+12025550143",
        "duration": "0",
        "date": str(EPOCH_MS + n * 60_000),
        "type": "3",
        "presentation": "1",
        "subscription_id": "1",
        "post_dial_digits": "",
        "subscription_component_name": "null",
        "readable_date": "Jul 4, 2026 9:05:09 PM",
        "contact_name": "(Unknown)",
    }
    return {**base, **attrs}


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def rows(env: Env) -> list[dict]:
    out = run_cli(env, "list", "--json")
    assert out.code == 0, out.err
    return json.loads(out.out)


def do_import(env: Env, *args: str) -> str:
    done = run_cli(env, "import", *args)
    assert done.code == 0, done.err
    return done.out


# --------------------------------------------------------------------------- Android calls


def test_android_calls_every_type_and_withheld_kind(vault_env: Env, tmp_path: Path) -> None:
    xml = calls_xml(
        [
            call(0, type="1", duration="30"),
            call(1, type="2", number="87011234567", duration="125"),
            call(2, type="3"),
            call(3, type="4"),
            call(4, type="5"),
            call(5, type="6"),
            call(6, type="7"),
            call(7, type="9", number="+447700900123"),
            call(8, number="", presentation="2"),
            call(9, number="-1", presentation="3"),
            call(10, number="-2"),
            call(11, number="-3", presentation="4"),
            call(12, number="1414"),
            {
                "number": "+33639980011",
                "date": str(EPOCH_MS + 13 * 60_000),
                "type": "3",
            },  # optional attrs absent
        ]
    )
    path = write(tmp_path, "calls-20260705120000.xml", xml)
    out = do_import(vault_env, str(path))
    assert "added 14" in out and "android-calls" in out
    got = {r["details"]["raw"]["date"]: r for r in rows(vault_env)}

    def at(n: int) -> dict:
        return got[str(EPOCH_MS + n * 60_000)]

    assert at(0)["occurred_at"] == "2026-07-04T21:05:09+05:00"
    assert at(0)["details"]["outcome"] == "answered" and at(0)["details"]["duration"] == 30
    assert (
        at(1)["details"]["direction"] == "out" and at(1)["counterparty"]["e164"] == "+77011234567"
    )
    assert at(1)["counterparty"]["foreign"] is False
    assert [at(n)["details"].get("outcome") for n in (2, 3, 4, 5, 6)] == [
        "missed",
        "missed",
        "rejected",
        "blocked",
        "answered",
    ]
    assert at(7)["details"]["source_type"] == "9" and "outcome" not in at(7)["details"]
    for n in (8, 9, 10, 11):
        assert at(n)["counterparty"]["type"] == "withheld" and at(n)["counterparty"]["e164"] is None
    assert (
        at(10)["counterparty"]["number_type"] == "private"
        and at(11)["counterparty"]["number_type"] == "payphone"
    )
    assert (
        at(12)["counterparty"]["e164"] is None
        and at(12)["counterparty"]["number_type"] == "short_code"
    )
    assert (
        "readable_date" not in at(0)["details"]["raw"]
        and at(0)["details"]["raw"]["subscription_component_name"] == "null"
    )
    assert all(
        r["source"] == "import:android-calls" and r["platform"] == "phone" for r in got.values()
    )
    # the file's name and hash, never its size: one incident must not tell how many records
    # its file held (the size is in the import.file entry, which filtered bundles leave out)
    assert at(0)["source_file"] == {
        "name": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def test_surrogate_pair_entities_are_repaired(vault_env: Env, tmp_path: Path) -> None:
    xml = calls_xml([call(0)]).replace(
        b'contact_name="(Unknown)"', b'contact_name="Synthetic &#55357;&#56384; Caller"'
    )
    do_import(vault_env, str(write(tmp_path, "calls.xml", xml)))
    assert rows(vault_env)[0]["details"]["raw"]["contact_name"] == "Synthetic \U0001f440 Caller"


def test_import_is_idempotent_and_overlapping_backups_merge(vault_env: Env, tmp_path: Path) -> None:
    first = write(tmp_path, "calls-1.xml", calls_xml([call(n) for n in range(0, 6)]))
    second = write(tmp_path, "calls-2.xml", calls_xml([call(n) for n in range(3, 9)]))
    assert "added 6, already present 0" in do_import(vault_env, str(first))
    assert "added 0, already present 6" in do_import(vault_env, str(first))
    assert "added 3, already present 3" in do_import(vault_env, str(second))
    assert len(rows(vault_env)) == 9
    assert run_cli(vault_env, "check").code == 0


def test_dry_run_changes_nothing(vault_env: Env, tmp_path: Path) -> None:
    before = snapshot(vault_env.vault_dir)
    out = do_import(
        vault_env, "--dry-run", str(write(tmp_path, "calls.xml", calls_xml([call(0), call(1)])))
    )
    assert "would add 2" in out and "Dry run" in out
    assert snapshot(vault_env.vault_dir) == before


def test_import_itself_is_in_the_ledger(opened: vault.Vault, tmp_path: Path) -> None:
    path = write(tmp_path, "calls.xml", calls_xml([call(0)]))
    result = import_file(opened, path, Options(timezone="Asia/Almaty"))
    last = json.loads(list(opened.entries())[-1][3])
    assert last["type"] == "import.file"
    assert last["body"]["file"] == {
        "name": "calls.xml",
        "sha256": result.sha256,
        "size": path.stat().st_size,
    }
    assert last["body"]["added"] == 1


# --------------------------------------------------------------------------- Android SMS


def test_android_sms_and_mms(vault_env: Env, tmp_path: Path) -> None:
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        '<smses count="5" backup_set="s" backup_date="1">\n'
        f'  <sms protocol="0" address="Kaspi.kz" date="{EPOCH_MS}" type="1" body="Code 1234&#10;do not share" read="1" date_sent="0" contact_name="(Unknown)" />\n'
        f'  <sms address="+447700900123" date="{EPOCH_MS + 1000}" type="1" body="Verify now &#55357;&#56384; https://x.example/v" read="0" />\n'
        f'  <sms address="+447700900123" date="{EPOCH_MS + 2000}" type="2" body="Who is this?" read="1" />\n'
        f'  <sms address="1414" date="{EPOCH_MS + 3000}" type="3" body="draft" read="1" />\n'
        f'  <mms date="{EPOCH_MS + 4000}" msg_box="1" address="+12025550143">\n'
        '    <parts><part ct="application/smil" text="null" /><part ct="text/plain" text="see picture" />'
        '<part ct="image/jpeg" name="pic.jpg" data="AAAA" /></parts>\n'
        '    <addrs><addr address="+12025550143" type="137" /><addr address="+77011234567" type="151" /></addrs>\n'
        "  </mms>\n</smses>\n"
    )
    out = do_import(vault_env, str(write(tmp_path, "sms-20260705.xml", xml)))
    assert "added 4" in out and "skipped 1" in out and "draft" in out
    by_text = {r["details"]["text"]: r for r in rows(vault_env)}
    kaspi = by_text["Code 1234\ndo not share"]
    assert kaspi["counterparty"]["type"] == "alphanumeric" and kaspi["counterparty"]["e164"] is None
    assert kaspi["details"]["opened"] is True and kaspi["platform"] == "sms"
    phishing = by_text["Verify now \U0001f440 https://x.example/v"]
    assert (
        phishing["details"]["links"] == ["https://x.example/v"]
        and phishing["details"]["opened"] is False
    )
    assert by_text["Who is this?"]["details"]["direction"] == "out"
    mms = by_text["see picture"]
    assert mms["counterparty"]["e164"] == "+12025550143"
    assert mms["details"]["raw"]["parts"] == [{"ct": "image/jpeg", "name": "pic.jpg", "bytes": 3}]


# --------------------------------------------------------------------------- WhatsApp

NNBSP = "\u202f"
CHATS = {
    "android-en-us": (
        f"7/4/26, 9:05{NNBSP}PM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n"
        f"7/4/26, 9:05{NNBSP}PM - +44 7700 900123: Hello, is this the editor?\n"
        "Please confirm your account: https://wa-verify.example/x\n"
        f"7/4/26, 9:06{NNBSP}PM - ~{NNBSP}Marat Synthetic: <Media omitted>\n"
        f"7/4/26, 9:07{NNBSP}PM - Aigerim Demo: Who are you?\n"
        f"7/4/26, 9:08{NNBSP}PM - +44 7700 900123: This message was deleted\n"
        f"7/4/26, 9:09{NNBSP}PM - +44 7700 900123: fixed text <This message was edited>\n"
        f"7/4/26, 9:10{NNBSP}PM - +44 7700 900123: IMG-20260704-WA0001.jpg (file attached)\n"
        f"7/14/26, 9:11{NNBSP}PM - +44 7700 900123: line with \u2028 separator inside\n"
    ),
    "android-en-gb": (
        "04/07/2026, 21:05 - +44 7700 900123: Hello\n04/07/2026, 21:06 - Aigerim Demo: Hi\n"
        "13/07/2026, 09:00 - Aigerim Demo: the 13th says the day comes first\n"
    ),
    "android-ru": "04.07.2026, 21:05 - +44 7700 900123: Здравствуйте\n04.07.2026, 21:06 - Aigerim Demo: Кто это?\n",
    "android-kk": "04.07.26, 21:05 - +44 7700 900123: Сәлеметсіз бе\n04.07.26, 21:06 - Aigerim Demo: Сіз кімсіз?\n",
    "ios": (
        "\u200e[04.07.26, 21:05:09] +44 7700 900123: Hello from iOS\n"
        "[04.07.26, 21:05:30] +44 7700 900123: \u200eMissed voice call, \u200eTap to call back\n"
        "[04.07.26, 21:06:00] Aigerim Demo: \u200eVoice call, \u200e12 min\n"
        "[04.07.26, 21:07:00] +44 7700 900123: \u200eVoice call, \u200eNo answer\n"
        "[04.07.26, 21:08:00] +44 7700 900123: \u200e<attached: 00000012-PHOTO-2026-07-04-21-08-00.jpg>\n"
        "[04.07.26 21:09:00] +44 7700 900123: comma missing after the date\n"
    ),
}


@pytest.mark.parametrize("layout", sorted(CHATS))
def test_whatsapp_layouts(vault_env: Env, tmp_path: Path, layout: str) -> None:
    path = write(
        tmp_path,
        f"WhatsApp Chat with +44 7700 900123 ({layout}).txt",
        "\ufeff" + CHATS[layout].replace("\n", "\r\n"),
    )
    do_import(vault_env, str(path), "--mine", "Aigerim Demo")
    got = rows(vault_env)
    first = got[0]
    assert first["occurred_at"].startswith("2026-07-04T21:05") and first["platform"] == "whatsapp"
    assert (
        first["counterparty"]["e164"] == "+447700900123"
        and first["counterparty"]["foreign"] is True
    )
    mine = [r for r in got if r["counterparty"]["raw"] == "Aigerim Demo"]
    assert mine and all(r["details"]["direction"] == "out" for r in mine)
    assert all(r["source"] == "import:whatsapp" for r in got)


def test_whatsapp_android_details(vault_env: Env, tmp_path: Path) -> None:
    do_import(
        vault_env,
        str(write(tmp_path, "chat.txt", CHATS["android-en-us"])),
        "--mine",
        "Aigerim Demo",
    )
    got = rows(vault_env)
    texts = [r["details"].get("text") for r in got]
    assert (
        "Hello, is this the editor?\nPlease confirm your account: https://wa-verify.example/x"
        in texts
    )
    assert "line with \u2028 separator inside" in texts  # U+2028 does not split a message
    by_text = {r["details"]["text"]: r for r in got}
    assert by_text["<Media omitted>"]["details"]["media_omitted"] is True
    assert by_text["<Media omitted>"]["counterparty"]["raw"] == "Marat Synthetic"
    assert by_text["This message was deleted"]["details"]["deleted"] is True
    assert by_text["fixed text"]["details"]["edited"] is True
    attached = by_text["IMG-20260704-WA0001.jpg (file attached)"]
    assert (
        attached["details"]["media"] == ["IMG-20260704-WA0001.jpg"]
        and attached["details"]["media_missing"] is True
    )
    assert len(got) == 7  # the encryption notice is a system line


def test_whatsapp_ios_calls(vault_env: Env, tmp_path: Path) -> None:
    do_import(vault_env, str(write(tmp_path, "_chat.txt", CHATS["ios"])), "--mine", "Aigerim Demo")
    calls = [r for r in rows(vault_env) if r["kind"] == "call"]
    assert [
        (c["details"]["direction"], c["details"].get("outcome"), c["details"].get("duration"))
        for c in calls
    ] == [("in", "missed", None), ("out", "answered", 720), ("in", "missed", None)]


def test_whatsapp_zip_media_become_attachments(vault_env: Env, tmp_path: Path) -> None:
    photo = b"\xff\xd8\xff synthetic jpeg"
    path = tmp_path / "WhatsApp Chat - Demo.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("_chat.txt", CHATS["ios"])
        zf.writestr("00000012-PHOTO-2026-07-04-21-08-00.jpg", photo)
        zf.writestr("__MACOSX/._00000012-PHOTO-2026-07-04-21-08-00.jpg", b"resource fork")
    do_import(vault_env, str(path))
    [with_media] = [r for r in rows(vault_env) if r["attachments"]]
    assert with_media["attachments"][0]["name"] == "00000012-PHOTO-2026-07-04-21-08-00.jpg"
    assert with_media["attachments"][0]["media_type"] == "image/jpeg"
    out = tmp_path / "out"
    assert run_cli(vault_env, "attachment", str(with_media["id"]), "--out", str(out)).code == 0
    assert (out / "00000012-PHOTO-2026-07-04-21-08-00.jpg").read_bytes() == photo
    assert run_cli(vault_env, "check").code == 0


def test_whatsapp_ambiguous_dates_need_date_order(vault_env: Env, tmp_path: Path) -> None:
    mixed = write(
        tmp_path,
        "mixed.txt",
        "04/07/2026, 9:05 PM - +44 7700 900123: Hi\n04/07/2026, 21:06 - X: Yo\n",
    )
    before = snapshot(vault_env.vault_dir)
    asked = run_cli(vault_env, "import", str(mixed))
    assert (
        asked.code == 1 and "--date-order" in asked.err and snapshot(vault_env.vault_dir) == before
    )
    path = write(tmp_path, "chat.txt", "04/07/2026, 21:05 - +44 7700 900123: Hi\n")
    # a 24-hour clock is no proof of the day first (en-US phones may use one): asked, too
    asked = run_cli(vault_env, "import", str(path))
    assert asked.code == 1 and "could be day/month or month/day" in asked.err
    assert snapshot(vault_env.vault_dir) == before
    assert run_cli(vault_env, "import", str(path), "--date-order", "dmy").code == 0
    assert rows(vault_env)[0]["occurred_at"].startswith("2026-07-04T21:05")
    path2 = write(tmp_path, "chat2.txt", "04/07/2026, 21:05 - +44 7700 900123: Hi again\n")
    assert run_cli(vault_env, "import", str(path2), "--date-order", "mdy").code == 0
    assert any(r["occurred_at"].startswith("2026-04-07T21:05") for r in rows(vault_env))


def test_whatsapp_roundtrip_property(tmp_path_factory: pytest.TempPathFactory) -> None:
    from blockwatch.importers import Draft, whatsapp

    texts = st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\u0085"
        ),
        min_size=1,
        max_size=40,
    ).filter(
        # a leading U+200E/U+FEFF is the format's own mark (iOS): the parser strips it
        lambda s: (
            s.strip() == s and not whatsapp._match(s) and not s.startswith(("\u200e", "\ufeff"))
        )
    )
    names = st.sampled_from(
        ["+44 7700 900123", "Marat Synthetic", "Aigerim Demo", "+1 202 555 0143"]
    )
    minutes = st.integers(0, 60 * 24 * 365)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(minutes, names, texts), min_size=1, max_size=15))
    def check(records: list[tuple[int, str, str]]) -> None:
        records = sorted(records)
        lines = []
        for m, author, text in records:
            t = datetime(2026, 1, 13) + timedelta(minutes=m)
            lines.append(f"{t:%d.%m.%Y}, {t:%H:%M} - {author}: {text}")
        path = tmp_path_factory.mktemp("wa") / "chat.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        parsed = [
            d for d in whatsapp.parse(path, Options(timezone="Asia/Almaty")) if isinstance(d, Draft)
        ]
        assert [(d.counterparty, d.details.get("text")) for d in parsed] == [
            (a, t) for _, a, t in records
        ]

    check()


def test_calls_xml_roundtrip_property(tmp_path_factory: pytest.TempPathFactory) -> None:
    from blockwatch.importers import Draft, android

    numbers = st.sampled_from(["+12025550143", "+447700900123", "87011234567", "", "-2", "1414"])

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 10**12), numbers, st.sampled_from("1234567"), st.integers(0, 9999)
            ),
            min_size=1,
            max_size=30,
        )
    )
    def check(records: list[tuple[int, str, str, int]]) -> None:
        path = tmp_path_factory.mktemp("calls") / "calls.xml"
        path.write_bytes(
            calls_xml(
                [
                    {
                        "number": n,
                        "date": str(EPOCH_MS + d),
                        "type": t,
                        "duration": str(s),
                        "presentation": "1",
                    }
                    for d, n, t, s in records
                ]
            )
        )
        parsed = [d for d in android.parse_calls(path, Options()) if isinstance(d, Draft)]
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        assert [
            (
                (p.occurred_at - epoch) // timedelta(milliseconds=1),
                p.counterparty,
                p.details["duration"],
            )
            for p in parsed
        ] == [(EPOCH_MS + d, n, s) for d, n, _t, s in records]

    check()


# --------------------------------------------------------------------------- Telegram and CSV


def telegram_chat(chat_id: int = 1001) -> dict:
    return {
        "name": "Unknown Caller",
        "type": "personal_chat",
        "id": chat_id,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2026-07-04T21:05:09",
                "date_unixtime": "1783181109",
                "from": "Unknown Caller",
                "from_id": "user777",
                "text": "Hello, confirm here",
                "text_entities": [],
            },
            {
                "id": 2,
                "type": "message",
                "date": "2026-07-04T21:06:00",
                "date_unixtime": "1783181160",
                "from": "Unknown Caller",
                "from_id": "user777",
                "text": ["Open ", {"type": "link", "text": "https://tg-verify.example"}, " now"],
            },
            {
                "id": 3,
                "type": "service",
                "date": "2026-07-04T21:07:00",
                "date_unixtime": "1783181220",
                "actor": "Unknown Caller",
                "actor_id": "user777",
                "action": "phone_call",
                "discard_reason": "missed",
            },
            {
                "id": 4,
                "type": "service",
                "date": "2026-07-04T21:08:00",
                "date_unixtime": "1783181280",
                "actor": "Aigerim Demo",
                "actor_id": "user42",
                "action": "phone_call",
                "duration_seconds": 65,
                "discard_reason": "hangup",
            },
            {
                "id": 5,
                "type": "service",
                "date": "2026-07-04T21:09:00",
                "date_unixtime": "1783181340",
                "actor": "Unknown Caller",
                "actor_id": "user777",
                "action": "pin_message",
            },
            {
                "id": 6,
                "type": "message",
                "date_unixtime": "1783181400",
                "from": "Unknown Caller",
                "from_id": "user777",
                "text": "",
                "photo": "(File not included. Change data exporting settings to download.)",
            },
        ],
    }


def test_telegram_single_chat_and_full_export(vault_env: Env, tmp_path: Path) -> None:
    single = write(tmp_path, "result.json", json.dumps(telegram_chat()))
    out = do_import(vault_env, str(single))
    assert "added 5" in out and "skipped 1" in out
    full = write(
        tmp_path,
        "full.json",
        json.dumps(
            {
                "personal_information": {"user_id": 42},
                "chats": {"list": [telegram_chat(), telegram_chat(1002)]},
            }
        ),
    )
    assert "added 5, already present 5" in do_import(vault_env, str(full))
    got = [r for r in rows(vault_env) if r["details"]["raw"]["chat"]["id"] == 1002]
    by_id = {r["details"]["raw"]["id"]: r for r in got}
    assert by_id[2]["details"]["text"] == "Open https://tg-verify.example now"
    assert by_id[2]["details"]["links"] == ["https://tg-verify.example"]
    assert by_id[3]["kind"] == "call" and by_id[3]["details"]["outcome"] == "missed"
    assert by_id[4]["details"] == {
        **by_id[4]["details"],
        "direction": "out",
        "outcome": "answered",
        "duration": 65,
    }
    assert (
        by_id[1]["occurred_at"] == "2026-07-04T21:05:09+05:00"
        and by_id[1]["platform"] == "telegram"
    )
    assert by_id[6]["details"]["media"][0].startswith("(File not included")


def test_csv_iexplorer_and_generic_with_column_map(vault_env: Env, tmp_path: Path) -> None:
    iexplorer = (
        '"Contact","Number","Date","Duration","Call Type","Unformatted Number","Number Geo Description"\n'
        '"","+1 (202) 555-0143","2026-07-04 21:05:09","0:00","Missed","+12025550143","Washington, DC"\n'
        '"Synthetic","+44 7700 900123","2026-07-04 21:06:00","1:05","Incoming","+447700900123","United Kingdom"\n'
    )
    do_import(vault_env, str(write(tmp_path, "iexplorer.csv", iexplorer)))
    generic = "When;Phone;Kind\n04.07.2026 21:10;+33639980011;missed\n"
    do_import(
        vault_env,
        str(write(tmp_path, "generic.csv", generic)),
        "--column-map",
        "date=When,number=Phone,type=Kind",
    )
    got = rows(vault_env)
    assert [r["counterparty"]["e164"] for r in got] == [
        "+12025550143",
        "+447700900123",
        "+33639980011",
    ]
    assert got[1]["details"]["duration"] == 65 and got[1]["details"]["outcome"] == "answered"
    assert (
        got[2]["details"]["outcome"] == "missed"
        and got[2]["occurred_at"] == "2026-07-04T21:10:00+05:00"
    )


# --------------------------------------------------------------------------- bad input


BAD = {
    "malformed.xml": (calls_xml([call(0)])[:-30] + b"<call <<", "line"),
    "truncated.json": (json.dumps(telegram_chat())[:200].encode(), "line 1, column"),
    "chat.txt": (b"just some words\nwithout any date at all, really\n", "not a format"),
    "unknown.csv": (b"alpha,beta,gamma\n1,2,3\n", "unknown CSV layout"),
    "notes.txt": (b"nothing to see here", "not a format"),
    "garbage.bin": (bytes(range(256)) * 8, "binary"),
    "empty.xml": (b"", "empty"),
    "empty.zip": (b"PK\x05\x06" + bytes(18), "empty zip"),
    "zero.zip": (b"", "empty"),
    # a message line whose clock was changed by hand: never merged into the message before it
    "ios-edited.txt": (
        b"[04.07.26, 21:05:09] A: one\n[04.07.26, 21:06:1O] B: two\n",
        "line 2: starts like a message, but '04.07.26, 21:06:1O' is not a time",
    ),
    "older-edited.txt": (
        b"7/8/12, 3:20:08 PM: A: one\n7/8/12, 3:21_08 PM: B: two\n",
        "line 2: starts like a message, but '7/8/12, 3:21_08 PM' is not a time",
    ),
    "android-edited.txt": (
        b"04.07.26, 21:05 - A: one\n04.07.26, 21.06h - B: two\n",
        "line 2: starts like a message, but '04.07.26, 21.06h' is not a time",
    ),
    # damaged files: one clear line, never a crash (issue 14)
    "enc.xml": (
        b"<?xml version='1.0' encoding='UTF-0000'?>\n<calls count='0'></calls>\n",
        "line 1: the XML declares an encoding no one knows (unknown encoding: UTF-0000)",
    ),
    "duration.xml": (
        calls_xml([call(0, duration="9" * 5000)]),
        "<call> element 1: duration='" + "9" * 40 + "…' is not a number of seconds",
    ),
    "date-only.json": (
        b'{"name": "X", "id": 1, "messages": [{"id": 1, "type": "message", '
        b'"date": "-99999-01-01T00:00:00", "from": "A", "text": "x"}]}',
        "chat 1, message 1: date='-99999-01-01T00:00:00' is not a date and time",
    ),
    "field.csv": (
        b"Date,Number,Type\n2026-07-04 10:00,+77011234567," + b"x" * 140_000 + b"\n",
        "line 2: not a readable CSV row (field larger than field limit (131072))",
    ),
    # a message longer than the vault keeps: named with its place, not as a --text error
    "long.txt": (
        b"04.07.26, 21:05 - A: start\n" + b"x\n" * 60_000 + b"04.07.26, 21:06 - B: end\n",
        "line 1: a message of 120005 characters, more than the 100000 kept",
    ),
    "long.json": (
        b'{"name": "X", "id": 1, "messages": [{"id": 1, "type": "message", '
        b'"date_unixtime": "1783181109", "from": "A", "text": "' + b"y" * 100_001 + b'"}]}',
        "the record of 2026-07-04T16:05:09+00:00: a message of 100001 characters",
    ),
    # other apps' exports are named for what they are
    "signal.txt": (b"[2026-07-04, 21:05] A: hi\n[2026-07-04, 21:06] B: hello\n", "Signal"),
    "messenger.json": (
        b'{"participants": [{"name": "A"}], "messages": '
        b'[{"sender_name": "A", "timestamp_ms": 1783181109000, "content": "x"}]}',
        "an Instagram or Facebook Messenger export",
    ),
    "not-telegram.json": (
        b'{"name": "X", "messages": [{"id": 1, "text": "hi"}]}',
        "chat 'X', message 1: not a Telegram message",
    ),
}


# what each bad file is told, in full: (the error after the file's name, the hint)
BAD_SAID = {
    "android-edited.txt": (
        "line 2: starts like a message, but '04.07.26, 21.06h' is not a time WhatsApp writes",
        "the file was changed after it was exported; export the chat again",
    ),
    "chat.txt": (
        "line 1: not a format blockwatch can import",
        "expected calls/sms XML, a WhatsApp chat (.txt/.zip), Telegram result.json or a CSV with a header; or give --format",
    ),
    "date-only.json": (
        "chat 1, message 1: date='-99999-01-01T00:00:00' is not a date and time",
        "export the chat again with Telegram Desktop (JSON format)",
    ),
    "duration.xml": (
        "<call> element 1: duration='" + "9" * 40 + "…' is not a number of seconds a call lasts",
        "the backup was changed or damaged; make it again with SMS Backup & Restore",
    ),
    "empty.xml": (
        "the file is empty",
        "export again from the phone; the file has no content",
    ),
    "empty.zip": (
        "an empty zip archive",
        "export the chat again",
    ),
    "enc.xml": (
        "line 1: the XML declares an encoding no one knows (unknown encoding: UTF-0000)",
        "the backup may be cut short or damaged; make it again",
    ),
    "field.csv": (
        "line 2: not a readable CSV row (field larger than field limit (131072))",
        "the file may be damaged; export it again",
    ),
    "garbage.bin": (
        "byte 128: binary data, not a text export",
        "expected calls/sms XML, a WhatsApp chat, Telegram JSON or a CSV",
    ),
    "ios-edited.txt": (
        "line 2: starts like a message, but '04.07.26, 21:06:1O' is not a time WhatsApp writes",
        "the file was changed after it was exported; export the chat again",
    ),
    "long.json": (
        "the record of 2026-07-04T16:05:09+00:00: a message of 100001 characters, more than the 100000 kept",
        "the file may be damaged; export it again",
    ),
    "long.txt": (
        "line 1: a message of 120005 characters, more than the 100000 kept",
        "the file may be damaged; export it again",
    ),
    "malformed.xml": (
        "line 4, column 211: malformed XML (not well-formed (invalid token))",
        "the backup may be cut short or damaged; make it again",
    ),
    "messenger.json": (
        "position 0: an Instagram or Facebook Messenger export, not a Telegram one",
        "blockwatch cannot read it; log what matters with 'blockwatch log'",
    ),
    "not-telegram.json": (
        "chat 'X', message 1: not a Telegram message (no 'type' and no 'date')",
        "expected Telegram Desktop's result.json (Export chat history, JSON)",
    ),
    "notes.txt": (
        "line 1: not a format blockwatch can import",
        "expected calls/sms XML, a WhatsApp chat (.txt/.zip), Telegram result.json or a CSV with a header; or give --format",
    ),
    "older-edited.txt": (
        "line 2: starts like a message, but '7/8/12, 3:21_08 PM' is not a time WhatsApp writes",
        "the file was changed after it was exported; export the chat again",
    ),
    "signal.txt": (
        "line 1: a Signal chat export, not a WhatsApp one",
        "blockwatch cannot read it; log what matters with 'blockwatch log'",
    ),
    "truncated.json": (
        "line 1, column 195: broken JSON (Unterminated string starting at)",
        "the file may be cut short; export it again",
    ),
    "unknown.csv": (
        "line 1: unknown CSV layout: no number and date columns in the header",
        "name them with --column-map number=COLUMN,date=COLUMN (header: alpha, beta, gamma)",
    ),
    "zero.zip": (
        "an empty zip archive",
        "export the chat again",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_are_one_line_exit_1_vault_unchanged(
    vault_env: Env, tmp_path: Path, name: str
) -> None:
    data, message = BAD[name]
    path = write(tmp_path, name, data)
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1, (done.out, done.err)
    error, hint = BAD_SAID[name]
    assert message in error
    assert done.err == f"blockwatch: error: {path}: {error}\nblockwatch: hint: {hint}\n"
    assert snapshot(vault_env.vault_dir) == before


def test_a_pasted_ios_line_inside_an_android_message_is_its_text(
    vault_env: Env, tmp_path: Path
) -> None:
    chat = "04.07.26, 21:05 - A: forwarded:\n[04.07.26, 21:00:01] B: original\n"
    done = run_cli(vault_env, "import", "--json", str(write(tmp_path, "chat.txt", chat)))
    assert done.code == 0, done.err
    [view] = json.loads(run_cli(vault_env, "list", "--json").out)
    assert view["details"]["text"] == "forwarded:\n[04.07.26, 21:00:01] B: original"


def test_whatsapp_chat_with_no_parseable_line_names_it(vault_env: Env, tmp_path: Path) -> None:
    path = write(tmp_path, "WhatsApp Chat with X.txt", "hello\nworld\n")
    done = run_cli(vault_env, "import", str(path), "--format", "whatsapp")
    assert done.code == 1 and "no WhatsApp message line" in done.err and "line 1" in done.err


def test_a_damaged_whatsapp_zip_is_one_line(vault_env: Env, tmp_path: Path) -> None:
    path = tmp_path / "chat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", CHATS["ios"] * 50)
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # inside the compressed chat
    path.write_bytes(bytes(data))
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "the zip is damaged" in done.err.splitlines()[0], done.err
    assert "Traceback" not in done.err and snapshot(vault_env.vault_dir) == before


def test_a_damaged_media_file_in_a_whatsapp_zip_is_one_line(vault_env: Env, tmp_path: Path) -> None:
    path = tmp_path / "chat.zip"
    chat = "04.07.26, 21:05 - A: IMG-20260704-WA0001.jpg (file attached)\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", chat)
        zf.writestr("IMG-20260704-WA0001.jpg", bytes(range(256)) * 400)
    data = path.read_bytes()
    start = data.index(b"IMG-20260704-WA0001.jpg") + len(b"IMG-20260704-WA0001.jpg") + 40
    path.write_bytes(data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1 :])
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "the zip is damaged" in done.err.splitlines()[0], done.err
    assert "Traceback" not in done.err and snapshot(vault_env.vault_dir) == before


def test_a_zipped_chat_over_the_cap_is_refused_before_it_is_read(
    vault_env: Env, tmp_path: Path
) -> None:
    from blockwatch.importers.whatsapp import MAX_CHAT_BYTES

    path = tmp_path / "bomb.zip"
    line = b"04.07.26, 21:05 - A: " + b"a" * 1000 + b"\n"
    block = line * (1024 * 1024 // len(line) + 1)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("_chat.txt", "w", force_zip64=True) as f,
    ):
        written = 0
        while written <= MAX_CHAT_BYTES:
            f.write(block)
            written += len(block)
    assert path.stat().st_size < 8 * 1024 * 1024  # a small file that would become 512 MiB
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1, done.err
    assert done.err.splitlines()[0].endswith("member '_chat.txt': the chat is larger than 512 MiB")


def test_zip_with_path_traversal_is_refused(vault_env: Env, tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("_chat.txt", CHATS["ios"])
        zf.writestr("../../etc/cron.d/x", b"* * * * * root rm -rf /")
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "path traversal" in done.err and "../../etc/cron.d/x" in done.err
    assert snapshot(vault_env.vault_dir) == before


def test_an_error_late_in_a_file_imports_nothing_of_it(vault_env: Env, tmp_path: Path) -> None:
    good = calls_xml([call(n) for n in range(50)])
    bad = good.replace(f'date="{EPOCH_MS + 40 * 60_000}"'.encode(), b'date="yesterday"')
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(write(tmp_path, "calls.xml", bad)))
    assert done.code == 1 and "<call> element 41" in done.err and "epoch milliseconds" in done.err
    assert snapshot(vault_env.vault_dir) == before


def test_missing_file_and_bad_options(vault_env: Env, tmp_path: Path) -> None:
    assert "does not exist" in run_cli(vault_env, "import", str(tmp_path / "nope.xml")).err
    path = write(tmp_path, "calls.xml", calls_xml([call(0)]))
    assert "not one of" in run_cli(vault_env, "import", str(path), "--format", "pdf").err
    assert "FIELD=COLUMN" in run_cli(vault_env, "import", str(path), "--column-map", "bogus").err
    assert "time zone" in run_cli(vault_env, "import", str(path), "--timezone", "Mars/Base").err


# --------------------------------------------------------------------------- stats


def test_stats_after_a_flood(vault_env: Env, tmp_path: Path) -> None:
    flood = [
        call(n, number=num)
        for n, num in enumerate(
            ["+447700900123", "+12025550143", "+447700900456", "-2", "+33639980011", "87011234567"]
            * 3
        )
    ]
    do_import(vault_env, str(write(tmp_path, "calls.xml", calls_xml(flood))))
    assert (
        run_cli(
            vault_env, "log", "block", "--platform", "whatsapp", "--at", "2026-07-04 21:40"
        ).code
        == 0
    )
    s = json.loads(run_cli(vault_env, "stats", "--json").out)
    assert s["calls"] == {"total": 18, "foreign": 12, "domestic": 3, "withheld": 3, "unknown": 0}
    assert s["foreign_calls_by_country"] == {"GB": 6, "US": 3, "FR": 3}
    assert s["busiest_foreign_hour"]["count"] == 12
    assert s["first_foreign_contact_to_block"][0]["seconds"] == 34 * 60 + 51  # 21:05:09 -> 21:40
    assert s["calls_per_day"] == {"2026-07-04": 18}
    text = run_cli(vault_env, "stats").out
    assert "busiest hour of foreign calls: 12 calls" in text and "#" in text
    assert "\x1b" not in text


def test_stats_from_extracted_fields_equal_stats_from_documents(
    vault_env: Env, tmp_path: Path
) -> None:
    from blockwatch import stats as summary

    do_import(
        vault_env,
        str(
            write(
                tmp_path,
                "calls.xml",
                calls_xml(
                    [
                        call(n, number=num)
                        for n, num in enumerate(["+447700900123", "-2", "87011234567", "1414"] * 4)
                    ]
                ),
            )
        ),
    )
    do_import(vault_env, str(write(tmp_path, "result.json", json.dumps(telegram_chat()))))
    assert (
        run_cli(
            vault_env,
            "log",
            "appeal",
            "--to",
            "police",
            "--due",
            "2026-07-12",
            "--at",
            "2026-07-05 10:00",
        ).code
        == 0
    )
    with vault.unlock(vault_env, PASSPHRASE) as v:
        today = date(2026, 7, 20)  # the appeal is overdue by then
        from_index = summary.summarize_rows(*v.summary_rows(), "Asia/Almaty", today)
        assert from_index == summary.summarize(v.incidents(), "Asia/Almaty", today)
        assert from_index["appeals"][0]["overdue"] is True


def test_deeply_nested_json_is_refused(vault_env: Env, tmp_path: Path) -> None:
    path = write(tmp_path, "result.json", '{"messages": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "nested too deeply" in done.err


def _log_while_reading(vault_env: Env, monkeypatch: pytest.MonkeyPatch, at: int) -> list[Run]:
    """Make the next import read its file slowly: when its ``at``-th record is read, another
    process logs a note with no wait allowed (BLOCKWATCH_BUSY_TIMEOUT 0).  The list the
    ``log``'s result goes into."""
    from blockwatch import importing

    impatient = Env(
        vault_dir=vault_env.vault_dir,
        environ={**vault_env.environ, "BLOCKWATCH_BUSY_TIMEOUT": "0"},
        now=vault_env.now,
    )
    real = importing.parser
    logged: list[Run] = []

    def reading_slowly(fmt):  # type: ignore[no-untyped-def]
        def parse(path, options):  # type: ignore[no-untyped-def]
            for n, item in enumerate(real(fmt)(path, options)):
                if n == at:
                    logged.append(run_cli(impatient, "log", "note", "--text", "typed meanwhile"))
                yield item

        return parse

    monkeypatch.setattr(importing, "parser", reading_slowly)
    return logged


def test_a_log_while_a_file_is_read_does_not_wait_for_the_import(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, busy not lost: an import reads, checks and encodes the whole file before it
    takes the vault's write lock.  A `log` typed while the file is read is written at once
    (with no wait allowed at all), and the import, written after it, is still whole."""
    path = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(50)]))
    logged = _log_while_reading(vault_env, monkeypatch, 25)  # half the file read
    do_import(vault_env, str(path))
    [done] = logged
    assert done.code == 0, done.err  # not "the vault is busy"
    got = rows(vault_env)
    assert [r["kind"] for r in got].count("call") == 50
    [note] = [r for r in got if r["kind"] == "note"]
    assert note["id"] == 1 and note["details"]["text"] == "typed meanwhile"  # written first
    assert run_cli(vault_env, "check").code == 0


def test_records_another_import_wrote_meanwhile_count_as_present(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports of overlapping backups at once: the one that writes last finds the shared
    records already there — counted as present, never stored twice, never a crash."""
    from blockwatch import importing

    first = write(tmp_path, "first.xml", calls_xml([call(n) for n in range(40)]))
    second = write(tmp_path, "second.xml", calls_xml([call(n) for n in range(30, 60)]))
    real = importing.parser
    other = []

    def reading_slowly(fmt):  # type: ignore[no-untyped-def]
        def parse(path, options):  # type: ignore[no-untyped-def]
            for n, item in enumerate(real(fmt)(path, options)):
                if n == 10 and not other and path == first:
                    monkeypatch.setattr(importing, "parser", real)
                    other.append(run_cli(vault_env, "import", str(second), "--json"))
                yield item

        return parse

    monkeypatch.setattr(importing, "parser", reading_slowly)
    done = run_cli(vault_env, "import", str(first), "--json")
    assert done.code == 0, done.err
    [summary] = json.loads(done.out)
    assert (summary["added"], summary["already_present"]) == (30, 10)  # calls 30-39 came first
    [meanwhile] = json.loads(other[0].out)
    assert (meanwhile["added"], meanwhile["already_present"]) == (30, 0)
    assert [r["kind"] for r in rows(vault_env)].count("call") == 60
    assert run_cli(vault_env, "check").code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [_second, (_seq, _at, body)] = list(v.entries_of_type("import.file"))
        assert (body["added"], body["already_present"]) == (30, 10)


def _staged(env: Env) -> int:
    with vault.unlock(env, PASSPHRASE) as v:
        row = v.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'staging'").fetchone()
        return v.conn.execute("SELECT count(*) FROM staging").fetchone()[0] if row[0] else 0


def test_a_file_that_fails_after_thousands_of_staged_records_leaves_nothing(
    vault_env: Env, tmp_path: Path
) -> None:
    """Records are staged in the vault a few thousand at a time while the file is read: a
    damaged record near its end refuses the whole file, and what was staged is gone too."""
    calls = [call(n, date=str(EPOCH_MS - n * 10_000)) for n in range(4500)]  # every 10 s
    calls[4321] = call(4321, date="99999999999999999999")
    path = write(tmp_path, "calls.xml", calls_xml(calls))
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "Traceback" not in done.err
    assert rows(vault_env) == [] and _staged(vault_env) == 0
    assert run_cli(vault_env, "check").code == 0
    fine = write(tmp_path, "fine.xml", calls_xml(calls[:4321]))
    assert run_cli(vault_env, "import", str(fine)).code == 0
    assert len(rows(vault_env)) == 4321 and _staged(vault_env) == 0


def _whatsapp_with_media(tmp_path: Path, count: int, *, late_damage: bool = False) -> Path:
    """A WhatsApp export with ``count`` messages, each carrying a photo of its own (300 KiB)."""
    from blockwatch import incidents

    path = tmp_path / "chat-with-media.zip"
    lines, files = [], []
    for n in range(count):
        name = f"IMG-20260704-WA{n:04d}.jpg"
        lines.append(f"04.07.26, 21:{n % 60:02d} - +44 7700 900123: {name} (file attached)\n")
        files.append((name, bytes([n % 256]) * 300_000 + n.to_bytes(4, "big")))
    if late_damage:  # a message longer than a vault keeps, near the end
        lines.append("04.07.26, 22:00 - +44 7700 900123: " + "a" * (incidents.MAX_TEXT + 1) + "\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", "".join(lines))
        for name, data in files:
            zf.writestr(name, data)
    return path


def _staged_files(env: Env) -> tuple[int, int, int]:
    """(staged files, staged chunks, files stored in the vault)."""
    with vault.unlock(env, PASSPHRASE) as v:
        tables = {r[0] for r in v.conn.execute("SELECT name FROM sqlite_master")}
        count = lambda t: v.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
        return (
            count("staging_files") if "staging_files" in tables else 0,
            count("staging_chunks") if "staging_chunks" in tables else 0,
            count("blobs"),
        )


def test_a_log_while_whatsapp_media_are_read_does_not_wait_for_the_import(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the media of a WhatsApp export are staged a few chunks per short write, like
    the records, not stored inside the import's last write -- a `log` typed while they are
    read is written at once (no wait allowed), and the import is still whole, media and all."""
    path = _whatsapp_with_media(tmp_path, 12)
    logged = _log_while_reading(vault_env, monkeypatch, 6)  # half the messages and photos staged
    do_import(vault_env, str(path))
    [done] = logged
    assert done.code == 0, done.err  # not "the vault is busy"
    got = rows(vault_env)
    [note] = [r for r in got if r["kind"] == "note"]
    assert note["id"] == 1 and note["details"]["text"] == "typed meanwhile"  # written first
    photos = [a for r in got for a in r["attachments"]]
    assert len(photos) == 12 and len({a["sha256"] for a in photos}) == 12
    assert _staged_files(vault_env) == (0, 0, 12)  # moved into the vault, staging emptied
    assert run_cli(vault_env, "check").code == 0
    last = max(r["id"] for r in got)
    shown = run_cli(vault_env, "attachment", str(last), "--out", str(tmp_path / "out"))
    assert shown.code == 0, shown.err
    [saved] = (tmp_path / "out").iterdir()
    assert saved.read_bytes() == bytes([11]) * 300_000 + (11).to_bytes(4, "big")


def test_a_media_import_refused_late_leaves_no_file_staged_or_stored(
    vault_env: Env, tmp_path: Path
) -> None:
    path = _whatsapp_with_media(tmp_path, 5, late_damage=True)
    done = run_cli(vault_env, "import", str(path))
    assert done.code == 1 and "Traceback" not in done.err, done.err
    assert rows(vault_env) == []
    assert _staged_files(vault_env) == (0, 0, 0)
    assert run_cli(vault_env, "check").code == 0
