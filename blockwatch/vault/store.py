"""The vault's write path: one transaction per write, the ledger, the projection.

Every write is one ``BEGIN IMMEDIATE`` transaction that appends entries, updates the
projection (``derived_columns`` and the views) and stores the new signed checkpoint: it lands
whole or not at all.  ``schema`` opens the database, ``blobs`` stores attachments, ``queries``
reads; ``lifecycle`` creates and unlocks vaults.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import mimetypes
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from blockwatch import incidents, ledger, stats, when
from blockwatch.env import Env
from blockwatch.errors import InputError, VaultBusy, VerificationFailed
from blockwatch.i18n import _
from blockwatch.incidents import Incident
from blockwatch.vault import heads, schema
from blockwatch.vault.blobs import Attachment, Blobs, Rehash
from blockwatch.vault.queries import Queries
from blockwatch.vault.schema import CHUNK_BYTES, SCHEMA_VERSION, Settings

ENTRY_VAULT_CREATED = "vault.created"
# A vault of an older schema migrated (the map of heads began): written only when nothing else
# would write before a checkpoint with heads is needed (an export)
ENTRY_VAULT_UPGRADED = "vault.upgraded"
BUSY_SECONDS = 120.0  # how long a write waits for another process's write to finish
# A bundle handed out: what, to whom, when (bundle/writer.py writes it, ``disclosures`` reads it)
ENTRY_BUNDLE_EXPORTED = "bundle.exported"
# A signed checkpoint given to a witness (``blockwatch checkpoint``): every later bundle proves
# that its ledger extends it
ENTRY_CHECKPOINT_SHARED = "checkpoint.shared"
# An RFC 3161 token over a signed checkpoint (``blockwatch timestamp``): an outside authority's
# time for every entry that checkpoint covers
ENTRY_CHECKPOINT_TIMESTAMPED = "checkpoint.timestamped"
# A witness's cosignature of one of the vault's checkpoints (``checkpoint --cosigned``)
ENTRY_CHECKPOINT_COSIGNED = "checkpoint.cosigned"
# A day the user says is off, or working, against the holiday calendar (``blockwatch
# calendar``): deadlines in working days count it so, and say so
ENTRY_CALENDAR_DAY_OFF = "calendar.day_off"
ENTRY_CALENDAR_WORKING_DAY = "calendar.working_day"
# Entries about the ledger itself: what "not yet time-stamped" leaves out
LEDGER_ENTRIES = (
    ENTRY_CHECKPOINT_SHARED,
    ENTRY_CHECKPOINT_TIMESTAMPED,
    ENTRY_CHECKPOINT_COSIGNED,
)
_BATCH = 2000  # ledger rows inserted per statement, staged rows per transaction
STALE_STAGING = timedelta(days=1)  # staged rows older than this are an import's that died
_FILE_CHUNKS_PER_WRITE = 8  # staged chunks of a file (1 MiB each) per short transaction
_STAGING = ("staging", "staging_files", "staging_chunks")


def derived_columns(view: Mapping[str, Any]) -> tuple[Any, ...]:
    """kind, platform, occurred_utc, direction, origin, region: what the projection indexes."""
    party = view.get("counterparty") or {}
    return (
        view["kind"],
        view["platform"],
        when.utc_stamp(when.parse_instant(view["occurred_at"])),
        view["details"].get("direction"),
        stats.call_origin(view),
        party.get("region"),
    )


class Bulk:
    """The records of one write (made inside ``Vault._write``): ``add`` appends entries."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        assert vault._compact is not None
        self.size = vault._compact.size  # the ledger's size when the write began

    def add(self, type_: str, body: dict[str, Any]) -> None:
        """Append an entry."""
        self._vault._append(type_, body)

    def add_created(self, uid: str, body: bytes, columns: tuple[Any, ...]) -> None:
        """Append an ``incident.created`` entry already encoded (``ledger.Encoder``), with its
        ``derived_columns``; ``check`` recomputes both from the ledger."""
        self._vault._append_created(uid, body, columns)


class Vault(Blobs, Queries):
    """An open vault.  Use it as a context manager; ``close`` closes the database."""

    def __init__(
        self, env: Env, conn: Any, settings: Settings, signer: Any, data_key: bytes | None = None
    ) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        self.env = env
        self.conn = conn
        self.settings = settings
        self._signer = signer
        self._data_key = data_key  # for copies of the database (backup)
        self._staging_ready = False  # the staging tables exist (see _begin_staging)
        self.public_key: bytes = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._compact: ledger.CompactRange | None = None
        self._encoder = ledger.Encoder()
        self._pending_entries: list[tuple[int, str, str, bytes, bytes]] = []
        self._pending_created: list[tuple[Any, ...]] = []
        self._changed_heads: dict[int, bytes] = {}  # index -> head leaf, in this write

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw Ed25519 public key: what a recipient checks out of band."""
        return hashlib.sha256(self.public_key).hexdigest()

    def sign(self, data: bytes) -> bytes:
        """A raw Ed25519 signature by the vault's key (for a bundle's tag manifest)."""
        return self._signer.sign(data)  # type: ignore[no-any-return]

    def public_pem(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        pem: bytes = self._signer.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode()

    # ----------------------------------------------------------------- writing

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction that ends with a new signed checkpoint, or with nothing at all."""
        self._begin()
        try:
            meta = dict(
                self.conn.execute(
                    "SELECT key, value FROM meta WHERE key IN "
                    "('tree_size', 'tree_range', 'heads_size', 'heads_root')"
                ).fetchall()
            )
            hashes = [bytes.fromhex(h) for h in json.loads(meta.get("tree_range", "[]"))]
            self._compact = ledger.CompactRange(int(meta.get("tree_size", 0)), hashes)
            # Entries of one transaction are recorded at one instant: the moment of the write.
            self._recorded_at = when.utc_stamp(self.env.now())
            self._encoder = ledger.Encoder()
            self._next_id = self.conn.execute(
                "SELECT coalesce(max(id), 0) + 1 FROM incidents"
            ).fetchone()[0]
            if "heads_root" in meta:
                heads_root = bytes.fromhex(meta["heads_root"])
            else:  # a vault of schema version 1: its first write builds the map of heads
                heads_root = self._build_heads()
            yield
            self._flush()
            compact = self._compact
            heads = self._update_heads(heads_root)
            checkpoint = ledger.Checkpoint(
                self.settings.origin, compact.size, compact.root(), heads
            )
            self.conn.execute(
                "INSERT INTO checkpoints (size, note) VALUES (?, ?)",
                (compact.size, ledger.sign_checkpoint(checkpoint, self._signer)),
            )
            self._set_meta(
                tree_size=str(compact.size),
                tree_range=json.dumps([h.hex() for h in compact.hashes]),
                heads_size=str(heads[0]),
                heads_root=heads[1].hex(),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self._compact = None
            self._pending_entries.clear()
            self._pending_created.clear()
            self._changed_heads.clear()

    # The map of heads (docs/DESIGN.md "The ledger"): leaf i commits to the latest entry of
    # the incident numbered i + 1.  A write records the heads it changes (``_changed_heads``)
    # and rewrites, at its end, each perfect subtree above them once.

    def _build_heads(self) -> bytes:
        """Migrate a vault of schema version 1: the map of heads of every incident as it
        stands, in one go; returns its root."""
        heads.create(self.conn)
        leaves = []
        rows = self.conn.execute("SELECT id, uid, seq, doc FROM incidents ORDER BY id").fetchall()
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            latest = [
                max([seq, *(c["seq"] for c in json.loads(doc)["amended"])]) if doc else seq
                for _id, _uid, seq, doc in part
            ]
            marks = ", ".join("?" * len(latest))
            found = dict(
                self.conn.execute(f"SELECT seq, leaf FROM entries WHERE seq IN ({marks})", latest)
            )
            leaves += [
                ledger.head_leaf(uid, seq, bytes(found[seq]))
                for (_id, uid, _seq, _doc), seq in zip(part, latest, strict=True)
            ]
        tree = ledger.MerkleTree(leaves)
        heads.write(
            self.conn,
            {(level, i): h for level, row in enumerate(tree.levels) for i, h in enumerate(row)},
        )
        self._set_meta(schema_version=str(SCHEMA_VERSION))
        return tree.root()

    def _update_heads(self, root: bytes) -> tuple[int, bytes]:
        """Store the heads this write changed; the map's size and new root."""
        count = self._next_id - 1
        if not self._changed_heads:
            return count, root
        try:
            nodes = ledger.updated_nodes(
                count, self._changed_heads, lambda level, i: heads.read(self.conn, level, i)
            )
        except KeyError:  # a sibling the stored map should have
            raise heads.damaged() from None
        heads.write(self.conn, nodes)
        return count, heads.root(self.conn, count, nodes)

    def heads_proofs(self, ids: Iterable[int]) -> tuple[int, dict[int, list[bytes]]]:
        """The map of heads' size and, for each incident number, the RFC 9162 inclusion proof
        of its head."""
        (count,) = self.conn.execute("SELECT value FROM meta WHERE key = 'heads_size'").fetchone()
        count = int(count)
        try:
            found = heads.proofs(self.conn, count, [i - 1 for i in ids])
        except KeyError:
            raise heads.damaged() from None
        return count, {index + 1: proof for index, proof in found.items()}

    def ensure_heads(self) -> None:
        """Make sure the latest checkpoint commits to the map of heads: a vault of schema
        version 1 that has not written since gets one entry saying it was upgraded."""
        if self.conn.execute("SELECT 1 FROM meta WHERE key = 'heads_root'").fetchone() is None:
            with self._write():
                self._append(ENTRY_VAULT_UPGRADED, {"schema": SCHEMA_VERSION})

    def rekey(self, data_key: bytes) -> None:
        """Re-encrypt every page with ``data_key`` (SQLCipher ``PRAGMA rekey``) inside one write
        transaction: no other blockwatch writes meanwhile, and a crash leaves the old key."""
        self._begin()
        try:
            self.conn.execute(f"PRAGMA rekey = \"x'{data_key.hex()}'\"")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def copy_database(self, target: Path) -> str:
        """A consistent copy of the database, still encrypted with the vault's key, into the
        new empty file ``target`` (SQLite's online backup API: others may write meanwhile, the
        copy is of one moment); returns the signed checkpoint note the copy ends with."""
        if self._data_key is None:
            raise RuntimeError("copy_database needs a vault opened with its key")
        import sqlcipher3

        copy = schema.connect_copy(target, self._data_key)
        try:
            self.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE").fetchone()  # one self-contained file
            row = copy.execute("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        except sqlcipher3.OperationalError:  # SQLite's "disk I/O error": full, removed, read-only
            raise OSError(0, _("the disk refused a write (full, read-only or removed?)")) from None
        finally:
            copy.close()
        with open(target, "rb+") as f:
            os.fsync(f.fileno())
        return str(row[0])

    def record_backup(self, size: int) -> None:
        """Remember that a backup holds the first ``size`` entries (for the reminder of
        ``log`` and ``import``): a setting of this computer, not evidence."""
        self._begin()
        try:
            self._set_meta(backed_up=f"{size} {when.utc_stamp(self.env.now())}")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def set_profile(self, values: Mapping[str, str]) -> None:
        """Store the applicant's details letters need (``blockwatch profile``): in the
        encrypted vault, outside the ledger, so that no bundle carries them."""
        self._begin()
        try:
            self._set_meta(profile=json.dumps(dict(values), ensure_ascii=False, sort_keys=True))
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def profile(self) -> dict[str, str]:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'profile'").fetchone()
        return {} if row is None else dict(json.loads(row[0]))

    def backed_up(self) -> int:
        """How many ledger entries the newest backup holds (0: none made from here)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'backed_up'").fetchone()
        return 0 if row is None else int(str(row[0]).split(" ")[0])

    def set_language(self, language: str | None) -> None:
        """The vault's language (None: follow --lang, BLOCKWATCH_LANG, the locale).  A setting
        of this computer's display, not evidence: it is not in the ledger."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self._set_meta(language=language or "")
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self.settings = dataclasses.replace(self.settings, language=language)

    def _rollback(self) -> None:
        """Undo the open transaction, if one is still open: a Ctrl-C that lands just after
        COMMIT must stay a Ctrl-C, not become "cannot rollback - no transaction is active"."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _begin(self) -> None:
        """Take the write lock, waiting while another process writes (an import) for up to
        BLOCKWATCH_BUSY_TIMEOUT seconds (default BUSY_SECONDS); then give up, writing nothing."""
        import sqlcipher3

        try:
            seconds = float(self.env.environ.get("BLOCKWATCH_BUSY_TIMEOUT") or BUSY_SECONDS)
        except ValueError:
            seconds = BUSY_SECONDS
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlcipher3.OperationalError as e:
            if "locked" not in str(e):  # SQLITE_BUSY: "database is locked"
                raise
        if self.env.on_busy is not None:  # say so before the wait, not after it
            self.env.on_busy(seconds)
        self.conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as e:
            if "locked" not in str(e):  # SQLITE_BUSY: "database is locked"
                raise
            raise VaultBusy(
                _("the vault is busy: another blockwatch is writing to it; nothing was written"),
                hint=_(
                    "try again when it has finished (an import of many records takes a "
                    "while); BLOCKWATCH_BUSY_TIMEOUT sets how many seconds to wait"
                ),
            ) from None

    def _set_meta(self, **values: str) -> None:
        self.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            values.items(),
        )

    def _append(self, type_: str, body: dict[str, Any]) -> int:
        if type_ == incidents.ENTRY_CREATED:
            encoded = self._encoder.encode(body)
            return self._append_created(body["uid"], encoded, derived_columns(body))
        views = [self._view_by_uid(body["uid"])] if "uid" in body else []
        changes = bool(views) and type_ in incidents.CHANGES
        if changes:
            body = {**body, "prev": self._last_entry(views[0])}
        seq, leaf = self._append_entry(type_, self._encoder.encode(body))
        if changes:
            self._changed_heads[views[0]["id"] - 1] = ledger.head_leaf(body["uid"], seq, leaf)
        view = incidents.Projection(views).apply(seq, type_, self._recorded_at, body)
        if view is not None:
            self._store_view(view)
        return seq

    def _last_entry(self, view: Incident) -> dict[str, Any]:
        """{"seq", "leaf"} of the incident's latest entry: what its next change names."""
        seq = max([view["seq"], *(change["seq"] for change in view["amended"])])
        self._flush()
        (leaf,) = self.conn.execute("SELECT leaf FROM entries WHERE seq = ?", (seq,)).fetchone()
        return {"seq": seq, "leaf": bytes(leaf).hex()}

    def _append_created(self, uid: str, body: bytes, columns: tuple[Any, ...]) -> int:
        """A new incident from its canonical body: the view is that body as it stands, so
        only its indexed columns (``derived_columns``) are stored."""
        seq, leaf = self._append_entry(incidents.ENTRY_CREATED, body)
        incident_id, self._next_id = self._next_id, self._next_id + 1
        self._pending_created.append((incident_id, uid, seq, *columns))
        self._changed_heads[incident_id - 1] = ledger.head_leaf(uid, seq, leaf)
        return seq

    def _append_entry(self, type_: str, body: bytes) -> tuple[int, bytes]:
        assert self._compact is not None, "entries are appended inside _write()"
        seq = self._compact.size
        entry = ledger.entry_from_body(seq, type_, self._recorded_at, body, ledger.new_salt())
        leaf = ledger.leaf_hash(entry)
        self._pending_entries.append((seq, type_, self._recorded_at, entry, leaf))
        self._compact.append(leaf)
        if len(self._pending_entries) >= _BATCH:
            self._flush()
        return seq, leaf

    def _flush(self) -> None:
        """Insert the rows appended since the last flush, many per statement."""
        self.conn.executemany(
            "INSERT INTO entries (seq, type, recorded_at, entry, leaf) VALUES (?, ?, ?, ?, ?)",
            self._pending_entries,
        )
        self.conn.executemany(
            "INSERT INTO incidents (id, uid, seq, kind, platform, occurred_utc, direction, "
            "origin, region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._pending_created,
        )
        self._pending_entries.clear()
        self._pending_created.clear()

    def _store_view(self, view: Incident) -> None:
        self._flush()
        self.conn.execute(
            "UPDATE incidents SET platform = ?, occurred_utc = ?, direction = ?, origin = ?, "
            "region = ?, doc = ? WHERE id = ?",
            (*derived_columns(view)[1:], json.dumps(view), view["id"]),
        )

    def _attach(self, uid: str, attachments: Iterable[Attachment]) -> None:
        """Store files and append an ``attachment.added`` entry for each (inside a write)."""
        for attachment in attachments:
            self._store_blob(attachment)
            self._append(
                incidents.ENTRY_ATTACHMENT, {"uid": uid, "attachment": attachment.describe()}
            )

    def add_incident(
        self, body: dict[str, Any], attachments: Iterable[Attachment] = ()
    ) -> Incident:
        """Record one new incident (the body from ``incidents.new_incident``)."""
        attachments = list(attachments)
        body = {**body, "attachments": [a.describe() for a in attachments]}
        with self._write():
            for attachment in attachments:
                self._store_blob(attachment)
            self._append(incidents.ENTRY_CREATED, body)
        return self._view_by_uid(body["uid"])

    def record_status(
        self, incident_id: int, body: dict[str, Any], attachments: Iterable[Attachment] = ()
    ) -> Incident:
        with self._write():
            self._append(incidents.ENTRY_STATUS, body)
            self._attach(body["uid"], attachments)
        return self.incident(incident_id)

    def record_calendar_day(self, type_: str, body: dict[str, Any]) -> int:
        """Append a ``calendar.day_off`` or ``calendar.working_day`` entry."""
        if type_ not in (ENTRY_CALENDAR_DAY_OFF, ENTRY_CALENDAR_WORKING_DAY):
            raise ValueError(type_)
        with self._write():
            return self._append(type_, body)

    def calendar_days(self) -> tuple[dict[str, str], dict[str, str]]:
        """The days the user set: ({date: note} off, {date: note} working), the last word
        on each date winning."""
        off: dict[str, str] = {}
        working: dict[str, str] = {}
        rows = self.conn.execute(
            "SELECT type, entry FROM entries WHERE type IN (?, ?) ORDER BY seq",
            (ENTRY_CALENDAR_DAY_OFF, ENTRY_CALENDAR_WORKING_DAY),
        )
        for type_, entry in rows:
            body = json.loads(entry)["body"]
            mine, other = (off, working) if type_ == ENTRY_CALENDAR_DAY_OFF else (working, off)
            mine[body["date"]] = body.get("note") or ""
            other.pop(body["date"], None)
        return off, working

    def record_disclosure(self, body: dict[str, Any]) -> int:
        """Append a ``bundle.exported`` entry: the record of a bundle handed out."""
        with self._write():
            return self._append(ENTRY_BUNDLE_EXPORTED, body)

    def share_checkpoint(self, to: str | None, since: int | None = None) -> str:
        """The latest signed checkpoint, for a witness to keep; the ledger records that it was
        given (its size and root, and to whom), so that every later bundle carries the proof
        that its ledger extends it.  When the witness holds an earlier one (``since``, else
        the last one given to the same ``to``), the text is a C2SP tlog-witness add-checkpoint
        body: ``old <size>``, the consistency proof from it, a blank line, the note."""
        self.ensure_heads()
        note = self.latest_checkpoint()
        point = ledger.open_checkpoint(note, self.settings.origin, self.public_key)
        if since is None and to is not None:
            named = [
                b["size"]
                for _s, _at, b in self.entries_of_type(ENTRY_CHECKPOINT_SHARED)
                if b.get("to") == to
            ]
            since = max(named, default=None)
        if since is not None and not 0 < since <= point.size:
            raise InputError(
                _("--since {since}: the ledger has {size} entries").format(
                    since=since, size=point.size
                ),
                hint=_("give the size on the second line of the checkpoint the witness holds"),
            )
        with self._write():
            self._append(
                ENTRY_CHECKPOINT_SHARED,
                {"size": point.size, "root": base64.b64encode(point.root).decode(), "to": to},
            )
        if since is None or since == point.size:
            return note
        leaves = [leaf for *_rest, leaf in self.entries()][: point.size]
        proof = ledger.MerkleTree(leaves).consistency_proof(since)
        return ledger.request_text(note, since, proof)

    def record_cosignature(self, text: str, witness_key: str) -> tuple[ledger.Checkpoint, int]:
        """Store a witness's cosignature (C2SP tlog-cosignature v1) of one of this vault's
        checkpoints: the note must be this vault's own checkpoint of its size, and the
        cosignature valid for ``witness_key``.  Returns the checkpoint and the witness's time."""
        name, key = ledger.verifier_key_option(witness_key, ledger.COSIGNER_KEY, "--witness-key")
        point = ledger.open_checkpoint(text, self.settings.origin, self.public_key)
        own = dict(self.checkpoints()).get(point.size)
        if own is None or ledger.note_text(own) != ledger.note_text(text):
            raise VerificationFailed(
                _("the cosigned checkpoint of size {size} is not this vault's").format(
                    size=point.size
                )
            )
        at = ledger.open_cosignature(text, name, key)
        with self._write():
            self._append(
                ENTRY_CHECKPOINT_COSIGNED,
                {
                    "size": point.size,
                    "root": base64.b64encode(point.root).decode(),
                    "note": text,
                    "witness": witness_key.strip(),
                    "time": at,
                },
            )
        return point, at

    def record_timestamps(self, size: int, note: str, stamps: Iterable[Any]) -> None:
        """Store verified RFC 3161 tokens (``timestamps.Stamp``) over the checkpoint of
        ``size`` (the note they vouch for), and remember the newest for ``pending_since``."""
        point = ledger.open_checkpoint(note, self.settings.origin, self.public_key)
        if point.size != size:
            raise ValueError("the note is not the checkpoint of that size")
        stamps = list(stamps)
        with self._write():
            for stamp in stamps:
                self._append(ENTRY_CHECKPOINT_TIMESTAMPED, stamp.body(size, point.root, note))
            newest = max(stamp.gen_time for stamp in stamps)
            self._set_meta(timestamped=f"{size} {when.utc_stamp(newest)}")

    def timestamped(self) -> tuple[int, str | None]:
        """(size, authority's time) of the newest time-stamped checkpoint; (0, None): none."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'timestamped'").fetchone()
        if row is None:
            return 0, None
        size, at = str(row[0]).split(" ")
        return int(size), at

    def unstamped_since(self) -> str | None:
        """When the oldest entry no time stamp covers was recorded (None: all are covered)."""
        return self.uncovered_since(self.timestamped()[0])

    def uncovered_since(self, size: int) -> str | None:
        """When the oldest entry after the first ``size`` was recorded, entries about the
        ledger itself aside; None when there is none.  Costs one indexed lookup."""
        marks = ",".join("?" * len(LEDGER_ENTRIES))
        row = self.conn.execute(
            f"SELECT recorded_at FROM entries WHERE seq >= ? AND type NOT IN ({marks}) "
            "ORDER BY seq LIMIT 1",
            (size, *LEDGER_ENTRIES),
        ).fetchone()
        return None if row is None else str(row[0])

    # An import in the making (importing.import_file): its records, read, checked and encoded,
    # wait in ``staging`` — inside the encrypted database, written in short transactions so
    # that other writes go on meanwhile — until one write moves them all into the ledger.

    def _begin_staging(self) -> None:
        """In the first staging write of this process: the staging tables exist, and what an
        import killed long ago left there is dropped.  (Nothing is written before the first
        record is ready: a file refused at once leaves the vault's bytes as they were.)"""
        if self._staging_ready:
            return
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS staging (job TEXT NOT NULL, n INTEGER NOT NULL, "
            "uid TEXT NOT NULL, body BLOB NOT NULL, columns TEXT NOT NULL, "
            "started TEXT NOT NULL, PRIMARY KEY (job, n)) WITHOUT ROWID"
        )
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS staging_files (job TEXT NOT NULL, "
            "sha256 TEXT NOT NULL, size INTEGER NOT NULL, chunks INTEGER NOT NULL, "
            "started TEXT NOT NULL, PRIMARY KEY (job, sha256)) WITHOUT ROWID"
        )
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS staging_chunks (job TEXT NOT NULL, "
            "sha256 TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, "
            "started TEXT NOT NULL, PRIMARY KEY (job, sha256, n))"
        )
        stale = when.utc_stamp(self.env.now() - STALE_STAGING)
        for table in _STAGING:
            self.conn.execute(f"DELETE FROM {table} WHERE started < ?", (stale,))

    def stage(self, job: str, records: Iterable[tuple[str, bytes, tuple[Any, ...]]]) -> None:
        """Stage an import's records (uid, canonical body, indexed columns), in order."""
        started = when.utc_stamp(self.env.now())
        batch: list[tuple[Any, ...]] = []
        for n, (uid, body, columns) in enumerate(records):
            batch.append((job, n, uid, body, json.dumps(columns), started))
            if len(batch) >= _BATCH:
                self._insert("staging", batch)
                batch = []
        self._insert("staging", batch)

    def _insert(self, table: str, *rows_of: list[tuple[Any, ...]]) -> None:
        """One short write of staged rows (into ``table``, then ``staging_files``)."""
        self._begin()
        try:
            self._begin_staging()
            for name, rows in zip((table, "staging_files"), rows_of, strict=False):
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    self.conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            self.conn.execute("COMMIT")
            self._staging_ready = True
        except BaseException:
            self._rollback()
            raise

    def stage_file(
        self, job: str, name: str, size: int, read: Callable[[], Iterable[bytes]]
    ) -> incidents.Attachment:
        """Stage a file an imported record carries (WhatsApp media), read twice: once to hash
        it, once to copy it, a few chunks per short transaction; the import's last write moves
        it into the vault (``move_staged_files``).  Returns its description."""
        digest = hashlib.sha256()
        for chunk in read():
            digest.update(chunk)
        sha = digest.hexdigest()
        staged = (
            self._staging_ready
            and self.conn.execute(
                "SELECT 1 FROM staging_files WHERE job = ? AND sha256 = ?", (job, sha)
            ).fetchone()
        )
        if not staged and not self._has_blob(sha):
            started = when.utc_stamp(self.env.now())
            check = Rehash()
            rows: list[tuple[Any, ...]] = []
            for n, piece in enumerate(check.pieces(read())):
                rows.append((job, sha, n, piece, started))
                if len(rows) >= _FILE_CHUNKS_PER_WRITE:
                    self._insert("staging_chunks", rows)
                    rows = []
            if not check.matches(sha, size):
                raise InputError(_("{name} changed while it was being stored").format(name=name))
            chunks = -(-size // CHUNK_BYTES)
            self._insert("staging_chunks", rows, [(job, sha, size, chunks, started)])
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return {"sha256": sha, "name": name, "size": size, "media_type": media_type}

    def move_staged_files(self, job: str) -> None:
        """Inside the import's last write: the files it staged become the vault's, in SQL
        alone (those another write stored meanwhile are left as they are)."""
        fresh = "FROM staging_files WHERE job = ? AND sha256 NOT IN (SELECT sha256 FROM blobs)"
        self.conn.execute(
            f"INSERT INTO blobs (sha256, size, chunks) SELECT sha256, size, chunks {fresh} "
            "ORDER BY sha256",
            (job,),
        )
        self.conn.execute(
            "INSERT INTO chunks (sha256, n, data) SELECT c.sha256, c.n, c.data "
            "FROM staging_chunks c JOIN staging_files f ON f.job = c.job AND f.sha256 = c.sha256 "
            "WHERE c.job = ? AND NOT EXISTS "
            "(SELECT 1 FROM chunks k WHERE k.sha256 = c.sha256 AND k.n = c.n) "
            "ORDER BY c.sha256, c.n",
            (job,),
        )

    def staged(self, job: str) -> Iterator[tuple[str, bytes, tuple[Any, ...]]]:
        for uid, body, columns in self.conn.execute(
            "SELECT uid, body, columns FROM staging WHERE job = ? ORDER BY n", (job,)
        ):
            yield uid, bytes(body), tuple(json.loads(columns))

    def staged_present(self, job: str) -> set[str]:
        """The staged uids another write put in the vault since they were read."""
        return {
            uid
            for (uid,) in self.conn.execute(
                "SELECT s.uid FROM staging s JOIN incidents i ON i.uid = s.uid WHERE s.job = ?",
                (job,),
            )
        }

    def discard_staged(self, job: str) -> None:
        """Best effort, once the import is written or has failed: drop what it staged, a few
        thousand rows (or a few files' chunks) per short transaction, giving up at once when
        another process writes (a later import drops leftovers once they are a day old)."""
        import sqlcipher3

        with contextlib.suppress(sqlcipher3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.execute("PRAGMA busy_timeout = 0")
            for table, key, per_write in (
                ("staging", "n", 5 * _BATCH),
                ("staging_chunks", "rowid", _FILE_CHUNKS_PER_WRITE),
                ("staging_files", "sha256", 5 * _BATCH),
            ):
                while True:
                    self.conn.execute("BEGIN IMMEDIATE")  # busy: OperationalError, given up
                    try:
                        gone = self.conn.execute(
                            f"DELETE FROM {table} WHERE job = ? AND {key} IN "
                            f"(SELECT {key} FROM {table} WHERE job = ? LIMIT ?)",
                            (job, job, per_write),
                        ).rowcount
                        self.conn.execute("COMMIT")
                    except BaseException:
                        self._rollback()
                        raise
                    if gone < per_write:
                        break

    @contextmanager
    def bulk(self) -> Iterator[Bulk]:
        """One transaction for many records (an imported file): all of them or none."""
        with self._write():
            yield Bulk(self)

    def amend(
        self,
        incident_id: int,
        changes: dict[str, Any],
        why: str | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> Incident:
        """Append an amendment (and/or attachments); the original entry stays as it was."""
        attachments = list(attachments)
        current = self.incident(incident_id)
        body = incidents.amendment(current, changes, why) if changes or not attachments else None
        with self._write():
            if body is not None:
                self._append(incidents.ENTRY_AMENDED, body)
            self._attach(current["uid"], attachments)
        return self.incident(incident_id)
