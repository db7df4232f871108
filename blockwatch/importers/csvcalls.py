"""Call lists as CSV with a header: iExplorer-style iPhone exports and generic ones.

Facts: docs/IMPORT-FORMATS.md section 5.  Columns are found by their header names (English
or Russian), or named with ``--column-map number=Phone,date=When,…``; the fields are
``number``, ``date`` (required), ``time``, ``duration``, ``type``, ``contact``.  Dates without a
zone are in ``--timezone``; ambiguous numeric dates follow ``--date-order``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from blockwatch.i18n import _
from blockwatch.importers.base import Draft, ImportFailed, Options, Parsed, check_date

FIELDS = ("number", "date", "time", "duration", "type", "contact", "service")
ALIASES = {
    "number": (
        "unformatted number",
        "number",
        "phone",
        "phone number",
        "caller",
        "from",
        "номер",
        "телефон",
    ),
    "date": ("date", "datetime", "date/time", "timestamp", "time of call", "дата", "дата и время"),
    "time": ("time", "время"),
    "duration": ("duration", "duration (s)", "seconds", "длительность", "продолжительность"),
    "type": ("call type", "type", "direction", "тип", "тип звонка"),
    "contact": ("contact", "name", "контакт", "имя"),
    # iMazing-style exports name the app a call went through (WhatsApp, FaceTime…)
    "service": ("service", "app", "application", "сервис", "приложение"),
}
# A call's app, as the export names it -> the platform blockwatch records.
SERVICES = {
    "phone": "phone",
    "cellular": "phone",
    "telephone": "phone",
    "телефон": "phone",
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "signal": "signal",
    "facetime": "facetime",
    "facetime audio": "facetime",
    "facetime video": "facetime",
    "viber": "viber",
    "skype": "skype",
    "microsoft teams": "teams",
    "teams": "teams",
    "messenger": "messenger",
    "instagram": "instagram",
    "imo": "imo",
}
TYPES = {
    "incoming": ("in", "answered"),
    "received": ("in", "answered"),
    "входящий": ("in", "answered"),
    "outgoing": ("out", None),
    "dialed": ("out", None),
    "исходящий": ("out", None),
    "missed": ("in", "missed"),
    "пропущенный": ("in", "missed"),
    "rejected": ("in", "rejected"),
    "declined": ("in", "rejected"),
    "отклонённый": ("in", "rejected"),
    "blocked": ("in", "blocked"),
    "заблокированный": ("in", "blocked"),
    "voicemail": ("in", "missed"),
}
MAX_CSV_BYTES = 512 * 1024 * 1024
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9 ._+-]{0,39}")  # what incidents.platform accepts


def parse_map(text: str | None) -> dict[str, str]:
    """``number=Phone,date=When`` -> {"number": "Phone", "date": "When"}."""
    from blockwatch.errors import InputError

    if not text:
        return {}
    out = {}
    for pair in text.split(","):
        field, sep, column = pair.partition("=")
        if not sep or field.strip() not in FIELDS or not column.strip():
            raise InputError(
                _("--column-map {pair!r} is not FIELD=COLUMN").format(pair=pair),
                hint=_("fields: {values}; e.g. --column-map number=Phone,date=When").format(
                    values=", ".join(FIELDS)
                ),
            )
        out[field.strip()] = column.strip()
    return out


def parse(path: Path, options: Options) -> Parsed:
    with open(path, "rb") as f:
        data = f.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise ImportFailed(str(path), None, _("the CSV is larger than 512 MiB"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFailed(
            str(path),
            _("byte {byte}").format(byte=e.start),
            _("not UTF-8 text"),
            hint=_("save the CSV as UTF-8"),
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed(str(path), _("line 1"), _("the CSV is empty")) from None
    except csv.Error as e:
        raise _broken(path, reader, e) from None
    columns = _columns(path, header, options.column_map)
    tz = ZoneInfo(options.timezone)
    yield from _rows(path, reader, header, columns, options, tz)


def _broken(path: Path, reader: Any, error: csv.Error) -> ImportFailed:
    """A CSV the csv module cannot read (a field over its 128 KiB limit, a stray quote)."""
    return ImportFailed(
        str(path),
        _("line {line}").format(line=reader.line_num),
        _("not a readable CSV row ({reason})").format(reason=error),
        hint=_("the file may be damaged; export it again"),
    )


def _rows(
    path: Path,
    reader: Any,
    header: list[str],
    columns: dict[str, int],
    options: Options,
    tz: ZoneInfo,
) -> Parsed:
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            raise _broken(path, reader, e) from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportFailed(
                str(path),
                _("line {line}").format(line=line),
                _("{count} cells where the header has {count2}").format(
                    count=len(row), count2=len(header)
                ),
            )
        cell = {f: row[i].strip() for f, i in columns.items()}
        raw = {header[i]: row[i] for i in range(len(header))}
        when = _when(path, line, cell.get("date", ""), cell.get("time"), options, tz)
        direction, outcome = TYPES.get(cell.get("type", "").casefold(), (None, None))
        details: dict[str, object] = {}
        if direction:
            details["direction"] = direction
        seconds = _duration(cell.get("duration"))
        if seconds is not None:
            details["duration"] = seconds
            if direction == "out" and seconds:
                outcome = "answered"
        if outcome:
            details["outcome"] = outcome
        if cell.get("type"):
            details["source_type"] = cell["type"]
        number = cell.get("number", "")
        service = cell.get("service", "")
        platform = options.platform or SERVICES.get(service.casefold())
        if platform is None and _PLATFORM.fullmatch(service.casefold()):
            platform = service.casefold()  # an app we have no entry for, named as it is
        yield Draft(
            f"{when.isoformat()}|{number}|{cell.get('type', '')}"
            + (f"|{service.casefold()}" if service else ""),
            "call",
            when,
            platform or "phone",
            number,
            details,
            raw,
        )


def _columns(path: Path, header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    names = [h.strip().casefold() for h in header]
    found: dict[str, int] = {}
    for field in FIELDS:
        wanted = [mapping[field].casefold()] if field in mapping else list(ALIASES[field])
        for alias in wanted:
            if alias in names:
                found[field] = names.index(alias)
                break
        else:
            if field in mapping:
                raise ImportFailed(
                    str(path),
                    _("line 1"),
                    _("--column-map names column {value!r}, which the header does not have").format(
                        value=mapping[field]
                    ),
                    hint=_("the header is: {values}").format(values=", ".join(header)),
                )
    if "number" not in found or "date" not in found:
        raise ImportFailed(
            str(path),
            _("line 1"),
            _("unknown CSV layout: no number and date columns in the header"),
            hint=_(
                "name them with --column-map number=COLUMN,date=COLUMN (header: {values})"
            ).format(values=", ".join(header)[:200]),
        )
    if found.get("time") == found["date"]:
        del found["time"]
    return found


_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)


def _when(
    path: Path, line: int, date: str, time: str | None, options: Options, tz: ZoneInfo
) -> datetime:
    text = f"{date} {time}".strip() if time else date
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
        for fmt in _FORMATS:
            try:
                when = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if when is None:
            when = _loose(text, options)
    if when is None:
        raise ImportFailed(
            str(path),
            _("line {line}").format(line=line),
            _("cannot read the date {text!r}").format(text=text),
            hint=_("use ISO dates, or give --date-order dmy|mdy"),
        )
    when = when.replace(tzinfo=tz) if when.tzinfo is None else when
    return check_date(str(path), _("line {line}").format(line=line), when, text, options)


def _loose(text: str, options: Options) -> datetime | None:
    """US/European numeric dates ("7/4/2026 9:05 PM"): need a known day/month order."""
    m = re.fullmatch(
        r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?",
        text,
    )
    if not m:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    order = options.date_order or ("dmy" if a > 12 else "mdy" if b > 12 or m[7] else None)
    if order is None:
        return None
    day, month = (a, b) if order == "dmy" else (b, a)
    hour = int(m[4])
    if m[7]:
        hour = hour % 12 + (12 if m[7].lower() == "pm" else 0)
    try:
        return datetime(
            year + 2000 if year < 100 else year, month, day, hour, int(m[5]), int(m[6] or 0)
        )
    except ValueError:
        return None


def _duration(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text) if len(text) <= 9 else None  # more than 31 years: not a call's
    m = re.fullmatch(r"(?:(\d{1,6}):)?(\d{1,2}):(\d{2})", text)
    if m:
        return int(m[1] or 0) * 3600 + int(m[2]) * 60 + int(m[3])
    return None
