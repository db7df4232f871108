"""Coverage-guided fuzzing (issue 14, item 5) with atheris (libFuzzer for Python):

    python -m tests.reliability.coverage_fuzz TARGET CORPUS_DIR [libFuzzer flags…]

TARGET is one of ``TARGETS``: every importer (through ``detect``, as ``import`` reads a file),
the key-slot reader, and the bundle verifier.  The only acceptable outcomes for an input are
success or a ``BlockwatchError`` with a one-line message; anything else is a crash, which
libFuzzer saves (``-artifact_prefix``).  The budget of issue 14 — no input up to 10 MB may take
more than 10 s or 300 MiB — is libFuzzer's own ``-timeout=10 -rss_limit_mb=300
-max_len=10485760``, given by ``tests/reliability/test_coverage_fuzz.py``, which runs each
target briefly in CI and longer with ``--run-slow``.  atheris has wheels for Linux only: the
test is skipped where it is not installed.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["blockwatch"]):
    from blockwatch import i18n
    from blockwatch.bundle.verify import verify_bundle
    from blockwatch.errors import BlockwatchError
    from blockwatch.importers import FORMATS, detect
    from blockwatch.importers.base import Options
    from blockwatch.vault import keyslots

OPTIONS = Options(latest=datetime(2026, 12, 1, tzinfo=UTC))
SCRATCH = Path(tempfile.mkdtemp(prefix="blockwatch-fuzz-"))


def _one_line(error: BlockwatchError) -> None:
    if not error.message or "\n" in error.message:
        raise AssertionError(f"not one line: {error.message!r}")


NAMES = ("input.xml", "input.txt", "input.json", "input.csv", "input.zip")


def importers(data: bytes) -> None:
    """The first byte picks the file's name (detect reads it), the rest is the file."""
    if not data:
        return
    path = SCRATCH / NAMES[data[0] % len(NAMES)]
    path.write_bytes(data[1:])
    try:
        fmt = detect(data[1 : 64 * 1024 + 1], path)
        for _record in FORMATS[fmt].parse()(path, OPTIONS):
            pass
    except BlockwatchError as e:
        _one_line(e)


def _reader(name: str, read: Callable[[Path], object]) -> Callable[[bytes], None]:
    """A target that writes the input to ``name`` and has ``read`` read it."""

    def target(data: bytes) -> None:
        path = SCRATCH / name
        path.write_bytes(data)
        try:
            read(path)
        except BlockwatchError as e:
            _one_line(e)

    return target


key_slots = _reader(
    "keyslots.json",
    lambda path: keyslots.unlock_with_recovery(
        keyslots.load(path), "0000-0000-0000-0000-0000-0000-0000-0000"
    ),
)
bundle = _reader("bundle.zip", verify_bundle)


TARGETS = {"importers": importers, "keyslots": key_slots, "bundle": bundle}


def _clean() -> None:
    for child in SCRATCH.iterdir():
        child.unlink()
    os.rmdir(SCRATCH)


def main() -> None:
    i18n.use("en")
    target = TARGETS[sys.argv[1]]
    atexit.register(_clean)  # libFuzzer ends the process with exit()
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
