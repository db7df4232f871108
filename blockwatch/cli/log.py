"""``log KIND`` and ``amend``: one command per incident, typed right after it happened."""

# No `from __future__ import annotations` here: Typer evaluates every string annotation at
# start-up (~20 ms); real annotation objects cost nothing extra.

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from blockwatch.cli.common import (
    At,
    Attach,
    Note,
    State,
    Status,
    ask,
    group,
    open_vault,
    remind,
    safe,
    state,
)
from blockwatch.i18n import _
from blockwatch.kinds import KINDS
from blockwatch.words import word

if TYPE_CHECKING:
    from blockwatch.incidents import Incident

Platform = Annotated[
    str | None,
    typer.Option("--platform", metavar="P", help="whatsapp, instagram, telegram, phone, …"),
]
Account = Annotated[
    str | None, typer.Option("--account", metavar="ID", help="Which of your accounts.")
]
Notice = Annotated[
    str | None, typer.Option("--notice", metavar="TEXT", help="The notice's exact words.")
]
Text = Annotated[
    str | None, typer.Option("--text", metavar="TEXT", help="The text, as sent or received.")
]
TextFile = Annotated[
    Path | None, typer.Option("--text-file", metavar="F", help="Read the text from a UTF-8 file.")
]


def _opt(name: str, metavar: str, help: str) -> Any:
    return typer.Option(name, metavar=metavar, help=help)


Outcome = Annotated[
    str | None, _opt("--outcome", "missed|answered|rejected|blocked", "What became of the call.")
]
Direction = Annotated[str | None, _opt("--direction", "in|out", "Incoming or outgoing.")]
Duration = Annotated[
    int | None, typer.Option("--duration", metavar="SECONDS", min=0, help="How long it lasted.")
]
Opened = Annotated[
    bool | None,
    typer.Option("--opened/--not-opened", help="Did you open it?", show_default=False),
]
AppealOffered = Annotated[
    bool | None,
    typer.Option(
        "--appeal-offered/--no-appeal-offered",
        help="Did the notice offer a way to appeal?",
        show_default=False,
    ),
]
Reason = Annotated[str | None, _opt("--reason", "R", "The stated ground, e.g. copyright.")]
Claimant = Annotated[str | None, _opt("--claimant", "C", "Who complained.")]
Url = Annotated[str | None, _opt("--url", "URL", "What was removed.")]
To = Annotated[
    str | None,
    _opt(
        "--to",
        "T",
        "whatsapp, instagram, facebook, telegram, police, ministry, prosecutor, court, "
        "ombudsman, other.",
    ),
]
Channel = Annotated[
    str | None, _opt("--channel", "C", "in-app, web-form, email, letter, in-person.")
]
Ref = Annotated[str | None, _opt("--ref", "REF", "Their reference number.")]
About = Annotated[
    list[int] | None,
    typer.Option("--about", metavar="ID", help="The incident it is about (repeatable)."),
]
Due = Annotated[str | None, _opt("--due", "DATE", "Answer due by (YYYY-MM-DD).")]
DueIn = Annotated[
    str | None,
    _opt(
        "--due-in", "PERIOD", "Answer due after a period: '5 working days', '30 days', '1 month'."
    ),
]

PromisedIn = Annotated[
    str | None,
    _opt(
        "--promised-in",
        "PERIOD",
        "The recipient's own promise, e.g. '5 working days'; kept beside the law's deadline.",
    ),
]


Yes = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Log it without asking, even if it looks like an incident already logged "
        "(same kind, number and minute).",
    ),
]


MAX_TEXT_FILE = 1024 * 1024


def _warm_dates() -> None:
    from blockwatch import when

    when.warm()


# Loaded while the key is derived: the number parser, the logbook, the words of the dates.
PREFETCH: tuple[str | Callable[[], object], ...] = (
    "phonenumbers",
    "blockwatch.logbook",
    _warm_dates,
)


def register(app: typer.Typer) -> None:
    log = group("Record one incident.")
    for name in KINDS:  # one command per kind, in the table's order
        log.command(name)(COMMANDS[name])
    app.add_typer(log, name="log")
    app.command("amend")(amend)


def _text(text: str | None, text_file: Path | None) -> str | None:
    from blockwatch.errors import InputError, UsageError

    if text_file is None:
        return text
    if text is not None:
        raise UsageError(_("give either --text or --text-file, not both"))
    try:
        with open(text_file, "rb") as f:
            data = f.read(MAX_TEXT_FILE + 1)
    except OSError as e:
        raise InputError(
            _("cannot read --text-file {text_file!r}: {reason}").format(
                text_file=str(text_file), reason=e.strerror
            )
        ) from None
    if len(data) > MAX_TEXT_FILE:
        raise InputError(
            _("--text-file {text_file!r} is larger than 1 MiB").format(text_file=str(text_file)),
            hint=_("attach it with --attach"),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            _("--text-file {text_file!r} is not UTF-8 (byte {byte})").format(
                text_file=str(text_file), byte=e.start
            ),
            hint=_("save it as UTF-8 text"),
        ) from None


def _log(
    ctx: typer.Context,
    kind: str,
    *,
    at: str | None,
    platform: str | None,
    note: str | None,
    attach: list[Path] | None,
    counterparty: str | None = None,
    due_in: str | None = None,
    promised_in: str | None = None,
    yes: bool = False,
    **details: Any,
) -> None:
    from blockwatch import inputs, logbook

    st = state(ctx)
    typed = logbook.Typed(
        at=at,
        due_in=due_in,
        promised_in=promised_in,
        platform=platform,
        counterparty=counterparty,
        note=note,
        details=details,
        attach=list(attach or []),
    )
    inputs.precheck(kind, typed, st.env)  # a mistake costs no passphrase
    with open_vault(st, prefetch=PREFETCH) as v:
        view = logbook.log(v, kind, typed, confirm=None if yes else _asker(st))
        remind(st, v)
    _done(st, _("Logged incident {id}").format(id=view["id"]), view)
    _deadline_said(st, view, typed.warnings)


def _deadline_said(st: State, view: "Incident", warnings: list[str]) -> None:
    """An appeal's deadline and who set it, and the recipient's promise beside the law's; then
    what the law says of a promise longer than its own term."""
    from datetime import date

    from blockwatch import when

    d = view["details"]
    if view["kind"] == "appeal" and d.get("due"):
        basis = d.get("due_basis", "typed")
        line = _("Answer due by {due} ({basis}).").format(
            due=when.spoken_day(date.fromisoformat(d["due"])), basis=word(basis)
        )
        if d.get("promised") and basis != "promised":
            line += " " + _("Promised by {promised}.").format(
                promised=when.spoken_day(date.fromisoformat(d["promised"]))
            )
        if d.get("calendar"):
            line += " " + _("Counted with the days you set: {days}.").format(
                days=", ".join(when.spoken_day(date.fromisoformat(x)) for x in d["calendar"])
            )
        st.say(line)
    for warning in warnings:
        sys.stderr.write(f"blockwatch: warning: {safe(warning, oneline=True)}\n")


def _asker(st: State) -> Callable[["Incident"], bool]:
    """Asks, on a terminal, whether to log an incident that looks like one logged already;
    elsewhere says so and logs it (a lost record is worse than a double one)."""

    def ask_user(twin: "Incident") -> bool:
        st.err.print(
            _("This looks like incident {id}: {kind}{who}, {when}.").format(
                id=twin["id"], kind=word(twin["kind"]), **_said(twin)
            ),
            markup=False,
        )
        if not st.env.interactive:
            return True
        return typer.confirm(_("Log it as a new incident?"), default=False, err=True)

    return ask_user


def _said(view: "Incident") -> dict[str, str]:
    from blockwatch import when

    party = view.get("counterparty") or {}
    who = " " + safe(party.get("e164") or party.get("raw"), oneline=True) if party else ""
    return {"who": who, "when": when.spoken(when.parse_instant(view["occurred_at"]))}


def _done(st: State, what: str, view: "Incident") -> None:
    """The line that confirms what was stored, its time in words ("4 июля 2026, 20:41
    (UTC+05:00)") so that a day and month read the wrong way round show at once."""
    st.say(
        _("{what}: {kind}{who}, {when}.").format(what=what, kind=word(view["kind"]), **_said(view))
    )


def _need(st: State, value: str | None, label: str, what: str) -> str:
    return value if value is not None else ask(st, label, what=what)


def call(
    ctx: typer.Context,
    number: Annotated[
        str | None,
        typer.Argument(
            metavar="NUMBER", help="The caller's number, or 'withheld'.", show_default=False
        ),
    ] = None,
    at: At = None,
    platform: Platform = None,
    outcome: Outcome = None,
    direction: Direction = "in",
    duration: Duration = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """A phone or app call, e.g. one of a flood of calls from foreign numbers."""
    number = _need(state(ctx), number, _("Number (or 'withheld')"), "NUMBER")
    _log(
        ctx,
        "call",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        counterparty=number,
        outcome=outcome,
        direction=direction,
        duration=duration,
    )


def message(
    ctx: typer.Context,
    sender: Annotated[
        str | None,
        typer.Argument(
            metavar="FROM", help="Sender's number, name or @handle.", show_default=False
        ),
    ] = None,
    text: Text = None,
    text_file: TextFile = None,
    opened: Opened = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """A suspicious message (links in it are listed)."""
    sender = _need(state(ctx), sender, _("From (number, name or @handle)"), "FROM")
    _log(
        ctx,
        "message",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        counterparty=sender,
        text=_text(text, text_file),
        opened=opened,
    )


def block(
    ctx: typer.Context,
    account: Account = None,
    notice: Notice = None,
    appeal_offered: AppealOffered = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """An account restricted or banned ("This account can no longer use WhatsApp")."""
    platform = _need(state(ctx), platform, _("Platform"), "--platform")
    _log(
        ctx,
        "block",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        account=account,
        notice=notice,
        appeal_offered=appeal_offered,
    )


def takedown(
    ctx: typer.Context,
    account: Account = None,
    notice: Notice = None,
    reason: Reason = None,
    claimant: Claimant = None,
    url: Url = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """Content or a page removed, e.g. after a copyright complaint."""
    platform = _need(state(ctx), platform, _("Platform"), "--platform")
    _log(
        ctx,
        "takedown",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        account=account,
        notice=notice,
        reason=reason,
        claimant=claimant,
        url=url,
    )


def compromise(
    ctx: typer.Context,
    account: Account = None,
    notice: Notice = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """An account hacked, or a login you did not make."""
    platform = _need(state(ctx), platform, _("Platform"), "--platform")
    _log(
        ctx,
        "compromise",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        account=account,
        notice=notice,
    )


def appeal(
    ctx: typer.Context,
    to: To = None,
    channel: Channel = None,
    ref: Ref = None,
    about: About = None,
    due: Due = None,
    due_in: DueIn = None,
    promised_in: PromisedIn = None,
    status: Status = "sent",
    text: Text = None,
    text_file: TextFile = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    yes: Yes = False,
) -> None:
    """An appeal or complaint to a platform, the police, a ministry or a court."""
    to = _need(state(ctx), to, _("Appeal to"), "--to")
    _log(
        ctx,
        "appeal",
        yes=yes,
        at=at,
        platform=platform,
        note=note,
        attach=attach,
        to=to,
        channel=channel,
        ref=ref,
        about=about,
        due=due,
        due_in=due_in,
        promised_in=promised_in,
        status=status,
        text=_text(text, text_file),
    )


def note(
    ctx: typer.Context,
    text: Text = None,
    text_file: TextFile = None,
    at: At = None,
    platform: Platform = None,
    attach: Attach = None,
    yes: Yes = False,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help="The same as --text (as for other kinds)."),
    ] = None,
) -> None:
    """Anything else worth recording."""
    from blockwatch.errors import UsageError

    if note is not None:  # the option every other kind has: here the note is the text
        if text is not None or text_file is not None:
            raise UsageError(_("give the note once: --text, --text-file or --note"))
        text = note
    body = _text(text, text_file)
    body = _need(state(ctx), body, _("Text"), "--text")
    _log(ctx, "note", at=at, platform=platform, note=None, attach=attach, yes=yes, text=body)


def amend(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="The incident to correct.")],
    why: Annotated[str | None, _opt("--why", "TEXT", "Why it is corrected.")] = None,
    at: At = None,
    platform: Platform = None,
    note: Note = None,
    attach: Attach = None,
    number: Annotated[
        str | None, _opt("--number", "NUMBER", "Caller or sender (call, message).")
    ] = None,
    outcome: Outcome = None,
    direction: Direction = None,
    duration: Duration = None,
    text: Text = None,
    text_file: TextFile = None,
    opened: Opened = None,
    account: Account = None,
    notice: Notice = None,
    appeal_offered: AppealOffered = None,
    reason: Reason = None,
    claimant: Claimant = None,
    url: Url = None,
    to: To = None,
    channel: Channel = None,
    ref: Ref = None,
    about: About = None,
    due: Due = None,
    due_in: DueIn = None,
    promised_in: PromisedIn = None,
    status: Status = None,
) -> None:
    """Correct an incident. The original stays in the ledger; 'show' lists both."""
    from blockwatch import inputs, logbook

    st = state(ctx)
    details = {
        "outcome": outcome,
        "direction": direction,
        "duration": duration,
        "text": _text(text, text_file),
        "opened": opened,
        "account": account,
        "notice": notice,
        "appeal_offered": appeal_offered,
        "reason": reason,
        "claimant": claimant,
        "url": url,
        "to": to,
        "channel": channel,
        "ref": ref,
        "about": about or None,
        "due": due,
        "status": status,
    }
    typed = logbook.Typed(
        at=at,
        due_in=due_in,
        promised_in=promised_in,
        platform=platform,
        counterparty=number,
        note=note,
        details=details,
        attach=list(attach or []),
    )
    inputs.precheck(None, typed, st.env)  # a mistake costs no passphrase
    with open_vault(st, prefetch=PREFETCH) as v:
        view = logbook.amend(v, incident_id, typed, why)
    _done(st, _("Amended incident {id}").format(id=view["id"]), view)
    _deadline_said(st, view, typed.warnings)


# The ``log`` command of each kind in kinds.KINDS (tests/test_kinds.py checks there is one each).
COMMANDS: dict[str, Callable[..., None]] = {
    "call": call,
    "message": message,
    "block": block,
    "takedown": takedown,
    "compromise": compromise,
    "appeal": appeal,
    "note": note,
}
