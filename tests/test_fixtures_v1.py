"""Committed format-1 files (tests/fixtures/v1, made once by its make.py) still open and verify.

Round-trip tests cannot see a writer and a verifier that change together; these bytes were
written by blockwatch 0.1 and do not change with the code.  If one of these tests fails, the
code broke format 1 — do not regenerate the fixtures.  (The writer now writes format 2; until
it did, a test here also checked that it still wrote these bytes.)
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blockwatch import logbook, vault
from blockwatch.bundle.verify import BundleInvalid, verify_bundle
from blockwatch.env import Env
from blockwatch.vault.check import check

from .conftest import NOW, run_cli

V1 = Path(__file__).parent / "fixtures" / "v1"
EXPECTED = json.loads((V1 / "expected.json").read_text())
AT = datetime(2026, 7, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def v1_env(tmp_path: Path) -> Env:
    target = tmp_path / "vault"
    shutil.copytree(V1 / "vault", target)
    return Env(
        vault_dir=target,
        environ={"BLOCKWATCH_PASSPHRASE": EXPECTED["passphrase"]},
        now=lambda: NOW,
    )


def test_the_v1_vault_opens_passes_check_and_shows_the_same_incidents(v1_env: Env) -> None:
    with vault.unlock(v1_env, EXPECTED["passphrase"]) as v:
        assert v.fingerprint == EXPECTED["fingerprint"]
        assert len(check(v)) == 8  # raises VaultCorrupt naming the first check that fails
        assert v.incidents() == json.loads((V1 / "incidents.json").read_text(encoding="utf-8"))


def test_the_v1_vault_takes_new_entries(v1_env: Env) -> None:
    with vault.unlock(v1_env, EXPECTED["passphrase"]) as v:
        before = len(v.incidents())
        assert check(v)[6].endswith(
            "(not begun: the vault has not written since it was made by an older blockwatch)"
        )
        logbook.log(v, "note", logbook.Typed(details={"text": "written by a newer blockwatch"}))
        assert len(v.incidents()) == before + 1
        # its first write built the map of heads of every incident, and migrated the schema
        assert check(v)[6].endswith(f"({before + 1} incidents)")
        assert v.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "2",
        )


def test_an_export_from_an_untouched_v1_vault_proves_its_heads(v1_env: Env, tmp_path: Path) -> None:
    """Nothing was written since the upgrade: the export first records the upgrade (the only
    way to get a checkpoint that signs the map of heads), then bundles every check's "ok"."""
    from blockwatch.bundle.writer import ExportOptions, export_bundle

    with vault.unlock(v1_env, EXPECTED["passphrase"]) as v:
        size = v.tree_size()
        export_bundle(v, tmp_path / "b.zip", ExportOptions(at_time=NOW))
        types = [row[1] for row in v.entries()][size:]
        assert types == ["vault.upgraded", "bundle.exported"]
        assert len(check(v)) == 8
    verified = verify_bundle(tmp_path / "b.zip", EXPECTED["fingerprint"])
    assert len(verified.passed) == 12 and set(verified.not_compared) == {13, 14}  # no witness


def test_the_v1_vault_refuses_the_wrong_passphrase(v1_env: Env) -> None:
    v1_env.environ = {"BLOCKWATCH_PASSPHRASE": "not the fixture passphrase"}
    assert run_cli(v1_env, "list").code == 3


@pytest.mark.parametrize(("name", "count"), [("good-full.zip", 8), ("good-calls-only.zip", 4)])
def test_good_v1_bundles_verify_with_the_pinned_fingerprint(name: str, count: int) -> None:
    verified = verify_bundle(V1 / "bundles" / name, EXPECTED["fingerprint"])
    assert verified.fingerprint == EXPECTED["fingerprint"]
    assert len(verified.incidents) == count
    # checks 10 and 11 hold for format 1 too; its histories cannot be shown complete (no map
    # of heads) and its report cannot be made again: both said, neither "ok"
    assert len(verified.passed) == 10
    assert verified.not_compared == {
        9: "not shown: format 1 bundles carry no map of heads, so a change made after the last "
        "included one would not show",
        12: "not compared: format 1 bundles do not record how their report was made",
        13: "no --witness checkpoint given: nothing shows that the ledger was not rewritten "
        "before this export",
        14: "no time stamp in the bundle: the recorded times rest on the signer's clock",
    }


@pytest.mark.parametrize("name", sorted(EXPECTED["tampered"]))
def test_tampered_v1_bundles_fail_at_the_check_named_for_them(name: str) -> None:
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(V1 / "bundles" / name, EXPECTED["fingerprint"])
    assert info.value.check == EXPECTED["tampered"][name]


def test_the_command_line_agrees_on_every_v1_bundle(tmp_path: Path) -> None:
    env = Env(vault_dir=tmp_path / "no-vault", now=lambda: NOW)
    fingerprint = ["--fingerprint", EXPECTED["fingerprint"]]
    for name in ("good-full.zip", "good-calls-only.zip"):
        done = run_cli(env, "verify", str(V1 / "bundles" / name), *fingerprint)
        assert done.code == 0 and "ok 11  incidents.csv" in done.out
        assert "-- 12  report.html is what this version makes" in done.out
        assert "ok 12" not in done.out and "Check 12 was not done" in done.out
        assert "-- 9  no entry is missing" in done.out and "ok 9" not in done.out
        assert "Check 9 was done in part" in done.out
    for name, number in EXPECTED["tampered"].items():
        done = run_cli(env, "verify", str(V1 / "bundles" / name), *fingerprint)
        assert done.code == 4 and f"check {number} failed" in done.err, (name, done.err)


def test_a_v1_vault_keeps_uuid5_uids_for_imports(v1_env: Env, tmp_path: Path) -> None:
    """Made before vaults had a uid key: its imported records keep the UUIDv5 uids they would
    always have had, so that a file imported before and again after is found present."""
    from blockwatch import importing

    from .test_import import call, calls_xml, write

    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(2)]))
    with vault.unlock(v1_env, EXPECTED["passphrase"]) as v:
        assert v.settings.uid_key is None
        first = importing.import_file(v, calls, importing.Options(timezone="Asia/Almaty"))
        again = importing.import_file(v, calls, importing.Options(timezone="Asia/Almaty"))
        uids = {i["uid"] for i in v.incidents() if i["source"] == "import:android-calls"}
    assert (first.added, again.added, again.present) == (2, 0, 2)
    assert all(uid[14] == "5" for uid in uids) and len(uids) == 2
