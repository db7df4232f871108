"""Witnessed checkpoints (issue 13, first part): a checkpoint given to a witness, and later
bundles that prove their ledger extends it — or fail, when the vault was rolled back or its
history rewritten with the same key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from blockwatch import ledger, vault
from blockwatch.env import Env

from .conftest import PASSPHRASE, make_env, run_cli


def _note(env: Env, *text: str) -> None:
    for t in text:
        assert run_cli(env, "log", "note", "--text", t).code == 0


def _checkpoint(env: Env, where: Path, *args: str) -> Path:
    done = run_cli(env, "checkpoint", *args)
    assert done.code == 0, done.err
    where.write_text(done.out, encoding="utf-8")
    return where


def _export(env: Env, out: Path) -> Path:
    assert run_cli(env, "export", str(out)).code == 0
    return out


CHECK_13 = (
    "blockwatch: error: check 13 failed, the ledger extends every witnessed checkpoint given: "
)
DO_NOT_RELY = "blockwatch: hint: do not rely on this bundle; ask the sender for a new copy\n"


def _failed_13(message: str, where: Path | str) -> str:
    """What verify prints when check 13 fails: the check, what was wrong, which file."""
    return f"{CHECK_13}{message} ({where})\n{DO_NOT_RELY}"


def test_a_checkpoint_is_the_signed_note_and_its_giving_is_recorded(
    vault_env: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        latest = v.latest_checkpoint()
    done = run_cli(vault_env, "checkpoint", "--to", "my  lawyer")
    assert done.code == 0 and done.out == latest  # stdout is the note, byte for byte
    assert "blockwatch verify BUNDLE --witness FILE" in done.err
    with vault.unlock(vault_env, PASSPHRASE) as v:
        point = ledger.open_checkpoint(latest, v.settings.origin, v.public_key)
        [(seq, _at, body)] = list(v.entries_of_type("checkpoint.shared"))
        assert seq == point.size  # written after the checkpoint it gives out
        assert body == {
            "size": point.size,
            "root": __import__("base64").b64encode(point.root).decode(),
            "to": "my lawyer",
        }
    assert run_cli(vault_env, "check").code == 0


def test_later_bundles_prove_they_extend_the_witnessed_checkpoint(
    vault_env: Env, tmp_path: Path
) -> None:
    _note(vault_env, "before the checkpoint")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    _note(vault_env, "after the checkpoint")
    bundle = _export(vault_env, tmp_path / "later.zip")
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 0, done.err
    assert "ok 13  the ledger extends every witnessed checkpoint given" in done.out
    size = int(held.read_text().split("\n")[1])
    assert f"held.txt: the ledger's first {size} entries existed" in done.out
    report = json.loads(
        run_cli(vault_env, "verify", str(bundle), "--witness", str(held), "--json").out
    )
    [witnessed] = report["witnessed"]
    assert witnessed["size"] == size and witnessed["incidents"] == [1]  # the note before it
    assert report["checks"][12] == {
        "number": 13,
        "check": "the ledger extends every witnessed checkpoint given",
        "passed": True,
    }
    # without a witness the check is a warning, never an "ok"
    plain = run_cli(vault_env, "verify", str(bundle))
    assert plain.code == 0 and "-- 13  the ledger extends" in plain.out
    assert "no --witness checkpoint given" in plain.out and "ok 13" not in plain.out


def test_a_vault_rolled_back_to_before_the_checkpoint_fails(vault_env: Env, tmp_path: Path) -> None:
    """The journalist restores an older copy of the vault (or deletes entries and starts over
    from it): every bundle of the restored vault fails against the witness's checkpoint."""
    _note(vault_env, "one")
    backup = tmp_path / "backup"
    shutil.copytree(vault_env.vault_dir, backup)
    _note(vault_env, "two")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    size = int(held.read_text().split("\n")[1])
    restored = make_env(backup)
    _note(restored, "three", "four", "five")  # grows past the witnessed size
    bundle = _export(restored, tmp_path / "rolled-back.zip")
    assert run_cli(restored, "verify", str(bundle)).code == 0  # fine without the witness
    done = run_cli(restored, "verify", str(bundle), "--witness", str(held))
    assert (done.code, done.err) == (
        4,
        _failed_13(
            f"the bundle does not show that its ledger extends this checkpoint of size {size}: "
            "the vault was rolled back, or the bundle was made without it",
            held,
        ),
    )


def test_a_history_rewritten_with_the_same_key_fails(vault_env: Env, tmp_path: Path) -> None:
    """A rewritten vault that gives out its own checkpoint of the same size carries a proof
    from that size: it is a proof for another tree, and the witness's root refutes it."""
    _note(vault_env, "one")
    backup = tmp_path / "backup"
    shutil.copytree(vault_env.vault_dir, backup)
    _note(vault_env, "the true record")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    forked = make_env(backup)
    _note(forked, "an invented record")  # the same size as the held checkpoint
    _checkpoint(forked, tmp_path / "forked.txt")
    assert held.read_text().split("\n")[1] == (tmp_path / "forked.txt").read_text().split("\n")[1]
    bundle = _export(forked, tmp_path / "forked.zip")
    done = run_cli(forked, "verify", str(bundle), "--witness", str(held))
    size = int(held.read_text().split("\n")[1])
    assert (done.code, done.err) == (
        4,
        _failed_13(
            f"the ledger does not extend this checkpoint of size {size}: its history was "
            "rewritten after the witness received it",
            held,
        ),
    )
    # the forked vault's own checkpoint, of course, it extends
    assert (
        run_cli(forked, "verify", str(bundle), "--witness", str(tmp_path / "forked.txt")).code == 0
    )


def test_a_checkpoint_of_another_vault_is_refused(vault_env: Env, tmp_path: Path) -> None:
    other = make_env(tmp_path / "other")
    assert run_cli(other, "init", "--timezone", "Asia/Almaty").code == 0
    held = _checkpoint(other, tmp_path / "other.txt")
    _note(vault_env, "one")
    bundle = _export(vault_env, tmp_path / "b.zip")
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert (done.code, done.err) == (
        4,
        _failed_13(
            "not a checkpoint of this bundle's ledger and key: checkpoint carries no signature "
            "by the vault's key",
            held,
        ),
    )


def test_a_checkpoint_newer_than_the_bundle_says_nothing_about_it(
    vault_env: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    bundle = _export(vault_env, tmp_path / "early.zip")
    _note(vault_env, "two")
    held = _checkpoint(vault_env, tmp_path / "later.txt")
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 0, done.err
    assert "-- 13" in done.out and "later.txt is newer than this bundle" in done.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"\xff\xfe not text", "is not a checkpoint"),
        (b"x" * (ledger.MAX_REQUEST_BYTES + 1), "is not a checkpoint"),
    ],
    ids=["missing", "not utf-8", "too large"],
)
def test_an_unreadable_witness_file_is_one_line_exit_1(
    vault_env: Env, tmp_path: Path, content: bytes | None, message: str
) -> None:
    _note(vault_env, "one")
    bundle = _export(vault_env, tmp_path / "b.zip")
    held = tmp_path / "held.txt"
    if content is not None:
        held.write_bytes(content)
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 1 and message in done.err and "held.txt" in done.err
    assert len(done.err.strip().splitlines()) <= 2 and "Traceback" not in done.err


def test_a_garbled_witness_note_fails_check_13(vault_env: Env, tmp_path: Path) -> None:
    _note(vault_env, "one")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    bundle = _export(vault_env, tmp_path / "b.zip")
    held.write_text(held.read_text().replace("\n\n", "\n"), encoding="utf-8")
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 4 and "check 13 failed" in done.err and "malformed" in done.err


@pytest.mark.parametrize(
    "edit",
    [
        lambda rows: rows.append(dict(rows[0])),  # two proofs for one size
        lambda rows: rows[0].update(size=str(rows[0]["size"])),
        lambda rows: rows[0].update(proof=["not base64!"]),
        lambda rows: rows[0].pop("proof"),
    ],
    ids=["repeated", "size as text", "not base64", "no proof"],
)
def test_malformed_consistency_proofs_fail_check_13(vault_env: Env, tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    from .test_bundle import _resign, members, rezip, top

    _note(vault_env, "one")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    _note(vault_env, "two")
    files = members(_export(vault_env, tmp_path / "b.zip"))
    root = top(files)
    proofs = json.loads(files[f"{root}/data/ledger.json"])
    edit(proofs["consistency"])
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    with vault.unlock(vault_env, PASSPHRASE) as v:
        _resign(files, root, v._signer)
    forged = rezip(files, tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged), "--witness", str(held))
    assert done.code == 4 and "check 13 failed" in done.err
    assert "consistency proofs are malformed" in done.err


@pytest.mark.parametrize("size_shift", [0, 1000])
def test_check_4_finds_a_recorded_witness_checkpoint_that_is_not_the_ledger_s(
    vault_env: Env, tmp_path: Path, size_shift: int
) -> None:
    """A checkpoint.shared entry naming a root, or a size, the ledger never had (written with
    the vault's key): later bundles would carry a proof from it that proves nothing."""
    import base64

    _note(vault_env, "one")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        point = ledger.open_checkpoint(v.latest_checkpoint(), v.settings.origin, v.public_key)
        with v._write():
            v._append(
                "checkpoint.shared",
                {
                    "size": point.size + size_shift,
                    "root": base64.b64encode(b"\0" * 32).decode(),
                    "to": None,
                },
            )
    done = run_cli(vault_env, "check")
    assert done.code == 4
    assert (
        f"check 4 failed: the checkpoint given to a witness at size {point.size + size_shift}"
        in done.err
    )


def test_a_change_left_out_with_a_rewritten_map_fails_against_the_witness(
    vault_env: Env, tmp_path: Path
) -> None:
    """The key holder drops a correction made before the witness's checkpoint from a bundle,
    and signs a new checkpoint whose map of heads agrees: without the witness the bundle
    passes (what the key alone can fake); with the witness's checkpoint, whose map names the
    correction, it fails."""
    import base64

    from blockwatch import incidents
    from blockwatch.bundle import render

    from .test_timestamps import _forge

    _note(vault_env, "one")
    assert run_cli(vault_env, "amend", "1", "--note", "a correction", "--why", "typo").code == 0
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    _note(vault_env, "two")
    bundle = _export(vault_env, tmp_path / "b.zip")

    def drop_the_correction(files: dict[str, bytes], root: str) -> None:
        proofs = json.loads(files[f"{root}/data/ledger.json"])
        kept = [
            row
            for row in proofs["entries"]
            if json.loads(row["entry"])["type"] != "incident.amended"
        ]
        assert len(kept) == len(proofs["entries"]) - 1
        proofs["entries"] = kept
        replay = incidents.Projection()
        for row in kept:
            entry = json.loads(row["entry"])
            replay.apply(row["seq"], entry["type"], entry["recorded_at"], entry["body"])
        views = sorted(replay.by_uid.values(), key=lambda v: v["id"])
        with vault.unlock(vault_env, PASSPHRASE) as v:
            old = ledger.open_checkpoint(proofs["checkpoint"], v.settings.origin, v.public_key)
            leaves = {row["seq"]: ledger.leaf_hash(row["entry"].encode()) for row in kept}
            heads = [
                ledger.head_leaf(view["uid"], view["seq"], leaves[view["seq"]]) for view in views
            ]
            tree = ledger.MerkleTree(heads)
            note = ledger.sign_checkpoint(
                ledger.Checkpoint(old.origin, old.size, old.root, (len(heads), tree.root())),
                v._signer,
            )
        proofs["checkpoint"] = note
        proofs["heads"] = {
            "size": len(heads),
            "incidents": [
                {
                    "uid": view["uid"],
                    "index": view["id"] - 1,
                    "seq": view["seq"],
                    "leaf": leaves[view["seq"]].hex(),
                    "inclusion_proof": [
                        base64.b64encode(p).decode() for p in tree.inclusion_proof(view["id"] - 1)
                    ],
                }
                for view in views
            ],
        }
        files[f"{root}/checkpoint.txt"] = note.encode()
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
        files[f"{root}/data/incidents.json"] = json.dumps(views).encode()
        files[f"{root}/data/incidents.csv"] = render.incidents_csv(views)

    forged = _forge(vault_env, bundle, drop_the_correction, tmp_path / "forged.zip")
    alone = run_cli(vault_env, "verify", str(forged))
    assert alone.code == 0, alone.err  # what the key alone can fake
    done = run_cli(vault_env, "verify", str(forged), "--witness", str(held))
    assert done.code == 4 and "check 13 failed" in done.err
    assert "incident 1: the checkpoint of size" in done.err
    assert "a change made before it is missing" in done.err


def test_a_witness_file_saved_with_windows_line_ends_still_checks(
    vault_env: Env, tmp_path: Path
) -> None:
    """A lawyer saves the checkpoint from a mail client that writes CRLF: the signature is over
    the text, not its line ends, so the check still holds (and a changed text still fails)."""
    _note(vault_env, "one")
    held = _checkpoint(vault_env, tmp_path / "held.txt")
    held.write_bytes(held.read_bytes().replace(b"\n", b"\r\n"))
    _note(vault_env, "two")
    bundle = _export(vault_env, tmp_path / "b.zip")
    done = run_cli(vault_env, "verify", str(bundle), "--witness", str(held))
    assert done.code == 0 and "ok 13" in done.out
    held.write_bytes(held.read_bytes().replace(b"\r\n", b"\n", 1).replace(b"2", b"3", 1))
    assert run_cli(vault_env, "verify", str(bundle), "--witness", str(held)).code == 4
