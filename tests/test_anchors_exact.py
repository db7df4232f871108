"""Checks 13 and 14, the outside anchors, exactly (issue 20: the mutants of ``bundle/verify.py``
that the witness and time-stamp tests let through).

A witness's checkpoint signs the map of heads as of its size: each incident's latest change
then.  A bundle proves, for every included incident created before it, which of its entries
was that head; the key holder who drops a change made before the witness's checkpoint, or
rewrites the proof of it, fails check 13, and the check says which incident and which
checkpoint, word for word."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from blockwatch import ledger, timestamps, vault
from blockwatch.bundle import layout

from .conftest import PASSPHRASE, Env, make_env, run_cli
from .test_cosign import _add, _cosign, _give, _key, lawyer
from .test_timestamps import _earlier_time as _forge_time
from .test_timestamps import _forge, _stamp, stamped
from .test_witness import DO_NOT_RELY, _checkpoint, _export, _failed_13, _note
from .tsa import Authority, authority, serve, tsa

__all__ = ["authority", "lawyer", "stamped", "tsa"]  # the fixtures, used by name

Edit = Callable[[dict[str, bytes], str], None]


def _ledger_json(change: Callable[[dict], None]) -> Edit:  # type: ignore[type-arg]
    """An edit of ledger.json's document by the key holder."""

    def edit(files: dict[str, bytes], root: str) -> None:
        proofs = json.loads(files[f"{root}/data/ledger.json"])
        change(proofs)
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()

    return edit


def _edit_rows(change: Callable[[list[dict]], None]) -> Edit:  # type: ignore[type-arg]
    """An edit of the rows of the one past map of heads."""

    def rows(proofs: dict) -> None:  # type: ignore[type-arg]
        (block,) = proofs["past_heads"]
        change(block["incidents"])

    return _ledger_json(rows)


_drop_the_block = _ledger_json(lambda proofs: proofs.update(past_heads=[]))
_malformed = _ledger_json(lambda proofs: proofs.update(past_heads={"size": 3}))  # not a list
_two_maps_of_one_size = _ledger_json(
    lambda proofs: proofs.update(past_heads=[proofs["past_heads"][0]] * 2)
)


def _first(key: str, value: Callable[[object], object]) -> Callable[[list[dict]], None]:  # type: ignore[type-arg]
    def change(rows: list[dict]) -> None:  # type: ignore[type-arg]
        rows[0][key] = value(rows[0][key])

    return change


def _flip_proof(rows: list[dict]) -> None:  # type: ignore[type-arg]
    proof = rows[0]["inclusion_proof"]
    first = bytearray(base64.b64decode(proof[0]))
    first[0] ^= 1
    proof[0] = base64.b64encode(bytes(first)).decode()


def _other_first_digit(leaf: object) -> str:
    """Another leaf, whatever this one is ("00" + the rest would be the same leaf one run in
    256, and the test would fail then)."""
    assert isinstance(leaf, str)
    return ("1" if leaf[0] == "0" else "0") + leaf[1:]


def _drop_row(rows: list[dict]) -> None:  # type: ignore[type-arg]
    del rows[0]


MISSING = (
    "incident 1: the checkpoint of size {size} signs another latest change than the bundle "
    "holds: a change made before it is missing"
)
MALFORMED = "the past maps of heads are malformed"
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
        (_malformed, MALFORMED),
        (_two_maps_of_one_size, MALFORMED),
        (_edit_rows(_first("index", str)), MALFORMED),
        (_edit_rows(_first("seq", str)), MALFORMED),
        (_edit_rows(_first("inclusion_proof", lambda p: [*p[:-1], "!" + p[-1]])), MALFORMED),
        (_edit_rows(_drop_row), MISSING),
        (_edit_rows(_first("index", lambda i: i + 1)), MISSING),  # type: ignore[operator]
        (_edit_rows(_first("seq", lambda s: s - 1)), MISSING),  # type: ignore[operator]
        (_edit_rows(_first("leaf", _other_first_digit)), MISSING),
        (_edit_rows(_flip_proof), MISSING),
    ],
    ids=[
        "no map",
        "malformed",
        "two of a size",
        "index text",
        "seq text",
        "proof not base64",
        "no row",
        "index",
        "seq",
        "leaf",
        "proof",
    ],
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
    where = "data/ledger.json" if said == MALFORMED else held
    assert (done.code, done.err) == (4, _failed_13(said.format(size=size), where))


# --------------------------------------------------------------------------- check 14

CHECK_14 = (
    "blockwatch: error: check 14 failed, every time stamp is an outside authority's, over a "
    "checkpoint the ledger extends: "
)


def _replace(name: str, make: Callable[[dict[str, bytes], str], bytes]) -> Edit:
    def edit(files: dict[str, bytes], root: str) -> None:
        files[f"{root}/data/timestamps/{name}"] = make(files, root)

    return edit


def _other_size(proofs: dict) -> None:  # type: ignore[type-arg]
    proofs["timestamps"][0]["size"] += 1


def _other_authority(proofs: dict) -> None:  # type: ignore[type-arg]
    proofs["timestamps"][0]["authority"] = "Another TSA"


def _over_cap(name: str, cap: int) -> tuple[Edit, str, str]:
    """A time-stamp file one byte over its cap (random bytes: no zip ratio to refuse first)."""
    return (
        _replace(name, lambda files, root: os.urandom(cap + 1)),
        "file is larger than allowed",
        name,
    )


def _two_roots(files: dict[str, bytes], root: str) -> bytes:
    return files[f"{root}/data/timestamps/1.root.pem"] * 2


@pytest.mark.parametrize(
    ("edit", "said", "where"),
    [
        _over_cap("1.checkpoint.txt", layout.MAX_TAG_BYTES),
        _over_cap("1.tsr", timestamps.MAX_REPLY_BYTES),
        _over_cap("1.root.pem", layout.MAX_TAG_BYTES),
        _over_cap("1.chain.pem", layout.MAX_TAG_BYTES),
        (
            _replace("1.checkpoint.txt", lambda files, root: b"\xff not a checkpoint\n"),
            "the time-stamped checkpoint is not one this ledger extends: not a checkpoint",
            "1.checkpoint.txt",
        ),
        (
            _ledger_json(_other_size),
            "the time-stamped checkpoint is not one this ledger extends: it is not the "
            "checkpoint ledger.json names",
            "1.checkpoint.txt",
        ),
        (
            _forge_time,
            "the time stamp does not verify: its time or authority is not what ledger.json says",
            "1.tsr",
        ),
        (
            _ledger_json(_other_authority),
            "the time stamp does not verify: its time or authority is not what ledger.json says",
            "1.tsr",
        ),
        (
            _replace("1.root.pem", _two_roots),
            "the time stamp does not verify: the root file holds no single certificate",
            "1.tsr",
        ),
    ],
    ids=[
        "checkpoint too large",
        "token too large",
        "root too large",
        "chain too large",
        "not a checkpoint",
        "other size",
        "earlier time",
        "other authority",
        "two roots",
    ],
)
def test_a_time_stamp_changed_by_the_key_holder_fails_check_14_word_for_word(
    vault_env: Env, stamped: Path, tmp_path: Path, edit: Edit, said: str, where: str
) -> None:
    forged = _forge(vault_env, stamped, edit, tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged))
    where = f"data/timestamps/{where}"
    assert (done.code, done.err) == (4, f"{CHECK_14}{said} ({where})\n{DO_NOT_RELY}")


def test_malformed_consistency_proofs_fail_check_13_even_with_no_witness_given(
    vault_env: Env, stamped: Path, tmp_path: Path
) -> None:
    def malformed(proofs: dict) -> None:  # type: ignore[type-arg]
        proofs["consistency"] = [{"size": 1}]  # no proof

    forged = _forge(vault_env, stamped, _ledger_json(malformed), tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged))
    said = "the consistency proofs are malformed"
    assert (done.code, done.err) == (4, _failed_13(said, "data/ledger.json"))


def test_a_time_stamped_checkpoint_s_map_of_heads_rewritten_fails_check_14_word_for_word(
    vault_env: Env, tmp_path: Path, authority: Authority, tsa: str
) -> None:
    """As check 13 for a witness: a correction made before the time-stamped checkpoint and
    left out of the bundle (the map's row pointing at the entry before it) fails, naming the
    time-stamped checkpoint."""
    _note(vault_env, "one")
    assert run_cli(vault_env, "amend", "1", "--note", "a correction", "--why", "typo").code == 0
    _stamp(vault_env, tsa, authority.root_pem)
    _note(vault_env, "two")
    bundle = _export(vault_env, tmp_path / "b.zip")
    forged = _forge(
        vault_env, bundle, _edit_rows(_first("seq", lambda s: s - 1)), tmp_path / "f.zip"
    )  # type: ignore[operator]
    done = run_cli(vault_env, "verify", str(forged), "--tsa-root", str(authority.root_pem))
    size = json.loads(run_cli(vault_env, "verify", str(bundle), "--json").out)["timestamps"][0][
        "size"
    ]
    said = MISSING.format(size=size)
    where = "data/timestamps/1.checkpoint.txt"
    assert (done.code, done.err) == (4, f"{CHECK_14}{said} ({where})\n{DO_NOT_RELY}")


def test_the_untrusted_roots_of_time_stamps_are_named_once_each_in_order(
    vault_env: Env, tmp_path: Path
) -> None:
    names = ["Beta TSA", "Alpha TSA", "Beta TSA"]
    authorities = {name: Authority(tmp_path / name.split()[0], name=name) for name in set(names)}
    for n, name in enumerate(names):
        _note(vault_env, f"note {n}")
        with serve(authorities[name].reply) as server:
            _stamp(vault_env, server.url, authorities[name].root_pem)
    done = run_cli(vault_env, "verify", str(_export(vault_env, tmp_path / "b.zip")))
    assert done.code == 0, done.err
    assert (
        "not trusted: the roots of these time stamps (Alpha TSA Root, Beta TSA Root) are neither "
        "in Mozilla's list nor given with --tsa-root; if you trust one, give it with --tsa-root "
        "FILE"
    ) in " ".join(done.out.split())


# --------------------------------------------------------------------------- cosignatures


def _cosigned_by(env: Env, witness: Env, where: Path) -> str:
    """The journalist gives her checkpoint to ``witness``, who cosigns it; she stores the
    cosignature.  The witness's key."""
    where.mkdir(exist_ok=True)
    given = _give(env, where / "given.txt")
    assert _add(witness, given, "--key", _key(env)).code == 0
    cosigned, witness_key = _cosign(witness, where / "cosigned.txt")
    stored = run_cli(env, "checkpoint", "--cosigned", str(cosigned), "--witness-key", witness_key)
    assert stored.code == 0, stored.err
    return witness_key


def test_a_cosignature_by_a_witness_not_known_does_not_hide_one_by_a_witness_known(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    colleague = make_env(tmp_path / "colleague")
    assert run_cli(colleague, "init", "--timezone", "Asia/Almaty").code == 0
    _note(vault_env, "one")
    _cosigned_by(vault_env, colleague, (tmp_path / "c").resolve())  # carried first
    _note(vault_env, "two")
    known = _cosigned_by(vault_env, lawyer, (tmp_path / "l").resolve())
    bundle = _export(vault_env, tmp_path / "b.zip")
    done = run_cli(vault_env, "verify", str(bundle), "--witness-key", known)
    assert done.code == 0, done.err
    assert "ok 13" in done.out


def test_a_cosignature_s_size_edited_in_ledger_json_fails_check_13_word_for_word(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one", "two")
    witness_key = _cosigned_by(vault_env, lawyer, tmp_path.resolve())
    bundle = _export(vault_env, tmp_path / "b.zip")

    def smaller(proofs: dict) -> None:  # type: ignore[type-arg]
        proofs["cosignatures"][0]["size"] -= 1

    forged = _forge(vault_env, bundle, _ledger_json(smaller), tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged), "--witness-key", witness_key)
    said = (
        f"the cosignature by {witness_key.split('+')[0]} does not verify: its time or size is "
        "not what ledger.json says"
    )
    assert (done.code, done.err) == (4, _failed_13(said, "data/ledger.json"))


def test_a_time_stamp_file_left_out_fails_check_10(
    vault_env: Env, stamped: Path, tmp_path: Path
) -> None:
    """Each file a time stamp in ledger.json names must be in the bag (a key holder who drops
    one re-hashes and signs the rest)."""
    from .test_bundle import _resign, members, rezip, top

    for name in ("1.tsr", "1.checkpoint.txt", "1.chain.pem", "1.root.pem"):
        files = members(stamped)
        root = top(files)
        del files[f"{root}/data/timestamps/{name}"]
        with vault.unlock(vault_env, PASSPHRASE) as v:
            _resign(files, root, v._signer)
        done = run_cli(vault_env, "verify", str(rezip(files, tmp_path / "forged.zip")))
        said = (
            "blockwatch: error: check 10 failed, every payload file is a bundle file or an "
            f"included incident's attachment: file is missing (data/timestamps/{name})\n"
        )
        assert (done.code, done.err) == (4, said + DO_NOT_RELY)
