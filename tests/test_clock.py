"""Clock sanity (issue 13, item 3): an entry recorded at an earlier time than the entry before
it — the computer's clock set back — is flagged by ``check``, ``verify`` and the report, never
refused (the record is still the journalist's)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from blockwatch import logbook, vault
from blockwatch.bundle.verify import verify_bundle
from blockwatch.bundle.writer import ExportOptions, export_bundle
from blockwatch.env import Env
from blockwatch.vault.check import check

from .conftest import NOW, PASSPHRASE, run_cli
from .test_bundle import members, top


def _note(v: vault.Vault, text: str) -> int:
    return int(logbook.log(v, "note", logbook.Typed(details={"text": text}))["id"])


def test_a_clock_set_back_is_flagged_by_check_verify_and_the_report(
    vault_env: Env, tmp_path: Path
) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        first = _note(v, "at the right time")
        assert "recorded earlier" not in check(v)[1]
        v.env.now = lambda: NOW - timedelta(hours=3)  # someone set the clock back
        back = _note(v, "three hours in the past")
        v.env.now = lambda: NOW + timedelta(minutes=5)
        _note(v, "the clock is right again")
        assert check(v)[1].endswith(
            "; 1 recorded earlier than the entry before it: the computer's clock was set back)"
        )
        out = tmp_path / "b.zip"
        export_bundle(v, out, ExportOptions(at_time=NOW + timedelta(hours=1), lang="ru"))
    verified = verify_bundle(out)
    assert verified.clock_set_back == [back] and first != back
    report = members(out)[f"{top(members(out))}/data/report.html"].decode()
    assert f"Перед записями об инцидентах #{back} часы компьютера отправителя" in report
    done = run_cli(vault_env, "verify", str(out))
    assert done.code == 0
    assert f"the signer's clock was set back before entries about incidents #{back}" in done.out


def test_a_steady_clock_flags_nothing(vault_env: Env, tmp_path: Path) -> None:
    with vault.unlock(vault_env, PASSPHRASE) as v:
        _note(v, "one")
        _note(v, "two")  # the same instant: not earlier
        out = tmp_path / "b.zip"
        export_bundle(v, out, ExportOptions(at_time=NOW))
        assert "recorded earlier" not in check(v)[1]
    assert verify_bundle(out).clock_set_back == []
    assert (
        "clock was set back" not in members(out)[f"{top(members(out))}/data/report.html"].decode()
    )
