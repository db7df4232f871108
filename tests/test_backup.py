"""``backup`` and ``restore`` (issue 17, and the backup of issue 14's crash and leak suites):
a copy that restores to a vault passing every check and holding every incident; a copy that
is refused, leaving nothing, when it was tampered with or cut short; a copy that says how far
behind it is and proves that the vault extends it; an earlier copy kept whole when a new one
cannot be written."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from blockwatch.vault import backup as backups

from .conftest import PASSPHRASE, Env, make_env, run_cli, snapshot


def _log(env: Env, *texts: str) -> None:
    for text in texts:
        done = run_cli(env, "log", "note", "--text", text)
        assert done.code == 0, done.err


def _incidents(env: Env) -> list[dict]:  # type: ignore[type-arg]
    done = run_cli(env, "list", "--json")
    assert done.code == 0, done.err
    return json.loads(done.out)  # type: ignore[no-any-return]


def _backup(env: Env, dest: Path, *more: str) -> str:
    done = run_cli(env, "backup", str(dest), *more)
    assert done.code == 0, done.err
    return done.out


def _restore(env: Env, source: Path, target: Path, *more: str):  # type: ignore[no-untyped-def]
    return run_cli(env, "restore", str(source), "--vault", str(target), *more)


def _identity(tmp_path: Path) -> tuple[Path, str]:
    from pyrage import x25519

    me = x25519.Identity.generate()
    path = tmp_path / "me.agekey"
    path.write_text(f"# created: test\n# public key: {me.to_public()}\n{me}\n")
    return path, str(me.to_public())


def test_a_backup_restores_to_a_vault_that_passes_check_and_holds_every_incident(
    vault_env: Env, tmp_path: Path
) -> None:
    _log(vault_env, "first call from +44", "second, with a threat")
    dest = tmp_path / "usb" / "blockwatch"
    dest.parent.mkdir()
    out = _backup(vault_env, dest)
    assert f"to {dest}" in out and "restore" in out
    if os.name == "posix":
        assert stat.S_IMODE(dest.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in dest.iterdir()} == {0o600}
    assert sorted(p.name for p in dest.iterdir())[0] == "backup.json"
    assert len(list(dest.iterdir())) == 3

    target = tmp_path / "restored"
    done = _restore(vault_env, dest, target)
    assert done.code == 0, done.err
    assert len(re.findall(r"^ok [1-8]  ", done.out, re.M)) == 8  # every 'blockwatch check'
    restored = make_env(target)
    assert _incidents(restored) == _incidents(vault_env)
    assert run_cli(restored, "check").code == 0
    assert sorted(p.name for p in target.iterdir()) == ["keyslots.json", "vault.db"]
    # the restored vault is the same vault: same key, same ledger; it goes on from there
    _log(restored, "after the restore")
    assert run_cli(restored, "check").code == 0


def test_a_second_backup_replaces_the_first_and_one_with_nothing_new_writes_nothing(
    vault_env: Env, tmp_path: Path
) -> None:
    dest = tmp_path / "copy"
    _log(vault_env, "one")
    _backup(vault_env, dest)
    first = snapshot(dest)
    again = _backup(vault_env, dest)
    assert "already holds" in again
    assert snapshot(dest) == first
    _log(vault_env, "two", "three")
    _backup(vault_env, dest)
    second = snapshot(dest)
    assert len(second) == 3  # the first copy's files are gone, not piled up
    manifest = backups.read_manifest(dest)
    assert manifest is not None and manifest.size == 4
    assert [n for n in second if n.startswith("vault-")] == [
        f"vault-4-{manifest.files['database'].content_sha256[:16]}.db"
    ]


def test_backup_check_says_how_far_behind_and_proves_the_vault_extends_the_copy(
    vault_env: Env, tmp_path: Path
) -> None:
    dest = tmp_path / "copy"
    _log(vault_env, "one")
    _backup(vault_env, dest)
    done = run_cli(vault_env, "backup", str(dest), "--check")
    assert done.code == 0, done.err
    assert "is whole: 2 ledger entries" in done.out and "up to date" in done.out
    _log(vault_env, "two", "three")
    done = run_cli(vault_env, "backup", str(dest), "--check")
    assert done.code == 0, done.err
    assert "It is 2 entries behind the vault (4)" in done.out
    assert "consistency proof verified" in done.out
    assert snapshot(dest) == snapshot(dest)  # --check writes nothing (and reads the same)


def test_backup_check_refuses_a_copy_that_is_not_a_prefix_of_the_vault(
    vault_env: Env, tmp_path: Path
) -> None:
    """A fork: the copy restored elsewhere and written to there is no longer a part of this
    vault's history, though it carries the same key and id."""
    _log(vault_env, "shared")
    dest = tmp_path / "copy"
    _backup(vault_env, dest)
    elsewhere = make_env(tmp_path / "elsewhere")
    assert _restore(vault_env, dest, elsewhere.vault_dir).code == 0
    _log(elsewhere, "only in the other copy", "and another")
    forked = tmp_path / "forked"
    _backup(elsewhere, forked)
    _log(vault_env, "only here")
    done = run_cli(vault_env, "backup", str(forked), "--check")
    assert done.code == 4, done.out
    assert "is not a part of this vault's ledger" in done.err
    # a copy with more entries than the vault (the vault rolled back) is refused the same way
    ahead = tmp_path / "ahead"
    _log(elsewhere, "more")
    _backup(elsewhere, ahead)
    done = run_cli(vault_env, "backup", str(ahead), "--check")
    assert done.code == 4 and "not a part of this vault's ledger" in done.err


def test_backup_check_and_backup_refuse_another_vaults_backup(
    vault_env: Env, tmp_path: Path
) -> None:
    env = make_env(tmp_path / "another")
    assert run_cli(env, "init", "--timezone", "Asia/Almaty").code == 0
    dest = tmp_path / "copy"
    _backup(env, dest)
    done = run_cli(vault_env, "backup", str(dest), "--check")
    assert done.code == 4 and "backup of another vault" in done.err
    before = snapshot(dest)
    done = run_cli(vault_env, "backup", str(dest))
    assert done.code == 1 and "backup of another vault" in done.err
    assert snapshot(dest) == before


def test_backup_refuses_a_folder_of_other_files_and_a_file(vault_env: Env, tmp_path: Path) -> None:
    busy = tmp_path / "photos"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"jpeg")
    done = run_cli(vault_env, "backup", str(busy))
    assert done.code == 1 and "holds other files" in done.err
    assert [p.name for p in busy.iterdir()] == ["holiday.jpg"]
    done = run_cli(vault_env, "backup", str(busy / "holiday.jpg"))
    assert done.code == 1 and "is not a folder" in done.err
    done = run_cli(vault_env, "backup", str(tmp_path / "no" / "such" / "place"))
    assert done.code == 1 and "cannot create" in done.err
    done = run_cli(vault_env, "backup", str(tmp_path / "x"), "--to-recipient", "age1notakey")
    assert done.code == 1 and "is not an age public key" in done.err
    assert not (tmp_path / "x").exists()


def _tamper_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte of the database",
        "cut the database short",
        "flip a byte of the key slots",
        "remove the database",
        "claim another tree size",
        "drop the checkpoint's signature",
        "swap in another checkpoint",
        "manifest not JSON",
        "manifest too large",
        "manifest of a future version",
        "a name that climbs out of the folder",
    ],
)
def test_restore_refuses_a_tampered_or_truncated_backup_and_leaves_nothing(
    vault_env: Env, tmp_path: Path, damage: str
) -> None:
    _log(vault_env, "one", "two")
    dest = tmp_path / "copy"
    _backup(vault_env, dest)
    _log(vault_env, "three")
    later = tmp_path / "later"
    _backup(vault_env, later)
    manifest_path = dest / "backup.json"
    doc = json.loads(manifest_path.read_text())
    database = dest / doc["files"]["database"]["name"]
    if damage == "flip a byte of the database":
        _tamper_byte(database, 50_000)
    elif damage == "cut the database short":
        database.write_bytes(database.read_bytes()[:-16384])
    elif damage == "flip a byte of the key slots":
        _tamper_byte(dest / doc["files"]["keyslots"]["name"])
    elif damage == "remove the database":
        database.unlink()
    elif damage == "claim another tree size":
        doc["tree_size"] = 2
    elif damage == "drop the checkpoint's signature":
        doc["checkpoint"] = doc["checkpoint"].split("\n\n")[0] + "\n\n"
    elif damage == "swap in another checkpoint":
        other = json.loads((later / "backup.json").read_text())
        doc.update(checkpoint=other["checkpoint"], tree_size=other["tree_size"], root=other["root"])
    elif damage == "manifest not JSON":
        manifest_path.write_text("{not json")
    elif damage == "manifest too large":
        manifest_path.write_text(" " * (backups.MAX_MANIFEST_BYTES + 1))
    elif damage == "manifest of a future version":
        doc["version"] = 2
    elif damage == "a name that climbs out of the folder":
        doc["files"]["database"]["name"] = "../vault-3-0123456789abcdef.db"
    if damage.startswith(("claim", "drop", "swap", "manifest of", "a name")):
        manifest_path.write_text(json.dumps(doc))
    target = tmp_path / "restored"
    done = _restore(vault_env, dest, target)
    assert done.code == 4, (done.out, done.err)
    assert done.err.startswith("blockwatch: error: ") and len(done.err.splitlines()) == 2
    assert not target.exists()


def test_a_backup_swapped_for_another_vaults_is_refused(vault_env: Env, tmp_path: Path) -> None:
    """Files and manifest replaced by a consistent backup of another vault (same passphrase):
    what it restores is not the vault the journalist backed up -- but it is whole and signed,
    so the restore shows whose it is; a mix of the two is refused."""
    env = make_env(tmp_path / "another")
    assert run_cli(env, "init", "--timezone", "Asia/Almaty").code == 0
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    _backup(vault_env, mine)
    _backup(env, theirs)
    doc = json.loads((mine / "backup.json").read_text())
    other = json.loads((theirs / "backup.json").read_text())
    # their database under my manifest's entry, hashes made to match
    theirs_db = theirs / other["files"]["database"]["name"]
    (mine / doc["files"]["database"]["name"]).write_bytes(theirs_db.read_bytes())
    doc["files"]["database"].update(
        sha256=other["files"]["database"]["sha256"],
        content_sha256=other["files"]["database"]["content_sha256"],
        bytes=other["files"]["database"]["bytes"],
    )
    (mine / "backup.json").write_text(json.dumps(doc))
    target = tmp_path / "restored"
    done = _restore(vault_env, mine, target)
    assert done.code == 4, done.err
    assert not target.exists()


def test_restore_with_a_wrong_passphrase_or_onto_a_vault_changes_nothing(
    vault_env: Env, tmp_path: Path
) -> None:
    dest = tmp_path / "copy"
    _backup(vault_env, dest)
    target = tmp_path / "restored"
    wrong = make_env(vault_env.vault_dir, BLOCKWATCH_PASSPHRASE="not the passphrase at all")
    done = _restore(wrong, dest, target)
    assert done.code == 3, done.err
    assert not target.exists()
    before = snapshot(vault_env.vault_dir)
    done = _restore(vault_env, dest, vault_env.vault_dir)
    assert done.code == 1 and "a vault already exists" in done.err
    assert snapshot(vault_env.vault_dir) == before
    done = _restore(vault_env, tmp_path / "nothing-here", target)
    assert done.code == 1 and "holds no blockwatch backup" in done.err


def test_a_backup_encrypted_to_a_colleague_needs_her_identity_and_the_passphrase(
    vault_env: Env, tmp_path: Path
) -> None:
    _log(vault_env, "for the lawyer")
    identity, recipient = _identity(tmp_path)
    dest = tmp_path / "for-lawyer"
    out = _backup(vault_env, dest, "--to-recipient", recipient)
    assert recipient in out
    assert all(p.name == "backup.json" or p.name.endswith(".age") for p in dest.iterdir())
    target = tmp_path / "restored"
    done = _restore(vault_env, dest, target)
    assert done.code == 1 and "encrypted to" in done.err and "--identity" in done.err
    stranger, _r = _identity(tmp_path / "..")
    done = _restore(vault_env, dest, target, "--identity", str(stranger))
    assert done.code == 1 and "does not open this backup" in done.err
    assert not target.exists()
    junk = tmp_path / "junk.txt"
    junk.write_text("not a key\n")
    done = _restore(vault_env, dest, target, "--identity", str(junk))
    assert done.code == 1 and "holds no age identity" in done.err
    done = _restore(vault_env, dest, target, "--identity", str(identity))
    assert done.code == 0, done.err
    assert _incidents(make_env(target)) == _incidents(vault_env)
    # --check works without the identity: it reads only the manifest and the hashes
    assert run_cli(vault_env, "backup", str(dest), "--check").code == 0


def test_a_truncated_age_backup_is_refused(vault_env: Env, tmp_path: Path) -> None:
    identity, recipient = _identity(tmp_path)
    dest = tmp_path / "for-lawyer"
    _backup(vault_env, dest, "--to-recipient", recipient)
    doc = json.loads((dest / "backup.json").read_text())
    sealed = dest / doc["files"]["database"]["name"]
    cut = sealed.read_bytes()[:-1000]
    sealed.write_bytes(cut)
    import hashlib

    doc["files"]["database"].update(sha256=hashlib.sha256(cut).hexdigest(), bytes=len(cut))
    (dest / "backup.json").write_text(json.dumps(doc))
    target = tmp_path / "restored"
    done = _restore(vault_env, dest, target, "--identity", str(identity))
    assert done.code == 4, done.err
    assert not target.exists()


def test_log_reminds_when_entries_are_in_no_backup(vault_env: Env, tmp_path: Path) -> None:
    from datetime import timedelta

    from .conftest import NOW

    _log(vault_env, "old")
    later = Env(
        vault_dir=vault_env.vault_dir,
        environ={**vault_env.environ, "BLOCKWATCH_TIMESTAMP_REMIND": "0"},
        now=lambda: NOW + timedelta(days=9),
    )
    done = run_cli(later, "log", "note", "--text", "nine days later")
    assert "entries of the last 9 days are in no backup yet" in done.err
    _backup(later, tmp_path / "copy")
    done = run_cli(later, "log", "note", "--text", "after the backup")
    assert "backup" not in done.err
    quiet = Env(
        vault_dir=vault_env.vault_dir,
        environ={**later.environ, "BLOCKWATCH_BACKUP_REMIND": "0"},
        now=lambda: NOW + timedelta(days=30),
    )
    assert "backup" not in run_cli(quiet, "log", "note", "--text", "quiet").err


@pytest.mark.processes
@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file-size limits")
def test_a_full_disk_leaves_the_earlier_backup_whole(vault_env: Env, tmp_path: Path) -> None:
    """A destination that fills up (RLIMIT_FSIZE in a real process: each write beyond it
    fails with EFBIG, as on a full USB stick) is one clear line; the earlier backup there is
    still whole and restores; no temporary file is left."""
    import resource

    dest = tmp_path / "usb"
    _log(vault_env, "one")
    _backup(vault_env, dest)
    before = snapshot(dest)
    _log(vault_env, *(f"note {i} " + "x" * 3000 for i in range(40)))

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    exe = Path(sys.executable).with_name("blockwatch")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")}
    environ.update(BLOCKWATCH_PASSPHRASE=PASSPHRASE, BLOCKWATCH_VAULT=str(vault_env.vault_dir))
    done = subprocess.run(
        [str(exe), "backup", str(dest)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_disk,
    )
    assert done.returncode == 1, done.stderr
    assert re.match(r"blockwatch: error: cannot write the backup to .*: [^\n]+\n", done.stderr)
    assert len(done.stderr.splitlines()) == 2
    assert snapshot(dest) == before
    target = tmp_path / "restored"
    assert _restore(vault_env, dest, target).code == 0
    assert len(_incidents(make_env(target))) == 1


def test_leftovers_of_a_killed_backup_are_swept_by_the_next(vault_env: Env, tmp_path: Path) -> None:
    dest = tmp_path / "copy"
    _backup(vault_env, dest)
    (dest / ".bw-0123456789abcdef.part").write_bytes(b"half a copy")
    for extra in ("-wal", "-shm", "-journal"):  # what SQLite leaves beside a copy killed mid-way
        (dest / f".bw-0123456789abcdef.part{extra}").write_bytes(b"pages")
    (dest / "vault-9-0123456789abcdef.db").write_bytes(b"a copy no manifest names")
    done = run_cli(vault_env, "backup", str(dest), "--check")
    assert done.code == 0, done.err  # what the manifest names is whole
    assert "already holds" in _backup(vault_env, dest)  # nothing new: swept all the same
    assert len(list(dest.iterdir())) == 3
    (dest / ".bw-fedcba9876543210.part").write_bytes(b"another half copy")
    _log(vault_env, "more")
    _backup(vault_env, dest)
    assert len(list(dest.iterdir())) == 3
    assert not list(dest.glob(".bw-*")) and not (dest / "vault-9-0123456789abcdef.db").exists()


def test_the_manifest_is_validated_before_use(tmp_path: Path) -> None:
    """Every field of backup.json is checked (types, sizes, names): a hostile one is exit 4,
    never a crash."""
    from blockwatch.errors import VerificationFailed

    tmp_path.joinpath("backup.json").write_text(
        json.dumps({"format": "blockwatch-backup", "version": True})
    )
    with pytest.raises(VerificationFailed, match="version true is not supported"):
        backups.read_manifest(tmp_path)
    for broken in ([], {"format": "x"}, {"format": "blockwatch-backup", "version": 1}):
        tmp_path.joinpath("backup.json").write_text(json.dumps(broken))
        with pytest.raises(VerificationFailed):
            backups.read_manifest(tmp_path)
    tmp_path.joinpath("backup.json").write_text("[" * 100_000)
    with pytest.raises(VerificationFailed):
        backups.read_manifest(tmp_path)
    assert backups.read_manifest(tmp_path / "absent") is None
