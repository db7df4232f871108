"""Words for people: the stored values and detail fields of incidents, in the run's language.

The vault, ``--json`` and bundles keep the English identifiers (``call``, ``missed``,
``appeal_offered``); terminal output shows them through ``word`` and ``field``.  A value with
no entry here (a platform name, a phone number, free text) is shown as it is.
"""

from __future__ import annotations

from typing import Any

from blockwatch import law
from blockwatch.i18n import N_, _, language
from blockwatch.kinds import KINDS

WORDS = {
    **{kind.name: kind.label for kind in KINDS.values()},
    # directions and outcomes
    "in": N_("incoming"),
    "out": N_("outgoing"),
    "missed": N_("missed"),
    "answered": N_("answered"),
    "rejected": N_("rejected"),
    "blocked": N_("blocked"),
    # a call's type as its source names it (``source_type``): Android's call log, Telegram's
    # reason a call ended
    "incoming": N_("incoming"),
    "outgoing": N_("outgoing"),
    "voicemail": N_("voicemail"),
    "answered elsewhere": N_("answered on another device"),
    "busy": N_("busy"),
    "hangup": N_("hung up"),
    "disconnect": N_("disconnected"),
    # appeals: to whom, how, where they stand
    "police": N_("police"),
    "ministry": N_("ministry"),
    "akimat": N_("akimat"),
    "state-body": N_("state body"),
    "prosecutor": N_("prosecutor"),
    "court": N_("court"),
    "ombudsman": N_("ombudsman"),
    "other": N_("other"),
    "in-app": N_("in the app"),
    "web-form": N_("web form"),
    "email": N_("e-mail"),
    "letter": N_("letter"),
    "in-person": N_("in person"),
    "draft": N_("draft"),
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "registered": N_("registered"),
    "not-accepted": N_("not accepted"),
    "granted": N_("granted"),
    "no-response": N_("no response"),
    "unavailable": N_("appeal not possible"),
    # who set a deadline (a law's article is cited: see ``word``)
    "typed": N_("typed in"),
    "promised": N_("the recipient's promise"),
    # counterparties
    "number": N_("number"),
    "withheld": N_("number withheld"),
    "alphanumeric": N_("sender name"),
    "handle": N_("user name"),
    "private": N_("private number"),
    "unknown": N_("unknown"),
    "payphone": N_("payphone"),
    "short_code": N_("short number"),
    "mobile": N_("mobile"),
    "fixed_line": N_("landline"),
    "fixed_line_or_mobile": N_("landline or mobile"),
    "toll_free": N_("toll-free"),
    "premium_rate": N_("premium rate"),
    "voip": N_("internet telephony"),
    # where an incident came from
    "manual": N_("typed in"),
    "phone": N_("phone"),
    "sms": N_("SMS"),
    # letters
    "platform": N_("platform"),
    "generic": N_("generic"),
    "whatsapp-review": N_("WhatsApp review request"),
    "counter-notice": N_("counter-notification"),
    "complaint-higher-body": N_("complaint to the higher body"),
}

FIELDS = {
    "direction": N_("direction"),
    "outcome": N_("outcome"),
    "duration": N_("duration"),
    "source_type": N_("type in the source"),
    "text": N_("text"),
    "opened": N_("opened"),
    "links": N_("links"),
    "deleted": N_("deleted"),
    "edited": N_("edited"),
    "media": N_("media"),
    "media_omitted": N_("media left out"),
    "media_missing": N_("media missing"),
    "account": N_("account"),
    "notice": N_("notice"),
    "appeal_offered": N_("appeal offered"),
    "reason": N_("reason"),
    "claimant": N_("claimant"),
    "url": N_("URL"),
    "to": N_("to"),
    "channel": N_("channel"),
    "ref": N_("ref"),
    "status": N_("status"),
    "due": N_("due"),
    "due_basis": N_("deadline set by"),
    "extended": N_("extended"),
    "calendar": N_("counted with the days you set"),
    "promised": N_("promised by"),
    "about": N_("about"),
    "raw": N_("as in the source"),
    "platform": N_("platform"),
    "occurred_at": N_("occurred"),
    "timezone": N_("time zone"),
    "counterparty": N_("who"),
    "details": N_("details"),
    "note": N_("note"),
}


def word(value: Any) -> Any:
    """A stored value as people read it (``missed`` -> ``пропущен``); others unchanged."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and value in WORDS:
        return _(WORDS[value])
    if isinstance(value, str) and value in law.ARTICLES:
        return law.cite(value, language())
    return value


def field(name: str) -> str:
    """A detail's name as people read it (``appeal_offered`` -> ``appeal offered``)."""
    return _(FIELDS[name]) if name in FIELDS else name.replace("_", " ")


# Brands keep their own spelling in every language; other platform names go through ``word``.
BRANDS = {
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "signal": "Signal",
    "viber": "Viber",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "twitter": "Twitter",
    "x": "X",
    "vk": "VK",
    "gmail": "Gmail",
}

SOURCES = {
    "android-calls": N_("imported from an Android call log"),
    "android-sms": N_("imported from Android messages"),
    "whatsapp": N_("imported from a WhatsApp chat"),
    "telegram": N_("imported from a Telegram export"),
    "csv": N_("imported from a CSV call list"),
}


def platform(name: str | None) -> str:
    """A platform as people write it (``whatsapp`` -> ``WhatsApp``, ``phone`` -> ``телефон``)."""
    if not name:
        return "—"
    return BRANDS.get(name) or str(word(name))


def source(value: str) -> str:
    """Where an incident came from: typed in, or imported from which kind of file."""
    kind, _sep, fmt = value.partition(":")
    if kind == "import":
        return _(SOURCES[fmt]) if fmt in SOURCES else _("imported ({format})").format(format=fmt)
    return str(word(value))
