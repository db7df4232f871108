from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
VECTORS = SHARED / "vectors" / "merkle"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run long tests (fuzzing, big loads)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long test: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# --------------------------------------------------------------------------- shared fixtures

import shutil  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from blockwatch.cli import main  # noqa: E402
from blockwatch.env import Env  # noqa: E402

PASSPHRASE = "correct horse battery staple"
NOW = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)  # 11:00 in Almaty, the morning after the attack


def make_env(vault_dir: Path, **environ: str) -> Env:
    return Env(
        vault_dir=vault_dir,
        environ={"BLOCKWATCH_PASSPHRASE": PASSPHRASE, **environ},
        now=lambda: NOW,
    )


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path / "vault")


@pytest.fixture(scope="session")
def _template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One vault created once (Argon2id at full cost is slow); each test gets a copy."""
    from blockwatch import vault

    path = tmp_path_factory.mktemp("template") / "vault"
    created, _code = vault.create(
        make_env(path), PASSPHRASE, home_region="KZ", timezone="Asia/Almaty"
    )
    created.close()
    return path


@pytest.fixture
def vault_env(_template_vault: Path, tmp_path: Path) -> Env:
    """An Env whose vault exists (a fresh copy of the template, so tests are independent)."""
    target = tmp_path / "vault"
    shutil.copytree(_template_vault, target)
    return make_env(target)


@pytest.fixture
def opened(vault_env: Env):  # type: ignore[no-untyped-def]
    from blockwatch import vault

    v = vault.unlock(vault_env, PASSPHRASE)
    yield v
    v.close()


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(env: Env, *args: str, input: str | None = None) -> Run:
    """Run the real entry point (error mapping included) with an injected Env."""
    with CliRunner().isolation(input=input) as (out, err, _):
        try:
            main(list(args), env=env)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = -1
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of a vault directory, for "nothing was written" assertions."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """The message language is process-wide (set by each command line): start every test in English."""
    from blockwatch import i18n

    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture(scope="session")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The files of the wheel ``uv build`` makes from this checkout (built once per run)."""
    import shutil
    import subprocess
    import zipfile

    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    out = tmp_path_factory.mktemp("wheel")
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [uv, "build", "--wheel", "-q", "-o", str(out)], cwd=root, check=True, capture_output=True
    )
    [wheel] = out.glob("*.whl")
    return set(zipfile.ZipFile(wheel).namelist())
