"""Backups: a consistent copy of the vault, still encrypted, for another disk or a colleague.

A backup is a folder (docs/DESIGN.md "Backups")::

    backup.json                    the manifest, written last: what the copy holds and the
                                   SHA-256 of each file (below)
    vault-<size>-<sha>.db          the database as it was at one signed checkpoint (SQLite's
                                   online backup API: SQLCipher pages, the vault's own key)
    keyslots-<sha>.json            the key slots as they were (the passphrase and recovery
                                   code that open the vault open the copy)

With ``--to-recipient``, both files are also encrypted to age recipients (``.age``): whoever
keeps the copy needs their age identity *and* the vault's passphrase to read it.

Each backup writes new files under names of their own, then replaces ``backup.json`` in one
rename, then removes the files the old manifest named: a backup killed or refused half-way
(a full disk, a pulled USB stick) leaves the previous backup whole.  Nothing in the folder
is trusted when it is read back: the manifest is capped and validated, its checkpoint must be
signed by the vault's key, every file must match its SHA-256, and a restored vault must pass
every ``check`` and hold exactly the checkpoint the manifest names.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from blockwatch import ledger
from blockwatch.errors import InputError, VerificationFailed
from blockwatch.i18n import _
from blockwatch.vault.keyslots import fsync_dir
from blockwatch.vault.schema import DB_NAME, SLOTS_NAME

FORMAT = "blockwatch-backup"
VERSION = 1
MANIFEST = "backup.json"
MAX_MANIFEST_BYTES = 256 * 1024  # a signed checkpoint, two names and hashes, a few recipients
MAX_IDENTITY_BYTES = 64 * 1024  # an age identity file: a few keys and comments
MAX_RECIPIENTS = 16
MAX_NOTE_CHARS = 8192
MAX_FILE_BYTES = 1 << 50  # what a manifest may claim a file holds (a bound, not a promise)
CHUNK_BYTES = 1024 * 1024
ROLES = ("database", "keyslots")
_NAME = {
    "database": re.compile(r"vault-[0-9]{1,16}-[0-9a-f]{16}\.db(\.age)?"),
    "keyslots": re.compile(r"keyslots-[0-9a-f]{16}\.json(\.age)?"),
}
# Files a backup writes: its two files, and temporary ones -- ``.bw-<hex>.part`` and what
# SQLite makes beside one while it copies (``-wal``, ``-shm``, ``-journal``).
_OURS = re.compile(
    r"(vault-[0-9]+-[0-9a-f]{16}\.db|keyslots-[0-9a-f]{16}\.json)(\.age)?"
    r"|\.bw-[0-9a-f]{16}\.part(-wal|-shm|-journal)?"
)
_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")


@dataclass(frozen=True)
class Stored:
    """One file of a backup: its name in the folder, its SHA-256 and length as stored, and the
    SHA-256 of what it holds (the same file, or what its age encryption decrypts to)."""

    name: str
    sha256: str
    bytes: int
    content_sha256: str

    def doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "content_sha256": self.content_sha256,
        }


@dataclass(frozen=True)
class Manifest:
    vault_id: str
    origin: str
    public_key: bytes
    made_at: str
    checkpoint: str  # the signed note of the copy's last write
    size: int
    root: bytes
    recipients: tuple[str, ...]
    files: dict[str, Stored] = field(default_factory=dict)

    def doc(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "origin": self.origin,
            "public_key": base64.b64encode(self.public_key).decode(),
            "made_at": self.made_at,
            "checkpoint": self.checkpoint,
            "tree_size": self.size,
            "root": base64.b64encode(self.root).decode(),
            "recipients": list(self.recipients),
            "files": {role: self.files[role].doc() for role in ROLES},
        }


def _damaged(folder: Path, what: str) -> VerificationFailed:
    return VerificationFailed(
        _("{path} is not a usable backup: {what}").format(path=folder, what=what),
        hint=_("use another copy, or make a new one with 'blockwatch backup'"),
    )


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, validated (None: the folder holds none)."""
    path = folder / MANIFEST
    try:
        data = _read_capped(path, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
        ) from None
    if data is None:
        raise _damaged(folder, _("{name} is too large").format(name=MANIFEST))
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise _damaged(folder, _("{name} is not valid JSON").format(name=MANIFEST)) from None
    return _validate(folder, doc)


def require_manifest(folder: Path, hint: str) -> Manifest:
    """The folder's manifest, validated; NotFound (with ``hint``) when it holds none."""
    from blockwatch.errors import NotFound

    manifest = read_manifest(folder)
    if manifest is None:
        raise NotFound(
            _("{path} holds no blockwatch backup ({name} is missing)").format(
                path=folder, name=MANIFEST
            ),
            hint=hint,
        )
    return manifest


def _read_capped(path: Path, cap: int) -> bytes | None:
    """A regular file's bytes, or None when longer than ``cap`` (a FIFO never hangs)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise IsADirectoryError(21, os.strerror(21))
        data = f.read(cap + 1)
    return None if len(data) > cap else data


def _validate(folder: Path, doc: Any) -> Manifest:
    def bad(what: str) -> VerificationFailed:
        return _damaged(folder, what)

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(_("{name} is not a blockwatch backup manifest").format(name=MANIFEST))
    if type(doc.get("version")) is not int or doc["version"] != VERSION:
        raise bad(
            _("backup format version {value} is not supported").format(
                value=json.dumps(doc.get("version"))[:40]
            )
        )

    def text(key: str, limit: int) -> str:
        value = doc.get(key)
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            raise bad(_("{field} is missing or malformed").format(field=key))
        return value

    def digest(value: Any, key: str, length: int) -> bytes:
        try:
            raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != length:
            raise bad(_("{field} is missing or malformed").format(field=key))
        return raw

    vault_id, origin, made_at = text("vault_id", 100), text("origin", 300), text("made_at", 40)
    note = text("checkpoint", MAX_NOTE_CHARS)
    public_key = digest(doc.get("public_key"), "public_key", 32)
    root = digest(doc.get("root"), "root", 32)
    size = doc.get("tree_size")
    if type(size) is not int or not 0 < size <= ledger.MAX_TREE_SIZE:
        raise bad(_("{field} is missing or malformed").format(field="tree_size"))
    recipients = doc.get("recipients")
    if (
        not isinstance(recipients, list)
        or len(recipients) > MAX_RECIPIENTS
        or not all(isinstance(r, str) and _RECIPIENT.fullmatch(r) for r in recipients)
    ):
        raise bad(_("{field} is missing or malformed").format(field="recipients"))
    files = doc.get("files")
    if not isinstance(files, dict) or set(files) != set(ROLES):
        raise bad(_("{field} is missing or malformed").format(field="files"))
    stored = {}
    for role in ROLES:
        entry = files[role]
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and _NAME[role].fullmatch(entry["name"]) is not None
            and entry["name"].endswith(".age") == bool(recipients)
            and all(
                isinstance(entry.get(k), str) and re.fullmatch(r"[0-9a-f]{64}", entry[k])
                for k in ("sha256", "content_sha256")
            )
            and type(entry.get("bytes")) is int
            and 0 < entry["bytes"] <= MAX_FILE_BYTES
        )
        if not ok:
            raise bad(_("{field} is missing or malformed").format(field=f"files.{role}"))
        stored[role] = Stored(
            entry["name"], entry["sha256"], entry["bytes"], entry["content_sha256"]
        )
    try:
        point = ledger.open_checkpoint(note, origin, public_key)
    except VerificationFailed as e:
        raise bad(_("its checkpoint is not signed by the vault's key: {e}").format(e=e)) from None
    if point.size != size or point.root != root:
        raise bad(_("its checkpoint is not the one of the tree size and root it names"))
    return Manifest(
        vault_id, origin, public_key, made_at, note, size, root, tuple(recipients), stored
    )


# Writing a backup --------------------------------------------------------------------------


def parse_recipients(values: list[str]) -> list[Any]:
    """age X25519 recipients (``age1…``), each checked; an InputError names a bad one."""
    from pyrage import RecipientError, x25519

    if len(values) > MAX_RECIPIENTS:
        raise InputError(
            _("at most {n} recipients").format(n=MAX_RECIPIENTS),
            hint=_("give --to-recipient once for each person who keeps the copy"),
        )
    found = []
    for value in values:
        clean = value.strip()
        try:
            if not _RECIPIENT.fullmatch(clean):
                raise RecipientError("")
            found.append(x25519.Recipient.from_str(clean))
        except RecipientError:
            raise InputError(
                _("{value} is not an age public key").format(value=clean[:80]),
                hint=_(
                    "ask the person for the line starting with 'age1' that 'age-keygen' "
                    "printed for them"
                ),
            ) from None
    return found


@dataclass(frozen=True)
class Made:
    manifest: Manifest
    previous: Manifest | None
    written: bool  # False: the folder already held this state of the vault


def prepare(folder: Path, vault_id: str, public_key: bytes) -> Manifest | None:
    """Make sure ``folder`` can take this vault's backup; return the backup it holds now."""
    if folder.exists() and not folder.is_dir():
        raise InputError(
            _("{path} is not a folder").format(path=folder),
            hint=_("give a folder for the backup, e.g. on a USB stick"),
        )
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700)
        except OSError as e:
            raise InputError(
                _("cannot create {path}: {reason}").format(path=folder, reason=e.strerror),
                hint=_("give a folder whose parent exists and is writable"),
            ) from None
        return None
    previous = read_manifest(folder)
    if previous is None:
        try:
            strangers = [p.name for p in folder.iterdir() if not _OURS.fullmatch(p.name)]
        except OSError as e:
            raise InputError(
                _("cannot read {path}: {reason}").format(path=folder, reason=e.strerror)
            ) from None
        if strangers:
            raise InputError(
                _("{path} holds other files and no blockwatch backup").format(path=folder),
                hint=_("give an empty folder, or one that holds a backup of this vault"),
            )
    elif previous.vault_id != vault_id or previous.public_key != public_key:
        raise InputError(
            _("{path} holds the backup of another vault").format(path=folder),
            hint=_("give each vault a folder of its own"),
        )
    return previous


def _hash_file(path: Path) -> tuple[str, int]:
    digest, length = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            length += len(chunk)
    return digest.hexdigest(), length


def new_private(path: Path) -> IO[bytes]:
    """A new file created 0600, never an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    return os.fdopen(fd, "wb")


@contextmanager
def _parts(folder: Path) -> Iterator[list[Path]]:
    """Temporary files in ``folder``, removed whatever happens (renamed ones are gone)."""
    made: list[Path] = []
    try:
        yield made
    finally:
        for path in made:
            with suppress(OSError):
                path.unlink()


def _part(folder: Path, made: list[Path]) -> Path:
    path = folder / f".bw-{secrets.token_hex(8)}.part"
    made.append(path)
    return path


def _seal(source: Path, target: Path, recipients: list[Any]) -> None:
    """``source`` encrypted to ``recipients`` (age), written to a new ``target``, fsynced."""
    import pyrage

    with open(source, "rb") as src, new_private(target) as out:
        pyrage.encrypt_io(src, out, recipients)
        out.flush()
        os.fsync(out.fileno())


def _fsynced(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def write(
    folder: Path,
    *,
    copy_database: Any,
    keyslots: bytes,
    vault_id: str,
    origin: str,
    public_key: bytes,
    latest: str,
    made_at: str,
    recipients: list[str],
) -> Made:
    """Write the backup of a vault to ``folder`` (see the module's docstring).

    ``copy_database(path)`` writes a consistent copy of the database to the new empty file
    ``path`` and returns the signed checkpoint note that copy ends with; ``latest`` is the
    vault's latest note now (to skip a copy the folder already holds).
    """
    sealed_to = parse_recipients(recipients)
    recipients = [r.strip() for r in recipients]
    previous = prepare(folder, vault_id, public_key)
    slots_sha = hashlib.sha256(keyslots).hexdigest()
    if (
        previous is not None
        and previous.checkpoint == latest
        and previous.files["keyslots"].content_sha256 == slots_sha
        and list(previous.recipients) == recipients
        and all(_length(folder / s.name) == s.bytes for s in previous.files.values())
    ):
        _sweep(folder, previous)  # what a killed backup left, even when nothing is new
        return Made(previous, previous, written=False)
    suffix = ".age" if recipients else ""
    try:
        with _parts(folder) as made:
            copy = _part(folder, made)
            new_private(copy).close()
            note = copy_database(copy)
            point = ledger.open_checkpoint(note, origin, public_key)
            db_content = _hash_file(copy)[0]
            slots = _part(folder, made)
            with new_private(slots) as f:
                f.write(keyslots)
                f.flush()
                os.fsync(f.fileno())
            files: dict[str, Stored] = {}
            for role, plain, content, name in (
                ("database", copy, db_content, f"vault-{point.size}-{db_content[:16]}.db"),
                ("keyslots", slots, slots_sha, f"keyslots-{slots_sha[:16]}.json"),
            ):
                kept = plain
                if sealed_to:
                    kept = _part(folder, made)
                    _seal(plain, kept, sealed_to)
                sha, length = _hash_file(kept)
                files[role] = Stored(name + suffix, sha, length, content)
                target = folder / (name + suffix)
                if target.exists() and _hash_file(target) == (sha, length):
                    continue  # the same bytes are there already
                os.replace(kept, target)
            manifest = Manifest(
                vault_id,
                origin,
                public_key,
                made_at,
                note,
                point.size,
                point.root,
                tuple(recipients),
                files,
            )
            body = json.dumps(manifest.doc(), indent=2, ensure_ascii=False).encode() + b"\n"
            staged = _part(folder, made)
            with new_private(staged) as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            fsync_dir(folder)
            os.replace(staged, folder / MANIFEST)
            fsync_dir(folder)
    except OSError as e:
        raise InputError(
            _("cannot write the backup to {path}: {reason}").format(
                path=folder, reason=e.strerror or e
            ),
            hint=_(
                "check that the disk is connected, writable and has room; a backup that was "
                "in the folder before is still whole"
            ),
        ) from None
    _sweep(folder, manifest)
    return Made(manifest, previous, written=True)


def _length(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _sweep(folder: Path, manifest: Manifest) -> None:
    """Remove what no manifest names any more: the previous backup's files, and temporary
    files a killed backup left behind."""
    keep = {s.name for s in manifest.files.values()}
    with suppress(OSError):
        for path in folder.iterdir():
            if path.name not in keep and _OURS.fullmatch(path.name):
                with suppress(OSError):
                    path.unlink()
        fsync_dir(folder)


# Reading a backup back ---------------------------------------------------------------------


def check_files(folder: Path, manifest: Manifest) -> None:
    """Every file the manifest names is there, whole: its length and SHA-256 as recorded."""
    for role in ROLES:
        stored = manifest.files[role]
        path = folder / stored.name
        try:
            if not stat.S_ISREG(path.lstat().st_mode):
                raise _damaged(folder, _("{name} is not a regular file").format(name=stored.name))
            found = _hash_file(path)
        except FileNotFoundError:
            raise _damaged(folder, _("{name} is missing").format(name=stored.name)) from None
        except OSError as e:
            raise InputError(
                _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
            ) from None
        if found != (stored.sha256, stored.bytes):
            raise _damaged(
                folder,
                _("{name} does not match its SHA-256 in {manifest}").format(
                    name=stored.name, manifest=MANIFEST
                ),
            )


def read_identities(path: Path) -> list[Any]:
    """The age identities (``AGE-SECRET-KEY-1…`` lines) of an identity file, as age-keygen
    writes it; comments and blank lines are skipped."""
    from pyrage import IdentityError, x25519

    hint = _("give the file 'age-keygen -o FILE' wrote, which holds a line 'AGE-SECRET-KEY-1…'")
    try:
        data = _read_capped(path, MAX_IDENTITY_BYTES)
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror), hint=hint
        ) from None
    found = []
    try:
        if data is None:
            raise UnicodeError
        for line in data.decode("utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append(x25519.Identity.from_str(line))
    except (UnicodeError, IdentityError):
        found = []
    if not found:
        raise InputError(_("{path} holds no age identity").format(path=path), hint=hint)
    return found


def require_identities(manifest: Manifest, identities: list[Any]) -> None:
    if manifest.recipients and not identities:
        raise InputError(
            _("this backup is encrypted to {recipients}").format(
                recipients=", ".join(manifest.recipients)
            ),
            hint=_("give the matching identity file with --identity FILE"),
        )


def unpack(folder: Path, manifest: Manifest, target: Path, identities: list[Any]) -> None:
    """Write the backup's database and key slots into the vault folder ``target`` (which
    holds neither), each checked against the manifest before it gets its name."""
    import pyrage

    require_identities(manifest, identities)
    for role, final in (("database", DB_NAME), ("keyslots", SLOTS_NAME)):
        stored = manifest.files[role]
        staged = target / f".{final}.{secrets.token_hex(4)}.part"
        try:
            with open(folder / stored.name, "rb") as src, new_private(staged) as out:
                if manifest.recipients:
                    try:
                        pyrage.decrypt_io(src, out, identities)
                    except pyrage.DecryptError:
                        raise InputError(
                            _("the identity given does not open this backup"),
                            hint=_("it is encrypted to {recipients}").format(
                                recipients=", ".join(manifest.recipients)
                            ),
                        ) from None
                else:
                    while chunk := src.read(CHUNK_BYTES):
                        out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if _hash_file(staged)[0] != stored.content_sha256:
                raise _damaged(
                    folder,
                    _("{name} does not hold what {manifest} says").format(
                        name=stored.name, manifest=MANIFEST
                    ),
                )
            os.replace(staged, target / final)
        except OSError as e:
            # age's own failures (a truncated or altered file) come as OSError too
            if isinstance(e, FileNotFoundError) or e.strerror is None:
                raise _damaged(
                    folder, _("{name} cannot be decrypted").format(name=stored.name)
                ) from None
            raise InputError(
                _("cannot write {path}: {reason}").format(path=target, reason=e.strerror)
            ) from None
        finally:
            with suppress(OSError):
                staged.unlink()
    fsync_dir(target)
