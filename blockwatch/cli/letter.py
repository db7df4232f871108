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
from blockwatch.i18n import _, ngettext
from blockwatch.words import word

TITLES = {"police": "Statement", "platform": "Appeal", "ministry": "Complaint", "generic": "Letter"}


def register(app: typer.Typer) -> None:
    app.command("letter")(letter)


def letter(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Argument(metavar="police|platform|ministry|generic", help="Who it is for.")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write it: .md or .html.")
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="kk|ru|en", help="Language of the letter.")
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
) -> None:
    """Draft a complaint letter from the evidence, ready for light editing."""
    from blockwatch import files, incidents, logbook, when
    from blockwatch.env import check_language
    from blockwatch.errors import InputError
    from blockwatch.report import letters

    st = state(ctx)
    language = lang or st.lang
    if kind not in letters.TYPES:
        raise InputError(
            _("{kind!r} is not a letter type").format(kind=kind),
            hint=_("one of: {values}").format(values=", ".join(letters.TYPES)),
        )
    check_language(language, "--lang", InputError)
    suffix = out.suffix.lower()
    if suffix not in (".md", ".markdown", ".txt", ".html", ".htm"):
        raise InputError(
            _("{out}: write the letter to a .md or .html file").format(out=out),
            hint=_("e.g. --out letter.md"),
        )
    if out.exists() and not force:
        raise InputError(
            _("{out} already exists").format(out=out), hint=_("choose another name, or add --force")
        )
    incidents.check_kinds(kind_filter or ())
    with open_vault(st) as v:
        zone, now = v.settings.timezone, st.env.now()
        where = logbook.selection(
            v, kinds=kind_filter, platform=platform, since=since, until=until, ids=incident_id
        )
        views = v.incidents(where)
        if not views:
            raise InputError(
                _("no incidents match: the letter would be empty"),
                hint=_("check the filters with 'blockwatch list'"),
            )
        reference = letters.bundle_reference(bundle, v.fingerprint) if bundle else None
        today = now.astimezone(when.zone(zone)).date()
        facts = letters.letter_facts(views, zone, today, lang=language, name=name, bundle=reference)
    text = letters.render_letter(kind, language, facts)
    if suffix in (".html", ".htm"):
        text = letters.to_html(text, language, TITLES[kind])
    files.write_private(out, [text.encode("utf-8")], replace=force)
    st.say(
        _(
            "Wrote a draft {kind} letter ({lang}) about {incidents} to {path}. "
            "Read it before sending."
        ).format(
            kind=word(kind),
            lang=language,
            path=out,
            incidents=ngettext("{n} incident", "{n} incidents", len(views)).format(n=len(views)),
        )
    )
