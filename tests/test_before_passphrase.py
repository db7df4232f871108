"""A mistake costs no passphrase: what can be checked without the vault is checked first.

Each command runs with no passphrase anywhere and no terminal to ask on, so reaching the unlock
step would end in "no passphrase" (exit 3).  Every mistake below must instead be named (exit 1)
— and the control cases show that a correct command does reach the unlock step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import NOW, run_cli


@pytest.fixture
def locked(vault_env: Env, tmp_path: Path) -> Env:
    (tmp_path / "exists.zip").write_bytes(b"not a bundle")
    (tmp_path / "exists.md").write_text("a draft")
    (tmp_path / "shot.png").write_bytes(b"synthetic")
    return Env(vault_dir=vault_env.vault_dir, environ={}, now=lambda: NOW)


MISTAKES = [
    (["log", "call", "+447700900123", "--at", "32.13.2026"], "'32.13.2026' is not a date"),
    (["log", "call", "+447700900123", "--at", "yesterday 19:60"], "is not a time of day"),
    (["log", "call", "+447700900123", "--outcome", "maybe"], "maybe"),
    (["log", "note", "--text", "x", "--attach", "{tmp}/missing.png"], "does not exist"),
    (["log", "note", "--text", "x", "--attach", "{tmp}"], "is not a file"),
    (["log", "appeal", "--to", "nowhere"], "nowhere"),
    (["log", "appeal", "--to", "police", "--due-in", "soon"], "cannot read the period"),
    (["log", "appeal", "--to", "police", "--due", "12.07.2026"], "is not a date"),
    (["log", "block", "--platform", "!!"], "!!"),
    (["amend", "1", "--at", "not a time"], "cannot read 'not a time'"),
    (["amend", "1", "--attach", "{tmp}/missing.png"], "does not exist"),
    (["appeal", "1", "--status", "won"], "won"),
    (["appeal", "1", "--status", "sent", "--at", "32.13.2026"], "is not a date"),
    (["export", "{tmp}/exists.zip"], "already exists"),
    (["export", "{tmp}"], "is a directory"),
    (["export", "{tmp}/new.zip", "--at-time", "whenever"], "cannot read 'whenever'"),
    (["export", "{tmp}/new.zip", "--lang", "de"], "'de'"),
    (["letter", "police", "--out", "{tmp}/exists.md"], "already exists"),
    (["import", "{tmp}/calls-20260705.xml"], "does not exist"),
    (["import", "{tmp}"], "is not a file"),
    (["import", "{tmp}/shot.png", "--timezone", "Mars/Olympus"], "unknown time zone"),
    (["import", "{tmp}/shot.png", "--date-order", "ydm"], "ydm"),
    (["import", "{tmp}/shot.png", "--column-map", "number"], "number"),
    (["letter", "police", "--out", "{tmp}/letter.pdf"], ".md or .html"),
]


@pytest.mark.parametrize(
    ("args", "said"), MISTAKES, ids=lambda a: " ".join(a) if isinstance(a, list) else ""
)
def test_a_mistake_is_named_before_the_passphrase(
    locked: Env, tmp_path: Path, args: list[str], said: str
) -> None:
    done = run_cli(locked, *(a.format(tmp=tmp_path) for a in args))
    assert done.code == 1, done.err
    assert said in done.err.splitlines()[0], done.err
    assert "passphrase" not in done.err


@pytest.mark.parametrize(
    "args",
    [
        ["log", "call", "+447700900123", "--at", "yesterday 19:04", "--attach", "{tmp}/shot.png"],
        ["log", "appeal", "--to", "police", "--due-in", "5 working days"],
        ["export", "{tmp}/new.zip", "--at-time", "2026-07-05 10:00"],
        ["appeal", "1", "--status", "sent"],
        ["import", "{tmp}/shot.png", "--timezone", "Europe/Moscow"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_correct_command_goes_on_to_the_passphrase(
    locked: Env, tmp_path: Path, args: list[str]
) -> None:
    done = run_cli(locked, *(a.format(tmp=tmp_path) for a in args))
    assert done.code == 3 and "passphrase" in done.err, done.err
