"""``timestamp``: RFC 3161 time stamps over the ledger, from outside authorities; and the
reminder ``log`` and ``import`` print when the newest records have none yet."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

from typing import Annotated

import typer

from blockwatch.cli.common import State, TsaRootOption, open_vault, safe, state, warn
from blockwatch.i18n import _

ENV_TSA = "BLOCKWATCH_TSA"  # authorities' URLs, separated by spaces


def register(app: typer.Typer) -> None:
    app.command("timestamp")(timestamp)


def timestamp(
    ctx: typer.Context,
    tsa: Annotated[
        list[str] | None,
        typer.Option(
            "--tsa",
            metavar="URL",
            help="A time-stamping authority to ask (repeatable) [env: BLOCKWATCH_TSA; default: "
            "the free public ones in 'man blockwatch'].",
        ),
    ] = None,
    tsa_root: TsaRootOption = None,
    pending: Annotated[
        bool,
        typer.Option("--pending", help="Only show what no time stamp covers yet; ask nobody."),
    ] = False,
) -> None:
    """Have outside authorities vouch (RFC 3161) that the ledger existed as it is now.

    Sends only the SHA-256 of the vault's signed checkpoint, never its contents (the authority
    learns that someone at this network address asked, and when). Each reply is
    checked (its signature, certificate chain and the hash it vouches for) and kept in the
    ledger; every later bundle carries it, so that its recipient knows that each entry
    existed by that time without trusting this computer's clock. Needs the network; without
    it, says so and changes nothing."""
    from blockwatch import ledger, timestamps, when
    from blockwatch.errors import InputError, Unreached

    st = state(ctx)
    urls = list(tsa or st.env.environ.get(ENV_TSA, "").split() or timestamps.DEFAULT_AUTHORITIES)
    for url in urls:
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise InputError(
                _("{url} is not the address of a time-stamping authority").format(
                    url=safe(url[:200], oneline=True)
                ),
                hint=_("give an http:// or https:// address, e.g. --tsa {url}").format(
                    url=timestamps.DEFAULT_AUTHORITIES[0]
                ),
            )
    extra = timestamps.read_roots(tsa_root or ())
    with open_vault(st) as v:
        zone = v.settings.timezone
        since = v.unstamped_since()
        _size, stamped_at = v.timestamped()
        if pending:
            _say_pending(st, since, stamped_at, zone)
            return
        if since is None:
            st.say(
                _("Nothing new since the last time stamp ({when}): nothing to send.").format(
                    when=when.spoken(when.parse_instant(stamped_at or ""), zone)
                )
            )
            return
        v.ensure_heads()
        note = v.latest_checkpoint()
        point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
        roots = timestamps.default_roots() + extra
        stamps, refused, unreached = [], [], []
        with st.status(_("Asking for a time stamp…")) as status:
            for url in urls:
                status(_("Asking {url}…").format(url=url))
                try:
                    stamps.append(timestamps.request(url, note.encode(), roots))
                except timestamps.Unreachable as e:
                    unreached.append(url)
                    warn(_("{url}: no answer ({reason})").format(url=url, reason=e))
                except timestamps.StampError as e:
                    refused.append(url)
                    warn(_("{url}: its reply was not kept: {reason}").format(url=url, reason=e))
        if not stamps:
            if refused:
                raise Unreached(
                    _("no reply could be verified; nothing was changed"),
                    hint=_(
                        "give the authority's root certificate with --tsa-root FILE, or ask "
                        "another one with --tsa URL"
                    ),
                )
            raise Unreached(
                _(
                    "no time-stamping authority answered (is this computer offline?); nothing "
                    "was changed"
                ),
                hint=_(
                    "run 'blockwatch timestamp' again when online; 'blockwatch timestamp "
                    "--pending' shows what waits"
                ),
            )
        v.record_timestamps(point.size, note, stamps)
    for stamp in stamps:
        off = (st.env.now() - stamp.gen_time).total_seconds()
        if abs(off) > timestamps.CLOCK_TOLERANCE_SECONDS:
            warn(
                (
                    _("This computer's clock is {minutes} minutes ahead of {authority}'s.")
                    if off > 0
                    else _("This computer's clock is {minutes} minutes behind {authority}'s.")
                ).format(minutes=round(abs(off) / 60), authority=stamp.authority)
            )
        st.say(
            _("Time-stamped by {authority} at {when}: the ledger's first {size} entries.").format(
                authority=safe(stamp.authority, oneline=True),
                when=when.spoken(stamp.gen_time, zone),
                size=point.size,
            )
        )
    st.say(_("Every bundle you export from now on carries these time stamps."))


def _say_pending(st: State, since: str | None, stamped_at: str | None, zone: str) -> None:
    from blockwatch import when

    if stamped_at is None:
        st.say(_("The ledger has never been time-stamped."))
    else:
        st.say(
            _("Last time stamp: {when}.").format(
                when=when.spoken(when.parse_instant(stamped_at), zone)
            )
        )
    if since is None:
        st.say(_("Every entry is covered by a time stamp."))
    else:
        st.say(
            _("Not yet time-stamped: everything recorded since {when}.").format(
                when=when.spoken(when.parse_instant(since), zone)
            )
        )
