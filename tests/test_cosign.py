"""Witnesses with their own vault (issue 13): ``witness add`` keeps a journalist's checkpoints
(C2SP tlog-witness add-checkpoint bodies: the consistency proof from the one held), refusing a
rolled-back or rewritten vault; ``witness cosign`` returns a C2SP tlog-cosignature v1; the
journalist stores it (``checkpoint --cosigned``), bundles carry it, ``verify --witness-key``
checks it (check 13) and ``check`` re-verifies it (check 8)."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from blockwatch import ledger, vault
from blockwatch.env import Env

from .conftest import PASSPHRASE, make_env, run_cli, snapshot


@pytest.fixture
def lawyer(_template_vault: Path, tmp_path: Path) -> Env:
    """The witness's own vault (a copy of the template: another vault id is not needed for a
    witness, but its key must differ from the journalist's: a fresh vault)."""
    env = make_env(tmp_path / "lawyer")
    assert run_cli(env, "init", "--timezone", "Asia/Almaty").code == 0
    return env


def _note(env: Env, *text: str) -> None:
    for t in text:
        assert run_cli(env, "log", "note", "--text", t).code == 0


def _give(env: Env, where: Path, *args: str) -> Path:
    done = run_cli(env, "checkpoint", *args)
    assert done.code == 0, done.err
    where.write_text(done.out, encoding="utf-8")
    return where


def _key(env: Env) -> str:
    return str(json.loads(run_cli(env, "key", "show", "--json").out)["verifier_key"])


def _add(witness: Env, path: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(witness, "witness", "add", str(path), *args)


def _cosign(witness: Env, where: Path) -> tuple[Path, str]:
    done = run_cli(witness, "witness", "cosign")
    assert done.code == 0, done.err
    where.write_text(done.out, encoding="utf-8")
    return where, done.err.strip().rsplit(" ", 1)[-1]


# --------------------------------------------------------------------------- the witness


def test_the_first_checkpoint_needs_the_journalist_s_key(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    held = _give(vault_env, tmp_path / "one.txt", "--to", "lawyer")
    before = snapshot(lawyer.vault_dir)
    done = _add(lawyer, held)
    assert done.code == 1 and "give the journalist's key" in done.err
    assert "--key" in done.err and snapshot(lawyer.vault_dir) == before
    other = _key(lawyer)  # somebody else's key
    done = _add(lawyer, held, "--key", other)
    assert done.code == 1 and "--key is for the log" in done.err
    done = _add(lawyer, held, "--key", _key(vault_env))
    assert done.code == 0, done.err
    assert "its first 2 entries" in done.out


def test_a_later_checkpoint_carries_its_proof_and_is_kept(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    assert (
        _add(
            lawyer, _give(vault_env, tmp_path / "1.txt", "--to", "lawyer"), "--key", _key(vault_env)
        ).code
        == 0
    )
    _note(vault_env, "two", "three")
    second = _give(vault_env, tmp_path / "2.txt", "--to", "lawyer")
    assert second.read_text().startswith("old 2\n")  # the size the lawyer holds
    done = _add(lawyer, second)
    assert done.code == 0, done.err
    assert "extending the 2 you held" in done.out
    # a bare note (given to nobody by name) does not show that it extends what is held
    _note(vault_env, "four")
    bare = _give(vault_env, tmp_path / "3.txt")
    done = _add(lawyer, bare)
    assert done.code == 1 and "does not show that it extends it" in done.err
    size = int(second.read_text().split("\n\n", 1)[1].split("\n")[1])
    assert f"blockwatch checkpoint --since {size}" in done.err
    explicit = _give(vault_env, tmp_path / "4.txt", "--since", str(size))
    assert _add(lawyer, explicit).code == 0
    # verify --witness reads a request too: its note
    assert _cosign(lawyer, tmp_path / "c.txt")
    bundle = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(bundle)).code == 0
    assert run_cli(vault_env, "verify", str(bundle), "--witness", str(second)).code == 0


def test_a_pasted_checkpoint_is_read_from_stdin(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    text = _give(vault_env, tmp_path / "1.txt").read_text()
    done = run_cli(lawyer, "witness", "add", "-", "--key", _key(vault_env), input=text)
    assert done.code == 0, done.err


def test_a_rolled_back_or_rewritten_vault_is_refused_by_the_witness(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    backup = tmp_path / "backup"
    shutil.copytree(vault_env.vault_dir, backup)
    _note(vault_env, "the true record")
    key = _key(vault_env)
    assert (
        _add(lawyer, _give(vault_env, tmp_path / "held.txt", "--to", "lawyer"), "--key", key).code
        == 0
    )
    kept = snapshot(lawyer.vault_dir)
    restored = make_env(backup)
    # rolled back: an older checkpoint
    done = _add(lawyer, _give(restored, tmp_path / "old.txt"))
    assert done.code == 4 and "older than the one you hold" in done.err
    # rewritten: the same size, another root (its third entry records the give above)
    fork = _give(restored, tmp_path / "fork.txt")
    assert fork.read_text().split("\n")[1] == (tmp_path / "held.txt").read_text().split("\n")[1]
    done = _add(lawyer, fork)
    assert done.code == 4 and "the journalist's history was rewritten" in done.err
    # rewritten and grown, with a proof from the held size computed over the forked history
    _note(restored, "and more")
    held_size = int((tmp_path / "held.txt").read_text().split("\n")[1])
    grown = _give(restored, tmp_path / "grown.txt", "--since", str(held_size))
    done = _add(lawyer, grown)
    assert done.code == 4 and "does not extend the one you hold" in done.err
    assert snapshot(lawyer.vault_dir) == kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("old x\n\nnote", "'old' header is malformed"),
        ("old 3\nnot base64!\n\nnote", "not base64"),
        ("old 3\nAAAA\n\nnote", "malformed"),
        ("\n\n", "not a checkpoint"),
    ],
)
def test_a_garbled_request_is_one_line_exit_1(
    lawyer: Env, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    done = _add(lawyer, path)
    assert done.code == 1 and message in done.err and "Traceback" not in done.err


# --------------------------------------------------------------------------- cosignatures


def test_the_cosignature_is_c2sp_tlog_cosignature_v1(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    """Checked from the specification's text, not with blockwatch's own functions."""
    _note(vault_env, "one")
    assert _add(lawyer, _give(vault_env, tmp_path / "1.txt"), "--key", _key(vault_env)).code == 0
    cosigned, witness_key = _cosign(lawyer, tmp_path / "c.txt")
    text = cosigned.read_text()
    body, _sep, sigs = text.partition("\n\n")
    name, key_id, encoded = witness_key.split("+", 2)
    raw_key = base64.b64decode(encoded)
    assert raw_key[0] == 0x04 and len(raw_key) == 33
    public = raw_key[1:]
    assert key_id == hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4].hex()
    [line] = [s for s in sigs.splitlines() if s.startswith(f"\u2014 {name} ")]
    raw = base64.b64decode(line.rsplit(" ", 1)[1])
    assert raw[:4].hex() == key_id and len(raw) == 4 + 8 + 64
    timestamp = int.from_bytes(raw[4:12], "big")
    message = f"cosignature/v1\ntime {timestamp}\n".encode() + (body + "\n").encode()
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)  # raises if wrong
    assert timestamp == int(lawyer.now().timestamp())
    # the cosigning key is not the witness vault's ledger key
    assert public != base64.b64decode(_key(lawyer).split("+", 2)[2])[1:]


def _stored(vault_env: Env, lawyer: Env, tmp_path: Path) -> tuple[Path, str]:
    _note(vault_env, "one", "two")
    assert _add(lawyer, _give(vault_env, tmp_path / "1.txt"), "--key", _key(vault_env)).code == 0
    cosigned, witness_key = _cosign(lawyer, tmp_path / "c.txt")
    done = run_cli(
        vault_env, "checkpoint", "--cosigned", str(cosigned), "--witness-key", witness_key
    )
    assert done.code == 0, done.err
    assert "Stored the witness's cosignature" in done.out
    return cosigned, witness_key


def test_a_stored_cosignature_is_checked_and_carried_by_bundles(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _cosigned, witness_key = _stored(vault_env, lawyer, tmp_path)
    done = run_cli(vault_env, "check")
    assert done.code == 0 and "; 1 cosignature)" in done.out
    _note(vault_env, "after the cosignature")
    bundle = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(bundle)).code == 0
    done = run_cli(vault_env, "verify", str(bundle), "--witness-key", witness_key)
    assert done.code == 0, done.err
    assert "ok 13" in done.out
    name = witness_key.split("+")[0]
    assert f"{name} cosigned on " in done.out and "incidents among them: #1, #2." in done.out
    report = json.loads(
        run_cli(vault_env, "verify", str(bundle), "--witness-key", witness_key, "--json").out
    )
    [row] = report["cosignatures"]
    assert row["witness"] == name and row["ids"] == [1, 2] and row["size"] == 3
    witnessed = {r["incident"]: r["witness"] for r in report["anchors"]}
    assert witnessed[1] == witnessed[2] == {"by": name, "size": 3, "time": row["time"]}
    assert witnessed[3] is None  # logged after the cosigned checkpoint
    # the recipient who does not know the witness's key: named, never "ok"
    plain = run_cli(vault_env, "verify", str(bundle))
    assert "-- 13" in plain.out and f"carries cosignatures by {name}" in plain.out
    from .test_bundle import members, top

    files = members(bundle)
    html = files[f"{top(files)}/data/report.html"].decode()
    assert "Checkpoints cosigned by witnesses" in html and name in html


def test_a_forged_cosignature_time_fails_check_13(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    from .test_timestamps import _forge

    _cosigned, witness_key = _stored(vault_env, lawyer, tmp_path)
    bundle = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(bundle)).code == 0

    def earlier(files: dict[str, bytes], root: str) -> None:
        proofs = json.loads(files[f"{root}/data/ledger.json"])
        proofs["cosignatures"][0]["time"] -= 86400
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()

    forged = _forge(vault_env, bundle, earlier, tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged), "--witness-key", witness_key)
    assert done.code == 4 and "check 13 failed" in done.err
    assert "its time or size is not what ledger.json says" in done.err


def test_a_cosignature_of_another_log_or_by_another_key_is_refused(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    cosigned, witness_key = _stored(vault_env, lawyer, tmp_path)
    before = snapshot(vault_env.vault_dir)
    # the lawyer's own checkpoint is no checkpoint of this vault
    other = _give(lawyer, tmp_path / "lawyer.txt")
    done = run_cli(vault_env, "checkpoint", "--cosigned", str(other), "--witness-key", witness_key)
    assert done.code == 4 and "Traceback" not in done.err
    # a key that did not cosign it
    done = run_cli(
        vault_env,
        "checkpoint",
        "--cosigned",
        str(cosigned),
        "--witness-key",
        ledger.cosigner_key(witness_key.split("+")[0], b"\x01" * 32),
    )
    assert done.code == 4 and "carries no cosignature by this witness" in done.err
    done = run_cli(vault_env, "checkpoint", "--cosigned", str(cosigned))
    assert done.code == 1 and "--cosigned needs --witness-key" in done.err
    done = run_cli(vault_env, "checkpoint", "--cosigned", str(cosigned), "--witness-key", "x")
    assert done.code == 1 and "not a verifier key" in done.err
    assert snapshot(vault_env.vault_dir) == before


def test_check_8_fails_on_a_cosignature_that_does_not_verify(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    _stored(vault_env, lawyer, tmp_path)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(_seq, _at, body)] = list(v.entries_of_type("checkpoint.cosigned"))
        with v._write():
            v._append("checkpoint.cosigned", {**body, "time": body["time"] + 1})
    done = run_cli(vault_env, "check")
    assert done.code == 4 and "check 8 failed: the cosignature in entry" in done.err
