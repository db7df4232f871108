"""Incidents as terminal rows: one line saying what each was, and the timeline table.

Shared by ``list``, ``show`` and ``demo``: command modules import this and ``common``, never
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from blockwatch import words
from blockwatch.cli.common import safe
from blockwatch.i18n import _
from blockwatch.incidents import CHOICES
from blockwatch.kinds import KINDS
from blockwatch.words import word

if TYPE_CHECKING:
    from rich.table import Table

    from blockwatch.incidents import Incident


def summary(view: Incident, today: date | None = None) -> str:
    """One line saying what an incident was, for tables and timelines: the details its kind
    names in ``kinds.KINDS[kind].summary``, each as people read it, then the note."""
    d = view["details"]
    parts = [_part(name, d, today) for name in KINDS[view["kind"]].summary]
    if view.get("note"):
        parts.append(f"({view['note']})")
    line = safe("; ".join(p for p in parts if p), oneline=True)
    return line if len(line) <= 60 else line[:59] + "…"


def _part(name: str, details: dict[str, Any], today: date | None) -> str:
    """One detail in a summary; empty when it says nothing worth a place on the line."""
    value = details.get(name)
    if name == "direction":  # incoming is the rule; only the exception is shown
        return str(word("out")) if value == "out" else ""
    if name == "duration":
        return _("{seconds} s").format(seconds=value) if value else ""
    if name == "appeal_offered":
        return _("no appeal offered") if value is False else ""
    if name == "claimant":
        return _("claimant: {claimant}").format(claimant=value) if value else ""
    if name == "to":
        return _("to {to}").format(
            to=words.platform(value) if value in words.BRANDS else word(value)
        )
    if name == "due":
        from blockwatch.deadlines import is_overdue

        if not value:
            return ""
        overdue = today is not None and is_overdue(details, today)
        return _("due {date}").format(date=value) + ("; " + _("OVERDUE") if overdue else "")
    if value is None:
        return ""
    return str(word(value)) if name in CHOICES else str(value)  # free text stays as written


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


COMPACT_BELOW = 100  # columns: a narrower terminal (an 80-column one too) gets the compact table


def timeline(
    rows: Sequence[Incident], zone: str, today: date | None = None, width: int | None = None
) -> Table:
    """The incidents as a table; under ``COMPACT_BELOW`` columns, in three columns (number,
    time, and the rest wrapped), so that the incident number is never squeezed out."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    digits = max((len(str(v["id"])) for v in rows), default=1)
    table.add_column(_("id"), justify="right", no_wrap=True, style="dim", min_width=digits)
    compact = width is not None and width < COMPACT_BELOW
    table.add_column(
        _("occurred ({zone})").format(zone=zone), no_wrap=not compact, min_width=16, max_width=None
    )
    if compact:
        table.add_column(_("what"), ratio=1)
        for view in rows:
            said = [word(view["kind"]), words.platform(view["platform"]), party(view),
                    summary(view, today)]  # fmt: skip
            table.add_row(
                Text(str(view["id"])),
                Text(local_time(view)),
                Text(safe(" · ".join(p for p in said if p and p != "—"), oneline=True)),
            )
        return table
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
                    safe(words.platform(view["platform"]), oneline=True),
                    party(view),
                    summary(view, today),
                )
            )
        )
    return table
