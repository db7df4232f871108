"""What every importer shares: the options it is given, what it yields, how it fails.

An importer turns an export file into ``Draft`` records (or ``Skipped`` notes); it never touches
the database.  ``ImportFailed`` names the file, the place in it and what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from blockwatch.errors import InputError
from blockwatch.i18n import _

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
    # Instants a phone or app can have written: from EARLIEST to ``latest`` (the import's own
    # time plus a day, set by the importer).  Outside them a date is refused, unless the user
    # says the file is right (``--accept-odd-dates``).
    latest: datetime | None = None
    accept_odd_dates: bool = False
    # The vault's key for records' uids (set by the importer from the vault; see record_uid)
    uid_key: str | None = None


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def check_date(file: str, where: str, when: datetime, written: str, options: Options) -> datetime:
    """``when`` if it is a date a phone could have recorded; else ImportFailed naming it."""
    if options.accept_odd_dates:
        return when
    if when < EARLIEST:
        message = _("{written} is {when}, before 2000")
        hint = _(
            "a date in seconds where milliseconds are expected looks like this; if the file "
            "is right, import it with --accept-odd-dates"
        )
    elif options.latest is not None and when > options.latest:
        message = _("{written} is {when}, in the future")
        hint = _(
            "a date in milliseconds where seconds are expected, or a phone's wrong clock, "
            "looks like this; if the file is right, import it with --accept-odd-dates"
        )
    else:
        return when
    shown = when.strftime("%Y-%m-%d %H:%M:%S %Z")
    raise ImportFailed(file, where, message.format(written=written, when=shown), hint=hint)


def ascii_digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit`` also takes other scripts' digits ("١٧٨٣"), which ``int`` reads
    but no phone app writes in these fields."""
    return text.isascii() and text.isdigit()


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


def load_json(path: Any, data: bytes) -> Any:
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
