"""Crash consistency (issue 14, item 3): real processes killed with SIGKILL at random moments.

Each round runs one operation — a ``log`` with a 24 MiB attachment, an import of a call log,
an export, a passphrase change, a passphrase change that re-encrypts the vault with a new key
(``--rotate-key``), a backup to a folder — kills it after a random delay, then checks what
must hold whatever the moment: the vault opens with the old or the new passphrase (never
neither), ``check`` passes, the operation is there whole or not at all, nothing is left at or
beside an export's target, and the backup folder holds a whole backup (the last complete one)
or none yet.  At the end a backup is made over what the kills left, restored and checked.  CI runs 36 kills;
``--run-slow`` runs 204.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blockwatch import vault
from blockwatch.errors import VaultLocked
from blockwatch.vault import backup as backups
from blockwatch.vault.check import check

from ..conftest import make_env
from ..test_subprocess import EXE, home, run

__all__ = ["home"]  # the fixture
pytestmark = pytest.mark.processes  # real processes: mutation runs leave them out

BENCH = Path(__file__).resolve().parents[2] / "bench"
OPERATIONS = ("log", "import", "export", "passphrase", "rotate", "backup")
QUICK = ("passphrase", "rotate", "backup")


def _open(vault_dir: Path, passphrases: list[str]) -> tuple[vault.Vault, str]:
    """The vault, opened with whichever of the passphrases works (one must)."""
    for passphrase in passphrases:
        try:
            return vault.unlock(make_env(vault_dir), passphrase), passphrase
        except VaultLocked:
            continue
    raise AssertionError("the vault opens with neither the old nor the new passphrase")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_kills_at_random_moments_leave_the_vault_whole(
    home: dict[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    kills = 204 if request.config.getoption("--run-slow") else 36
    rng = random.Random(14)
    sys.path.insert(0, str(BENCH))
    from import_calls import generate

    xml = tmp_path / "calls.xml"
    generate(xml, 20_000)
    big = tmp_path / "screen-recording.mp4"
    big.write_bytes(rng.randbytes(24 * 1024 * 1024))
    out = tmp_path / "out"
    out.mkdir()
    copy = tmp_path / "usb" / "blockwatch"
    copy.parent.mkdir()
    backed_up = None  # the manifest of the last whole backup
    secrets_ = {}
    for name in ("a", "b"):
        secrets_[name] = tmp_path / f"passphrase-{name}.txt"
        secrets_[name].write_text(f"passphrase number {name} for the kill test\n")
    home = {**home, "BLOCKWATCH_PASSPHRASE_FILE": str(secrets_["a"])}
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    vault_dir = Path(home["BLOCKWATCH_VAULT"])
    current = "a"
    base = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")}
    imported = notes = 0
    landed = 0
    for round_ in range(kills):
        operation = OPERATIONS[round_ % len(OPERATIONS)]
        other = "b" if current == "a" else "a"
        env = base | home | {"BLOCKWATCH_PASSPHRASE_FILE": str(secrets_[current])}
        target = out / f"bundle-{round_}.zip"
        argv = {
            "log": ["log", "note", "--text", f"round {round_}", "--attach", str(big)],
            "import": ["import", str(xml)],
            "export": ["export", str(target)],
            "passphrase": ["passphrase", "change"],
            "rotate": ["passphrase", "change", "--rotate-key"],
            "backup": ["backup", str(copy)],
        }[operation]
        env["BLOCKWATCH_NEW_PASSPHRASE_FILE"] = str(secrets_[other])
        proc = subprocess.Popen(
            [str(EXE), *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # the quick operations (an unlock and a small write, or a copy) are killed sooner
        time.sleep(rng.uniform(0.2, 1.5 if operation in QUICK else 2.5))
        proc.send_signal(signal.SIGKILL)
        code = proc.wait()
        landed += code == -signal.SIGKILL
        texts = [f"passphrase number {n} for the kill test" for n in (current, other)]
        opened, used = _open(vault_dir, texts)
        with opened as v:
            assert len(check(v)) == 8, (round_, operation)
            views = v.incidents()
        current = current if used == texts[0] else other
        calls = sum(1 for x in views if x["kind"] == "call")
        assert calls in (imported, 20_000), (round_, calls)  # an import is whole or absent
        imported = calls
        now = sum(1 for x in views if x["kind"] == "note")
        assert now in (notes, notes + (operation == "log")), (round_, now)
        notes = now
        beside = [
            p.name for p in out.iterdir() if p.name.startswith((target.name, f".{target.name}"))
        ]
        assert beside in ([], [target.name]), beside  # no partial or hidden file
        manifest = backups.read_manifest(copy) if copy.exists() else None
        if manifest is not None:
            backups.check_files(copy, manifest)  # whole: the new one, or the one before
            assert backed_up is None or manifest.size >= backed_up.size, round_
        else:
            assert backed_up is None, round_
        backed_up = manifest
    env = base | home | {"BLOCKWATCH_PASSPHRASE_FILE": str(secrets_[current])}
    assert run("backup", str(copy), env=env).returncode == 0  # over whatever a kill left
    assert sorted(p.name[:4] for p in copy.iterdir()) == ["back", "keys", "vaul"]
    restored = run("restore", str(copy), "--vault", str(tmp_path / "restored"), env=env)
    assert restored.returncode == 0, restored.stderr
    print(f"\nkills: {kills} rounds, {landed} killed mid-operation, {kills} vaults intact")
    assert landed >= kills // 3, "a third of the kills at least should land mid-operation"
