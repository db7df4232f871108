"""Incidents as terminal rows: one line saying what each was, and the timeline table.

Shared by ``list``, ``show`` and ``demo``: command modules import this and ``common``, never
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from blockwatch.cli.common import safe
from blockwatch.i18n import _
from blockwatch.words import word

if TYPE_CHECKING:
    from rich.table import Table

    from blockwatch.incidents import Incident


def summary(view: Incident, today: date | None = None) -> str:
    """One line saying what an incident was, for tables and timelines."""
    d = view["details"]
    parts: list[str] = []
    kind = view["kind"]
    if kind == "call":
        parts += [word(d.get("outcome")) or "", word("out") if d.get("direction") == "out" else ""]
        if d.get("duration"):
            parts.append(_("{seconds} s").format(seconds=d["duration"]))
    elif kind == "message":
        parts.append(d.get("text") or "")
    elif kind in ("block", "compromise"):
        parts += [
            d.get("notice") or "",
            _("no appeal offered") if d.get("appeal_offered") is False else "",
        ]
    elif kind == "takedown":
        parts += [
            d.get("reason") or "",
            _("claimant: {claimant}").format(claimant=d["claimant"]) if d.get("claimant") else "",
        ]
    elif kind == "appeal":
        from blockwatch.deadlines import is_overdue

        overdue = today is not None and is_overdue(d, today)
        parts += [
            _("to {to}").format(to=word(d.get("to"))),
            word(d.get("status")) or "",
            _("due {date}").format(date=d["due"]) if d.get("due") else "",
            _("OVERDUE") if overdue else "",
        ]
    elif kind == "note":
        parts.append(d.get("text") or "")
    if view.get("note"):
        parts.append(f"({view['note']})")
    line = safe("; ".join(p for p in parts if p), oneline=True)
    return line if len(line) <= 60 else line[:59] + "…"


def party(view: Incident) -> str:
    p = view.get("counterparty")
    if not p:
        return ""
    if p["type"] == "withheld":
        return str(word("withheld"))
    label = p.get("e164") or p.get("raw") or ""
    if p.get("region"):
        label += f" ({p['region']})"
    return safe(label, oneline=True)


def local_time(view: Incident) -> str:
    """occurred_at without seconds and offset: the table header names the zone."""
    occurred: str = view["occurred_at"]
    return occurred[:16].replace("T", " ")


def timeline(rows: Sequence[Incident], zone: str, today: date | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    table.add_column(_("id"), justify="right", no_wrap=True, style="dim")
    table.add_column(_("occurred ({zone})").format(zone=zone), no_wrap=True, min_width=16)
    table.add_column(_("kind"), no_wrap=True, style="bold", min_width=10)
    table.add_column(_("platform"), no_wrap=True, min_width=8)
    table.add_column(
        _("who"), no_wrap=True, min_width=min(18, max((len(party(v)) for v in rows), default=0))
    )
    table.add_column(_("what"), min_width=20)
    for view in rows:
        table.add_row(
            *(
                Text(c)
                for c in (
                    str(view["id"]),
                    local_time(view),
                    word(view["kind"]),
                    safe(view["platform"], oneline=True),
                    party(view),
                    summary(view, today),
                )
            )
        )
    return table
