"""What a journalist sees when something goes wrong: golden stderr, one file per case.

In the manner of age's testscript files, each ``tests/golden/stderr/*.txt`` is a small script::

    # what the case is
    env NAME=value               set for the command (the fixture passphrase is set already)
    write $WORK/file text        make a file first
    $ blockwatch ARGS…           the command ($WORK: a scratch folder, $V1: tests/fixtures/v1)
    ? 3                          its exit status
    > blockwatch: error: …       its stderr, line by line; stdout must be empty

The vault is a copy of the committed format-1 vault.  After a deliberate change of wording, run
``BLOCKWATCH_UPDATE_GOLDEN=1 uv run pytest tests/test_stderr_goldens.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import NOW, run_cli

CASES = Path(__file__).parent / "golden" / "stderr"
V1 = Path(__file__).parent / "fixtures" / "v1"


@pytest.mark.parametrize("script", sorted(CASES.glob("*.txt")), ids=lambda p: p.stem)
def test_stderr_golden(script: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(V1 / "vault", tmp_path / "vault")
    passphrase = json.loads((V1 / "expected.json").read_text())["passphrase"]
    environ = {"BLOCKWATCH_PASSPHRASE": passphrase}

    def expand(text: str) -> str:
        return text.replace("$WORK", str(work)).replace("$V1", str(V1))

    def hide(text: str) -> str:
        return text.replace(str(work), "$WORK").replace(str(V1), "$V1")

    kept, expected_status, expected_err, args = [], None, [], None
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith("? "):
            expected_status = int(line[2:])
        elif line.startswith(">"):
            expected_err.append(line[2:])
        else:
            kept.append(line)
            if line.startswith("env "):
                name, _, value = line[4:].partition("=")
                environ[name] = value
            elif line.startswith("write "):
                path, _, text = line[6:].partition(" ")
                Path(expand(path)).write_text(text + "\n")
            elif line.startswith("$ blockwatch "):
                args = [expand(a) for a in shlex.split(line[len("$ blockwatch ") :])]
    assert args is not None, f"{script.name} runs no command"
    env = Env(vault_dir=tmp_path / "vault", environ=environ, now=lambda: NOW)
    done = run_cli(env, *args)
    err = hide(done.err).splitlines()
    if os.environ.get("BLOCKWATCH_UPDATE_GOLDEN"):
        lines = [*kept, f"? {done.code}", *(f"> {e}" for e in err)]
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    assert (done.code, err) == (expected_status, expected_err), script.name
    assert done.out == ""
    assert "Traceback" not in done.err
