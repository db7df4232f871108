"""What a person typed, checked before the vault is opened: a mistake costs no passphrase.

``Typed`` holds the fields of one ``log``, ``amend`` or ``appeal`` command as given;
``precheck`` tests everything about them that needs no vault (times and periods readable,
choices and texts allowed, files there).  What needs the vault — its zone, its home region, its
incident numbers — is checked again by ``logbook`` once it is open.  Light on purpose: it runs
before the key derivation, while the heavy modules load in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blockwatch import incidents, when
from blockwatch.errors import InputError
from blockwatch.i18n import _

if TYPE_CHECKING:
    from blockwatch.env import Env


@dataclass
class Typed:
    """The fields of one ``log`` or ``amend`` command, as strings and flags (None = not given)."""

    at: str | None = None
    due_in: str | None = None  # a period after ``at``: "5 working days", "1 month"
    promised_in: str | None = None  # the recipient's own promise, a period after ``at``
    platform: str | None = None
    counterparty: str | None = None
    note: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    attach: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # said after the entry is written


def check_attachment(path: Path, read: Callable[[Any], None] = lambda f: None) -> None:
    """A file the user named exists and can be read (``read`` then reads it); else one clear
    input error.  Called before the passphrase is asked for, and again when it is stored."""
    try:
        if not path.is_file():
            raise InputError(
                (
                    _("attachment {path} is not a file")
                    if path.exists()
                    else _("attachment {path} does not exist")
                ).format(path=repr(str(path))),
                hint=_("check the path given to --attach"),
            )
        with open(path, "rb") as f:
            read(f)
    except OSError as e:
        raise InputError(
            _("cannot read attachment {path!r}: {reason}").format(path=str(path), reason=e.strerror)
        ) from None


def precheck(kind: str | None, typed: Typed, env: Env) -> None:
    """Everything about ``typed`` that can be checked without the vault, so that a mistake costs
    no passphrase: the time and period are readable, the choices and texts allowed, the files
    there.  What needs the vault (its zone, home region, incident numbers) is checked again
    when it is open (until the home region is known, a numeric date need only be readable in
    some order, or in the run's --date-order)."""
    from blockwatch import deadlines

    check_times(env, typed.at)
    for period in (typed.due_in, typed.promised_in):
        if period is not None:
            deadlines.parse_period(period)
    if typed.details.get("due") is not None:
        due_date(typed.details["due"])
    incidents.platform(typed.platform)
    incidents.text(typed.note, "note")
    if kind is not None:
        incidents.check_kinds([kind])
        plain = {k: v for k, v in typed.details.items() if k not in ("about", "due")}
        incidents.details(kind, plain)
    for path in typed.attach:
        check_attachment(path)


def check_times(env: Env, *texts: str | None) -> None:
    """--since, --until, --at-time and the like are readable, before the passphrase is asked
    for (in the run's date order if one was chosen, else in some order)."""
    chosen = env.chosen_date_order()
    order = when.check_order(chosen) if chosen else when.ANY_ORDER
    for text in texts:
        if text is not None:
            when.parse_when(text, "UTC", env.now(), order=order, allow_future=True)


def due_date(text: str) -> date:
    """A --due date as typed (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            _("--due {text} is not a date").format(text=repr(text)),
            hint=_("write it as YYYY-MM-DD, e.g. 2026-07-20"),
        ) from None
