"""``import`` and ``stats``: bring in the phone's exports, and see the pattern."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

from pathlib import Path
from typing import Annotated, Any

import typer

from blockwatch.cli.common import (
    SinceOption,
    State,
    UntilOption,
    emit_json,
    open_vault,
    remind,
    safe,
    state,
)
from blockwatch.i18n import _, ngettext
from blockwatch.importers import FORMATS
from blockwatch.words import platform, word


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("stats")(stats)


def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE…", help="Exported files to import.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="F",
            help="auto (from the content), or one of: "
            + "; ".join(f"{f.name}: {f.what}" for f in FORMATS.values())
            + ".",
        ),
    ] = "auto",
    platform: Annotated[
        str | None,
        typer.Option("--platform", metavar="P", help="Platform, where the format does not say."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            metavar="ZONE",
            help="Zone of times written without one [default: the vault's].",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order", metavar="dmy|mdy", help="Day/month order of an ambiguous chat."
        ),
    ] = None,
    mine: Annotated[
        str | None,
        typer.Option("--mine", metavar="NAME", help="Your own name in the chat (kept as context)."),
    ] = None,
    column_map: Annotated[
        str | None,
        typer.Option(
            "--column-map",
            metavar="F=COL,…",
            help="CSV columns, e.g. number=Phone,date=When,type=Kind.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; change nothing.")
    ] = False,
    accept_odd_dates: Annotated[
        bool,
        typer.Option(
            "--accept-odd-dates",
            help="Keep dates before 2000 or in the future (refused by default: they are "
            "usually seconds read as milliseconds, or the reverse).",
        ),
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import call logs and chat exports: each file whole or not at all, each record once."""
    from datetime import timedelta

    from blockwatch import when
    from blockwatch.errors import InputError
    from blockwatch.importers import Options
    from blockwatch.importers.csvcalls import parse_map
    from blockwatch.importing import check_readable, import_file

    st = state(ctx)
    chosen = st.env.chosen_date_order()  # --date-order before the command, or the environment
    date_order = date_order or (when.check_order(chosen) if chosen else None)
    if date_order not in (None, "dmy", "mdy", "ymd"):
        raise InputError(
            _("--date-order {date_order!r} is not dmy or mdy").format(date_order=date_order)
        )
    mapping = parse_map(column_map)
    for path in files:  # a mistake costs no passphrase
        check_readable(path)
    if timezone:
        when.zone(timezone)
    with open_vault(st) as v:
        zone = timezone or v.settings.timezone
        when.zone(zone)
        options = Options(
            platform=platform,
            timezone=zone,
            home_region=v.settings.home_region,
            date_order=date_order,
            mine=mine,
            column_map=mapping,
            latest=st.env.now() + timedelta(days=1),
            accept_odd_dates=accept_odd_dates,
        )
        summaries: list[dict[str, Any]] = []
        for path in files:
            with _progress(st, path) as tick:
                result = import_file(v, path, options, fmt=fmt, dry_run=dry_run, progress=tick)
            summaries.append(
                {
                    "file": str(path),
                    "format": result.format,
                    "sha256": result.sha256,
                    "found": result.found,
                    "added": result.added,
                    "already_present": result.present,
                    "skipped": dict(result.skipped),
                    "dry_run": dry_run,
                }
            )
            if json_:
                continue
            line = (
                _(
                    "{file} ({format}, sha256 {sha}…): {found} records: would add {added}, "
                    "already present {present}, skipped {skipped}"
                )
                if dry_run
                else _(
                    "{file} ({format}, sha256 {sha}…): {found} records: added {added}, "
                    "already present {present}, skipped {skipped}"
                )
            )
            st.say(
                line.format(
                    file=safe(str(path), oneline=True),
                    format=result.format,
                    sha=result.sha256[:16],
                    found=result.found,
                    added=result.added,
                    present=result.present,
                    skipped=sum(result.skipped.values()),
                )
            )
            for why, count in result.skipped.most_common():
                st.say(_("  skipped {count}: {why}").format(count=count, why=why))
            if FORMATS[result.format].local_times:
                st.say(_("  times without a UTC offset were read in {zone}").format(zone=zone))
        if not dry_run and not json_:
            remind(st, v)
    if json_:
        emit_json(summaries)
    elif dry_run:
        st.say(_("Dry run: nothing was written."))


class _progress:
    """A progress bar on a terminal; nothing at all in a pipe."""

    def __init__(self, st: State, path: Path) -> None:
        self.st, self.path = st, path
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.st.animated:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                console=self.st.err,
                transient=True,
            )
            self.bar.start()
            task = self.bar.add_task(_("Importing {name}…").format(name=self.path.name))
            return lambda n: self.bar.update(
                task,
                description=_("Importing {name}: {n} records read").format(
                    name=self.path.name, n=n
                ),
            )
        return lambda n: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def stats(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
) -> None:
    """The pattern: counts, foreign calls by country and hour, the busiest hour, time to a block."""
    from blockwatch import inputs, logbook, when
    from blockwatch import stats as summary

    st = state(ctx)
    inputs.check_times(st.env, since, until)
    with open_vault(st) as v:
        zone, now = v.settings.timezone, st.env.now()
        where = logbook.selection(v, since=since, until=until)
        today = now.astimezone(when.zone(zone)).date()
        numbers = summary.summarize_rows(*v.summary_rows(where), zone, today)
    if json_:
        emit_json(numbers)
        return
    _render_stats(st, numbers, zone)


def _render_stats(st: State, s: dict[str, Any], zone: str) -> None:
    from babel import Locale
    from babel.dates import format_date
    from rich.table import Table

    from blockwatch import i18n, when

    def table(title: str, rows: list[tuple[str, Any]]) -> None:
        t = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
        t.add_column(no_wrap=True)
        t.add_column(justify="right")
        for label, value in rows:
            t.add_row(safe(label, oneline=True), str(value))
        st.out.print(t)
        st.out.print()

    table(
        _("{incidents}, by kind").format(
            incidents=ngettext("{n} incident", "{n} incidents", s["incidents"]).format(
                n=s["incidents"]
            )
        ),
        [(word(kind), n) for kind, n in s["by_kind"].items()],
    )
    table(_("by platform"), [(platform(name), n) for name, n in s["by_platform"].items()])
    calls = s["calls"]
    origins = {
        "foreign": _("foreign"),
        "domestic": _("domestic"),
        "withheld": _("withheld"),
        "unknown": _("unknown"),
    }
    table(
        _("incoming calls: {n}").format(n=calls["total"]), [(origins[k], calls[k]) for k in origins]
    )
    if s["foreign_calls_by_country"]:
        names = Locale.parse(i18n.language()).territories
        table(
            _("calls from foreign numbers, by country"),
            [
                (f"{names.get(region, region)} ({region})", n)
                for region, n in s["foreign_calls_by_country"].items()
            ],
        )
    busiest = s["busiest_foreign_hour"]
    if busiest:
        st.say(
            _("busiest hour of foreign calls: {count}, {start} to {end} ({zone})").format(
                count=ngettext("{n} call", "{n} calls", busiest["count"]).format(
                    n=busiest["count"]
                ),
                start=when.spoken(when.parse_instant(busiest["start"]), zone),
                end=when.spoken(when.parse_instant(busiest["end"]), zone),
                zone=zone,
            )
        )
        st.say()
    if s["foreign_calls_by_hour"]:
        peak = max(s["foreign_calls_by_hour"].values())
        st.say(_("foreign calls by hour of day ({zone}):").format(zone=zone))
        for hour, count in s["foreign_calls_by_hour"].items():
            st.say(f"  {hour}:00 {'#' * max(1, round(30 * count / peak)):<30} {count}")
        st.say()
    if s["calls_per_day"]:
        table(
            _("calls per day"),
            [
                (format_date(when.parse_instant(day).date(), "d MMMM y", locale=i18n.language()), n)
                for day, n in s["calls_per_day"].items()
            ],
        )
    timeline = s.get("timeline")
    if timeline and any(any(b) for b in timeline["bins"]):
        from blockwatch.report import charts

        st.say(
            _("incoming calls over time, each line {step} ({zone}); #: incidents").format(
                step=when.interval(timeline["step"]), zone=zone
            )
        )
        for line in charts.terminal_timeline(timeline, {**origins, "events": ""}):
            st.say("  " + line)
        st.say()
    overdue = [a for a in s["appeals"] if a["overdue"]]
    if s["appeals"]:
        st.say(
            _("appeals: {n}, overdue: {overdue}").format(n=len(s["appeals"]), overdue=len(overdue))
        )
        for a in overdue:
            st.say(
                _("  #{id} to {to}, due {due}: OVERDUE").format(
                    id=a["id"], to=a["to"], due=a["due"]
                )
            )
    for row in s["first_foreign_contact_to_block"]:
        st.say(
            _("block #{block}: {interval} after the first foreign contact (#{first})").format(
                block=row["block"],
                interval=when.interval(row["seconds"]),
                first=row["first_contact"],
            )
        )
