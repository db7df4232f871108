"""The ``blockwatch`` command line: parse, prompt, call the library, render.

Error handling has two sites and only two: ``_Root.invoke`` turns a ``BlockwatchError`` into
one calm line plus a hint and its exit status; ``main`` turns anything else into "this is a
bug" (exit 70), with a traceback only under ``--debug`` and never with local variables.
"""

# No `from __future__ import annotations` here: Typer evaluates every string annotation at
# start-up (~20 ms); real annotation objects cost nothing extra.

import dataclasses
import itertools
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from blockwatch import __version__
from blockwatch.cli.common import State
from blockwatch.env import Env, check_language
from blockwatch.errors import BlockwatchError, ExitStatus
from blockwatch.i18n import LANGS, METAVAR, _


def report(error: BlockwatchError) -> None:
    """Print a user error the one way blockwatch prints them (docs/DEVELOPING.md habit 3)."""
    from blockwatch.cli.common import safe

    sys.stderr.write(f"blockwatch: error: {safe(error.message, oneline=True)}\n")
    if error.hint:
        sys.stderr.write(f"blockwatch: hint: {safe(error.hint, oneline=True)}\n")


class _Root(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BlockwatchError as e:
            report(e)
            raise typer.Exit(int(e.status)) from None
        except KeyboardInterrupt:  # Typer would turn it into a silent exit 130
            _interrupted()
            raise typer.Exit(ExitStatus.INTERRUPTED) from None


def _interrupted() -> None:
    sys.stderr.write("\nblockwatch: " + _("interrupted; nothing was written") + "\n")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"blockwatch {__version__}\n")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    vault: Annotated[
        Path | None,
        typer.Option(
            "--vault",
            metavar="DIR",
            help="Vault directory [env: BLOCKWATCH_VAULT].",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar=METAVAR,
            help="Language of messages, reports, VERIFY files and letters "
            "[env: BLOCKWATCH_LANG, else the vault's, else the locale].",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            metavar="dmy|mdy",
            help="Read numeric dates day first (04.07.2026 is 4 July) or month first "
            "[env: BLOCKWATCH_DATE_ORDER, else the vault's home region].",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback when blockwatch fails.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    injected = ctx.obj if isinstance(ctx.obj, Env) else None
    env = dataclasses.replace(injected) if injected else Env.from_os(vault=vault, debug=debug)
    if injected and vault is not None:
        env.vault_dir = vault  # a copy: the options of one run never outlive it
    if lang is not None:
        check_language(lang, "--lang")
    if date_order is not None:
        from blockwatch import when

        env.date_order = when.check_order(date_order)
    _DEBUG[0] = debug or env.debug
    ctx.obj = State(env=env, lang=env.language(lang), lang_chosen=bool(env.chosen_language(lang)))
    from blockwatch import i18n

    i18n.use(ctx.obj.lang)


_DEBUG = [False]


# Which module registers each command.  A run builds only the module it needs: Typer
# inspects every command's signature when it builds the tree, and start-up is paid per run.
MODULES = (
    "setup",
    "log",
    "read",
    "appeals",
    "data",
    "bundle",
    "anchors",
    "witness",
    "backup",
    "letter",
    "demo",
)
COMMANDS = {
    "init": "setup",
    "language": "setup",
    "key": "setup",
    "passphrase": "setup",
    "recover": "setup",
    "profile": "setup",
    "log": "log",
    "amend": "log",
    "list": "read",
    "show": "read",
    "attachment": "read",
    "check": "read",
    "appeal": "appeals",
    "appeals": "appeals",
    "due": "appeals",
    "calendar": "appeals",
    "import": "data",
    "stats": "data",
    "export": "bundle",
    "verify": "bundle",
    "disclosures": "bundle",
    "checkpoint": "bundle",
    "timestamp": "anchors",
    "witness": "witness",
    "backup": "backup",
    "restore": "backup",
    "letter": "letter",
    "demo": "demo",
}
_GLOBAL_WITH_VALUE = ("--vault", "--lang", "--date-order")


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    import importlib

    app = typer.Typer(
        name="blockwatch",
        cls=_Root,
        help="Record attacks on your accounts as signed, encrypted, tamper-evident evidence.",
        no_args_is_help=True,
        rich_markup_mode=None,  # plain Click help: Typer's rich help costs ~75 ms of imports
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in modules:
        importlib.import_module(f"blockwatch.cli.{name}").register(app)
    return app


def _needed(argv: list[str]) -> tuple[str, ...]:
    """The module of the command in ``argv`` (after the global options), or all of them."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return (COMMANDS[arg],) if arg in COMMANDS else MODULES
    return MODULES


def _speak(argv: list[str], env: Env | None) -> None:
    """The language of errors found before the root options are read (an unknown command):
    --lang if it comes first and is valid, else BLOCKWATCH_LANG or the locale."""
    from blockwatch import i18n

    given = None
    for flag, value in itertools.pairwise(argv):
        if not flag.startswith("-"):
            break
        if flag == "--lang":
            given = value
    if given is None:
        given = next((a.split("=", 1)[1] for a in argv if a.startswith("--lang=")), None)
    try:
        i18n.use((env or Env.from_os()).language(given if given in LANGS else None))
    except BlockwatchError:  # a bad BLOCKWATCH_LANG: reported once the root options are read
        i18n.use("en")


def __getattr__(name: str) -> typer.Typer:
    """``from blockwatch.cli import app``: the whole command tree (tests, man pages)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main(argv: list[str] | None = None, env: Env | None = None) -> NoReturn:
    """Entry point of the ``blockwatch`` console script and ``python -m blockwatch``.

    ``env`` lets tests inject their own environment (temporary vault, fixed clock).
    """
    # Typer vendors Click; its exception base class is only reachable here.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    if os.name == "posix":
        os.umask(0o077)  # belt and braces: every file we create is private anyway
    args = sys.argv[1:] if argv is None else argv
    _speak(args, env)
    try:
        app = build_app(_needed(args))
        code = app(args=args, prog_name="blockwatch", standalone_mode=False, obj=env)
    except typer.Exit as e:
        code = e.exit_code
    except NoArgsIsHelpError as e:  # "blockwatch" or "blockwatch log" alone: show what to type
        sys.stderr.write(e.format_message() + "\n")
        code = ExitStatus.USAGE
    except ClickException as e:
        from blockwatch.cli.common import safe
        from blockwatch.i18n import _

        sys.stderr.write(f"blockwatch: error: {safe(_usage_message(e), oneline=True)}\n")
        ctx = getattr(e, "ctx", None)
        command = ctx.command_path if ctx is not None else "blockwatch"
        sys.stderr.write(
            "blockwatch: hint: " + _("see '{command} --help'").format(command=command) + "\n"
        )
        code = ExitStatus.USAGE if e.exit_code == 2 else ExitStatus.ERROR
    except (typer.Abort, KeyboardInterrupt, EOFError):
        _interrupted()
        code = ExitStatus.INTERRUPTED
    except BlockwatchError as e:  # raised outside a command, e.g. by an option callback
        report(e)
        code = int(e.status)
    except Exception as e:
        _bug(e)
        code = ExitStatus.INTERNAL
    sys.exit(code if isinstance(code, int) else 0)


def _usage_message(error: Any) -> str:
    """Click's command-line errors in the run's language (its own texts are English only)."""
    from typer._click import exceptions as click

    if isinstance(error, click.NoSuchOption):
        text = _("no such option: {option}").format(option=error.option_name)
        if error.possibilities:
            text += " " + _("(did you mean: {options}?)").format(
                options=", ".join(sorted(error.possibilities))
            )
        return text
    if isinstance(error, click.MissingParameter):
        param = error.param
        name = error.param_hint or (param.get_error_hint(error.ctx) if param and error.ctx else "")
        return _("missing {name}").format(name=click._join_param_hints(name))
    if isinstance(error, click.BadParameter):
        param = error.param
        name = error.param_hint or (param.get_error_hint(error.ctx) if param and error.ctx else "")
        number = re.fullmatch(r"(.*) is not a valid (?:int|integer)\.?", str(error.message))
        if number:
            return _("invalid value for {name}: {value} is not a whole number").format(
                name=click._join_param_hints(name), value=number[1]
            )
        return _("invalid value for {name}: {reason}").format(
            name=click._join_param_hints(name), reason=error.message
        )
    message: str = error.format_message()
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", message)
    if extra:
        return _("unexpected extra arguments: {arguments}").format(arguments=extra[1])
    command = re.fullmatch(r"No such command '(.*)'\.", message)
    if command:
        return _("no such command: {command}").format(command=command[1])
    return message


def _bug(error: Exception) -> None:
    """An unexpected exception is a bug: say so, and how to report it without leaking secrets."""
    name = getattr(error, "bug_kind", None) or type(error).__name__  # a child's: its own name
    sys.stderr.write(f"blockwatch: internal error: {name}. This is a bug in blockwatch.\n")
    if _DEBUG[0]:
        import traceback

        # Frames and messages only: never local variables, which may hold secrets.
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
        child = getattr(error, "child_traceback", None)  # importing.ChildBug: the child's frames
        if isinstance(child, str):
            sys.stderr.write(child)
    else:
        sys.stderr.write("blockwatch: hint: run again with --debug to see where it happened\n")
