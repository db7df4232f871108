"""Output for scripts and terminals: --json everywhere, no colour in pipes, NO_COLOR, language."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import PASSPHRASE, run_cli

pytestmark = pytest.mark.processes  # real processes of blockwatch: mutation runs leave them out

EXE = Path(sys.executable).with_name("blockwatch")


@pytest.fixture
def busy(vault_env: Env) -> Env:
    for args in (
        ["log", "call", "+447700900123", "--at", "2026-07-04 21:05", "--outcome", "missed"],
        ["log", "block", "--platform", "whatsapp", "--at", "2026-07-04 21:52"],
        ["log", "appeal", "--to", "ministry", "--at", "2026-06-20 10:00", "--due", "2026-06-30"],
    ):
        assert run_cli(vault_env, *args).code == 0
    return vault_env


COMMANDS = [["list"], ["show", "3"], ["appeals"], ["due"], ["stats"], ["check"], ["key", "show"]]


def _on_a_terminal(env: Env, args: list[str], extra: dict[str, str]) -> bytes:
    """Run the real command with its stdout and stderr on a pseudo-terminal."""
    main, child = pty.openpty()
    environ = {
        **os.environ,
        "BLOCKWATCH_VAULT": str(env.vault_dir),
        "BLOCKWATCH_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "120",
        "TERM": "xterm-256color",
        **extra,
    }
    environ.pop("NO_COLOR", None) if "NO_COLOR" not in extra else None
    proc = subprocess.Popen(
        [str(EXE), *args], stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=environ
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(main)
    assert proc.returncode == 0
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colour_on_a_terminal_and_none_with_no_color(busy: Env) -> None:
    coloured = _on_a_terminal(busy, ["appeals"], {})
    assert b"\x1b[" in coloured  # the test can fail: a terminal does get colour
    for args in COMMANDS:
        assert b"\x1b" not in _on_a_terminal(busy, args, {"NO_COLOR": "1"}), args


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_piped_output_has_no_escape_bytes(busy: Env, args: list[str]) -> None:
    environ = {
        **os.environ,
        "BLOCKWATCH_VAULT": str(busy.vault_dir),
        "BLOCKWATCH_PASSPHRASE": PASSPHRASE,
    }
    environ.pop("NO_COLOR", None)
    done = subprocess.run([str(EXE), *args], capture_output=True, env=environ, check=False)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in done.stdout and b"\x1b" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["show", "1", "--json"],
        ["appeals", "--json"],
        ["due", "--json"],
        ["stats", "--json"],
        ["check", "--json"],
        ["key", "show", "--json"],
    ],
    ids=lambda a: " ".join(a),
)
def test_every_command_that_shows_data_has_json(busy: Env, args: list[str]) -> None:
    done = run_cli(busy, *args)
    assert done.code == 0, done.err
    json.loads(done.out)


def test_check_json_and_import_json(busy: Env, tmp_path: Path) -> None:
    assert json.loads(run_cli(busy, "check", "--json").out)["intact"] is True
    chat = tmp_path / "chat.txt"
    chat.write_text("04.07.2026, 21:05 - +44 7700 900123: Hello\n", encoding="utf-8")
    [summary] = json.loads(run_cli(busy, "import", str(chat), "--json").out)
    assert summary["format"] == "whatsapp" and summary["added"] == 1
    (busy.vault_dir / "vault.db").write_bytes(b"")
    broken = run_cli(busy, "check", "--json")
    assert broken.code == 4 and broken.out == ""  # the vault does not even open: one error line


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"BLOCKWATCH_LANG": "ru"}, "ru"),
        ({"LANG": "kk_KZ.UTF-8"}, "kk"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
        ({}, "en"),
    ],
)
def test_language_from_environment_then_locale(
    busy: Env, tmp_path: Path, environ: dict[str, str], lang: str
) -> None:
    busy.environ = {"BLOCKWATCH_PASSPHRASE": PASSPHRASE, **environ}
    out = tmp_path / "b.zip"
    assert run_cli(busy, "export", str(out)).code == 0
    with zipfile.ZipFile(out) as zf:
        report = next(zf.read(n) for n in zf.namelist() if n.endswith("report.html")).decode()
    assert f'<html lang="{lang}">' in report


def test_lang_option_wins_and_bad_env_is_refused(busy: Env, tmp_path: Path) -> None:
    busy.environ = {"BLOCKWATCH_PASSPHRASE": PASSPHRASE, "BLOCKWATCH_LANG": "ru"}
    assert run_cli(busy, "--lang", "kk", "export", str(tmp_path / "a.zip")).code == 0
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert any(n.endswith("VERIFY.kk.txt") for n in zf.namelist())
    busy.environ = {"BLOCKWATCH_PASSPHRASE": PASSPHRASE, "BLOCKWATCH_LANG": "fr"}
    bad = run_cli(busy, "list")
    assert bad.code == 1 and "BLOCKWATCH_LANG" in bad.err
