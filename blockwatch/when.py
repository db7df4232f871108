"""When something happened: ISO 8601, or a date and time as people write them in English,
Russian and Kazakh.

Strict on purpose.  A phrase is read only if every word and number in it is understood:
"кеше сағат 19:10", "вчера в 7 вечера", "4 шілдеде 20:41", "5 июля в 10 утра",
"yesterday at 7pm", "04.07.2026 20:41", "3 hours ago".  Anything left over -- a word it does
not know, an hour whose role is unclear, a day without a time ("вчера вечером") -- is refused
with a hint, never dropped: evidence with a wrong date is worse than none.  (dateparser, tried
first, reads far more but silently ignores what it does not understand.)

Numeric dates follow the order of the vault's home region, as CLDR records it (day first in
Kazakhstan, Russia and most of the world, month first in the United States); ``--date-order``
overrides it.  A date impossible in that order is refused, never flipped.  Where a region writes
the year first (Canada, China, Japan…) a day and month that could be either are refused.

A time without an offset is read in the vault's IANA zone (never a fixed offset: Asia/Almaty
moved from UTC+6 to UTC+5 in 2024).  Stored values are RFC 3339 strings with the offset that
applied at that instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from blockwatch import numerals
from blockwatch.errors import InputError
from blockwatch.i18n import N_, _

FUTURE_SLACK = timedelta(minutes=5)  # clocks drift; anything later is a typo
ORDERS = ("dmy", "mdy")  # how a numeric date is read: 04.07.2026 is 4 July, 07/04/2026 too
ANY_ORDER = "any"  # before the vault is open: readable in some order


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


def date_order(region: str | None, override: str | None = None) -> str | None:
    """How numeric dates are read: ``override`` (``--date-order``), else the order ``region``
    writes them in ("dmy" or "mdy"), else None where it writes the year first: then a day and
    month that could be either are refused."""
    if override:
        return check_order(override)
    return _region_order(region) if region else "dmy"


def check_order(value: str) -> str:
    order = value.strip().lower()
    if order not in ORDERS:
        raise InputError(
            _("unknown date order {order}").format(order=repr(value)),
            hint=_("use dmy (04.07.2026 is 4 July) or mdy (07/04/2026 is 4 July)"),
        )
    return order


@lru_cache(maxsize=8)
def _region_order(region: str) -> str | None:
    """The order of the region's short date format in CLDR (kk_KZ dd.MM.yy, en_US M/d/yy)."""
    from babel import Locale, UnknownLocaleError, languages

    spoken = languages.get_official_languages(region, de_facto=True)
    for name in (f"{spoken[0]}_{region}", spoken[0]) if spoken else ():
        try:
            pattern = Locale.parse(name).date_formats["short"].pattern
        except (ValueError, UnknownLocaleError):
            continue
        first = next((c for c in pattern if c in "dMy"), "d")
        return {"d": "dmy", "M": "mdy"}.get(first)
    return "dmy"


def parse_when(
    text: str,
    zone_name: str,
    now: datetime,
    *,
    order: str | None = None,
    region: str | None = None,
    allow_future: bool = False,
) -> datetime:
    """Read ``text`` as an instant; naive times are in ``zone_name``; ``now`` is aware.
    Numeric dates are read in ``order`` (--date-order; ``ANY_ORDER``: readable in some order),
    else in the order of the home ``region`` (``date_order``), looked up only when needed."""
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
        when = _Phrase(phrase, tz, now, order, region).read()
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


def spoken(
    moment: datetime,
    zone_name: str | None = None,
    *,
    lang: str | None = None,
    seconds: bool = False,
) -> str:
    """An instant in words, in ``lang`` (the run's language by default), with its offset:
    ``4 июля 2026, 20:41 (UTC+05:00)``; seconds when asked for or when there are some.  The
    line that confirms what was stored, and the report's times."""
    from babel.dates import format_datetime

    from blockwatch import i18n

    if zone_name:
        moment = moment.astimezone(ZoneInfo(zone_name))
    pattern = "d MMMM y, HH:mm:ss" if seconds or moment.second else "d MMMM y, HH:mm"
    offset = moment.strftime("%z") or "+0000"
    text = format_datetime(moment, pattern, locale=lang or i18n.language())
    return f"{text} (UTC{offset[:3]}:{offset[3:5]})"


def spoken_day(day: date, *, lang: str | None = None) -> str:
    """A day in words, in ``lang`` (the run's language by default): ``27 июля 2026``."""
    from babel.dates import format_date

    from blockwatch import i18n

    return str(format_date(day, "d MMMM y", locale=lang or i18n.language()))


def interval(seconds: int, *, lang: str | None = None) -> str:
    """A length of time in words, exactly, in ``lang`` (the run's language by default): days,
    hours and minutes (and seconds under an hour), each with its plural form --
    ``2 часа 48 минут``, ``1 минута 35 секунд``.  The one formatter of intervals for ``stats``,
    the report and the letters (issue 15)."""
    from babel.units import format_unit

    from blockwatch import i18n

    locale = lang or i18n.language()
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        (days, "duration-day"),
        (hours, "duration-hour"),
        (minutes, "duration-minute"),
        (secs if total < 3600 else 0, "duration-second"),
    ]
    said = [format_unit(n, unit, length="long", locale=locale) for n, unit in parts if n]
    return " ".join(said) or format_unit(0, "duration-second", length="long", locale=locale)


def warm() -> None:
    """Load what ``spoken`` needs (babel and the run's CLDR data: ~80 ms), e.g. while a key is
    derived."""
    spoken(datetime(2000, 1, 1, tzinfo=UTC))


# ----------------------------------------------------------------------- phrases people write

_HINT = N_(
    "use ISO 8601 (2026-07-04 21:05, 2026-07-04T21:05+05:00) "
    "or a phrase such as 'yesterday 19:04', 'вчера в 7 вечера', 'кеше сағат 19:10'"
)
_DAYS = {
    "today": 0,
    "сегодня": 0,
    "бүгін": 0,
    "yesterday": 1,
    "вчера": 1,
    "кеше": 1,
    "позавчера": 2,
    "tomorrow": -1,
    "завтра": -1,
    "ертең": -1,
}
_SAME_AS = [  # phrases of several words, said as one
    (re.compile(r"\b(?:the\s+)?day\s+before\s+yesterday\b"), "позавчера"),
    (re.compile(r"\bалдыңғы\s+күні\b"), "позавчера"),
    (re.compile(r"\bright\s+now\b|\bjust\s+now\b"), "now"),
]
_NOW = {"now", "сейчас", "қазір"}
_FILLERS = {"at", "on", "the", "of", "в", "во", "г", "года", "год", "ж", "жылы", "жылғы", "сағат"}
_BEFORE_HOUR = {"at", "в", "во", "сағат"}  # "в 7 вечера", "at 7pm", "сағат 7-де"
# A part of the day: it makes "7" an hour and says which 7 (Russian "7 вечера", English
# "7pm", Kazakh "кешкі 7-де").  Alone ("вчера вечером") it is too vague to store.
_PERIODS = {
    "am": "am",
    "pm": "pm",
    "утра": "morning",
    "утром": "morning",
    "таңғы": "morning",
    "таңертең": "morning",
    "morning": "morning",
    "дня": "day",
    "днем": "day",
    "түскі": "day",
    "түсте": "day",
    "күндізгі": "day",
    "күндіз": "day",
    "afternoon": "day",
    "вечера": "evening",
    "вечером": "evening",
    "кешкі": "evening",
    "кешке": "evening",
    "evening": "evening",
    "ночи": "night",
    "ночью": "night",
    "түнгі": "night",
    "түнде": "night",
    "night": "night",
    "tonight": "evening",
}
# Which hours each part of the day allows, and what it adds to them.
_IN_PERIOD = {
    "am": ({12: 0} | {h: h for h in range(1, 12)}),
    "pm": ({12: 12} | {h: h + 12 for h in range(1, 12)} | {h: h for h in range(13, 24)}),
    "morning": {h: h for h in range(0, 12)},
    "day": ({12: 12} | {h: h + 12 for h in range(1, 6)} | {h: h for h in range(13, 18)}),
    "evening": ({h: h + 12 for h in range(4, 12)} | {h: h for h in range(16, 24)}),
    "night": (
        {12: 0}
        | {h: h for h in range(0, 6)}
        | {h: h + 12 for h in range(9, 12)}
        | {h: h for h in range(21, 24)}
    ),
}
_KK_CASE = r"(?:-?(?:да|де|та|те))?"  # Kazakh locative: "19:10-да", "7-де", "шілдеде"
_CLOCK = re.compile(rf"(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?{_KK_CASE}")
_HOUR = re.compile(r"(\d{1,2})(-?(?:да|де|та|те))?")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th|-го|-е|-і|-ы)")
_YEAR = re.compile(r"((?:19|20)\d{2})(?:г|ж)?\.?")
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})(?:\2(\d{1,4}))?\.?")
_AGO_UNITS = [
    (timedelta(minutes=1), r"minutes?|mins?|минут[ауы]?|мин\.?"),
    (timedelta(hours=1), r"hours?|hrs?|час(?:а|ов)?|ч\.?|сағат"),
    (timedelta(days=1), r"days?|день|дня|дней|сутки|суток|күн"),
    (timedelta(weeks=1), r"weeks?|недел[юиь]|недель|апта"),
]
_AGO = re.compile(r"(?P<rest>.*?)\s*(?:ago|назад|бұрын)")


@dataclass
class _Phrase:
    """One phrase, read word by word; every word must find its place (see the module doc)."""

    text: str
    tz: ZoneInfo
    now: datetime
    order: str | None
    region: str | None
    day: date | None = None
    clock: tuple[int, int, int] | None = None
    period: tuple[str, str] | None = None  # (part of the day, the word that said it)
    year: int | None = None
    month: int | None = None
    month_day: int | None = None
    dotted: str | None = None  # "19.10": a time or a day and month, decided by the rest
    relative: bool = False  # the day was a word ("вчера"): then it needs its time
    said: set[str] = field(default_factory=set)

    def read(self) -> datetime:
        words = self._normalised().split()
        ago = self._ago(" ".join(words))
        if ago is not None:
            return ago
        if any(w in _NOW for w in words):
            for word in words:  # "now" stands alone: a second word is refused
                self._once("now") if word in _NOW else self._not_understood(word)
            return self.now.astimezone(self.tz).replace(tzinfo=None, microsecond=0)
        for word in words:  # a word nobody here would write is named first
            if not _known(word):
                self._not_understood(word)
        for i, word in enumerate(words):
            self._word(word, words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else "")
        return self._instant()

    def _normalised(self) -> str:
        text = self.text.lower().replace("ё", "е").replace(",", " ")
        text = re.sub(r"(\d)\s*([ap])\.?m\.?(?=\s|$)", r"\1 \2m", text)
        for pattern, same in _SAME_AS:
            text = pattern.sub(same, text)
        return text

    def _ago(self, text: str) -> datetime | None:
        m = _AGO.fullmatch(text)
        if not m:
            return None
        number = numerals.leading_number(m["rest"])
        n, unit = number if number else (1, m["rest"])
        for step, pattern in _AGO_UNITS:
            if re.fullmatch(pattern, unit.strip()):
                moment = self.now.replace(microsecond=0) - n * step
                return moment.astimezone(self.tz).replace(tzinfo=None)
        self._not_understood(m["rest"].strip() or text)

    def _word(self, word: str, before: str, after: str) -> None:
        if word in _FILLERS or word.rstrip(".") in _FILLERS:
            return
        if word in _DAYS:
            self._once("day")
            today = self.now.astimezone(self.tz).date()
            self.day = today - timedelta(days=_DAYS[word])
            self.relative = True
        elif word in _PERIODS:
            self._once("period")
            self.period = (_PERIODS[word], word)
        elif (m := _CLOCK.fullmatch(word)) is not None:
            self._time(int(m[1]), int(m[2]), int(m[3] or 0), word)
        elif (m := _ORDINAL.fullmatch(word)) is not None:
            self._month_day(int(m[1]))
        elif (m := _YEAR.fullmatch(word)) is not None:
            self._once("year")
            self.year = int(m[1])
        elif (m := _NUMERIC.fullmatch(word)) is not None:
            if m[2] == "." and m[4] is None:
                self._once("dotted")
                self.dotted = word.rstrip(".")
            else:
                self._once("day")
                self.day = self._numeric(word, m[1], m[3], m[4])
        elif (m := _HOUR.fullmatch(word)) is not None:
            self._number(int(m[1]), bool(m[2]), word, before, after)
        elif (month := _month(word)) is not None:
            self._once("month")
            self.month = month
        else:
            self._not_understood(word)

    def _number(self, n: int, kk_case: bool, word: str, before: str, after: str) -> None:
        """A number alone: the day of a named month, or an hour said with "в", "at", "сағат",
        a Kazakh case ending or a part of the day; nothing else."""
        if _month(after) is not None or (_month(before) is not None and not kk_case):
            self._month_day(n)
        elif kk_case or before in _BEFORE_HOUR or after in _PERIODS or before in _PERIODS:
            self._time(n, 0, 0, word)
        else:
            raise InputError(
                _("cannot tell what {number} is in {text}").format(
                    number=repr(word), text=repr(self.text)
                ),
                hint=_(
                    "write a time with its minutes (19:00) and a date with its month "
                    "(4 July, 04.07.2026)"
                ),
            )

    def _month_day(self, n: int) -> None:
        self._once("month day")
        self.month_day = n

    def _time(self, h: int, m: int, s: int, word: str) -> None:
        self._once("time")
        if h > 23 or m > 59 or s > 59:
            raise InputError(
                _("{time} is not a time of day").format(time=word),
                hint=_("hours go from 00 to 23 and minutes from 00 to 59, e.g. 'yesterday 19:04'"),
            )
        self.clock = (h, m, s)

    def _once(self, part: str) -> None:
        if part in self.said:
            raise InputError(
                _("{text} gives more than one date or time").format(text=repr(self.text)),
                hint=_(_HINT),
            )
        self.said.add(part)

    def _not_understood(self, word: str) -> NoReturn:
        raise InputError(
            _("cannot read {text} as a date and time: {word} is not understood").format(
                text=repr(self.text), word=repr(word)
            ),
            hint=_(_HINT),
        )

    def _numeric(self, word: str, a: str, b: str, c: str | None) -> date:
        """A numeric date (04.07.2026, 07/04/2026, 2026-07-04, 04.07) in the run's order."""
        if len(a) == 4:  # the year first is never ambiguous
            if c is None:
                self._not_understood(word)
            return self._calendar(word, int(a), int(b), int(c or 0))
        year = None if c is None else int(c) + (2000 if len(c) == 2 else 0)
        if c is not None and len(c) not in (2, 4):
            self._not_understood(word)
        readings = {}
        for order in ORDERS:
            day, month = (int(a), int(b)) if order == "dmy" else (int(b), int(a))
            try:
                readings[order] = self._dated(year, month, day)
            except ValueError:
                continue
        wanted = self.order or date_order(self.region)
        if wanted in ORDERS:
            if wanted not in readings:
                raise InputError(
                    (
                        _("{date} is not a date when read day first (day.month.year)")
                        if wanted == "dmy"
                        else _("{date} is not a date when read month first (month/day/year)")
                    ).format(date=repr(word)),
                    hint=_(
                        "check the numbers: the order follows the vault's home region, "
                        "and --date-order dmy or mdy changes it"
                    ),
                )
            return readings[wanted]
        if not readings:
            raise InputError(
                _("{date} is not a date, read day first or month first").format(date=repr(word)),
                hint=_("check the day and the month, e.g. 04.07.2026 or 2026-07-04"),
            )
        if wanted is None and len(set(readings.values())) > 1:
            raise InputError(
                _("{date} can be read day first or month first").format(date=repr(word)),
                hint=_("write it as 2026-07-04, or give --date-order dmy or mdy"),
            )
        return next(iter(readings.values()))

    def _calendar(self, word: str, year: int | None, month: int, day: int) -> date:
        try:
            return self._dated(year, month, day)
        except ValueError:
            raise InputError(
                _("{date} is not a date").format(date=repr(word)),
                hint=_("check the day and the month, e.g. 04.07.2026 or 2026-07-04"),
            ) from None

    def _dated(self, year: int | None, month: int, day: int) -> date:
        """The date; without a year, the last such day up to today (the past is preferred)."""
        if year is not None:
            return date(year, month, day)
        today = self.now.astimezone(self.tz).date()
        if month == 2 and day == 29:  # the last 29 February, however far back
            year = today.year
            while True:
                try:
                    if (found := date(year, 2, 29)) <= today:
                        return found
                except ValueError:
                    pass
                year -= 1
        found = date(today.year, month, day)
        return found if found <= today else found.replace(year=today.year - 1)

    def _instant(self) -> datetime:
        if self.dotted is not None:
            self._dotted()
        if self.month is not None or self.month_day is not None:
            self._named_date()
        elif self.year is not None:
            self._not_understood(str(self.year))
        if self.period is not None:
            self._apply_period()
        if self.clock is None:
            if self.day is None:
                self._not_understood(self.text)
            if self.relative or self.period is not None:
                raise InputError(
                    _("{text} does not say at what time").format(text=repr(self.text)),
                    hint=_("add the time, e.g. 'yesterday 19:04', 'вчера в 19:04', 'кеше 19:04'"),
                )
        day = self.day or self.now.astimezone(self.tz).date()
        h, m, s = self.clock or (0, 0, 0)
        return datetime(day.year, day.month, day.day, h, m, s)

    def _dotted(self) -> None:
        """ "19.10" is a time when the phrase has its day, a day and month when it has a time."""
        assert self.dotted is not None
        a, b = self.dotted.split(".")
        if self.clock is not None and "day" not in self.said:
            self._once("day")
            self.day = self._numeric(self.dotted, a, b, None)
        elif self.clock is None and ("day" in self.said or "month" in self.said):
            self._time(int(a), int(b), 0, self.dotted)
        else:
            raise InputError(
                _("{text} can be a date or a time").format(text=repr(self.dotted)),
                hint=_("write 19:10 for a time, or 19.10.2026 for a date"),
            )

    def _named_date(self) -> None:
        if self.month is None or self.month_day is None:
            self._not_understood(str(self.month_day or self.text))
        self._once("day")
        assert self.month is not None and self.month_day is not None
        self.day = self._calendar(self.text, self.year, self.month, self.month_day)

    def _apply_period(self) -> None:
        assert self.period is not None
        part, word = self.period
        if self.clock is None:
            return
        h, m, s = self.clock
        if h not in _IN_PERIOD[part]:
            raise InputError(
                _("{hour} does not go with {word}").format(hour=f"{h}:{m:02d}", word=repr(word)),
                hint=_("write the time as 19:00, or e.g. '7 вечера', '7pm', 'кешкі 7-де'"),
            )
        self.clock = (_IN_PERIOD[part][h], m, s)


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names as CLDR writes them in the three languages (babel), wide and abbreviated,
    in both grammatical forms (июля, июль), with the Kazakh locative (шілдеде)."""
    from babel import Locale

    from blockwatch.i18n import LANGS

    names: dict[str, int] = {}
    for lang in LANGS:
        months = Locale.parse(lang).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    name = name.lower().replace("ё", "е")
                    names[name] = number
                    if width == "wide" and lang == "kk":
                        for ending in ("да", "де", "та", "те"):
                            names[name + ending] = number
                    if width == "abbreviated" and lang != "kk":
                        names.setdefault(name.rstrip("."), number)  # "сент", "Jul"
    return names


def _known(word: str) -> bool:
    if word in _FILLERS or word.rstrip(".") in _FILLERS or word in _DAYS or word in _PERIODS:
        return True
    shapes = (_CLOCK, _ORDINAL, _YEAR, _NUMERIC, _HOUR)
    return any(p.fullmatch(word) for p in shapes) or _month(word) is not None


def _month(word: str) -> int | None:
    if not word or not word[0].isalpha():
        return None
    return _months().get(word) or (_months().get(word[:-1]) if word.endswith(".") else None)


def format_instant(when: datetime, zone_name: str | None = None) -> str:
    """RFC 3339 with the offset of ``zone_name`` (or of ``when`` itself), to the second."""
    if zone_name:
        when = when.astimezone(ZoneInfo(zone_name))
    return when.isoformat(timespec="seconds")


def utc_stamp(when: datetime) -> str:
    """The form of ``recorded_at``: RFC 3339 in UTC with a Z, to the second."""
    return when.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def from_posix(seconds: int) -> datetime:
    """A POSIX time (seconds since the Epoch) as an instant in UTC."""
    return datetime.fromtimestamp(seconds, UTC)


def parse_instant(stamp: str) -> datetime:
    """Read back a stored RFC 3339 instant."""
    return datetime.fromisoformat(stamp)
