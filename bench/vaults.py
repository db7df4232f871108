"""What the benchmarks share: a fresh vault made by the installed ``blockwatch`` command.

Not a benchmark itself; each script beside it imports it (a script's own folder is first on
``sys.path``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PASSPHRASE = "benchmark passphrase"
EXE = str(Path(sys.executable).with_name("blockwatch"))


def new_vault(path: Path | str) -> dict[str, str]:
    """``blockwatch init`` of a vault at ``path``; the environment every later command of the
    benchmark runs with (the vault and its passphrase, never in argv)."""
    env = {**os.environ, "BLOCKWATCH_VAULT": str(path), "BLOCKWATCH_PASSPHRASE": PASSPHRASE}
    subprocess.run(
        [EXE, "init", "--timezone", "Asia/Almaty"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return env
