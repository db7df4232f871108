"""Importing a 100,000-call backup, and ``stats`` over the result.

    uv run python bench/import_calls.py [--calls 100000] [--runs 3]

Generates a synthetic ``calls.xml`` (numbers from fiction ranges, a few thousand distinct
callers), then measures medians of ``--runs`` runs, each in a fresh vault:

* baseline, in the same run: ``xml.etree.ElementTree`` parses the file and plain ``sqlite3``
  inserts one row per call with ``executemany``
* ``blockwatch import`` end to end (unlock, parse, normalise numbers, ledger entries, signed
  checkpoint, SQLCipher), with the peak RSS of its whole process tree (a large import runs
  child processes): on Linux the sum of VmRSS over the tree, sampled every 20 ms; elsewhere
  the largest single process
* ``blockwatch stats --json`` over the imported incidents

Targets from the issue: import ≤ 5 s, peak RSS ≤ 150 MB, stats ≤ 1 s.  Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from vaults import EXE, new_vault

EPOCH_MS = 1783181109000


def generate(path: Path, calls: int) -> None:
    rng = random.Random(2026)
    pool = (
        [f"+447700900{n:03d}" for n in range(1000)]
        + [f"+1202555{n:04d}" for n in range(100, 200)]
        + [f"+3363998{n:04d}" for n in range(1000)]
        + ["", "-2", "87011234567"]
    )
    with open(path, "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        f.write(f'<calls count="{calls}" backup_set="bench" backup_date="{EPOCH_MS}">\n')
        for n in range(calls):
            number = rng.choice(pool)
            kind = rng.choice("1233356")
            duration = rng.randint(1, 600) if kind in "12" else 0
            f.write(
                f'  <call number="{number}" duration="{duration}" date="{EPOCH_MS + n * 7_000}" '
                f'type="{kind}" presentation="{1 if number not in ("", "-2") else 2}" subscription_id="1" '
                f'post_dial_digits="" subscription_component_name="null" '
                f'readable_date="Jul 4, 2026 9:05:09 PM" contact_name="(Unknown)" />\n'
            )
        f.write("</calls>\n")


def baseline(path: Path, db: Path) -> float:
    start = time.perf_counter()
    rows = [
        (c.get("number"), int(c.get("date")), c.get("type"), int(c.get("duration")))
        for c in ET.parse(path).getroot().iter("call")
    ]
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE calls (number TEXT, date INTEGER, type TEXT, duration INTEGER)")
    with conn:
        conn.executemany("INSERT INTO calls VALUES (?, ?, ?, ?)", rows)
    conn.close()
    return time.perf_counter() - start


def tree_rss_kib(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants (Linux /proc), in KiB."""
    total, pending = 0, [pid]
    while pending:
        p = pending.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as f:
                pending += [int(child) for child in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one command and its child processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    sampled = os.path.exists(f"/proc/{proc.pid}/status")
    while sampled and proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.02)
    _, status, usage = os.wait4(proc.pid, 0) if proc.returncode is None else (0, 0, None)
    elapsed = time.perf_counter() - start
    code = proc.returncode if proc.returncode is not None else os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    if usage is not None:
        peak = max(peak, usage.ru_maxrss)
    return elapsed, peak // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, int]]] = {
        "baseline": [],
        "import": [],
        "stats": [],
        "unlock": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        xml = root / "calls-bench.xml"
        generate(xml, args.calls)
        size_mib = xml.stat().st_size / 1024**2
        for n in range(args.runs):
            env = new_vault(root / f"vault{n}")
            results["baseline"].append((baseline(xml, root / f"base{n}.db"), 0))
            results["unlock"].append(run([EXE, "list", "--kind", "note", "--json"], env))
            results["import"].append(run([EXE, "import", str(xml)], env))
            results["stats"].append(run([EXE, "stats", "--json"], env))
    med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
    peak = {k: max(r for _, r in v) for k, v in results.items()}
    print(
        f"{args.calls} calls ({size_mib:.0f} MiB of XML); medians of {args.runs} runs; {os.cpu_count()} cores"
    )
    print(f"{'step':<52} {'seconds':>8} {'peak RSS MiB':>13}")
    print(f"{'baseline: ElementTree + sqlite3 executemany':<52} {med['baseline']:>8.2f} {'':>13}")
    print(
        f"{'blockwatch unlock + empty list (fixed cost)':<52} {med['unlock']:>8.2f} {peak['unlock']:>13}"
    )
    print(f"{'blockwatch import':<52} {med['import']:>8.2f} {peak['import']:>13}")
    print(
        f"{'blockwatch stats --json over the import':<52} {med['stats']:>8.2f} {peak['stats']:>13}"
    )
    print(f"import / baseline = {med['import'] / med['baseline']:.1f}x")


if __name__ == "__main__":
    main()
