"""``demo``: the July 2026 scenario in a throw-away vault, shown as a timeline."""

# No `from __future__ import annotations` here: Typer evaluates every string annotation at
# start-up (~20 ms); real annotation objects cost nothing extra.

import typer

from blockwatch.cli.common import state
from blockwatch.i18n import _


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(ctx: typer.Context) -> None:
    """Fill a temporary vault with a synthetic attack, export and verify a bundle, show it all."""
    from blockwatch import demo as scenario
    from blockwatch.cli.timeline import timeline

    st = state(ctx)
    out = st.out
    out.print(
        _("blockwatch demo: a synthetic version of what happened to journalists in July 2026.")
    )
    out.print(
        _("Every name and number below is invented. Nothing is written outside a temporary folder.")
    )
    out.print()
    with scenario.run() as result:
        out.print(timeline(result.incidents, result.vault.settings.timezone))
        out.print()
        for line in result.checks:
            out.print(f"check: ok  {line}")
        out.print()
        out.print(
            _("Signing key fingerprint: {fingerprint}").format(fingerprint=result.fingerprint)
        )
    out.print()
    out.print(_("Exported a signed evidence bundle: {path}").format(path=result.bundle))
    out.print(f"  SHA-256 {result.bundle_sha256}")
    for number, line in enumerate(result.verified, 1):
        out.print(f"verify: ok {number}  {line}")
    out.print(_("The report inside it, for people: {path}").format(path=result.report))
    out.print()
    out.print(
        _("The demo vault has been deleted; the bundle and report stay in that temporary folder.")
    )
    out.print(_("Next, try:"))
    out.print(
        f"  blockwatch verify {result.bundle} --fingerprint {result.fingerprint} "
        f"--witness {result.checkpoint}"
    )
    out.print("  blockwatch init")
    out.print("  blockwatch log call +447700900123 --at 'yesterday 19:04' \\")
    out.print("      --platform whatsapp --outcome missed")
    out.print("  blockwatch list")
    out.print("  blockwatch export my-evidence.zip --case 'My case' --lang ru")
