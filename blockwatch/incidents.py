"""Incidents: kinds, validation, and the current view as a replay of ledger entries (pure).

The one JSON shape of an incident (docs/DESIGN.md "Incidents"), carried by ``list --json``,
``show --json`` and a bundle's ``incidents.json``::

    {"id", "uid", "kind", "platform", "occurred_at", "timezone", "recorded_at", "source",
     "counterparty", "details", "note", "attachments", "amended", "seq"}

``id`` is the incident's position among ``incident.created`` entries (1-based, vault-local);
``seq`` the ledger entry that created it.  Nothing here touches a database or a file.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, cast

from blockwatch import law
from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.i18n import _
from blockwatch.kinds import KINDS as _KINDS


class Counterparty(TypedDict, total=False):
    """Who called or wrote (``phones.counterparty``)."""

    raw: str  # as typed or exported
    type: str  # number | withheld | alphanumeric | handle (and withheld's kinds)
    e164: str | None
    region: str | None
    foreign: bool | None
    valid: bool | None
    number_type: str | None


class Attachment(TypedDict):
    sha256: str
    name: str
    size: int
    media_type: str


class Incident(TypedDict):
    """The incident view: what ``list --json``, ``show --json`` and ``incidents.json`` carry."""

    id: int
    uid: str
    kind: str
    platform: str | None
    occurred_at: str
    timezone: str
    recorded_at: str
    source: str
    counterparty: Counterparty | None
    details: dict[str, Any]  # by kind: DETAILS
    note: str | None
    attachments: list[Attachment]
    amended: list[dict[str, Any]]  # amendments, status changes, attachments, in ledger order
    seq: int


# Derived from the one table of kinds (kinds.py).
KINDS = tuple(_KINDS)
DETAILS: dict[str, tuple[str, ...]] = {k.name: k.details for k in _KINDS.values()}
HAS_COUNTERPARTY = tuple(k.name for k in _KINDS.values() if k.counterparty)

PLATFORMS = ("whatsapp", "instagram", "facebook", "telegram")  # appeal targets that are platforms
CHOICES: dict[str, tuple[str, ...]] = {
    "direction": ("in", "out"),  # of a call, or of a message (out: the user's own, kept as context)
    "outcome": ("missed", "answered", "rejected", "blocked"),
    "to": (
        *PLATFORMS,
        "police",
        "ministry",
        "akimat",
        "state-body",
        "prosecutor",
        "court",
        "ombudsman",
        "other",
    ),
    "channel": ("in-app", "web-form", "email", "letter", "in-person"),
    "status": (
        "draft",
        "sent",
        "acknowledged",
        "registered",  # registered, with a number (ЕРДР for a police report, a талон): ``ref``
        "not-accepted",  # refused at the door: appealable (CPC art. 185, APPC art. 64)
        "answered",
        "rejected",
        "granted",
        "no-response",
        "unavailable",
    ),
    # who set an appeal's deadline: the person typing it, the recipient's promise, or the law
    # (the article: law.STATUTORY)
    "due_basis": ("typed", "promised", *sorted({t.article for t in law.STATUTORY.values()})),
}
MAX_TEXT = 100_000  # characters in one text field
MAX_DURATION = 7 * 24 * 3600
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9 ._+-]{0,39}")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)

ENTRY_CREATED = "incident.created"
ENTRY_AMENDED = "incident.amended"
ENTRY_ATTACHMENT = "attachment.added"
ENTRY_STATUS = "appeal.status"
# The entries that change an incident after it was created.  In entry format 2 each one names
# the incident's entry before it in ``prev`` ({"seq", "leaf"}: its position and leaf hash), so
# that an incident's history is a hash chain: a bundle or a vault that drops an entry from
# the middle of a history is found out (``Chains``).
CHANGES = frozenset({ENTRY_AMENDED, ENTRY_STATUS, ENTRY_ATTACHMENT})


def check_kinds(kinds: Iterable[str]) -> list[str]:
    chosen = list(kinds)
    for k in chosen:
        if k not in KINDS:
            raise InputError(
                _("--kind {kind} is not a kind").format(kind=repr(k)),
                hint=_("one of: {values}").format(values=", ".join(KINDS)),
            )
    return chosen


def platform(value: str | None) -> str | None:
    if value is None:
        return None
    name = value.strip().casefold()
    if not _PLATFORM.fullmatch(name):
        raise InputError(
            _("{value} is not a platform name").format(value=repr(value)),
            hint=_("use a short name such as whatsapp, instagram, telegram, phone"),
        )
    return name


def text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise InputError(
            _("--{field} is longer than {max_text} characters").format(
                field=field, max_text=MAX_TEXT
            ),
            hint=_("attach it as a file"),
        )
    return value


def details(kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Validated ``details`` for ``kind`` from the values given (None = not given)."""
    allowed = DETAILS[kind]
    out: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name not in allowed:
            from blockwatch.words import word  # the kind in the reader's language

            raise InputError(
                _("--{option} does not apply to a {kind} incident").format(
                    option=name.replace("_", "-"), kind=word(kind)
                ),
                hint=_("a {kind} takes: {options}").format(
                    kind=word(kind), options=", ".join("--" + a.replace("_", "-") for a in allowed)
                ),
            )
        out[name] = _detail(name, value)
    if kind == "message" and out.get("text") and "links" not in out:
        links = _URL.findall(out["text"])
        if links:
            out["links"] = links
    return out


def _detail(name: str, value: Any) -> Any:
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise InputError(
                _("--{option} {value} is not one of: {values}").format(
                    option=name, value=repr(value), values=", ".join(CHOICES[name])
                ),
                hint=_("pick one of the listed values for --{option}").format(option=name),
            )
        return value
    if name == "duration":
        if type(value) is not int or not 0 <= value <= MAX_DURATION:
            raise InputError(
                _(
                    "--duration {value!r} is not a number of seconds between 0 and {max_duration}"
                ).format(value=value, max_duration=MAX_DURATION)
            )
        return value
    if name in (
        "opened",
        "appeal_offered",
        "deleted",
        "edited",
        "media_omitted",
        "media_missing",
        "extended",
    ):
        return bool(value)
    if isinstance(value, str):
        return text(value, name)
    return value


def new_incident(
    *,
    uid: str,
    kind: str,
    occurred_at: str,
    timezone: str,
    source: str = "manual",
    platform_name: str | None = None,
    counterparty: Counterparty | None = None,
    details_: dict[str, Any] | None = None,
    note: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> dict[str, Any]:
    """The body of an ``incident.created`` entry."""
    if kind not in KINDS:
        raise InputError(
            _("unknown incident kind {kind!r}").format(kind=kind),
            hint=_("one of: {values}").format(values=", ".join(KINDS)),
        )
    if counterparty is not None and kind not in HAS_COUNTERPARTY:
        raise InputError(_("a {kind} incident has no counterparty").format(kind=kind))
    return {
        "uid": uid,
        "kind": kind,
        "platform": platform_name,
        "occurred_at": occurred_at,
        "timezone": timezone,
        "source": source,
        "counterparty": counterparty,
        "details": details_ or {},
        "note": text(note, "note"),
        "attachments": list(attachments),
    }


AMENDABLE = ("platform", "occurred_at", "timezone", "counterparty", "details", "note")


def amendment(
    current: Mapping[str, Any], changes: Mapping[str, Any], why: str | None
) -> dict[str, Any]:
    """The body of an ``incident.amended`` entry; only values that differ are recorded."""
    set_: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in AMENDABLE:
            raise InputError(_("{key} cannot be amended").format(key=key))
        if key == "details":
            diff = {k: v for k, v in value.items() if current["details"].get(k) != v}
            if diff:
                set_["details"] = diff
        elif current.get(key) != value:
            set_[key] = value
    if not set_:
        raise InputError(
            _("nothing to change: incident {id} already has those values").format(id=current["id"]),
            hint=_("give at least one field with a new value, e.g. --note or --at"),
        )
    body: dict[str, Any] = {"uid": current["uid"], "set": set_}
    if why:
        body["why"] = text(why, "why")
    return body


# --------------------------------------------------------------------------- replay


class Projection:
    """The current view of every incident, built by applying entries in ledger order."""

    def __init__(self, views: Iterable[Incident] = (), next_id: int = 1) -> None:
        # Views are changed key by key as entries are applied: kept as plain dicts here.
        self.by_uid: dict[str, dict[str, Any]] = {v["uid"]: cast(dict[str, Any], v) for v in views}
        self.next_id = next_id

    def apply(
        self, seq: int, type_: str, recorded_at: str, body: Mapping[str, Any]
    ) -> Incident | None:
        """Apply one entry; return the incident it created or changed (None for other types)."""
        view = self._apply(seq, type_, recorded_at, body)
        return None if view is None else cast(Incident, view)

    def _apply(
        self, seq: int, type_: str, recorded_at: str, body: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        if type_ == ENTRY_CREATED:
            if body["uid"] in self.by_uid:
                raise VaultCorrupt(
                    _("ledger entry {seq} creates incident {uid} a second time").format(
                        seq=seq, uid=body["uid"]
                    )
                )
            view = copy.deepcopy(dict(body))
            view.update(id=self.next_id, seq=seq, recorded_at=recorded_at, amended=[])
            self.next_id += 1
            self.by_uid[body["uid"]] = view
            return view
        if type_ == ENTRY_AMENDED:
            view = self._get(seq, body)
            previous: dict[str, Any] = {}
            for key, value in body["set"].items():
                if key == "details":
                    previous["details"] = {k: view["details"].get(k) for k in value}
                    view["details"].update(copy.deepcopy(value))
                else:
                    previous[key] = copy.deepcopy(view.get(key))
                    view[key] = copy.deepcopy(value)
            change = {
                "seq": seq,
                "recorded_at": recorded_at,
                "set": copy.deepcopy(body["set"]),
                "previous": previous,
            }
            if body.get("why"):
                change["why"] = body["why"]
            view["amended"].append(change)
            return view
        if type_ == ENTRY_STATUS:
            view = self._get(seq, body)
            change = {
                "seq": seq,
                "recorded_at": recorded_at,
                "status": body["status"],
                "previous_status": view["details"].get("status"),
                "at": body["at"],
            }
            if body.get("note"):
                change["note"] = body["note"]
            if body.get("ref"):  # the number it was registered under (issue 19)
                change["ref"] = body["ref"]
                change["previous_ref"] = view["details"].get("ref")
                view["details"]["ref"] = body["ref"]
            view["details"]["status"] = body["status"]
            view["amended"].append(change)
            return view
        if type_ == ENTRY_ATTACHMENT:
            view = self._get(seq, body)
            view["attachments"].append(copy.deepcopy(body["attachment"]))
            view["amended"].append(
                {"seq": seq, "recorded_at": recorded_at, "attached": body["attachment"]["sha256"]}
            )
            return view
        return None

    def _get(self, seq: int, body: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return self.by_uid[body["uid"]]
        except KeyError:
            raise VaultCorrupt(
                _("ledger entry {seq} changes an incident that does not exist").format(seq=seq)
            ) from None


class Chains:
    """Follows every incident's chain of entries (see ``CHANGES``)."""

    def __init__(self) -> None:
        self.heads: dict[str, dict[str, Any]] = {}  # uid -> {"seq", "leaf"} of its last entry

    def follow(self, seq: int, type_: str, entry: Mapping[str, Any], leaf: bytes) -> bool:
        """Take one entry, in order; False when it is a change of format 2 whose ``prev`` is
        not the incident's entry before it."""
        body = entry.get("body")
        uid = body.get("uid") if isinstance(body, Mapping) else None
        if (type_ != ENTRY_CREATED and type_ not in CHANGES) or not isinstance(uid, str):
            return True
        whole = True
        if type_ in CHANGES and entry.get("v") != 1:
            whole = body.get("prev") == self.heads.get(uid)  # type: ignore[union-attr]
        self.heads[uid] = {"seq": seq, "leaf": leaf.hex()}
        return whole
