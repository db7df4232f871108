"""The vault: a directory holding an SQLCipher 4 database and its key slots.

Layout (docs/DESIGN.md "The vault"), schema version 1::

    <vault>/            0700
      vault.db          0600  SQLCipher 4, raw 256-bit key, 16 KiB pages, WAL, synchronous=FULL
      vault.db-wal/-shm 0600  (SQLite gives them the database file's mode)
      keyslots.json     0600  see keyslots.py

Tables: ``meta`` (settings, signing key, the tree's compact range), ``entries`` (the ledger:
canonical bytes and leaf hash, append-only by trigger), ``checkpoints`` (one signed note per
committed write, append-only), ``incidents`` (the projection of the ledger, rebuilt by
``check``), ``blobs``/``chunks`` (attachments, content-addressed by SHA-256, 1 MiB chunks).

Every write is one ``BEGIN IMMEDIATE`` transaction that appends entries, updates the
projection and stores the new signed checkpoint: it lands whole or not at all.  This module
holds all of blockwatch's SQL.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import mimetypes
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from blockwatch import incidents, ledger, stats, when
from blockwatch.env import Env
from blockwatch.errors import BlockwatchError, InputError, NotFound, VaultCorrupt
from blockwatch.i18n import _
from blockwatch.incidents import Incident
from blockwatch.vault import keyslots

SCHEMA_VERSION = 1
DB_NAME = "vault.db"
SLOTS_NAME = "keyslots.json"
CHUNK_BYTES = 1024 * 1024
# SQLCipher pages of 16 KiB instead of 4 KiB: a third fewer page encryptions and HMACs for
# an import (bench/import_calls.py).  Not stored in the file: every open sets it.
PAGE_BYTES = 16384
ENTRY_VAULT_CREATED = "vault.created"

_APPEND_ONLY = ("entries", "checkpoints", "blobs", "chunks")
_BATCH = 2000  # ledger rows inserted per statement


@dataclass(frozen=True)
class Settings:
    vault_id: str
    origin: str
    home_region: str
    timezone: str
    language: str | None = None  # messages and documents; None: --lang, BLOCKWATCH_LANG, locale


@dataclass(frozen=True)
class Attachment:
    """A file to store, hashed once before the write transaction starts."""

    path: Path
    name: str
    sha256: str
    size: int
    media_type: str

    def describe(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "name": self.name,
            "size": self.size,
            "media_type": self.media_type,
        }


def read_attachment(path: Path) -> Attachment:
    """Hash a file the user named; a missing or unreadable file is a clear input error."""
    try:
        if not path.is_file():
            raise InputError(
                (
                    _("attachment {path} is not a file")
                    if path.exists()
                    else _("attachment {path} does not exist")
                ).format(path=repr(str(path))),
                hint=_("check the path given to --attach"),
            )
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise InputError(
            _("cannot read attachment {path!r}: {reason}").format(path=str(path), reason=e.strerror)
        ) from None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(path, path.name, digest.hexdigest(), size, media_type)


def exists(directory: Path) -> bool:
    return (directory / DB_NAME).exists() or (directory / SLOTS_NAME).exists()


def ensure_absent(directory: Path) -> None:
    if exists(directory):
        raise InputError(
            _("a vault already exists at {path}").format(path=directory),
            hint=_("blockwatch never overwrites a vault; choose another --vault directory"),
        )


def require(directory: Path) -> None:
    """Fail early, before asking for a passphrase, when there is no vault."""
    if not exists(directory):
        raise NotFound(
            _("no vault at {path}").format(path=directory),
            hint=_(
                "create one with 'blockwatch init' (or point --vault / BLOCKWATCH_VAULT at yours)"
            ),
        )


# --------------------------------------------------------------------------- connection


def _connect(db_path: Path, data_key: bytes, *, new: bool = False) -> Any:
    import sqlcipher3

    hint = "the file is damaged or truncated; restore the vault directory from a backup"
    if not new:
        # SQLite treats an empty file as a new database and would write to it: refuse first.
        try:
            size = db_path.stat().st_size
        except FileNotFoundError:
            raise VaultCorrupt(
                _("{db_path} is missing").format(db_path=db_path), hint=hint
            ) from None
        if size == 0:
            raise VaultCorrupt(_("{db_path} is empty (0 bytes)").format(db_path=db_path), hint=hint)
    uri = db_path.resolve().as_uri() + ("?mode=rw" if not new else "")
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, timeout=30)
    try:
        # Logging off before the key: a damaged page must not print to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_BYTES}")
        conn.execute("PRAGMA temp_store = MEMORY")
        # 16 MiB of page cache (SQLite's default is 2 MiB), used only as needed: an import's
        # inserts into the uid index land in random places, and a small cache would encrypt
        # and write the same pages many times.
        conn.execute("PRAGMA cache_size = -16384")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
    except sqlcipher3.DatabaseError as e:
        conn.close()
        raise VaultCorrupt(
            _("{db_path} cannot be read: {e}").format(db_path=db_path, e=e), hint=hint
        ) from None
    return conn


def _create_schema(conn: Any) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("entries").create(
        {"seq": int, "type": str, "recorded_at": str, "entry": bytes, "leaf": bytes},
        pk="seq",
        not_null={"type", "recorded_at", "entry", "leaf"},
    )
    db.table("checkpoints").create({"size": int, "note": str}, pk="size", not_null={"note"})
    # ``seq`` is the entry that created the incident.  ``doc`` is the incident once entries
    # have changed it; until then it is NULL and the view is that entry's body (an import
    # stores each record once, not twice).  The other columns are derived from the view for
    # selection and statistics (``check`` recomputes them); the covering index lets ``stats``
    # read 100,000 incidents without decrypting their documents.
    db.table("incidents").create(
        {
            "id": int,
            "uid": str,
            "seq": int,
            "kind": str,
            "platform": str,
            "occurred_utc": str,
            "direction": str,
            "origin": str,
            "region": str,
            "doc": str,
        },
        pk="id",
        not_null={"uid", "seq", "kind", "occurred_utc", "origin"},
    )
    db.table("incidents").create_index(["uid"], unique=True)
    db.table("incidents").create_index(
        ["occurred_utc", "id", "kind", "platform", "direction", "origin", "region"],
        index_name="incidents_summary",
    )
    db.table("blobs").create({"sha256": str, "size": int, "chunks": int}, pk="sha256")
    db.table("chunks").create(
        {"sha256": str, "n": int, "data": bytes},
        pk=("sha256", "n"),
        foreign_keys=[("sha256", "blobs", "sha256")],
    )
    for table in _APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )


# --------------------------------------------------------------------------- create / open


def create(
    env: Env, passphrase: str, *, home_region: str, timezone: str, language: str | None = None
) -> tuple[Vault, str]:
    """Create a new vault at ``env.vault_dir``; return it and the recovery code (shown once)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    directory = env.vault_dir
    ensure_absent(directory)
    passphrase = keyslots.check_new_passphrase(passphrase)
    when.zone(timezone)
    home_region = _region(home_region)
    created_dir = not directory.exists()
    if created_dir:
        directory.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(directory, 0o700)
    elif any(directory.iterdir()):
        raise InputError(
            _("{directory} is not empty").format(directory=directory),
            hint=_("choose a new or empty directory for the vault"),
        )
    db_path = directory / DB_NAME
    try:
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        data_key = secrets.token_bytes(keyslots.KEY_BYTES)
        vault_id = secrets.token_hex(16)
        settings = Settings(vault_id, f"blockwatch/{vault_id}", home_region, timezone, language)
        conn = _connect(db_path, data_key, new=True)
        _create_schema(conn)
        signer = Ed25519PrivateKey.generate()
        vault = Vault(env, conn, settings, signer)
        with vault._write():
            vault._set_meta(
                schema_version=str(SCHEMA_VERSION),
                vault_id=vault_id,
                origin=settings.origin,
                home_region=home_region,
                timezone=timezone,
                language=language or "",
                signing_key=base64.b64encode(_raw_private(signer)).decode(),
            )
            vault._append(
                ENTRY_VAULT_CREATED,
                {
                    "vault_id": vault_id,
                    "origin": settings.origin,
                    "home_region": home_region,
                    "timezone": timezone,
                    "signer": base64.b64encode(vault.public_key).decode(),
                },
            )
        slot = keyslots.passphrase_slot(vault_id, data_key, passphrase, env.kdf)
        recovery, code = keyslots.recovery_slot(vault_id, data_key)
        keyslots.save(directory / SLOTS_NAME, keyslots.new_document(vault_id, [slot, recovery]))
    except BaseException:
        if created_dir:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", SLOTS_NAME):
                (directory / name).unlink(missing_ok=True)
        raise
    return vault, code


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


def _region(code: str) -> str:
    import phonenumbers

    region = code.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError(
            _("{code!r} is not a region code").format(code=code),
            hint=_("use a two-letter code such as KZ, RU, GB"),
        )
    return region


def _raw_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())  # type: ignore[no-any-return]


def open_with_key(env: Env, data_key: bytes) -> Vault:
    import sqlcipher3

    conn = _connect(env.vault_dir / DB_NAME, data_key)
    try:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlcipher3.DatabaseError as e:
            raise VaultCorrupt(
                _("{db_path} holds no blockwatch settings: {e}").format(
                    db_path=env.vault_dir / DB_NAME, e=e
                ),
                hint=_("restore the vault directory from a backup"),
            ) from None
        version = meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise VaultCorrupt(
                _("vault schema version {version!r} is not supported by this blockwatch").format(
                    version=version
                ),
                hint=_("a newer blockwatch made this vault: upgrade blockwatch"),
            )
        settings = Settings(
            _setting(meta, "vault_id"),
            _setting(meta, "origin"),
            _setting(meta, "home_region"),
            _setting(meta, "timezone"),
            meta.get("language") or None,
        )
        signer = _signing_key(_setting(meta, "signing_key"))
    except BlockwatchError:
        conn.close()
        raise
    return Vault(env, conn, settings, signer)


def _setting(meta: dict[str, str], name: str) -> str:
    if not meta.get(name):
        raise VaultCorrupt(
            _("the vault setting {name!r} is missing").format(name=name),
            hint=_("restore the vault directory from a backup"),
        )
    return meta[name]


def _signing_key(text: str) -> Any:
    """The Ed25519 key from its base64 text in ``meta``; damage is VaultCorrupt, not a bug."""
    import binascii

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise VaultCorrupt(
            _("the vault's signing key is damaged"),
            hint=_("restore the vault directory from a backup"),
        ) from None


def unlock(env: Env, passphrase: str) -> Vault:
    doc = keyslots.load(env.vault_dir / SLOTS_NAME)
    return _checked_open(env, doc, keyslots.unlock_with_passphrase(doc, passphrase))


def _checked_open(env: Env, doc: dict[str, Any], data_key: bytes) -> Vault:
    vault = open_with_key(env, data_key)
    if vault.settings.vault_id != doc["vault_id"]:
        vault.close()
        raise VaultCorrupt(_("keyslots.json belongs to another vault than vault.db"))
    return vault


def change_passphrase(env: Env, old: str, new: str) -> None:
    """Rewrite the passphrase slot; the database is not touched."""
    path = env.vault_dir / SLOTS_NAME
    doc = keyslots.load(path)
    data_key = keyslots.unlock_with_passphrase(doc, old)
    _rewrap(env, doc, data_key, new)


def recover(env: Env, code: str, new: str) -> None:
    """Open the data key with the recovery code and set a new passphrase."""
    path = env.vault_dir / SLOTS_NAME
    doc = keyslots.load(path)
    data_key = keyslots.unlock_with_recovery(doc, code)
    _checked_open(env, doc, data_key).close()
    _rewrap(env, doc, data_key, new)


def _rewrap(env: Env, doc: dict[str, Any], data_key: bytes, new: str) -> None:
    new = keyslots.check_new_passphrase(new)
    slot = keyslots.passphrase_slot(doc["vault_id"], data_key, new, env.kdf)
    keyslots.save(env.vault_dir / SLOTS_NAME, keyslots.replace_slot(doc, slot))


# --------------------------------------------------------------------------- the vault


class Bulk:
    """The records of one write: ``add`` appends entries, ``share`` marks repeated values."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self.share = vault._encoder.share

    def add(self, type_: str, body: dict[str, Any], media: Iterable[Any] = ()) -> None:
        """Append an entry; ``media`` (files with ``name``, ``size``, ``read``) are stored first."""
        vault = self._vault
        described = [vault._store_stream(m.name, m.size, m.read) for m in media]
        if described:
            body = {**body, "attachments": [*body.get("attachments", []), *described]}
        vault._append(type_, body)

    def add_created(self, uid: str, body: bytes, columns: tuple[Any, ...]) -> None:
        """Append an ``incident.created`` entry already encoded (``ledger.Encoder``), with its
        ``derived_columns``; ``check`` recomputes both from the ledger."""
        self._vault._append_created(uid, body, columns)


@dataclass(frozen=True)
class Filter:
    kinds: Sequence[str] = ()
    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: Sequence[int] = ()


class Vault:
    def __init__(self, env: Env, conn: Any, settings: Settings, signer: Any) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        self.env = env
        self.conn = conn
        self.settings = settings
        self._signer = signer
        self.public_key: bytes = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._compact: ledger.CompactRange | None = None
        self._encoder = ledger.Encoder()
        self._pending_entries: list[tuple[int, str, str, bytes, bytes]] = []
        self._pending_created: list[tuple[Any, ...]] = []

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
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            meta = dict(
                self.conn.execute(
                    "SELECT key, value FROM meta WHERE key IN ('tree_size', 'tree_range')"
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
            yield
            self._flush()
            compact = self._compact
            checkpoint = ledger.Checkpoint(self.settings.origin, compact.size, compact.root())
            self.conn.execute(
                "INSERT INTO checkpoints (size, note) VALUES (?, ?)",
                (compact.size, ledger.sign_checkpoint(checkpoint, self._signer)),
            )
            self._set_meta(
                tree_size=str(compact.size),
                tree_range=json.dumps([h.hex() for h in compact.hashes]),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._compact = None
            self._pending_entries.clear()
            self._pending_created.clear()

    def set_language(self, language: str | None) -> None:
        """The vault's language (None: follow --lang, BLOCKWATCH_LANG, the locale).  A setting
        of this computer's display, not evidence: it is not in the ledger."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self._set_meta(language=language or "")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.settings = dataclasses.replace(self.settings, language=language)

    def _set_meta(self, **values: str) -> None:
        self.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            values.items(),
        )

    def _append(self, type_: str, body: dict[str, Any]) -> int:
        encoded = self._encoder.encode(body)
        if type_ == incidents.ENTRY_CREATED:
            return self._append_created(body["uid"], encoded, derived_columns(body))
        seq = self._append_entry(type_, encoded)
        views = [self._view_by_uid(body["uid"])] if "uid" in body else []
        view = incidents.Projection(views).apply(seq, type_, self._recorded_at, body)
        if view is not None:
            self._store_view(view)
        return seq

    def _append_created(self, uid: str, body: bytes, columns: tuple[Any, ...]) -> int:
        """A new incident from its canonical body: the view is that body as it stands, so
        only its indexed columns (``derived_columns``) are stored."""
        seq = self._append_entry(incidents.ENTRY_CREATED, body)
        incident_id, self._next_id = self._next_id, self._next_id + 1
        self._pending_created.append((incident_id, uid, seq, *columns))
        return seq

    def _append_entry(self, type_: str, body: bytes) -> int:
        assert self._compact is not None, "entries are appended inside _write()"
        seq = self._compact.size
        entry = ledger.entry_from_body(seq, type_, self._recorded_at, body)
        leaf = ledger.leaf_hash(entry)
        self._pending_entries.append((seq, type_, self._recorded_at, entry, leaf))
        self._compact.append(leaf)
        if len(self._pending_entries) >= _BATCH:
            self._flush()
        return seq

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

    def _store_blob(self, attachment: Attachment) -> None:
        """Copy a file the user named into the vault (hashed before the write began)."""
        if self._has_blob(attachment.sha256):
            return
        try:
            with open(attachment.path, "rb") as f:
                intact = self._copy_blob(
                    attachment.sha256, attachment.size, iter(lambda: f.read(CHUNK_BYTES), b"")
                )
        except OSError as e:
            raise InputError(
                _("cannot read attachment {path!r}: {reason}").format(
                    path=str(attachment.path), reason=e.strerror
                )
            ) from None
        if not intact:
            raise InputError(
                _("attachment {path!r} changed while it was being stored").format(
                    path=str(attachment.path)
                ),
                hint=_("wait until nothing is writing the file, then log again"),
            )

    def _has_blob(self, sha256: str) -> bool:
        return bool(self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone())

    def _copy_blob(self, sha256: str, size: int, chunks: Iterable[bytes]) -> bool:
        """Store ``chunks`` as blob ``sha256`` in pieces of ``CHUNK_BYTES``, re-hashing them
        on the way; False when they were not ``size`` bytes with that hash."""
        self.conn.execute(
            "INSERT INTO blobs (sha256, size, chunks) VALUES (?, ?, ?)",
            (sha256, size, -(-size // CHUNK_BYTES)),
        )
        insert = "INSERT INTO chunks (sha256, n, data) VALUES (?, ?, ?)"
        digest, n, length, pending = hashlib.sha256(), 0, 0, b""
        for chunk in chunks:
            digest.update(chunk)
            length += len(chunk)
            pending = pending + chunk if pending else chunk  # no copy when chunks line up
            while len(pending) >= CHUNK_BYTES:
                self.conn.execute(insert, (sha256, n, pending[:CHUNK_BYTES]))
                pending, n = pending[CHUNK_BYTES:], n + 1
        if pending:
            self.conn.execute(insert, (sha256, n, pending))
        return digest.hexdigest() == sha256 and length == size

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

    def known_uids(self) -> set[str]:
        return {uid for (uid,) in self.conn.execute("SELECT uid FROM incidents")}

    @contextmanager
    def bulk(self) -> Iterator[Bulk]:
        """One transaction for many records (an imported file): all of them or none."""
        with self._write():
            yield Bulk(self)

    def _store_stream(
        self, name: str, size: int, read: Callable[[], Iterable[bytes]]
    ) -> incidents.Attachment:
        """Store a file from a stream read twice: once to hash it, once to copy it."""
        digest = hashlib.sha256()
        for chunk in read():
            digest.update(chunk)
        sha = digest.hexdigest()
        if not self._has_blob(sha) and not self._copy_blob(sha, size, read()):
            raise InputError(_("{name} changed while it was being stored").format(name=name))
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return {"sha256": sha, "name": name, "size": size, "media_type": media_type}

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

    # ----------------------------------------------------------------- reading

    # An incident's view: its ``doc``, or (never changed) the body of the entry that created it.
    _VIEW = "incidents.id, incidents.seq, doc, CASE WHEN doc IS NULL THEN entry END, recorded_at"
    _VIEW_FROM = "incidents JOIN entries ON entries.seq = incidents.seq"

    @staticmethod
    def _view(row: tuple[int, int, str | None, bytes | None, str]) -> Incident:
        incident_id, seq, doc, entry, recorded_at = row
        if doc is not None:
            return cast(Incident, json.loads(doc))
        view: dict[str, Any] = json.loads(entry)["body"]  # type: ignore[arg-type]
        view.update(amended=[], id=incident_id, recorded_at=recorded_at, seq=seq)
        return cast(Incident, view)

    def _one(self, where: str, value: Any) -> Incident | None:
        row = self.conn.execute(
            f"SELECT {self._VIEW} FROM {self._VIEW_FROM} WHERE {where}", (value,)
        ).fetchone()
        return None if row is None else self._view(row)

    def _view_by_uid(self, uid: str) -> Incident:
        view = self._one("uid = ?", uid)
        if view is None:
            raise VaultCorrupt(
                _("incident {uid} is in the ledger but not in the projection").format(uid=uid)
            )
        return view

    def incident(self, incident_id: int) -> Incident:
        view = self._one("id = ?", incident_id)
        if view is None:
            raise NotFound(
                _("there is no incident {id}").format(id=incident_id),
                hint=_("'blockwatch list' shows the ids"),
            )
        return view

    def incidents(self, where: Filter = Filter()) -> list[Incident]:
        """Incidents matching ``where``, oldest first (by when they occurred)."""
        sql, params = self._select(self._VIEW, where, self._VIEW_FROM)
        return [self._view(row) for row in self.conn.execute(sql, params)]

    # The fields ``stats.summarize`` reads, extracted by SQLite's JSON functions: decoding
    # 100,000 whole documents in Python would cost more than the statistics themselves.
    def summary_rows(self, where: Filter = Filter()) -> tuple[list[Any], dict[int, Any]]:
        """What ``stats.summarize_rows`` reads: the rows, from the covering index (no document
        is decrypted), and the details of the appeals among them."""
        sql, params = self._select(
            "id, kind, platform, occurred_utc, direction, origin, region", where
        )
        rows = self.conn.execute(sql, params).fetchall()
        appeals = {row[0]: self.incident(row[0])["details"] for row in rows if row[1] == "appeal"}
        return rows, appeals

    def projection_columns(self) -> dict[str, tuple[Any, ...]]:
        return {
            uid: tuple(cols)
            for uid, *cols in self.conn.execute(
                "SELECT uid, kind, platform, occurred_utc, direction, origin, region FROM incidents"
            )
        }

    def _select(
        self, columns: str, where: Filter, source: str = "incidents"
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if where.kinds:
            clauses.append(f"kind IN ({', '.join('?' * len(where.kinds))})")
            params += list(where.kinds)
        if where.platform:
            clauses.append("platform = ?")
            params.append(where.platform)
        if where.since:
            clauses.append("occurred_utc >= ?")
            params.append(when.utc_stamp(where.since))
        if where.until:
            clauses.append("occurred_utc <= ?")
            params.append(when.utc_stamp(where.until))
        if where.ids:
            clauses.append(f"incidents.id IN ({', '.join('?' * len(where.ids))})")
            params += list(where.ids)
        sql = f"SELECT {columns} FROM {source}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return sql + " ORDER BY occurred_utc, incidents.id", params

    def blob(self, sha256: str) -> Iterator[bytes]:
        """The chunks of one stored attachment, in order (bounded memory)."""
        if not self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone():
            raise VaultCorrupt(
                _("attachment {sha256} is missing from the vault").format(sha256=sha256)
            )
        n = 0
        while True:
            row = self.conn.execute(
                "SELECT data FROM chunks WHERE sha256 = ? AND n = ?", (sha256, n)
            ).fetchone()
            if row is None:
                return
            yield row[0]
            n += 1

    def entries(self) -> Iterator[tuple[int, str, str, bytes, bytes]]:
        """Every ledger entry: (seq, type, recorded_at, canonical bytes, stored leaf hash)."""
        yield from self.conn.execute(
            "SELECT seq, type, recorded_at, entry, leaf FROM entries ORDER BY seq"
        )

    def checkpoints(self) -> list[tuple[int, str]]:
        return list(self.conn.execute("SELECT size, note FROM checkpoints ORDER BY size"))

    def latest_checkpoint(self) -> str:
        row = self.conn.execute(
            "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1"
        ).fetchone()
        return str(row[0])

    def tree_size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    def stored_range(self) -> tuple[int, list[bytes]]:
        meta = dict(
            self.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('tree_size', 'tree_range')"
            ).fetchall()
        )
        return int(meta["tree_size"]), [bytes.fromhex(h) for h in json.loads(meta["tree_range"])]

    def projection(self) -> dict[str, Incident]:
        rows = self.conn.execute(f"SELECT uid, {self._VIEW} FROM {self._VIEW_FROM}")
        return {uid: self._view(row) for uid, *row in rows}

    def blob_index(self) -> list[tuple[str, int]]:
        return list(self.conn.execute("SELECT sha256, size FROM blobs ORDER BY sha256"))
