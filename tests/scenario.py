"""The synthetic July 2026 scenario that bundle tests and the committed fixtures are made of."""

from __future__ import annotations

import base64
from pathlib import Path

from blockwatch import logbook, vault

PNG = base64.b64decode(  # a real 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def _log(v: vault.Vault, kind: str, **typed: object) -> dict:
    return logbook.log(v, kind, logbook.Typed(**typed))  # type: ignore[arg-type]


def fill(opened: vault.Vault, tmp_path: Path) -> vault.Vault:
    """The July 2026 evening: a message, four calls, a block with its screenshot, an appeal
    rejected by amendment, and a private note."""
    shot = tmp_path / "block notice.png"
    shot.write_bytes(PNG)
    _log(
        opened,
        "message",
        at="2026-07-04 20:41",
        platform="whatsapp",
        counterparty="+447700900123",
        details={"text": "Please confirm: https://wa-verify.example/x", "opened": True},
    )
    for minute, number in (
        (46, "+447700900123"),
        (50, "+12025550143"),
        (54, "withheld"),
        (58, "+33639980011"),
    ):
        _log(
            opened,
            "call",
            at=f"2026-07-04 20:{minute}",
            platform="whatsapp",
            counterparty=number,
            details={"outcome": "missed", "direction": "in"},
        )
    _log(
        opened,
        "block",
        at="2026-07-04 21:52",
        platform="whatsapp",
        attach=[shot],
        details={"notice": "This account can no longer use WhatsApp", "appeal_offered": False},
    )
    appeal = _log(
        opened,
        "appeal",
        at="2026-07-05 09:10",
        details={"to": "whatsapp", "status": "sent", "about": [6]},
    )
    logbook.amend(
        opened, appeal["id"], logbook.Typed(details={"status": "rejected"}), why="automatic answer"
    )
    _log(opened, "note", at="2026-07-05 10:00", details={"text": "SECRET-NOTE-NOT-FOR-EXPORT"})
    return opened
