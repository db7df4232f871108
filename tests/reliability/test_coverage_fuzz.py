"""Runs the coverage-guided fuzz targets (tests/reliability/coverage_fuzz.py) with the budget
of issue 14: an input of up to 10 MB that takes more than 10 s or 300 MiB is a crash, as is
any exception but a one-line ``BlockwatchError``.  Short in CI (seconds per target), long with
``--run-slow``.  Seeds: the real exports of tests/real, a key-slot file and a bundle."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import PASSPHRASE, ROOT
from .test_fuzz import SEEDS

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.processes,
    pytest.mark.skipif(
        importlib.util.find_spec("atheris") is None, reason="atheris has wheels for Linux only"
    ),
]

NAMES = (".xml", ".txt", ".json", ".csv", ".zip")


def _corpus(target: str, where: Path, opened) -> Path:  # type: ignore[no-untyped-def]
    corpus = where / f"corpus-{target}"
    corpus.mkdir()
    if target == "importers":
        for n, seed in enumerate(SEEDS):
            pick = bytes([NAMES.index(seed.suffix) if seed.suffix in NAMES else 0])
            (corpus / f"seed-{n}").write_bytes(pick + seed.read_bytes())
    elif target == "keyslots":
        shutil.copy(opened.env.vault_dir / "keyslots.json", corpus / "keyslots.json")
    else:
        from blockwatch import logbook
        from blockwatch.bundle.writer import ExportOptions, export_bundle

        logbook.log(opened, "call", logbook.Typed(counterparty="+447700900123"))
        logbook.log(opened, "note", logbook.Typed(details={"text": "a fuzz seed"}))
        export_bundle(opened, corpus / "bundle.zip", ExportOptions())
    return corpus


@pytest.mark.parametrize("target", ["importers", "keyslots", "bundle"])
def test_coverage_guided_fuzzing_finds_no_crash_within_the_budget(  # type: ignore[no-untyped-def]
    target: str, opened, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seconds = 600 if request.config.getoption("--run-slow") else 15
    corpus = _corpus(target, tmp_path, opened)
    crashes = tmp_path / "crashes"
    crashes.mkdir()
    done = subprocess.run(
        [
            # through a shell that forks it: libFuzzer's RSS is the process's peak, which an
            # exec straight from this (large) test process would inherit
            "sh",
            "-c",
            '"$0" "$@"; exit $?',
            sys.executable,
            "-m",
            "tests.reliability.coverage_fuzz",
            target,
            str(corpus),
            f"-max_total_time={seconds}",
            "-timeout=10",
            "-rss_limit_mb=300",
            f"-max_len={10 * 1024 * 1024}",
            f"-artifact_prefix={crashes}/",
            "-seed=14",
            "-print_final_stats=1",
        ],
        cwd=ROOT,
        # only what the harness needs: nothing another test left in the environment
        env={
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR", "LANG")},
            "BLOCKWATCH_PASSPHRASE": PASSPHRASE,
        },
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    runs = [
        line
        for line in done.stderr.splitlines()
        if line.startswith("stat::number_of_executed_units")
    ]
    print(f"\n{target}: {runs[-1] if runs else 'no stats'}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert not list(crashes.iterdir()), sorted(p.name for p in crashes.iterdir())
