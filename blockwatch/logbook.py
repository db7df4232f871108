"""Turn what a person typed into ledger entries: ``log`` a new incident, ``amend`` one.

Everything is parsed and checked (times, numbers, fields, attachment files) before the vault
is touched, so bad input leaves the vault exactly as it was.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from blockwatch import incidents, inputs, law, phones, when, words
from blockwatch.errors import InputError, NotFound
from blockwatch.i18n import _
from blockwatch.incidents import Incident
from blockwatch.inputs import due_date
from blockwatch.vault import Filter, Vault, read_attachment

Typed = inputs.Typed  # the fields of one command as typed (checked by inputs.precheck)


def log(
    vault: Vault,
    kind: str,
    typed: Typed,
    confirm: Callable[[Incident], bool] | None = None,
) -> Incident:
    """Record a new incident.  ``confirm`` is asked when it looks like one already recorded
    (same kind, counterparty and minute): a call typed twice is a flood that never was."""
    settings = vault.settings
    now = vault.env.now()
    occurred = read_time(vault, typed.at) if typed.at else now
    day = occurred.astimezone(when.zone(settings.timezone)).date()
    typed.details = _deadline(
        typed, day, typed.details.get("to"), statutory=kind == "appeal", days=working_days(vault)
    )
    party = (
        phones.counterparty(typed.counterparty, settings.home_region)
        if typed.counterparty is not None
        else None
    )
    platform = typed.platform
    if platform is None and kind == "appeal" and typed.details.get("to") in incidents.PLATFORMS:
        platform = typed.details["to"]  # an appeal to WhatsApp is about WhatsApp (issue 15)
    body = incidents.new_incident(
        uid=str(uuid.uuid4()),
        kind=kind,
        occurred_at=when.format_instant(occurred, settings.timezone),
        timezone=settings.timezone,
        platform_name=incidents.platform(platform),
        counterparty=party,
        details_=incidents.details(kind, _resolve(vault, typed.details)),
        note=typed.note,
    )
    attachments = [read_attachment(p) for p in typed.attach]
    twin = similar(vault, body) if confirm is not None else None
    if twin is not None and confirm is not None and not confirm(twin):
        raise InputError(
            _("nothing was logged: it looks like incident {id}").format(id=twin["id"]),
            hint=_("'blockwatch show {id}' shows it; add --yes to log another one").format(
                id=twin["id"]
            ),
        )
    return vault.add_incident(body, attachments)


def similar(vault: Vault, body: dict[str, Any]) -> Incident | None:
    """An incident already recorded with the kind, counterparty and minute of ``body``."""
    start = when.parse_instant(body["occurred_at"]).replace(second=0, microsecond=0)
    minute = Filter(kinds=(body["kind"],), since=start, until=start + timedelta(seconds=59))
    who = _who(body.get("counterparty"))
    return next((v for v in vault.incidents(minute) if _who(v.get("counterparty")) == who), None)


def _who(party: Any) -> tuple[str, str] | None:
    if not party:
        return None
    return party.get("type"), party.get("e164") or phones.clean(party.get("raw") or "").casefold()


def read_time(vault: Vault, text: str, *, allow_future: bool = False) -> datetime:
    """A time typed for this vault: in its zone, numeric dates in its home region's order
    (or the run's --date-order)."""
    chosen = vault.env.chosen_date_order()
    return when.parse_when(
        text,
        vault.settings.timezone,
        vault.env.now(),
        order=when.check_order(chosen) if chosen else None,
        region=vault.settings.home_region,
        allow_future=allow_future,
    )


def amend(vault: Vault, incident_id: int, typed: Typed, why: str | None = None) -> Incident:
    current = vault.incident(incident_id)
    settings = vault.settings
    changes: dict[str, Any] = {}
    if typed.at is not None:
        occurred = read_time(vault, typed.at)
        changes["occurred_at"] = when.format_instant(occurred, settings.timezone)
        changes["timezone"] = settings.timezone
    if typed.platform is not None:
        changes["platform"] = incidents.platform(typed.platform)
    if typed.counterparty is not None:
        if current["kind"] not in incidents.HAS_COUNTERPARTY:
            raise InputError(
                _("a {kind} incident has no number or sender").format(kind=current["kind"])
            )
        changes["counterparty"] = phones.counterparty(typed.counterparty, settings.home_region)
    if typed.note is not None:
        changes["note"] = incidents.text(typed.note, "note")
    was = current["details"]
    moved = "occurred_at" in changes and was.get("due_basis") in law.ARTICLES
    if current["kind"] == "appeal" and (
        typed.due_in is not None
        or typed.promised_in is not None
        or typed.details.get("due")
        or moved  # a statutory deadline follows the appeal's day
    ):
        start = when.parse_instant(changes.get("occurred_at", current["occurred_at"]))
        typed.details = _deadline(
            typed,
            start.astimezone(when.zone(settings.timezone)).date(),
            typed.details.get("to") or was.get("to"),
            statutory=moved,
            current=was,
            days=working_days(vault),
        )
    given = {k: v for k, v in typed.details.items() if v is not None}
    if given:
        changes["details"] = incidents.details(current["kind"], _resolve(vault, given))
    attachments = [read_attachment(p) for p in typed.attach]
    if not changes and not attachments:
        raise InputError(
            _("nothing to change in incident {id}").format(id=incident_id),
            hint=_("give the fields to correct, e.g. --at '2026-07-04 21:05' or --note '...'"),
        )
    return vault.amend(incident_id, changes, why, attachments)


def _deadline(
    typed: Typed,
    day: date,
    to: str | None,
    *,
    statutory: bool,
    current: dict[str, Any] | None = None,
    days: Any = None,
) -> dict[str, Any]:
    """The appeal's deadline and who set it (``due``, ``due_basis``), and the recipient's own
    promise (``promised``), from the day of the appeal (in the vault's zone).  --due or --due-in
    are typed; without them, an appeal to a state body gets the law's deadline when
    ``statutory`` (a new appeal, or one whose day moved); a promise alone is the deadline.
    ``current``: the details of the appeal amended (its deadline stands unless replaced)."""
    from blockwatch import deadlines

    days = days or deadlines.Calendar()
    details = dict(typed.details)
    if typed.due_in is not None:
        if details.get("due") is not None:
            raise InputError(_("give either --due or --due-in, not both"))
        details["due"] = deadlines.due_after(day, typed.due_in, days).isoformat()
    if details.get("due") is not None:
        if due_date(details["due"]) < day:
            raise InputError(
                _("--due {due} is before the appeal itself ({day})").format(
                    due=details["due"], day=day.isoformat()
                ),
                hint=_("check the date, or the day/month order"),
            )
        details["due_basis"] = "typed"
    term = law.STATUTORY.get(to or "")
    if details.get("due") is None and term is not None and statutory:
        details["due"] = deadlines.add_working_days(day, term.working_days, days).isoformat()
        details["due_basis"] = term.article
    if typed.promised_in is not None:
        promised = deadlines.due_after(day, typed.promised_in, days)
        details["promised"] = promised.isoformat()
        before = current or {}
        due = details.get("due") or before.get("due")
        basis = details.get("due_basis") or before.get("due_basis")
        if due is None or (basis == "promised" and details.get("due") is None):
            details["due"], details["due_basis"] = promised.isoformat(), "promised"
        elif basis in law.ARTICLES and promised > due_date(due):
            typed.warnings.append(
                _(
                    "the recipient promised {promised}, later than the law allows ({due}, "
                    "{article}): the law's shorter term applies"
                ).format(
                    promised=when.spoken_day(promised),
                    due=when.spoken_day(due_date(due)),
                    article=words.word(basis),
                )
            )
    last = max((details[k] for k in ("due", "promised") if details.get(k)), default=None)
    if last is not None:
        crossed = days.set_between(day, due_date(last))
        if crossed:  # a deadline counted over days the user set says so
            details["calendar"] = crossed
    return details


def working_days(vault: Vault) -> Any:
    """The working-day calendar of this vault: its home region's holidays, with the days the
    user set (``blockwatch calendar``)."""
    from blockwatch import deadlines

    off, working = vault.calendar_days()
    return deadlines.Calendar(vault.settings.home_region, frozenset(off), frozenset(working))


def set_calendar_day(vault: Vault, text: str, *, working: bool, note: str | None) -> str:
    """Record that a day is off (or working) against the holiday calendar; its ISO date."""
    from blockwatch import deadlines
    from blockwatch.vault.store import ENTRY_CALENDAR_DAY_OFF, ENTRY_CALENDAR_WORKING_DAY

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            _("{text} is not a date").format(text=repr(text)),
            hint=_("write it as YYYY-MM-DD, e.g. 2026-08-31"),
        ) from None
    off, set_working = vault.calendar_days()
    iso = day.isoformat()
    if iso in (set_working if working else off):
        raise InputError(
            (
                _("{day} is already set as a working day")
                if working
                else _("{day} is already set as a day off")
            ).format(day=iso)
        )
    plain = deadlines.Calendar(vault.settings.home_region)
    if iso not in off and iso not in set_working and plain.is_working_day(day) == working:
        raise InputError(
            (
                _("{day} is already a working day in the holiday calendar")
                if working
                else _("{day} is already a day off in the holiday calendar")
            ).format(day=iso),
            hint=_("'blockwatch calendar list' shows the days you set"),
        )
    body: dict[str, Any] = {"date": iso}
    if note:
        body["note"] = incidents.text(note, "note")
    vault.record_calendar_day(
        ENTRY_CALENDAR_WORKING_DAY if working else ENTRY_CALENDAR_DAY_OFF, body
    )
    return iso


def set_status(
    vault: Vault,
    incident_id: int,
    status: str,
    *,
    at: str | None = None,
    note: str | None = None,
    attach: list[Path] | None = None,
    ref: str | None = None,
) -> Incident:
    """Record what became of an appeal: a status entry (and files) in the ledger; ``ref``, the
    number it was registered under (an ЕРДР number, a талон)."""
    current = appeal_of(vault, incident_id)
    incidents.details("appeal", {"status": status, "ref": ref})  # validates the values
    moment = read_time(vault, at) if at else vault.env.now()
    appealed = when.parse_instant(current["occurred_at"])
    if moment < appealed:
        raise InputError(
            _("--at is before the appeal was made ({when})").format(when=current["occurred_at"])
        )
    body: dict[str, Any] = {
        "uid": current["uid"],
        "status": status,
        "at": when.format_instant(moment, vault.settings.timezone),
    }
    if note:
        body["note"] = incidents.text(note, "note")
    if ref:
        body["ref"] = ref
    return vault.record_status(incident_id, body, [read_attachment(p) for p in attach or []])


def appeal_of(vault: Vault, incident_id: int) -> Incident:
    """The appeal numbered ``incident_id``; InputError when that incident is not an appeal."""
    current = vault.incident(incident_id)
    if current["kind"] != "appeal":
        raise InputError(
            _("incident {id} is a {kind}, not an appeal").format(
                id=incident_id, kind=words.word(current["kind"])
            ),
            hint=_("only appeals have a status; 'blockwatch appeals' lists them"),
        )
    return current


def extend(vault: Vault, incident_id: int, until: str, reason: str) -> Incident:
    """Record that a state body extended its deadline to answer (APPC art. 76: with reasons,
    to two months at most): an amendment of ``due``, marked ``extended``, its reason the
    amendment's why."""
    from blockwatch import deadlines

    current = appeal_of(vault, incident_id)
    details = current["details"]
    term = law.STATUTORY.get(details.get("to") or "")
    if term is None or details.get("due_basis") not in law.ARTICLES:
        raise InputError(
            _("the deadline of appeal {id} was not set by law: nothing to extend").format(
                id=incident_id
            ),
            hint=_("to correct a deadline, use 'blockwatch amend {id} --due DATE'").format(
                id=incident_id
            ),
        )
    new = due_date(until)
    if new <= due_date(details["due"]):
        raise InputError(
            _("--extended-to {date} is not after the deadline it extends ({due})").format(
                date=new.isoformat(), due=details["due"]
            )
        )
    sent = when.parse_instant(current["occurred_at"]).astimezone(when.zone(vault.settings.timezone))
    limit = deadlines.add_months(sent.date(), term.extendable_months)
    if new > limit:
        raise InputError(
            _(
                "--extended-to {date} is later than the law allows: {months} months after the "
                "appeal, {limit} ({article})"
            ).format(
                date=new.isoformat(),
                months=term.extendable_months,
                limit=limit.isoformat(),
                article=words.word(term.article),
            ),
            hint=_("give the date the body wrote; a later one is itself a breach to complain of"),
        )
    changes = {"details": incidents.details("appeal", {"due": new.isoformat(), "extended": True})}
    return vault.amend(incident_id, changes, incidents.text(reason, "note"), [])


def selection(
    vault: Vault,
    *,
    kinds: list[str] | None = None,
    platform: str | None = None,
    since: str | None = None,
    until: str | None = None,
    ids: list[int] | None = None,
) -> Filter:
    """The incidents a person chose with --kind/--platform/--since/--until/--id."""
    return Filter(
        kinds=incidents.check_kinds(kinds or ()),
        platform=incidents.platform(platform),
        since=read_time(vault, since, allow_future=True) if since else None,
        until=read_time(vault, until, allow_future=True) if until else None,
        ids=ids or (),
    )


def _resolve(vault: Vault, details: dict[str, Any]) -> dict[str, Any]:
    """Replace values typed as references (incident ids, dates) by what the ledger stores."""
    out = dict(details)
    if out.get("about"):
        uids = []
        for incident_id in out["about"]:
            try:
                uids.append(vault.incident(incident_id)["uid"])
            except NotFound:
                raise InputError(
                    _("--about {id}: there is no incident {id}").format(id=incident_id),
                    hint=_("'blockwatch list' shows the ids"),
                ) from None
        out["about"] = uids
    elif "about" in out:
        out["about"] = None
    for name in ("due", "promised"):
        if out.get(name) is not None:
            out[name] = due_date(out[name]).isoformat()
    return out


PROFILE = ("name", "iin", "address", "phone", "email", "lawyer")  # what letters fill in


def iin_valid(text: str) -> bool:
    """A Kazakh ИИН: 12 digits whose last is the check digit (weights 1..11, else 3..11,1,2)."""
    if len(text) != 12 or not (text.isascii() and text.isdigit()):
        return False
    digits = [int(c) for c in text]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        check = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if check != 10:
            return check == digits[11]
    return False


def set_profile(vault: Vault, given: dict[str, str | None]) -> dict[str, str]:
    """The applicant's details, changed by what was given ("" removes a field); checked."""
    profile = vault.profile()
    for key, typed in given.items():
        if typed is None:
            continue
        value = typed.strip()
        if not value:
            profile.pop(key, None)
            continue
        if key == "iin" and not iin_valid(value):
            raise InputError(
                _("--iin {value} is not an ИИН: 12 digits, the last a check digit").format(
                    value=repr(value)
                ),
                hint=_("copy it from the identity card"),
            )
        if key == "phone":
            e164 = phones.counterparty(value, vault.settings.home_region).get("e164")
            if not e164:
                raise InputError(
                    _("--phone {value} is not a phone number").format(value=repr(value)),
                    hint=_("write it in international form, e.g. +7 701 123 4567"),
                )
            value = e164
        if key == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise InputError(
                _("--email {value} is not an e-mail address").format(value=repr(value))
            )
        profile[key] = incidents.text(value, key) or ""
    vault.set_profile(profile)
    return profile
