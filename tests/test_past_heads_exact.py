"""Check 13's past maps of heads, exactly (issue 20: the mutants of ``bundle/verify.py``'s
``check_past_heads`` that the witness tests let through).

A witness's checkpoint signs the map of heads as of its size: each incident's latest change
then.  A bundle proves, for every included incident created before it, which of its entries
was that head; the key holder who drops a change made before the witness's checkpoint, or
rewrites the proof of it, fails check 13, and the check says which incident and which
checkpoint, word for word."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from blockwatch import ledger, vault

from .conftest import PASSPHRASE, Env, run_cli
from .test_timestamps import _forge
from .test_witness import _checkpoint, _export, _failed_13, _note

Edit = Callable[[dict[str, bytes], str], None]


def _past(files: dict[str, bytes], root: str) -> tuple[dict, list]:  # type: ignore[type-arg]
    proofs = json.loads(files[f"{root}/data/ledger.json"])
    return proofs, proofs["past_heads"]


def _edit_rows(change: Callable[[list[dict]], None]) -> Edit:  # type: ignore[type-arg]
    def edit(files: dict[str, bytes], root: str) -> None:
        proofs, past = _past(files, root)
        (block,) = past
        change(block["incidents"])
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()

    return edit


def _drop_the_block(files: dict[str, bytes], root: str) -> None:
    proofs, _past_heads = _past(files, root)
    proofs["past_heads"] = []
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()


def _malformed(files: dict[str, bytes], root: str) -> None:
    proofs, _past_heads = _past(files, root)
    proofs["past_heads"] = {"size": 3}  # not a list of maps
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()


def _first(key: str, value: Callable[[object], object]) -> Callable[[list[dict]], None]:  # type: ignore[type-arg]
    def change(rows: list[dict]) -> None:  # type: ignore[type-arg]
        rows[0][key] = value(rows[0][key])

    return change


def _flip_proof(rows: list[dict]) -> None:  # type: ignore[type-arg]
    proof = rows[0]["inclusion_proof"]
    first = bytearray(base64.b64decode(proof[0]))
    first[0] ^= 1
    proof[0] = base64.b64encode(bytes(first)).decode()


def _drop_row(rows: list[dict]) -> None:  # type: ignore[type-arg]
    del rows[0]


MISSING = (
    "incident 1: the checkpoint of size {size} signs another latest change than the bundle "
    "holds: a change made before it is missing"
)
NOT_SHOWN = (
    "the bundle does not show which changes of its incidents existed at the checkpoint of "
    "size {size}"
)


@pytest.fixture
def witnessed(vault_env: Env, tmp_path: Path) -> tuple[Path, Path, int]:
    """Two incidents, the first corrected, a checkpoint given to a witness, then a third
    incident: the witness's checkpoint and the bundle of all three."""
    _note(vault_env, "one", "two")
    assert run_cli(vault_env, "amend", "1", "--note", "a correction", "--why", "typo").code == 0
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    _note(vault_env, "three")
    bundle = _export(vault_env, tmp_path / "b.zip")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size = ledger.open_checkpoint(held.read_text(), v.settings.origin, v.public_key).size
    return held, bundle, size


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_drop_the_block, NOT_SHOWN),
        (_malformed, "the past maps of heads are malformed"),
        (_edit_rows(_drop_row), MISSING),
        (_edit_rows(_first("index", lambda i: i + 1)), MISSING),  # type: ignore[operator]
        (_edit_rows(_first("seq", lambda s: s - 1)), MISSING),  # type: ignore[operator]
        (_edit_rows(_first("leaf", lambda h: "00" + h[2:])), MISSING),  # type: ignore[index]
        (_edit_rows(_flip_proof), MISSING),
    ],
    ids=["no map", "malformed", "no row", "index", "seq", "leaf", "proof"],
)
def test_a_past_map_of_heads_changed_by_the_key_holder_fails_check_13_word_for_word(
    vault_env: Env, tmp_path: Path, witnessed: tuple[Path, Path, int], edit: Edit, said: str
) -> None:
    held, bundle, size = witnessed
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 0, done.err
    forged = _forge(vault_env, bundle, edit, tmp_path / "forged.zip")
    assert run_cli(vault_env, "verify", str(forged)).code == 0  # the key alone can make it
    done = run_cli(vault_env, "verify", str(forged), "--witness", str(held))
    where = "data/ledger.json" if edit is _malformed else held
    assert (done.code, done.err) == (4, _failed_13(said.format(size=size), where))
