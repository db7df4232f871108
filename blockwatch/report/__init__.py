"""The report for people (``data/report.html``): one self-contained, printable HTML file.

Jinja2 with autoescaping renders every value as text; the page loads nothing (a
Content-Security-Policy allows only inline styles and ``data:`` images), and prints on A4.
Dates, numbers and country names come from Babel in Kazakh, Russian or English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date as Day
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from blockwatch import words
from blockwatch.documents import texts
from blockwatch.i18n import LANGS

if TYPE_CHECKING:
    from blockwatch.incidents import Incident

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("blockwatch.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Formatter:
    """Dates, numbers, names and stored values the way a reader of ``lang`` expects them.
    ``numbers``: the incident number of each uid the document shows (others are named as not
    in it): a reader meets incident numbers, never a uid."""

    def __init__(self, lang: str, zone: str, numbers: Mapping[str, int] | None = None) -> None:
        from babel import Locale

        self.lang = lang
        self.zone = ZoneInfo(zone)
        self.locale = Locale.parse(lang)
        self.numbers = numbers or {}

    def instant(self, stamp: str | None) -> str:
        if not stamp:
            return "—"
        from blockwatch import when

        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(self.zone)
        # as a person writes it: 20:41 (UTC+05:00, Алматы); seconds where the record has them
        text = when.spoken(moment, lang=self.lang)
        if "/" in self.zone.key and not self.zone.key.startswith("Etc/"):
            text = f"{text[:-1]}, {self.zone_name()})"  # no city for UTC or Etc/GMT-5
        return text

    def date(self, stamp: str | None) -> str:
        if not stamp:
            return "—"
        from babel.dates import format_date

        return format_date(datetime.fromisoformat(stamp).date(), "d MMMM y", locale=self.locale)

    def zone_name(self) -> str:
        """The zone as its main city is called in the reader's language (``Алматы``), not its
        IANA identifier."""
        from babel.dates import get_timezone, get_timezone_location

        return str(
            get_timezone_location(get_timezone(self.zone.key), locale=self.locale, return_city=True)
        )

    def time(self, stamp: str) -> str:
        """The time of day of an instant in the report's zone: ``20:46`` (``20:46:05``)."""
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(self.zone)
        return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")

    def day_of(self, stamp: str) -> Day:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(self.zone).date()

    def day(self, stamp: str) -> str:
        """The day of an instant in the report's zone, with its offset: ``4 июля 2026``."""
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(self.zone)
        return self.date(moment.date().isoformat())

    def number(self, value: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def calls(self, count: int) -> str:
        """ "{n} calls" as the reader's language says it (1 звонок, 2 звонка, 5 звонков)."""
        from blockwatch.documents.report import CALLS

        forms = CALLS[self.lang]
        return forms.get(self.locale.plural_form(count), forms["other"]).format(
            n=self.number(count)
        )

    def country(self, region: str | None) -> str:
        if not region or region == "?":
            return "—"
        return f"{self.locale.territories.get(region, region)} ({region})"

    def duration(self, seconds: int) -> str:
        from blockwatch import when

        return when.interval(seconds, lang=self.lang)

    # Stored values (``words``) are translated by gettext: ``render_report`` speaks ``lang``.

    def platform(self, name: str | None) -> str:
        return words.platform(name)

    def source(self, value: str) -> str:
        return words.source(value)

    def word(self, value: Any) -> str:
        return "—" if value is None else str(words.word(value))

    def field(self, name: str) -> str:
        return words.field(name)

    def incident(self, uid: str) -> str:
        from blockwatch.i18n import _

        number = self.numbers.get(uid)
        return f"#{number}" if number is not None else _("an incident not in this bundle")

    def detail(self, key: str, value: Any) -> str:
        """One detail's value, in words: incidents by number, durations, dates, yes and no."""
        if value is None or value == [] or value == "":
            return "—"
        if key == "about":
            return ", ".join(
                self.incident(u) for u in (value if isinstance(value, list) else [value])
            )
        if key == "duration" and type(value) is int:
            return self.duration(value)
        if key == "due" and isinstance(value, str):
            return self.date(value)
        if key == "to" and isinstance(value, str):
            return self.platform(value) if value in words.BRANDS else self.word(value)
        if isinstance(value, dict):  # a record as its source file wrote it: quoted as it is
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(self.detail(key, item) for item in value)
        return self.word(value)

    @staticmethod
    def text(value: Any) -> str:
        return str(value) if value else "—"

    def summary(self, view: Mapping[str, Any]) -> str:
        """A call's or message's details on one short line: the values that speak for
        themselves alone ("входящий, пропущен, 1 минута 35 секунд"), the others named."""
        from blockwatch.incidents import CHOICES

        parts = []
        for key, value in sorted(view["details"].items()):
            if key in ("text", "raw", "links") or value is None or value == []:
                continue
            said = self.detail(key, value)
            if key in CHOICES or key == "duration":
                parts.append(said)
            elif key != "source_type" or said not in parts:
                # the source's own type of call, unless it only repeats the direction or the
                # outcome ("missed" of a missed call); the card and incidents.json keep it
                parts.append(f"{self.field(key)}: {said}")
        return ", ".join(parts)

    def party(self, party: Mapping[str, Any] | None) -> str:
        if not party:
            return "—"
        if party.get("type") == "withheld":
            return str(words.word("withheld"))
        return str(party.get("e164") or party.get("raw") or words.word(party.get("type")))

    def change(self, c: Mapping[str, Any]) -> str:
        """An amendment as a sentence: "Outcome: answered (was: —)"."""
        from blockwatch.i18n import _

        was = _("was")
        if c.get("attached"):
            return _("file added: SHA-256 {sha256}").format(sha256=c["attached"])
        if c.get("status"):
            line = _("{field}: {new} (was: {old}), on {when}").format(
                field=self.field("status"),
                new=self.word(c["status"]),
                old=self.word(c.get("previous_status")),
                when=self.date(c["at"]),
            )
            if c.get("ref"):
                line += "; " + _("{field}: {value}").format(field=self.field("ref"), value=c["ref"])
            return line + (f": {c['note']}" if c.get("note") else "")
        parts = []
        for key, value in sorted(c["set"].items()):  # the ledger's order: the same at verify
            old = c["previous"].get(key)
            if key == "details":
                olds = old or {}
                parts += [
                    f"{self.field(k)}: {self.detail(k, v)} ({was}: {self.detail(k, olds.get(k))})"
                    for k, v in sorted(value.items())
                ]
                continue
            shows: dict[str, Callable[[Any], str]] = {
                "occurred_at": self.instant,
                "platform": self.platform,
                "counterparty": self.party,
            }
            show = shows.get(key, self.text)
            parts.append(f"{self.field(key)}: {show(value)} ({was}: {show(old)})")
        line = "; ".join(parts)
        return line + (" — " + _("why: {why}").format(why=c["why"]) if c.get("why") else "")


# Calls and messages come in bulk: a row each, in a table per day; an incident with more to
# show (a correction, a file, a note) keeps a card of its own, as every other kind does.
BULK = ("call", "message")


def _is_row(view: Incident) -> bool:
    return (
        view["kind"] in BULK
        and not view["amended"]
        and not view["attachments"]
        and not view.get("note")
    )


# A day's table is cut into parts of this many rows, each laid out by a browser only when it
# comes into view: measured with Chromium on two cores (bench/report_render.py), the first
# screen of a 10,000-call report took 2.1 s more than a one-call report's as one table a day
# and 0.25 s in parts of 200 (both with other work running), 0.14 s in parts on an idle machine.
ROWS_PER_PART = 200


def blocks(views: Sequence[Incident], f: Formatter) -> list[dict[str, Any]]:
    """The timeline as the report lays it out: runs of plain calls and messages of one day as
    ``{"day", "rows", "recorded"}`` tables, every other incident as ``{"card"}``, in the views'
    order.  ``recorded``: (when recorded, how) when every row of the table shares it (an import)
    -- said once in the caption instead of on every row."""
    out: list[dict[str, Any]] = []
    for view in views:
        if not _is_row(view):
            out.append({"card": view})
            continue
        day = f.day(view["occurred_at"])
        if out and "rows" in out[-1] and out[-1]["day"] == day:
            out[-1]["rows"].append(view)
        else:
            out.append({"day": day, "rows": [view]})
    for block in out:
        if "rows" in block:
            shared = {(v["recorded_at"], v["source"]) for v in block["rows"]}
            block["recorded"] = next(iter(shared)) if len(shared) == 1 else None
    return out


def _charts(
    summary: Mapping[str, Any], meta: Mapping[str, Any], f: Formatter, t: Mapping[str, Any]
) -> dict[str, str]:
    """The report's inline SVG charts (``charts``), those the selection has data for."""
    from blockwatch.report import charts

    labels = {key: t[key] for key in ("foreign", "domestic", "withheld", "unknown", "events")}
    out = {}
    timeline = summary.get("timeline")
    if timeline and any(any(b) for b in timeline["bins"]):
        out["timeline"] = charts.timeline_svg(timeline, labels, f)
    if summary["foreign_calls_by_country"]:
        out["countries"] = charts.countries_svg(
            summary["foreign_calls_by_country"], f, t["other_countries"]
        )
    if summary["appeals"]:
        today = f.day_of(meta["exported_at"])
        out["appeals"] = charts.appeals_svg(
            summary["appeals"], today, f, {"overdue": t["overdue"], "today": t["today"]}
        )
    return out


def render_report(
    views: Sequence[Incident],
    summary: dict[str, Any],
    meta: dict[str, Any],
    lang: str,
    images: dict[str, str],
) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    from blockwatch.i18n import speaking

    template = _env().get_template("report.html.j2")
    numbers = {v["uid"]: v["id"] for v in views}
    formatter = Formatter(lang, meta["timezone"], numbers)
    with speaking(lang):
        return str(
            template.render(
                t=texts("report", lang),
                lang=lang,
                f=formatter,
                csp=CSP,
                views=views,
                summary=summary,
                meta=meta,
                images=images,
                by_id={v["id"]: v for v in views},
                blocks=blocks(views, formatter),
                ROWS=ROWS_PER_PART,
                charts=_charts(summary, meta, formatter, texts("report", lang)),
            )
        )
