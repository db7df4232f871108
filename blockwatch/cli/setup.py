"""``init``, ``key show``, ``passphrase change``, ``recover``: creating and unlocking the vault."""

# No `from __future__ import annotations` here: Typer evaluates every string annotation at
# start-up (~20 ms); real annotation objects cost nothing extra.

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

from blockwatch.cli.common import ask, emit_json, group, open_vault, passphrase, state
from blockwatch.env import check_language
from blockwatch.i18n import METAVAR, N_, _


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("language")(language)
    key = group("The vault's signing key.")
    key.command("show")(key_show)
    app.add_typer(key, name="key")
    phrase = group("The vault's passphrase.")
    phrase.command("change")(passphrase_change)
    app.add_typer(phrase, name="passphrase")
    app.command("recover")(recover)
    profile = group("Your details for letters: kept in the vault, never in a bundle.")
    profile.command("set")(profile_set)
    profile.command("show")(profile_show)
    app.add_typer(profile, name="profile")


def init(
    ctx: typer.Context,
    home_region: Annotated[
        str,
        typer.Option(
            "--home-region", metavar="CC", help="Your country: numbers elsewhere count as foreign."
        ),
    ] = "KZ",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            metavar="ZONE",
            help="IANA zone for times without one [default: this computer's, else Asia/Almaty].",
        ),
    ] = None,
    language_: Annotated[
        str | None,
        typer.Option(
            "--language",
            metavar=METAVAR,
            help="The vault's language for messages, reports and letters "
            "[default: --lang, BLOCKWATCH_LANG, else the locale, at each run].",
        ),
    ] = None,
) -> None:
    """Create a new encrypted vault, its recovery code and its signing key."""
    from blockwatch import vault, when

    st = state(ctx)
    if language_ is not None:
        check_language(language_, "--language")
    vault.ensure_absent(st.env.vault_dir)
    zone = timezone or when.system_zone_name()
    secret = st.env.passphrase() or passphrase(st, new=True, label=_("New passphrase"))
    with st.status(_("Creating the vault (deriving the key takes a moment)…")):
        created, code = vault.create(
            st.env, secret, home_region=home_region, timezone=zone, language=language_
        )
    with created:
        out = st.out
        out.print(_("Created a vault at {path}").format(path=created.env.vault_dir))
        out.print(
            _("Home region {region}, time zone {zone}.").format(
                region=created.settings.home_region, zone=created.settings.timezone
            )
        )
        out.print()
        _recovery_code(out, _("RECOVERY CODE (shown only this once):"), code)
        out.print()
        out.print(
            _("Signing key fingerprint: {fingerprint}").format(fingerprint=created.fingerprint)
        )
        out.print(
            _(
                "Give this fingerprint to your lawyer or to whoever receives your bundles,\n"
                "by phone or in person."
            )
        )


def language(
    ctx: typer.Context,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar=f"[{METAVAR}|auto]",
            help="Set the vault's language; 'auto' follows --lang, BLOCKWATCH_LANG or the locale.",
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show or set the vault's language for messages, reports and letters."""
    st = state(ctx)
    if value is not None and value != "auto":
        check_language(value, "blockwatch language")
    with open_vault(st) as v:
        if value is not None:
            v.set_language(None if value == "auto" else value)
            if value != "auto" and not st.lang_chosen:
                from blockwatch import i18n

                st.lang = value
                i18n.use(value)
        setting = v.settings.language
    if json_:
        emit_json({"language": setting, "in_use": st.lang})
    elif setting:
        st.say(_("The vault's language is {language}.").format(language=setting))
    else:
        st.say(
            _("The vault has no language of its own: this run uses {language}.").format(
                language=st.lang
            )
        )


def key_show(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show the signing key's fingerprint and its public key (PEM)."""
    from blockwatch import ledger

    with open_vault(state(ctx)) as v:
        data = {
            "fingerprint": v.fingerprint,
            "public_key_pem": v.public_pem(),
            "verifier_key": ledger.verifier_key(v.settings.origin, v.public_key),
            "origin": v.settings.origin,
        }
    if json_:
        emit_json(data)
        return
    out = state(ctx).out
    out.print(_("Fingerprint (SHA-256 of the raw Ed25519 public key):"))
    out.print(f"  {data['fingerprint']}")
    out.print(_("Checkpoint origin: {origin}").format(origin=data["origin"]))
    out.print(_("Verifier key (C2SP signed-note):"))
    out.print(f"  {data['verifier_key']}")
    out.print(data["public_key_pem"], end="")


def passphrase_change(
    ctx: typer.Context,
    rotate_key: Annotated[
        bool,
        typer.Option(
            "--rotate-key",
            help="Also re-encrypt the vault with a new key and make a new recovery code, so "
            "that an old copy of keyslots.json with the old passphrase or recovery code opens "
            "nothing. Run it when no other blockwatch is using the vault.",
        ),
    ] = False,
) -> None:
    """Set a new passphrase. Only the key slot is rewritten; the evidence is not touched.

    Without --rotate-key the vault's key stays the same: whoever kept an old copy of
    keyslots.json and knows the old passphrase (or the recovery code) can still open this
    vault's database, old and new entries alike."""
    from blockwatch import vault

    st = state(ctx)
    vault.require(st.env.vault_dir)
    old = passphrase(st, label=_("Current passphrase"))
    new = passphrase(st, new=True, label=_("New passphrase"))
    if not rotate_key:
        with st.status(_("Re-wrapping the vault key…")):
            vault.change_passphrase(st.env, old, new)
        st.out.print(_("Passphrase changed. The recovery code stays the same."))
        return
    with st.status(_("Re-encrypting the vault with a new key…")):
        code = vault.rotate_key(st.env, old, new)
    st.out.print(_("Passphrase changed and the vault re-encrypted with a new key."))
    st.out.print()
    _recovery_code(
        st.out, _("NEW RECOVERY CODE (shown only this once; the old one no longer works):"), code
    )


def _recovery_code(out: "Console", heading: str, code: str) -> None:
    """A recovery code as init and a key rotation show it: once, with what to do with it."""
    out.print(heading, style="bold")
    out.print(f"    {code}", style="bold")
    out.print(
        _(
            "Write it on paper and keep it somewhere safe, away from this computer.\n"
            "It is the only way into the vault if you forget the passphrase; anyone who has\n"
            "it and this computer can read your evidence. Do not photograph it or store it\n"
            "online."
        )
    )


def recover(ctx: typer.Context) -> None:
    """Set a new passphrase using the recovery code printed by 'init'."""
    from blockwatch import vault

    st = state(ctx)
    vault.require(st.env.vault_dir)
    if st.env.interactive:
        code = ask(st, _("Recovery code"), what=_("the recovery code"), secret=True)
    else:  # scripts pipe the code in; it never goes on the command line
        import sys

        code = sys.stdin.readline(200).strip()
    new = passphrase(st, new=True, label=_("New passphrase"))
    with st.status(_("Re-wrapping the vault key…")):
        vault.recover(st.env, code, new)
    st.out.print(_("The vault has a new passphrase. Keep using the same recovery code."))


def _field(option: str, what: str) -> object:
    return typer.Option(option, metavar="TEXT", help=what + " '' removes it.")


def profile_set(
    ctx: typer.Context,
    name: Annotated[str | None, _field("--name", "Your full name (ФИО).")] = None,
    iin: Annotated[str | None, _field("--iin", "Your ИИН, 12 digits.")] = None,
    address: Annotated[str | None, _field("--address", "Your postal address.")] = None,
    phone: Annotated[str | None, _field("--phone", "Your phone number.")] = None,
    email: Annotated[str | None, _field("--email", "Your e-mail address.")] = None,
    lawyer: Annotated[
        str | None,
        _field("--lawyer", "Your representative, when a lawyer writes for you: name and contacts."),
    ] = None,
) -> None:
    """Set the details letters need (АППК art. 63): letters fill them in instead of
    placeholders. Kept encrypted in the vault, outside the ledger: no bundle carries them."""
    from blockwatch import logbook

    st = state(ctx)
    given = {
        "name": name,
        "iin": iin,
        "address": address,
        "phone": phone,
        "email": email,
        "lawyer": lawyer,
    }
    if all(v is None for v in given.values()):
        from blockwatch.errors import UsageError

        raise UsageError(_("nothing to set"), hint=_("e.g. --name 'Айгерим Демо' --iin …"))
    with open_vault(st) as v:
        kept = logbook.set_profile(v, given)
    st.say(
        _("Your details for letters are set: {fields}.").format(
            fields=", ".join(_(PROFILE_WORDS[k]) for k in logbook.PROFILE if k in kept) or "—"
        )
    )


PROFILE_WORDS = {
    "name": N_("name"),
    "iin": N_("IIN"),
    "address": N_("address"),
    "phone": N_("phone"),
    "email": N_("e-mail"),
    "lawyer": N_("representative"),
}


def profile_show(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """Show the details letters fill in."""
    from blockwatch import logbook
    from blockwatch.cli.common import safe

    st = state(ctx)
    with open_vault(st) as v:
        kept = v.profile()
    if json_:
        emit_json(kept)
        return
    if not kept:
        st.say(_("No details set: letters keep placeholders. See 'blockwatch profile set'."))
        return
    for key in logbook.PROFILE:
        if key in kept:
            st.say(f"{_(PROFILE_WORDS[key]):<20} {safe(kept[key], oneline=True)}")
