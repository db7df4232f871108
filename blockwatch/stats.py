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
    # Each time parsed once (stats runs over 100,000), in the vault's zone whatever its source.
    at = {v["id"]: _at(v).astimezone(tz) for v in views}

    def when(v: dict[str, Any]) -> datetime:
        return at[v["id"]]

    origin = {v["id"]: call_origin(v) for v in views}  # computed once: stats runs over 100,000
    calls = [v for v in views if v["kind"] == "call" and v["details"].get("direction") != "out"]
    foreign_calls = [v for v in calls if origin[v["id"]] == "foreign"]
    contacts = [
        v
        for v in views
        if v["kind"] in ("call", "message")
        and v["details"].get("direction") != "out"
        and origin[v["id"]] == "foreign"
    ]
    first = min(contacts, key=when) if contacts else None
    to_block = [
        {
            "block": b["id"],
            "first_contact": first["id"],
            "seconds": int((when(b) - when(first)).total_seconds()),
        }
        for b in sorted((v for v in views if v["kind"] == "block"), key=when)
        if first is not None and when(first) <= when(b)
    ]
    per_day = Counter(when(v).astimezone(tz).date().isoformat() for v in calls)
    by_hour = Counter(when(v).astimezone(tz).hour for v in foreign_calls)
    return {
        "incidents": len(views),
        "by_kind": dict(sorted(Counter(v["kind"] for v in views).items())),
        "by_platform": dict(sorted(Counter(v["platform"] or "—" for v in views).items())),
        "calls": {
            "total": len(calls),
            **{
                k: sum(1 for v in calls if origin[v["id"]] == k)
                for k in ("foreign", "domestic", "withheld", "unknown")
            },
        },
        "foreign_calls_by_country": dict(
            Counter(
                (v["counterparty"] or {}).get("region") or "?" for v in foreign_calls
            ).most_common()
        ),
        "busiest_foreign_hour": busiest_window([when(v) for v in foreign_calls]),
        "foreign_calls_by_hour": {f"{h:02d}": n for h, n in sorted(by_hour.items())},
        "calls_per_day": dict(sorted(per_day.items())),
        "first_foreign_contact_to_block": to_block,
        "notices": [v["id"] for v in views if v["kind"] in ("block", "takedown")],
        "appeals": [
            {
                "id": v["id"],
                "to": v["details"].get("to"),
                "status": v["details"].get("status"),
                "due": v["details"].get("due"),
                "overdue": today is not None and is_overdue(v["details"], today),
            }
            for v in views
            if v["kind"] == "appeal"
        ],
    }
