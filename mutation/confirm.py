"""Run named mutants against chosen test files, fast: in ``mutants/`` (made by a mutmut run),
each worker process loads pytest once and runs ``pytest -x`` once per mutant, switching
``MUTANT_UNDER_TEST`` in between (mutmut's trampolines read it at every call).  Used to check
survivors against tests written since the run, or a module's mutants against the tests
written for it, without mutmut's per-mutant start-up or its statistics of which tests call
what (a test added since is not among them).

    uv run --group mutation python mutation/confirm.py LIST -o OUT -- tests/test_x.py ...

LIST holds one mutant name a line.  OUT gets ``killed NAME``, ``timeout NAME`` (its tests ran
past ``--limit`` seconds: caught, as a hung suite never passes) or ``SURVIVED NAME`` a line; a
name already in OUT is skipped, so a stopped run resumes.  The test files are copied from
the working tree into ``mutants/tests`` first, with conftest.py and tsa.py.  Each worker
first runs the tests with no mutant: they must pass.  Check a sample of the killed ones
with mutmut's own runner (``mutmut run NAME``) when in doubt: a mutant that leaves the
process in a state that fails the next one would pass for killed.  ``--by-stats`` runs each
mutant against only the chosen tests that mutmut's statistics (``mutants/mutmut-stats.json``,
from a run whose selection held those files) saw calling its function, the quickest first.
Leave out test files with Hypothesis tests that read the running script
(``tests/test_import.py``): the suite's check of reads outside the repository fails them
here."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"


def _callers(tests: list[str]) -> dict[str, list[str]]:
    """From mutmut's statistics: for each function, the tests in ``tests`` that called it,
    the quickest first (so that ``-x`` stops soon on a killed mutant)."""
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())
    duration = stats["duration_by_test"]
    files = {Path(t).as_posix() for t in tests}
    return {
        function: sorted(
            (t for t in called if t.partition("::")[0] in files), key=lambda t: duration.get(t, 0)
        )
        for function, called in stats["tests_by_mangled_function_name"].items()
    }


class _Hung(BaseException):
    """Raised in a test that runs past the time limit (a BaseException: no test catches it)."""


def _work(
    names: list[str], tests: list[str], out: Path, by_stats: bool, limit: int, also: list[str]
) -> str:
    os.chdir(MUTANTS)
    sys.path.insert(0, str(MUTANTS))
    # Hypothesis reads the source of every local module loaded (for its constants): this
    # script, outside mutants/, would count as a read outside the repository in the suite
    for name in ("__main__", "__mp_main__"):
        if (module := sys.modules.get(name)) is not None:
            module.__file__ = None  # type: ignore[assignment]
    import pytest

    options = ["-x", "-q", "-n", "0", "-p", "no:cacheprovider"]
    callers = _callers(tests) if by_stats else {}
    sink = io.StringIO()

    hung = []

    def alarm(*_: object) -> None:
        hung.append(True)
        raise _Hung

    signal.signal(signal.SIGALRM, alarm)

    def run(mutant: str, selected: list[str], limit: int = limit) -> int:
        os.environ["MUTANT_UNDER_TEST"] = mutant
        sink.seek(0)
        sink.truncate()
        hung.clear()
        signal.alarm(limit)
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                return int(pytest.main([*options, *selected]))
        except _Hung:
            return -1
        finally:
            signal.alarm(0)

    # the tests without a mutant, all of them, with no time limit (0: no alarm)
    if run("none", [*also, *tests], limit=0) != 0:
        said = "\n".join(sink.getvalue().splitlines()[-15:])
        return f"the tests fail with no mutant: fix them first\n{said}"
    parent = os.getppid()
    for name in names:
        if os.getppid() != parent:  # the run was stopped: do not go on as an orphan
            return "stopped"
        # a function no chosen test was seen calling (called from a fixture, or by a test
        # written since the statistics) is run against every chosen file
        selected = [*also, *(callers.get(name.partition("__mutmut_")[0]) or tests)]
        code = run(name, selected)
        # a mutant that makes a test run on past the limit is caught: the suite never passes
        word = "timeout" if hung else "SURVIVED" if code == 0 else "killed"
        with out.open("a") as f:
            f.write(f"{word} {name}\n")
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", type=Path, help="a file of mutant names, one a line")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument(
        "--limit", type=int, default=120, help="seconds a mutant's tests may take (default 120)"
    )
    parser.add_argument(
        "--by-stats",
        action="store_true",
        help="run each mutant against only the chosen tests mutmut saw calling its function",
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        help="a test file run whole, first, for every mutant (one written since the statistics)",
    )
    parser.add_argument("tests", nargs="+", help="test files, after --")
    args = parser.parse_args()
    if not MUTANTS.is_dir():
        print("no mutants/: run 'uv run --group mutation mutmut run' first", file=sys.stderr)
        return 1
    for test in [*args.also, *args.tests, "tests/conftest.py", "tests/tsa.py"]:
        shutil.copy(ROOT / test, MUTANTS / test)
    done = set()
    if args.out.exists():
        done = {line.split()[1] for line in args.out.read_text().splitlines() if line.strip()}
    names = [n for n in args.names.read_text().split() if n not in done]
    shares = [names[k :: args.jobs] for k in range(args.jobs)]
    # a temporary directory of the run's own: the suite checks that it leaves nothing behind
    os.environ["TMPDIR"] = tempfile.mkdtemp(prefix="mutation-confirm-")
    try:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            jobs = [
                (share, args.tests, args.out.resolve(), args.by_stats, args.limit, args.also)
                for share in shares
            ]
            said = pool.starmap(_work, jobs)
    finally:
        shutil.rmtree(os.environ["TMPDIR"], ignore_errors=True)
    for problem in filter(None, said):
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
