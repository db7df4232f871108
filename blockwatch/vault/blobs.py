"""Attachments inside the vault: files hashed, copied in 1 MiB chunks, read back in order.

Content-addressed by SHA-256: a file stored twice is stored once.  Every copy is re-hashed on
the way in; a file that changes while it is stored is refused, never kept half-written.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.i18n import _
from blockwatch.inputs import check_attachment
from blockwatch.vault.schema import CHUNK_BYTES


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
    digest, size = hashlib.sha256(), 0

    def hash_all(f: Any) -> None:
        nonlocal size
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)

    check_attachment(path, hash_all)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(path, path.name, digest.hexdigest(), size, media_type)


class Rehash:
    """Chunks of any length cut into pieces of ``CHUNK_BYTES`` (the last one shorter), hashed
    on the way, so that a file that changed between two reads is caught."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.length = 0

    def pieces(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        pending = b""
        for chunk in chunks:
            self.digest.update(chunk)
            self.length += len(chunk)
            pending = pending + chunk if pending else chunk  # no copy when chunks line up
            while len(pending) >= CHUNK_BYTES:
                yield pending[:CHUNK_BYTES]
                pending = pending[CHUNK_BYTES:]
        if pending:
            yield pending

    def matches(self, sha256: str, size: int) -> bool:
        return self.digest.hexdigest() == sha256 and self.length == size


class Blobs:
    """The blob half of ``Vault`` (a mixin): writes happen inside ``Vault._write``."""

    conn: Any

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
        check = Rehash()
        for n, piece in enumerate(check.pieces(chunks)):
            self.conn.execute(insert, (sha256, n, piece))
        return check.matches(sha256, size)

    def blob(self, sha256: str) -> Iterator[bytes]:
        """The chunks of one stored attachment, in order (bounded memory): as many as its row
        in ``blobs`` says, each one there (VaultCorrupt names the first that is not)."""
        row = self.conn.execute("SELECT chunks FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise VaultCorrupt(
                _("attachment {sha256} is missing from the vault").format(sha256=sha256)
            )
        for n in range(row[0]):
            found = self.conn.execute(
                "SELECT data FROM chunks WHERE sha256 = ? AND n = ?", (sha256, n)
            ).fetchone()
            if found is None:
                raise VaultCorrupt(
                    _("attachment {sha256} is damaged: part {n} of {count} is missing").format(
                        sha256=sha256, n=n + 1, count=row[0]
                    )
                )
            yield found[0]

    def blob_index(self) -> list[tuple[str, int]]:
        return list(self.conn.execute("SELECT sha256, size FROM blobs ORDER BY sha256"))
