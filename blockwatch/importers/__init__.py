"""Importers: a phone's or an app's export file -> incident drafts.  No database here.

``FORMATS`` is the one table of the formats blockwatch reads: each entry names the module and
function that parse it, a short description (for ``--help`` and the man page), and whether its
files may carry media (such files are never parsed by child processes, see ``importing``).
A parser is ``parse(path, options) -> Iterator[Draft | Skipped | None]``; the facts each relies
on are in docs/IMPORT-FORMATS.md.  ``detect`` picks the format from the content, never from the
file name.  Adding a format: a module here, one ``Format`` line, a detection rule, its tests.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from blockwatch.i18n import _
from blockwatch.importers.base import (
    MAX_FILE_BYTES,
    Draft,
    ImportFailed,
    Media,
    Options,
    Parsed,
    Skipped,
    load_json,
)

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "Draft",
    "Format",
    "ImportFailed",
    "Media",
    "Options",
    "Parsed",
    "Skipped",
    "detect",
    "load_json",
    "parser",
]


@dataclass(frozen=True)
class Format:
    name: str  # the value of --format, and the ``import:<name>`` source of its incidents
    module: str  # blockwatch.importers.<module>
    function: str  # the parser in it
    what: str  # what the file is, in a few words (English: the man page and --help)
    media: bool  # may carry media files, stored as attachments while parsing
    local_times: bool  # may write times without a UTC offset: read in --timezone or the vault's

    def parse(self) -> Callable[[Path, Options], Parsed]:
        module = importlib.import_module(f"blockwatch.importers.{self.module}")
        return getattr(module, self.function)  # type: ignore[no-any-return]


FORMATS = {
    f.name: f
    for f in (
        Format(
            "android-calls",
            "android",
            "parse_calls",
            "SMS Backup & Restore calls XML",
            False,
            False,
        ),
        Format("android-sms", "android", "parse_sms", "SMS Backup & Restore sms XML", False, False),
        Format("whatsapp", "whatsapp", "parse", "a WhatsApp chat, .txt or .zip", True, True),
        Format("telegram", "telegram", "parse", "Telegram Desktop's result.json", False, True),
        Format("csv", "csvcalls", "parse", "a call list as CSV, see --column-map", False, True),
    )
}


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
        if b'"sender_name"' in text and b'"timestamp_ms"' in text:
            raise ImportFailed(
                str(path),
                _("position 0"),
                _("an Instagram or Facebook Messenger export, not a Telegram one"),
                hint=_("blockwatch cannot read it; log what matters with 'blockwatch log'"),
            )
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
    from blockwatch.importers import whatsapp  # its rules; loaded only for text files

    if whatsapp.looks_like_signal(sample):
        raise ImportFailed(
            str(path),
            _("line 1"),
            _("a Signal chat export, not a WhatsApp one"),
            hint=_("blockwatch cannot read it; log what matters with 'blockwatch log'"),
        )
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
    return FORMATS[name].parse()
