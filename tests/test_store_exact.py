"""The vault's own writes, exactly (issue 20: the mutants of ``vault/store.py`` that the
behaviour tests let through).

A write that fails leaves no transaction open and raises its own error; a copy to a full disk
says so in the reader's words; the files an import stages are staged once, copied in short
writes, read no more often than needed and described as they are; a cosignature of a
checkpoint the vault never had is refused by name.  Real vaults, real files, a real full disk
(``/dev/full``)."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from blockwatch import ledger, vault
from blockwatch.env import Env
from blockwatch.errors import InputError, VerificationFailed
from blockwatch.vault import store
from blockwatch.vault.schema import CHUNK_BYTES
from blockwatch.vault.store import ENTRY_CHECKPOINT_COSIGNED, Vault

from .conftest import PASSPHRASE, run_cli

WITNESS = "lawyer.example/witness"


@pytest.fixture
def opened(vault_env: Env) -> Iterator[Vault]:
    assert run_cli(vault_env, "log", "note", "--text", "one").code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        yield v


# --------------------------------------------------------------------------- failed writes

WRITES: dict[str, tuple[str, Callable[[Vault], object]]] = {  # the table each one writes
    "backup record": ("meta", lambda v: v.record_backup(1)),
    "profile": ("meta", lambda v: v.set_profile({"name": "A. Journalist"})),
    "language": ("meta", lambda v: v.set_language("ru")),
    "ledger entry": ("entries", lambda v: v.record_disclosure({"to": "police"})),
    "staged records": ("staging", lambda v: v.stage("job", [("uid", b"{}", ())])),
}


@pytest.mark.parametrize(("table", "write"), WRITES.values(), ids=WRITES.keys())
def test_a_write_that_fails_rolls_back_and_raises_its_own_error(
    opened: Vault, table: str, write: Callable[[Vault], object]
) -> None:
    """Its ROLLBACK, not a second error from a broken one, and no transaction left open to
    hold the write lock.  The failure: a trigger of this connection alone (TEMP) refusing
    the insert, after the write began."""
    import sqlcipher3

    opened.stage("job", [])  # the staging tables exist
    before = opened.conn.execute("SELECT count(*), max(seq) FROM entries").fetchone()
    meta = opened.conn.execute("SELECT * FROM meta ORDER BY key").fetchall()
    opened.conn.execute(
        f"CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.{table} "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    with pytest.raises(sqlcipher3.IntegrityError) as refused:
        write(opened)
    assert str(refused.value) == "refused by the test"
    assert not opened.conn.in_transaction
    opened.conn.execute("DROP TRIGGER temp.refuse")
    assert opened.conn.execute("SELECT count(*), max(seq) FROM entries").fetchone() == before
    assert opened.conn.execute("SELECT * FROM meta ORDER BY key").fetchall() == meta


def test_each_setting_is_kept_as_given_and_none_as_empty(vault_env: Env) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert (v.profile(), v.backed_up(), v.settings.language) == ({}, 0, None)  # none yet
        v.set_language("kk")
        v.set_profile({"name": "Айгүл", "phone": "+7 701 000 00 00"})
        v.record_backup(7)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert v.settings.language == "kk"
        assert v.profile() == {"name": "Айгүл", "phone": "+7 701 000 00 00"}
        assert v.backed_up() == 7
        v.set_language(None)
        (stored,) = v.conn.execute("SELECT value FROM meta WHERE key = 'language'").fetchone()
        assert stored == ""
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert v.settings.language is None


# --------------------------------------------------------------------------- a full disk


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_copy_to_a_full_disk_says_so_in_the_reader_s_words(opened: Vault, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    os.symlink("/dev/full", target)  # every write: ENOSPC
    with pytest.raises(OSError) as full:
        opened.copy_database(target)
    assert full.value.strerror == "the disk refused a write (full, read-only or removed?)"
    assert str(full.value) == "[Errno 0] the disk refused a write (full, read-only or removed?)"


# --------------------------------------------------------------------------- staged files


class Source:
    """A file an importer reads (a WhatsApp export's media): counts its reads."""

    def __init__(self, data: bytes, *, then: bytes | None = None) -> None:
        self.data, self.then, self.reads = data, then, 0

    def read(self) -> Iterator[bytes]:
        self.reads += 1
        data = self.data if self.reads == 1 or self.then is None else self.then
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]


def _staged_files(v: Vault, job: str) -> list[tuple[Any, ...]]:
    return v.conn.execute(
        "SELECT sha256, size, chunks FROM staging_files WHERE job = ?", (job,)
    ).fetchall()


def _move(v: Vault, job: str) -> None:
    """The import's last write: the staged files become the vault's, with its records."""
    with v.bulk() as bulk:
        v.move_staged_files(job)
        bulk.add(store.ENTRY_BUNDLE_EXPORTED, {"to": "a test"})  # a record, as an import's
    v.discard_staged(job)


def test_a_file_is_staged_once_however_often_an_import_names_it(opened: Vault) -> None:
    data = b"voice note" * 1000
    sha = hashlib.sha256(data).hexdigest()
    first, again = Source(data), Source(data)
    described = opened.stage_file("job", "PTT-0001.opus", len(data), first.read)
    assert described == {
        "sha256": sha,
        "name": "PTT-0001.opus",
        "size": len(data),
        "media_type": "audio/ogg",
    }
    assert opened.stage_file("job", "PTT-0002.opus", len(data), again.read)["sha256"] == sha
    assert (first.reads, again.reads) == (2, 1)  # hashed and copied; then hashed only
    assert _staged_files(opened, "job") == [(sha, len(data), 1)]
    _move(opened, "job")
    assert b"".join(opened.blob(sha)) == data
    stored = Source(data)  # already in the vault: hashed, never copied again
    opened.stage_file("other", "copy.opus", len(data), stored.read)
    assert stored.reads == 1
    assert _staged_files(opened, "other") == []


def test_a_file_of_many_chunks_is_staged_in_short_writes_and_read_back_whole(
    opened: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_FILE_CHUNKS_PER_WRITE", 2)
    data = os.urandom(4 * CHUNK_BYTES + 5)  # five chunks: writes of 2, 2, then 1 with the file
    sha = hashlib.sha256(data).hexdigest()
    commits = []
    opened.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    opened.stage_file("job", "video.mp4", len(data), Source(data).read)
    opened.conn.set_trace_callback(None)
    assert len(commits) == 3
    chunks = opened.conn.execute(
        "SELECT n, length(data) FROM staging_chunks WHERE job = 'job' ORDER BY n"
    ).fetchall()
    assert chunks == [
        (0, CHUNK_BYTES),
        (1, CHUNK_BYTES),
        (2, CHUNK_BYTES),
        (3, CHUNK_BYTES),
        (4, 5),
    ]
    assert _staged_files(opened, "job") == [(sha, len(data), 5)]
    _move(opened, "job")
    assert b"".join(opened.blob(sha)) == data
    assert opened.conn.execute(
        "SELECT size, chunks FROM blobs WHERE sha256 = ?", (sha,)
    ).fetchone() == (len(data), 5)


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1])
def test_a_staged_file_counts_its_chunks_at_each_bound(opened: Vault, size: int) -> None:
    data = b"x" * size
    opened.stage_file("job", "file.bin", size, Source(data).read)
    ((_sha, _size, chunks),) = _staged_files(opened, "job")
    assert chunks == -(-size // CHUNK_BYTES) == len(range(0, size, CHUNK_BYTES))


def test_a_file_that_changes_between_its_two_reads_is_refused_by_name(opened: Vault) -> None:
    changing = Source(b"first version", then=b"other version")
    with pytest.raises(InputError) as changed:
        opened.stage_file("job", "IMG-0001.jpg", 13, changing.read)
    assert changed.value.message == "IMG-0001.jpg changed while it was being stored"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("IMG-0001.jpg", "image/jpeg"),
        ("notes.unknown-kind", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_a_staged_file_is_described_by_its_name_s_media_type(
    opened: Vault, name: str, media_type: str
) -> None:
    assert opened.stage_file("job", name, 3, Source(b"abc").read)["media_type"] == media_type


# --------------------------------------------------------------------------- cosignatures


def test_a_cosignature_is_kept_with_the_checkpoint_it_vouches_for(opened: Vault) -> None:
    key = Ed25519PrivateKey.generate()
    size, note = max(opened.checkpoints())
    witness = ledger.cosigner_key(WITNESS, key.public_key().public_bytes_raw())
    point, at = opened.record_cosignature(note + ledger.cosign(note, WITNESS, key, 1700), witness)
    assert (point.size, at) == (size, 1700)
    (_seq, _at, body), *_ = reversed(list(opened.entries_of_type(ENTRY_CHECKPOINT_COSIGNED)))
    assert body == {
        "size": size,
        "root": base64.b64encode(point.root).decode(),
        "note": note + ledger.cosign(note, WITNESS, key, 1700),
        "witness": witness,
        "time": 1700,
    }


def test_a_cosignature_pasted_with_a_blank_line_after_it_is_kept(opened: Vault) -> None:
    """Compared with the vault's own checkpoint by its signed text (ledger.note_text)."""
    key = Ed25519PrivateKey.generate()
    size, note = max(opened.checkpoints())
    witness = ledger.cosigner_key(WITNESS, key.public_key().public_bytes_raw())
    text = note + ledger.cosign(note, WITNESS, key, 1700) + "\n"
    assert opened.record_cosignature(text, witness)[0].size == size


def test_a_cosignature_of_a_checkpoint_the_vault_never_had_is_refused(opened: Vault) -> None:
    """Signed with the vault's own key (what a key holder can do), but of a size this vault
    never reached: no checkpoint of its own to compare with."""
    key = Ed25519PrivateKey.generate()
    size, note = max(opened.checkpoints())
    point = ledger.open_checkpoint(note, opened.settings.origin, opened.public_key)
    ahead = ledger.Checkpoint(opened.settings.origin, size + 5, point.root, point.heads)
    forged = ledger.sign_checkpoint(ahead, opened._signer)
    witness = ledger.cosigner_key(WITNESS, key.public_key().public_bytes_raw())
    with pytest.raises(VerificationFailed) as refused:
        opened.record_cosignature(forged + ledger.cosign(forged, WITNESS, key, 1700), witness)
    assert refused.value.message == (
        f"the cosigned checkpoint of size {size + 5} is not this vault's"
    )


def test_a_witness_key_that_is_not_one_is_named_by_its_option(opened: Vault) -> None:
    _size, note = max(opened.checkpoints())
    with pytest.raises(InputError) as refused:
        opened.record_cosignature(note, "not a key")
    assert refused.value.message.startswith("--witness-key: ")


# --------------------------------------------------------------------------- staged records


def _commits(v: Vault, work: Callable[[], object]) -> int:
    said: list[str] = []
    v.conn.set_trace_callback(lambda sql: said.append(sql) if sql == "COMMIT" else None)
    try:
        work()
    finally:
        v.conn.set_trace_callback(None)
    return len(said)


def test_records_are_staged_in_order_in_writes_of_one_batch(
    opened: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_BATCH", 2)
    records = [(f"uid-{n}", f'{{"n":{n}}}'.encode(), ("call", n)) for n in range(5)]
    assert _commits(opened, lambda: opened.stage("job", records)) == 3  # 2, 2, then 1
    assert list(opened.staged("job")) == records
    assert list(opened.staged("another job")) == []


def test_staged_rows_of_an_import_that_died_a_day_ago_are_dropped_and_no_sooner(
    vault_env: Env,
) -> None:
    """The first staging write of a process drops what imports killed over a day ago left,
    in each staging table, and keeps what one running beside it staged."""
    import dataclasses
    from datetime import timedelta

    from .conftest import NOW

    for job, age in [("died", timedelta(days=1, seconds=1)), ("running", timedelta(days=1))]:
        env = dataclasses.replace(vault_env, now=lambda age=age: NOW - age)
        with vault.unlock(env, PASSPHRASE) as v:
            v.stage(job, [(f"uid-{job}", b"{}", ())])
            v.stage_file(job, f"{job}.jpg", 4, Source(job.encode()[:4]).read)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        v.stage("new", [("uid-new", b"{}", ())])
        for table in ("staging", "staging_files", "staging_chunks"):
            jobs = {job for (job,) in v.conn.execute(f"SELECT DISTINCT job FROM {table}")}
            assert jobs == ({"running", "new"} if table == "staging" else {"running"}), table


def test_discarding_gives_up_at_a_refused_write_and_leaves_no_transaction_open(
    opened: Vault,
) -> None:
    opened.stage("job", [("uid-1", b"{}", ())])
    opened.conn.execute(  # a delete refused after the write began (this connection only)
        "CREATE TEMP TRIGGER refuse BEFORE DELETE ON main.staging "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    opened.discard_staged("job")  # best effort: says nothing
    assert not opened.conn.in_transaction
    opened.conn.execute("DROP TRIGGER temp.refuse")
    assert len(list(opened.staged("job"))) == 1
    opened.discard_staged("job")
    assert list(opened.staged("job")) == []


def test_discarding_drops_every_staged_row_in_short_writes(
    opened: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_BATCH", 1)  # five records per write
    monkeypatch.setattr(store, "_FILE_CHUNKS_PER_WRITE", 1)
    opened.stage("job", [(f"uid-{n}", b"{}", ()) for n in range(11)])
    opened.stage("kept", [("uid-kept", b"{}", ())])
    for n in range(5):
        opened.stage_file("job", f"{n}.jpg", 2, Source(b"%02d" % n).read)
    # 11 records: 5, 5, 1; 5 files' chunks: one a write, then none; 5 files: 5, then none
    assert _commits(opened, lambda: opened.discard_staged("job")) == 3 + 6 + 2
    for table in ("staging", "staging_files", "staging_chunks"):
        assert opened.conn.execute(
            f"SELECT count(*) FROM {table} WHERE job = 'job'"
        ).fetchone() == (0,)
    assert [uid for uid, *_ in opened.staged("kept")] == ["uid-kept"]


# --------------------------------------------------------------------------- amendments


def test_an_amendment_keeps_its_reason_and_attachments_alone_amend_nothing(
    opened: Vault, tmp_path: Path
) -> None:
    from blockwatch.incidents import ENTRY_AMENDED, ENTRY_ATTACHMENT
    from blockwatch.vault.blobs import read_attachment

    amended = opened.amend(1, {"note": "two"}, why="a typo")
    assert amended["note"] == "two"
    (_seq, _at, body), *_ = reversed(list(opened.entries_of_type(ENTRY_AMENDED)))
    assert body["set"] == {"note": "two"} and body["why"] == "a typo"
    proof = tmp_path / "screenshot.png"
    proof.write_bytes(b"png")
    before = len(list(opened.entries_of_type(ENTRY_AMENDED)))
    with_file = opened.amend(1, {}, attachments=[read_attachment(proof)])
    assert len(list(opened.entries_of_type(ENTRY_AMENDED))) == before  # no empty amendment
    assert [a["name"] for a in with_file["attachments"]] == ["screenshot.png"]
    assert len(list(opened.entries_of_type(ENTRY_ATTACHMENT))) == 1
    with pytest.raises(InputError) as nothing:
        opened.amend(1, {})
    assert nothing.value.message == "nothing to change: incident 1 already has those values"


# --------------------------------------------------------------------------- a busy vault

BUSY = "the vault is busy: another blockwatch is writing to it; nothing was written"
BUSY_HINT = (
    "try again when it has finished (an import of many records takes a while); "
    "BLOCKWATCH_BUSY_TIMEOUT sets how many seconds to wait"
)


@pytest.mark.parametrize(
    ("given", "told", "waited_ms"),
    [
        ("0", 0.0, 0),
        ("1", 1.0, 1000),
        ("-3", -3.0, 0),
        ("soon", 0.1, 100),  # not a number: the default (here 0.1 s)
        ("", 0.1, 100),
    ],
)
def test_a_busy_vault_is_waited_for_as_long_as_told_then_given_up_in_words(
    vault_env: Env, monkeypatch: pytest.MonkeyPatch, given: str, told: float, waited_ms: int
) -> None:
    import dataclasses

    from blockwatch.errors import VaultBusy

    monkeypatch.setattr(store, "BUSY_SECONDS", 0.1)
    said: list[float] = []
    environ = {**vault_env.environ, "BLOCKWATCH_BUSY_TIMEOUT": given}
    env = dataclasses.replace(vault_env, environ=environ, on_busy=said.append)
    holder = vault.unlock(vault_env, PASSPHRASE)
    try:
        with vault.unlock(env, PASSPHRASE) as v:
            v.record_backup(1)  # free: no word, no wait
            assert said == []
            assert v.conn.execute("PRAGMA busy_timeout").fetchone() == (0,)
            holder.conn.execute("BEGIN IMMEDIATE")  # what a long import holds
            with pytest.raises(VaultBusy) as busy:
                v.record_backup(2)
            assert not v.conn.in_transaction
            assert v.conn.execute("PRAGMA busy_timeout").fetchone() == (waited_ms,)
            holder.conn.execute("ROLLBACK")
            assert v.backed_up() == 1
    finally:
        holder.close()
    assert said == [told]  # said once, before the wait
    assert (busy.value.message, busy.value.hint) == (BUSY, BUSY_HINT)


# --------------------------------------------------------------------------- the map of heads


def test_a_map_of_heads_built_at_once_is_the_one_kept_write_by_write(
    opened: Vault, tmp_path: Path
) -> None:
    """A vault of schema version 1 builds its map of heads at its first write, reading 500
    incidents a query: over 500 incidents, some amended (their head a later entry), the map
    it builds is the one a vault keeps write by write."""
    from blockwatch import importing
    from blockwatch.vault.check import check
    from blockwatch.vault.schema import SCHEMA_VERSION

    from .test_import import call, calls_xml, write

    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(502)]))
    importing.import_file(opened, calls, importing.Options(timezone="Asia/Almaty"))
    for number in (1, 3, 501, 503):  # the first and the last, each side of 500
        opened.amend(number, {"note": f"changed {number}"}, why="a test")
    kept = opened.stored_heads()
    nodes = sorted(opened.heads_nodes())
    # what a vault made by blockwatch 0.1 has: no map of heads, schema version 1
    opened.conn.execute("DROP TABLE heads")
    opened.conn.execute("DELETE FROM meta WHERE key IN ('heads_size', 'heads_root')")
    opened.conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    opened.ensure_heads()
    (_seq, _at, body), *_ = reversed(list(opened.entries_of_type(store.ENTRY_VAULT_UPGRADED)))
    assert body == {"schema": SCHEMA_VERSION}
    assert opened.stored_heads() == kept
    assert sorted(opened.heads_nodes()) == nodes
    assert opened.conn.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'"
    ).fetchone() == (str(SCHEMA_VERSION),)
    assert check(opened)[6].endswith("(503 incidents)")


def test_an_import_no_other_write_raced_looks_for_no_late_records(
    opened: Vault, tmp_path: Path
) -> None:
    """Only when the ledger grew while the file was read does the import's write look for
    records another process wrote meanwhile (a join over the whole staging table)."""
    from blockwatch import importing

    from .test_import import call, calls_xml, write

    said: list[str] = []
    opened.conn.set_trace_callback(said.append)
    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(3)]))
    assert (
        importing.import_file(opened, calls, importing.Options(timezone="Asia/Almaty")).added == 3
    )
    opened.conn.set_trace_callback(None)
    assert not [sql for sql in said if "JOIN incidents" in sql]


def test_a_vault_that_has_its_map_of_heads_is_not_upgraded_again(opened: Vault) -> None:
    size = max(opened.checkpoints())[0]
    opened.ensure_heads()
    assert max(opened.checkpoints())[0] == size
    assert list(opened.entries_of_type(store.ENTRY_VAULT_UPGRADED)) == []


def test_a_vault_opened_without_its_key_cannot_be_copied(opened: Vault, tmp_path: Path) -> None:
    keyless = Vault(opened.env, opened.conn, opened.settings, opened._signer)
    with pytest.raises(RuntimeError) as refused:
        keyless.copy_database(tmp_path / "copy.db")
    assert str(refused.value) == "copy_database needs a vault opened with its key"


# --------------------------------------------------------------------------- entries


def test_every_entry_a_write_makes_is_salted_afresh(opened: Vault, tmp_path: Path) -> None:
    """Bundle format 2: each entry carries a salt of its own (ledger.new_salt), so that a
    bundle's left-out entries cannot be guessed from their leaves."""
    import json

    from blockwatch.vault.blobs import read_attachment

    proof = tmp_path / "notice.png"
    proof.write_bytes(b"png")
    opened.amend(1, {"note": "two"}, why="a typo", attachments=[read_attachment(proof)])
    entries = [json.loads(entry) for _seq, _type, _at, entry, _leaf in opened.entries()]
    assert [e["v"] for e in entries] == [ledger.ENTRY_VERSION] * len(entries)
    salts = [e["salt"] for e in entries]
    assert all(len(s) == 2 * ledger.SALT_BYTES for s in salts) and len(set(salts)) == len(salts)


def test_an_incident_logged_with_files_names_each(opened: Vault, tmp_path: Path) -> None:
    from blockwatch import incidents
    from blockwatch.vault.blobs import read_attachment

    files = []
    for name in ("a.png", "b.pdf"):
        (tmp_path / name).write_bytes(name.encode())
        files.append(read_attachment(tmp_path / name))
    body = incidents.new_incident(
        uid="0b6f3c52-6a53-4c55-9d0e-5d1f4b2b7a10",
        kind="note",
        occurred_at="2026-07-05T06:00:00+00:00",
        timezone="Asia/Almaty",
        details_={"text": "with files"},
    )
    view = opened.add_incident(body, files)
    assert view["attachments"] == [f.describe() for f in files]
    assert [b"".join(opened.blob(f.sha256)) for f in files] == [b"a.png", b"b.pdf"]


# --------------------------------------------------------------------------- witnesses


def test_a_checkpoint_is_shared_since_a_size_the_ledger_has_reached(opened: Vault) -> None:
    size = max(opened.checkpoints())[0]
    for wrong in (0, size + 1):
        with pytest.raises(InputError) as refused:
            opened.share_checkpoint(None, since=wrong)
        assert refused.value.message == f"--since {wrong}: the ledger has {size} entries"
        assert refused.value.hint == (
            "give the size on the second line of the checkpoint the witness holds"
        )
    assert max(opened.checkpoints())[0] == size  # nothing written
    assert opened.share_checkpoint(None, since=size) == dict(opened.checkpoints())[size]
    request = ledger.parse_request(opened.share_checkpoint(None, since=1))  # with a proof
    notes = dict(opened.checkpoints())
    assert (request.old, request.note) == (1, notes[size + 1])
    first = ledger.open_checkpoint(notes[1], opened.settings.origin, opened.public_key)
    now = ledger.open_checkpoint(request.note, opened.settings.origin, opened.public_key)
    ledger.verify_consistency(1, now.size, first.root, now.root, request.proof)


def test_a_calendar_day_of_another_kind_is_refused_by_its_name(opened: Vault) -> None:
    with pytest.raises(ValueError) as refused:
        opened.record_calendar_day("note.created", {"date": "2026-07-06"})
    assert str(refused.value) == "note.created"


def test_time_stamps_over_another_checkpoint_than_the_note_are_refused(opened: Vault) -> None:
    size, note = max(opened.checkpoints())
    with pytest.raises(ValueError) as refused:
        opened.record_timestamps(size + 1, note, [])
    assert str(refused.value) == "the note is not the checkpoint of that size"


def test_discarding_first_ends_a_transaction_an_interrupted_write_left_open(
    opened: Vault,
) -> None:
    opened.stage("job", [("uid-1", b"{}", ())])
    opened.conn.execute("BEGIN IMMEDIATE")  # as a write stopped between two statements
    opened.discard_staged("job")
    assert not opened.conn.in_transaction
    assert list(opened.staged("job")) == []
