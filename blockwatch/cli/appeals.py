"""``appeal``, ``appeals``, ``due``: what became of each appeal, and what needs action soon."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

from typing import Annotated, Any

import typer

from blockwatch import words
from blockwatch.cli.common import (
    At,
    Attach,
    Note,
    State,
    Status,
    emit_json,
    group,
    open_vault,
    safe,
    state,
)
from blockwatch.i18n import _
from blockwatch.incidents import PLATFORMS
from blockwatch.words import word


def register(app: typer.Typer) -> None:
    app.command("appeal")(appeal)
    app.command("appeals")(appeals)
    app.command("due")(due)
    days = group("Days off and working days the holiday calendar has wrong.")
    days.command("add-day-off")(add_day_off)
    days.command("add-working-day")(add_working_day)
    days.command("list")(calendar_list)
    app.add_typer(days, name="calendar")


def appeal(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="The appeal.")],
    status: Status = None,
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref",
            metavar="NUMBER",
            help="The number it was registered under (an ЕРДР number, a талон); "
            "needed with --status registered.",
        ),
    ] = None,
    extended_to: Annotated[
        str | None,
        typer.Option(
            "--extended-to",
            metavar="DATE",
            help="The body extended its deadline to DATE (YYYY-MM-DD); give its reasons "
            "with --note.",
        ),
    ] = None,
    note: Note = None,
    attach: Attach = None,
    at: At = None,
) -> None:
    """Record what became of an appeal (sent, acknowledged, registered, answered, rejected, …),
    or that the body extended its deadline."""
    from blockwatch import incidents, inputs, logbook
    from blockwatch.errors import InputError, UsageError

    if status is None and extended_to is None:
        raise UsageError(
            _("--status is missing"), hint=_("e.g. --status rejected, or --extended-to DATE")
        )
    if status is not None and extended_to is not None:
        raise UsageError(_("give --status or --extended-to, one at a time"))
    if status == "registered" and not ref:
        raise InputError(
            _("--status registered needs --ref: the number it was registered under"),
            hint=_("e.g. --ref '261500031000123' (ЕРДР), or the number on the slip (талон)"),
        )
    if ref is not None and status is None:
        raise UsageError(_("--ref goes with --status"), hint=_("e.g. --status registered --ref N"))
    st = state(ctx)
    typed = inputs.Typed(at=at, note=note, attach=list(attach or []))
    inputs.precheck(None, typed, st.env)
    if extended_to is not None:
        inputs.due_date(extended_to)
        if not note:
            raise InputError(
                _("an extension needs its reasons: --note '…'"),
                hint=_("the body must give reasons when it extends its deadline"),
            )
        with open_vault(st) as v:
            view = logbook.extend(v, incident_id, extended_to, note)
        st.say(
            _("Appeal {id}: the deadline is extended to {due}.").format(
                id=view["id"], due=extended_to.strip()
            )
        )
        return
    assert status is not None
    incidents.details("appeal", {"status": status, "ref": ref})  # before the passphrase, too
    with open_vault(st) as v:
        view = logbook.set_status(
            v, incident_id, status, at=at, note=note, attach=list(attach or []), ref=ref
        )
    from blockwatch import when

    changed = next(c for c in reversed(view["amended"]) if "status" in c)
    st.say(
        _("Appeal {id} is now {status}, since {when}.").format(
            id=view["id"],
            status=word(view["details"]["status"]),
            when=when.spoken(when.parse_instant(changed["at"])),
        )
    )


def _rows(st: State, within_days: int | None) -> tuple[list[dict[str, Any]], str]:
    from datetime import timedelta

    from blockwatch import deadlines, when
    from blockwatch.vault import Filter

    with open_vault(st) as v:
        zone = v.settings.timezone
        today = st.env.now().astimezone(when.zone(zone)).date()
        views = v.incidents(Filter(kinds=("appeal",)))
    rows = []
    for view in views:
        d = view["details"]
        due_day = d.get("due")
        left = (when.parse_instant(due_day).date() - today).days if due_day else None
        row = {
            "id": view["id"],
            "to": d.get("to"),
            "channel": d.get("channel"),
            "ref": d.get("ref"),
            "status": d.get("status"),
            "sent": view["occurred_at"],
            "due": due_day,
            "due_basis": d.get("due_basis", "typed") if due_day else None,
            "promised": d.get("promised"),
            "extended": bool(d.get("extended")),
            "calendar": d.get("calendar", []),
            "days_left": left,
            "overdue": deadlines.is_overdue(d, today),
            "next": _next(deadlines.next_step(d, today)),
            "open": d.get("status") not in deadlines.CLOSED,
        }
        if within_days is not None:
            horizon = today + timedelta(days=within_days)
            if not (row["open"] and due_day and when.parse_instant(due_day).date() <= horizon):
                continue
        rows.append(row)
    return rows, today.isoformat()


def _next(step: tuple[str, tuple[str, ...]] | None) -> dict[str, Any] | None:
    return None if step is None else {"article": step[0], "letters": list(step[1])}


def _next_steps(st: State, rows: list[dict[str, Any]]) -> None:
    """Under the table: what the law makes of each appeal past its deadline or refused, and
    the letter that takes the next step."""
    for r in rows:
        step = r["next"]
        if step is None:
            continue
        said = (
            _("Appeal {id}: no answer in time is a refusal ({article}).")
            if step["article"] == "appk-91"
            else _("Appeal {id}: refusing to accept a report can be appealed ({article}).")
        )
        st.say(said.format(id=r["id"], article=word(step["article"])))
        for letter in step["letters"]:
            command = f"blockwatch letter {letter} --about {r['id']} --out " + _("FILE.md")
            st.say("  " + _("Next: {command}").format(command=command))


def _table(st: State, rows: list[dict[str, Any]], today: str) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        st.say(_("No appeals."))
        return
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    numbers = (_("id"), _("sent"), _("due"), _("promised by"), _("days left"))  # never cut
    for name, width in (
        (_("id"), 2),
        (_("to"), 8),
        (_("channel"), 7),
        (_("ref"), 3),
        (_("status"), 12),
        (_("sent"), 10),
        (_("due"), 10),
        (_("promised by"), 10),
        (_("days left"), 4),
    ):
        table.add_column(name, min_width=width, no_wrap=name in numbers)
    for r in rows:
        left = "—" if r["days_left"] is None else str(r["days_left"])
        style = "bold red" if r["overdue"] else ""
        table.add_row(
            str(r["id"]),
            safe(words.platform(r["to"]) if r["to"] in PLATFORMS else word(r["to"])),
            safe(word(r["channel"])),
            safe(r["ref"], oneline=True),
            Text(
                safe(word(r["status"])) + (" " + _("OVERDUE") if r["overdue"] else ""), style=style
            ),
            r["sent"][:10],
            _due_cell(r),
            r["promised"] or "—",
            Text(left, style=style),
        )
    st.out.print(table)
    _next_steps(st, rows)


def _due_cell(row: dict[str, Any]) -> str:
    """The deadline, and under it who set it: the law (its article) or the recipient."""
    if not row["due"]:
        return "—"
    extended = ", " + _("extended") if row.get("extended") else ""
    return f"{row['due']}\n{safe(word(row['due_basis']))}{extended}"


def appeals(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print the appeals as JSON.")] = False,
) -> None:
    """Every appeal with its status, due date and days left; overdue ones stand out."""
    st = state(ctx)
    rows, today = _rows(st, None)
    if json_:
        emit_json({"today": today, "appeals": rows})
        return
    _table(st, rows, today)


def due(
    ctx: typer.Context,
    within: Annotated[
        str, typer.Option("--within", metavar="PERIOD", help="e.g. 7d, 2w, '10 days'.")
    ] = "7d",
    json_: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """Open appeals due soon, or already overdue: what needs action."""
    st = state(ctx)
    rows, today = _rows(st, _days(within))
    if json_:
        emit_json({"today": today, "within_days": _days(within), "appeals": rows})
        return
    if not rows:
        st.say(_("Nothing is due within {period}.").format(period=within))
        return
    _table(st, rows, today)


def _days(text: str) -> int:
    import re

    from blockwatch.errors import InputError

    m = re.fullmatch(r"\s*(\d{1,4})\s*(d|days?|w|weeks?)?\s*", text)
    if not m:
        raise InputError(
            _("--within {text!r} is not a number of days").format(text=text),
            hint=_("e.g. --within 7d or --within 2w"),
        )
    return int(m[1]) * (7 if (m[2] or "d").startswith("w") else 1)


Day = Annotated[str, typer.Argument(metavar="DATE", help="The day, YYYY-MM-DD.")]
Why = Annotated[
    str | None,
    typer.Option("--note", metavar="TEXT", help="Why, e.g. the decree that moved the day."),
]


def _set_day(ctx: typer.Context, day: str, note: str | None, *, working: bool) -> None:
    from blockwatch import logbook

    st = state(ctx)
    with open_vault(st) as v:
        iso = logbook.set_calendar_day(v, day, working=working, note=note)
    st.say(
        (
            _("{day} is a working day for deadlines from now on.")
            if working
            else _("{day} is a day off for deadlines from now on.")
        ).format(day=iso)
    )
    st.say(_("Deadlines counted over it say so; those already logged keep their dates."))


def add_day_off(ctx: typer.Context, day: Day, note: Why = None) -> None:
    """Count DATE as a day off in deadlines of working days (recorded in the ledger)."""
    _set_day(ctx, day, note, working=False)


def add_working_day(ctx: typer.Context, day: Day, note: Why = None) -> None:
    """Count DATE as a working day in deadlines of working days (recorded in the ledger)."""
    _set_day(ctx, day, note, working=True)


def calendar_list(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """The days you set as off or working."""
    st = state(ctx)
    with open_vault(st) as v:
        off, working = v.calendar_days()
    days = sorted(
        [{"date": d, "off": True, "note": n} for d, n in off.items()]
        + [{"date": d, "off": False, "note": n} for d, n in working.items()],
        key=lambda row: str(row["date"]),
    )
    if json_:
        emit_json({"days": days})
        return
    if not days:
        st.say(_("No days set: deadlines follow the holiday calendar."))
        return
    for row in days:
        kind = _("day off") if row["off"] else _("working day")
        st.say(
            f"{row['date']}  {kind}"
            + (f"  {safe(row['note'], oneline=True)}" if row["note"] else "")
        )
