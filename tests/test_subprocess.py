"""A few runs of the installed ``blockwatch`` command as a real process."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blockwatch import vault
from blockwatch.vault.check import check

from .conftest import PASSPHRASE, make_env

pytestmark = pytest.mark.processes  # real processes of blockwatch: mutation runs leave them out

EXE = Path(sys.executable).with_name("blockwatch.exe" if os.name == "nt" else "blockwatch")


def run(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    full = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")}
    full.update(env or {})
    return subprocess.run(
        [str(EXE), *args], env=full, capture_output=True, text=True, timeout=120, **kw
    )


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    return {
        "BLOCKWATCH_VAULT": str(tmp_path / "vault"),
        "BLOCKWATCH_PASSPHRASE_FILE": str(secret),
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
    }


def test_version_and_module_entry_point() -> None:
    assert run("--version").stdout.startswith("blockwatch ")
    done = subprocess.run(
        [sys.executable, "-m", "blockwatch", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("blockwatch ")


def test_init_log_list_check_in_real_processes(home: dict[str, str]) -> None:
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    done = run(
        "log", "call", "+12025550143", "--at", "2026-07-04 21:05", "--outcome", "missed", env=home
    )
    assert done.returncode == 0 and "Logged incident 1" in done.stdout
    [row] = json.loads(run("list", "--json", env=home).stdout)
    assert row["counterparty"]["region"] == "US"
    assert run("check", env=home).returncode == 0


def test_passphrase_command_source(home: dict[str, str], tmp_path: Path) -> None:
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    script = tmp_path / "pass.py"
    script.write_text(f"print({PASSPHRASE!r})\n")
    command = {**home, "BLOCKWATCH_PASSPHRASE_COMMAND": f"{sys.executable} {script}"}
    assert run("list", env=command).returncode == 0
    failing = {
        **home,
        "BLOCKWATCH_PASSPHRASE_COMMAND": f"{sys.executable} -c 'raise SystemExit(3)'",
    }
    done = run("list", env=failing)
    assert done.returncode == 3 and "exited with status 3" in done.stderr


def test_wrong_passphrase_prints_only_our_two_lines(home: dict[str, str], tmp_path: Path) -> None:
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    done = run("list", env={**home, "BLOCKWATCH_PASSPHRASE_FILE": str(wrong)})
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        "blockwatch: error: wrong passphrase",
        "blockwatch: hint: try again; if it is lost, run 'blockwatch recover' with the recovery code",
    ]


def test_demo_leaves_no_trace(home: dict[str, str]) -> None:
    Path(home["TMPDIR"]).mkdir()
    Path(home["HOME"]).mkdir()
    done = run("demo", env=home)
    assert done.returncode == 0, done.stderr
    assert "block" in done.stdout and "rejected" in done.stdout and "takedown" in done.stdout
    assert done.stdout.count("check: ok") == 8 and done.stdout.count("verify: ok") == 13
    [folder] = Path(home["TMPDIR"]).iterdir()  # the one temporary folder: what the demo made
    assert sorted(p.name for p in folder.iterdir()) == [
        "blockwatch-demo-bundle.zip",
        "checkpoint-for-lawyer.txt",
        "report.html",
    ]
    assert str(folder / "blockwatch-demo-bundle.zip") in done.stdout
    again = run(
        "verify",
        str(folder / "blockwatch-demo-bundle.zip"),
        "--witness",
        str(folder / "checkpoint-for-lawyer.txt"),
        env=home,
    )
    assert again.returncode == 0 and "ok 13" in again.stdout
    assert list(Path(home["HOME"]).iterdir()) == []
    assert not Path(home["BLOCKWATCH_VAULT"]).exists()
    again = run("verify", str(folder / "blockwatch-demo-bundle.zip"), env=home)
    assert again.returncode == 0, again.stderr


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_during_log_leaves_a_vault_that_passes_check(
    home: dict[str, str], tmp_path: Path
) -> None:
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    big = tmp_path / "screen-recording.mp4"
    with open(big, "wb") as f:
        for _ in range(48):
            f.write(os.urandom(1024 * 1024))
    full = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")} | home
    logged = 0
    for delay in (0.3, 0.5, 0.7, 0.9, 1.2, 1.6):
        proc = subprocess.Popen(
            [str(EXE), "log", "note", "--text", f"killed after {delay}s", "--attach", str(big)],
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with vault.unlock(make_env(Path(home["BLOCKWATCH_VAULT"])), PASSPHRASE) as v:
            assert len(check(v)) == 8
            count = len(v.incidents())
            assert count in (logged, logged + 1)
            logged = count
    assert logged < 6, "no kill landed inside a write: make the attachment larger"
    done = run("log", "note", "--text", "after the kills", env=home)
    assert done.returncode == 0


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_during_export_leaves_no_file_beside_the_target(
    home: dict[str, str], tmp_path: Path
) -> None:
    """A killed export leaves nothing: no partial bundle (most of it plaintext) at or beside
    OUT (issue 14).  The bundle has no name until it is complete."""
    try:  # where the file system cannot, a killed export may leave its hidden .part file
        os.close(os.open(tmp_path, os.O_TMPFILE | os.O_RDWR, 0o600))
    except (AttributeError, OSError):
        pytest.skip("no O_TMPFILE here")
    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    big = tmp_path / "screen-recording.mp4"
    with open(big, "wb") as f:
        for _ in range(48):
            f.write(os.urandom(1024 * 1024))
    done = run("log", "note", "--text", "with a recording", "--attach", str(big), env=home)
    assert done.returncode == 0, done.stderr
    full = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")} | home
    target = tmp_path / "out"
    target.mkdir()
    # kills spread over the time a whole export takes on this machine
    began = time.monotonic()
    whole = subprocess.run(
        [str(EXE), "export", str(target / "whole.zip")], env=full, capture_output=True, check=False
    )
    assert whole.returncode == 0
    took = time.monotonic() - began
    (target / "whole.zip").unlink()
    killed = 0
    for n, share in enumerate((0.3, 0.45, 0.6, 0.75, 0.9)):
        delay = took * share
        out = target / f"case-{n}.zip"
        proc = subprocess.Popen(
            [str(EXE), "export", str(out)],
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL and not out.exists()
        assert sorted(p.name for p in target.iterdir()) in ([], [out.name]), delay
        for left in target.iterdir():
            left.unlink()
    assert killed, "no kill landed inside an export: make the attachment larger"


def test_a_large_import_uses_child_processes_and_fails_in_one_line(
    home: dict[str, str], tmp_path: Path
) -> None:
    """Above importing.PARALLEL_BYTES the file is parsed by children; a damaged record late in
    it gives our one line on stderr (nothing from the children) and changes nothing."""
    from blockwatch import importing

    from .test_import import EPOCH_MS, call, calls_xml

    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    # An attribute the importer ignores pads 5,000 calls past the size that parallelises, so
    # both children build blocks (1,000 records each) without the cost of 25,000 records.
    pad = "p" * 900
    calls = [call(n, number=f"+4477009{n:05d}", x_padding=pad) for n in range(5_000)]
    data = calls_xml(calls)
    assert len(data) > importing.PARALLEL_BYTES
    bad = tmp_path / "calls-bad.xml"
    bad.write_bytes(data.replace(f'date="{EPOCH_MS + 4_000 * 60_000}"'.encode(), b'date="x"'))
    before = run("list", "--json", env=home).stdout
    done = run("--lang", "ru", "import", str(bad), env=home)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("blockwatch: error: ")
    assert "<call> № 4001" in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert run("list", "--json", env=home).stdout == before
    good = tmp_path / "calls.xml"
    good.write_bytes(data)
    done = run("import", str(good), env=home)
    assert done.returncode == 0 and "added 5000" in done.stdout and done.stderr == ""
    assert run("check", env=home).returncode == 0


def _importing_children(tag: str) -> list[int]:
    """The child processes of imports started with ``BLOCKWATCH_TEST_TAG=tag`` (children
    inherit the environment; other tests running beside this one have other tags)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and b"blockwatch.importing" in (proc / "cmdline").read_bytes()
                and f"BLOCKWATCH_TEST_TAG={tag}".encode() in (proc / "environ").read_bytes()
            ):
                found.append(int(proc.name))
        except OSError:
            pass
    return found


def _start_large_import(
    home: dict[str, str], tmp_path: Path, calls: int
) -> tuple[subprocess.Popen[bytes], str]:
    from .test_import import call, calls_xml

    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    path = tmp_path / "calls.xml"
    path.write_bytes(calls_xml([call(n, number=f"+4477009{n:05d}") for n in range(calls)]))
    tag = tmp_path.name
    full = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKWATCH_")} | home
    proc = subprocess.Popen(
        [str(EXE), "import", str(path)],
        env={**full, "BLOCKWATCH_TEST_TAG": tag},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # Ctrl-C must reach it even when the test run itself was started in the background
        # (which ignores SIGINT, and a process that starts ignoring it keeps ignoring it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not _importing_children(tag) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _importing_children(tag), "the import did not start its children"
    return proc, tag


def _no_child_left_and_nothing_imported(home: dict[str, str], tag: str) -> None:
    deadline = time.monotonic() + 60
    while _importing_children(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _importing_children(tag) == [], "a child outlived the import"
    with vault.unlock(make_env(Path(home["BLOCKWATCH_VAULT"])), PASSPHRASE) as v:
        assert len(check(v)) == 8 and v.incidents() == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the children")
def test_a_child_killed_during_an_import_is_one_clear_line_and_changes_nothing(
    home: dict[str, str], tmp_path: Path
) -> None:
    proc, tag = _start_large_import(home, tmp_path, 60_000)
    os.kill(_importing_children(tag)[0], signal.SIGKILL)
    assert proc.wait(timeout=120) == 1
    assert proc.stderr is not None
    err = proc.stderr.read().decode().splitlines()
    assert len(err) == 2 and "Traceback" not in "".join(err), err
    assert err[0].startswith("blockwatch: error: the helper process reading ")
    assert err[0].endswith("stopped by signal 9; nothing was imported")
    assert err[1].startswith("blockwatch: hint: run the import again")
    _no_child_left_and_nothing_imported(home, tag)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the children")
def test_sigkill_during_a_large_import_changes_nothing_and_leaves_no_child(
    home: dict[str, str], tmp_path: Path
) -> None:
    proc, tag = _start_large_import(home, tmp_path, 60_000)
    time.sleep(0.5)  # records are being written
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.stderr is not None and proc.stderr.read() == b""  # nothing from the children
    _no_child_left_and_nothing_imported(home, tag)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the children")
def test_ctrl_c_during_an_import_exits_130_and_changes_nothing(
    home: dict[str, str], tmp_path: Path
) -> None:
    proc, tag = _start_large_import(home, tmp_path, 60_000)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    assert proc.stderr is not None
    assert proc.stderr.read().decode().strip() == "blockwatch: interrupted; nothing was written"
    _no_child_left_and_nothing_imported(home, tag)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux")
def test_an_unlocked_vault_cannot_be_dumped(home: dict[str, str], tmp_path: Path) -> None:
    """While a secret is in memory: no core file, and not dumpable (issue 14).  A process that
    reads the passphrase from a command shows its own limits to that command's parent: the
    command's output is blockwatch's /proc entries, read while it waits for the passphrase."""
    probe = tmp_path / "probe.sh"
    probe.write_text(
        "#!/bin/sh\n"
        f'grep "Max core file size" /proc/$PPID/limits > {tmp_path}/limits\n'
        f"stat -c %u /proc/$PPID/mem > {tmp_path}/owner\n"
        f"printf '%s\\n' '{PASSPHRASE}'\n"
    )
    probe.chmod(0o700)
    import resource

    assert run("init", "--timezone", "Asia/Almaty", env=home).returncode == 0
    env = {k: v for k, v in home.items() if k != "BLOCKWATCH_PASSPHRASE_FILE"}
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    allowed = 1 << 20 if hard == resource.RLIM_INFINITY else min(1 << 20, hard)
    if allowed == 0:
        pytest.skip("core files are forbidden here already: nothing to lower")

    def cores_allowed() -> None:  # blockwatch starts with core files allowed
        resource.setrlimit(resource.RLIMIT_CORE, (allowed, hard))

    done = run(
        "list",
        env={**env, "BLOCKWATCH_PASSPHRASE_COMMAND": str(probe)},
        preexec_fn=cores_allowed,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "limits").read_text().split()[4] == "0"  # the soft limit: what applies
    if os.getuid() != 0:  # not dumpable: its /proc entries become root's
        assert (tmp_path / "owner").read_text().strip() == "0"


def test_no_secret_or_plaintext_leaks_outside_the_vault(
    home: dict[str, str], tmp_path: Path
) -> None:
    """The leak scan of issue 14: after a full scenario in real processes, a marker written in
    a message, an attachment and an import, the passphrase and the data key appear in no file
    under the vault, TMPDIR, HOME (caches, config) or the backups -- the exported bundle
    excepted, which is plaintext by design and written where it was asked."""
    from blockwatch.vault import keyslots

    marker = "LEAKMARKER-7f3e9c"
    for name in ("TMPDIR", "HOME"):
        Path(home[name]).mkdir()
    home = {
        **home,
        "XDG_CACHE_HOME": str(Path(home["HOME"]) / ".cache"),
        "XDG_CONFIG_HOME": str(Path(home["HOME"]) / ".config"),
    }
    new_secret = tmp_path / "new-passphrase.txt"
    new_secret.write_text("another long passphrase\n")
    files = tmp_path / "inputs"
    files.mkdir()
    (files / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + f"{marker}-attachment".encode())
    (files / "calls.csv").write_text(
        f"Date,Number,Type,Contact\n2026-07-04 10:00,+77011234567,Incoming,{marker}-contact\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    from pyrage import x25519

    lawyer = str(x25519.Identity.generate().to_public())
    steps = [
        ("init", "--timezone", "Asia/Almaty"),
        ("log", "note", "--text", f"{marker}-text", "--attach", str(files / "shot.png")),
        ("import", str(files / "calls.csv")),
        ("amend", "1", "--note", f"{marker}-amended", "--why", "more"),
        ("export", str(out / "case.zip"), "--to", f"{marker}-recipient"),
        ("checkpoint", "--to", f"{marker}-lawyer"),
        ("timestamp", "--pending"),
        ("backup", str(tmp_path / "usb")),
        ("backup", str(tmp_path / "usb-lawyer"), "--to-recipient", lawyer),
        ("passphrase", "change"),
    ]
    for step in steps:
        env = {**home, "BLOCKWATCH_NEW_PASSPHRASE_FILE": str(new_secret)}
        done = run(*step, env=env)
        assert done.returncode == 0, (step, done.stderr)
    vault_dir = Path(home["BLOCKWATCH_VAULT"])
    doc = keyslots.load(vault_dir / "keyslots.json")
    first_key = keyslots.unlock_with_passphrase(doc, "another long passphrase")
    third = tmp_path / "third-passphrase.txt"
    third.write_text("a third long passphrase\n")
    for step in [
        ("passphrase", "change", "--rotate-key"),
        ("check",),
        ("backup", str(tmp_path / "usb")),
    ]:
        env = {
            **home,
            "BLOCKWATCH_PASSPHRASE_FILE": str(new_secret if step[0] == "passphrase" else third),
            "BLOCKWATCH_NEW_PASSPHRASE_FILE": str(third),
        }
        done = run(*step, env=env)
        assert done.returncode == 0, (step, done.stderr)
    data_key = keyslots.unlock_with_passphrase(
        keyslots.load(vault_dir / "keyslots.json"), "a third long passphrase"
    )
    assert data_key != first_key
    secrets_ = [
        marker.encode(),
        marker.encode("utf-16-le"),
        PASSPHRASE.encode(),
        b"another long passphrase",
        b"a third long passphrase",
        *(
            k
            for key in (first_key, data_key)
            for k in (key, key.hex().encode(), base64.b64encode(key))
        ),
    ]
    scanned = 0
    roots = (tmp_path / "usb", tmp_path / "usb-lawyer")  # backups: still encrypted
    for root in (vault_dir, Path(home["TMPDIR"]), Path(home["HOME"]), *roots):
        for path in root.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                scanned += 1
                assert not [s for s in secrets_ if s in content], path
    assert scanned >= 8  # vault.db, keyslots.json and two backups of three files at least
    assert marker.encode() in zipfile_text(out / "case.zip")  # the bundle holds it, as asked


def zipfile_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(name) for name in zf.namelist())
