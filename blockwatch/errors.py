"""The one error tree of blockwatch and the exit statuses it maps to.

Every error a user can cause is a ``BlockwatchError`` carrying its exit status, a one-line
message (what was wrong, and where) and an optional hint (how to fix it).  ``cli.main`` is the
only place that catches them.  Anything else that escapes is a bug (exit 70).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented exit statuses (docs/DESIGN.md, man page EXIT STATUS)."""

    OK = 0
    ERROR = 1  # bad input, not found, I/O
    USAGE = 2  # wrong command line, or a required value missing where nobody can be asked
    LOCKED = 3  # vault locked: wrong passphrase or recovery code, or no passphrase available
    VERIFICATION_FAILED = 4  # tampering or corruption detected
    INTERNAL = 70  # a bug (EX_SOFTWARE)
    INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT, as shells report it)


class BlockwatchError(Exception):
    """A failure the user can understand and act on."""

    status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(BlockwatchError):
    """A value given by the user (argument, file, phrase) cannot be used."""


class NotFound(BlockwatchError):
    """An incident, attachment or vault that does not exist."""


class UsageError(BlockwatchError):
    status = ExitStatus.USAGE


class VaultLocked(BlockwatchError):
    status = ExitStatus.LOCKED


class VerificationFailed(BlockwatchError):
    status = ExitStatus.VERIFICATION_FAILED


class VaultCorrupt(VerificationFailed):
    """The vault's files are damaged or were changed outside blockwatch."""


class VaultBusy(BlockwatchError):
    """Another process held the vault's write lock for longer than we were willing to wait:
    nothing was written, and trying again later will work."""


class Unreached(BlockwatchError):
    """An outside service (a time-stamping authority) did not answer, or not usefully:
    nothing was changed, and trying again later may work."""


class HelperFailed(BlockwatchError):
    """A helper process (e.g. one parsing a large import) stopped before it finished: the
    operation was abandoned whole.  Not the user's input and not our logic: the computer's."""
