from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# No time limit on a Hypothesis example: tests assert behaviour, never time (a loaded machine or
# a mutation run's tracing made a 200 ms deadline fail by chance).  Benchmarks measure time.
settings.register_profile("blockwatch", deadline=None)
settings.load_profile("blockwatch")

ROOT = Path(__file__).resolve().parents[1]  # the repository: no test reads anything outside it
VECTORS = Path(__file__).resolve().parent / "vectors" / "merkle"


# --------------------------------------------------------------------------- a self-contained suite
#
# No test may read a file outside the repository (a stranger's clone has nothing beside it):
# an audit hook (PEP 578) records every ``open`` of a path in a sibling of the repository, and
# ``_stays_in_the_repository`` fails the test that did it.  Temporary files, the interpreter and
# hidden folders (caches) are not siblings' content and are not recorded.

OUTSIDE_READS: list[str] = []
_PARENT = ROOT.parent
_ALLOWED = tuple(
    os.path.normpath(p) + os.sep
    for p in {str(ROOT), tempfile.gettempdir(), sys.prefix, sys.base_prefix, sys.exec_prefix}
)


def _outside(path: str) -> bool:
    full = os.path.normpath(os.path.abspath(path))
    below = os.path.relpath(full, _PARENT) if full.startswith(str(_PARENT) + os.sep) else None
    if below is None or below.startswith("."):
        return False
    return not (full + os.sep).startswith(_ALLOWED)


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if _outside(path):
            OUTSIDE_READS.append(path)


sys.addaudithook(_audit)


SYSTEM_TMP = Path(tempfile.gettempdir())
_TMP_BEFORE: set[str] = set()


def pytest_sessionstart(session: pytest.Session) -> None:
    _TMP_BEFORE.update(os.listdir(SYSTEM_TMP))
    if not hasattr(session.config, "workerinput"):
        # The package's bytecode, once, before the workers and the processes the tests start
        # import it (PYTHONDONTWRITEBYTECODE would have each of them compile it again).
        import compileall

        compileall.compile_dir(ROOT / "blockwatch", quiet=1)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run leaves nothing in the system's temporary directory but pytest's own folder."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller checks
        return
    if os.environ.get("MUTANT_UNDER_TEST"):
        # A mutmut run starts a session per mutant, while other work may go on: a stranger's
        # temporary file would count as a killed mutant.  The plain suite keeps the check.
        return
    # Only names blockwatch or Python's tempfile would give: other programs on the machine
    # may write there at the same time, and their files are not ours to report.
    left = sorted(
        name
        for name in set(os.listdir(SYSTEM_TMP)) - _TMP_BEFORE
        if name.startswith(("blockwatch", ".blockwatch", "tmp"))
    )
    if left:
        print(f"\nthe tests left these in {SYSTEM_TMP}: {left}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run long tests (fuzzing, big loads)")


# Modules whose tests start real processes: they run first, so that on two cores the long ones
# overlap with the many short in-process tests instead of finishing the run alone.
PROCESS_MODULES = ("test_subprocess.py", "test_output.py", "test_import_parallel.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in PROCESS_MODULES)  # stable: order kept
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long test: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# --------------------------------------------------------------------------- shared fixtures

import shutil  # noqa: E402
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
def _stays_in_the_repository():  # type: ignore[no-untyped-def]
    start = len(OUTSIDE_READS)
    yield
    read = OUTSIDE_READS[start:]
    del OUTSIDE_READS[start:]
    assert not read, f"the test read outside the repository: {read}"


@pytest.fixture(autouse=True)
def _private_tempdir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Temporary files of the code under test, and of the processes it starts, go below
    pytest's own folder: a run leaves nothing in the system's temporary directory."""
    where = tmp_path_factory.mktemp("tmp", numbered=True)
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    monkeypatch.setenv("TMPDIR", str(where))
    yield


@pytest.fixture(scope="session", autouse=True)
def _argon2_once_per_input():  # type: ignore[no-untyped-def]
    """Every vault of the suite is a copy of one template, so the same passphrase meets the same
    salt thousands of times.  Argon2id is deterministic: remember each real derivation (keyed
    by every input) instead of paying ~0.2 s for it again.  A different passphrase, salt or
    cost is a new, real derivation; processes the tests start derive for themselves."""
    from blockwatch.vault import keyslots

    real = keyslots._argon2
    known: dict[tuple[str, tuple[tuple[str, object], ...]], bytes] = {}

    def remembered(passphrase: str, kdf: dict) -> bytes:  # type: ignore[type-arg]
        key = (passphrase, tuple(sorted(kdf.items())))
        if key not in known:
            known[key] = real(passphrase, kdf)
        return known[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyslots, "_argon2", remembered)
        yield


@pytest.fixture(autouse=True)
def _dumps_as_they_were():  # type: ignore[no-untyped-def]
    """The command line forbids core dumps for the whole process before it reads a secret
    (cli.common.no_core_dumps): undo it after each test, as for the umask below."""
    if os.name != "posix":
        yield
        return
    import resource

    before = resource.getrlimit(resource.RLIMIT_CORE)
    yield
    resource.setrlimit(resource.RLIMIT_CORE, before)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE, 1: as a process starts


@pytest.fixture(autouse=True)
def _umask_as_it_was():  # type: ignore[no-untyped-def]
    """The command line sets the umask (0o077) for the whole process: undo it after each test,
    so that no test sees a umask another one left behind."""
    if os.name != "posix":
        yield
        return
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


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
