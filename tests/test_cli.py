"""The command line through its real entry point: exit statuses, output, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import PASSPHRASE, make_env, run_cli, snapshot


def ok(env: Env, *args: str, input: str | None = None) -> str:
    result = run_cli(env, *args, input=input)
    assert result.code == 0, (result.out, result.err)
    assert result.err == "" or "Traceback" not in result.err
    return result.out


def fails(env: Env, code: int, *args: str, input: str | None = None) -> str:
    """Run a command that must fail with ``code`` and one error line (+ hint), no traceback."""
    before = snapshot(env.vault_dir) if env.vault_dir.exists() else None
    result = run_cli(env, *args, input=input)
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("blockwatch: error: "), result.err
    assert all(line.startswith("blockwatch: ") for line in lines), result.err
    assert len(lines) <= 2 and "Traceback" not in result.err
    if before is not None:
        assert snapshot(env.vault_dir) == before, "a failed command changed the vault"
    return result.err


def incidents(env: Env) -> list[dict]:
    return json.loads(ok(env, "list", "--json"))


# --------------------------------------------------------------------------- init


def test_init_prints_recovery_code_and_fingerprint_with_private_modes(tmp_path: Path) -> None:
    env = make_env(tmp_path / "new" / "vault")
    out = ok(env, "init", "--home-region", "KZ", "--timezone", "Asia/Almaty")
    assert "RECOVERY CODE" in out and "fingerprint" in out.lower()
    code = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    assert len(code.replace("-", "")) == 32
    assert (env.vault_dir.stat().st_mode & 0o777) == 0o700
    for name in ("vault.db", "keyslots.json"):
        assert ((env.vault_dir / name).stat().st_mode & 0o777) == 0o600
    assert PASSPHRASE not in out


def test_init_refuses_an_existing_vault(vault_env: Env) -> None:
    err = fails(vault_env, 1, "init")
    assert "already exists" in err


def test_init_rejects_unknown_zone_and_region(tmp_path: Path) -> None:
    env = make_env(tmp_path / "vault")
    assert "time zone" in fails(env, 1, "init", "--timezone", "Mars/Olympus")
    assert "region" in fails(env, 1, "init", "--home-region", "XX")
    assert not env.vault_dir.exists()


def test_init_prompts_twice_on_a_terminal(tmp_path: Path) -> None:
    env = Env(vault_dir=tmp_path / "vault", environ={}, interactive=True)
    out = ok(env, "init", "--timezone", "Asia/Almaty", input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert "Created a vault" in out
    env.environ = {"BLOCKWATCH_PASSPHRASE": PASSPHRASE}
    assert incidents(env) == []


def test_init_asks_again_for_a_passphrase_too_short_or_typed_differently(tmp_path: Path) -> None:
    """Issue 17: a person under stress is told what was wrong and asked again, in the run's
    language, instead of being sent back to the start (Click's own English lines are gone)."""
    env = Env(vault_dir=tmp_path / "vault", environ={}, interactive=True)
    typed = f"short\n{PASSPHRASE}\nsomething else entirely\n{PASSPHRASE}\n{PASSPHRASE}\n"
    done = run_cli(env, "--lang", "ru", "init", "--timezone", "Asia/Almaty", input=typed)
    assert done.code == 0, done.err
    assert "короче 8 символов" in done.err and "не совпадают" in done.err
    assert "Repeat for confirmation" not in done.err and "do not match" not in done.err
    env.environ = {"BLOCKWATCH_PASSPHRASE": PASSPHRASE}
    assert incidents(env) == []
    other = Env(vault_dir=tmp_path / "other", environ={}, interactive=True)
    done = run_cli(other, "init", "--timezone", "Asia/Almaty", input="x\n" * 5)
    assert done.code == 1 and "after 5 tries" in done.err and not other.vault_dir.exists()


def test_init_without_terminal_or_passphrase_is_locked(tmp_path: Path) -> None:
    env = Env(vault_dir=tmp_path / "vault", environ={})
    assert "BLOCKWATCH_NEW_PASSPHRASE_FILE" in fails(env, 3, "init")


# --------------------------------------------------------------------------- log / list / show


def test_log_call_then_list_and_show(vault_env: Env) -> None:
    out = ok(
        vault_env,
        "log",
        "call",
        "+447911123456",
        "--at",
        "yesterday 19:04",
        "--platform",
        "WhatsApp",
        "--outcome",
        "missed",
    )
    assert "Logged incident 1" in out
    [call] = incidents(vault_env)
    assert call["kind"] == "call" and call["platform"] == "whatsapp"
    assert call["occurred_at"] == "2026-07-04T19:04:00+05:00"
    assert call["recorded_at"] == "2026-07-05T06:00:00Z"
    assert call["counterparty"]["e164"] == "+447911123456"
    assert call["counterparty"]["foreign"] is True
    assert call["details"] == {"direction": "in", "outcome": "missed"}
    assert call["source"] == "manual"
    shown = json.loads(ok(vault_env, "show", "1", "--json"))
    assert shown == call
    text = ok(vault_env, "show", "1")
    assert "+447911123456" in text and "FOREIGN" in text


@pytest.mark.parametrize(
    "phrase", ["вчера в 19:04", "кеше 19:04", "2026-07-04T19:04:00+05:00", "2026-07-04 19:04"]
)
def test_at_in_three_languages_and_iso(vault_env: Env, phrase: str) -> None:
    ok(vault_env, "log", "call", "withheld", "--at", phrase)
    [call] = incidents(vault_env)
    assert call["occurred_at"] == "2026-07-04T19:04:00+05:00"
    assert call["counterparty"]["type"] == "withheld"
    assert call["counterparty"]["e164"] is None


def test_at_with_explicit_offset_keeps_the_instant(vault_env: Env) -> None:
    ok(vault_env, "log", "note", "--text", "x", "--at", "2026-07-04T12:00:00+00:00")
    assert incidents(vault_env)[0]["occurred_at"] == "2026-07-04T17:00:00+05:00"


def test_every_kind_logs_its_fields(vault_env: Env, tmp_path: Path) -> None:
    shot = tmp_path / "screen.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n synthetic screenshot")
    letter = tmp_path / "letter.txt"
    letter.write_text("Прошу восстановить мой аккаунт.", encoding="utf-8")
    ok(
        vault_env,
        "log",
        "message",
        "+447700900123",
        "--text",
        "verify at https://x.example/a",
        "--opened",
        "--platform",
        "whatsapp",
        "--at",
        "2026-07-04 20:41",
    )
    ok(
        vault_env,
        "log",
        "block",
        "--platform",
        "whatsapp",
        "--notice",
        "This account can no longer use WhatsApp",
        "--no-appeal-offered",
        "--attach",
        str(shot),
        "--at",
        "2026-07-04 21:52",
    )
    ok(
        vault_env,
        "log",
        "takedown",
        "--platform",
        "instagram",
        "--reason",
        "copyright",
        "--claimant",
        "a Japanese citizen",
        "--url",
        "https://instagram.example/p/1",
    )
    ok(
        vault_env,
        "log",
        "compromise",
        "--platform",
        "telegram",
        "--account",
        "@editor_demo",
        "--notice",
        "New login from an unknown device",
    )
    ok(
        vault_env,
        "log",
        "appeal",
        "--to",
        "whatsapp",
        "--channel",
        "email",
        "--ref",
        "CASE-1",
        "--about",
        "2",
        "--due",
        "2026-07-12",
        "--status",
        "rejected",
        "--text-file",
        str(letter),
    )
    ok(vault_env, "log", "note", "--text", "Six colleagues were blocked the same evening.")
    rows = {r["kind"]: r for r in incidents(vault_env)}
    assert rows["message"]["details"] == {
        "text": "verify at https://x.example/a",
        "opened": True,
        "links": ["https://x.example/a"],
    }
    assert rows["block"]["details"] == {
        "notice": "This account can no longer use WhatsApp",
        "appeal_offered": False,
    }
    [attached] = rows["block"]["attachments"]
    assert attached["name"] == "screen.png" and attached["media_type"] == "image/png"
    assert attached["size"] == shot.stat().st_size
    assert rows["takedown"]["details"]["claimant"] == "a Japanese citizen"
    assert rows["compromise"]["details"]["account"] == "@editor_demo"
    appeal = rows["appeal"]["details"]
    assert appeal["about"] == [rows["block"]["uid"]] and appeal["due"] == "2026-07-12"
    assert appeal["text"] == "Прошу восстановить мой аккаунт."
    assert rows["note"]["details"]["text"].startswith("Six colleagues")
    assert [r["id"] for r in incidents(vault_env)] == [1, 2, 3, 4, 5, 6]


def test_list_filters(vault_env: Env) -> None:
    ok(
        vault_env,
        "log",
        "call",
        "+12025550143",
        "--platform",
        "whatsapp",
        "--at",
        "2026-07-03 10:00",
    )
    ok(vault_env, "log", "call", "+12025550178", "--platform", "phone", "--at", "2026-07-04 10:00")
    ok(vault_env, "log", "block", "--platform", "whatsapp", "--at", "2026-07-04 12:00")

    def ids(*args: str) -> list[int]:
        return [r["id"] for r in json.loads(ok(vault_env, "list", "--json", *args))]

    assert ids("--kind", "call") == [1, 2]
    assert ids("--platform", "whatsapp") == [1, 3]
    assert ids("--since", "2026-07-04") == [2, 3]
    assert ids("--until", "2026-07-04 11:00") == [1, 2]
    assert ids("--kind", "block", "--kind", "call", "--since", "2026-07-04 11:00") == [3]
    table = ok(vault_env, "list")
    assert "+12025550143" in table and "block" in table


def test_attachment_round_trip(vault_env: Env, tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # > 2 chunks' worth is not needed; several KiB of every byte
    src = tmp_path / "call log.png"
    src.write_bytes(data)
    ok(vault_env, "log", "block", "--platform", "whatsapp", "--attach", str(src))
    out_dir = tmp_path / "out"
    out = ok(vault_env, "attachment", "1", "--out", str(out_dir))
    written = out_dir / "call_log.png"
    assert written.read_bytes() == data
    assert (written.stat().st_mode & 0o777) == 0o600
    assert "sha256" in out
    err = fails(vault_env, 1, "attachment", "1", "--out", str(out_dir))
    assert "already exists" in err


# --------------------------------------------------------------------------- amend


def test_amend_keeps_history(vault_env: Env) -> None:
    ok(vault_env, "log", "call", "+12025550143", "--outcome", "missed", "--at", "2026-07-04 19:00")
    ok(
        vault_env,
        "amend",
        "1",
        "--outcome",
        "answered",
        "--duration",
        "40",
        "--at",
        "2026-07-04 19:04",
        "--why",
        "checked the phone's call log",
    )
    view = json.loads(ok(vault_env, "show", "1", "--json"))
    assert view["details"]["outcome"] == "answered" and view["details"]["duration"] == 40
    assert view["occurred_at"] == "2026-07-04T19:04:00+05:00"
    [change] = view["amended"]
    assert change["previous"]["details"] == {"outcome": "missed", "duration": None}
    assert change["previous"]["occurred_at"] == "2026-07-04T19:00:00+05:00"
    assert change["why"] == "checked the phone's call log"
    text = ok(vault_env, "show", "1")
    assert "missed" in text and "answered" in text and "history" in text


def test_amend_refuses_fields_of_another_kind_and_no_change(vault_env: Env) -> None:
    ok(vault_env, "log", "note", "--text", "hello")
    assert "--outcome does not apply" in fails(vault_env, 1, "amend", "1", "--outcome", "missed")
    assert "nothing to change" in fails(vault_env, 1, "amend", "1")
    assert "already has those values" in fails(vault_env, 1, "amend", "1", "--text", "hello")
    assert "no incident 9" in fails(vault_env, 1, "amend", "9", "--note", "x")


def test_amend_attach_adds_a_file(vault_env: Env, tmp_path: Path) -> None:
    ok(vault_env, "log", "note", "--text", "hello")
    f = tmp_path / "receipt.pdf"
    f.write_bytes(b"%PDF-1.4 synthetic")
    ok(vault_env, "amend", "1", "--attach", str(f))
    view = json.loads(ok(vault_env, "show", "1", "--json"))
    assert view["attachments"][0]["media_type"] == "application/pdf"
    assert view["amended"][0]["attached"] == view["attachments"][0]["sha256"]


# --------------------------------------------------------------------------- check and keys


def test_check_passes_on_a_used_vault(vault_env: Env) -> None:
    ok(vault_env, "log", "call", "+12025550143")
    ok(vault_env, "amend", "1", "--note", "n")
    out = ok(vault_env, "check")
    assert "The vault is intact." in out
    assert out.count("ok ") == 8


def test_key_show(vault_env: Env) -> None:
    data = json.loads(ok(vault_env, "key", "show", "--json"))
    assert len(data["fingerprint"]) == 64
    assert data["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert data["fingerprint"] in ok(vault_env, "key", "show")


def test_passphrase_change_and_recover(tmp_path: Path) -> None:
    env = make_env(tmp_path / "vault")
    out = ok(env, "init", "--timezone", "Asia/Almaty")
    code = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    ok(env, "log", "note", "--text", "before")
    env.environ = {
        "BLOCKWATCH_PASSPHRASE": PASSPHRASE,
        "BLOCKWATCH_NEW_PASSPHRASE": "second passphrase",
    }
    db_before = (env.vault_dir / "vault.db").read_bytes()
    ok(env, "passphrase", "change")
    assert (env.vault_dir / "vault.db").read_bytes() == db_before, "only the key slot may change"
    fails(env, 3, "list")
    env.environ = {"BLOCKWATCH_PASSPHRASE": "second passphrase"}
    assert len(incidents(env)) == 1
    env.environ = {"BLOCKWATCH_NEW_PASSPHRASE": "third passphrase"}
    ok(env, "recover", input=code.lower().replace("-", " ") + "\n")
    env.environ = {"BLOCKWATCH_PASSPHRASE": "third passphrase"}
    assert incidents(env)[0]["details"]["text"] == "before"
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    env.environ = {"BLOCKWATCH_NEW_PASSPHRASE": "fourth passphrase"}
    assert "typo" in fails(env, 1, "recover", input=typo + "\n")


# --------------------------------------------------------------------------- bad input


def test_wrong_passphrase_is_exit_3_and_writes_nothing(vault_env: Env) -> None:
    vault_env.environ = {"BLOCKWATCH_PASSPHRASE": "not the passphrase"}
    err = fails(vault_env, 3, "log", "call", "+12025550143")
    assert "wrong passphrase" in err
    assert "sqlcipher" not in err.lower() and "ERROR CORE" not in err


def test_missing_vault_hints_init(tmp_path: Path) -> None:
    err = fails(make_env(tmp_path / "nowhere"), 1, "list")
    assert "no vault" in err and "blockwatch init" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "call", "+12025550143", "--at", "the day the music died"], "cannot read"),
        (["log", "call", "+12025550143", "--at", "2027-01-01"], "in the future"),
        (["log", "call", "+999 12"], "not a possible phone number"),
        (["log", "call", "12"], "not a possible phone number"),
        (["log", "call", "+12025550143", "--attach", "/nonexistent/screen.png"], "does not exist"),
        (["log", "call", "+12025550143", "--outcome", "ignored"], "not one of"),
        (["log", "block", "--platform", "what's app?"], "not a platform"),
        (["log", "appeal", "--to", "police", "--about", "42"], "no incident 42"),
        (["log", "appeal", "--to", "police", "--due", "next week"], "not a date"),
        (["log", "appeal", "--to", "nobody"], "not one of"),
        (["log", "note", "--text-file", "/nonexistent.txt"], "cannot read --text-file"),
        (["show", "7"], "no incident 7"),
        (["list", "--kind", "tweet"], "not a kind"),
    ],
)
def test_bad_input_is_one_line_exit_1_vault_unchanged(
    vault_env: Env, args: list[str], message: str
) -> None:
    assert message in fails(vault_env, 1, *args)


def test_missing_required_value_without_terminal_is_usage_error(vault_env: Env) -> None:
    assert "NUMBER is missing" in fails(vault_env, 2, "log", "call")
    assert "--platform is missing" in fails(vault_env, 2, "log", "block")
    assert "--to is missing" in fails(vault_env, 2, "log", "appeal")


def test_missing_value_is_prompted_on_a_terminal(vault_env: Env) -> None:
    vault_env.interactive = True
    ok(vault_env, "log", "call", input="+12025550143\n")
    assert incidents(vault_env)[0]["counterparty"]["e164"] == "+12025550143"


def test_usage_errors_are_one_line_with_exit_2(vault_env: Env) -> None:
    err = fails(vault_env, 2, "log", "call", "+12025550143", "--no-such-option")
    assert "--no-such-option" in err
    assert "--lang" in fails(vault_env, 2, "--lang", "de", "list")


def test_terminal_escapes_in_text_are_inert(vault_env: Env) -> None:
    ok(vault_env, "log", "note", "--text", "evil \x1b[31mred\x1b]0;title\x07 \u202etxt.exe")
    for out in (ok(vault_env, "list"), ok(vault_env, "show", "1")):
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert json.loads(ok(vault_env, "show", "1", "--json"))["details"]["text"].startswith(
        "evil \x1b[31m"
    )


def test_version_and_help() -> None:
    env = make_env(Path("/nonexistent"))
    assert ok(env, "--version").startswith("blockwatch ")
    assert "log" in ok(env, "--help")


def test_a_bug_says_so_exit_70_and_shows_no_locals(
    vault_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blockwatch import logbook

    def broken(*args: object, **kwargs: object) -> None:
        secret_local = "SECRET-LOCAL-VALUE"  # noqa: F841 - must never be printed
        raise RuntimeError("boom")

    monkeypatch.setattr(logbook, "log", broken)
    plain = run_cli(vault_env, "log", "note", "--text", "x")
    assert plain.code == 70
    assert "This is a bug" in plain.err and "Traceback" not in plain.err and "--debug" in plain.err
    debug = run_cli(vault_env, "--debug", "log", "note", "--text", "x")
    assert debug.code == 70 and "Traceback" in debug.err and "RuntimeError: boom" in debug.err
    assert "SECRET-LOCAL-VALUE" not in debug.err and PASSPHRASE not in debug.err


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "vault.db").write_bytes(b""),
        lambda d: (d / "vault.db").write_bytes((d / "vault.db").read_bytes()[:5000]),
        lambda d: (d / "keyslots.json").write_text("{not json"),
    ],
    ids=["zero-byte-db", "truncated-db", "damaged-keyslots"],
)
def test_damaged_vault_files_are_exit_4_one_line(vault_env: Env, damage) -> None:  # type: ignore[no-untyped-def]
    ok(vault_env, "log", "note", "--text", "x")
    damage(vault_env.vault_dir)
    err = fails(vault_env, 4, "check")
    assert "backup" in err
    fails(vault_env, 4, "log", "note", "--text", "y")


def test_no_command_shows_the_commands_as_a_usage_error(vault_env: Env) -> None:
    done = run_cli(vault_env, "log")
    assert done.code == 2 and done.err.startswith("Usage: blockwatch log") and "call" in done.err
    assert "blockwatch: error" not in done.err


def test_verify_without_a_fingerprint_skips_check_6_and_never_says_ok(
    vault_env: Env, tmp_path: Path
) -> None:
    """Issue 15: nothing was compared, so check 6 reads "skipped", not "ok"."""
    from blockwatch import vault

    assert run_cli(vault_env, "log", "note", "--text", "one").code == 0
    bundle = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(bundle)).code == 0
    plain = run_cli(vault_env, "verify", str(bundle))
    assert plain.code == 0 and "ok 6" not in plain.out
    assert "-- 6  the signer fingerprint matches the one given: skipped: no --fingerprint" in (
        plain.out
    )
    checks = json.loads(run_cli(vault_env, "verify", str(bundle), "--json").out)["checks"]
    [six] = [c for c in checks if c["number"] == 6]
    assert six["passed"] is False and six["not_compared"].startswith("skipped")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        fingerprint = v.fingerprint
    pinned = run_cli(vault_env, "verify", str(bundle), "--fingerprint", fingerprint)
    assert "ok 6  the signer fingerprint matches the one given" in pinned.out


def test_a_cyrillic_case_name_stays_in_the_bundle_s_folder_name(
    vault_env: Env, tmp_path: Path
) -> None:
    """Issue 15: "Блокировка журналистов, ноябрь 2026" left only "blockwatch-2026…"."""
    import zipfile

    assert run_cli(vault_env, "log", "note", "--text", "one").code == 0
    for case, slug in [
        ("Блокировка журналистов, ноябрь 2026", "blokirovka-zhurnalistov-noyabr-2026"),
        ("Журналистерді бұғаттау", "zhurnalisterdi-bughattau"),
    ]:
        bundle = tmp_path / f"{slug}.zip"
        assert run_cli(vault_env, "export", str(bundle), "--case", case).code == 0
        with zipfile.ZipFile(bundle) as zf:
            top = zf.namelist()[0].split("/")[0]
        assert top.startswith(f"blockwatch-{slug}-"), top
        assert run_cli(vault_env, "verify", str(bundle)).code == 0


@pytest.mark.parametrize("columns", [80, 60, 40])
def test_list_keeps_every_incident_number_in_a_narrow_terminal(
    vault_env: Env, columns: int
) -> None:
    """Issue 17: the description wraps, the incident number never goes (at 60 columns it was
    squeezed out of the table, and the description with it)."""
    from rich.console import Console

    from blockwatch.cli.timeline import timeline

    for n in range(3):
        ok(vault_env, "log", "call", f"+4477009001{n:02d}", "--at", f"2026-07-04 20:4{n}",
           "--platform", "whatsapp", "--outcome", "missed", "--yes")  # fmt: skip
    ok(vault_env, "log", "note", "--text", "a long description " * 6, "--at", "2026-07-04 21:00")
    rows = json.loads(ok(vault_env, "list", "--json"))
    console = Console(width=columns, record=True, color_system=None)
    console.print(timeline(rows, "Asia/Almaty", None, columns))
    text = console.export_text()
    assert all(len(line) <= columns for line in text.splitlines())
    firsts = [line.split()[0] for line in text.splitlines() if line.strip()[:1].isdigit()]
    assert [f for f in firsts if f.isdigit() and len(f) <= 2] == ["1", "2", "3", "4"]
    assert "description" in text and "+447700900102" in text
