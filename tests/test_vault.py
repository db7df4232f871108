"""The vault library: real SQLCipher files, key slots, tamper detection by ``check``."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from blockwatch import incidents, logbook, vault
from blockwatch.env import Env
from blockwatch.errors import InputError, VaultCorrupt, VaultLocked
from blockwatch.vault import keyslots
from blockwatch.vault.check import check
from blockwatch.vault.lifecycle import open_with_key
from blockwatch.vault.schema import DB_NAME, SLOTS_NAME

from .conftest import PASSPHRASE, run_cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def log_note(v: vault.Vault, text: str, **typed: object) -> dict:
    return logbook.log(v, "note", logbook.Typed(details={"text": text}, **typed))  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX-only")
def test_files_are_created_private_even_with_a_permissive_umask(env: Env) -> None:
    old = os.umask(0o000)
    try:
        v, _ = vault.create(env, PASSPHRASE, home_region="KZ", timezone="Asia/Almaty")
        log_note(v, "while open, the WAL and shared-memory files exist")
        names = {p.name for p in env.vault_dir.iterdir()}
        assert {"vault.db-wal", "vault.db-shm"} <= names
        modes = {p.name: _mode(p) for p in env.vault_dir.iterdir()}
        v.close()
    finally:
        os.umask(old)
    assert _mode(env.vault_dir) == 0o700
    assert set(modes.values()) == {0o600}, modes


def test_no_plaintext_reaches_the_disk(vault_env: Env, tmp_path: Path) -> None:
    marker = "MARKER-7d1f0c-синтетический"
    attachment = tmp_path / "shot.png"
    attachment.write_bytes(f"attachment {marker}".encode())
    v = vault.unlock(vault_env, PASSPHRASE)
    log_note(v, f"text {marker}", note=f"note {marker}", attach=[attachment])
    logbook.log(v, "call", logbook.Typed(counterparty="+12025550143", note=marker))
    files = {p.name: p.read_bytes() for p in vault_env.vault_dir.iterdir()}  # WAL still open here
    v.close()
    files.update({p.name: p.read_bytes() for p in vault_env.vault_dir.iterdir()})
    assert {"vault.db", "vault.db-wal", "keyslots.json"} <= set(files)
    for name, data in files.items():
        for needle in (
            marker.encode(),
            marker.encode("utf-16-le"),
            b"MARKER-7d1f0c",
            b"+12025550143",
        ):
            assert needle not in data, f"plaintext found in {name}"


def test_wrong_passphrase_and_recovery_code(vault_env: Env) -> None:
    with pytest.raises(VaultLocked):
        vault.unlock(vault_env, "wrong passphrase")
    code, _ = keyslots.new_recovery_code()
    with pytest.raises(VaultLocked):
        vault.recover(vault_env, code, "a new passphrase")


def test_passphrase_is_unicode_normalised(env: Env) -> None:
    composed, decomposed = "пароль-йод-ёлка", "пароль-йод-ёлка".replace("й", "и\u0306")
    assert composed != decomposed
    vault.create(env, composed, home_region="KZ", timezone="Asia/Almaty")[0].close()
    vault.unlock(env, decomposed).close()


def test_short_passphrase_refused(env: Env) -> None:
    with pytest.raises(InputError, match="shorter"):
        vault.create(env, "short", home_region="KZ", timezone="Asia/Almaty")
    assert not env.vault_dir.exists()


def test_recovery_codes_catch_typos() -> None:
    code, secret = keyslots.new_recovery_code()
    assert keyslots.parse_recovery_code(code) == secret
    assert keyslots.parse_recovery_code(code.lower().replace("-", " ")) == secret
    assert len(secret) * 8 >= 128
    for i in range(len(code)):
        if code[i] == "-":
            continue
        typo = code[:i] + ("Z" if code[i] != "Z" else "Y") + code[i + 1 :]
        with pytest.raises(InputError, match="typo"):
            keyslots.parse_recovery_code(typo)


def _edit_slots(env: Env, edit) -> None:  # type: ignore[no-untyped-def]
    path = env.vault_dir / SLOTS_NAME
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def test_kdf_cost_above_cap_is_refused_before_any_work(vault_env: Env) -> None:
    _edit_slots(vault_env, lambda d: d["slots"][0]["kdf"].update(memory_kib=2**40))
    start = time.perf_counter()
    with pytest.raises(VaultCorrupt, match="memory_kib"):
        vault.unlock(vault_env, PASSPHRASE)
    assert time.perf_counter() - start < 0.1  # refused from the file alone, no derivation


def test_kdf_cost_below_rfc9106_floor_is_refused(vault_env: Env) -> None:
    _edit_slots(vault_env, lambda d: d["slots"][0]["kdf"].update(iterations=1))
    with pytest.raises(VaultCorrupt, match="iterations"):
        vault.unlock(vault_env, PASSPHRASE)


def test_kdf_parameters_are_authenticated(vault_env: Env) -> None:
    """An edited cost is named as damage (exit 4), not taken for a wrong passphrase; without
    the slot's checksum (a file written before it existed) the AEAD still refuses it."""
    _edit_slots(vault_env, lambda d: d["slots"][0]["kdf"].update(iterations=4))
    with pytest.raises(VaultCorrupt, match="'passphrase' was changed or damaged"):
        vault.unlock(vault_env, PASSPHRASE)
    _edit_slots(vault_env, lambda d: d["slots"][0].pop("check"))
    with pytest.raises(VaultLocked):
        vault.unlock(vault_env, PASSPHRASE)


def test_slot_from_another_vault_does_not_open(vault_env: Env, tmp_path: Path) -> None:
    other = Env(vault_dir=tmp_path / "other", environ={})
    vault.create(other, PASSPHRASE, home_region="KZ", timezone="Asia/Almaty")[0].close()
    foreign = json.loads((other.vault_dir / SLOTS_NAME).read_text())["slots"][0]
    _edit_slots(vault_env, lambda d: d["slots"].__setitem__(0, foreign))
    with pytest.raises(VaultCorrupt, match="changed or damaged"):
        vault.unlock(vault_env, PASSPHRASE)
    _edit_slots(vault_env, lambda d: d["slots"][0].pop("check"))
    with pytest.raises(VaultLocked):
        vault.unlock(vault_env, PASSPHRASE)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda d: d.update(vault_id="0" * 32), "'passphrase' was changed or damaged"),
        (
            lambda d: [
                s.update(nonce=t["nonce"])
                for s, t in zip(d["slots"], d["slots"][::-1], strict=True)
            ],
            "changed or damaged",
        ),
        (lambda d: d["slots"][0].pop("nonce"), "nonce is malformed"),
        (lambda d: d["slots"][1].update(wrapped="AAAA"), "wrapped key is malformed"),
        (lambda d: d["slots"][1].update(id="passphrase"), "two slots have the id 'passphrase'"),
        (lambda d: d.update(version=True), "key slot format version True is not supported"),
        (
            lambda d: d["slots"][0]["kdf"].update(memory_kib=1024 * 1024, iterations=3),
            "memory_kib x iterations is more than 2097152",
        ),
    ],
    ids=[
        "vault-id",
        "nonces-swapped",
        "no-nonce",
        "short-wrapped",
        "same-id",
        "version-true",
        "cost",
    ],
)
def test_an_edited_keyslots_json_is_damage_not_a_wrong_passphrase(
    vault_env: Env,
    damage,
    said: str,  # type: ignore[no-untyped-def]
) -> None:
    _edit_slots(vault_env, damage)
    done = run_cli(vault_env, "list")
    assert done.code == 4 and said in done.err.splitlines()[0], done.err
    assert "Traceback" not in done.err


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_keyslots_json_that_is_no_file_is_refused_at_once(vault_env: Env, kind: str) -> None:
    path = vault_env.vault_dir / SLOTS_NAME
    path.unlink()
    path.mkdir() if kind == "directory" else os.mkfifo(path)
    done = run_cli(vault_env, "list")  # a FIFO would block an open() without O_NONBLOCK
    assert done.code == 4 and "Traceback" not in done.err, done.err
    assert "keyslots.json" in done.err.splitlines()[0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:100]),
        lambda p: p.write_text('{"format": "blockwatch-keyslots", "version": 9}'),
        lambda p: p.write_bytes(os.urandom(300)),
        lambda p: p.unlink(),
    ],
    ids=["empty", "truncated", "future-version", "garbage", "missing"],
)
def test_damaged_keyslots_is_a_clear_corruption_error(vault_env: Env, damage) -> None:  # type: ignore[no-untyped-def]
    damage(vault_env.vault_dir / SLOTS_NAME)
    with pytest.raises(VaultCorrupt) as info:
        vault.unlock(vault_env, PASSPHRASE)
    assert info.value.hint and "backup" in info.value.hint


@pytest.mark.parametrize("size", [0, 1000, 4096 + 100])
def test_zero_byte_or_truncated_db_is_a_clear_error(vault_env: Env, size: int) -> None:
    db = vault_env.vault_dir / DB_NAME
    db.write_bytes(db.read_bytes()[:size])
    before = db.read_bytes()
    with pytest.raises(VaultCorrupt), vault.unlock(vault_env, PASSPHRASE) as v:
        check(v)
    assert db.read_bytes() == before


def test_ledger_tables_are_append_only(opened: vault.Vault) -> None:
    import sqlcipher3

    log_note(opened, "x")
    for sql in (
        "UPDATE entries SET type = 'x'",
        "DELETE FROM entries",
        "DELETE FROM checkpoints",
        "UPDATE checkpoints SET note = ''",
    ):
        with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
            opened.conn.execute(sql)


def test_every_write_adds_a_checkpoint(opened: vault.Vault) -> None:
    assert [size for size, _ in opened.checkpoints()] == [1]
    log_note(opened, "a")
    log_note(opened, "b")
    assert [size for size, _ in opened.checkpoints()] == [1, 2, 3]


# --------------------------------------------------------------------------- tampering


def _tamper(v: vault.Vault, *sql: str) -> None:
    """What someone holding the key could do behind blockwatch's back."""
    for table in ("entries", "checkpoints", "blobs", "chunks"):
        for action in ("update", "delete"):
            v.conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    for statement in sql:
        v.conn.execute(statement)


@pytest.fixture
def used(opened: vault.Vault, tmp_path: Path) -> vault.Vault:
    f = tmp_path / "notice.png"
    f.write_bytes(b"synthetic screenshot " * 100_000)  # two chunks
    log_note(opened, "first", attach=[f])
    logbook.log(opened, "call", logbook.Typed(counterparty="+12025550143"))
    logbook.amend(opened, 1, logbook.Typed(note="corrected"))
    assert len(check(opened)) == 8
    return opened


@pytest.mark.parametrize(
    ("sql", "number"),
    [
        ("UPDATE entries SET entry = replace(entry, 'first', 'FIRST') WHERE seq = 1", 2),
        ("UPDATE entries SET leaf = zeroblob(32) WHERE seq = 2", 2),
        ("DELETE FROM entries WHERE seq = 2", 2),
        ("DELETE FROM entries WHERE seq = 3", 4),
        ("UPDATE entries SET type = 'incident.amended' WHERE seq = 1", 2),
        ("UPDATE checkpoints SET note = replace(note, '\n3\n', '\n4\n') WHERE size = 3", 4),
        ("DELETE FROM checkpoints WHERE size = 4", 4),
        ("UPDATE meta SET value = '[]' WHERE key = 'tree_range'", 4),
        ("UPDATE incidents SET doc = replace(doc, 'corrected', 'changed') WHERE id = 1", 5),
        ("DELETE FROM incidents WHERE id = 2", 5),
        ("UPDATE incidents SET origin = 'domestic' WHERE id = 2", 5),
        ("UPDATE incidents SET seq = 1 WHERE id = 2", 5),
        ('UPDATE incidents SET doc = \'{"uid": "x"}\' WHERE id = 2', 5),
        ("UPDATE chunks SET data = zeroblob(length(data)) WHERE n = 1", 6),
        ("DELETE FROM chunks WHERE n = 1", 6),
    ],
    ids=[
        "entry-text",
        "leaf-hash",
        "entry-removed",
        "last-entry-removed",
        "entry-type",
        "checkpoint-size",
        "latest-checkpoint-removed",
        "tree-state",
        "projection-edited",
        "projection-row-removed",
        "indexed-column-edited",
        "unchanged-incident-repointed",
        "unchanged-incident-given-a-doc",
        "attachment-bytes",
        "attachment-chunk-removed",
    ],
)
def test_check_names_the_failed_check(used: vault.Vault, sql: str, number: int) -> None:
    _tamper(used, sql)
    with pytest.raises(VaultCorrupt, match=f"^check {number} failed: [^ ]"):
        check(used)


def test_a_failed_check_says_what_to_do_with_the_vault(used: vault.Vault) -> None:
    _tamper(used, "UPDATE incidents SET kind = 'note'")
    with pytest.raises(VaultCorrupt) as info:
        check(used)
    assert info.value.message == (
        "check 5 failed: incident 2: its indexed columns differ from its ledger entries"
    )
    assert info.value.hint == (
        "the vault was damaged or changed outside blockwatch; keep a copy of it as it is "
        "and restore the vault directory from a backup"
    )


def test_check_detects_a_rewritten_history_signed_with_another_key(used: vault.Vault) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from blockwatch import ledger

    impostor = Ed25519PrivateKey.generate()
    size, note = used.checkpoints()[-1]
    checkpoint = ledger.open_checkpoint(note, used.settings.origin, used.public_key)
    _tamper(used, f"DELETE FROM checkpoints WHERE size = {size}")
    used.conn.execute(
        "INSERT INTO checkpoints VALUES (?, ?)",
        (size, ledger.sign_checkpoint(checkpoint, impostor)),
    )
    with pytest.raises(VaultCorrupt, match=r"check 4 failed.*no signature by the vault.s key"):
        check(used)


def test_kill_safety_uncommitted_write_leaves_nothing(opened: vault.Vault, tmp_path: Path) -> None:
    """An attachment that changes mid-write aborts the transaction: no entry, no blob, no checkpoint."""
    f = tmp_path / "a.bin"
    f.write_bytes(b"a" * 10)
    attachment = vault.read_attachment(f)
    f.write_bytes(b"b" * 10)
    body = incidents.new_incident(
        uid="u",
        kind="note",
        occurred_at="2026-07-04T10:00:00+05:00",
        timezone="Asia/Almaty",
        details_={"text": "x"},
    )
    with pytest.raises(InputError, match="changed while"):
        opened.add_incident(body, [attachment])
    assert opened.tree_size() == 1 and opened.blob_index() == [] and opened.incidents() == []
    check(opened)


def test_reopen_with_raw_key_is_the_only_way_in(vault_env: Env) -> None:
    with pytest.raises(VaultCorrupt):
        open_with_key(vault_env, b"\x00" * 32)


def test_deeply_nested_keyslots_is_corruption_not_a_crash(vault_env: Env) -> None:
    (vault_env.vault_dir / SLOTS_NAME).write_text("[" * 30_000 + "]" * 30_000)
    with pytest.raises(VaultCorrupt):
        vault.unlock(vault_env, PASSPHRASE)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM meta WHERE key = 'origin'", "the vault setting 'origin' is missing"),
        ("UPDATE meta SET value = '' WHERE key = 'timezone'", "'timezone' is missing"),
        (
            "UPDATE meta SET value = 'not base64!' WHERE key = 'signing_key'",
            "signing key is damaged",
        ),
        ("UPDATE meta SET value = 'AAAA' WHERE key = 'signing_key'", "signing key is damaged"),
        ("DROP TABLE meta", "holds no blockwatch settings"),
        ("UPDATE meta SET value = '3' WHERE key = 'schema_version'", "schema version '3'"),
    ],
    ids=["no origin", "empty zone", "key not base64", "key too short", "no meta", "newer"],
)
def test_damaged_settings_are_exit_4_with_what_is_damaged(
    vault_env: Env, sql: str, message: str
) -> None:
    """Only damage to the settings is reported as damage; each case names what is damaged."""
    from .conftest import run_cli

    with vault.unlock(vault_env, PASSPHRASE) as v:
        v.conn.execute(sql)
    done = run_cli(vault_env, "list")
    assert done.code == 4 and done.out == ""
    lines = done.err.splitlines()
    assert lines[0].startswith("blockwatch: error: ") and message in lines[0], done.err
    assert len(lines) == 2 and lines[1].startswith("blockwatch: hint: ")


def test_a_write_while_another_holds_the_vault_waits_then_says_busy(vault_env: Env) -> None:
    """Never exit 70, never lost without a word (issue 14): after BLOCKWATCH_BUSY_TIMEOUT
    seconds a writer gives up with one line, and nothing of it was written."""
    holder = vault.unlock(vault_env, PASSPHRASE)
    try:
        holder.conn.execute("BEGIN IMMEDIATE")  # what a long import holds
        before = len(holder.incidents())
        vault_env.environ = {**vault_env.environ, "BLOCKWATCH_BUSY_TIMEOUT": "1"}
        done = run_cli(vault_env, "log", "note", "--text", "while importing")
        assert done.code == 1, done.err
        assert done.err.splitlines()[:2] == [  # said before the wait, then the outcome
            "blockwatch: the vault is busy: waiting up to 1 s for another blockwatch to finish…",
            "blockwatch: error: the vault is busy: another blockwatch is writing to it; "
            "nothing was written",
        ]
        holder.conn.execute("ROLLBACK")
    finally:
        holder.close()
    assert run_cli(vault_env, "log", "note", "--text", "after it").code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert len(v.incidents()) == before + 1
