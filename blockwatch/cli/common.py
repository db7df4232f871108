"""What every command shares: the session state, unlocking, prompting, safe rendering."""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from blockwatch.env import ENV_NEW_PASSPHRASE_FILE, ENV_PASSPHRASE_FILE, Env
from blockwatch.errors import UsageError, VaultLocked
from blockwatch.i18n import _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from blockwatch.vault import Vault


@dataclass
class State:
    env: Env
    lang: str = "en"
    lang_chosen: bool = False  # by --lang or BLOCKWATCH_LANG: then the vault's setting yields
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    @property
    def out(self) -> Console:
        if self._out is None:
            from rich.console import Console

            self._out = Console(highlight=False, soft_wrap=True, color_system=self._colors())
        return self._out

    def _colors(self) -> Literal["auto"] | None:
        """NO_COLOR (no-color.org) means no escape sequences at all, bold included."""
        return None if self.env.environ.get("NO_COLOR") else "auto"

    @property
    def animated(self) -> bool:
        """Spinners and progress bars move the cursor: only on a terminal, never with NO_COLOR."""
        return self.err.is_terminal and not self.env.environ.get("NO_COLOR")

    @contextmanager
    def status(self, text: str) -> Iterator[Callable[[str], None]]:
        """A spinner with a message on a terminal; silence elsewhere. Yields ``update(text)``."""
        if not self.animated:
            yield lambda _text: None
            return
        with self.err.status(text) as spinner:
            yield lambda new: spinner.update(new)

    def say(self, text: str = "") -> None:
        """One plain line on stdout: short results need no rich import (start-up cost)."""
        sys.stdout.write(text + "\n")

    @property
    def err(self) -> Console:
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False, color_system=self._colors())
        return self._err


# The options of an incident shared by log, amend and appeal.
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When it happened: ISO 8601 or e.g. 'yesterday 19:04', 'вчера в 19:04', "
        "'кеше 19:04' (vault's zone unless an offset is given) [default: now].",
    ),
]
Note = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Your own note.")]
Attach = Annotated[
    list[Path] | None,
    typer.Option(
        "--attach",
        metavar="FILE",
        help="A screenshot or file to keep (repeatable).",
        show_default=False,
    ),
]
Status = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="S",
        help="sent, acknowledged, answered, rejected, granted, no-response, unavailable.",
    ),
]


# The selection options shared by list, export, letter and stats.
KindOption = Annotated[
    list[str] | None, typer.Option("--kind", metavar="K", help="Only this kind (repeatable).")
]
PlatformOption = Annotated[
    str | None, typer.Option("--platform", metavar="P", help="Only this platform.")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", metavar="WHEN", help="From this time on.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", metavar="WHEN", help="Up to this time.")
]
TsaRootOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--tsa-root",
        metavar="FILE",
        help="Also trust this root certificate (PEM) of a time-stamping authority, besides "
        "Mozilla's list. Repeatable.",
    ),
]
IdOption = Annotated[
    list[int] | None, typer.Option("--id", metavar="ID", help="Only this incident (repeatable).")
]


def group(help: str) -> typer.Typer:
    """A command group. Plain Click help: Typer's rich help imports ~75 ms of modules."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj  # type: ignore[no-any-return]


def ask(st: State, label: str, *, what: str, secret: bool = False, confirm: bool = False) -> str:
    """Prompt on a terminal; elsewhere a missing value is a usage error (exit 2)."""
    if not st.env.interactive:
        raise UsageError(
            _("{what} is missing").format(what=what),
            hint=_("give {what} on the command line").format(what=what),
        )
    value = typer.prompt(label, hide_input=secret, confirmation_prompt=confirm, err=True)
    return str(value)


def no_core_dumps() -> None:
    """Before a secret is in memory: no core file (RLIMIT_CORE 0) and, on Linux, a process
    that cannot be dumped or read by others of the same user (PR_SET_DUMPABLE 0), so that a
    crash or a debugger does not write the passphrase or the data key to disk."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (ImportError, ValueError, OSError):
        pass  # not a POSIX system, or a limit we may not lower: nothing more to do
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0


def passphrase(st: State, *, new: bool = False, label: str | None = None) -> str:
    """From BLOCKWATCH_(NEW_)PASSPHRASE_COMMAND/_FILE/BLOCKWATCH_(NEW_)PASSPHRASE, else a prompt."""
    no_core_dumps()
    given = st.env.passphrase(new=new)
    if given is not None:
        return given
    if not st.env.interactive:
        raise VaultLocked(
            _("no passphrase: standard input is not a terminal"),
            hint=_("set {variable} to a file holding the passphrase, or run in a terminal").format(
                variable=ENV_NEW_PASSPHRASE_FILE if new else ENV_PASSPHRASE_FILE
            ),
        )
    if not new:
        return str(typer.prompt(label or _("Passphrase"), hide_input=True, err=True))
    return _new_passphrase(label)


NEW_PASSPHRASE_TRIES = 5


def _new_passphrase(label: str | None) -> str:
    """A new passphrase typed twice; one too short, or typed differently the second time, is
    said in one line and asked for again -- a person under stress is not sent back to the
    start of the command (issue 17)."""
    from blockwatch.errors import InputError
    from blockwatch.vault import keyslots

    for _attempt in range(NEW_PASSPHRASE_TRIES):
        first = str(typer.prompt(label or _("New passphrase"), hide_input=True, err=True))
        try:
            keyslots.check_new_passphrase(first)
        except InputError as e:
            sys.stderr.write(f"blockwatch: {e.message}; {e.hint}\n")
            continue
        if str(typer.prompt(_("The same passphrase again"), hide_input=True, err=True)) == first:
            return first
        sys.stderr.write("blockwatch: " + _("the two passphrases differ; type them again") + "\n")
    raise InputError(
        _("no passphrase set after {n} tries; nothing was changed").format(n=NEW_PASSPHRASE_TRIES),
        hint=_("run the command again when you are ready"),
    )


def open_vault(st: State, prefetch: tuple[str | Callable[[], object], ...] = ()) -> Vault:
    """Unlock the vault.  ``prefetch`` names modules the command will need, or functions that
    load data it will need: they run in a thread while Argon2id runs (it releases the GIL), so
    their cost is hidden in the key derivation."""
    from blockwatch import vault

    vault.require(st.env.vault_dir)
    secret = passphrase(st)
    if prefetch:
        import importlib
        import threading

        def load() -> None:
            for item in prefetch:
                item() if callable(item) else importlib.import_module(item)

        threading.Thread(target=load, daemon=True).start()

    def waiting(seconds: float) -> None:
        sys.stderr.write(
            "blockwatch: "
            + _(
                "the vault is busy: waiting up to {seconds} s for another blockwatch to finish…"
            ).format(seconds=round(seconds))
            + "\n"
        )
        sys.stderr.flush()

    opened = vault.unlock(dataclasses.replace(st.env, on_busy=waiting), secret)
    if opened.settings.language and not st.lang_chosen:
        from blockwatch import i18n

        st.lang = opened.settings.language
        i18n.use(st.lang)
    return opened


def _unsafe(c: str) -> bool:
    """C0/C1 controls (ESC starts terminal sequences) and format characters such as U+202E."""
    if c in "\n\t":
        return False
    category = unicodedata.category(c)
    return category == "Cc" or (category == "Cf" and c != "\u200d")  # keep ZWJ for emoji


def safe(text: Any, *, oneline: bool = False) -> str:
    """Text from the vault, made inert for a terminal: no escape sequences, no bidi overrides."""
    if text is None:
        return "—"
    value = "".join("\ufffd" if _unsafe(c) else c for c in str(text))
    return " ".join(value.split()) if oneline else value


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


ENV_REMIND = "BLOCKWATCH_TIMESTAMP_REMIND"  # days; 0: never remind
ENV_BACKUP_REMIND = "BLOCKWATCH_BACKUP_REMIND"  # days; 0: never remind
REMIND_DAYS = 7


def remind(st: State, v: Vault) -> None:
    """After ``log`` and ``import``: one line on stderr when the oldest entry without an outside
    time stamp is older than BLOCKWATCH_TIMESTAMP_REMIND days, and one when the oldest entry in
    no backup is older than BLOCKWATCH_BACKUP_REMIND days (7 each by default; 0 turns a
    reminder off).  One indexed lookup each."""
    stamped = _overdue(st, ENV_REMIND, lambda: v.unstamped_since())
    if stamped is not None:
        warn(
            ngettext(
                "Reminder: entries of the last {n} day have no outside time stamp yet; run "
                "'blockwatch timestamp' when online.",
                "Reminder: entries of the last {n} days have no outside time stamp yet; run "
                "'blockwatch timestamp' when online.",
                stamped,
            ).format(n=stamped)
        )
    saved = _overdue(st, ENV_BACKUP_REMIND, lambda: v.uncovered_since(v.backed_up()))
    if saved is not None:
        warn(
            ngettext(
                "Reminder: entries of the last {n} day are in no backup yet; run 'blockwatch "
                "backup DIR' with a USB stick or another disk.",
                "Reminder: entries of the last {n} days are in no backup yet; run 'blockwatch "
                "backup DIR' with a USB stick or another disk.",
                saved,
            ).format(n=saved)
        )


def _overdue(st: State, variable: str, since: Callable[[], str | None]) -> int | None:
    """The age in days of what ``since`` names, when older than ``variable`` says."""
    from blockwatch import when

    raw = st.env.environ.get(variable, "")
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else REMIND_DAYS
    oldest = since() if days else None
    if oldest is None:
        return None
    age = st.env.now() - when.parse_instant(oldest)
    return age.days if age.total_seconds() >= days * 86400 else None


def warn(line: str) -> None:
    """One line on stderr, as it is (never wrapped: a script may read it)."""
    sys.stderr.write(safe(line, oneline=True) + "\n")


def read_checkpoint_text(source: str) -> str:
    """A checkpoint as someone received it — a file, or ``-`` for what is pasted on stdin —
    read whole but capped, as UTF-8, with CRLF line ends (a Windows mail client) made LF."""
    from blockwatch import ledger
    from blockwatch.errors import InputError

    try:
        if source == "-":
            data = sys.stdin.buffer.read(ledger.MAX_REQUEST_BYTES + 1)
        else:
            with open(source, "rb") as f:
                data = f.read(ledger.MAX_REQUEST_BYTES + 1)
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=source, reason=e.strerror)
        ) from None
    try:
        if len(data) > ledger.MAX_REQUEST_BYTES:
            raise UnicodeError
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeError:
        raise InputError(
            _("{path} is not a checkpoint").format(path=source),
            hint=_("give the file 'blockwatch checkpoint' printed, as it was received"),
        ) from None
