"""Deadlines of appeals: "5 working days", "30 days", "1 month", in English, Russian, Kazakh.

A thin layer over ``holidays``: working days skip weekends and Kazakhstan's public holidays,
including days off moved by government decree and weekend days made working days, where the
library has them.  Calendar days, weeks and months count plainly (a month later is the same day
number, or the month's last day).  A deadline is a date in the vault's zone.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from blockwatch.errors import InputError
from blockwatch.i18n import _

CLOSED = ("answered", "rejected", "granted", "unavailable", "not-accepted")  # nothing to wait for

_UNITS = [
    ("working_days", r"(working|business|work)\s*days?|рабоч\w*\s*(дн\w*|день)|жұмыс\s*күн\w*"),
    ("days", r"(calendar\s*)?days?|(календарн\w*\s*)?(дн\w*|день)|күн\w*"),
    ("weeks", r"weeks?|недел\w*|апта\w*"),
    ("months", r"months?|месяц\w*|ай\w*"),
]
_LEAD = re.compile(r"^\s*(?:in\s+|через\s+|в\s+течение\s+)?", re.IGNORECASE)
_TAIL = re.compile(r"\s*(?:ішінде)?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _calendar(region: str) -> Any:
    import holidays

    return holidays.country_holidays(region)


@dataclass(frozen=True)
class Calendar:
    """The working days of a region: ``holidays``' calendar, with the days the user set
    (``blockwatch calendar``) as off or working, ISO dates."""

    region: str = "KZ"
    off: frozenset[str] = frozenset()
    working: frozenset[str] = frozenset()

    def is_working_day(self, day: date) -> bool:
        text = day.isoformat()
        if text in self.off:
            return False
        return text in self.working or bool(_calendar(self.region).is_working_day(day))

    def set_between(self, start: date, end: date) -> list[str]:
        """The days the user set, after ``start`` up to ``end``: a deadline counted over them
        says so."""
        return sorted(
            d for d in self.off | self.working if start.isoformat() < d <= end.isoformat()
        )


def is_working_day(day: date, region: str = "KZ") -> bool:
    return Calendar(region).is_working_day(day)


def add_working_days(start: date, n: int, region: str | Calendar = "KZ") -> date:
    """The n-th working day after ``start`` (``start`` itself never counts)."""
    days = region if isinstance(region, Calendar) else Calendar(region)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if days.is_working_day(day):
            counted += 1
    return day


def add_months(start: date, n: int) -> date:
    month = start.month - 1 + n
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_period(phrase: str) -> tuple[int, str]:
    """(number, unit) of a period, its number in digits or words ("5 working days", "пять
    рабочих дней", "бес жұмыс күні"); every word must be a part of it."""
    from blockwatch import numerals

    rest = _TAIL.sub("", _LEAD.sub("", phrase.lower(), count=1), count=1)
    number = numerals.leading_number(rest)
    if number is not None and 0 < number[0] < 1000:
        for unit, pattern in _UNITS:
            if re.fullmatch(pattern, number[1].strip(), re.IGNORECASE):
                return number[0], unit
    raise InputError(
        _("cannot read the period {phrase}").format(phrase=repr(phrase)),
        hint=_(
            "write e.g. '5 working days', '30 days', '2 weeks', '1 month' "
            "('5 рабочих дней', '30 дней', '1 месяц'; '5 жұмыс күні', '30 күн', '1 ай')"
        ),
    )


def due_after(start: date, phrase: str, region: str | Calendar = "KZ") -> date:
    n, unit = parse_period(phrase)
    if unit == "working_days":
        return add_working_days(start, n, region)
    if unit == "days":
        return start + timedelta(days=n)
    if unit == "weeks":
        return start + timedelta(weeks=n)
    return add_months(start, n)


def next_step(details: dict[str, Any], today: date) -> tuple[str, tuple[str, ...]] | None:
    """What the law makes of an appeal, and the letters that take the next step: (article,
    letters).  A state body's silence past the law's deadline is a deemed refusal (APPC art.
    91(2)), complained of to the higher body, or to the prosecutor as unlawful inaction; a
    report refused at the door goes to the prosecutor (CPC art. 185)."""
    from blockwatch import law

    if details.get("status") == "not-accepted":
        return "upk-185", ("prosecutor",)
    if details.get("due_basis") in law.ARTICLES and is_overdue(details, today):
        return "appk-91", ("complaint-higher-body", "prosecutor")
    return None


def is_overdue(details: dict[str, Any], today: date) -> bool:
    due = details.get("due")
    if not isinstance(due, str):
        return False
    return details.get("status") not in CLOSED and date.fromisoformat(due) < today
