"""File names that are safe everywhere evidence goes: a bag, a zip, any file system."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, sha256: str) -> str:
    """A name of [A-Za-z0-9._-] only, never hidden, never empty (docs/DESIGN.md, the bundle)."""
    cleaned = _UNSAFE.sub("_", name).lstrip("._")[:100]
    return cleaned or f"attachment-{sha256[:12]}"
