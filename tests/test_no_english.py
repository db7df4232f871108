"""Every command, run with --lang kk and --lang ru, prints no English message text.

The English texts are taken from the catalogs themselves: each message's English phrases (two
or more words) and one-word messages.  A phrase the translation keeps (a product name such as
"SMS Backup & Restore") is allowed.  What users type is not message text, so quoted values,
option names and example command lines are removed first; the scenario's own data is written
in Russian and Kazakh.  ``--json`` output stays English on purpose and is not checked here.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from blockwatch import i18n
from blockwatch.env import Env

from .conftest import make_env, run_cli
from .test_import import call, calls_xml, write

_FIELD = re.compile(r"\{[^{}]*\}")
_PHRASE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)+")


def english(lang: str) -> tuple[set[str], set[str]]:
    """(phrases, words) of English message text that must not appear in ``lang`` output."""
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "blockwatch.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    phrases: set[str] = set()
    words: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(strings)
        for text in ids:
            bare = _FIELD.sub(" ", text)
            for phrase in _PHRASE.findall(bare):
                if phrase not in translated:
                    phrases.add(phrase)
            single = re.fullmatch(r"\W*([A-Za-z]{3,})\W*", bare)
            if single and single[1] not in translated:
                words.add(single[1])
    return phrases, words


def leaks(text: str, lang: str, places: list[Path]) -> list[str]:
    for place in places:
        text = text.replace(str(place), "<path>")
    text = re.sub(r"(?m)^ +(?:blockwatch|--).*$", "", text)  # "what to try next" command lines
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", "", text)  # values and commands in quotes
    text = re.sub(r"--[\w-]+|\S+\.(?:zip|xml|md|html|png|txt|csv|pem|json)\b", "", text)
    text = re.sub(r"\b[a-z0-9]+(?:[-:][a-z0-9]+)+\b", "", text)  # identifiers: android-calls
    text = re.sub(r"\{[^{}\n]*\}", "", text)  # an imported record's values, as in its source
    phrases, words = english(lang)
    found = sorted(p for p in phrases if p in text)
    tokens = set(re.findall(r"[A-Za-z]+", text))
    return found + sorted(words & tokens)


def scenario(env: Env, fresh: Env, tmp: Path, lang: str) -> list[tuple[str, str]]:
    """Every command once (and the common mistakes), as a journalist would run them."""
    shot = write(tmp, "shot.png", b"synthetic screenshot")
    chat = tmp / "chat.zip"
    with zipfile.ZipFile(chat, "w") as zf:
        zf.writestr(
            "WhatsApp Chat with Тест.txt",
            "04.07.2026, 20:41 - +44 7700 900123: Подтвердите аккаунт\n"
            "04.07.2026, 20:42 - +44 7700 900123: Кеше қоңырау шалдым\n",
        )
    calls = write(tmp, "calls.xml", calls_xml([call(n) for n in range(5)]))
    broken = write(tmp, "broken.xml", calls_xml([call(n) for n in range(5)])[:-40])
    steps: list[tuple[str, ...]] = [
        ("init", "--timezone", "Asia/Almaty"),
        ("log", "call", "+447700900123", "--at", "2026-07-04 21:05", "--outcome", "missed"),
        ("log", "message", "+447700900123", "--at", "2026-07-04 21:03", "--text", "Подтвердите"),
        (
            "log",
            "block",
            "--at",
            "2026-07-04 23:10",
            "--platform",
            "whatsapp",
            "--notice",
            "Бұғатталды",
        ),
        (
            "log",
            "block",
            "--at",
            "2026-07-04 23:11",
            "--platform",
            "whatsapp",
            "--no-appeal-offered",
            "--attach",
            str(shot),
        ),
        (
            "log",
            "takedown",
            "--at",
            "2026-07-05 09:00",
            "--platform",
            "youtube",
            "--claimant",
            "Синтетик",
            "--reason",
            "жалоба",
        ),
        ("log", "compromise", "--at", "2026-07-05 10:00", "--platform", "telegram"),
        ("log", "note", "--text", "Позвонил юристу"),
        (
            "log",
            "appeal",
            "--to",
            "whatsapp",
            "--channel",
            "web-form",
            "--ref",
            "Ж-1",
            "--due-in",
            "5 working days",
            "--about",
            "3",
        ),
        ("amend", "1", "--note", "Второй звонок", "--why", "вспомнил"),
        ("appeal", "8", "--status", "rejected", "--note", "Автоответ"),
        ("import", str(calls)),
        ("import", str(chat), "--dry-run"),
        ("import", str(chat)),
        ("list",),
        ("show", "1"),
        ("show", "4"),
        ("show", "8"),
        ("show", "9"),
        ("attachment", "4", "--out", str(tmp / "out")),
        ("check",),
        ("key", "show"),
        ("stats",),
        ("appeals",),
        ("due", "--within", "30d"),
        ("export", str(tmp / "bundle.zip"), "--case", "Іс"),
        ("verify", str(tmp / "bundle.zip")),
        ("letter", "police", "--out", str(tmp / "letter.md")),
        ("letter", "platform", "--out", str(tmp / "letter.html")),
        ("language",),
        ("passphrase", "change"),
    ]
    mistakes: list[tuple[str, ...]] = [
        ("show", "99"),
        ("log", "call", "12"),
        ("log", "call", "+447700900123", "--at", "когда-нибудь"),
        ("log", "call", "--nosuch"),
        ("show", "abc"),
        ("nosuch",),
        ("export",),
        ("appeal", "1", "--status", "sent"),
        ("import", str(broken)),
        ("import", str(shot)),
        ("verify", str(shot)),
        ("export", str(tmp / "bundle.zip")),
        ("letter", "police", "--out", str(tmp / "letter.md")),
        ("import", str(tmp / "missing.xml")),
    ]
    runs = []
    for n, step in enumerate(steps + mistakes):
        done = run_cli(fresh if step[0] == "init" else env, "--lang", lang, *step)
        assert (done.code == 0) == (n < len(steps)), (step, done)
        runs.append((" ".join(step), done))
    wrong = Env(vault_dir=env.vault_dir, environ={"BLOCKWATCH_PASSPHRASE": "not it"}, now=env.now)
    runs.append(("list (wrong passphrase)", run_cli(wrong, "--lang", lang, "list")))
    runs.append(("demo", run_cli(make_env(tmp / "unused"), "--lang", lang, "demo")))
    for command, done in runs:
        assert "Traceback" not in done.err and done.code in (0, 1, 2, 3, 4), (command, done)
    return [(command, done.out + done.err) for command, done in runs]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_english_message_text_leaks(vault_env: Env, tmp_path: Path, lang: str) -> None:
    vault_env.environ = {**vault_env.environ, "BLOCKWATCH_NEW_PASSPHRASE": "another passphrase 1"}
    fresh = make_env(tmp_path / "fresh")
    outputs = scenario(vault_env, fresh, tmp_path, lang)
    places = [tmp_path, Path(__import__("tempfile").gettempdir())]
    found = {command: leaks(text, lang, places) for command, text in outputs}
    assert {command: words for command, words in found.items() if words} == {}
    assert all(text.strip() for _command, text in outputs)  # every command said something


def test_the_detector_finds_english() -> None:
    """The check above would fail on an untranslated message (it cannot pass vacuously)."""
    assert "there is no incident" in leaks("blockwatch: error: there is no incident 7", "ru", [])
    assert leaks("вид: call", "kk", []) == ["call"]
    assert leaks("ошибка: 'there is no incident' --no-such-thing", "ru", []) == []
