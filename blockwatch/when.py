"""When something happened: ISO 8601 or natural phrases in English, Russian and Kazakh.

A thin layer over ``dateparser`` and ``zoneinfo``.  A time without an offset is read in the
vault's IANA zone (never a fixed offset: Asia/Almaty moved from UTC+6 to UTC+5 in 2024).
Stored values are RFC 3339 strings with the offset that applied at that instant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from blockwatch.errors import InputError
from blockwatch.i18n import LANGS, _

LANGUAGES = list(LANGS)  # what dateparser reads: the languages blockwatch speaks
FUTURE_SLACK = timedelta(minutes=5)  # clocks drift; anything later is a typo


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            _("unknown time zone {zone}").format(zone=repr(name)),
            hint=_("use an IANA name such as Asia/Almaty or Europe/London"),
        ) from None


def system_zone_name(default: str = "Asia/Almaty") -> str:
    """The computer's IANA zone name, or ``default`` when it has none we can name."""
    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name()
    except Exception:  # tzlocal raises several kinds on odd systems; any of them means "unknown"
        return default
    if not name or name in ("UTC", "Etc/UTC", "localtime"):
        return default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
    return name


def parse_when(text: str, zone_name: str, now: datetime, *, allow_future: bool = False) -> datetime:
    """Read ``text`` as an instant; naive times are in ``zone_name``; ``now`` is aware."""
    tz = zone(zone_name)
    phrase = text.strip()
    if not phrase:
        raise InputError(
            _("an empty time was given"),
            hint=_("e.g. --at '2026-07-04 21:05' or 'yesterday 19:04'"),
        )
    try:
        when = datetime.fromisoformat(phrase)
    except ValueError:
        when = _natural(phrase, tz, now)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    if not allow_future and when > now + FUTURE_SLACK:
        raise InputError(
            _("{text} is in the future ({when})").format(
                text=repr(text), when=format_instant(when, zone_name)
            ),
            hint=_("check the date and the day/month order; times are read in {zone}").format(
                zone=zone_name
            ),
        )
    return when


# The phrase a journalist types most, right after the fact: "yesterday 19:04", "вчера в 19:04",
# "кеше 19:04", "today 09:30".  Read directly, it spares dateparser's first-call set-up (~180 ms
# of regular expressions); tests/test_phones_and_time.py checks it agrees with dateparser.
_DAY_WORDS = {"today": 0, "сегодня": 0, "бүгін": 0, "yesterday": 1, "вчера": 1, "кеше": 1}
_DAY_AND_TIME = re.compile(
    r"(?P<day>today|yesterday|сегодня|вчера|бүгін|кеше)(?:\s+(?:at|в))?\s+(?P<h>\d{1,2})[:.](?P<m>\d{2})",
    re.IGNORECASE,
)


def _day_and_time(phrase: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    m = _DAY_AND_TIME.fullmatch(phrase)
    if not m:
        return None
    if int(m["h"]) > 23 or int(m["m"]) > 59:
        # dateparser would drop the impossible time and keep the day: never store that.
        raise InputError(
            _("{time} is not a time of day").format(time=f"{m['h']}:{m['m']}"),
            hint=_("hours go from 00 to 23 and minutes from 00 to 59, e.g. 'yesterday 19:04'"),
        )
    day = now.astimezone(tz).date() - timedelta(days=_DAY_WORDS[m["day"].lower()])
    return datetime(day.year, day.month, day.day, int(m["h"]), int(m["m"]))


def _natural(phrase: str, tz: ZoneInfo, now: datetime) -> datetime:
    quick = _day_and_time(phrase, tz, now)
    if quick is not None:
        return quick
    import dateparser

    base = now.astimezone(tz).replace(tzinfo=None)
    when: datetime | None = dateparser.parse(
        phrase,
        languages=LANGUAGES,
        settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "STRICT_PARSING": False},
    )
    if when is None:
        raise InputError(
            _("cannot read {text} as a date and time").format(text=repr(phrase)),
            hint=_(
                "use ISO 8601 (2026-07-04 21:05, 2026-07-04T21:05+05:00) "
                "or a phrase such as 'yesterday 19:04', 'вчера в 19:04', 'кеше 19:04'"
            ),
        )
    return when


def format_instant(when: datetime, zone_name: str | None = None) -> str:
    """RFC 3339 with the offset of ``zone_name`` (or of ``when`` itself), to the second."""
    if zone_name:
        when = when.astimezone(ZoneInfo(zone_name))
    return when.isoformat(timespec="seconds")


def utc_stamp(when: datetime) -> str:
    """The form of ``recorded_at``: RFC 3339 in UTC with a Z, to the second."""
    return when.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def parse_instant(stamp: str) -> datetime:
    """Read back a stored RFC 3339 instant."""
    return datetime.fromisoformat(stamp)
