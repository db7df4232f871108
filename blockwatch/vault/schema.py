"""The SQLCipher database of a vault: how it is opened, what it holds, what it is set to.

Layout (docs/DESIGN.md "The vault"), schema version 2::

    <vault>/            0700
      vault.db          0600  SQLCipher 4, raw 256-bit key, 16 KiB pages, WAL, synchronous=FULL
      vault.db-wal/-shm 0600  (SQLite gives them the database file's mode)
      keyslots.json     0600  see keyslots.py

Tables: ``meta`` (settings, signing key, the tree's compact range), ``entries`` (the ledger:
canonical bytes and leaf hash, append-only by trigger), ``checkpoints`` (one signed note per
committed write, append-only), ``incidents`` (the projection of the ledger, rebuilt by
``check``), ``blobs``/``chunks`` (attachments, content-addressed by SHA-256, 1 MiB chunks),
``heads`` (the map of heads: the hash of every perfect subtree, in blocks; rewritten as
incidents change, checked by ``check``; see ``heads.py``).
Any change to this is a new ``SCHEMA_VERSION``, with its migration here.  Version 1 (no
``heads``) is still opened; its first write migrates it (``migrate``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blockwatch.errors import VaultCorrupt
from blockwatch.i18n import _
from blockwatch.vault import heads

SCHEMA_VERSION = 2
SCHEMA_VERSIONS = ("1", "2")  # what is opened: version 1 is migrated by its first write
DB_NAME = "vault.db"
SLOTS_NAME = "keyslots.json"
CHUNK_BYTES = 1024 * 1024
# SQLCipher pages of 16 KiB instead of 4 KiB: a third fewer page encryptions and HMACs for
# an import (bench/import_calls.py).  Not stored in the file: every open sets it.
PAGE_BYTES = 16384

_APPEND_ONLY = ("entries", "checkpoints", "blobs", "chunks")


@dataclass(frozen=True)
class Settings:
    vault_id: str
    origin: str
    home_region: str
    timezone: str
    language: str | None = None  # messages and documents; None: --lang, BLOCKWATCH_LANG, locale
    # The key of imported records' uids (importing.record_uid): a vault's own, so that a uid is
    # no function of a record's contents that anyone else can compute.  None in a vault made
    # before it existed: its uids stay UUIDv5, so that imports there stay idempotent.
    uid_key: str | None = None


def connect_copy(db_path: Path, data_key: bytes) -> Any:
    """A connection to the new empty file ``db_path`` that a copy of a vault (same key, same
    pages) is written into: nothing else set, since the copy brings its own header."""
    import sqlcipher3

    uri = db_path.resolve().as_uri() + "?mode=rw"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_BYTES}")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def connect(db_path: Path, data_key: bytes, *, new: bool = False) -> Any:
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


def create_schema(conn: Any) -> None:
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
    heads.create(conn)
    for table in _APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )


def read_settings(conn: Any, db_path: Path) -> tuple[Settings, Any]:
    """The vault's settings and its Ed25519 signing key, from ``meta``; VaultCorrupt naming what
    is missing or damaged, never a bug."""
    import sqlcipher3

    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlcipher3.DatabaseError as e:
        raise VaultCorrupt(
            _("{db_path} holds no blockwatch settings: {e}").format(db_path=db_path, e=e),
            hint=_("restore the vault directory from a backup"),
        ) from None
    version = meta.get("schema_version")
    if version not in SCHEMA_VERSIONS:
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
        meta.get("uid_key") or None,
    )
    return settings, _signing_key(_setting(meta, "signing_key"))


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
