"""The pattern in the incidents: counts, countries, the busiest hour, the time to a block (pure).

``summarize`` takes incident views (the shared JSON shape) and returns plain numbers and lists
that the report, the letters and ``stats --json`` share.  Times are compared as instants;
days are counted in the vault's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from blockwatch.incidents import Incident

WINDOW = timedelta(minutes=60)
SLOT = 600  # seconds: the finest step of the timeline (calls per 10 minutes)
STEPS = (1, 3, 6, 18, 36, 72, 144, 1008)  # the timeline's steps, in slots: 10 min to a week
MAX_BINS = 72  # bars the timeline may have; its step grows to fit
ORIGINS = ("foreign", "domestic", "withheld", "unknown")
MARKED = ("message", "block", "takedown", "compromise")  # events drawn on the timeline


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
    from blockwatch.deadlines import is_overdue, next_step

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
    slots: Counter[tuple[int, str]] = Counter()  # (local time // SLOT, origin) -> calls
    marks: list[tuple[int, int, str]] = []  # (local time, id, kind) of the events drawn
    offset = None  # the zone's offset from UTC at the first event, in seconds
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
            if offset is None:
                offset = int(at.utcoffset().total_seconds())  # type: ignore[union-attr]
            local = int(at.timestamp()) + offset
            if kind == "message" and origin == "foreign":
                marks.append((local, id_, kind))
            if kind == "call":
                slots[(local // SLOT, origin)] += 1
                origins[origin] += 1
                per_day[at.date()] += 1
                if origin == "foreign":
                    foreign_times.append(at)
                    by_hour[at.hour] += 1
                    countries[region or "?"] += 1
        elif kind in ("block", "takedown", "compromise"):
            at = parse(occurred).astimezone(tz)
            if offset is None:
                offset = int(at.utcoffset().total_seconds())  # type: ignore[union-attr]
            marks.append((int(at.timestamp()) + offset, id_, kind))
            if kind != "compromise":
                notices.append(id_)
            if kind == "block":
                blocks.append((at, id_))
        elif kind == "appeal":
            details = appeals[id_]
            step = next_step(details, today) if today is not None else None
            appealed.append(
                {
                    "id": id_,
                    "to": details.get("to"),
                    "status": details.get("status"),
                    "sent": parse(occurred).astimezone(tz).isoformat(),  # the same from any row
                    "due": details.get("due"),
                    "due_basis": details.get("due_basis"),
                    "overdue": today is not None and is_overdue(details, today),
                    # what the law makes of it: the article (a deemed refusal, or a refusal to
                    # accept that can be appealed), or None
                    "next": step[0] if step else None,
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
        "timeline": timeline(slots, marks, offset or 0),
    }


def timeline(
    slots: Counter[tuple[int, str]], marks: list[tuple[int, int, str]], offset: int
) -> dict[str, Any] | None:
    """Incoming calls per step by origin, from the first call or event to the last, with the
    events (a foreign message, a block, a takedown, a compromise) placed on the same axis.
    The step is the shortest of ``STEPS`` that needs no more than ``MAX_BINS`` bars.  Times
    are local (the vault's zone at the first event): ``start`` is ISO 8601 with that offset."""
    found = [slot for slot, _origin in slots] + [at // SLOT for at, _id, _kind in marks]
    if not found:
        return None
    low, high = min(found), max(found)
    step = next((s for s in STEPS if (high // s - low // s) < MAX_BINS), STEPS[-1])
    monday = 4 * 144 if step == STEPS[-1] else 0  # weeks begin on a Monday (1970-01-05 was one)
    base = low - (low - monday) % step
    count = (high - base) // step + 1
    bins = [[0] * len(ORIGINS) for _ in range(count)]
    for (slot, origin), n in slots.items():
        bins[(slot - base) // step][ORIGINS.index(origin)] += n
    start = datetime.fromtimestamp(base * SLOT - offset, tz=timezone(timedelta(seconds=offset)))
    return {
        "start": start.isoformat(),
        "step": step * SLOT,
        "origins": list(ORIGINS),
        "bins": bins,
        "marks": [
            {
                "id": id_,
                "kind": kind,
                "at": datetime.fromtimestamp(
                    at - offset, tz=timezone(timedelta(seconds=offset))
                ).isoformat(),
                "bin": (at // SLOT - base) // step,
            }
            for at, id_, kind in sorted(marks)
        ],
    }
