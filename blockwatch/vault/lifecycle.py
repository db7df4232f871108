"""A vault's life: create, unlock with a passphrase or the recovery code, re-wrap the key.

``create`` makes the directory (0700) and its files (0600) with their final modes, writes the
first ledger entry (``vault.created``: vault id, origin, home region, zone, signing key) and the
key slots; anything that fails on the way removes what it made.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from blockwatch import phones, when
from blockwatch.env import Env
from blockwatch.errors import BlockwatchError, InputError, NotFound, VaultCorrupt
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
    return Vault(env, conn, settings, signer)


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
