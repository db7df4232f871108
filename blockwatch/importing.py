"""Import export files into the vault: one file, one transaction; every record once.

Each record gets a uid derived from its format and its stable key (``uuid5``), so importing the
same file twice, or two overlapping backups, adds it once.  Every new incident carries
``source: import:<format>``, ``source_file: {name, sha256}`` and the source's own values in
``details.raw``; an ``import.file`` entry records the file's name, SHA-256 and counts, so the
import itself is evidence.  The whole file is parsed inside the write transaction, and any
error rolls it back: the vault is exactly as it was.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from blockwatch import incidents, phones, when
from blockwatch.errors import InputError
from blockwatch.importers import FORMATS, ImportFailed, Options, Skipped, detect, parser
from blockwatch.vault import Vault

NAMESPACE = uuid.UUID("6f1b7c3e-2d4a-5b8e-9c0f-1a2b3c4d5e6f")  # blockwatch import uids, v1
ENTRY_IMPORT = "import.file"


@dataclass
class FileResult:
    path: Path
    format: str
    sha256: str
    added: int = 0
    present: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False


def import_file(
    vault: Vault,
    path: Path,
    options: Options,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda _: None,
) -> FileResult:
    size, sha = _check_file(path)
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if fmt is None or fmt == "auto":
        fmt = detect(head, path)
    elif fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not one of: auto, " + ", ".join(FORMATS))
    elif not head:
        raise ImportFailed(str(path), None, "the file is empty")
    result = FileResult(path, fmt, sha, dry_run=dry_run)
    known = vault.known_uids()
    counterparty = lru_cache(maxsize=65536)(
        lambda raw: phones.counterparty(raw, options.home_region, strict=False)
    )
    source_file = {"name": path.name, "sha256": sha, "size": size}

    def records() -> Any:
        for n, item in enumerate(parser(fmt)(path, options), 1):
            if n % 1000 == 0:
                progress(n)
            if isinstance(item, Skipped):
                result.skipped[item.why] += 1
                continue
            uid = str(uuid.uuid5(NAMESPACE, f"{fmt}|{item.key}"))
            if uid in known:
                result.present += 1
                continue
            known.add(uid)
            details = incidents.details(item.kind, item.details)
            details["raw"] = item.raw
            body = incidents.new_incident(
                uid=uid,
                kind=item.kind,
                timezone=options.timezone,
                source=f"import:{fmt}",
                occurred_at=when.format_instant(item.occurred_at, options.timezone),
                platform_name=incidents.platform(item.platform),
                counterparty=dict(counterparty(item.counterparty))
                if item.counterparty is not None
                else None,
                details_=details,
            )
            body["source_file"] = source_file
            result.added += 1
            yield body, item.media

    if dry_run:
        for _ in records():
            pass
        return result
    with vault.bulk() as add:
        for body, media in records():
            add(incidents.ENTRY_CREATED, body, media)
        add(
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


def _check_file(path: Path) -> tuple[int, str]:
    try:
        if not path.is_file():
            raise InputError(
                f"{path} does not exist" if not path.exists() else f"{path} is not a file",
                hint="give the path of an exported file",
            )
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    return size, digest.hexdigest()
