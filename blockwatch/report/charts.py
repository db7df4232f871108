"""The report's pictures: inline SVG, drawn with drawsvg, readable when printed in black and white.

Three charts, from the statistics every document shares (``stats.summarize``):

- the timeline of the attack: incoming calls per step (10 minutes for an evening, more for
  longer spans) as stacked bars -- foreign black, withheld dark grey, domestic light grey,
  unknown white -- with the foreign messages, blocks, takedowns and compromises marked on the
  same axis by their incident numbers;
- foreign calls by country, as horizontal bars;
- the appeals, one row each from the day sent to the deadline, today marked, overdue ones
  drawn heavy.

No script, no link, no external resource (the report's Content-Security-Policy allows none);
every text drawsvg writes is escaped.  Considered and not used: matplotlib (tens of MB and a
second to import, for three bar charts), pygal (interactive charts whose look depends on its
CSS and scripts), leather (no stacked bars).  ``stats`` draws the same timeline in the terminal
(``terminal_timeline``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

Formatter = Any  # blockwatch.report.Formatter (not imported: the report imports this module)

FILLS = {"foreign": "#000", "withheld": "#666", "domestic": "#bbb", "unknown": "#fff"}
FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH = 700
MAX_COUNTRIES = 15


def _drawing(width: int, height: int) -> Any:
    import drawsvg as draw

    return draw.Drawing(width, height, font_family=FONT, font_size=11)


def _svg(drawing: Any) -> str:
    return str(drawing.as_svg(header="", skip_js=True))


def _tick_label(moment: datetime, step: int, f: Formatter) -> str:
    if step >= 86400:
        return f"{moment.day:02d}.{moment.month:02d}"
    return moment.strftime("%H:%M")


def timeline_svg(timeline: Mapping[str, Any], labels: Mapping[str, str], f: Formatter) -> str:
    """``timeline`` as ``stats.timeline`` made it; ``labels``: the origins' and kinds' words."""
    import drawsvg as draw

    bins: Sequence[Sequence[int]] = timeline["bins"]
    origins: Sequence[str] = timeline["origins"]
    step = int(timeline["step"])
    start = datetime.fromisoformat(timeline["start"])
    left, right, top, bottom = 44, WIDTH - 10, 34, 210
    height = bottom + 76
    d = _drawing(WIDTH, height)
    width = (right - left) / max(1, len(bins))
    peak = max([sum(b) for b in bins] + [1])
    scale = (bottom - top) / peak
    d.append(draw.Line(left, bottom, right, bottom, stroke="#000"))
    d.append(draw.Line(left, top, left, bottom, stroke="#000"))
    for value in sorted({0, (peak + 1) // 2, peak}):
        y = bottom - value * scale
        d.append(draw.Line(left - 4, y, left, y, stroke="#000"))
        d.append(draw.Text(f.number(value), 10, left - 6, y + 4, text_anchor="end"))
    for index, counts in enumerate(bins):
        y = float(bottom)
        for origin in ("foreign", "withheld", "domestic", "unknown"):
            n = counts[origins.index(origin)]
            if not n:
                continue
            h = n * scale
            y -= h
            d.append(
                draw.Rectangle(
                    left + index * width + 0.5,
                    y,
                    max(width - 1, 0.5),
                    h,
                    fill=FILLS[origin],
                    stroke="#000",
                    stroke_width=0.5,
                )
            )
    every = max(1, -(-len(bins) // 10))
    for index in range(0, len(bins), every):
        x = left + index * width
        moment = start + timedelta(seconds=index * step)
        d.append(draw.Line(x, bottom, x, bottom + 4, stroke="#000"))
        d.append(draw.Text(_tick_label(moment, step, f), 10, x, bottom + 16, text_anchor="middle"))
    for mark in timeline["marks"]:
        at = datetime.fromisoformat(mark["at"])
        x = left + (at - start).total_seconds() / step * width
        d.append(draw.Line(x, top - 6, x, bottom, stroke="#000", stroke_dasharray="3 2"))
        d.append(draw.Text(f"#{mark['id']}", 10, x, top - 10, text_anchor="middle"))
    x, y = left, bottom + 30
    for key in ("foreign", "withheld", "domestic", "unknown", "events"):
        text = labels[key]
        needed = 24 + 7 * len(text)  # a generous width for a Cyrillic letter at 10 px
        if x + needed > WIDTH:
            x, y = left, y + 18
        if key == "events":
            d.append(draw.Line(x, y + 5, x + 10, y + 5, stroke="#000", stroke_dasharray="3 2"))
        else:
            d.append(draw.Rectangle(x, y, 10, 10, fill=FILLS[key], stroke="#000"))
        d.append(draw.Text(text, 10, x + 14, y + 9))
        x += needed
    return _svg(d)


def countries_svg(counts: Mapping[str, int], f: Formatter, other: str) -> str:
    """Foreign calls by country: one bar each, the most first; past 15, one bar for the rest."""
    import drawsvg as draw

    rows = [(f.country(region), n) for region, n in counts.items()]
    if len(rows) > MAX_COUNTRIES:
        rest = sum(n for _name, n in rows[MAX_COUNTRIES - 1 :])
        rows = [*rows[: MAX_COUNTRIES - 1], (other, rest)]
    label_width, row_height = 230, 20
    d = _drawing(WIDTH, row_height * len(rows) + 6)
    peak = max([n for _name, n in rows] + [1])
    span = WIDTH - label_width - 60
    for index, (name, n) in enumerate(rows):
        y = 3 + index * row_height
        d.append(draw.Text(name, 11, label_width - 8, y + 14, text_anchor="end"))
        length = max(1.0, span * n / peak)
        d.append(draw.Rectangle(label_width, y + 3, length, row_height - 6, fill="#000"))
        d.append(draw.Text(f.number(n), 11, label_width + length + 6, y + 14))
    return _svg(d)


def appeals_svg(
    appeals: Sequence[Mapping[str, Any]], today: date, f: Formatter, labels: Mapping[str, str]
) -> str:
    """One row per appeal: a line from the day it was sent to its deadline (dotted when it has
    none), heavy when the deadline passed without an answer; today a dashed line."""
    import drawsvg as draw

    def day_of(value: str) -> date:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(f.zone).date()

    sent = [day_of(a["sent"]) for a in appeals]
    due = [date.fromisoformat(a["due"]) if a.get("due") else None for a in appeals]
    first = min([*sent, today])
    last = max([*(d for d in due if d), *sent, today]) + timedelta(days=1)
    label_width, row_height, top = 170, 24, 22
    left, right = label_width, WIDTH - 120  # room for the last deadline's date
    days = max(1, (last - first).days)
    d = _drawing(WIDTH, top + row_height * len(appeals) + 10)

    def x_of(day: date) -> float:
        return left + (right - left) * (day - first).days / days

    for index, (appeal, went, deadline) in enumerate(zip(appeals, sent, due, strict=True)):
        y = top + index * row_height + row_height / 2
        name = f"#{appeal['id']} {f.detail('to', appeal.get('to'))}"
        d.append(draw.Text(name, 11, label_width - 8, y + 4, text_anchor="end"))
        end = deadline or today
        heavy = bool(appeal.get("overdue"))
        d.append(
            draw.Line(
                x_of(went),
                y,
                x_of(end),
                y,
                stroke="#000",
                stroke_width=4 if heavy else 1.5,
                stroke_dasharray=None if deadline else "2 3",
            )
        )
        d.append(draw.Circle(x_of(went), y, 3, fill="#000"))
        if deadline:
            d.append(
                draw.Line(
                    x_of(deadline), y - 7, x_of(deadline), y + 7, stroke="#000", stroke_width=2
                )
            )
            text = f.date(deadline.isoformat()) + (f" — {labels['overdue']}" if heavy else "")
            d.append(draw.Text(text, 10, x_of(deadline) + 5, y - 6))
    x = x_of(today)
    d.append(
        draw.Line(x, 12, x, top + row_height * len(appeals), stroke="#000", stroke_dasharray="4 3")
    )
    d.append(
        draw.Text(
            f"{labels['today']}: {f.date(today.isoformat())}", 10, x, 10, text_anchor="middle"
        )
    )
    return _svg(d)


def terminal_timeline(
    timeline: Mapping[str, Any], labels: Mapping[str, str], width: int = 40
) -> list[str]:
    """The timeline as lines for a terminal: one per step that holds calls or an event --
    ``20:40  ███▒▒   5  #1 #6`` -- █ foreign, ▓ withheld, ▒ domestic, ░ unknown."""
    bins: Sequence[Sequence[int]] = timeline["bins"]
    origins: Sequence[str] = timeline["origins"]
    step = int(timeline["step"])
    start = datetime.fromisoformat(timeline["start"])
    peak = max([sum(b) for b in bins] + [1])
    marks: dict[int, list[str]] = {}
    for mark in timeline["marks"]:
        marks.setdefault(mark["bin"], []).append(f"#{mark['id']}")
    shades = {"foreign": "█", "withheld": "▓", "domestic": "▒", "unknown": "░"}
    lines = []
    previous_day = None
    for index, counts in enumerate(bins):
        total = sum(counts)
        if not total and index not in marks:
            continue
        moment = start + timedelta(seconds=index * step)
        day = moment.date()
        stamp = moment.strftime("%H:%M") if step < 86400 else moment.strftime("%d.%m")
        if step < 86400 and day != previous_day:
            stamp = moment.strftime("%d.%m %H:%M")
        previous_day = day
        bar = ""
        for origin in ("foreign", "withheld", "domestic", "unknown"):
            n = counts[origins.index(origin)]
            bar += shades[origin] * round(width * n / peak) if n else ""
        lines.append(
            f"{stamp:>11}  {bar:<{width}} {total:>5}  {' '.join(marks.get(index, []))}".rstrip()
        )
    legend = "  ".join(
        f"{shades[o]} {labels[o]}" for o in ("foreign", "withheld", "domestic", "unknown")
    )
    return [*lines, legend]
