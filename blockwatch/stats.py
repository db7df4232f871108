"""The pattern in the incidents: counts, countries, the busiest hour, the time to a block (pure).

``summarize`` takes incident views (the shared JSON shape) and returns plain numbers and lists
that the report, the letters and ``stats --json`` share.  Times are compared as instants;
days are counted in the vault's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from blockwatch.incidents import Incident

WINDOW = timedelta(minutes=60)


def call_origin(view: Mapping[str, Any]) -> str:
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


# What the statistics read of an incident, in the order of the vault's indexed columns:
# (id, kind, platform, occurred_at, direction, origin, region).  ``occurred_at`` is RFC 3339
# with any offset; ``origin`` is ``call_origin``.  The vault reads these from an index without
# decrypting any document; views (a bundle, a letter) are reduced to them by ``summarize``.
Row = tuple[int, str, str | None, str, str | None, str, str | None]


def summarize(views: Sequence[Incident], zone: str, today: date | None = None) -> dict[str, Any]:
    """The statistics of incident views (see ``summarize_rows``)."""
    rows = [
        (
            v["id"],
            v["kind"],
            v["platform"],
            v["occurred_at"],
            v["details"].get("direction"),
            call_origin(v),
            (v.get("counterparty") or {}).get("region"),
        )
        for v in views
    ]
    appeals = {v["id"]: v["details"] for v in views if v["kind"] == "appeal"}
    return summarize_rows(rows, appeals, zone, today)


def summarize_rows(
    rows: list[Row], appeals: dict[int, dict[str, Any]], zone: str, today: date | None = None
) -> dict[str, Any]:
    """Counts, countries, the busiest hour, the time to a block, appeals.

    ``appeals`` holds the details of the appeals among ``rows``; ``today`` (in the vault's
    zone) marks those whose deadline passed without an answer.
    """
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
    appealed: list[dict[str, Any]] = []
    parse = datetime.fromisoformat
    for id_, kind, platform, occurred, direction, origin, region in rows:  # one pass
        kinds[kind] += 1
        platforms[platform or "—"] += 1
        if kind == "call" or kind == "message":
            if direction == "out":
                continue
            at = parse(occurred).astimezone(tz)  # in the vault's zone, whatever the source's
            if origin == "foreign" and (first is None or at < first[0]):
                first = (at, id_)
            if kind == "call":
                origins[origin] += 1
                per_day[at.date()] += 1
                if origin == "foreign":
                    foreign_times.append(at)
                    by_hour[at.hour] += 1
                    countries[region or "?"] += 1
        elif kind == "block" or kind == "takedown":
            notices.append(id_)
            if kind == "block":
                blocks.append((parse(occurred).astimezone(tz), id_))
        elif kind == "appeal":
            details = appeals[id_]
            appealed.append(
                {
                    "id": id_,
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
        "incidents": len(rows),
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
        "appeals": appealed,
    }
