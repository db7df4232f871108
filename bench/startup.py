"""Start-up and logging cost of the real ``blockwatch`` command (issue: the foundation).

Medians of several runs, each against a baseline measured in the same run:

* ``python -c pass``                   the interpreter alone
* ``blockwatch --version`` / ``--help`` must stay cheap: heavy imports only where used
* ``python -c <Argon2id derive>``      the key derivation alone (same cost as a vault unlock)
* ``blockwatch log call …``            end to end: unlock, parse, append, sign, commit

Run: ``uv run python bench/startup.py [--runs 11]``.  Nothing here asserts a time.

Installed tools (pip, pipx, ``uv tool install``) run from compiled bytecode; a development venv
made by ``uv sync`` has none, and some machines set PYTHONDONTWRITEBYTECODE, so every start
would recompile Typer from source.  The benchmark therefore compiles the environment first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vaults import EXE, new_vault

KDF = (
    "import os; from cryptography.hazmat.primitives.kdf.argon2 import Argon2id; "
    "Argon2id(salt=os.urandom(16), length=32, iterations=3, lanes=4, memory_cost=65536)"
    ".derive(b'benchmark passphrase')"
)


def medians_ms(commands: list[list[str]], env: dict[str, str], runs: int) -> list[float]:
    """Round-robin: each round runs every command once, so drift of a shared machine hits all
    of them alike and the differences between them stay meaningful."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for n, argv in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(
                argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times[n].append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def typer_file() -> str:
    import typer

    return typer.__file__ or ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    import blockwatch

    for where in {Path(typer_file()).parents[1], Path(blockwatch.__file__).parent}:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j", "0", str(where)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with tempfile.TemporaryDirectory() as tmp:
        env = new_vault(f"{tmp}/vault")
        commands = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("blockwatch --version", [EXE, "--version"]),
            ("blockwatch --help", [EXE, "--help"]),
            ("Argon2id derive alone (python -c)", [sys.executable, "-c", KDF]),
            (
                "blockwatch log call … (end to end)",
                [
                    EXE,
                    "log",
                    "call",
                    "+447700900123",
                    "--at",
                    "2026-07-04 19:04",
                    "--platform",
                    "whatsapp",
                    "--outcome",
                    "missed",
                ],
            ),
            (
                "blockwatch log call … --at 'yesterday 19:04'",
                [EXE, "log", "call", "+447700900123", "--at", "yesterday 19:04"],
            ),
            (
                "blockwatch log call … --at '3 hours ago'",
                [EXE, "log", "call", "+447700900123", "--at", "3 hours ago"],
            ),
        ]
        rows = list(
            zip(
                [name for name, _ in commands],
                medians_ms([argv for _, argv in commands], env, runs),
                strict=True,
            )
        )
    base = rows[0][1]
    kdf = rows[3][1]
    print(f"medians of {runs} runs on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'command':<48} {'median ms':>10} {'- python':>10} {'- kdf run':>10}")
    for name, ms in rows:
        print(f"{name:<48} {ms:>10.1f} {ms - base:>10.1f} {ms - kdf:>10.1f}")


if __name__ == "__main__":
    main()
