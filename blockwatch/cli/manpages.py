"""Generate blockwatch's man pages (``man/*.1``) from the Typer command tree.

    uv run python -m blockwatch.cli.manpages          # rewrite man/*.1 in the repository
    uv run python -m blockwatch.cli.manpages --check  # exit 1 if the committed pages drifted

One page for ``blockwatch`` and one per top-level command (a group's subcommands share its
page).  The date is fixed (DATE below, bumped by hand with a release) so regeneration is
byte-identical.  Options come from the Click parameters Typer builds; exit statuses from
``blockwatch.errors.ExitStatus``; environment variables from ``blockwatch.env``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer.main

from blockwatch import __version__
from blockwatch.cli import app
from blockwatch.errors import ExitStatus
from blockwatch.timestamps import DEFAULT_AUTHORITIES

DATE = "2026-11-28"
MAN_DIR = Path(__file__).resolve().parents[2] / "man"  # the repository's man/

EXIT_MEANINGS = {
    ExitStatus.OK: "Success.",
    ExitStatus.ERROR: "Error: bad input, something not found, or an I/O failure. The vault is unchanged.",
    ExitStatus.USAGE: "Usage: an unknown option, or a required value missing where nobody can be asked.",
    ExitStatus.LOCKED: "The vault stays locked: wrong passphrase or recovery code, or no passphrase given.",
    ExitStatus.VERIFICATION_FAILED: "Verification failed: tampering or corruption was detected.",
    ExitStatus.INTERNAL: "Internal error: a bug in blockwatch. Run again with --debug to see where.",
    ExitStatus.INTERRUPTED: "Interrupted (Ctrl-C) before the command finished: nothing was written.",
}

ENVIRONMENT = [
    ("BLOCKWATCH_VAULT", "The vault directory, when --vault is not given."),
    (
        "BLOCKWATCH_PASSPHRASE_COMMAND",
        "A command that prints the passphrase (split like a shell "
        "would, not run by one); tried first.",
    ),
    ("BLOCKWATCH_PASSPHRASE_FILE", "A file whose first line is the passphrase; tried second."),
    (
        "BLOCKWATCH_PASSPHRASE",
        "The passphrase itself; tried third. Otherwise blockwatch asks, "
        "without echo. The passphrase is never taken from the command line.",
    ),
    (
        "BLOCKWATCH_NEW_PASSPHRASE_COMMAND, BLOCKWATCH_NEW_PASSPHRASE_FILE, BLOCKWATCH_NEW_PASSPHRASE",
        "The new passphrase for init, passphrase change and recover, in the same order.",
    ),
    (
        "BLOCKWATCH_LANG",
        "Language (en, ru or kk) of messages, reports, VERIFY files and letters when --lang "
        "is not given; otherwise the vault's own language (blockwatch language) once the vault "
        "is open, then the locale (LC_ALL, LC_MESSAGES, LANG), else English.",
    ),
    (
        "BLOCKWATCH_DATE_ORDER",
        "How numeric dates typed in --at, --since and --until are read, when --date-order is "
        "not given: dmy (04.07.2026 is 4 July) or mdy (07/04/2026 is 4 July).  Otherwise the "
        "vault's home region decides (day first in Kazakhstan and Russia).",
    ),
    (
        "BLOCKWATCH_TSA",
        "The time-stamping authorities blockwatch timestamp asks (RFC 3161 addresses, "
        "separated by spaces) when --tsa is not given.  By default, free public ones whose "
        "roots are in Mozilla's list: " + ", ".join(DEFAULT_AUTHORITIES) + ".",
    ),
    (
        "BLOCKWATCH_TIMESTAMP_REMIND",
        "After how many days without an outside time stamp log and import remind you to run "
        "blockwatch timestamp (7 by default; 0: never).",
    ),
    (
        "BLOCKWATCH_BACKUP_REMIND",
        "After how many days with entries in no backup log and import remind you to run "
        "blockwatch backup (7 by default; 0: never).",
    ),
    (
        "NO_COLOR",
        "When set, no colour is used. Output to a pipe or file never has colour or progress bars.",
    ),
]

FILES = [
    (
        "VAULT/vault.db",
        "The SQLCipher 4 database: ledger, checkpoints, incidents, attachments (0600).",
    ),
    (
        "VAULT/keyslots.json",
        "The database key wrapped by the passphrase (Argon2id) and by the recovery code (0600).",
    ),
    (
        "VAULT",
        "The vault directory (0700); by default blockwatch/vault in the user data directory.",
    ),
]

COMPLETION = (
    "Shell completion for bash, zsh, fish and PowerShell: run blockwatch --install-completion once, "
    "or blockwatch --show-completion to see the script and install it yourself."
)

EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "": [
        ("See the whole idea on synthetic data, leaving no trace:", "blockwatch demo"),
        (
            "Record a missed call from a foreign number:",
            "blockwatch log call +447700900123 --at 'yesterday 19:04' --platform whatsapp --outcome missed",
        ),
    ],
    "init": [
        (
            "Create a vault for a journalist in Almaty:",
            "blockwatch init --home-region KZ --timezone Asia/Almaty",
        ),
        (
            "The same, with messages, reports and letters in Kazakh by default:",
            "blockwatch init --home-region KZ --timezone Asia/Almaty --language kk",
        ),
    ],
    "language": [
        ("Speak Russian whatever this computer's locale:", "blockwatch language ru"),
        ("Follow --lang, BLOCKWATCH_LANG or the locale again:", "blockwatch language auto"),
    ],
    "log": [
        (
            "The message that came first:",
            "blockwatch log message +447700900123 --platform whatsapp --text 'Please confirm your account' --opened",
        ),
        (
            "The block notice, with a screenshot:",
            "blockwatch log block --platform whatsapp --notice 'This account can no longer use WhatsApp' "
            "--no-appeal-offered --attach screen.png",
        ),
        (
            "A takedown after a copyright complaint:",
            "blockwatch log takedown --platform instagram --reason copyright --claimant 'a Japanese citizen'",
        ),
        (
            "The appeal about incident 14:",
            "blockwatch log appeal --to whatsapp --channel email --about 14 --due 2026-07-12",
        ),
        (
            "A letter to the ministry, whose answer is due in five working days:",
            "blockwatch log appeal --to ministry --channel letter --about 14 --due-in '5 working days'",
        ),
    ],
    "list": [
        (
            "Calls since the evening of 4 July, as JSON:",
            "blockwatch list --kind call --since '2026-07-04 18:00' --json",
        )
    ],
    "show": [("Everything about incident 14:", "blockwatch show 14")],
    "amend": [
        (
            "Correct the outcome of call 2, saying why:",
            "blockwatch amend 2 --outcome answered --why 'checked the call log'",
        )
    ],
    "attachment": [
        ("Write incident 14's files to ./files:", "blockwatch attachment 14 --out ./files")
    ],
    "check": [("Verify the whole vault:", "blockwatch check")],
    "key": [("Read the fingerprint to your lawyer:", "blockwatch key show")],
    "passphrase": [("Change the passphrase:", "blockwatch passphrase change")],
    "recover": [("Forgot the passphrase; have the recovery code:", "blockwatch recover")],
    "demo": [("Try it:", "blockwatch demo")],
    "import": [
        (
            "The phone's call log and the chat with the stranger, in one command:",
            "blockwatch import calls-20260705120000.xml 'WhatsApp Chat with +44 7700 900123.zip' --mine 'Aigerim'",
        ),
        (
            "See what a CSV would add, without adding it:",
            "blockwatch import calls.csv --column-map number=Phone,date=When --dry-run",
        ),
    ],
    "stats": [
        (
            "The pattern of the night of 4 July:",
            "blockwatch stats --since '2026-07-04 18:00' --until '2026-07-05'",
        )
    ],
    "appeal": [
        (
            "The platform refused the appeal (incident 15):",
            "blockwatch appeal 15 --status rejected --note 'automatic answer' --attach answer.png",
        )
    ],
    "appeals": [("All appeals, with days left:", "blockwatch appeals")],
    "letter": [
        (
            "A statement to the police in Russian, referring to the bundle:",
            "blockwatch letter police --lang ru --bundle case.zip --name 'Aigerim Demo' --out statement.md",
        ),
        (
            "An appeal to the platform, as a web page:",
            "blockwatch letter platform --lang en --out appeal.html",
        ),
        (
            "Ask WhatsApp to review a ban, with the calls before it:",
            "blockwatch letter whatsapp-review --platform whatsapp --out review.md",
        ),
        (
            "Answer an Instagram copyright takedown (in English, as US law asks):",
            "blockwatch letter counter-notice --kind takedown --out counter-notice.md",
        ),
    ],
    "due": [("What needs action in the next two weeks:", "blockwatch due --within 14d")],
    "export": [
        (
            "A bundle of everything, for the police, with the report in Russian:",
            "blockwatch export case.zip --case 'Editors blocked, July 2026' --lang ru",
        ),
        (
            "Only the calls and the block, without the attachment files:",
            "blockwatch export calls.zip --kind call --kind block --no-attachments",
        ),
        (
            "For a named recipient, kept in the record of disclosures:",
            "blockwatch export police.zip --to 'Police of Almaty' --lang ru",
        ),
    ],
    "disclosures": [
        ("Every bundle handed out, with its recipient and SHA-256:", "blockwatch disclosures"),
    ],
    "timestamp": [
        (
            "Have the default authorities vouch for the ledger as it is now (needs the network):",
            "blockwatch timestamp",
        ),
        (
            "Use an authority whose root is not in Mozilla's list:",
            "blockwatch timestamp --tsa https://freetsa.org/tsr --tsa-root freetsa-root.pem",
        ),
        ("See what no time stamp covers yet:", "blockwatch timestamp --pending"),
    ],
    "backup": [
        ("Copy the vault to a USB stick:", "blockwatch backup /media/usb/blockwatch"),
        (
            "Check that copy later: whole, how far behind, and a part of the vault's ledger:",
            "blockwatch backup /media/usb/blockwatch --check",
        ),
        (
            "A copy for your lawyer, encrypted to her age key as well:",
            "blockwatch backup lawyer-copy --to-recipient age1...",
        ),
    ],
    "restore": [
        (
            "Make the vault again on a new laptop:",
            "blockwatch restore /media/usb/blockwatch --vault ~/blockwatch-vault",
        ),
        (
            "Restore a copy encrypted to you:",
            "blockwatch restore lawyer-copy --vault restored --identity key.txt",
        ),
    ],
    "verify": [
        (
            "Check a bundle against the fingerprint the journalist gave you:",
            "blockwatch verify case.zip --fingerprint 3f2a…(64 hex characters)",
        ),
        (
            "Without blockwatch (see VERIFY.txt in the bundle):",
            "openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in tagmanifest-sha256.txt -sigfile tagmanifest-sha256.txt.sig",
        ),
    ],
}


def esc(text: str) -> str:
    """Escape text for roff: backslashes, leading control characters, hyphens in options."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)  # ASCII-only pages
    return "\n".join("\\&" + line if line[:1] in ".'" else line for line in text.split("\n"))


def _options(command: Any, ctx: Any) -> list[str]:
    out = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            if param.param_type_name == "argument":
                out += [
                    ".TP",
                    f".I {esc(param.human_readable_name)}",
                    esc(getattr(param, "help", None) or ""),
                ]
            continue
        names, help_text = record
        out += [".TP", f".B {esc(names)}", esc(help_text or "")]
    return out


def _usage(command: Any, ctx: Any) -> str:
    return " ".join(command.collect_usage_pieces(ctx))


def page(name: str, command: Any, parent: Any) -> str:
    import typer._click as click  # Typer's vendored Click: the context type its commands use

    title = "blockwatch" + (f"-{name}" if name else "")
    ctx = click.Context(command, info_name=title.replace("-", " "), parent=parent)
    summary = (command.short_help or command.help or "").split("\n")[0].rstrip(".")
    lines = [
        f'.TH {esc(title.upper())} 1 "{DATE}" "blockwatch {__version__}" "blockwatch manual"',
        ".SH NAME",
        f"{esc(title)} \\- {esc(summary)}",
        ".SH SYNOPSIS",
    ]
    subcommands = getattr(command, "commands", {}) if name else {}
    if subcommands:
        for sub_name, sub in subcommands.items():
            sub_ctx = click.Context(sub, info_name=sub_name, parent=ctx)
            lines += [
                f".B blockwatch {esc(name)} {esc(sub_name)}",
                esc(_usage(sub, sub_ctx)),
                ".br",
            ]
    else:
        lines += [f".B {esc(title.replace('-', ' '))}", esc(_usage(command, ctx))]
    lines += [".SH DESCRIPTION", esc(command.help or "")]
    if not name:
        lines += [".PP", "Commands:"]
        for sub_name, sub in command.commands.items():
            lines += [
                ".TP",
                f".BR blockwatch\\-{esc(sub_name)} (1)",
                esc(sub.short_help or sub.help or ""),
            ]
    lines += [".SH OPTIONS"]
    if subcommands:
        for sub_name, sub in subcommands.items():
            sub_ctx = click.Context(sub, info_name=sub_name, parent=ctx)
            lines += [".SS " + esc(f"{name} {sub_name}"), esc(sub.help or "")]
            lines += _options(sub, sub_ctx)
    else:
        lines += _options(command, ctx)
    lines += [".SH EXIT STATUS"]
    for status, meaning in EXIT_MEANINGS.items():
        lines += [".TP", f".B {int(status)}", esc(meaning)]
    lines += [".SH ENVIRONMENT"]
    for var, meaning in ENVIRONMENT:
        lines += [".TP", f".B {esc(var)}", esc(meaning)]
    lines += [".SH FILES"]
    for path, meaning in FILES:
        lines += [".TP", f".I {esc(path)}", esc(meaning)]
    lines += [".SH EXAMPLES"]
    for what, example in EXAMPLES.get(name, []):
        lines += [".PP", esc(what), ".PP", ".RS 4", ".EX", esc(example), ".EE", ".RE"]
    others = ["blockwatch"] + [f"blockwatch-{n}" for n in parent.command.commands] if parent else []
    if not name:
        others = [f"blockwatch-{n}" for n in command.commands]
    if not name:
        lines += [".SH SHELL COMPLETION", esc(COMPLETION)]
    lines += [".SH SEE ALSO", ",\n".join(f".BR {esc(o)} (1)" for o in others if o != title)]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    import typer._click as click

    root = typer.main.get_command(app)
    root_ctx = click.Context(root, info_name="blockwatch")
    result = {"blockwatch.1": page("", root, None)}
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        result[f"blockwatch-{name}.1"] = page(name, command, root_ctx)
    return result


HELP_FILE = Path(__file__).resolve().parent / "help.txt"


def rendered_help() -> str:
    """``blockwatch --help`` as Typer prints it to a pipe (80 columns)."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, "-c", "from blockwatch.cli import main; main(['--help'])"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


def main() -> int:
    check = "--check" in sys.argv[1:]
    help_text = rendered_help()
    if check and HELP_FILE.read_text(encoding="utf-8") != help_text:
        print("blockwatch/cli/help.txt drifted from the command tree", file=sys.stderr)
        return 1
    if not check:
        HELP_FILE.write_text(help_text, encoding="utf-8", newline="\n")
    wanted = pages()
    present = {p.name: p.read_text(encoding="utf-8") for p in MAN_DIR.glob("*.1")}
    if check:
        drift = sorted(
            set(wanted) ^ set(present) | {n for n in wanted if present.get(n) != wanted[n]}
        )
        if drift:
            print("man pages drifted from the code: " + ", ".join(drift), file=sys.stderr)
            print("regenerate with: uv run python -m blockwatch.cli.manpages", file=sys.stderr)
            return 1
        return 0
    for stale in set(present) - set(wanted):
        (MAN_DIR / stale).unlink()
    for name, text in wanted.items():
        (MAN_DIR / name).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
