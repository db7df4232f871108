"""``blockwatch check``, exactly (issue 20: the mutants of ``vault/check.py`` that the behaviour
tests let through).

Each failure names its check and the entry at fault, word for word; each detail counts what it
says it counts.  Time stamps come from a real authority (``openssl ts -reply``, tests/tsa.py),
cosignatures from a real Ed25519 key; the entries a key holder could write are written with
the vault's own functions."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from blockwatch import ledger, timestamps, vault
from blockwatch.env import Env
from blockwatch.errors import VaultCorrupt
from blockwatch.vault.check import check
from blockwatch.vault.store import Vault

from .conftest import PASSPHRASE, run_cli
from .tsa import Authority, authority, tsa

__all__ = ["authority", "tsa"]  # the fixtures, used by name

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
WITNESS = "lawyer.example/witness"
STAMPED = "every time stamp and cosignature vouches for a checkpoint of this ledger"


def _notes(env: Env, count: int) -> None:
    for n in range(count):
        assert run_cli(env, "log", "note", "--text", f"note {n}").code == 0


def _stamp(v: Vault, tsa: str, authority: Authority, size: int) -> timestamps.Stamp:
    """A real authority's token over the vault's checkpoint of ``size``, kept in the ledger."""
    note = dict(v.checkpoints())[size]
    stamp = timestamps.request(tsa, note.encode(), [authority.root])
    v.record_timestamps(size, note, [stamp])
    return stamp


def _cosign(v: Vault, key: Ed25519PrivateKey, size: int, at: int) -> None:
    note = dict(v.checkpoints())[size]
    text = note + ledger.cosign(note, WITNESS, key, at)
    v.record_cosignature(text, ledger.cosigner_key(WITNESS, key.public_key().public_bytes_raw()))


def _last(v: Vault, type_: str) -> tuple[int, dict[str, Any]]:
    seq, _at, body = list(v.entries_of_type(type_))[-1]
    return seq, body


def _append(v: Vault, type_: str, body: dict[str, Any]) -> int:
    with v._write():
        v._append(type_, body)
    return int(v.stored_range()[0]) - 1


def _fails(v: Vault) -> str:
    with pytest.raises(VaultCorrupt) as failed:
        check(v)
    return failed.value.message


def test_check_8_says_none_yet_when_nothing_was_stamped(vault_env: Env) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert check(v)[7] == f"{STAMPED} (none yet: see 'blockwatch timestamp')"


@needs_openssl
def test_check_8_counts_each_time_stamp_and_cosignature(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    _notes(vault_env, 2)
    key = Ed25519PrivateKey.generate()
    with vault.unlock(vault_env, PASSPHRASE) as v:
        first = v.stored_range()[0]
        _cosign(v, key, first, 1_780_000_000)
        _cosign(v, key, v.stored_range()[0], 1_780_000_100)
        _cosign(v, key, v.stored_range()[0], 1_780_000_200)
        stamp = _stamp(v, tsa, authority, first)
        vault_env.now = lambda: stamp.gen_time  # type: ignore[method-assign]
        _stamp(v, tsa, authority, v.stored_range()[0])
        done = check(v)
    # the first token was received by a computer whose clock said 5 July 2026
    assert done[7] == (
        f"{STAMPED} (2 time stamps; 1 received while the computer's clock was more than 10 "
        "minutes off the authority's; 3 cosignatures)"
    )


@needs_openssl
@pytest.mark.parametrize(("after", "off"), [(600, False), (601, True), (-601, True)])
def test_a_time_stamp_received_more_than_ten_minutes_off_is_counted(
    vault_env: Env, tsa: str, authority: Authority, after: int, off: bool
) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        note = v.latest_checkpoint()
        size = v.stored_range()[0]
        stamp = timestamps.request(tsa, note.encode(), [authority.root])
        vault_env.now = lambda: stamp.gen_time + timedelta(seconds=after)  # type: ignore[method-assign]
        v.record_timestamps(size, note, [stamp])
        detail = check(v)[7]
    said = "; 1 received while the computer's clock was more than 10 minutes off"
    assert detail.startswith(f"{STAMPED} (1 time stamp") and (said in detail) is off


@needs_openssl
def test_an_entry_is_held_to_the_earliest_time_stamp_that_covers_it(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    """Two tokens: over size 2 at time G1, over size 4 at G2 > G1.  An entry of the first two
    is covered by both, and was recorded after G1 (plus the tolerance) though before G2: the
    clock ran ahead of the first authority, and it is counted."""
    begin = datetime.now(UTC).replace(microsecond=0)
    recorded = begin + timedelta(seconds=timestamps.CLOCK_TOLERANCE_SECONDS + 3)
    vault_env.now = lambda: recorded  # type: ignore[method-assign]
    _notes(vault_env, 1)  # entries 1 and 2 (the note and its checkpoint's size: 2)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        covered = v.stored_range()[0]
        _notes(vault_env, 1)
        first = _stamp(v, tsa, authority, covered)
        assert first.gen_time < begin + timedelta(seconds=3), "the authority took over 3 s"
        time.sleep(max(0.0, (begin + timedelta(seconds=4) - datetime.now(UTC)).total_seconds()))
        second = _stamp(v, tsa, authority, v.stored_range()[0])
        assert second.gen_time >= begin + timedelta(seconds=3)
        detail = check(v)[7]
    assert detail.endswith(
        "; 1 entry recorded later than an authority vouched for it: the computer's clock ran ahead)"
    )


@needs_openssl
def test_an_entry_recorded_exactly_the_tolerance_after_its_stamp_is_not_ahead(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    """The tolerance is inclusive: a note recorded when the computer's clock said exactly ten
    minutes after the authority's time (both to the second) is within it, and the token,
    received at that same clock reading, was not received off."""
    recorded = datetime.now(UTC).replace(microsecond=0) + timedelta(
        seconds=timestamps.CLOCK_TOLERANCE_SECONDS + 2
    )
    vault_env.now = lambda: recorded  # type: ignore[method-assign]
    _notes(vault_env, 1)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        vouched = recorded - timedelta(seconds=timestamps.CLOCK_TOLERANCE_SECONDS)
        time.sleep(max(0.0, (vouched - datetime.now(UTC)).total_seconds() + 0.01))
        stamp = _stamp(v, tsa, authority, v.stored_range()[0])
        assert stamp.gen_time.replace(microsecond=0) == vouched, "the authority took over 1 s"
        assert check(v)[7] == f"{STAMPED} (1 time stamp)"


@needs_openssl
def test_check_8_verifies_a_stamp_through_the_chain_it_stored(
    tmp_path: Path, vault_env: Env
) -> None:
    """An authority whose token carries its own certificate but not the intermediate that
    issued it: the stamp keeps the path it was verified through, and check 8 verifies the
    token through that stored chain, not the token's certificates alone."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    chained = Authority(tmp_path / "chained", name="Chained TSA", intermediate=True)
    config = chained.where / "ts.cnf"
    config.write_text(
        "".join(
            line for line in config.read_text().splitlines(True) if not line.startswith("certs")
        )
    )
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size, note = v.stored_range()[0], v.latest_checkpoint()
        query = (
            TimestampRequestBuilder()
            .data(note.encode())
            .hash_algorithm(HashAlgorithm.SHA256)
            .cert_request(cert_request=True)
            .build()
        )
        token = chained.reply(query.as_bytes())
        middle = chained.middle.public_bytes(serialization.Encoding.DER)
        stamp = timestamps.check(token, note.encode(), [chained.root], chain=[middle])
        vault_env.now = lambda: stamp.gen_time  # type: ignore[method-assign]
        v.record_timestamps(size, note, [stamp])
        assert check(v)[7] == f"{STAMPED} (1 time stamp)"


@needs_openssl
def test_check_8_counts_entries_recorded_ahead_and_tokens_received_off(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    """The computer's clock ten minutes and three seconds ahead while two notes were logged and
    two tokens over their checkpoint received: both counted twice, in the plural."""
    ahead = datetime.now(UTC).replace(microsecond=0) + timedelta(
        seconds=timestamps.CLOCK_TOLERANCE_SECONDS + 3
    )
    vault_env.now = lambda: ahead  # type: ignore[method-assign]
    _notes(vault_env, 2)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size = v.stored_range()[0]
        first = _stamp(v, tsa, authority, size)
        second = _stamp(v, tsa, authority, size)
        late = ahead - timedelta(seconds=timestamps.CLOCK_TOLERANCE_SECONDS)
        assert first.gen_time < late and second.gen_time < late, "the authority took over 3 s"
        detail = check(v)[7]
    assert detail == (
        f"{STAMPED} (2 time stamps; 2 received while the computer's clock was more than 10 "
        "minutes off the authorities'; 2 entries recorded later than an authority vouched for "
        "them: the computer's clock ran ahead)"
    )


@needs_openssl
@pytest.mark.parametrize("edit", ["gen_time", "size"])
def test_a_time_stamp_entry_with_another_time_or_checkpoint_fails_check_8(
    vault_env: Env, tsa: str, authority: Authority, edit: str
) -> None:
    _notes(vault_env, 1)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size = v.stored_range()[0]
        _stamp(v, tsa, authority, size)
        _seq, body = _last(v, "checkpoint.timestamped")
        changed = {"gen_time": "2026-01-01T00:00:00Z", "size": size - 1}[edit]
        later = _append(v, "checkpoint.timestamped", {**body, edit: changed})
        assert _fails(v) == (
            f"check 8 failed: the time stamp in entry {later} does not verify: it names another "
            "checkpoint or time"
        )


@needs_openssl
def test_a_time_stamp_entry_without_its_token_is_malformed(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        _stamp(v, tsa, authority, v.stored_range()[0])
        _seq, body = _last(v, "checkpoint.timestamped")
        seq = _append(v, "checkpoint.timestamped", {k: x for k, x in body.items() if k != "token"})
        assert _fails(v) == f"check 8 failed: the time stamp in entry {seq} is malformed"


def test_a_cosignature_entry_with_another_size_fails_check_8(vault_env: Env) -> None:
    key = Ed25519PrivateKey.generate()
    with vault.unlock(vault_env, PASSPHRASE) as v:
        _cosign(v, key, v.stored_range()[0], 1_780_000_000)
        _seq, body = _last(v, "checkpoint.cosigned")
        seq = _append(v, "checkpoint.cosigned", {**body, "size": body["size"] + 1})
        assert _fails(v) == (
            f"check 8 failed: the cosignature in entry {seq} does not verify: it names another "
            "checkpoint or time"
        )


def test_a_cosigned_checkpoint_the_vault_never_stored_fails_check_8(vault_env: Env) -> None:
    """Signed with the vault's key (as only its holder could), at a size with no checkpoint."""
    key = Ed25519PrivateKey.generate()
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size = v.stored_range()[0]
        note = ledger.sign_checkpoint(
            ledger.Checkpoint(v.settings.origin, size + 7, b"\x05" * 32), v._signer
        )
        text = note + ledger.cosign(note, WITNESS, key, 1_780_000_000)
        witness_key = ledger.cosigner_key(WITNESS, key.public_key().public_bytes_raw())
        seq = _append(
            v,
            "checkpoint.cosigned",
            {
                "size": size + 7,
                "root": "",
                "note": text,
                "witness": witness_key,
                "time": 1_780_000_000,
            },
        )
        assert _fails(v) == (
            f"check 8 failed: the cosignature in entry {seq} does not verify: it names another "
            "checkpoint or time"
        )


def test_a_cosignature_entry_without_its_witness_is_malformed(vault_env: Env) -> None:
    key = Ed25519PrivateKey.generate()
    with vault.unlock(vault_env, PASSPHRASE) as v:
        _cosign(v, key, v.stored_range()[0], 1_780_000_000)
        _seq, body = _last(v, "checkpoint.cosigned")
        seq = _append(v, "checkpoint.cosigned", {k: x for k, x in body.items() if k != "witness"})
        assert _fails(v) == f"check 8 failed: the cosignature in entry {seq} is malformed"


# --------------------------------------------------------------------------- checks 1 to 7
# A vault with two incidents, one attachment; then what only the key holder can do to it, with
# raw SQL (the append-only triggers dropped first), and what check says of each, word for word.


def _unguard(v: Vault, *tables: str) -> None:
    for table in tables:
        for action in ("update", "delete"):
            v.conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


@pytest.fixture
def kept(vault_env: Env, tmp_path: Path) -> Env:
    proof = tmp_path / "notice.txt"
    proof.write_bytes(b"blocked")
    assert run_cli(vault_env, "log", "note", "--text", "one").code == 0
    done = run_cli(vault_env, "log", "block", "--platform", "whatsapp", "--attach", str(proof))
    assert done.code == 0, done.err
    return vault_env


def test_every_check_s_detail_counts_what_it_says(kept: Env) -> None:
    with vault.unlock(kept, PASSPHRASE) as v:
        size = v.stored_range()[0]
        checkpoints = len(v.checkpoints())
        said = check(v)
    assert said == [
        "database pages and structure are intact",
        f"ledger entries are canonical and hashed correctly ({size} entries)",
        "the ledger starts with this vault and its signing key",
        "every checkpoint is signed and consistent with the one before "
        f"({checkpoints} checkpoints, tree size {size})",
        "the incidents are exactly the replay of the ledger (2 incidents)",
        "every attachment matches its SHA-256 (1 file, 7 bytes)",
        "every checkpoint commits to each incident's latest entry (2 incidents)",
        f"{STAMPED} (none yet: see 'blockwatch timestamp')",
    ]


def test_attachments_are_counted_and_their_sizes_added_up(kept: Env, tmp_path: Path) -> None:
    more = tmp_path / "screenshot.png"
    more.write_bytes(b"x" * 1000)
    assert run_cli(kept, "log", "note", "--text", "two", "--attach", str(more)).code == 0
    with vault.unlock(kept, PASSPHRASE) as v:
        assert check(v)[5] == "every attachment matches its SHA-256 (2 files, 1007 bytes)"


def test_a_new_vault_s_details_are_in_the_singular(vault_env: Env) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        said = check(v)
    assert said[1] == "ledger entries are canonical and hashed correctly (1 entry)"
    assert said[3] == (
        "every checkpoint is signed and consistent with the one before (1 checkpoint, tree size 1)"
    )
    assert said[4] == "the incidents are exactly the replay of the ledger (0 incidents)"
    assert said[5] == "every attachment matches its SHA-256 (0 files, 0 bytes)"


def test_one_incident_and_one_byte_are_in_the_singular(vault_env: Env, tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_bytes(b"x")
    assert run_cli(vault_env, "log", "note", "--text", "x", "--attach", str(one)).code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        said = check(v)
    assert said[4] == "the incidents are exactly the replay of the ledger (1 incident)"
    assert said[5] == "every attachment matches its SHA-256 (1 file, 1 byte)"
    assert said[6] == "every checkpoint commits to each incident's latest entry (1 incident)"


def _sha(v: Vault) -> str:
    [(sha, _size)] = v.blob_index()
    return sha


def _no_checkpoint(v: Vault) -> str:
    _unguard(v, "checkpoints")
    v.conn.execute("DELETE FROM checkpoints")
    return "check 4 failed: there is no checkpoint"


def _newest_checkpoint_gone(v: Vault) -> str:
    _unguard(v, "checkpoints")
    size = v.stored_range()[0]
    v.conn.execute("DELETE FROM checkpoints WHERE size = ?", (size,))
    newest = v.checkpoints()[-1][0]
    return f"check 4 failed: the newest checkpoint covers {newest} entries, the ledger has {size}"


def _checkpoint_garbled(v: Vault) -> str:
    _unguard(v, "checkpoints")
    size = v.checkpoints()[1][0]
    v.conn.execute("UPDATE checkpoints SET note = 'nothing' WHERE size = ?", (size,))
    return f"check 4 failed: checkpoint at size {size}: checkpoint note is malformed (no signature block)"


def _checkpoint_of_another_root(v: Vault) -> str:
    _unguard(v, "checkpoints")
    (before, _n), (size, note) = v.checkpoints()[1:3]
    point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    forged = ledger.sign_checkpoint(dataclasses.replace(point, root=b"\x09" * 32), v._signer)
    v.conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (forged, size))
    return (
        f"check 4 failed: checkpoint at size {size} does not match the ledger (not consistent "
        f"with checkpoint at size {before})"
    )


def _tree_state(v: Vault) -> str:
    v.conn.execute("UPDATE meta SET value = '[]' WHERE key = 'tree_range'")
    return "check 4 failed: the stored tree state does not match the ledger"


def _incident_gone(v: Vault) -> str:
    v.conn.execute("DELETE FROM incidents WHERE id = 2")
    return "check 5 failed: 1 incidents stored, the ledger has 2"


def _incident_edited(v: Vault) -> str:
    v.conn.execute(
        "UPDATE incidents SET doc = json_set(coalesce(doc, ?), '$.note', 'edited') WHERE id = 1",
        (json.dumps(v.incident(1)),),
    )
    return "check 5 failed: incident 1 differs from its ledger entries"


def _columns_edited(v: Vault) -> str:
    v.conn.execute("UPDATE incidents SET platform = 'telegram' WHERE id = 2")
    return "check 5 failed: incident 2: its indexed columns differ from its ledger entries"


def _blob_resized(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "blobs")
    v.conn.execute("UPDATE blobs SET size = 8")
    return f"check 6 failed: attachment {sha} is stored with size 8, the ledger says 7"


def _blob_changed(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "chunks")
    v.conn.execute("UPDATE chunks SET data = ?", (b"BLOCKED",))
    return f"check 6 failed: attachment {sha} does not match its hash"


def _blob_gone(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "blobs", "chunks")
    v.conn.execute("DELETE FROM chunks")
    v.conn.execute("DELETE FROM blobs")
    return f"check 6 failed: attachment {sha} named in the ledger is not stored"


def _chunk_gone(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "chunks")
    v.conn.execute("DELETE FROM chunks")
    return f"check 6 failed: attachment {sha} is damaged: part 1 of 1 is missing"


def _chunk_count_raised(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "blobs")
    v.conn.execute("UPDATE blobs SET chunks = 3")
    return f"check 6 failed: attachment {sha} is damaged: part 2 of 3 is missing"


def _chunk_count_zero(v: Vault) -> str:
    sha = _sha(v)
    _unguard(v, "blobs")
    v.conn.execute("UPDATE blobs SET chunks = 0")
    return f"check 6 failed: attachment {sha} does not match its hash"


def _entry_not_json(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET entry = ? WHERE seq = 2", (b"{not json",))
    return "check 2 failed: entry 2 is not JSON"


def test_check_tells_its_progress_by_the_name_of_each_check(vault_env: Env) -> None:
    from blockwatch.vault.check import check as run

    told: list[str] = []
    with vault.unlock(vault_env, PASSPHRASE) as v:
        done = run(v, told.append)
    assert told == [
        "database pages and structure are intact",
        "ledger entries are canonical and hashed correctly",
        "the ledger starts with this vault and its signing key",
        "every checkpoint is signed and consistent with the one before",
        "the incidents are exactly the replay of the ledger",
        "every attachment matches its SHA-256",
        "every checkpoint commits to each incident's latest entry",
        STAMPED,
    ]
    assert [line.split(" (")[0] for line in done] == told


def test_a_page_that_fails_its_hmac_is_named_with_what_sqlcipher_says(vault_env: Env) -> None:
    for n in range(40):
        assert run_cli(vault_env, "log", "note", "--text", f"note {n} " + "x" * 2000).code == 0
    db = vault_env.vault_dir / "vault.db"
    data = bytearray(db.read_bytes())
    data[3 * 16384 + 100] ^= 0xFF  # a byte inside the fourth page
    db.write_bytes(bytes(data))
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(said,), *_more] = v.conn.execute("PRAGMA cipher_integrity_check").fetchall()
        assert _fails(v) == f"check 1 failed: 1 database page(s) fail their HMAC: {said}"


def _entry_of_a_later_format(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET entry = ? WHERE seq = 2", (b'{"v": 99}',))
    return "check 2 failed: entry 2 has an unknown format version"


def _entry_a_list(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET entry = ? WHERE seq = 2", (b"[1]",))
    return "check 2 failed: entry 2 has an unknown format version"


def _repoint(v: Vault, index: str, to: str) -> None:
    """What the key holder can do with the key: point an index at another b-tree's pages
    (every page's HMAC is right; SQLite's own structure is not)."""
    [(root,)] = v.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (to,))
    v.conn.execute("PRAGMA writable_schema = ON")
    v.conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (root, index))
    v.conn.execute("PRAGMA writable_schema = OFF")


def _structure_unreadable(v: Vault) -> str:
    _repoint(v, "incidents_summary", "entries")
    return "check 1 failed: the database cannot be read: database disk image is malformed"


def _index_emptied(v: Vault) -> str:
    """An index pointed at an empty index b-tree: every page is sound and the schema reads,
    but SQLite's own check finds the table's rows missing from it."""
    v.conn.execute("CREATE TABLE scratch (x)")
    v.conn.execute("CREATE INDEX scratch_x ON scratch (x)")
    [(old,)] = v.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'incidents_summary'")
    [(new,)] = v.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'scratch_x'")
    _repoint(v, "incidents_summary", "scratch_x")
    # one line, without SQLite's heading, the first three problems of several
    return (
        f"check 1 failed: SQLite integrity check: 2nd reference to page {new}; "
        f"Page {old}: never used; wrong # of entries in index incidents_summary; …"
    )


def _entry_out_of_order(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET seq = 1000 WHERE seq = 2")
    return "check 2 failed: entry 2 is missing or out of order"


def _rewrite_genesis(v: Vault, type_: str | None = None, **body: Any) -> None:
    """Entry 0 rewritten as the key holder can: canonical, its leaf hash recomputed."""
    _unguard(v, "entries")
    [(stored, recorded_at)] = v.conn.execute("SELECT entry, recorded_at FROM entries WHERE seq = 0")
    entry = json.loads(stored)
    type_ = type_ or entry["type"]
    new = ledger.canonical_entry(
        0, type_, recorded_at, {**entry["body"], **body}, entry.get("salt")
    )
    v.conn.execute(
        "UPDATE entries SET entry = ?, leaf = ?, type = ? WHERE seq = 0",
        (new, ledger.leaf_hash(new), type_),
    )


def _genesis_of_another_vault(v: Vault) -> str:
    _rewrite_genesis(v, vault_id="f" * 32)
    return "check 3 failed: the first entry does not create this vault"


def _genesis_of_another_kind(v: Vault) -> str:
    _rewrite_genesis(v, "note.added")
    return "check 3 failed: the first entry does not create this vault"


def _written_raw(v: Vault, type_: str, body: dict[str, Any]) -> int:
    """An entry the key holder writes with the vault's own low-level writer: hashed into the
    tree and signed into the next checkpoint like any other, but with a body of her choosing."""
    with v._write():
        seq, _leaf = v._append_entry(type_, ledger.canonical_json(body))
    return seq


def _change_naming_another_entry(v: Vault) -> str:
    [(uid,)] = v.conn.execute("SELECT uid FROM incidents WHERE id = 1")
    prev = {"seq": 0, "leaf": "00" * 32}
    seq = _written_raw(v, "incident.amended", {"uid": uid, "set": {"note": "x"}, "prev": prev})
    return f"check 5 failed: entry {seq} does not follow its incident's entry before it"


def _change_of_no_incident(v: Vault) -> str:
    uid = "00000000-0000-4000-8000-000000000000"
    seq = _written_raw(v, "incident.amended", {"uid": uid, "set": {"note": "x"}})
    return f"check 5 failed: ledger entry {seq} changes an incident that does not exist"


def _entry_of_another_number(v: Vault) -> str:
    """Entry 1's signed bytes in entry 2's row: the row's number is right, the bytes' is not."""
    _unguard(v, "entries")
    v.conn.execute(
        "UPDATE entries SET entry = (SELECT entry FROM entries WHERE seq = 1) WHERE seq = 2"
    )
    return "check 2 failed: entry 2 is missing or out of order"


def _entry_columns(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET type = 'note.changed' WHERE seq = 2")
    return "check 2 failed: entry 2: its columns disagree with its signed bytes"


def _entry_not_canonical(v: Vault) -> str:
    _unguard(v, "entries")
    [(stored,)] = v.conn.execute("SELECT entry FROM entries WHERE seq = 2")
    spaced = json.dumps(json.loads(stored), indent=1).encode()
    v.conn.execute("UPDATE entries SET entry = ? WHERE seq = 2", (spaced,))
    return "check 2 failed: entry 2 is not in canonical form"


def _entry_leaf(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("UPDATE entries SET leaf = zeroblob(32) WHERE seq = 2")
    return "check 2 failed: entry 2: stored leaf hash does not match its bytes"


def _ledger_emptied(v: Vault) -> str:
    _unguard(v, "entries")
    v.conn.execute("DELETE FROM entries")
    return "check 3 failed: the ledger is empty"


@pytest.mark.parametrize(
    ("backs", "said"),
    [
        ((0, 3600, 0, 7200), "2 recorded earlier than the entry before them"),
        ((0, 3600), "1 recorded earlier than the entry before it"),
    ],
)
def test_entries_recorded_earlier_than_the_one_before_are_counted(
    vault_env: Env, backs: tuple[int, ...], said: str
) -> None:
    now = vault_env.now()
    for back in backs:  # each later entry written with the clock set back from the one before
        vault_env.now = lambda back=back: now - timedelta(seconds=back)  # type: ignore[method-assign]
        assert run_cli(vault_env, "log", "note", "--text", f"{back}").code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        size = v.stored_range()[0]
        detail = check(v)[1]
    assert detail == (
        f"ledger entries are canonical and hashed correctly ({size} entries; {said}: the "
        "computer's clock was set back)"
    )


def _first_checkpoint_of_another_root(v: Vault) -> str:
    _unguard(v, "checkpoints")
    size, note = v.checkpoints()[0]
    point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    forged = ledger.sign_checkpoint(dataclasses.replace(point, root=b"\x09" * 32), v._signer)
    v.conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (forged, size))
    return (
        f"check 4 failed: checkpoint at size {size} does not match the ledger (not consistent "
        "with checkpoint at size 0)"
    )


def _checkpoint_beyond_the_ledger(v: Vault) -> str:
    size, note = v.checkpoints()[-1]
    point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    ahead = ledger.sign_checkpoint(dataclasses.replace(point, size=size + 5), v._signer)
    v.conn.execute("INSERT INTO checkpoints (size, note) VALUES (?, ?)", (size + 5, ahead))
    return f"check 4 failed: the newest checkpoint covers {size + 5} entries, the ledger has {size}"


DAMAGE = {
    f.__name__.lstrip("_"): f
    for f in (
        _no_checkpoint,
        _newest_checkpoint_gone,
        _checkpoint_garbled,
        _checkpoint_of_another_root,
        _first_checkpoint_of_another_root,
        _checkpoint_beyond_the_ledger,
        _tree_state,
        _incident_gone,
        _incident_edited,
        _columns_edited,
        _blob_resized,
        _blob_changed,
        _blob_gone,
        _chunk_gone,
        _chunk_count_raised,
        _chunk_count_zero,
        _entry_not_json,
        _entry_of_a_later_format,
        _entry_a_list,
        _entry_out_of_order,
        _entry_of_another_number,
        _change_naming_another_entry,
        _change_of_no_incident,
        _genesis_of_another_vault,
        _genesis_of_another_kind,
        _entry_columns,
        _entry_not_canonical,
        _entry_leaf,
        _ledger_emptied,
        _structure_unreadable,
        _index_emptied,
    )
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_each_damage_is_named_by_its_check_word_for_word(kept: Env, case: str) -> None:
    """Damaged (and the connection closed), then opened again and checked."""
    with vault.unlock(kept, PASSPHRASE) as v:
        said = DAMAGE[case](v)
    with vault.unlock(kept, PASSPHRASE) as v, pytest.raises(VaultCorrupt) as failed:
        check(v)
    assert failed.value.message == said
    assert failed.value.hint == (
        "the vault was damaged or changed outside blockwatch; keep a copy of it as it is "
        "and restore the vault directory from a backup"
    )


@pytest.mark.parametrize(
    ("result", "said"),
    [
        ([("*** in database main ***\nPage 8: never used",)], "Page 8: never used"),
        ([("row 1 missing from index x",), ("row 2 missing from index x",)], "row 1 missing from index x; row 2 missing from index x"),
        ([("*** in database main ***\na\nb\nc",)], "a; b; c"),
        ([("*** in database main ***\na\nb\nc\nd",)], "a; b; c; …"),
        ([("a",), ("b\n\nc",), ("d",), ("e",)], "a; b; c; …"),
    ],
)  # fmt: skip
def test_sqlite_s_integrity_report_is_put_on_one_line(result: list[tuple[str]], said: str) -> None:
    from blockwatch.vault.check import _problems

    assert _problems(result) == said
