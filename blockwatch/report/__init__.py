"""The report for people (``data/report.html``): one self-contained, printable HTML file.

Jinja2 with autoescaping renders every value as text; the page loads nothing (a
Content-Security-Policy allows only inline styles and ``data:`` images), and prints on A4.
Dates, numbers and country names come from Babel in Kazakh, Russian or English.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
    """Dates, numbers and names the way a reader of ``lang`` expects them."""

    def __init__(self, lang: str, zone: str) -> None:
        from babel import Locale

        self.lang = lang
        self.zone = ZoneInfo(zone)
        self.locale = Locale.parse(lang)

    def instant(self, stamp: str | None) -> str:
        if not stamp:
            return "—"
        from blockwatch import when

        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(self.zone)
        return when.spoken(moment, lang=self.lang, seconds=True)

    def date(self, stamp: str | None) -> str:
        if not stamp:
            return "—"
        from babel.dates import format_date

        return format_date(datetime.fromisoformat(stamp).date(), "d MMMM y", locale=self.locale)

    def number(self, value: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def calls(self, count: int) -> str:
        """"{n} calls" as the reader's language says it (1 звонок, 2 звонка, 5 звонков)."""
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
        from babel.dates import format_timedelta

        return format_timedelta(seconds, locale=self.locale, threshold=1.5)


def render_report(
    views: Sequence[Incident],
    summary: dict[str, Any],
    meta: dict[str, Any],
    lang: str,
    images: dict[str, str],
) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    template = _env().get_template("report.html.j2")
    return str(
        template.render(
            t=texts("report", lang),
            lang=lang,
            f=Formatter(lang, meta["timezone"]),
            csp=CSP,
            views=views,
            summary=summary,
            meta=meta,
            images=images,
            by_id={v["id"]: v for v in views},
        )
    )
