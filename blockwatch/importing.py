"""Import export files into the vault: one file, one transaction; every record once.

Each record gets a uid derived from its format and its stable key (``record_uid``: keyed by
the vault), so importing the same file twice, or two overlapping backups, adds it once.  Every
new incident carries ``source: import:<format>``, ``source_file: {name, sha256}`` and the
source's own values in ``details.raw``; an ``import.file`` entry records the file's name,
SHA-256, size and counts, so the import itself is evidence.  (The size stays out of the
incidents' own entries: a bundle that shows one incident must not tell how many records its
file held.)  The whole file is parsed inside the write transaction, and any
error rolls it back: the vault is exactly as it was.

A large file of a format without media is read by ``PROCESSES`` child processes that turn
its records into canonical entry bodies (``builder`` and ``ledger.Encoder``) while this one
hashes them into the tree and writes them, so an import keeps both cores of a small laptop
busy.  Both ways give the same bytes (tests/test_import_parallel.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from blockwatch import errors, incidents, phones, when
from blockwatch.errors import InputError
from blockwatch.i18n import _
from blockwatch.importers import (
    FORMATS,
    Draft,
    ImportFailed,
    Media,
    Options,
    Skipped,
    detect,
    parser,
)
from blockwatch.vault import Vault

NAMESPACE = uuid.UUID("6f1b7c3e-2d4a-5b8e-9c0f-1a2b3c4d5e6f")  # blockwatch import uids, v1
_NAMESPACE_BYTES = NAMESPACE.bytes
ENTRY_IMPORT = "import.file"

# Files at least this large, of formats that never carry media, are read by child
# processes; a smaller one is imported before they would have started.
PARALLEL_BYTES = 4 * 1024 * 1024
PARALLEL_FORMATS = tuple(f.name for f in FORMATS.values() if not f.media)
_BATCH = 1000  # records per block (one message from a child process)
PROCESSES = 2  # child processes of a parallel import; each builds every other block


@dataclass
class FileResult:
    path: Path
    format: str
    sha256: str
    added: int = 0
    present: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """What the ledger's ``import.file`` entry records of the file."""
        return {
            "added": self.added,
            "already_present": self.present,
            "skipped": sum(self.skipped.values()),
        }

    @property
    def found(self) -> int:
        """Every record read from the file: added, already present or skipped (with a reason)."""
        return self.added + self.present + sum(self.skipped.values())


class Prepared(NamedTuple):
    """A new incident's body, with the files (WhatsApp media) to store with it."""

    uid: str
    body: dict[str, Any]
    media: list[Media]


# A new incident as a child process sends it: (uid, canonical body, indexed columns).
# A plain tuple: pickling 100,000 of them costs a tenth of as many NamedTuples.
Encoded = tuple[str, bytes, tuple[Any, ...]]


_R = TypeVar("_R", Prepared, Encoded)


def import_file(
    vault: Vault,
    path: Path,
    options: Options,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    parallel: bool | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> FileResult:
    """Import one file.  ``parallel``: read it in child processes (None: when it pays off)."""
    size, sha = _check_file(path)
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if fmt is None or fmt == "auto":
        fmt = detect(head, path)
    elif fmt not in FORMATS:
        raise InputError(
            _("--format {value!r} is not one of: {values}").format(
                value=fmt, values=", ".join(("auto", *FORMATS))
            )
        )
    elif not head:
        raise ImportFailed(str(path), None, _("the file is empty"))
    when.zone(options.timezone)
    options = dataclasses.replace(options, uid_key=vault.settings.uid_key)
    source_file = {"name": path.name, "sha256": sha}
    if parallel is None:
        parallel = size >= PARALLEL_BYTES and fmt in PARALLEL_FORMATS
    result = FileResult(path, fmt, sha, dry_run=dry_run)
    size_then = vault.ledger_size()
    known = vault.known_uids()

    def count(items: Iterator[_R | Skipped]) -> Iterator[_R]:
        for n, item in enumerate(items, 1):
            if n % 1000 == 0:
                progress(n)
            if isinstance(item, Skipped):
                result.skipped[item.why] += 1
            elif item[0] in known:  # the uid
                result.present += 1
            else:
                known.add(item[0])
                result.added += 1
                yield item

    if dry_run:
        for _record in count(prepare(path, fmt, options, source_file)):
            pass
        return result
    summary = {"file": {**source_file, "size": size}, "format": fmt}
    # Staged: the file is read, checked and encoded into the vault's staging tables in short
    # transactions (its media too), so that a `log` typed meanwhile is written at once; then one
    # write moves the records and files into the ledger: the whole file or nothing.
    job = secrets.token_hex(8)
    records: Iterator[Encoded]
    if parallel:
        records = count(_from_other_processes(path, fmt, options, source_file))
    else:
        from blockwatch import ledger
        from blockwatch.vault.store import derived_columns

        encoder = ledger.Encoder()

        def encoded(p: Prepared) -> Encoded:
            body = p.body
            if p.media:
                stored = [vault.stage_file(job, m.name, m.size, m.read) for m in p.media]
                body = {**body, "attachments": [*body.get("attachments", []), *stored]}
            return p.uid, encoder.encode(body), derived_columns(body)

        records = map(encoded, count(prepare(path, fmt, options, source_file, encoder.share)))
    try:
        vault.stage(job, records)
        with vault.bulk() as bulk:
            # another process may have imported some of these records since they were read
            late = vault.staged_present(job) if bulk.size != size_then else set()
            result.added -= len(late)
            result.present += len(late)
            vault.move_staged_files(job)
            for uid, body, columns in vault.staged(job):
                if uid not in late:
                    bulk.add_created(uid, body, columns)
            bulk.add(ENTRY_IMPORT, {**summary, **result.counts()})
    except BaseException:
        vault.discard_staged(job)
        raise
    vault.discard_staged(job)  # after the write: in short transactions of their own
    return result


def prepare(
    path: Path,
    fmt: str,
    options: Options,
    source_file: dict[str, Any],
    share: Callable[[Any], Any] = lambda value: value,
) -> Iterator[Prepared | Skipped]:
    """Parse ``path`` and build each record's ``incident.created`` body (no vault needed).

    ``share`` marks values that many bodies hold (``ledger.Encoder.share``).
    """
    build = builder(fmt, options, source_file, share, str(path))
    for item in parser(fmt)(path, options):
        assert item is not None, "only a parallel import skips records"
        yield item if isinstance(item, Skipped) else build(item)


def builder(
    fmt: str,
    options: Options,
    source_file: dict[str, Any],
    share: Callable[[Any], Any],
    label: str | None = None,
) -> Callable[[Draft], Prepared]:
    """Draft -> the body of its ``incident.created`` entry, validated.  ``label``: how an error
    names the file (its path as the user gave it)."""
    label = label or source_file["name"]
    zone = when.zone(options.timezone)
    source = f"import:{fmt}"
    shared_file = share(source_file)
    platform = lru_cache(maxsize=256)(incidents.platform)
    party = lru_cache(maxsize=65536)(
        lambda raw: share(phones.counterparty(raw, options.home_region, strict=False))
    )

    keyed = (
        None
        if options.uid_key is None
        else hmac.new(bytes.fromhex(options.uid_key), None, "sha256")
    )

    def build(item: Draft) -> Prepared:
        where = _("the record of {when}").format(when=item.occurred_at.isoformat())
        said = item.details.get("text")
        if isinstance(said, str) and len(said) > incidents.MAX_TEXT:
            raise ImportFailed(
                label,
                where,
                _("a message of {count} characters, more than the {max_text} kept").format(
                    count=len(said), max_text=incidents.MAX_TEXT
                ),
                hint=_("the file may be damaged; export it again"),
            )
        try:
            details = incidents.details(item.kind, item.details)
        except errors.InputError as e:  # a record the vault cannot keep: named, not a --option
            raise ImportFailed(
                label,
                where,
                _("it cannot be kept ({reason})").format(reason=e.message),
                hint=_("the file may be damaged; export it again"),
            ) from None
        details["raw"] = item.raw
        uid = record_uid(fmt, item.key, keyed)
        body = incidents.new_incident(
            uid=uid,
            kind=item.kind,
            timezone=options.timezone,
            source=source,
            occurred_at=item.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
            platform_name=platform(item.platform),
            counterparty=None if item.counterparty is None else party(item.counterparty),
            details_=details,
        )
        body["source_file"] = shared_file
        return Prepared(uid, body, item.media)

    return build


def _from_other_processes(
    path: Path, fmt: str, options: Options, source_file: dict[str, Any]
) -> Iterator[Encoded | Skipped]:
    """The records of ``path``, in order, built and encoded by ``PROCESSES`` child processes.

    Every child parses the whole file (parsing is the cheap part); child ``k`` builds and
    encodes the blocks of ``_BATCH`` records whose number is ``k`` modulo ``PROCESSES``, and
    this process reads the blocks in turn.  An error reaches this process at the block where
    it happened, as in an import without children.  The children are plain subprocesses
    (``python -m blockwatch.importing``) that read their task from stdin and write pickled
    blocks to stdout: nothing of this process (keys, vault) is inherited.
    """
    import pickle
    import subprocess
    import sys

    from blockwatch import i18n

    parts = PROCESSES
    children = []
    try:
        for part in range(parts):
            child = subprocess.Popen(
                [sys.executable, "-m", "blockwatch.importing"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            children.append(child)
            task = (path, fmt, options, source_file, i18n.language(), part, parts)
            assert child.stdin is not None and child.stdout is not None
            with child.stdin:
                pickle.dump(task, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        for block in itertools.count():
            stdout = children[block % parts].stdout
            assert stdout is not None
            try:
                message = pickle.load(stdout)
            except (EOFError, pickle.UnpicklingError):
                raise _died(path, children[block % parts]) from None
            if isinstance(message, list):
                yield from message
            elif message is None:
                return
            elif message[0] == _BUG:
                raise ChildBug(message[1], message[2])
            else:
                kind, text, hint = message
                raise getattr(errors, kind)(text, hint)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            if child.stdout is not None:
                child.stdout.close()
            child.wait()


_BUG = "bug"


class ChildBug(Exception):
    """An unexpected exception in a child process: a bug, reported as the parent's own
    (``cli._bug``), with the child's traceback shown under ``--debug``."""

    def __init__(self, kind: str, traceback: str) -> None:
        super().__init__(kind)
        self.bug_kind = kind
        self.child_traceback = traceback


def _died(path: Path, child: Any) -> errors.HelperFailed:
    """The error for a child that stopped without a result (killed, out of memory) or
    wrote something that is not one (then it is stopped here)."""
    import subprocess

    try:
        status = child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        status = child.wait()
    how = (
        _("stopped by signal {n}").format(n=-status)
        if status < 0
        else _("exited with status {n}").format(n=status)
    )
    return errors.HelperFailed(
        _("the helper process reading {path} {how}; nothing was imported").format(
            path=path, how=how
        ),
        hint=_("run the import again; if it stops again, close other programs to free memory"),
    )


def _prepare_and_send(
    out: Any,
    path: Path,
    fmt: str,
    options: Options,
    source_file: dict[str, Any],
    lang: str,
    part: int,
    parts: int,
) -> None:
    """A child process of a parallel import (see ``_from_other_processes``)."""
    import pickle

    from blockwatch import i18n, ledger
    from blockwatch.vault.store import derived_columns

    def send(message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    i18n.use(lang)
    encoder = ledger.Encoder()
    build = builder(fmt, options, source_file, encoder.share, str(path))
    batch: list[Encoded | Skipped] = []
    mine = dataclasses.replace(options, others=lambda n: (n // _BATCH) % parts != part)
    try:
        for n, item in enumerate(parser(fmt)(path, mine)):
            block, place = divmod(n, _BATCH)
            if block % parts != part:
                continue
            assert item is not None
            if isinstance(item, Skipped):
                batch.append(item)
            else:
                record = build(item)
                batch.append(
                    (record.uid, encoder.encode(record.body), derived_columns(record.body))
                )
            if place == _BATCH - 1:
                send(batch)
                batch = []
        if batch:
            send(batch)
        send(None)
    except errors.BlockwatchError as e:
        kind = next(c for c in type(e).__mro__ if c.__module__ == errors.__name__)
        send((kind.__name__, e.message, e.hint))
    except Exception as e:  # a bug: the parent reports it (no traceback on the user's screen)
        import traceback

        send((_BUG, type(e).__name__, traceback.format_exc()))


def _child() -> None:
    """``python -m blockwatch.importing``: one child of a parallel import."""
    import os
    import pickle
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which ends this
    try:
        task = pickle.load(sys.stdin.buffer)
        _prepare_and_send(sys.stdout.buffer, *task)
    except (EOFError, BrokenPipeError):  # the parent is gone or stopped reading: it failed
        os._exit(1)  # quietly: no traceback, no flush of a closed pipe


def record_uid(fmt: str, key: str, keyed: hmac.HMAC | None = None) -> str:
    """The uid of an imported record: the same for the same record in any export of it, so a
    second import finds it present.  ``keyed``: an HMAC-SHA-256 with the vault's uid key, whose
    first 128 bits make a UUIDv8 (RFC 9562) that nobody without the vault can compute from a
    record's contents.  Without one (a vault made before uid keys):
    ``str(uuid.uuid5(NAMESPACE, f"{fmt}|{key}"))``, without building a UUID object."""
    data = f"{fmt}|{key}".encode()
    if keyed is not None:
        mac = keyed.copy()
        mac.update(data)
        digest = bytearray(mac.digest()[:16])
        digest[6] = (digest[6] & 0x0F) | 0x80  # version 8
    else:
        digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + data).digest()[:16])
        digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def check_readable(path: Path, read: Callable[[Any], None] = lambda f: None) -> None:
    """``path`` is a file that can be read (``read`` then reads it), else one clear error.
    Checked before the passphrase is asked for, and again when the file is imported."""
    try:
        if not path.is_file():
            raise InputError(
                (
                    _("{path} does not exist") if not path.exists() else _("{path} is not a file")
                ).format(path=path),
                hint=_("give the path of an exported file"),
            )
        with open(path, "rb") as f:
            read(f)
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
        ) from None


def _check_file(path: Path) -> tuple[int, str]:
    """The file's size and SHA-256; refused when it is larger than the cap on any import
    (``importers.base.MAX_FILE_BYTES``), before a byte of it is parsed."""
    from blockwatch.importers import base

    digest, size = hashlib.sha256(), 0

    def hash_all(f: Any) -> None:
        nonlocal size
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            if size > base.MAX_FILE_BYTES:
                raise ImportFailed(
                    str(path),
                    None,
                    _("the file is larger than 4 GiB"),
                    hint=_("check that this is the phone's export; import a large one in parts"),
                )

    check_readable(path, hash_all)
    return size, digest.hexdigest()


if __name__ == "__main__":
    _child()
