"""Issue 15, item 1: the report a Russian- or Kazakh-speaking officer reads has no English word,
no field identifier, no Python or JSON repr and no uid -- for a scenario that uses every kind,
every detail field, every outcome and status, and every kind of correction.

What may stay in Latin letters is listed: brand names, units and formats every reader knows
(SHA-256, UTC, PNG), the names of the bundle's files and of the tools that check them, hashes,
phone numbers, links.  The scenario's own data is written in Russian and Kazakh, so any other
Latin word in the page is blockwatch's, and a defect.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import run_cli
from .test_import import call, calls_xml, write

ALLOWED = {
    # brands and the names of things, as every language writes them
    "WhatsApp", "Telegram", "Instagram", "Facebook", "Android", "blockwatch", "openssl",
    "sha256sum", "BagIt", "Ed25519", "SHA", "UTC", "PNG", "CSV", "JSON", "SMS", "B",
    "image", "png", "RFC",
}  # fmt: skip
_FILES = re.compile(r"[\w.-]+\.(?:txt|pem|json|html|png|zip|tsr)\b|data/[\w./-]+")


def _scenario(env: Env, tmp: Path, lang: str) -> str:
    shot = tmp / "снимок.png"
    shot.write_bytes(bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 64)

    def log(*args: str) -> None:
        done = run_cli(env, "--lang", lang, "log", *args, "--yes")
        assert done.code == 0, (args, done.err)

    assert run_cli(env, "init", "--timezone", "Asia/Almaty").code == 0
    log(
        "message",
        "+447700900123",
        "--platform",
        "whatsapp",
        "--at",
        "2026-07-04 20:41",
        "--text",
        "Подтвердите аккаунт: https://wa-verify.example/x",
        "--opened",
    )
    for minute, number, outcome, direction in (
        ("20:46", "+447700900123", "missed", "in"),
        ("20:48", "+12025550143", "answered", "in"),
        ("20:50", "withheld", "rejected", "in"),
        ("20:52", "+33639980011", "blocked", "in"),
        ("20:54", "+77011234567", "answered", "out"),
    ):
        log(
            "call",
            number,
            "--platform",
            "whatsapp",
            "--at",
            f"2026-07-04 {minute}",
            "--outcome",
            outcome,
            "--direction",
            direction,
            "--duration",
            "95",
        )
    log(
        "block",
        "--platform",
        "whatsapp",
        "--at",
        "2026-07-04 21:52",
        "--account",
        "+77011234567",
        "--notice",
        "Аккаунт заблокирован",
        "--appeal-offered",
        "--attach",
        str(shot),
    )
    log(
        "takedown",
        "--platform",
        "instagram",
        "--at",
        "2026-07-05 08:00",
        "--account",
        "журналист",
        "--notice",
        "Публикация удалена",
        "--reason",
        "авторское право",
        "--claimant",
        "ТОО «Ромашка»",
        "--url",
        "https://instagram.example/p/1",
    )
    log(
        "compromise",
        "--platform",
        "telegram",
        "--at",
        "2026-07-05 08:30",
        "--notice",
        "Вход с нового устройства",
    )
    log(
        "appeal",
        "--to",
        "whatsapp",
        "--channel",
        "in-app",
        "--about",
        "7",
        "--at",
        "2026-07-05 09:10",
        "--ref",
        "№ 123",
        "--due-in",
        "5 working days",
    )
    log(
        "appeal",
        "--to",
        "police",
        "--channel",
        "in-person",
        "--about",
        "2",
        "--about",
        "3",
        "--at",
        "2026-07-05 10:00",
        "--text",
        "Заявление о звонках",
    )
    log("note", "--at", "2026-07-05 10:30", "--text", "Свой комментарий")
    # the law's deadline and the body's promise (issue 19)
    log("appeal", "--to", "akimat", "--at", "2026-07-05 10:40", "--promised-in", "5 рабочих дней")
    log("appeal", "--to", "state-body", "--at", "2026-07-05 10:45", "--due", "2026-07-20")
    # a call of every type Android writes, and every reason Telegram gives for a call's end
    types = [call(n, type=str(n + 1), duration="30" if n < 2 else "0") for n in range(7)]
    calls = write(tmp, "calls.xml", calls_xml(types))
    done = run_cli(env, "--lang", lang, "import", str(calls))
    assert done.code == 0, done.err
    chat = write(tmp, "result.json", json.dumps(_telegram_calls()))
    done = run_cli(env, "--lang", lang, "import", str(chat))
    assert done.code == 0, done.err
    for args in (
        ("appeal", "10", "--status", "acknowledged", "--note", "получено"),
        ("appeal", "10", "--status", "rejected"),
        ("appeal", "11", "--status", "registered", "--ref", "261500031000123"),
        ("appeal", "11", "--status", "granted"),
        ("appeal", "13", "--extended-to", "2026-08-20", "--note", "запрос операторам"),
        ("appeal", "14", "--status", "not-accepted"),
        ("amend", "2", "--outcome", "answered", "--duration", "30", "--why", "уточнено"),
        ("amend", "3", "--at", "2026-07-04 20:49", "--platform", "telegram", "--why", "ошибка"),
        ("amend", "4", "--number", "+79161234567", "--why", "номер определился"),
        ("amend", "7", "--appeal-offered", "--notice", "Аккаунт заблокирован навсегда"),
        ("amend", "12", "--note", "дополнено"),
    ):
        done = run_cli(env, "--lang", lang, *args)
        assert done.code == 0, (args, done.err)
    out = tmp / f"bundle-{lang}.zip"
    done = run_cli(env, "--lang", lang, "export", str(out), "--case", "Дело")
    assert done.code == 0, done.err
    with zipfile.ZipFile(out) as z:
        [name] = [n for n in z.namelist() if n.endswith("report.html")]
        return z.read(name).decode()


def _telegram_calls() -> dict:  # type: ignore[type-arg]
    """A Telegram chat export of four calls, one for each reason Telegram gives for an end."""
    reasons = ["missed", "busy", "hangup", "disconnect"]
    return {
        "name": "Неизвестный",
        "type": "personal_chat",
        "id": 2002,
        "messages": [
            {
                "id": n + 1,
                "type": "service",
                "date": f"2026-07-05T11:0{n}:00",
                "date_unixtime": str(1783231200 + n * 60),
                "actor": "Неизвестный",
                "actor_id": "user778",
                "action": "phone_call",
                "discard_reason": reason,
            }
            for n, reason in enumerate(reasons)
        ],
    }


def _letters(env: Env, tmp: Path, lang: str) -> dict[str, str]:
    """Every letter in ``lang`` about the scenario, referring to its bundle; the counter-notice
    is in English by law, and is left out."""
    from blockwatch.report import letters

    drafted = {}
    for kind in letters.TYPES:
        if letters.language(kind, lang) != lang:
            continue
        out = tmp / f"{kind}-{lang}.html"
        about = ["--about", "13"] if kind in letters.NEXT_STEPS else []  # the akimat appeal
        done = run_cli(
            env, "--lang", lang, "letter", kind, "--out", str(out),
            "--bundle", str(tmp / f"bundle-{lang}.zip"), *about,
        )  # fmt: skip
        assert done.code == 0, (kind, done.err)
        drafted[kind] = out.read_text(encoding="utf-8")
    return drafted


def _latin_words(page: str) -> list[str]:
    body = re.sub(r"(?s)<(style|script|head)\b.*?</\1>", " ", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(
        r"'blockwatch [^']*'|\bsha256sum\b|blockwatch-[\w-]+", " ", text
    )  # commands, names
    text = re.sub(r"\([A-Z]{2}\)", " ", text)  # a country's ISO code after its name
    text = _FILES.sub(" ", text)
    text = re.sub(r"\b[0-9a-f]{16,}\b|blockwatch/[0-9a-f]+|\+\d+", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z_]*", text) if w not in ALLOWED})


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_report_has_no_english_word_no_identifier_and_no_uid(
    env: Env, tmp_path: Path, lang: str
) -> None:
    page = _scenario(env, tmp_path, lang)
    assert _latin_words(page) == []
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", page)  # a uid
    assert "{'" not in page and "': " not in page and "None" not in page  # a Python repr
    assert "#7" in page  # the appeal names the block by its number


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_letter_has_no_english_word_no_identifier_and_no_uid(
    env: Env, tmp_path: Path, lang: str
) -> None:
    _scenario(env, tmp_path, lang)
    drafted = _letters(env, tmp_path, lang)
    assert set(drafted) == {
        "police",
        "platform",
        "ministry",
        "generic",
        "whatsapp-review",
        "complaint-higher-body",
        "prosecutor",
    }
    for kind, page in drafted.items():
        assert _latin_words(page) == [], kind
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", page), kind
        assert "None" not in page and "{'" not in page, kind


def test_the_detector_finds_english_and_identifiers() -> None:
    assert _latin_words("<p>исход: missed; appeal_offered ✔ <b>WhatsApp</b></p>") == [
        "appeal_offered",
        "missed",
    ]
