"""Busy, not lost (issue 14, item 4): writers beside a long import, as real processes.

Four processes log notes while a fifth imports a call log.  Every ``log`` either succeeds or
says in one line that the vault is busy (exit 1); none crashes (exit 70) and none is lost:
the notes in the vault are exactly the ones reported logged, the import is whole, and the
ledger is one consistent, signed sequence (``check``).  CI runs a short form; ``--run-slow``
the full one (a 300,000-call import, 4 × 25 notes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blockwatch import vault
from blockwatch.vault.check import check

from ..conftest import PASSPHRASE, make_env
from ..test_subprocess import EXE, home, run

__all__ = ["home"]  # the fixture
pytestmark = pytest.mark.processes  # real processes: mutation runs leave them out

BENCH = Path(__file__).resolve().parents[2] / "bench"
WRITERS = 4


def _scale(request: pytest.FixtureRequest) -> tuple[int, int]:
    """(calls imported, notes per writer): short in CI, full with --run-slow."""
    return (300_000, 25) if request.config.getoption("--run-slow") else (20_000, 4)


@pytest.mark.skipif(os.name != "posix", reason="real processes and a POSIX shell environment")
def test_writers_beside_an_import_are_busy_or_done_never_lost(
    home: dict[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    calls, notes = _scale(request)
    sys.path.insert(0, str(BENCH))
    from import_calls import generate  # synthetic numbers from fiction ranges

    xml = tmp_path / "calls.xml"
    generate(xml, calls)
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    full = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")} | home
    # long enough for the writers to outwait the short import, short enough to see "busy" in
    # the full one
    full["BLOCKWATCH_BUSY_TIMEOUT"] = "600" if calls <= 20_000 else "20"
    importer = subprocess.Popen(
        [str(EXE), "import", str(xml), "--json"],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)  # the import has its lock (or is about to)
    script = (
        "import subprocess, sys, json\n"
        "exe, writer, notes = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "out = []\n"
        "for i in range(notes):\n"
        "    text = f'writer {writer} note {i}'\n"
        "    done = subprocess.run([exe, 'log', 'note', '--text', text],\n"
        "                          capture_output=True, text=True)\n"
        "    out.append([text, done.returncode, done.stderr])\n"
        "print(json.dumps(out))\n"
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(EXE), str(w), str(notes)],
            env=full,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    results = [json.loads(w.communicate(timeout=1800)[0]) for w in writers]
    imported_out, imported_err = importer.communicate(timeout=1800)
    assert importer.returncode == 0, imported_err
    assert json.loads(imported_out)[0]["added"] == calls

    logged, busy = set(), 0
    for text, code, err in (row for rows in results for row in rows):
        assert code in (0, 1), (text, code, err)  # never 70, never killed
        if code == 0:
            logged.add(text)
        else:
            assert "the vault is busy" in err and "nothing was written" in err, err
            busy += 1
    assert len(logged) + busy == WRITERS * notes
    with vault.unlock(make_env(Path(home["BLOCKWATCH_VAULT"])), PASSPHRASE) as v:
        views = v.incidents()
        present = [x["details"]["text"] for x in views if x["kind"] == "note"]
        assert sorted(present) == sorted(logged)  # every success is there, once, and no other
        assert sum(1 for x in views if x["kind"] == "call") == calls
        assert len(check(v)) == 8
    # the figures docs/RELIABILITY.md quotes (seen with pytest -s)
    print(f"\nconcurrency: {calls} calls, {len(logged)} logged, {busy} busy, 0 lost, 0 crashes")
    if calls <= 20_000:
        assert busy == 0, "a writer gave up although it may wait ten minutes"
