"""Man pages come from the command tree; a test fails when they drift (docs/DEVELOPING.md habit 9)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blockwatch.cli import manpages
from blockwatch.errors import ExitStatus

pytestmark = pytest.mark.reads_source  # reads the source text: not in mutation runs

ROOT = Path(__file__).resolve().parents[1]


def test_committed_man_pages_match_the_code() -> None:
    wanted = manpages.pages()
    present = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "man").glob("*.1")}
    assert set(present) == set(wanted), "run: uv run python -m blockwatch.cli.manpages"
    for name, text in wanted.items():
        assert present[name] == text, (
            f"{name} drifted; run: uv run python -m blockwatch.cli.manpages"
        )


def test_generation_is_byte_identical() -> None:
    assert manpages.pages() == manpages.pages()


def test_every_page_has_the_sections_and_every_exit_status() -> None:
    for name, text in manpages.pages().items():
        for section in (
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
            "SEE ALSO",
        ):
            assert f".SH {section}\n" in text, (name, section)
        for status in ExitStatus:
            assert f".B {int(status)}\n" in text, (name, status)
        assert "BLOCKWATCH_PASSPHRASE_FILE" in text.replace("\\-", "-")


def test_every_command_has_a_page() -> None:
    import typer.main

    from blockwatch.cli import app

    root = typer.main.get_command(app)
    assert {f"blockwatch-{n}.1" for n in root.commands} | {"blockwatch.1"} == set(manpages.pages())  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_reports_nothing() -> None:
    for page in sorted((ROOT / "man").glob("*.1")):
        done = subprocess.run(
            ["groff", "-Tutf8", "-ww", "-z", "-man", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and done.stderr == "", (page.name, done.stderr)


def test_environment_section_lists_every_variable_blockwatch_reads() -> None:
    from blockwatch import env

    names = {v for k, v in vars(env).items() if k.startswith("ENV_")}
    text = manpages.pages()["blockwatch.1"].replace("\\-", "-")
    for name in names:
        assert name in text, name


def test_wheel_installs_the_man_pages(wheel_names: set[str]) -> None:
    pages = {n.rsplit("/", 1)[1] for n in wheel_names if "/data/share/man/man1/" in n}
    assert pages == {p.name for p in (ROOT / "man").glob("*.1")}


def test_the_fast_help_is_the_help_typer_renders() -> None:
    committed = manpages.HELP_FILE.read_text(encoding="utf-8")
    assert committed == manpages.rendered_help(), "run: uv run python -m blockwatch.cli.manpages"


def test_console_script_answers_help_and_version_without_typer() -> None:
    import sys

    code = (
        "import sys; sys.argv = ['blockwatch', '--help'];"
        "from blockwatch._entry import main\ntry: main()\nexcept SystemExit: pass\n"
        "assert 'typer' not in sys.modules, 'typer was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == manpages.HELP_FILE.read_text(encoding="utf-8")
    version = subprocess.run(
        [sys.executable, "-m", "blockwatch", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("blockwatch ") and version.returncode == 0
