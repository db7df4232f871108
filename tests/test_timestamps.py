"""RFC 3161 time stamps (issue 13, part 2): ``blockwatch timestamp`` against a local authority
(tests/tsa.py: a CA, a TSA certificate with the critical timeStamping key usage, replies from
``openssl ts -reply``, served on 127.0.0.1), the tokens in the ledger and in bundles, check 8
of ``check``, check 14 of ``verify``, the ``openssl ts -verify`` step of VERIFY.txt, the clock
and the reminder."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blockwatch import ledger, timestamps, vault
from blockwatch.documents.verify import STAMP_COMMANDS
from blockwatch.env import Env

from .conftest import PASSPHRASE, make_env, run_cli, snapshot
from .tsa import Authority, authority, serve, tsa

__all__ = ["authority", "tsa"]  # the fixtures, used by name

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _note(env: Env, *text: str) -> None:
    for t in text:
        assert run_cli(env, "log", "note", "--text", t).code == 0


def _stamp(env: Env, url: str, root: Path) -> str:
    done = run_cli(env, "timestamp", "--tsa", url, "--tsa-root", str(root))
    assert done.code == 0, done.err
    return done.out


def _export(env: Env, out: Path) -> Path:
    done = run_cli(env, "export", str(out))
    assert done.code == 0, done.err
    return out


def _one_line_error(done, code: int = 1) -> None:  # type: ignore[no-untyped-def]
    assert done.code == code
    lines = done.err.strip().splitlines()
    assert lines[-2].startswith("blockwatch: error: ") and lines[-1].startswith("blockwatch: hint:")
    assert "Traceback" not in done.err


# --------------------------------------------------------------------------- the command


def test_a_time_stamp_is_verified_and_kept_in_the_ledger(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    vault_env.now = lambda: datetime.now(UTC)  # type: ignore[method-assign]  # the TSA's clock
    _note(vault_env, "one")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        note = v.latest_checkpoint()
        point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    out = _stamp(vault_env, tsa, authority.root_pem)
    assert "Time-stamped by Test TSA at " in out
    assert f"the ledger's first {point.size} entries." in out
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(seq, _at, body)] = list(v.entries_of_type("checkpoint.timestamped"))
        assert seq == point.size
        assert body["size"] == point.size and body["checkpoint"] == note
        assert body["root"] == base64.b64encode(point.root).decode()
        assert body["tsa"] == tsa
        token = base64.b64decode(body["token"])
        root = timestamps.load_certificate(base64.b64decode(body["root_certificate"]))
        assert root == authority.root
        # the stored token is over exactly that note, and names the time stored beside it
        stamp = timestamps.check(token, note.encode(), [root])
        assert timestamps.utc_text(stamp.gen_time) == body["gen_time"]
        assert abs((stamp.gen_time - datetime.now(UTC)).total_seconds()) < 300
        assert v.timestamped() == (point.size, body["gen_time"])
        assert v.unstamped_since() is None
    done = run_cli(vault_env, "check")
    assert done.code == 0, done.err
    assert (  # and no clock flagged: this computer's agrees with the authority's
        "ok 8  every time stamp and cosignature vouches for a checkpoint of this ledger (1 time stamp)"
        in done.out
    )


def test_pending_says_what_waits_and_asks_nobody(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    done = run_cli(vault_env, "timestamp", "--pending")
    assert done.code == 0
    assert "never been time-stamped" in done.out and "Not yet time-stamped" in done.out
    # the tests' clock is in July 2026, the authority's is today's: said, and kept
    done = run_cli(vault_env, "timestamp", "--tsa", tsa, "--tsa-root", str(authority.root_pem))
    assert done.code == 0 and "minutes behind Test TSA's" in done.err
    done = run_cli(vault_env, "timestamp", "--pending")
    assert "Last time stamp:" in done.out and "Every entry is covered" in done.out
    # nothing new: the next run sends nothing
    again = run_cli(
        vault_env,
        "timestamp",
        "--tsa",
        "http://127.0.0.1:9/",
        "--tsa-root",
        str(authority.root_pem),
    )
    assert again.code == 0 and "Nothing new since the last time stamp" in again.out
    _note(vault_env, "later")
    assert "Not yet time-stamped" in run_cli(vault_env, "timestamp", "--pending").out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_says_so_in_one_line_and_changes_nothing(
    vault_env: Env, authority: Authority
) -> None:
    _note(vault_env, "one")
    before = snapshot(vault_env.vault_dir)
    done = run_cli(
        vault_env,
        "timestamp",
        "--tsa",
        f"http://127.0.0.1:{_free_port()}/tsr",
        "--tsa-root",
        str(authority.root_pem),
    )
    _one_line_error(done)
    assert "no time-stamping authority answered (is this computer offline?)" in done.err
    assert snapshot(vault_env.vault_dir) == before


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("other data", "it vouches for other data than this checkpoint"),
        ("flipped signature", "its signature or certificate chain does not verify"),
        ("replayed", "it answers another request (nonce mismatch)"),
        ("not a reply", "not an RFC 3161 time-stamp reply"),
        ("too large", "the reply is larger than"),
        ("refused", "no answer"),
    ],
)
def test_a_reply_that_does_not_verify_is_not_kept(
    vault_env: Env, authority: Authority, tmp_path: Path, case: str, why: str
) -> None:
    from rfc3161_client import TimestampRequestBuilder

    _note(vault_env, "one")
    earlier = authority.reply(TimestampRequestBuilder().data(b"x").build().as_bytes())

    def answer(query: bytes) -> bytes:
        if case == "other data":  # the same request (nonce) with the hash of other data
            at = query.index(b"\x04\x20") + 2
            other = hashlib.sha256(b"other").digest()
            return authority.reply(query[:at] + other + query[at + 32 :])
        if case == "flipped signature":
            reply = bytearray(authority.reply(query))
            reply[-5] ^= 0x01
            return bytes(reply)
        if case == "replayed":
            return earlier
        if case == "not a reply":
            return b"<html>hello</html>"
        if case == "too large":
            return b"\0" * (timestamps.MAX_REPLY_BYTES + 1)
        return b""

    before = snapshot(vault_env.vault_dir)
    with serve(answer, status=500 if case == "refused" else 200) as server:
        done = run_cli(
            vault_env, "timestamp", "--tsa", server.url, "--tsa-root", str(authority.root_pem)
        )
    _one_line_error(done)
    assert why in done.err
    assert snapshot(vault_env.vault_dir) == before


def test_an_untrusted_or_expired_authority_is_refused(
    vault_env: Env, tsa: str, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "timestamp", "--tsa", tsa)  # its root is in no trusted list
    _one_line_error(done)
    assert "its certificates do not lead to a trusted root" in done.err
    assert "--tsa-root" in done.err
    expired = Authority(tmp_path / "expired", expired=True)
    with serve(expired.reply) as server:
        done = run_cli(
            vault_env, "timestamp", "--tsa", server.url, "--tsa-root", str(expired.root_pem)
        )
    _one_line_error(done)
    assert "its signature or certificate chain does not verify" in done.err
    assert snapshot(vault_env.vault_dir) == before


def test_one_authority_down_another_up_keeps_what_verified(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    _note(vault_env, "one")
    done = run_cli(
        vault_env,
        "timestamp",
        "--tsa",
        f"http://127.0.0.1:{_free_port()}/",
        "--tsa",
        tsa,
        "--tsa-root",
        str(authority.root_pem),
    )
    assert done.code == 0
    assert "no answer" in done.err and "Time-stamped by Test TSA" in done.out
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert len(list(v.entries_of_type("checkpoint.timestamped"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tsa", "ftp://example.org/tsr"], "is not the address of a time-stamping authority"),
        (["--tsa-root", "missing.pem"], "cannot read"),
        (["--tsa-root", "not-a-cert.pem"], "holds no PEM certificate"),
    ],
)
def test_bad_options_are_one_line_and_cost_no_passphrase(
    vault_env: Env, tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not-a-cert.pem").write_text("hello")
    monkeypatch.chdir(tmp_path)
    env = make_env(vault_env.vault_dir)
    env.environ.pop("BLOCKWATCH_PASSPHRASE")  # type: ignore[attr-defined]
    done = run_cli(env, "timestamp", *args)
    assert done.code == 1 and message in done.err and "Traceback" not in done.err


# --------------------------------------------------------------------------- bundles


@pytest.fixture
def stamped(vault_env: Env, tsa: str, authority: Authority, tmp_path: Path) -> Path:
    """A bundle of three notes: two time stamps, the first covering only the first note."""
    _note(vault_env, "first")
    _stamp(vault_env, tsa, authority.root_pem)
    _note(vault_env, "second", "third")
    _stamp(vault_env, tsa, authority.root_pem)
    return _export(vault_env, tmp_path / "stamped.zip")


def test_a_bundle_carries_its_time_stamps_and_verify_states_them(
    vault_env: Env, stamped: Path, authority: Authority
) -> None:
    done = run_cli(vault_env, "verify", str(stamped), "--tsa-root", str(authority.root_pem))
    assert done.code == 0, done.err
    assert "ok 14  every time stamp is an outside authority's" in done.out
    assert (
        "data/timestamps/1: Test TSA vouched that the ledger's first 2 entries existed" in done.out
    )
    assert "incidents among them: #1." in done.out
    assert "incidents among them: #1, #2, #3." in done.out
    report = json.loads(
        run_cli(
            vault_env, "verify", str(stamped), "--tsa-root", str(authority.root_pem), "--json"
        ).out
    )
    first, second = report["timestamps"]
    assert (first["ids"], second["ids"]) == ([1], [1, 2, 3])
    assert first["trusted"] and first["authority"] == "Test TSA"
    assert first["root"] == "Test TSA Root"
    assert first["root_sha256"] == timestamps.fingerprint(timestamps.der(authority.root))
    assert report["checks"][13]["passed"] is True
    # each included entry: the earliest trusted time stamp that covers it
    anchors = {row["incident"]: row["time_stamp"]["time"] for row in report["anchors"]}
    assert anchors == {1: first["gen_time"], 2: second["gen_time"], 3: second["gen_time"]}
    assert all(row["witness"] is None for row in report["anchors"])
    # without the root, the times are named but not trusted: a warning, never an "ok"
    plain = run_cli(vault_env, "verify", str(stamped))
    assert plain.code == 0
    assert "-- 14" in plain.out and "ok 14" not in plain.out
    assert "(Test TSA Root) are neither in Mozilla's list nor given with --tsa-root" in plain.out
    assert "is not one you said you trust" in plain.out


def test_a_bundle_without_time_stamps_says_the_times_rest_on_the_signer_s_clock(
    vault_env: Env, tmp_path: Path
) -> None:
    _note(vault_env, "one")
    done = run_cli(vault_env, "verify", str(_export(vault_env, tmp_path / "b.zip")))
    assert done.code == 0
    assert "-- 14" in done.out and "the recorded times rest on the signer's clock" in done.out


def test_the_report_lists_the_time_stamps(stamped: Path) -> None:
    from .test_bundle import members, top

    files = members(stamped)
    html = files[f"{top(files)}/data/report.html"].decode()
    assert "Time stamps from outside authorities" in html
    assert html.count("<td>Test TSA</td>") == 2 and "#1, #2, #3" in html


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_verify_txt_checks_each_time_stamp_with_openssl(stamped: Path, tmp_path: Path) -> None:
    from .test_bundle import extract

    bag = extract(stamped, tmp_path / "out")
    text = (bag / "VERIFY.txt").read_text()
    for command in STAMP_COMMANDS:
        assert command in text
    done = _run(STAMP_COMMANDS[0], bag)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Verification: OK") == 2
    roots = _run(STAMP_COMMANDS[1], bag)
    assert "CN = Test TSA Root" in roots.stdout and roots.stdout.count("Fingerprint") == 2
    # a changed checkpoint, or a token over another checkpoint, fails the openssl step
    (bag / "data/timestamps/1.checkpoint.txt").write_bytes(
        (bag / "data/timestamps/2.checkpoint.txt").read_bytes()
    )
    done = _run(STAMP_COMMANDS[0], bag)
    assert "Verification: FAILED" in done.stdout
    shutil.copy(bag / "data/timestamps/2.tsr", bag / "data/timestamps/1.tsr")
    shutil.copy(bag / "data/timestamps/2.checkpoint.txt", bag / "data/timestamps/1.checkpoint.txt")
    (bag / "data/timestamps/2.tsr").write_bytes(b"\x30\x03\x02\x01\x00")
    assert "Verification: OK" not in _run(STAMP_COMMANDS[0], bag).stdout.split("\n")[1]


def test_an_authority_behind_an_intermediate_certificate_verifies_with_its_whole_chain(
    vault_env: Env, tmp_path: Path
) -> None:
    """The chain file holds every certificate between the signer and the root, each a PEM
    block of its own, so that both blockwatch and ``openssl ts -verify -untrusted`` can build
    the path through the intermediate."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from .test_bundle import extract

    chained = Authority(tmp_path / "chained", name="Chained TSA", intermediate=True)
    _note(vault_env, "first")
    with serve(chained.reply) as server:
        _stamp(vault_env, server.url, chained.root_pem)
    bundle = _export(vault_env, tmp_path / "chained.zip")
    done = run_cli(vault_env, "verify", str(bundle), "--tsa-root", str(chained.root_pem))
    assert done.code == 0, done.err
    assert "ok 14  every time stamp is an outside authority's" in done.out
    bag = extract(bundle, tmp_path / "out")
    pem = (bag / "data/timestamps/1.chain.pem").read_bytes()
    certs = x509.load_pem_x509_certificates(pem)
    assert sorted(c.subject.rfc4514_string() for c in certs) == [
        "CN=Chained TSA Intermediate,O=blockwatch tests",
        "CN=Chained TSA,O=blockwatch tests",
    ]
    assert pem == b"".join(c.public_bytes(Encoding.PEM) for c in certs)
    done = _run(STAMP_COMMANDS[0], bag)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Verification: OK") == 1


def test_verify_txt_without_time_stamps_has_no_such_step(vault_env: Env, tmp_path: Path) -> None:
    from .test_bundle import members, top

    _note(vault_env, "one")
    files = members(_export(vault_env, tmp_path / "b.zip"))
    assert "openssl ts -verify" not in files[f"{top(files)}/VERIFY.txt"].decode()


def _forge(env: Env, bundle: Path, edit, out: Path) -> Path:  # type: ignore[no-untyped-def]
    """What the key holder can do: change files, make the report that matches them, then
    re-hash and re-sign the bundle."""
    from unittest import mock

    from blockwatch.bundle import verify as verifying

    from .test_bundle import _resign, members, rezip, top

    files = members(bundle)
    root = top(files)
    edit(files, root)
    with vault.unlock(env, PASSPHRASE) as v:
        _resign(files, root, v._signer)
        rezip(files, out)
        made: list[bytes] = []

        def keep(self, result):  # type: ignore[no-untyped-def]
            made.append(self.expected_report(result))

        with (
            mock.patch.object(verifying._Verifier, "check_report", keep),
            contextlib.suppress(verifying.BundleInvalid),
        ):
            verifying.verify_bundle(out)
        files[f"{root}/data/report.html"] = made[0]
        _resign(files, root, v._signer)
    return rezip(files, out)


def _swap_tokens(files: dict[str, bytes], root: str) -> None:
    one, two = f"{root}/data/timestamps/1.tsr", f"{root}/data/timestamps/2.tsr"
    files[one], files[two] = files[two], files[one]


def _earlier_time(files: dict[str, bytes], root: str) -> None:
    """ledger.json and the report say the first time stamp is an hour older than it is."""
    from datetime import timedelta

    from blockwatch import when

    name = f"{root}/data/ledger.json"
    proofs = json.loads(files[name])
    row = proofs["timestamps"][0]
    real = when.parse_instant(row["gen_time"])
    row["gen_time"] = when.utc_stamp(real - timedelta(hours=1))
    files[name] = json.dumps(proofs).encode()


def _own_root(files: dict[str, bytes], root: str) -> None:
    """A key holder's own "authority": a token made by another CA and TSA she controls."""
    from rfc3161_client import TimestampRequestBuilder

    fake = Authority(Path(files["__where__"].decode()) / "fake", name="Test TSA")
    note = files[f"{root}/data/timestamps/1.checkpoint.txt"]
    files[f"{root}/data/timestamps/1.tsr"] = fake.reply(
        TimestampRequestBuilder().data(note).build().as_bytes()
    )
    files[f"{root}/data/timestamps/1.root.pem"] = fake.root_pem.read_bytes()
    files[f"{root}/data/timestamps/1.chain.pem"] = (fake.where / "tsa.pem").read_bytes()
    del files["__where__"]
    name = f"{root}/data/ledger.json"
    proofs = json.loads(files[name])
    made = timestamps.check(
        files[f"{root}/data/timestamps/1.tsr"], note, [fake.root]
    )  # the time her "authority" wrote
    proofs["timestamps"][0]["gen_time"] = timestamps.utc_text(made.gen_time)
    files[name] = json.dumps(proofs).encode()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_swap_tokens, "the time stamp does not verify: it vouches for other data"),
        (_earlier_time, "its time or authority is not what ledger.json says"),
    ],
    ids=["tokens swapped", "time edited"],
)
def test_a_key_holder_s_change_to_a_time_stamp_fails_check_14(  # type: ignore[no-untyped-def]
    vault_env: Env, stamped: Path, tmp_path: Path, authority: Authority, edit, message: str
) -> None:
    forged = _forge(vault_env, stamped, edit, tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged), "--tsa-root", str(authority.root_pem))
    assert done.code == 4 and "check 14 failed" in done.err and message in done.err


def test_a_key_holder_s_own_authority_is_named_not_trusted(
    vault_env: Env, stamped: Path, tmp_path: Path, authority: Authority
) -> None:
    def edit(files: dict[str, bytes], root: str) -> None:
        files["__where__"] = str(tmp_path).encode()
        _own_root(files, root)

    forged = _forge(vault_env, stamped, edit, tmp_path / "forged.zip")
    report = json.loads(
        run_cli(
            vault_env, "verify", str(forged), "--tsa-root", str(authority.root_pem), "--json"
        ).out
    )
    assert report["valid"] is True, report
    first = next(row for row in report["timestamps"] if row["file"].endswith("/1"))
    assert first["trusted"] is False and first["authority"] == "Test TSA"
    assert first["root_sha256"] != timestamps.fingerprint(timestamps.der(authority.root))


def test_a_key_holder_s_own_authority_passed_off_as_a_trusted_one_fails_check_14(
    vault_env: Env, stamped: Path, tmp_path: Path, authority: Authority
) -> None:
    """Her token, the trusted authority's root as the bundle's root, and in the chain file her
    own root beside the authority's public TSA certificate: accepted as the authority's (and
    trusted) until only a checked path reached the verifier."""

    def edit(files: dict[str, bytes], root: str) -> None:
        files["__where__"] = str(tmp_path).encode()
        _own_root(files, root)
        fake = files[f"{root}/data/timestamps/1.root.pem"]
        files[f"{root}/data/timestamps/1.root.pem"] = authority.root_pem.read_bytes()
        files[f"{root}/data/timestamps/1.chain.pem"] += (
            fake + (authority.where / "tsa.pem").read_bytes()
        )

    forged = _forge(vault_env, stamped, edit, tmp_path / "forged.zip")
    done = run_cli(vault_env, "verify", str(forged), "--tsa-root", str(authority.root_pem))
    assert done.code == 4, done.out
    assert "check 14 failed" in done.err
    assert (
        "the time stamp does not verify: its signature or certificate chain does not verify"
        in done.err
    )
    from .test_bundle import extract

    bag = extract(forged, tmp_path / "out")  # openssl, as VERIFY.txt says: her root is no anchor
    said = _run(STAMP_COMMANDS[0], bag).stdout.splitlines()
    assert said == ["Verification: FAILED", "Verification: OK"]  # hers, then the real second


def test_a_rewritten_history_fails_against_its_own_earlier_time_stamp(
    vault_env: Env, tsa: str, authority: Authority, tmp_path: Path
) -> None:
    """The journalist (or whoever holds the key) restores an older copy and writes another
    history: the time stamp received before still covers the old checkpoint, and a bundle that
    carries it cannot show that its ledger extends it."""
    _note(vault_env, "one")
    backup = tmp_path / "backup"
    shutil.copytree(vault_env.vault_dir, backup)
    _note(vault_env, "the true record")
    _stamp(vault_env, tsa, authority.root_pem)
    bundle = _export(vault_env, tmp_path / "true.zip")
    forked = make_env(backup)
    _note(forked, "an invented record", "and another")
    forged_bundle = _export(forked, tmp_path / "forked.zip")

    def graft(files: dict[str, bytes], root: str) -> None:
        """Carry the true vault's time stamp into the forked bundle."""
        from .test_bundle import members, top

        true = members(bundle)
        true_root = top(true)
        for name, data in true.items():
            if "/data/timestamps/" in name:
                files[name.replace(true_root, root, 1)] = data
        proofs = json.loads(files[f"{root}/data/ledger.json"])
        proofs["timestamps"] = json.loads(true[f"{true_root}/data/ledger.json"])["timestamps"]
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()

    grafted = _forge(forked, forged_bundle, graft, tmp_path / "grafted.zip")
    done = run_cli(forked, "verify", str(grafted), "--tsa-root", str(authority.root_pem))
    assert done.code == 4 and "check 14 failed" in done.err
    assert "not one this ledger extends" in done.err


# --------------------------------------------------------------------------- the clock


def test_a_clock_ahead_of_the_authority_is_flagged_everywhere(
    tmp_path: Path, tsa: str, authority: Authority, _template_vault: Path
) -> None:
    """The journalist's computer says 2030: the authority says today.  Entries the stamp covers
    are flagged (not refused) in check, verify and the report."""
    shutil.copytree(_template_vault, tmp_path / "vault")
    env = make_env(tmp_path / "vault")
    env.now = lambda: datetime(2030, 1, 1, tzinfo=UTC)  # type: ignore[method-assign]
    _note(env, "from the future")
    done = run_cli(env, "timestamp", "--tsa", tsa, "--tsa-root", str(authority.root_pem))
    assert done.code == 0 and "minutes ahead of Test TSA's" in done.err
    done = run_cli(env, "check")
    assert done.code == 0
    assert "entry recorded later than an authority vouched for it" in done.out
    assert "1 received while the computer's clock was more than 10 minutes off" in done.out
    bundle = _export(env, tmp_path / "b.zip")
    done = run_cli(env, "verify", str(bundle), "--tsa-root", str(authority.root_pem))
    assert done.code == 0 and "incidents #1 were recorded later than a time stamp" in done.out
    from .test_bundle import members, top

    files = members(bundle)
    assert (
        "clock ran ahead before entries about incidents #1"
        in files[f"{top(files)}/data/report.html"].decode()
    )


def test_log_reminds_when_the_oldest_unstamped_entry_is_a_week_old(
    tmp_path: Path, _template_vault: Path, tsa: str, authority: Authority
) -> None:
    shutil.copytree(_template_vault, tmp_path / "vault")
    env = make_env(tmp_path / "vault", BLOCKWATCH_BACKUP_REMIND="0")  # this test's reminder only
    done = run_cli(env, "log", "note", "--text", "today")
    assert "Reminder" not in done.err  # the vault is new
    env.now = lambda: datetime(2026, 7, 13, tzinfo=UTC)  # type: ignore[method-assign]
    done = run_cli(env, "log", "note", "--text", "a week later")
    assert done.code == 0
    assert "Reminder: entries of the last 7 days have no outside time stamp yet" in done.err
    quiet = make_env(
        tmp_path / "vault", BLOCKWATCH_TIMESTAMP_REMIND="0", BLOCKWATCH_BACKUP_REMIND="0"
    )
    quiet.now = env.now  # type: ignore[method-assign]
    assert "Reminder" not in run_cli(quiet, "log", "note", "--text", "x").err
    _stamp(env, tsa, authority.root_pem)
    assert "Reminder" not in run_cli(env, "log", "note", "--text", "after").err


def test_check_8_fails_on_a_time_stamp_that_does_not_verify(
    vault_env: Env, tsa: str, authority: Authority
) -> None:
    """A checkpoint.timestamped entry whose token is over another checkpoint (written with the
    vault's key, as only a bug or the key holder could)."""
    _note(vault_env, "one")
    _stamp(vault_env, tsa, authority.root_pem)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(_seq, _at, body)] = list(v.entries_of_type("checkpoint.timestamped"))
        _note(vault_env, "two")
        note = v.latest_checkpoint()
        with v._write():
            v._append("checkpoint.timestamped", {**body, "checkpoint": note})
    done = run_cli(vault_env, "check")
    assert done.code == 4
    assert "check 8 failed: the time stamp in entry" in done.err


# --------------------------------------------------------------------------- found by fuzzing


def test_a_certificate_with_a_broken_name_is_a_refusal_not_a_panic(
    authority: Authority, tsa: str
) -> None:
    """Found by tests/reliability/test_fuzz.py: a chain certificate whose name is not valid
    UTF-8 made the library's Rust code panic (PanicException, a BaseException), and a name
    with a wrong ASN.1 tag raised ValueError when read; both are now a StampError."""
    from cryptography.hazmat.primitives.serialization import Encoding

    stamp = timestamps.request(tsa, b"a checkpoint", [authority.root])
    der = authority.tsa.public_bytes(Encoding.DER)
    assert der.count(b"Test TSA") == 2  # the issuer's name (…Root) and the subject's
    broken = der.replace(b"\x0c\x08Test TSA", b"\x0c\x08\xff\xfe\xfd\xfc TSA")  # the subject
    with pytest.raises(timestamps.StampError, match=r"malformed|cannot be read|claim to have"):
        timestamps.check(stamp.token, b"a checkpoint", [authority.root], chain=[broken])
    root = authority.root.public_bytes(Encoding.DER)  # a certificate the path may pass through
    broken = root.replace(b"\x0c\rTest TSA Root", b"\x0c\r\xff\xfe\xfd\xfc TSA Root", 1)
    assert broken != root
    with pytest.raises(timestamps.StampError, match=r"malformed|cannot be read|does not verify"):
        timestamps.check(stamp.token, b"a checkpoint", [authority.root], chain=[broken])
    retagged = stamp.token.replace(b"\x0c\x08Test TSA", b"\x0d\x08Test TSA", 1)
    assert retagged != stamp.token
    with pytest.raises(timestamps.StampError):
        timestamps.check(retagged, b"a checkpoint", [authority.root])


# --------------------------------------------------------------------------- caps


def test_a_root_file_over_its_cap_is_refused_in_one_line(vault_env: Env, tmp_path: Path) -> None:
    big = tmp_path / "root.pem"
    big.write_bytes(b"x" * (timestamps.MAX_ROOT_FILE_BYTES + 1))
    done = run_cli(vault_env, "timestamp", "--tsa-root", str(big))
    assert done.code == 1 and "holds no PEM certificate" in done.err


def test_a_token_with_more_certificates_than_the_cap_is_refused(
    authority: Authority, tsa: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = timestamps.request(tsa, b"a checkpoint", [authority.root])
    monkeypatch.setattr(timestamps, "MAX_CERTIFICATES", 1)  # at the cap: the token's one
    timestamps.check(stamp.token, b"a checkpoint", [authority.root])
    with pytest.raises(timestamps.StampError) as over:  # one over
        timestamps.check(stamp.token, b"a checkpoint", [authority.root], chain=stamp.chain)
    assert str(over.value) == "the token carries too many certificates"


def test_a_bundle_with_more_time_stamps_than_the_cap_fails_check_10(
    vault_env: Env, stamped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blockwatch.bundle import layout

    monkeypatch.setattr(layout, "MAX_TIMESTAMPS", 2)  # at the cap: the bundle's two
    from blockwatch.bundle.verify import BundleInvalid, verify_bundle

    verify_bundle(stamped)
    monkeypatch.setattr(layout, "MAX_TIMESTAMPS", 1)
    with pytest.raises(BundleInvalid, match="the list of time stamps is malformed") as failed:
        verify_bundle(stamped)
    assert failed.value.check == 10
