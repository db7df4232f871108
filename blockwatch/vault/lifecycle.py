"""A vault's life: create, unlock with a passphrase or the recovery code, re-wrap the key,
restore from a backup.

``create`` makes the directory (0700) and its files (0600) with their final modes, writes the
first ledger entry (``vault.created``: vault id, origin, home region, zone, signing key) and the
key slots; anything that fails on the way removes what it made.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from blockwatch import phones, when
from blockwatch.env import Env
from blockwatch.errors import (
    BlockwatchError,
    InputError,
    NotFound,
    VaultCorrupt,
    VaultLocked,
    VerificationFailed,
)
from blockwatch.i18n import _
from blockwatch.vault import keyslots
from blockwatch.vault.schema import (
    DB_NAME,
    SCHEMA_VERSION,
    SLOTS_NAME,
    Settings,
    connect,
    create_schema,
    read_settings,
)
from blockwatch.vault.store import ENTRY_VAULT_CREATED, Vault


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


def create(
    env: Env, passphrase: str, *, home_region: str, timezone: str, language: str | None = None
) -> tuple[Vault, str]:
    """Create a new vault at ``env.vault_dir``; return it and the recovery code (shown once)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    directory = env.vault_dir
    ensure_absent(directory)
    passphrase = keyslots.check_new_passphrase(passphrase)
    when.zone(timezone)
    home_region = phones.region_code(home_region)
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
        settings = Settings(
            vault_id,
            f"blockwatch/{vault_id}",
            home_region,
            timezone,
            language,
            uid_key=secrets.token_hex(32),
        )
        conn = connect(db_path, data_key, new=True)
        create_schema(conn)
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
                uid_key=settings.uid_key or "",
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


def _raw_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())  # type: ignore[no-any-return]


def open_with_key(env: Env, data_key: bytes) -> Vault:
    conn = connect(env.vault_dir / DB_NAME, data_key)
    try:
        settings, signer = read_settings(conn, env.vault_dir / DB_NAME)
    except BlockwatchError:
        conn.close()
        raise
    return Vault(env, conn, settings, signer, data_key)


def unlock(env: Env, passphrase: str) -> Vault:
    doc = keyslots.load(env.vault_dir / SLOTS_NAME)
    key, slot_id = keyslots.open_with_passphrase(doc, passphrase)
    return _open_settled(env, doc, key, slot_id)


def _open_settled(env: Env, doc: dict[str, Any], key: bytes, slot_id: str) -> Vault:
    """Open the vault with a key from slot ``slot_id``.  When the slot file holds two keys' slots
    (``passphrase change --rotate-key`` was interrupted), the one that opens the database is
    the vault's: the other's slots are removed, and a passphrase of the other says so."""
    if not keyslots.rotating(doc):
        return _checked_open(env, doc, key)
    try:
        vault = _checked_open(env, doc, key)
    except VaultCorrupt:
        raise VaultLocked(
            _("this passphrase was replaced: a key rotation was interrupted before or after it"),
            hint=_(
                "try the other passphrase, the one from before or after "
                "'passphrase change --rotate-key'"
            ),
        ) from None
    mine = keyslots.generation(slot_id)
    kept = [slot for slot in doc["slots"] if keyslots.generation(slot["id"]) == mine]
    keyslots.save(env.vault_dir / SLOTS_NAME, {**doc, "slots": kept})
    return vault


def rotate_key(env: Env, old: str, new: str) -> str:
    """A new data key: the database re-encrypted in place (SQLCipher ``rekey``, one
    transaction), a new passphrase slot and a new recovery code (returned); the old key, with
    an old copy of keyslots.json, opens nothing written from now on — nor anything before,
    since every page is re-encrypted.  Crash-safe: the slot file first holds both keys' slots,
    then the database changes key in one transaction, then only the new key's slots remain; at
    every moment the old passphrase or the new one opens the vault."""
    path = env.vault_dir / SLOTS_NAME
    doc = keyslots.load(path)
    data_key, opened_by = keyslots.open_with_passphrase(doc, old)
    new = keyslots.check_new_passphrase(new)
    vault = _open_settled(env, doc, data_key, opened_by)
    doc = keyslots.load(path)
    try:
        vault_id = doc["vault_id"]
        fresh = secrets.token_bytes(keyslots.KEY_BYTES)
        tag = secrets.token_hex(3)
        slot = keyslots.passphrase_slot(vault_id, fresh, new, env.kdf, f"passphrase-{tag}")
        recovery, code = keyslots.recovery_slot(vault_id, fresh, f"recovery-{tag}")
        current = doc["slots"]
        keyslots.save(path, {**doc, "slots": [*current, slot, recovery]})
        try:
            vault.rekey(fresh)
        except BaseException:
            keyslots.save(path, {**doc, "slots": current})
            raise
        keyslots.save(path, keyslots.new_document(vault_id, [slot, recovery]))
    finally:
        vault.close()
    return code


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
    data_key, slot_id = keyslots.open_with_passphrase(doc, old)
    _open_settled(env, doc, data_key, slot_id).close()
    _rewrap(env, keyslots.load(path), data_key, new, slot_id)


def recover(env: Env, code: str, new: str) -> None:
    """Open the data key with the recovery code and set a new passphrase."""
    path = env.vault_dir / SLOTS_NAME
    doc = keyslots.load(path)
    data_key, slot_id = keyslots.open_with_recovery(doc, code)
    _open_settled(env, doc, data_key, slot_id).close()
    passphrase_id = f"passphrase-{keyslots.generation(slot_id)}".rstrip("-")
    _rewrap(env, keyslots.load(path), data_key, new, passphrase_id)


def _rewrap(env: Env, doc: dict[str, Any], data_key: bytes, new: str, slot_id: str) -> None:
    """The passphrase slot ``slot_id`` (of the key in use) rewritten for ``new``."""
    new = keyslots.check_new_passphrase(new)
    slot = keyslots.passphrase_slot(doc["vault_id"], data_key, new, env.kdf, slot_id)
    keyslots.save(env.vault_dir / SLOTS_NAME, keyslots.replace_slot(doc, slot))


def restore(
    env: Env, source: Path, manifest: Any, passphrase: str, identities: list[Any]
) -> list[str]:
    """Make the vault at ``env.vault_dir`` from the backup in the folder ``source`` whose
    manifest (``backup.require_manifest``) was read, and check it: the files match the
    manifest, the passphrase opens them, the vault is the one the manifest's signed
    checkpoint names, and every ``check`` passes.  All or nothing: on any failure, what was
    written is removed.  Returns the checks passed."""
    from blockwatch.vault import backup
    from blockwatch.vault import check as checks

    target = env.vault_dir
    ensure_absent(target)
    backup.check_files(source, manifest)
    made = not target.exists()
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(
            _("cannot create {path}: {reason}").format(path=target, reason=e.strerror)
        ) from None
    try:
        backup.unpack(source, manifest, target, identities)
        with unlock(env, passphrase) as vault:
            if (
                vault.settings.vault_id != manifest.vault_id
                or vault.public_key != manifest.public_key
                or vault.latest_checkpoint() != manifest.checkpoint
            ):
                raise VerificationFailed(
                    _("the restored vault is not the one {name} describes").format(
                        name=backup.MANIFEST
                    ),
                    hint=_("use another copy of the backup"),
                )
            passed = checks.check(vault)
    except BaseException:
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", SLOTS_NAME):
            with suppress(OSError):
                (target / name).unlink()
        if made:
            with suppress(OSError):
                target.rmdir()
        raise
    return passed
