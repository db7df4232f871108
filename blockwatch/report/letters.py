"""Complaint letters drafted from the evidence: police, platform, ministry, or generic.

``letter_facts`` gathers what a letter states (pure, from incident views); the templates in
``templates/letters/<type>.<lang>.md.j2`` say it in Kazakh, Russian or English, in words a
lawyer would sign after light editing.  Markdown is the draft; HTML is the same text rendered
by markdown-it with raw HTML disabled, in a page with the report's Content-Security-Policy.
Names of people are never invented: what the vault does not know stays a [placeholder].
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from blockwatch import deadlines, stats
from blockwatch.i18n import LANGS
from blockwatch.incidents import Incident
from blockwatch.report import CSP, Formatter

COMPLAINTS = ("police", "platform", "ministry", "generic")  # each states every fact chosen
PACKS = ("whatsapp-review", "counter-notice")  # what one platform's own procedure asks for
# The next step when an appeal went unanswered (a deemed refusal, APPC art. 91(2)) or was
# refused at the door (CPC art. 185): each is about one appeal, chosen with --about.
NEXT_STEPS = ("complaint-higher-body", "prosecutor")
TYPES = COMPLAINTS + PACKS + NEXT_STEPS
# The articles each letter cites (law.ARTICLES): one not confirmed adds a note to check it.
CITES = {
    "police": ("uk-419",),
    "complaint-higher-body": ("appk-76", "appk-91"),
    "prosecutor": ("upk-185", "appk-64"),
}
# What a letter type needs among the incidents chosen: a review of a ban needs the ban.
NEEDS = {"whatsapp-review": "block", "counter-notice": "takedown"}
# The <title> of a letter written as HTML, in the letter's language.
TITLES = {
    "en": {
        "police": "Statement",
        "platform": "Appeal",
        "ministry": "Complaint",
        "generic": "Letter",
        "whatsapp-review": "Request for review",
        "counter-notice": "Counter-notification",
        "complaint-higher-body": "Complaint to the higher body",
        "prosecutor": "Complaint to the prosecutor",
    },
    "ru": {
        "police": "Заявление",
        "platform": "Обращение",
        "ministry": "Жалоба",
        "generic": "Письмо",
        "whatsapp-review": "Просьба о проверке",
        "counter-notice": "Counter-notification",
        "complaint-higher-body": "Жалоба в вышестоящий орган",
        "prosecutor": "Жалоба прокурору",
    },
    "kk": {
        "police": "Арыз",
        "platform": "Өтініш",
        "ministry": "Шағым",
        "generic": "Хат",
        "whatsapp-review": "Тексеру туралы өтініш",
        "counter-notice": "Counter-notification",
        "complaint-higher-body": "Жоғары тұрған органға шағым",
        "prosecutor": "Прокурорға шағым",
    },
}


def language(kind: str, lang: str) -> str:
    """The language a letter of ``kind`` is written in when its reader asked for ``lang``."""
    from blockwatch.documents import ONE_LANGUAGE

    return ONE_LANGUAGE.get(kind, lang)


def letter_facts(
    views: Sequence[Incident],
    zone: str,
    today: date,
    *,
    lang: str,
    name: str | None = None,
    bundle: dict[str, str] | None = None,
    profile: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What a letter states, every value already in the letter's language; the applicant's
    details from ``profile`` (``blockwatch profile``), else placeholders."""
    from blockwatch.i18n import speaking

    mine = profile or {}
    with speaking(lang):
        facts = _facts(views, zone, today, lang, name or mine.get("name"), bundle)
    return facts | {k: mine.get(k) for k in ("iin", "address", "phone", "email", "lawyer")}


def numbers_appendix(ordered: Sequence[Incident], f: Formatter) -> list[dict[str, Any]]:
    """Every foreign and withheld number that called or wrote (incoming): how many calls and
    messages, the first and last time, on which platforms -- the list the police need to
    ask the operators and platforms about.  Most active first."""
    rows: dict[str, dict[str, Any]] = {}
    for v in ordered:
        if v["kind"] not in ("call", "message") or v["details"].get("direction") == "out":
            continue
        origin = stats.call_origin(v)
        if origin not in ("foreign", "withheld"):
            continue
        party = v["counterparty"] or {}
        key = "" if origin == "withheld" else str(party.get("e164") or party.get("raw"))
        row = rows.setdefault(
            key,
            {
                "number": f.party(party) if key else f.party({"type": "withheld"}),
                "country": f.country(party.get("region")) if key else "—",
                "calls": 0,
                "messages": 0,
                "first": v["occurred_at"],
                "platforms": [],
            },
        )
        row["calls" if v["kind"] == "call" else "messages"] += 1
        row["last"] = v["occurred_at"]
        named = f.platform(v["platform"])
        if named not in row["platforms"]:
            row["platforms"].append(named)
    ordered_rows = sorted(rows.values(), key=lambda r: (-(r["calls"] + r["messages"]), r["first"]))
    return [
        {**r, "first": f.instant(r["first"]), "last": f.instant(r["last"]),
         "platforms": ", ".join(r["platforms"])}
        for r in ordered_rows
    ]  # fmt: skip


def _calls_before(ordered: Sequence[Incident], block: Incident, f: Formatter) -> dict[str, Any]:
    """The incoming calls of the 24 hours before a block: how many, how many foreign, from where."""
    from collections import Counter
    from datetime import datetime, timedelta

    end = datetime.fromisoformat(block["occurred_at"])
    start = end - timedelta(hours=24)
    calls = [
        v
        for v in ordered
        if v["kind"] == "call"
        and v["details"].get("direction") != "out"
        and start <= datetime.fromisoformat(v["occurred_at"]) <= end
    ]
    foreign = [v for v in calls if stats.call_origin(v) == "foreign"]
    regions = Counter((v["counterparty"] or {}).get("region") for v in foreign)
    return {
        "calls_before": len(calls),
        "foreign_before": len(foreign),
        "countries": ", ".join(f"{f.country(r)} — {n}" for r, n in regions.most_common()),
    }


def _facts(
    views: Sequence[Incident],
    zone: str,
    today: date,
    lang: str,
    name: str | None,
    bundle: dict[str, str] | None,
) -> dict[str, Any]:
    f = Formatter(lang, zone)
    summary = stats.summarize(views, zone, today)
    ordered = sorted(views, key=lambda v: v["occurred_at"])

    def when(v: Incident) -> str:
        return f.instant(v["occurred_at"])

    foreign_messages = [
        v
        for v in ordered
        if v["kind"] == "message"
        and stats.call_origin(v) == "foreign"
        and v["details"].get("direction") != "out"
    ]
    busiest = summary["busiest_foreign_hour"]
    return {
        "name": name,
        "today": f.date(today.isoformat()),
        "zone": f.zone_name(),
        "first": when(ordered[0]) if ordered else None,
        "last": when(ordered[-1]) if ordered else None,
        "incidents": len(views),
        "calls": summary["calls"],
        "countries": [
            (f.country(region), n) for region, n in summary["foreign_calls_by_country"].items()
        ],
        "busiest": None
        if not busiest
        else {
            "count": busiest["count"],
            "calls": f.calls(busiest["count"]),
            "start": f.instant(busiest["start"]),
            "end": f.instant(busiest["end"]),
        },
        "messages": [
            {
                "when": when(v),
                "from": (v["counterparty"] or {}).get("e164")
                or (v["counterparty"] or {}).get("raw"),
                "country": f.country((v["counterparty"] or {}).get("region")),
                "text": v["details"].get("text") or "",
                "platform": v["platform"] and f.platform(v["platform"]),
            }
            for v in foreign_messages
        ],
        "blocks": [
            {
                "when": when(v),
                "platform": f.platform(v["platform"]),
                "account": v["details"].get("account"),
                "notice": v["details"].get("notice"),
                "appeal_offered": v["details"].get("appeal_offered"),
            }
            for v in ordered
            if v["kind"] == "block"
        ],
        "takedowns": [
            {
                "when": when(v),
                "platform": f.platform(v["platform"]),
                "claimant": v["details"].get("claimant"),
                "reason": v["details"].get("reason"),
                "url": v["details"].get("url"),
                "notice": v["details"].get("notice"),
            }
            for v in ordered
            if v["kind"] == "takedown"
        ],
        "compromises": [
            {
                "when": when(v),
                "platform": f.platform(v["platform"]),
                "account": v["details"].get("account"),
                "notice": v["details"].get("notice"),
            }
            for v in ordered
            if v["kind"] == "compromise"
        ],
        "appeals": [
            {
                "when": when(v),
                "to": v["details"].get("to"),
                "channel": v["details"].get("channel"),
                "ref": v["details"].get("ref"),
                "status": v["details"].get("status"),
                "due": f.date(v["details"].get("due")) if v["details"].get("due") else None,
                "due_basis": _basis(v["details"].get("due_basis"), lang)
                if v["details"].get("due")
                else None,
                "overdue": deadlines.is_overdue(v["details"], today),
            }
            for v in ordered
            if v["kind"] == "appeal"
        ],
        "to_block": [
            {"interval": f.duration(row["seconds"])}
            for row in summary["first_foreign_contact_to_block"]
        ],
        "bundle": bundle,
        "platforms": sorted(
            {
                f.platform(v["platform"])
                for v in views
                if v["platform"] and v["kind"] in ("block", "takedown")
            }
        ),
        "numbers": numbers_appendix(ordered, f),
        "whatsapp_blocks": [
            {
                **_calls_before(ordered, v, f),
                "when": when(v),
                "account": v["details"].get("account"),
                "notice": v["details"].get("notice"),
            }
            for v in ordered
            if v["kind"] == "block" and v["platform"] == "whatsapp"
        ],
        "takedown_platforms": sorted(
            {f.platform(v["platform"]) for v in views if v["kind"] == "takedown" and v["platform"]}
        ),
    }


def complained(view: Incident, zone: str, today: date, lang: str) -> dict[str, Any]:
    """The appeal a next-step letter complains of, every value in the letter's language: when
    and to whom it went, its number, its deadline and who set it, what became of it, and the
    articles that make silence a refusal (APPC art. 91(2)) and a refusal to accept appealable
    (CPC art. 185)."""
    from blockwatch import law
    from blockwatch.i18n import speaking

    d = view["details"]
    with speaking(lang):
        f = Formatter(lang, zone)
        return {
            "id": view["id"],
            "when": f.instant(view["occurred_at"]),
            "to": d.get("to"),
            "channel": d.get("channel"),
            "ref": d.get("ref"),
            "status": d.get("status"),
            "due": f.date(d["due"]) if d.get("due") else None,
            "due_basis": _basis(d.get("due_basis"), lang) if d.get("due") else None,
            "extended": bool(d.get("extended")),
            "overdue": deadlines.is_overdue(d, today),
            "statutory": d.get("due_basis") in law.ARTICLES,
            "term": law.cite("appk-76", lang),
            "deemed": law.cite("appk-91", lang),
            "registration": law.cite("upk-185", lang),
            "acceptance": law.cite("appk-64", lang),
        }


def _basis(value: str | None, lang: str) -> str | None:
    """Who set a deadline, for a letter: the law's article as cited, or the recipient's own
    promise (None: typed by hand, or none)."""
    from blockwatch import law
    from blockwatch.documents import texts

    if value in law.ARTICLES:
        return law.cite(value, lang)
    return str(texts("labels", lang)["promised" if value == "promised" else "typed"])


def unconfirmed(kind: str, lang: str) -> list[str]:
    """The articles a letter of ``kind`` cites whose text was not read: to check."""
    from blockwatch import law

    return [law.cite(k, lang) for k in CITES.get(kind, ()) if not law.ARTICLES[k].confirmed]


def render_letter(kind: str, lang: str, facts: dict[str, Any]) -> str:
    """The letter as Markdown."""
    import jinja2

    if kind not in TYPES or lang not in LANGS:
        raise ValueError(f"no letter {kind!r} in {lang!r}")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("blockwatch.report", "templates/letters"),
        autoescape=False,  # Markdown, not HTML: to_html escapes everything raw
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from blockwatch.documents import letter_template, texts

    labels = texts("labels", lang)
    env.filters["label"] = lambda value: labels.get(value, value) if value else value
    text = str(env.get_template(letter_template(kind, lang)).render(**facts))
    check = unconfirmed(kind, lang)
    if check:
        note = texts("labels", lang)["check_articles"]
        text += "\n" + note.format(articles="; ".join(check)) + "\n"
    return text


def to_html(markdown: str, lang: str, title: str) -> str:
    """The letter as a self-contained HTML page; raw HTML in the text is shown, never run."""
    import html

    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CSP)}">\n'
        f'<meta name="referrer" content="no-referrer">\n<title>{html.escape(title)}</title>\n'
        "<style>body { font: 12pt/1.5 'DejaVu Serif', 'Times New Roman', serif; max-width: 42em; "
        "margin: 2em auto; padding: 0 1em; } @page { size: A4; margin: 20mm; } "
        "table { border-collapse: collapse; font-size: 10pt; } th, td { border: 1px solid #444; "
        "padding: 2px 6px; vertical-align: top; } "
        "@media print { body { margin: 0; } }</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )
