"""The encrypted vault: key slots, the SQLCipher database, the write path, reading, check.

``schema`` opens the database and holds its layout; ``lifecycle`` creates and unlocks vaults;
``store`` is the write transaction and the projection; ``blobs`` the attachments; ``queries``
the reading; ``check`` replays and verifies everything.  All of blockwatch's SQL is here.
"""

from __future__ import annotations

from blockwatch.vault.blobs import Attachment, read_attachment
from blockwatch.vault.lifecycle import (
    change_passphrase,
    create,
    ensure_absent,
    exists,
    recover,
    require,
    restore,
    rotate_key,
    unlock,
)
from blockwatch.vault.queries import Filter
from blockwatch.vault.store import Vault

__all__ = [
    "Attachment",
    "Filter",
    "Vault",
    "change_passphrase",
    "create",
    "ensure_absent",
    "exists",
    "read_attachment",
    "recover",
    "require",
    "restore",
    "rotate_key",
    "unlock",
]
