"""The pattern in the incidents: counts, countries, the busiest hour, the time to a block (pure).

``summarize`` takes incident views (the shared JSON shape) and returns plain numbers and lists
that the report, the letters and ``stats --json`` share.  Times are compared as instants;
days are counted in the vault's zone.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WINDOW = timedelta(minutes=60)


def _at(view: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(view["occurred_at"])


def call_origin(view: dict[str, Any]) -> str:
    """foreign, domestic, withheld or unknown: where a call or message came from."""
    party = view.get("counterparty") or {}
    if party.get("type") == "withheld":
        return "withheld"
    if party.get("foreign") is True:
        return "foreign"
    if party.get("foreign") is False:
        return "domestic"
    return "unknown"


def busiest_window(times: list[datetime], width: timedelta = WINDOW) -> dict[str, Any] | None:
    """The ``width`` window starting at an event that holds the most events (earliest wins)."""
    if not times:
        return None
    ordered = sorted(times)
    stamps = [t.timestamp() for t in ordered]  # floats compare far faster than datetimes
    span = width.total_seconds()
    best_start, best_count, end = 0, 0, 0
    for start, stamp in enumerate(stamps):  # two pointers: O(n) after the sort
        end = max(end, start)
        while end < len(stamps) and stamps[end] < stamp + span:
            end += 1
        if end - start > best_count:
            best_start, best_count = start, end - start
    first = ordered[best_start]
    return {"start": first.isoformat(), "end": (first + width).isoformat(), "count": best_count}


def summarize(views: list[dict[str, Any]], zone: str, today: date | None = None) -> dict[str, Any]:
    """``today`` (in the vault's zone) marks appeals whose deadline passed without an answer."""
    from blockwatch.deadlines import is_overdue

    tz = ZoneInfo(zone)
    kinds: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    origins: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    per_day: Counter[date] = Counter()
    by_hour: Counter[int] = Counter()
    foreign_times: list[datetime] = []
    first: tuple[datetime, int] | None = None  # the first incoming foreign call or message
    blocks: list[tuple[datetime, int]] = []
    notices: list[int] = []
    appeals: list[dict[str, Any]] = []
    for v in views:  # one pass: stats runs over 100,000 incidents
        kind, details = v["kind"], v["details"]
        at = _at(v).astimezone(tz)  # in the vault's zone, whatever the source's
        kinds[kind] += 1
        platforms[v["platform"] or "—"] += 1
        if kind == "call" or kind == "message":
            if details.get("direction") == "out":
                continue
            origin = call_origin(v)
            if origin == "foreign" and (first is None or at < first[0]):
                first = (at, v["id"])
            if kind == "call":
                origins[origin] += 1
                per_day[at.date()] += 1
                if origin == "foreign":
                    foreign_times.append(at)
                    by_hour[at.hour] += 1
                    countries[(v["counterparty"] or {}).get("region") or "?"] += 1
        elif kind == "block" or kind == "takedown":
            notices.append(v["id"])
            if kind == "block":
                blocks.append((at, v["id"]))
        elif kind == "appeal":
            appeals.append(
                {
                    "id": v["id"],
                    "to": details.get("to"),
                    "status": details.get("status"),
                    "due": details.get("due"),
                    "overdue": today is not None and is_overdue(details, today),
                }
            )
    to_block = [
        {"block": block, "first_contact": first[1], "seconds": int((at - first[0]).total_seconds())}
        for at, block in sorted(blocks, key=lambda b: b[0])
        if first is not None and first[0] <= at
    ]
    return {
        "incidents": len(views),
        "by_kind": dict(sorted(kinds.items())),
        "by_platform": dict(sorted(platforms.items())),
        "calls": {
            "total": sum(origins.values()),
            **{k: origins[k] for k in ("foreign", "domestic", "withheld", "unknown")},
        },
        "foreign_calls_by_country": dict(countries.most_common()),
        "busiest_foreign_hour": busiest_window(foreign_times),
        "foreign_calls_by_hour": {f"{h:02d}": n for h, n in sorted(by_hour.items())},
        "calls_per_day": {day.isoformat(): n for day, n in sorted(per_day.items())},
        "first_foreign_contact_to_block": to_block,
        "notices": notices,
        "appeals": appeals,
    }
