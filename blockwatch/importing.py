"""Import export files into the vault: one file, one transaction; every record once.

Each record gets a uid derived from its format and its stable key (``uuid5``), so importing the
same file twice, or two overlapping backups, adds it once.  Every new incident carries
``source: import:<format>``, ``source_file: {name, sha256}`` and the source's own values in
``details.raw``; an ``import.file`` entry records the file's name, SHA-256 and counts, so the
import itself is evidence.  The whole file is parsed inside the write transaction, and any
error rolls it back: the vault is exactly as it was.

A large file of a format without media is parsed in a second process: it turns records into
canonical entry bodies (``prepare`` and ``ledger.Encoder``) while this one hashes them into
the tree and writes them, so an import uses both cores of a small laptop.  Both ways give the
same bytes (tests/test_import_parallel.py).
"""

from __future__ import annotations

import hashlib
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
from blockwatch.importers import FORMATS, ImportFailed, Media, Options, Skipped, detect, parser
from blockwatch.vault import Vault

NAMESPACE = uuid.UUID("6f1b7c3e-2d4a-5b8e-9c0f-1a2b3c4d5e6f")  # blockwatch import uids, v1
_NAMESPACE_BYTES = NAMESPACE.bytes
ENTRY_IMPORT = "import.file"

# Files at least this large, of formats that never carry media, are parsed in a second
# process; a smaller one is imported before that process would have started.
PARALLEL_BYTES = 4 * 1024 * 1024
PARALLEL_FORMATS = ("android-calls", "android-sms", "csv", "telegram")
_BATCH = 1000  # records per message from the parsing process


@dataclass
class FileResult:
    path: Path
    format: str
    sha256: str
    added: int = 0
    present: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False


class Prepared(NamedTuple):
    """A new incident's body, with the files (WhatsApp media) to store with it."""

    uid: str
    body: dict[str, Any]
    media: list[Media]


# A new incident as the parsing process sends it: (uid, canonical body, indexed columns).
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
    """Import one file.  ``parallel``: parse in a second process (None: when it pays off)."""
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
    source_file = {"name": path.name, "sha256": sha, "size": size}
    if parallel is None:
        parallel = size >= PARALLEL_BYTES and fmt in PARALLEL_FORMATS
    result = FileResult(path, fmt, sha, dry_run=dry_run)
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
    with vault.bulk() as bulk:
        if parallel:
            for uid, body, columns in count(_from_second_process(path, fmt, options, source_file)):
                bulk.add_created(uid, body, columns)
        else:
            for prepared in count(prepare(path, fmt, options, source_file, bulk.share)):
                bulk.add(incidents.ENTRY_CREATED, prepared.body, prepared.media)
        bulk.add(
            ENTRY_IMPORT,
            {
                "file": source_file,
                "format": fmt,
                "added": result.added,
                "already_present": result.present,
                "skipped": sum(result.skipped.values()),
            },
        )
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
    zone = when.zone(options.timezone)
    source = f"import:{fmt}"
    shared_file = share(source_file)
    platform = lru_cache(maxsize=256)(incidents.platform)
    party = lru_cache(maxsize=65536)(
        lambda raw: share(phones.counterparty(raw, options.home_region, strict=False))
    )
    for item in parser(fmt)(path, options):
        if isinstance(item, Skipped):
            yield item
            continue
        details = incidents.details(item.kind, item.details)
        details["raw"] = item.raw
        uid = record_uid(fmt, item.key)
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
        yield Prepared(uid, body, item.media)


def _from_second_process(
    path: Path, fmt: str, options: Options, source_file: dict[str, Any]
) -> Iterator[Encoded | Skipped]:
    """``prepare`` run in a child process, its bodies encoded there; the records in order."""
    import multiprocessing

    from blockwatch import i18n

    context = multiprocessing.get_context("spawn")  # the same on every platform; no inherited keys
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_prepare_and_send,
        args=(sender, path, fmt, options, source_file, i18n.language()),
        name="blockwatch-import",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError(f"the process parsing {path} ended without a result") from None
            if isinstance(message, list):
                yield from message
            elif message is None:
                return
            else:
                kind, text, hint = message
                raise getattr(errors, kind)(text, hint)
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _prepare_and_send(
    sender: Any, path: Path, fmt: str, options: Options, source_file: dict[str, Any], lang: str
) -> None:
    """The second process of a parallel import (see ``_from_second_process``)."""
    import signal

    from blockwatch import i18n, ledger
    from blockwatch.vault.store import derived_columns

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which ends this
    i18n.use(lang)
    encoder = ledger.Encoder()
    batch: list[Encoded | Skipped] = []
    try:
        for item in prepare(path, fmt, options, source_file, encoder.share):
            if isinstance(item, Prepared):
                batch.append((item.uid, encoder.encode(item.body), derived_columns(item.body)))
            else:
                batch.append(item)
            if len(batch) == _BATCH:
                sender.send(batch)
                batch = []
        sender.send(batch)
        sender.send(None)
    except errors.BlockwatchError as e:
        kind = next(c for c in type(e).__mro__ if c.__module__ == errors.__name__)
        sender.send((kind.__name__, e.message, e.hint))
    finally:
        sender.close()


def record_uid(fmt: str, key: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, f"{fmt}|{key}"))``, without building a UUID object."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{fmt}|{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _check_file(path: Path) -> tuple[int, str]:
    try:
        if not path.is_file():
            raise InputError(
                (
                    _("{path} does not exist") if not path.exists() else _("{path} is not a file")
                ).format(path=path),
                hint=_("give the path of an exported file"),
            )
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
        ) from None
    return size, digest.hexdigest()
