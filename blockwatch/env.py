"""The environment blockwatch runs in, gathered in one place and injected everywhere.

Clock, vault path, terminal flags, the passphrase sources and the KDF cost come from an
``Env``; the real one is built from ``os.environ`` by ``Env.from_os()``, tests build their
own with a temporary directory and a fixed clock (docs/DEVELOPING.md habit 7).  Passphrases
are read here and nowhere else: never from argv.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from blockwatch.errors import BlockwatchError, InputError, UsageError, VaultLocked
from blockwatch.i18n import LANGS, _

APP_NAME = "blockwatch"

# Environment variables (listed in the man page's ENVIRONMENT section).
ENV_VAULT = "BLOCKWATCH_VAULT"
ENV_PASSPHRASE_COMMAND = "BLOCKWATCH_PASSPHRASE_COMMAND"
ENV_PASSPHRASE_FILE = "BLOCKWATCH_PASSPHRASE_FILE"
ENV_PASSPHRASE = "BLOCKWATCH_PASSPHRASE"
ENV_NEW_PASSPHRASE_COMMAND = "BLOCKWATCH_NEW_PASSPHRASE_COMMAND"
ENV_NEW_PASSPHRASE_FILE = "BLOCKWATCH_NEW_PASSPHRASE_FILE"
ENV_NEW_PASSPHRASE = "BLOCKWATCH_NEW_PASSPHRASE"
ENV_LANG = "BLOCKWATCH_LANG"
ENV_DATE_ORDER = "BLOCKWATCH_DATE_ORDER"


# What people type for a language, for the hint that names its code (kz is the country).
_LANGUAGE_NAMES = {
    "kk": ("kz", "kaz", "kazakh", "қазақ", "қазақша", "казахский", "каз"),
    "ru": ("rus", "russian", "русский", "ру", "орыс"),
    "en": ("eng", "english", "ағылшын", "английский", "англ"),
}


def check_language(value: str, where: str, error: type[BlockwatchError] = UsageError) -> str:
    """``value`` when it is one of ``LANGS``; else ``error`` naming ``where`` (an option or a
    variable), with the right code when ``value`` names a language another way (kz: kk)."""
    if value not in LANGS:
        meant = next(
            (code for code, names in _LANGUAGE_NAMES.items() if value.casefold() in names), None
        )
        raise error(
            _("{where}: {value!r} is not one of: {values}").format(
                where=where, value=value, values=", ".join(LANGS)
            ),
            hint=_("the code of that language is {code}: {example}").format(
                code=meant,
                example=f"{where} {meant}" if where.startswith("-") else f"{where}={meant}",
            )
            if meant
            else None,
        )
    return value


# A passphrase is a line of text: cap what we read from a file or a command.
MAX_PASSPHRASE_BYTES = 4096


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost. RFC 9106 section 4, second recommended option, is the floor."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4


def _default_vault_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "vault"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Env:
    vault_dir: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    interactive: bool = False  # stdin is a terminal: we may prompt
    now: Callable[[], datetime] = _utc_now
    kdf: KdfCost = field(default_factory=KdfCost)
    debug: bool = False
    date_order: str | None = None  # --date-order, for numeric dates typed in this run
    # Told once, with the seconds it will wait, when a write finds another process writing
    on_busy: Callable[[float], None] | None = None

    @classmethod
    def from_os(cls, vault: Path | None = None, debug: bool = False) -> Env:
        environ = dict(os.environ)
        vault_dir = vault or (
            Path(environ[ENV_VAULT]) if environ.get(ENV_VAULT) else _default_vault_dir()
        )
        return cls(
            vault_dir=vault_dir.expanduser(),
            environ=environ,
            interactive=sys.stdin is not None and sys.stdin.isatty(),
            debug=debug,
        )

    def chosen_date_order(self) -> str | None:
        """How this run reads numeric dates, if chosen: --date-order, else BLOCKWATCH_DATE_ORDER;
        None leaves it to the vault's home region (``when.date_order``)."""
        return self.date_order or self.environ.get(ENV_DATE_ORDER) or None  # when.check_order

    def chosen_language(self, given: str | None = None) -> str | None:
        """The language chosen for this run: --lang, else BLOCKWATCH_LANG, else None."""
        if given:
            return given
        value = self.environ.get(ENV_LANG, "")
        if not value:
            return None
        return check_language(value.split("_")[0].split(".")[0].lower(), ENV_LANG, InputError)

    def language(self, given: str | None = None) -> str:
        """--lang, else BLOCKWATCH_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), else en.

        A vault's own setting comes between BLOCKWATCH_LANG and the locale; it is known only
        once the vault is open (``cli.common.open_vault``).
        """
        chosen = self.chosen_language(given)
        if chosen:
            return chosen
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            value = self.environ.get(name, "")
            code = value.split("_")[0].split(".")[0].lower()
            if code in LANGS:
                return code
        return "en"

    def passphrase(self, new: bool = False) -> str | None:
        """The passphrase from the environment, in docs/DESIGN.md's order; None means "ask"."""
        if new:
            names = (ENV_NEW_PASSPHRASE_COMMAND, ENV_NEW_PASSPHRASE_FILE, ENV_NEW_PASSPHRASE)
        else:
            names = (ENV_PASSPHRASE_COMMAND, ENV_PASSPHRASE_FILE, ENV_PASSPHRASE)
        command, file, value = (self.environ.get(n) for n in names)
        if command:
            return _first_line(_run_passphrase_command(command, names[0]), names[0])
        if file:
            try:
                with open(file, "rb") as f:
                    data = f.read(MAX_PASSPHRASE_BYTES + 1)
            except OSError as e:
                raise InputError(
                    _("cannot read {value} {file!r}: {reason}").format(
                        value=names[1], file=file, reason=e.strerror
                    ),
                    hint=_("point it at a readable file holding the passphrase on its first line"),
                ) from None
            return _first_line(data, names[1])
        if value:
            return value
        return None


def _run_passphrase_command(command: str, name: str) -> bytes:
    import shlex
    import subprocess

    try:
        argv = shlex.split(command, posix=os.name != "nt")
        done = subprocess.run(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, check=False)
    except (OSError, ValueError) as e:
        raise InputError(
            _("{name} could not be run: {e}").format(name=name, e=e),
            hint=_("check the command in that variable"),
        ) from None
    if done.returncode != 0:
        raise VaultLocked(
            _("{name} exited with status {status}").format(name=name, status=done.returncode),
            hint=_("the command must print the passphrase and exit 0"),
        )
    return done.stdout


def _first_line(data: bytes, source: str) -> str:
    if len(data) > MAX_PASSPHRASE_BYTES:
        raise InputError(
            _("the passphrase from {source} is longer than {max_passphrase_bytes} bytes").format(
                source=source, max_passphrase_bytes=MAX_PASSPHRASE_BYTES
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            _("the passphrase from {source} is not UTF-8 text").format(source=source)
        ) from None
    line = text.split("\n", 1)[0].removesuffix("\r")
    if not line:
        raise InputError(_("the passphrase from {source} is empty").format(source=source))
    return line
