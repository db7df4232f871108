"""The encrypted vault: key slots, the SQLCipher store, and its self-check."""

from __future__ import annotations

from blockwatch.vault.store import (
    Attachment,
    Filter,
    Vault,
    change_passphrase,
    create,
    ensure_absent,
    exists,
    read_attachment,
    recover,
    require,
    unlock,
)

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
    "unlock",
]
