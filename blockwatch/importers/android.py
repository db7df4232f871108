"""SMS Backup & Restore (SyncTech) exports: ``calls-*.xml`` and ``sms-*.xml``.

Facts: docs/IMPORT-FORMATS.md sections 1 and 2.  Parsed as a stream (``iterparse``), element
by element, so a large backup never sits in memory whole; MMS parts' base64 data is only
measured, not kept.  Some phones write an emoji as two UTF-16 surrogate character references
(``&#55357;&#56384;``), which strict XML parsers reject: ``_Repairing`` joins each pair into
one reference before the parser sees it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from blockwatch.i18n import _
from blockwatch.importers.base import (
    Draft,
    ImportFailed,
    Options,
    Parsed,
    Skipped,
    ascii_digits,
    check_date,
)

_PAIR = re.compile(rb"&#(5[5-6]\d{3});&#(5[6-7]\d{3});")
_PAIR_BYTES = 16  # "&#55357;&#56384;": a pair is always 16 bytes (both numbers have 5 digits)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

CALL_TYPES = {
    "1": ("in", "answered"),
    "2": ("out", None),
    "3": ("in", "missed"),
    "4": ("in", "missed"),
    "5": ("in", "rejected"),
    "6": ("in", "blocked"),
    "7": ("in", "answered"),
}
CALL_TYPE_NAMES = {
    "1": "incoming",
    "2": "outgoing",
    "3": "missed",
    "4": "voicemail",
    "5": "rejected",
    "6": "blocked",
    "7": "answered elsewhere",
}
SMS_BOX = {"1": "in", "2": "out", "3": "draft", "4": "out", "5": "out", "6": "out"}


def _join_pair(m: re.Match[bytes]) -> bytes:
    high, low = int(m[1]), int(m[2])
    if 0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
        return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return m[0]


class _Repairing:
    """A read-only stream that rewrites surrogate-pair character references on the fly."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.pending = b""

    def read(self, size: int = 65536) -> bytes:
        while True:
            chunk = self.raw.read(max(size, 4096))
            data = self.pending + chunk
            if not chunk:  # end of file: flush what was held back
                self.pending = b""
                return _PAIR.sub(_join_pair, data)
            cut = _cut(data)
            data, self.pending = data[:cut], data[cut:]
            if data:  # an empty read would mean end of file to the parser
                return _PAIR.sub(_join_pair, data)


def _cut(data: bytes) -> int:
    """Where to end a chunk so that no pair is split: before its last 15 bytes (a pair the
    next chunk completes starts there or later), or before the pair that spans that point.
    The pairs are found from the chunk's start, as ``_PAIR.sub`` finds them: scanning from
    a later point could take a pair's second reference for the first of another."""
    cut = max(0, len(data) - (_PAIR_BYTES - 1))
    for pair in _PAIR.finditer(data):  # none starts at or after the cut: it would not fit
        if pair.start() < cut < pair.end():
            return pair.start()
    return cut


def _events(path: Path, tags: set[str]) -> Iterator[ET.Element]:
    with open(path, "rb") as raw:
        try:
            for _event, element in ET.iterparse(_Repairing(raw), events=("end",)):
                if element.tag in tags:
                    yield element
                    element.clear()
        except ET.ParseError as e:
            line, column = e.position
            raise ImportFailed(
                str(path),
                _("line {line}, column {column}").format(line=line, column=column),
                _("malformed XML ({reason})").format(reason=_reason(e)),
                hint=_("the backup may be cut short or damaged; make it again"),
            ) from None
        except (LookupError, ValueError) as e:  # encoding='UTF-0000'; 'UTF-7' (multi-byte)
            said = (
                _("the XML declares an encoding no one knows ({reason})")
                if isinstance(e, LookupError)
                else _("the XML declares an encoding that cannot be read ({reason})")
            )
            raise ImportFailed(
                str(path),
                _("line 1"),
                said.format(reason=e),
                hint=_("the backup may be cut short or damaged; make it again"),
            ) from None


def _reason(error: ET.ParseError) -> str:
    return str(error).split(":")[0]


def _value(element: ET.Element, name: str) -> str | None:
    value = element.get(name)
    return None if value is None or value == "null" else value


def _element(tag: str, n: int) -> str:
    """Where in a backup: the ``n``-th element named ``tag`` (call, sms, mms)."""
    return _("<{tag}> element {n}").format(tag=tag, n=n)


def _when(path: Path, stamp: str | None, tag: str, n: int, options: Options) -> datetime:
    if stamp is None:
        raise ImportFailed(
            str(path),
            _element(tag, n),
            _("no date attribute"),
            hint=_("the backup was changed or damaged; make it again with SMS Backup & Restore"),
        )
    if not ascii_digits(stamp.removeprefix("-")) or len(stamp) > 16:
        raise ImportFailed(
            str(path),
            _element(tag, n),
            _("date={stamp!r} is not epoch milliseconds").format(stamp=stamp[:40]),
        )
    try:
        when = _EPOCH + timedelta(milliseconds=int(stamp))  # exact: no float on the way
    except OverflowError:
        raise ImportFailed(
            str(path),
            _element(tag, n),
            _("date={stamp!r} is not a possible date").format(stamp=stamp),
        ) from None
    return check_date(str(path), _element(tag, n), when, f"date={stamp}", options)


def parse_calls(path: Path, options: Options) -> Parsed:
    n = 0
    platform = options.platform or "phone"
    others = options.others
    for element in _events(path, {"call"}):
        n += 1
        if others is not None and others(n - 1):
            yield None
            continue
        raw = dict(element.attrib)
        raw.pop("readable_date", None)
        stamp = raw.get("date")
        if stamp == "null":
            stamp = None
        number = raw.get("number", "")
        if number == "null":
            number = ""
        key_number = number
        presentation = raw.get("presentation") or "1"
        if presentation == "null":
            presentation = "1"
        if presentation != "1" and number in ("", "-1", "-2", "-3"):
            number = {"2": "-2", "4": "-3"}.get(presentation, "-1")
        elif presentation != "1":
            number = "-1"  # Android blanks restricted numbers; never trust what is left
        type_ = raw.get("type", "")
        if type_ == "null":
            type_ = ""
        direction, outcome = CALL_TYPES.get(type_, (None, None))
        duration = raw.get("duration")
        details: dict[str, object] = {}
        if direction:
            details["direction"] = direction
        if duration and ascii_digits(duration) and len(duration) > 9:  # more than 31 years
            raise ImportFailed(
                str(path),
                _element("call", n),
                _("duration={duration!r} is not a number of seconds a call lasts").format(
                    duration=duration[:40] + ("…" if len(duration) > 40 else "")
                ),
                hint=_(
                    "the backup was changed or damaged; make it again with SMS Backup & Restore"
                ),
            )
        seconds = int(duration) if duration and ascii_digits(duration) else None
        if direction == "out" and seconds:
            outcome = "answered"
        if outcome:
            details["outcome"] = outcome
        if seconds is not None:
            details["duration"] = seconds
        details["source_type"] = CALL_TYPE_NAMES.get(type_, type_)
        yield Draft(
            key=f"{stamp}|{key_number}|{type_}",
            kind="call",
            occurred_at=_when(path, stamp, "call", n, options),
            platform=platform,
            counterparty=number,
            details=details,
            raw=raw,
        )
    if n == 0:
        yield Skipped(_("the file"), _("the backup holds no calls"))


_PLACEHOLDER = "insert-address-token"  # Android's From on a sent MMS: nobody's address


def parse_sms(path: Path, options: Options) -> Parsed:
    n = 0
    others = options.others
    for element in _events(path, {"sms", "mms"}):
        n += 1
        if others is not None and others(n - 1):
            yield None
            continue
        raw: dict[str, object]
        if element.tag == "sms":
            box = SMS_BOX.get(_value(element, "type") or "", "in")
            text = _value(element, "body") or ""
            address = _value(element, "address") or ""
            raw = {
                k: v
                for k, v in sorted(element.attrib.items())
                if k not in ("readable_date", "body")
            }
            read = _value(element, "read")
            opened = None if read is None else read == "1"
        else:
            box = {"1": "in", "2": "out"}.get(_value(element, "msg_box") or "", "in")
            parts = element.findall("./parts/part")
            text = "\n".join(
                p.get("text") or "" for p in parts if (p.get("ct") or "").startswith("text/")
            )
            # The other party: the sender (137) of a received MMS; of a sent one, the first
            # recipient (151): Android writes the placeholder "insert-address-token" as its From.
            wanted = "151" if box == "out" else "137"
            parties = [
                a.get("address") or ""
                for a in element.findall("./addrs/addr")
                if a.get("type") == wanted and a.get("address") not in (None, "", _PLACEHOLDER)
            ]
            address = parties[0] if parties else (_value(element, "address") or "")
            if address == _PLACEHOLDER:
                address = ""
            raw = {k: v for k, v in sorted(element.attrib.items()) if k != "readable_date"}
            raw["parts"] = [
                {
                    "ct": p.get("ct"),
                    "name": p.get("name") or p.get("cl"),
                    "bytes": (len(p.get("data") or "") * 3) // 4,
                }
                for p in parts
                if not (p.get("ct") or "").startswith(("text/", "application/smil"))
            ]
            opened = None
        if box == "draft":
            yield Skipped(_element(element.tag, n), _("a draft that was never sent"))
            continue
        details: dict[str, object] = {"direction": box, "text": text}
        if opened is not None and box == "in":
            details["opened"] = opened
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        yield Draft(
            key="|".join(
                (
                    element.tag,
                    _value(element, "date") or "",
                    _value(element, "address") or "",
                    box,
                    digest,
                )
            ),
            kind="message",
            occurred_at=_when(path, _value(element, "date"), element.tag, n, options),
            platform=options.platform or "sms",
            counterparty=address,
            details=details,
            raw=raw,
        )
