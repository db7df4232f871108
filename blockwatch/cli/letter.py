"""``letter``: draft a complaint to the police, a platform or the ministry from the evidence."""

# No `from __future__ import annotations` here: Typer evaluates string annotations at start-up.

from pathlib import Path
from typing import Annotated

import typer

from blockwatch.cli.common import (
    IdOption,
    KindOption,
    PlatformOption,
    SinceOption,
    UntilOption,
    open_vault,
    state,
)
from blockwatch.i18n import METAVAR, _, ngettext
from blockwatch.words import word


def register(app: typer.Typer) -> None:
    app.command("letter")(letter)


def letter(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="Who it is for: police, platform, ministry, generic, whatsapp-review, "
            "counter-notice, complaint-higher-body or prosecutor. whatsapp-review asks WhatsApp "
            "to review a ban; counter-notice "
            "answers a copyright takedown (17 U.S.C. § 512(g)(3)), in English; "
            "complaint-higher-body (an appeal left unanswered) and prosecutor (a report "
            "refused or not registered) take --about ID.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write it: .md or .html.")
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", metavar=METAVAR, help="Language of the letter.")
    ] = None,
    kind_filter: KindOption = None,
    platform: PlatformOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    incident_id: IdOption = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", metavar="ZIP", help="A bundle to refer to (verified first)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="Your name as the letter should give it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    about: Annotated[
        int | None,
        typer.Option("--about", metavar="ID", help="The appeal a next-step letter complains of."),
    ] = None,
) -> None:
    """Draft a complaint letter from the evidence, ready for light editing."""
    from blockwatch.drafting import LetterRequest, draft_letter

    st = state(ctx)
    request = LetterRequest(
        kind=kind,
        out=out,
        lang=lang or st.lang,
        kinds=kind_filter,
        platform=platform,
        since=since,
        until=until,
        ids=incident_id,
        bundle=bundle,
        name=name,
        force=force,
        about=about,
    )
    request.check(st.env)  # before the passphrase is asked for
    with open_vault(st) as v:
        done = draft_letter(v, request, st.env.now())
    st.say(
        _(
            "Wrote a draft {kind} letter ({lang}) about {incidents} to {path}. "
            "Read it before sending."
        ).format(
            kind=word(done.kind),
            lang=done.lang,
            path=done.path,
            incidents=ngettext("{n} incident", "{n} incidents", done.incidents).format(
                n=done.incidents
            ),
        )
    )
    if done.kind == "counter-notice":
        st.say(
            _(
                "Before you sign it: a counter-notification is a statement under penalty of "
                "perjury under US law; the platform gives your name, address and phone number "
                "to the person who complained; and you agree that a US federal court may hear a "
                "lawsuit they bring against you. If they do not sue within 10 to 14 business "
                "days, the platform restores the material (17 U.S.C. § 512(g)(2)). Ask a lawyer "
                "if in doubt."
            )
        )
