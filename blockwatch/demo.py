"""The demo scenario: a synthetic version of the July 2026 attacks, in a temporary vault.

All numbers come from ranges reserved for fiction (UK 07700 900xxx, US 202-555-01xx,
Australia 0491 570xxx, France 06 39 98 xx xx); every name is invented.  The vault lives in a
temporary folder, with a random passphrase nobody sees, and is deleted afterwards; only the
exported bundle and its report stay in that folder, for the newcomer to open.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blockwatch import i18n, logbook
from blockwatch.env import Env
from blockwatch.i18n import _
from blockwatch.incidents import Incident
from blockwatch.vault import Vault, create
from blockwatch.vault.check import check

ZONE = "Asia/Almaty"

FOREIGN_CALLERS = [
    "+447700900123",
    "+12025550143",
    "+61491570156",
    "+447700900456",
    "+33639980011",
    "+12025550178",
    "withheld",
    "+61491570110",
    "+447700900789",
    "+12025550101",
    "+33639980042",
    "+447700900321",
]


@dataclass
class DemoResult:
    vault: Vault
    incidents: list[Incident]
    checks: list[str]
    fingerprint: str
    bundle: Path
    bundle_sha256: str
    verified: list[str]
    report: Path
    checkpoint: Path  # given to a "lawyer" before the export: the bundle proves it extends it


def fill(vault: Vault) -> None:
    """Log the scenario through the same code path as ``blockwatch log``."""

    def log(kind: str, **fields: Any) -> Incident:
        details = fields.pop("details", {})
        return logbook.log(vault, kind, logbook.Typed(details=details, **fields))

    log(
        "message",
        at="2026-07-04 20:41",
        platform="whatsapp",
        counterparty="+447700900123",
        details={
            "text": _("Hello, is this the editor? Please confirm your account here:")
            + " https://wa-verify.example/confirm",
            "opened": True,
        },
    )
    for minute, number in zip(
        range(46, 46 + 4 * len(FOREIGN_CALLERS), 4), FOREIGN_CALLERS, strict=True
    ):
        log(
            "call",
            at=f"2026-07-04 {20 + minute // 60}:{minute % 60:02d}",
            platform="whatsapp",
            counterparty=number,
            details={"direction": "in", "outcome": "missed"},
        )
    blocked = log(
        "block",
        at="2026-07-04 21:52",
        platform="whatsapp",
        details={
            "notice": _("This account can no longer use WhatsApp"),
            "appeal_offered": False,
        },
        note=_("Blocked minutes after the last call. Six colleagues report the same today."),
    )
    appeal = log(
        "appeal",
        at="2026-07-05 09:10",
        platform="whatsapp",
        details={
            "to": "whatsapp",
            "channel": "email",
            "status": "sent",
            "about": [blocked["id"]],
            "text": _("My account was blocked without explanation after a flood of calls."),
        },
    )
    logbook.amend(
        vault,
        appeal["id"],
        logbook.Typed(details={"status": "rejected"}),
        why=_("Automatic answer on 2026-07-06: 'we cannot restore your account'."),
    )
    log(
        "takedown",
        at="2026-07-06 14:30",
        platform="instagram",
        details={
            "reason": _("copyright"),
            "claimant": _("a Japanese citizen"),
            "notice": _("Your page was removed following a copyright complaint."),
        },
    )
    log(
        "appeal",
        at="2026-07-07 11:00",
        details={
            "to": "police",
            "channel": "in-person",
            "status": "sent",
            "ref": "KUSP-0000-DEMO",
            "about": [blocked["id"]],
        },
    )


@contextmanager
def run() -> Iterator[DemoResult]:
    """Run the scenario in a vault inside a new temporary folder.

    The vault is deleted when the block ends; the exported bundle and a copy of its report
    stay in the folder so that they can be opened.
    """
    from blockwatch.bundle.verify import verify_bundle
    from blockwatch.bundle.writer import ExportOptions, export_bundle

    where = Path(tempfile.mkdtemp(prefix="blockwatch-demo-"))
    env = Env(vault_dir=where / "vault")
    try:
        vault, _code = create(env, secrets.token_urlsafe(24), home_region="KZ", timezone=ZONE)
        with vault:
            fill(vault)
            held = where / "checkpoint-for-lawyer.txt"
            held.write_text(vault.share_checkpoint(_("a lawyer")), encoding="utf-8")
            checks = check(vault)
            bundle = where / "blockwatch-demo-bundle.zip"
            exported = export_bundle(
                vault,
                bundle,
                ExportOptions(case=_("Demo: editors blocked, July 2026"), lang=i18n.language()),
            )
            verified = verify_bundle(
                bundle, vault.fingerprint, witnesses=[(held.name, held.read_text("utf-8"))]
            )
            report = where / "report.html"
            with zipfile.ZipFile(bundle) as zf:
                report.write_bytes(zf.read(f"{exported.name}/data/report.html"))
            yield DemoResult(
                vault,
                vault.incidents(),
                checks,
                vault.fingerprint,
                bundle,
                exported.sha256,
                verified.passed,
                report,
                held,
            )
    finally:
        shutil.rmtree(env.vault_dir, ignore_errors=True)
