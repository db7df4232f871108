"""Drafting a complaint letter from the evidence: choose, check, render, write.

``LetterRequest.check`` validates everything that needs no vault (letter type, language, the
output file), so a mistake costs no passphrase; ``draft_letter`` then selects the incidents,
verifies the bundle the letter refers to (it must be intact and signed by this vault), renders
the letter (``report.letters``) and writes it privately (``files.write_private``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from blockwatch import files, incidents, logbook, when
from blockwatch.env import Env, check_language
from blockwatch.errors import InputError
from blockwatch.i18n import _
from blockwatch.vault import Vault
from blockwatch.words import word

SUFFIXES = {".md": False, ".markdown": False, ".txt": False, ".html": True, ".htm": True}


@dataclass(frozen=True)
class LetterRequest:
    kind: str  # police | platform | ministry | generic
    out: Path
    lang: str
    kinds: list[str] | None = None
    platform: str | None = None
    since: str | None = None
    until: str | None = None
    ids: list[int] | None = None
    bundle: Path | None = None
    name: str | None = None
    force: bool = False
    about: int | None = None  # the appeal a next-step letter complains of

    def check(self, env: Env) -> None:
        from blockwatch import inputs
        from blockwatch.report import letters

        if self.kind not in letters.TYPES:
            raise InputError(
                _("{kind!r} is not a letter type").format(kind=self.kind),
                hint=_("one of: {values}").format(values=", ".join(letters.TYPES)),
            )
        check_language(self.lang, "--lang", InputError)
        if self.out.suffix.lower() not in SUFFIXES:
            raise InputError(
                _("{out}: write the letter to a .md or .html file").format(out=self.out),
                hint=_("e.g. --out letter.md"),
            )
        if self.out.exists() and not self.force:
            raise InputError(
                _("{out} already exists").format(out=self.out),
                hint=_("choose another name, or add --force"),
            )
        if self.kind in letters.NEXT_STEPS and self.about is None:
            raise InputError(
                _("--about ID is missing: the appeal this letter complains of"),
                hint=_("'blockwatch appeals' lists them"),
            )
        incidents.check_kinds(self.kinds or ())
        inputs.check_times(env, self.since, self.until)


@dataclass(frozen=True)
class Drafted:
    path: Path
    kind: str
    lang: str
    incidents: int


def draft_letter(vault: Vault, request: LetterRequest, now: datetime) -> Drafted:
    """Write the letter ``request`` asks for; raise ``InputError`` when nothing matches."""
    from blockwatch.bundle.verify import bundle_reference
    from blockwatch.report import letters

    request.check(vault.env)
    zone = vault.settings.timezone
    where = logbook.selection(
        vault,
        kinds=request.kinds,
        platform=request.platform,
        since=request.since,
        until=request.until,
        ids=request.ids,
    )
    views = vault.incidents(where)
    if not views:
        raise InputError(
            _("no incidents match: the letter would be empty"),
            hint=_("check the filters with 'blockwatch list'"),
        )
    needed = letters.NEEDS.get(request.kind)
    if needed and not any(v["kind"] == needed for v in views):
        raise InputError(
            _("a letter of this type ({letter}) is about a {kind}, and none is chosen").format(
                letter=word(request.kind), kind=word(needed)
            ),
            hint=_("log it first ('blockwatch log {kind}'), or choose it with --id").format(
                kind=needed
            ),
        )
    reference = bundle_reference(request.bundle, vault.fingerprint) if request.bundle else None
    today = now.astimezone(when.zone(zone)).date()
    lang = letters.language(request.kind, request.lang)
    facts = letters.letter_facts(
        views,
        zone,
        today,
        lang=lang,
        name=request.name,
        bundle=reference,
        profile=vault.profile(),
    )
    if request.kind in letters.NEXT_STEPS:
        assert request.about is not None  # LetterRequest.check
        appeal = logbook.appeal_of(vault, request.about)
        facts["complained"] = letters.complained(appeal, zone, today, lang)
    text = letters.render_letter(request.kind, lang, facts)
    if SUFFIXES[request.out.suffix.lower()]:
        text = letters.to_html(text, lang, letters.TITLES[lang][request.kind])
    files.write_private(request.out, [text.encode("utf-8")], replace=request.force)
    return Drafted(request.out, request.kind, lang, len(views))
