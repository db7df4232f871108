"""blockwatch: an encrypted, signed, tamper-evident evidence log for journalists under attack.

The library API is importable without Typer; the command line lives in ``blockwatch.cli``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
