"""Importers: a phone's or an app's export file -> incident drafts.  No database here.

Each format module exposes ``parse(source, options) -> Iterator[Draft | Skipped]``; the facts
they rely on are in docs/IMPORT-FORMATS.md.  ``detect`` picks the format from the content,
never from the file name.  A file that cannot be read raises ``ImportFailed`` naming the file,
the line or position, and what was expected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from blockwatch.errors import InputError
from blockwatch.i18n import _

FORMATS = ("android-calls", "android-sms", "whatsapp", "telegram", "csv")
MAX_FILE_BYTES = 4 * 1024**3  # larger exports are split by the phone apps anyway


class ImportFailed(InputError):
    def __init__(self, file: str, where: str | None, message: str, hint: str | None = None) -> None:
        place = f"{file}: {where}: " if where else f"{file}: "
        super().__init__(place + message, hint=hint)


@dataclass
class Options:
    platform: str | None = None
    timezone: str = "Asia/Almaty"
    home_region: str = "KZ"
    date_order: str | None = None  # dmy | mdy | ymd
    mine: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    # Records another process builds (a parallel import): a parser may yield None for record
    # number ``n`` (0-based) when ``others(n)``, instead of reading it.
    others: Callable[[int], bool] | None = None


@dataclass
class Media:
    """A file inside a container (a WhatsApp zip), read only when it is stored."""

    name: str
    size: int
    read: Callable[[], Iterator[bytes]]


@dataclass
class Draft:
    key: str  # stable for the same record in any export of it: the deduplication key
    kind: str
    occurred_at: datetime  # aware
    platform: str | None
    counterparty: str | None  # as written in the source
    details: dict[str, Any]
    raw: dict[str, Any]  # the source's own values, kept as evidence
    media: list[Media] = field(default_factory=list)


@dataclass
class Skipped:
    where: str
    why: str


Parsed = Iterator[Draft | Skipped | None]


def detect(head: bytes, path: Path) -> str:
    """The format of a file from its first bytes (up to 64 KiB)."""
    if head.startswith(b"PK\x03\x04"):
        return "whatsapp"
    if head.startswith(b"PK\x05\x06") or (not head and path.suffix.lower() == ".zip"):
        raise ImportFailed(
            str(path), None, _("an empty zip archive"), hint=_("export the chat again")
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise ImportFailed(
            str(path),
            None,
            _("the file is empty"),
            hint=_("export again from the phone; the file has no content"),
        )
    if text.startswith(b"<"):
        if re.search(rb"<calls[\s>]", text):
            return "android-calls"
        if re.search(rb"<smses[\s>]", text):
            return "android-sms"
        raise ImportFailed(
            str(path),
            _("line 1"),
            _("XML, but neither <calls> nor <smses>"),
            hint=_("expected an 'SMS Backup & Restore' calls-*.xml or sms-*.xml file"),
        )
    if text.startswith(b"{"):
        if b'"messages"' in text or b'"chats"' in text or b'"personal_information"' in text:
            return "telegram"
        raise ImportFailed(
            str(path),
            _("position 0"),
            _("JSON, but not a Telegram export"),
            hint=_("expected Telegram Desktop's result.json (Export chat history, JSON)"),
        )
    try:
        sample = text.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start > len(text) - 4:  # a character cut by the 64 KiB window
            sample = text[: e.start].decode("utf-8")
        else:
            raise ImportFailed(
                str(path),
                _("byte {byte}").format(byte=e.start),
                _("binary data, not a text export"),
                hint=_("expected calls/sms XML, a WhatsApp chat, Telegram JSON or a CSV"),
            ) from None
    from blockwatch.importers import whatsapp

    if whatsapp.looks_like(sample):
        return "whatsapp"
    first = sample.split("\n", 1)[0]
    if first.count(",") >= 1 or first.count(";") >= 1 or first.count("\t") >= 1:
        return "csv"
    raise ImportFailed(
        str(path),
        _("line 1"),
        _("not a format blockwatch can import"),
        hint=_(
            "expected calls/sms XML, a WhatsApp chat (.txt/.zip), Telegram result.json "
            "or a CSV with a header; or give --format"
        ),
    )


def parser(name: str) -> Callable[[Path, Options], Parsed]:
    from blockwatch.importers import android, csvcalls, telegram, whatsapp

    return {
        "android-calls": android.parse_calls,
        "android-sms": android.parse_sms,
        "whatsapp": whatsapp.parse,
        "telegram": telegram.parse,
        "csv": csvcalls.parse,
    }[name]


def load_json(path: Path, data: bytes) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as e:
        raise ImportFailed(
            str(path), _("byte {byte}").format(byte=e.start), _("not UTF-8 text")
        ) from None
    except RecursionError:
        raise ImportFailed(str(path), None, _("JSON nested too deeply to be an export")) from None
    except json.JSONDecodeError as e:
        raise ImportFailed(
            str(path),
            _("line {line}, column {column}").format(line=e.lineno, column=e.colno),
            _("broken JSON ({reason})").format(reason=e.msg),
            hint=_("the file may be cut short; export it again"),
        ) from None
