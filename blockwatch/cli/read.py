"""``list``, ``show``, ``attachment``, ``check``: reading the vault back."""

# No `from __future__ import annotations` here: Typer evaluates every string annotation at
# start-up (~20 ms); real annotation objects cost nothing extra.

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from blockwatch.cli.common import (
    KindOption,
    PlatformOption,
    SinceOption,
    UntilOption,
    emit_json,
    open_vault,
    safe,
    state,
)
from blockwatch.cli.timeline import timeline
from blockwatch.i18n import _
from blockwatch.words import field, platform, source, word

if TYPE_CHECKING:
    from rich.console import Console

    from blockwatch.incidents import Incident


def register(app: typer.Typer) -> None:
    app.command("list")(list_)
    app.command("show")(show)
    app.command("attachment")(attachment)
    app.command("check")(check)


Json = Annotated[bool, typer.Option("--json", help="Print the incident shape as JSON.")]


def list_(
    ctx: typer.Context,
    kind: KindOption = None,
    platform: PlatformOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    json_: Json = False,
) -> None:
    """The incidents as a timeline, oldest first."""
    from blockwatch import incidents, inputs, logbook, when

    st = state(ctx)
    incidents.check_kinds(kind or ())
    inputs.check_times(st.env, since, until)
    with open_vault(st) as v:
        zone, now = v.settings.timezone, st.env.now()
        where = logbook.selection(v, kinds=kind, platform=platform, since=since, until=until)
        rows = v.incidents(where)
    if json_:
        emit_json(rows)
        return
    if not rows:
        st.out.print(_("No incidents match."))
        return
    st.out.print(timeline(rows, zone, now.astimezone(when.zone(zone)).date(), st.out.width))


def show(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="ID")],
    json_: Json = False,
) -> None:
    """Every field of one incident, its corrections and its attachments with their hashes."""
    st = state(ctx)
    with open_vault(st) as v:
        view = v.incident(incident_id)
        about = view["details"].get("about")
        numbers = v.ids_of(about) if isinstance(about, list) else {}
    if json_:
        emit_json(view)
        return
    render(st.out, view, numbers)


def render(out: "Console", view: "Incident", numbers: dict[str, int] | None = None) -> None:
    """``numbers``: the incident number of each uid the view names (``about``)."""
    from rich.text import Text

    def line(label: str, value: Any) -> None:
        out.print(Text(f"{label:<16}", style="bold"), Text(safe(value)), sep="")

    line(_("incident"), f"#{view['id']}")
    line(_("kind"), word(view["kind"]))
    line(_("platform"), platform(view["platform"]))
    line(_("occurred"), f"{view['occurred_at']}  ({view['timezone']})")
    line(_("recorded"), view["recorded_at"])
    line(_("source"), source(view["source"]))
    p = view.get("counterparty")
    if p:
        line(_("who"), p.get("raw"))
        line(_("  type"), word(p.get("number_type") or p["type"]))
        if p.get("e164"):
            line(
                _("  number"),
                f"{p['e164']}  "
                + _("region {region}").format(region=p.get("region") or "?")
                + ("  " + _("FOREIGN") if p.get("foreign") else "")
                + ("" if p.get("valid") else "  " + _("(not a valid number)")),
            )
    for key, value in view["details"].items():
        if key == "about" and isinstance(value, list):
            known = numbers or {}
            value = [f"#{known[u]}" if u in known else _("not in this vault") for u in value]
        line(field(key), _fmt(value))
    if view.get("note"):
        line(_("note"), view["note"])
    for a in view["attachments"]:
        line(
            _("attachment"),
            f"{a['name']}  " + _("{size} bytes").format(size=a["size"]) + f"  {a['media_type']}",
        )
        line(_("  sha256"), a["sha256"])
    if view["amended"]:
        was = _("was")
        out.print(Text(_("history"), style="bold"))
        line(
            _("  created"),
            f"{view['recorded_at']}  " + _("(ledger entry {seq})").format(seq=view["seq"]),
        )
        for change in view["amended"]:
            if "status" in change:
                line(
                    _("  status"),
                    f"{change['at']}  {_fmt(change['status'])} ({was}: "
                    f"{_fmt(change['previous_status'])})  " + entry(change),
                )
                if change.get("ref"):
                    line(_("    ref"), safe(change["ref"], oneline=True))
                if change.get("note"):
                    line(_("    note"), change["note"])
                continue
            if "attached" in change:
                line(
                    _("  attached"),
                    f"{change['recorded_at']}  {change['attached']}  " + entry(change),
                )
                continue
            what = "; ".join(_changed(change["set"], change["previous"], was))
            line(_("  amended"), f"{change['recorded_at']}  {what}  " + entry(change))
            if change.get("why"):
                line(_("    why"), change["why"])


def _changed(new: dict[str, Any], old: dict[str, Any], was: str) -> list[str]:
    """An amendment as the report says it: "outcome: answered (was: missed)", a detail each."""
    said = []
    for key, value in new.items():
        before = old.get(key)
        if key == "details" and isinstance(value, dict):
            olds = before if isinstance(before, dict) else {}
            said += [
                f"{field(k)}: {_fmt(v)} ({was}: {_fmt(olds.get(k))})" for k, v in value.items()
            ]
        else:
            said.append(f"{field(key)}: {_fmt(value)} ({was}: {_fmt(before)})")
    return said


def entry(change: dict[str, Any]) -> str:
    return _("(ledger entry {seq})").format(seq=change["seq"])


def _fmt(value: Any) -> str:
    """A stored value for people: words translated, lists and objects spelled out."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{field(k)}={_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return "—" if value is None else str(word(value))


def attachment(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="ID")],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Directory to write the files to.")
    ],
) -> None:
    """Write an incident's attached files back out, as they were."""
    from blockwatch import files

    st = state(ctx)
    with open_vault(st) as v:
        written = files.export_attachments(v, incident_id, out)
    for path, sha in written:
        st.out.print(f"{path}  sha256 {sha}")
    if not written:
        st.out.print(_("Incident {id} has no attachments.").format(id=incident_id))


def check(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Replay the ledger and verify every checkpoint, the incidents and the attachments."""
    from blockwatch.errors import VaultCorrupt
    from blockwatch.vault.check import check as run

    st = state(ctx)
    with open_vault(st) as v, st.status(_("Checking…")) as status:
        try:
            passed = run(v, progress=lambda what: status(_("Checking: {what}…").format(what=what)))
        except VaultCorrupt as e:
            if json_:
                emit_json({"intact": False, "error": e.message})
            raise
    if json_:
        emit_json(
            {"intact": True, "checks": [{"number": n, "check": c} for n, c in enumerate(passed, 1)]}
        )
        return
    for number, description in enumerate(passed, 1):
        st.out.print(f"ok {number}  {description}")
    st.out.print(_("The vault is intact."))
