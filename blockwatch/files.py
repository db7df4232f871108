"""Writing evidence back out of the vault: safe names, no overwrites, no partial files."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from blockwatch.errors import InputError
from blockwatch.i18n import _
from blockwatch.names import safe_name
from blockwatch.vault import Vault

__all__ = ["export_attachments", "safe_name"]


def export_attachments(vault: Vault, incident_id: int, out_dir: Path) -> list[tuple[Path, str]]:
    """Write every attachment of an incident into ``out_dir``; return (path, sha256) pairs."""
    view = vault.incident(incident_id)
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(
            _("cannot create {out_dir}: {reason}").format(out_dir=out_dir, reason=e.strerror),
            hint=_("choose a writable --out directory"),
        ) from None
    written = []
    for item in view["attachments"]:
        target = out_dir / safe_name(item["name"], item["sha256"])
        if target.exists():
            raise InputError(
                _("{target} already exists").format(target=target),
                hint=_("blockwatch never overwrites files; choose an empty --out directory"),
            )
        written.append((write_blob(vault, item["sha256"], target), item["sha256"]))
    return written


def write_blob(vault: Vault, sha256: str, target: Path) -> Path:
    """Stream a stored file to ``target``, checking its hash before it appears there."""
    return write_private(target, vault.blob(sha256), expect_sha256=sha256)


def write_private(
    target: Path,
    chunks: Iterable[bytes],
    *,
    expect_sha256: str | None = None,
    replace: bool = False,
) -> Path:
    """Write via a 0600 temp file beside ``target``, fsync, then rename: never a partial file.

    ``expect_sha256`` (a file out of the vault) is checked before the rename; an existing
    ``target`` is replaced only when ``replace`` is true.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    digest = hashlib.sha256()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                digest.update(chunk)
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        if expect_sha256 is not None and digest.hexdigest() != expect_sha256:
            from blockwatch.errors import VaultCorrupt

            raise VaultCorrupt(
                _("stored attachment {expect_sha256} does not match its hash").format(
                    expect_sha256=expect_sha256
                ),
                hint=_("run 'blockwatch check'"),
            )
        if target.exists() and not replace:
            raise InputError(
                _("{target} already exists").format(target=target),
                hint=_("blockwatch never overwrites files"),
            )
        os.replace(tmp, target)
    except OSError as e:
        raise InputError(
            _("cannot write {target}: {reason}").format(target=target, reason=e.strerror),
            hint=_("choose a writable place"),
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
