"""The mutation score per module of the evidence path, from the last ``mutmut run``.

    uv run --group mutation python mutation/score.py [--survivors] [--all] [--confirmed OUT ...]

Reads ``mutants/**/*.py.meta`` (mutmut 3's results).  A surviving mutant listed in
``mutation/equivalent.txt`` (one ``mutant-name  # why it cannot change behaviour`` per line)
counts as equivalent and leaves the score; every other survivor needs a test.  The score is
killed / (killed + survived), per module; the target is 90 % or more for every module
(issue 20).  Modules whose mutants were not run yet are left out (``--all`` lists them, as
failing).  ``--confirmed OUT`` (repeatable) adds the results of ``mutation/confirm.py`` runs: a
mutant killed by either runner counts as killed (keep those files as fresh as ``mutants/``: a
result for a function changed since is stale).  Exits 1 when a module is below the target, or when an equivalent entry names no
mutant.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.90
KILLED = {1, 3, 37}  # a failing test, an internal pytest error, a type error (mutmut's codes)
SURVIVED = {0}


def equivalent() -> dict[str, str]:
    found = {}
    path = ROOT / "mutation" / "equivalent.txt"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        name, _, why = line.partition("#")
        if name.strip():
            found[name.strip()] = why.strip()
    return found


def results() -> dict[str, dict[str, int | None]]:
    by_module: dict[str, dict[str, int | None]] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            by_module[module] = codes
    return by_module


def confirmed(paths: list[str]) -> dict[str, int]:
    """``killed``/``timeout`` -> 1, ``SURVIVED`` -> 0, from confirm.py's OUT files; killed wins."""
    found: dict[str, int] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            word, _, name = line.partition(" ")
            if name:
                found[name] = max(found.get(name, 0), 0 if word == "SURVIVED" else 1)
    return found


def main(argv: list[str]) -> int:
    same = equivalent()
    data = results()
    extra = confirmed([argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--confirmed"])
    for codes in data.values():
        for name, code in codes.items():
            if name in extra and code not in KILLED:
                codes[name] = 1 if extra[name] else (0 if code is None else code)
    if not data:
        print("no results: run 'uv run --group mutation mutmut run' first", file=sys.stderr)
        return 1
    low, seen = 0, set()
    print(f"{'module':42} {'killed':>7} {'survived':>8} {'equiv.':>6} {'other':>6} {'score':>7}")
    for module, codes in data.items():
        counts: Counter[str] = Counter()
        survivors = []
        for name, code in codes.items():
            if code in KILLED:
                counts["killed"] += 1
            elif code in SURVIVED and name in same:
                counts["equivalent"] += 1
                seen.add(name)
            elif code in SURVIVED:
                counts["survived"] += 1
                survivors.append(name)
            else:
                counts["other"] += 1  # not checked, no tests, timeout: see 'mutmut results'
        judged = counts["killed"] + counts["survived"]
        if not judged and "--all" not in argv:
            continue  # not run yet: 'mutmut run "blockwatch.<module>*"'
        score = counts["killed"] / judged if judged else 0.0
        low += score < TARGET
        print(
            f"{module:42} {counts['killed']:7} {counts['survived']:8} {counts['equivalent']:6}"
            f" {counts['other']:6} {score:7.1%}" + ("" if judged else "  (not run)")
        )
        if "--survivors" in argv:
            for name in survivors:
                print(f"    {name}")
    stale = sorted(set(same) - seen - {n for c in data.values() for n in c})
    for name in stale:
        print(f"equivalent.txt names no mutant of this run: {name}", file=sys.stderr)
    return 1 if low or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
