"""Messages in Russian and Kazakh: complete catalogs, right plural forms, chosen by --lang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blockwatch import i18n
from blockwatch.env import Env

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.reads_source
def test_catalogs_are_complete_and_compiled() -> None:
    assert i18n.problems() == [], "run: uv run python -m blockwatch.i18n, then translate"


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "инцидент"),
        (2, "инцидента"),
        (4, "инцидента"),
        (5, "инцидентов"),
        (11, "инцидентов"),
        (21, "инцидент"),
        (22, "инцидента"),
        (111, "инцидентов"),
    ],
)
def test_russian_plural_forms(n: int, word: str) -> None:
    i18n.use("ru")
    assert i18n.ngettext("{n} incident", "{n} incidents", n).format(n=n) == f"{n} {word}"


def test_english_is_the_source_language() -> None:
    i18n.use("en")
    assert i18n._("The vault is intact.") == "The vault is intact."
    assert i18n.ngettext("{n} incident", "{n} incidents", 2) == "{n} incidents"


@pytest.mark.parametrize(
    ("lang", "logged", "intact"),
    [
        ("ru", "Записан инцидент 1", "Хранилище не повреждено."),
        ("kk", "1 оқиғасы жазылды", "Қойма бүтін."),
    ],
)
def test_commands_speak_the_chosen_language(
    vault_env: Env, tmp_path: Path, lang: str, logged: str, intact: str
) -> None:
    done = run_cli(
        vault_env, "--lang", lang, "log", "call", "+447700900123", "--at", "2026-07-04 21:05"
    )
    assert done.code == 0 and done.out.startswith(logged) and "Logged" not in done.out
    checked = run_cli(vault_env, "--lang", lang, "check")
    assert checked.out.rstrip().endswith(intact) and "The vault is intact" not in checked.out
    out = tmp_path / "b.zip"
    exported = run_cli(vault_env, "--lang", lang, "export", str(out))
    assert exported.code == 0 and "Wrote" not in exported.out and "incidents" not in exported.out
    verified = run_cli(vault_env, "--lang", lang, "verify", str(out))
    assert verified.code == 0 and "The bundle is intact" not in verified.out
    assert ("1 инцидент," if lang == "ru" else "1 оқиға,") in verified.out


def test_json_output_is_never_translated(vault_env: Env) -> None:
    assert run_cli(vault_env, "--lang", "ru", "log", "note", "--text", "x").code == 0
    data = json.loads(run_cli(vault_env, "--lang", "ru", "check", "--json").out)
    assert data["intact"] is True


def test_the_wheel_ships_compiled_catalogs(wheel_names: set[str]) -> None:
    for lang in i18n.CATALOGS:
        assert f"blockwatch/locale/{lang}/LC_MESSAGES/blockwatch.mo" in wheel_names


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["неверный пароль", "попробуйте ещё раз"]),
        ("kk", ["құпия сөз қате", "қайталап көріңіз"]),
    ],
)
def test_common_errors_are_translated(vault_env: Env, lang: str, words: list[str]) -> None:
    vault_env.environ = {"BLOCKWATCH_PASSPHRASE": "not the passphrase"}
    done = run_cli(vault_env, "--lang", lang, "list")
    assert (
        done.code == 3 and all(w in done.err for w in words) and "wrong passphrase" not in done.err
    )
    assert done.err.startswith("blockwatch: error: ")  # the prefix stays fixed for scripts


def test_time_and_number_errors_in_russian(vault_env: Env) -> None:
    bad_time = run_cli(
        vault_env, "--lang", "ru", "log", "call", "+447700900123", "--at", "когда-нибудь потом"
    )
    assert bad_time.code == 1 and "не удаётся понять" in bad_time.err
    bad_number = run_cli(vault_env, "--lang", "ru", "log", "call", "12")
    assert bad_number.code == 1 and "не может быть телефонным номером" in bad_number.err


def test_check_and_verify_name_their_checks_in_kazakh(vault_env: Env, tmp_path: Path) -> None:
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    checked = run_cli(vault_env, "--lang", "kk", "check")
    assert (
        "дерекқор беттері мен құрылымы бүтін" in checked.out and "database pages" not in checked.out
    )
    out = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(out)).code == 0
    verified = run_cli(vault_env, "--lang", "kk", "verify", str(out))
    assert "zip мұрағатын оқу қауіпсіз" in verified.out and "safe to read" not in verified.out
    assert (
        json.loads(run_cli(vault_env, "--lang", "kk", "verify", str(out), "--json").out)["checks"][
            0
        ]["check"]
        == "the zip is safe to read"
    )  # JSON stays English: scripts read it


def test_list_and_show_in_russian(vault_env: Env) -> None:
    assert run_cli(vault_env, "log", "call", "+447700900123", "--at", "2026-07-04 21:05").code == 0
    listed = run_cli(vault_env, "--lang", "ru", "list").out
    assert "произошло (Asia/Almaty)" in listed and "occurred" not in listed
    shown = run_cli(vault_env, "--lang", "ru", "show", "1").out
    assert "ИНОСТРАННЫЙ" in shown and "платформа" in shown and "FOREIGN" not in shown


def test_show_says_an_amendment_as_a_sentence_in_russian(vault_env: Env) -> None:
    """Issue 15: "исход: отвечен (было: пропущен)", as the report says it, not a dict."""
    call = ["log", "call", "+447700900123", "--outcome", "missed", "--at", "2026-07-04 21:05"]
    assert run_cli(vault_env, *call).code == 0
    done = run_cli(vault_env, "amend", "1", "--outcome", "answered", "--why", "перезвонили")
    assert done.code == 0, done.err
    shown = run_cli(vault_env, "--lang", "ru", "show", "1").out
    assert "исход: отвечен (было: пропущен)" in shown
    assert "{" not in shown and "→" not in shown and "outcome" not in shown


def test_stats_in_russian_with_plural_calls(vault_env: Env) -> None:
    for minute in (5, 6):
        assert (
            run_cli(
                vault_env, "log", "call", "+447700900123", "--at", f"2026-07-04 21:0{minute}"
            ).code
            == 0
        )
    text = run_cli(vault_env, "--lang", "ru", "stats").out
    assert "2 инцидента, по видам" in text and "2 звонка" in text and "incidents" not in text


def test_appeal_errors_in_kazakh(vault_env: Env) -> None:
    done = run_cli(
        vault_env, "--lang", "kk", "log", "appeal", "--to", "police", "--due-in", "ертең"
    )
    assert done.code == 1 and "мерзімін оқу мүмкін емес" in done.err
    wrong = run_cli(vault_env, "--lang", "kk", "log", "call", "+447700900123", "--outcome", "lost")
    assert wrong.code == 1 and "тізімде жоқ" in wrong.err


def test_the_vault_language_comes_after_lang_and_the_variable(vault_env: Env) -> None:
    vault_env.environ = {**vault_env.environ, "LANG": "en_US.UTF-8"}
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    shown = run_cli(vault_env, "language")
    assert shown.code == 0 and "no language of its own" in shown.out
    assert run_cli(vault_env, "language", "kk").out.strip() == "Қойманың тілі: kk."
    assert "Қойма бүтін." in run_cli(vault_env, "check").out  # the vault's setting
    assert "The vault is intact." in run_cli(vault_env, "--lang", "en", "check").out
    vault_env.environ = {**vault_env.environ, "BLOCKWATCH_LANG": "ru"}
    assert "Хранилище не повреждено." in run_cli(vault_env, "check").out
    del vault_env.environ["BLOCKWATCH_LANG"]
    assert json.loads(run_cli(vault_env, "language", "--json").out) == {
        "language": "kk",
        "in_use": "kk",
    }
    assert run_cli(vault_env, "language", "auto").code == 0
    assert "The vault is intact." in run_cli(vault_env, "check").out
    bad = run_cli(vault_env, "language", "de")
    assert bad.code == 2 and "'de' is not one of: en, ru, kk" in bad.err


def test_init_stores_the_vault_language(env: Env) -> None:
    env.environ = {**env.environ, "LANG": "C"}
    assert run_cli(env, "init", "--timezone", "Asia/Almaty", "--language", "ru").code == 0
    assert json.loads(run_cli(env, "language", "--json").out)["language"] == "ru"
    assert run_cli(env, "list").out.strip() == "Подходящих инцидентов нет."
