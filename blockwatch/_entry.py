"""The ``blockwatch`` console script: answer ``--version`` and ``--help`` without importing Typer.

Importing Typer and building the command tree costs most of a start-up.  ``blockwatch --help``
prints the help Typer renders, generated with the man pages (``python -m
blockwatch.cli.manpages``) into ``cli/help.txt``; tests/test_docs.py fails when it drifts from
the command tree.  Every other command line goes to ``blockwatch.cli.main``.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from blockwatch import __version__

        sys.stdout.write(f"blockwatch {__version__}\n")
        sys.exit(0)
    if args in (["--help"], ["-h"]):
        from pathlib import Path

        # Not importlib.resources: it would import the blockwatch.cli package, and Typer with it.
        sys.stdout.write((Path(__file__).parent / "cli" / "help.txt").read_text(encoding="utf-8"))
        sys.exit(0)
    from blockwatch.cli import main as full

    full()
