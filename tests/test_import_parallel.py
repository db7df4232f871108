"""A large import is read by child processes; it must give exactly the inline import's bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blockwatch import importing, vault
from blockwatch.env import Env
from blockwatch.errors import InputError
from blockwatch.importers import Options
from blockwatch.vault.check import check

from .conftest import PASSPHRASE, make_env, run_cli, snapshot
from .test_import import EPOCH_MS, call, calls_xml, telegram_chat, write


def _files(tmp_path: Path) -> list[Path]:
    numbers = ["+12025550143", "+447700900123", "", "87011234567", "-2", "+33639980011"]
    calls = [
        call(n, number=numbers[n % len(numbers)], type="1235"[n % 4], duration=str(n % 7))
        for n in range(3000)
    ]
    sms = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count='2'>\n"
        f'  <sms address="+447700900123" date="{EPOCH_MS}" type="1" body="Verify now &#55357;&#56384;" read="0" />\n'
        f'  <sms address="Kaspi.kz" date="{EPOCH_MS + 1000}" type="1" body="Код 1234" read="1" />\n'
        "</smses>\n"
    )
    csv = "When;Phone;Kind\n04.07.2026 21:10;+33639980011;missed\n04.07.2026 21:11;+33639980012;incoming\n"
    return [
        write(tmp_path, "calls.xml", calls_xml(calls)),
        write(tmp_path, "sms.xml", sms),
        write(tmp_path, "result.json", json.dumps(telegram_chat())),
        write(tmp_path, "calls.csv", csv),
    ]


def _import_all(env: Env, files: list[Path], parallel: bool) -> None:
    options = Options(
        timezone="Asia/Almaty", column_map={"date": "When", "number": "Phone", "type": "Kind"}
    )
    with vault.unlock(env, PASSPHRASE) as v:
        for path in files:
            importing.import_file(v, path, options, parallel=parallel)
        check(v)


def _tables(env: Env) -> tuple[list[tuple], list[tuple]]:
    """Every entry but its salt (fresh in each vault), and the incidents' rows."""
    with vault.unlock(env, PASSPHRASE) as v:
        entries = v.conn.execute("SELECT seq, type, recorded_at, entry FROM entries").fetchall()
        rows = v.conn.execute("SELECT * FROM incidents ORDER BY id").fetchall()
    salts = [json.loads(entry).pop("salt", None) for *_, entry in entries]
    assert len(set(salts[1:])) == len(salts) - 1  # every entry after the first has its own
    unsalted = [
        (*row[:3], row[3].replace(f',"salt":"{salt}"'.encode(), b""))
        for row, salt in zip(entries, salts, strict=True)
    ]
    return unsalted, rows


def test_child_processes_write_the_same_bytes_as_inline(vault_env: Env, tmp_path: Path) -> None:
    files = _files(tmp_path)
    inline_env = make_env(tmp_path / "inline")
    shutil.copytree(vault_env.vault_dir, inline_env.vault_dir)
    _import_all(vault_env, files, parallel=True)
    _import_all(inline_env, files, parallel=False)
    parallel_entries, parallel_rows = _tables(vault_env)
    inline_entries, inline_rows = _tables(inline_env)
    assert len(parallel_entries) > 3000
    assert parallel_entries == inline_entries
    assert parallel_rows == inline_rows
    # and a second import of the same files adds nothing either way
    with vault.unlock(vault_env, PASSPHRASE) as v:
        again = importing.import_file(v, files[0], Options(timezone="Asia/Almaty"), parallel=True)
    assert (again.added, again.present) == (0, 3000)


def test_an_error_in_a_child_process_is_the_same_one_line_and_changes_nothing(
    vault_env: Env, tmp_path: Path
) -> None:
    good = calls_xml([call(n) for n in range(2000)])
    bad = write(
        tmp_path,
        "calls.xml",
        good.replace(f'date="{EPOCH_MS + 1500 * 60_000}"'.encode(), b'date="soon"'),
    )
    messages = []
    for parallel in (True, False):
        before = snapshot(vault_env.vault_dir)
        with vault.unlock(vault_env, PASSPHRASE) as v, pytest.raises(InputError) as caught:
            importing.import_file(v, bad, Options(timezone="Asia/Almaty"), parallel=parallel)
        assert snapshot(vault_env.vault_dir) == before
        messages.append((caught.value.status, caught.value.message, caught.value.hint))
    assert messages[0] == messages[1]
    assert "<call> element 1501" in messages[0][1] and "epoch milliseconds" in messages[0][1]


def test_the_command_uses_child_processes_for_a_large_file(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 1)
    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(10)]))
    truncated = write(tmp_path, "cut.xml", calls_xml([call(n) for n in range(10)])[:-30])
    assert run_cli(vault_env, "import", str(calls)).code == 0
    done = run_cli(vault_env, "--lang", "ru", "import", str(truncated))
    assert done.code == 1 and "cut.xml" in done.err and "Traceback" not in done.err
    assert len(done.err.strip().splitlines()) <= 2
    listed = json.loads(run_cli(vault_env, "list", "--json").out)
    assert len(listed) == 10 and run_cli(vault_env, "check").code == 0


@given(st.sampled_from(list(importing.FORMATS)), st.text())
def test_record_uid_is_uuid5(fmt: str, key: str) -> None:
    import uuid

    try:
        expected = str(uuid.uuid5(importing.NAMESPACE, f"{fmt}|{key}"))
    except UnicodeEncodeError:  # a lone surrogate: both refuse
        with pytest.raises(UnicodeEncodeError):
            importing.record_uid(fmt, key)
        return
    assert importing.record_uid(fmt, key) == expected


@given(st.sampled_from(list(importing.FORMATS)), st.text(), st.binary(min_size=32, max_size=32))
def test_a_vaults_record_uid_is_its_own_hmac(fmt: str, key: str, secret: bytes) -> None:
    import hashlib
    import hmac
    import uuid

    keyed = hmac.new(secret, None, "sha256")
    try:
        data = f"{fmt}|{key}".encode()
    except UnicodeEncodeError:  # a lone surrogate: refused alike
        with pytest.raises(UnicodeEncodeError):
            importing.record_uid(fmt, key, keyed)
        return
    value = int.from_bytes(hmac.new(secret, data, hashlib.sha256).digest()[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8 (RFC 9562)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # the RFC 4122 variant
    uid = importing.record_uid(fmt, key, keyed)
    assert uid == str(uuid.UUID(int=value)) and uid[14] == "8"
    assert uid != importing.record_uid(fmt, key)  # never the public UUIDv5


def test_the_same_file_gets_other_uids_in_another_vault(vault_env: Env, tmp_path: Path) -> None:
    """A record's uid is no function of its contents that anyone without the vault can
    compute (issue 12); within one vault it stays the same, so imports stay idempotent."""
    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(3)]))
    other = make_env(tmp_path / "other")
    vault.create(other, PASSPHRASE, home_region="KZ", timezone="Asia/Almaty")[0].close()
    uids = []
    for env in (vault_env, other):
        assert run_cli(env, "import", str(calls)).code == 0
        again = json.loads(run_cli(env, "import", "--json", str(calls)).out)
        assert (again[0]["added"], again[0]["already_present"]) == (0, 3)
        uids.append({v["uid"] for v in json.loads(run_cli(env, "list", "--json").out)})
    assert not uids[0] & uids[1]
    assert all(uid[14] == "8" for uid in uids[0] | uids[1])
