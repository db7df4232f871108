"""Bugs that the first mutation run (issue 20) injected and the suite did not catch.

Each test is named after the bug it catches and was checked against that bug applied by hand
(``bench/mutants.py`` applies them again: every one must fail its test).  They run fast: the
library directly, a real vault copied from the template, real cryptography.
"""

from __future__ import annotations

import base64
import json
import os
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from blockwatch import deadlines, ledger, logbook, phones, vault, when
from blockwatch.bundle.verify import BundleInvalid, verify_bundle
from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.importers import Options
from blockwatch.importers.android import parse_calls, parse_sms
from blockwatch.importers.base import Draft, ImportFailed
from blockwatch.importers.csvcalls import parse as parse_csv
from blockwatch.importers.telegram import parse as parse_telegram
from blockwatch.importers.whatsapp import parse as parse_whatsapp
from blockwatch.vault import keyslots
from blockwatch.vault.check import check

from .conftest import PASSPHRASE
from .test_bundle import _resign, _sign_tags, export, members, rezip, top
from .test_import import EPOCH_MS, call, calls_xml
from .test_vault import _tamper, log_note

# --------------------------------------------------------------------------- vault check


def _leaves(v: vault.Vault) -> list[bytes]:
    return [leaf for *_rest, leaf in v.entries()]


def test_check_4_compares_each_checkpoint_root_not_only_its_size(opened: vault.Vault) -> None:
    """An entry edited by the key holder, with its leaf, projection and tree state recomputed:
    only the signed roots of the checkpoints still disagree."""
    log_note(opened, "first note")
    log_note(opened, "second note")
    seq, _type, _at, stored, _leaf = list(opened.entries())[1]
    edited = stored.replace(b"first note", b"FIRST NOTE")
    compact = ledger.CompactRange()
    for leaf in [*_leaves(opened)[:1], ledger.leaf_hash(edited), *_leaves(opened)[2:]]:
        compact.append(leaf)
    _tamper(
        opened,
        f"UPDATE entries SET entry = x'{edited.hex()}', leaf = x'{ledger.leaf_hash(edited).hex()}'"
        f" WHERE seq = {seq}",
        "UPDATE meta SET value = '"
        + json.dumps([h.hex() for h in compact.hashes])
        + "' WHERE key = 'tree_range'",
    )
    with pytest.raises(VaultCorrupt, match="check 4 failed: checkpoint at size 2 does not match"):
        check(opened)


def test_check_3_catches_a_signing_key_swapped_with_every_checkpoint_re_signed(
    opened: vault.Vault,
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    log_note(opened, "a note")
    impostor = Ed25519PrivateKey.generate()
    notes = [
        (size, ledger.open_checkpoint(note, opened.settings.origin, opened.public_key))
        for size, note in opened.checkpoints()
    ]
    raw = impostor.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    _tamper(
        opened,
        "DELETE FROM checkpoints",
        f"UPDATE meta SET value = '{base64.b64encode(raw).decode()}' WHERE key = 'signing_key'",
    )
    for size, checkpoint in notes:
        opened.conn.execute(
            "INSERT INTO checkpoints VALUES (?, ?)",
            (size, ledger.sign_checkpoint(checkpoint, impostor)),
        )
    env = opened.env
    opened.close()
    with (
        vault.unlock(env, PASSPHRASE) as swapped,
        pytest.raises(VaultCorrupt, match="check 3 failed: the vault's signing key is not"),
    ):
        check(swapped)


def test_check_6_names_an_attachment_whose_stored_file_is_gone(
    opened: vault.Vault, tmp_path: Path
) -> None:
    shot = tmp_path / "notice.png"
    shot.write_bytes(b"synthetic screenshot")
    log_note(opened, "with a file", attach=[shot])
    _tamper(opened, "DELETE FROM chunks", "DELETE FROM blobs")
    with pytest.raises(VaultCorrupt, match=r"check 6 failed: attachment [0-9a-f]{64} named in"):
        check(opened)


def test_check_1_catches_a_page_that_fails_its_hmac(vault_env) -> None:  # type: ignore[no-untyped-def]
    with vault.unlock(vault_env, PASSPHRASE) as v:
        for n in range(40):
            log_note(v, f"note {n} " + "x" * 2000)
    db = vault_env.vault_dir / "vault.db"
    data = bytearray(db.read_bytes())
    data[3 * 16384 + 100] ^= 0xFF  # a byte inside the fourth page
    db.write_bytes(bytes(data))
    failed = r"check 1 failed: 1 database page.* HMAC.*page 4"
    with vault.unlock(vault_env, PASSPHRASE) as v, pytest.raises(VaultCorrupt, match=failed):
        check(v)


@pytest.mark.parametrize("table", ["blobs", "chunks", "entries", "checkpoints"])
@pytest.mark.parametrize("action", ["UPDATE {t} SET rowid = rowid", "DELETE FROM {t}"])
def test_the_ledger_and_attachment_tables_refuse_changes(
    opened: vault.Vault, tmp_path: Path, table: str, action: str
) -> None:
    shot = tmp_path / "notice.png"
    shot.write_bytes(b"synthetic screenshot")
    log_note(opened, "with a file", attach=[shot])
    import sqlcipher3

    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        opened.conn.execute(action.format(t=table))


def test_until_includes_the_moment_it_names(opened: vault.Vault) -> None:
    log_note(opened, "at 21:05", at="2026-07-04 21:05")
    where = logbook.selection(opened, until="2026-07-04 21:05")
    assert [v["details"]["text"] for v in opened.incidents(where)] == ["at 21:05"]
    where = logbook.selection(opened, since="2026-07-04 21:05")
    assert len(opened.incidents(where)) == 1


# --------------------------------------------------------------------------- bundle verify


@pytest.fixture
def bundle(opened: vault.Vault, tmp_path: Path) -> Path:
    from .scenario import fill

    return export(fill(opened, tmp_path), tmp_path / "good.zip")


def _forged(v: vault.Vault, bundle: Path, member: str, edit) -> BundleInvalid:  # type: ignore[no-untyped-def]
    """The key holder edits a JSON member of ``bundle``, re-hashes and re-signs: the error."""
    files = members(bundle)
    root = top(files)
    name = f"{root}/data/{member}"
    files[name] = json.dumps(edit(json.loads(files[name]))).encode()
    _resign(files, root, v._signer)
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, bundle.with_name("forged.zip")))
    return info.value


def test_verify_refuses_a_forged_second_copy_of_an_incident(
    opened: vault.Vault, bundle: Path
) -> None:
    error = _forged(opened, bundle, "incidents.json", lambda views: [*views, views[1]])
    assert error.check == 8


def test_verify_refuses_a_ledger_re_signed_by_another_key_even_unpinned(
    opened: vault.Vault, bundle: Path, tmp_path: Path
) -> None:
    """Checkpoint and tag manifest both re-signed by a stranger: the proofs still hold, but the
    ledger's first entry names the vault's own key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    impostor = Ed25519PrivateKey.generate()
    files = members(bundle)
    root = top(files)
    proofs = json.loads(files[f"{root}/data/ledger.json"])
    checkpoint = ledger.open_checkpoint(proofs["checkpoint"], proofs["origin"], opened.public_key)
    note = ledger.sign_checkpoint(checkpoint, impostor)
    proofs["checkpoint"] = note
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    files[f"{root}/checkpoint.txt"] = note.encode()
    _resign(files, root, impostor)
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == 7 and "another key or origin" in info.value.message


def test_verify_refuses_a_repeated_ledger_entry(opened: vault.Vault, bundle: Path) -> None:
    def repeat(proofs: dict) -> dict:  # type: ignore[type-arg]
        proofs["entries"].insert(2, proofs["entries"][1])
        return proofs

    error = _forged(opened, bundle, "ledger.json", repeat)
    assert error.check == 7 and "increasing order" in error.message


def test_a_pinned_fingerprint_must_match_whole_not_as_a_prefix(
    opened: vault.Vault, bundle: Path
) -> None:
    real = opened.fingerprint
    assert verify_bundle(bundle, real.upper()).fingerprint == real  # as people may type it
    flip = {c: d for c, d in zip("0123456789abcdef", "123456789abcdef0", strict=True)}
    for pinned in (real[:-1] + flip[real[-1]], flip[real[0]] + real[1:]):
        with pytest.raises(BundleInvalid) as info:
            verify_bundle(bundle, pinned)
        assert info.value.check == 6
    for short in (real[:16], real + "00", real[1:]):
        with pytest.raises(InputError, match="64 hexadecimal"):
            verify_bundle(bundle, short)


def test_payload_oxum_must_count_the_payload(
    opened: vault.Vault, bundle: Path, tmp_path: Path
) -> None:
    files = members(bundle)
    root = top(files)
    info_name = f"{root}/bag-info.txt"
    _resign(files, root, opened._signer)  # a correct Oxum, re-signed: still verifies
    verify_bundle(rezip(files, tmp_path / "same.zip"))
    lines = files[info_name].decode().splitlines()
    wrong = [
        f"Payload-Oxum: {int(line.split()[1].split('.')[0]) + 1}.{line.split('.')[1]}"
        if line.startswith("Payload-Oxum")
        else line
        for line in lines
    ]
    files[info_name] = ("\n".join(wrong) + "\n").encode()
    _sign_tags(files, root, opened._signer)  # the payload manifest as it was: only Oxum lies
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "oxum.zip"))
    assert info.value.check == 2 and "Payload-Oxum" in info.value.message


def test_bundle_files_are_0600_whatever_the_umask(opened: vault.Vault, tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("file modes are a POSIX promise")
    os.umask(0o022)  # the conftest restores it
    log_note(opened, "something to export")
    out = export(opened, tmp_path / "m.zip")
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)
    with zipfile.ZipFile(out) as zf:
        assert {oct((i.external_attr >> 16) & 0o777) for i in zf.infolist()} == {oct(0o644)}


# --------------------------------------------------------------------------- ledger and notes


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**20])
def test_integers_beyond_2_53_are_refused_as_rfc_8785_requires(value: int) -> None:
    with pytest.raises(Exception, match=r"(?i)integer|domain|range"):
        ledger.canonical_json({"n": value})
    assert ledger.canonical_json({"n": 2**53 - 1}) == b'{"n":9007199254740991}'


def test_a_checkpoint_for_another_origin_is_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    note = ledger.sign_checkpoint(ledger.Checkpoint("blockwatch/aaa", 3, bytes(32)), key)
    assert ledger.open_checkpoint(note, "blockwatch/aaa", public).size == 3
    with pytest.raises(ledger.ProofError):
        ledger.open_checkpoint(note, "blockwatch/bbb", public)
    # Signed by the right key under the right name, but the note itself names another log.
    body = f"blockwatch/bbb\n3\n{base64.b64encode(bytes(32)).decode()}\n"
    sig = ledger.key_id("blockwatch/aaa", public) + key.sign(body.encode())
    other = f"{body}\n\u2014 blockwatch/aaa {base64.b64encode(sig).decode()}\n"
    with pytest.raises(ledger.ProofError, match="origin does not match"):
        ledger.open_checkpoint(other, "blockwatch/aaa", public)


def test_the_tree_size_cap_is_the_last_size_accepted() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    at = ledger.sign_checkpoint(ledger.Checkpoint("o", 2**40, bytes(32)), key)
    assert ledger.open_checkpoint(at, "o", public).size == 2**40
    over = ledger.sign_checkpoint(ledger.Checkpoint("o", 2**40 + 1, bytes(32)), key)
    with pytest.raises(ledger.ProofError, match="implausibly large"):
        ledger.open_checkpoint(over, "o", public)


# --------------------------------------------------------------------------- key slots: caps


def test_a_passphrase_of_8_characters_is_the_shortest_accepted() -> None:
    assert keyslots.check_new_passphrase("abcdefgh") == "abcdefgh"
    with pytest.raises(InputError, match="shorter than 8"):
        keyslots.check_new_passphrase("abcdefg")


def _slots(vault_env) -> Path:  # type: ignore[no-untyped-def]
    return vault_env.vault_dir / "keyslots.json"


def test_the_key_slot_file_cap_is_64_kib(vault_env) -> None:  # type: ignore[no-untyped-def]
    path = _slots(vault_env)
    doc = json.loads(path.read_text())
    text = json.dumps(doc)
    path.write_text(text + " " * (keyslots.MAX_FILE_BYTES - len(text)))
    assert keyslots.load(path)["vault_id"] == doc["vault_id"]  # exactly at the cap
    path.write_text(text + " " * (keyslots.MAX_FILE_BYTES - len(text) + 1))
    with pytest.raises(VaultCorrupt):
        keyslots.load(path)


@pytest.mark.parametrize(("length", "ok"), [(15, False), (16, True), (64, True), (65, False)])
def test_salt_lengths_outside_16_to_64_bytes_are_refused(vault_env, length: int, ok: bool) -> None:  # type: ignore[no-untyped-def]
    path = _slots(vault_env)
    doc = json.loads(path.read_text())
    doc["slots"][0]["kdf"]["salt"] = base64.b64encode(bytes(length)).decode()
    doc["slots"][0]["check"] = keyslots._checksum(doc["vault_id"], doc["slots"][0])
    path.write_text(json.dumps(doc))
    if ok:
        keyslots.load(path)
    else:
        with pytest.raises(VaultCorrupt, match="salt length"):
            keyslots.load(path)


@pytest.mark.parametrize("name", ["memory_kib", "iterations", "lanes"])
def test_kdf_parameters_at_the_rfc_9106_floor_are_accepted_and_below_refused(
    vault_env,
    name: str,  # type: ignore[no-untyped-def]
) -> None:
    path = _slots(vault_env)
    doc = json.loads(path.read_text())
    floor = getattr(keyslots.KDF_FLOOR, name)
    doc["slots"][0]["kdf"][name] = floor
    path.write_text(json.dumps(doc))
    keyslots.load(path)
    doc["slots"][0]["kdf"][name] = floor - 1
    path.write_text(json.dumps(doc))
    with pytest.raises(VaultCorrupt, match=name):
        keyslots.load(path)


# --------------------------------------------------------------------------- importers


def _drafts(parse, path: Path, **options: object) -> list[Draft]:  # type: ignore[no-untyped-def]
    return [d for d in parse(path, Options(**options)) if isinstance(d, Draft)]


def test_sms_dedup_key_holds_the_date_so_a_repeated_text_is_two_records(tmp_path: Path) -> None:
    same = 'address="+447700900123" type="1" body="Verify now" read="0"'
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="2">\n'
        f'<sms date="{EPOCH_MS}" {same} />\n<sms date="{EPOCH_MS + 60_000}" {same} />\n</smses>\n'
    )
    drafts = _drafts(parse_sms, path)
    assert len(drafts) == 2 and drafts[0].key != drafts[1].key


def test_whatsapp_key_counts_repeats_so_a_flood_of_one_text_is_every_record(tmp_path: Path) -> None:
    line = "04.07.2026, 21:05 - +44 7700 900123: Confirm your account\n"
    path = tmp_path / "WhatsApp Chat with +44 7700 900123.txt"
    path.write_text(line * 3)
    drafts = _drafts(parse_whatsapp, path)
    assert len(drafts) == 3 and len({d.key for d in drafts}) == 3


def test_telegram_messages_of_the_exporting_user_are_outgoing(tmp_path: Path) -> None:
    from .test_import import telegram_chat

    path = tmp_path / "result.json"
    path.write_text(
        json.dumps({"personal_information": {"user_id": 42}, "chats": {"list": [telegram_chat()]}})
    )
    drafts = _drafts(parse_telegram, path)
    directions = {
        d.raw.get("from_id") or d.raw.get("actor_id"): d.details["direction"] for d in drafts
    }
    assert directions == {"user777": "in", "user42": "out"}


def test_an_incoming_telegram_call_hung_up_without_duration_is_missed(tmp_path: Path) -> None:
    from .test_import import telegram_chat

    chat = telegram_chat()
    chat["messages"] = [
        {
            "id": 9,
            "type": "service",
            "date_unixtime": "1783181220",
            "actor": "Unknown Caller",
            "actor_id": "user777",
            "action": "phone_call",
            "discard_reason": "hangup",
        }
    ]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat))
    [draft] = _drafts(parse_telegram, path)
    assert draft.details["direction"] == "in" and draft.details["outcome"] == "missed"


@pytest.mark.parametrize("presentation", ["2", "3", "4", "5"])
def test_a_restricted_call_never_keeps_the_number_android_left(
    tmp_path: Path, presentation: str
) -> None:
    path = tmp_path / "calls.xml"
    path.write_bytes(calls_xml([call(0, number="+447700900123", presentation=presentation)]))
    [draft] = _drafts(parse_calls, path)
    assert draft.counterparty in ("-1", "-2", "-3")


@pytest.mark.parametrize(
    ("written", "order", "day"),
    [
        ("13/07/2026 21:05", None, date(2026, 7, 13)),  # day first: 13 is no month
        ("07/13/2026 21:05", None, date(2026, 7, 13)),  # month first: 13 is no month
        ("04/07/2026 21:05", "dmy", date(2026, 7, 4)),
        ("04/07/2026 21:05", "mdy", date(2026, 4, 7)),
        ("7/4/2026 9:05 PM", None, date(2026, 7, 4)),  # a 12-hour clock: month first
    ],
)
def test_csv_numeric_dates_follow_their_evident_or_given_order(
    tmp_path: Path, written: str, order: str | None, day: date
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(f'"Number","Date","Call Type"\n"+447700900123","{written}","Missed"\n')
    [draft] = _drafts(parse_csv, path, date_order=order)
    assert draft.occurred_at.date() == day


def test_csv_an_ambiguous_day_and_month_is_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text('"Number","Date","Call Type"\n"+447700900123","04/07/2026 21:05","Missed"\n')
    with pytest.raises(ImportFailed, match="cannot read the date"):
        _drafts(parse_csv, path)


# --------------------------------------------------------------------------- stats, time, deadlines


def test_stats_count_incoming_calls_only(opened: vault.Vault) -> None:
    from blockwatch import stats

    for direction in ("in", "out", "in"):
        logbook.log(
            opened,
            "call",
            logbook.Typed(counterparty="+447700900123", details={"direction": direction}),
        )
    rows, appeals = opened.summary_rows()
    summary = stats.summarize_rows(rows, appeals, "Asia/Almaty")
    assert summary["calls"]["total"] == 2 and summary["calls"]["foreign"] == 2
    assert stats.summarize(opened.incidents(), "Asia/Almaty")["calls"] == summary["calls"]


def test_yesterday_is_the_day_before_in_the_vaults_zone_not_in_utc() -> None:
    now = datetime(2026, 7, 4, 21, 30, tzinfo=UTC)  # 02:30 on 5 July in Almaty
    got = when.parse_when("yesterday 19:04", "Asia/Almaty", now)
    assert got.astimezone(when.zone("Asia/Almaty")).isoformat() == "2026-07-04T19:04:00+05:00"
    got = when.parse_when("кеше 19:04", "Asia/Almaty", now)
    assert got.astimezone(when.zone("Asia/Almaty")).date() == date(2026, 7, 4)


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("sent", "2026-07-12", False),  # due today: not yet
        ("sent", "2026-07-11", True),
        ("no-response", "2026-07-11", True),
        ("granted", "2026-07-01", False),
        ("rejected", "2026-07-01", False),
        ("answered", "2026-07-01", False),
    ],
)
def test_an_appeal_is_overdue_only_after_its_day_and_only_while_open(
    status: str, due: str, overdue: bool
) -> None:
    assert deadlines.is_overdue({"status": status, "due": due}, date(2026, 7, 12)) is overdue


@pytest.mark.parametrize("number", ["+74951234567", "+73432123456", "+78123456789", "+79161234567"])
def test_russian_numbers_are_foreign_in_a_kazakh_vault(number: str) -> None:
    party = phones.counterparty(number, "KZ")
    assert party["region"] == "RU" and party["foreign"] is True


@pytest.mark.parametrize("number", ["2501234", "3271234"])
def test_a_seven_digit_local_number_is_not_a_short_code(number: str) -> None:
    assert phones.counterparty(number, "KZ", strict=False)["number_type"] != "short_code"
    assert phones.counterparty("112", "KZ")["number_type"] == "short_code"


# --------------------------------------------------------------------------- store (mutmut, session 4)


def test_an_amendment_with_a_file_keeps_both_the_change_and_the_file(
    opened: vault.Vault, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG synthetic")
    first = log_note(opened, "the first words")
    typed = logbook.Typed(note="seen again at 21:10", attach=[shot])
    view = logbook.amend(opened, first["id"], typed, "a second look")
    assert view["note"] == "seen again at 21:10"
    assert [a["name"] for a in view["attachments"]] == ["shot.png"]
    kinds = [
        change.get("set", {}).get("note") or change.get("attached") for change in view["amended"]
    ]
    assert kinds[0] == "seen again at 21:10" and len(kinds) == 2


def test_a_file_attached_to_an_appeal_status_belongs_to_that_appeal(
    opened: vault.Vault, tmp_path: Path
) -> None:
    letter = tmp_path / "answer.pdf"
    letter.write_bytes(b"%PDF synthetic answer")
    appeal = logbook.log(
        opened, "appeal", logbook.Typed(at="2026-07-04 10:00", details={"to": "police"})
    )
    view = logbook.set_status(opened, appeal["id"], "rejected", attach=[letter])
    assert view["details"]["status"] == "rejected"
    assert [a["name"] for a in view["attachments"]] == ["answer.pdf"]
    assert len(check(opened)) >= 1


def test_language_auto_is_stored_as_no_language_and_read_back_so(vault_env) -> None:  # type: ignore[no-untyped-def]
    with vault.unlock(vault_env, PASSPHRASE) as v:
        v.set_language("ru")
        v.set_language(None)
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert v.settings.language is None


def test_a_failed_language_change_is_rolled_back_and_the_vault_stays_writable(
    opened: vault.Vault,
) -> None:
    opened.conn.execute(  # a failure inside the transaction, after BEGIN
        "CREATE TEMP TRIGGER no_meta BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(Exception, match=r"^refused$"):
        opened.set_language("kk")
    opened.conn.execute("DROP TRIGGER temp.no_meta")
    opened.set_language("kk")  # no transaction was left open
    assert opened.settings.language == "kk"
    assert log_note(opened, "still writable")["id"] == 1


# --------------------------------------------------------------------------- key slots (mutmut, session 4)


def test_keyslots_json_is_written_as_its_format_says(env) -> None:  # type: ignore[no-untyped-def]
    # A vault of its own, not the session's template: mutmut then knows this test writes it.
    created, _code = vault.create(env, PASSPHRASE, home_region="KZ", timezone="Asia/Almaty")
    created.close()
    text = (env.vault_dir / "keyslots.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True) + "\n"
    # the ids name the slots a passphrase change or a recovery replaces (v1 vaults have them)
    assert sorted((s["id"], s["kind"]) for s in doc["slots"]) == [
        ("passphrase", "passphrase"),
        ("recovery", "recovery"),
    ]
    assert all(len(base64.b64decode(s["kdf"]["salt"])) == 16 for s in doc["slots"])


def _code_with(*chars: str) -> tuple[str, bytes]:
    while True:
        code, secret = keyslots.new_recovery_code()
        if all(c in code for c in chars):
            return code, secret


def test_a_recovery_code_is_read_as_people_type_it() -> None:
    code, secret = _code_with("0", "1")
    assert keyslots.parse_recovery_code(code.lower().replace("-", " ")) == secret
    assert keyslots.parse_recovery_code(code.replace("0", "O").replace("1", "I")) == secret
    assert keyslots.parse_recovery_code(code.replace("1", "l")) == secret


@pytest.mark.parametrize(
    "bad", ["ABCD-EFGH-JKMN", "U" * 32, "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-678"]
)
def test_a_recovery_code_of_the_wrong_shape_says_what_one_looks_like(bad: str) -> None:
    with pytest.raises(InputError) as info:
        keyslots.parse_recovery_code(bad)
    assert info.value.message == "a recovery code has 32 letters and digits in 8 groups of 4"
    assert info.value.hint == (
        "type it as printed, e.g. ABCD-EFGH-...; letters O and I may be typed as 0 and 1"
    )


def test_a_recovery_code_with_a_typo_is_caught_by_its_checksum() -> None:
    code, _secret = keyslots.new_recovery_code()
    typo = ("1" if code[0] != "1" else "2") + code[1:]
    with pytest.raises(InputError) as info:
        keyslots.parse_recovery_code(typo)
    assert info.value.message == "the recovery code has a typo (its checksum does not match)"
    assert info.value.hint == "compare each group of 4 with the printed code"


def test_another_vaults_recovery_code_is_refused_saying_so(vault_env) -> None:  # type: ignore[no-untyped-def]
    from blockwatch.errors import VaultLocked

    doc = keyslots.load(vault_env.vault_dir / "keyslots.json")
    other, _secret = keyslots.new_recovery_code()
    with pytest.raises(VaultLocked) as info:
        keyslots.unlock_with_recovery(doc, other)
    assert info.value.message == "this recovery code does not open this vault"
    assert info.value.hint == "check that it belongs to this vault"


@pytest.mark.parametrize(
    "cost",
    [
        {"memory_kib": 64 * 1024 - 1},
        {"iterations": 2},
        {"lanes": 3},
    ],
)
def test_each_argon2_cost_has_its_floor(cost: dict[str, int]) -> None:
    from blockwatch.env import KdfCost

    with pytest.raises(ValueError, match=r"^Argon2id cost below RFC 9106's second recommendation$"):
        keyslots.passphrase_slot("vault-id", b"k" * 32, PASSPHRASE, KdfCost(**cost))


def test_the_recovery_slot_key_is_rfc5869_hkdf_sha256() -> None:
    """Checked against HKDF written out from RFC 5869 (one block of SHA-256): a change of salt
    or info would still open the slots it wrote itself, and no slot written before."""
    import hashlib
    import hmac

    secret, salt = bytes(range(16)), bytes(range(16, 32))
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    okm = hmac.new(prk, b"blockwatch recovery slot v1\x01", hashlib.sha256).digest()
    kdf = {"name": "hkdf-sha256", "salt": base64.b64encode(salt).decode()}
    assert keyslots._hkdf(secret, kdf) == okm


@pytest.mark.parametrize(("field", "what"), [("nonce", "nonce"), ("wrapped", "wrapped key")])
def test_a_malformed_value_in_keyslots_json_is_named(vault_env, field: str, what: str) -> None:  # type: ignore[no-untyped-def]
    path = vault_env.vault_dir / "keyslots.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for slot in doc["slots"]:
        slot[field] = base64.b64encode(b"short").decode()  # base64, but not its length
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(VaultCorrupt) as info:
        vault.unlock(vault_env, PASSPHRASE)
    assert info.value.message == f"keyslots.json: {what} is malformed"
    assert info.value.hint == "restore keyslots.json from a backup of the vault directory"


def test_a_new_passphrase_has_eight_characters_at_least() -> None:
    assert keyslots.check_new_passphrase("eight ch") == "eight ch"
    with pytest.raises(InputError) as info:
        keyslots.check_new_passphrase("seven c")
    assert info.value.message == "the passphrase is shorter than 8 characters"
    assert info.value.hint == "use several words you can remember, e.g. four words and a number"


def _slots_doc(vault_env) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return json.loads((vault_env.vault_dir / "keyslots.json").read_text(encoding="utf-8"))


def _salt(n: int) -> str:
    return base64.b64encode(b"s" * n).decode()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda d: [d], "not a blockwatch key slot file"),
        (lambda d: {**d, "format": "something else"}, "not a blockwatch key slot file"),
        (lambda d: {**d, "version": 99}, "key slot format version 99 is not supported"),
        (lambda d: {**d, "vault_id": "short"}, "vault_id is malformed"),
        (lambda d: {**d, "slots": []}, "slots are missing or too many"),
        (lambda d: {**d, "slots": d["slots"] * 9}, "slots are missing or too many"),
        (lambda d: {**d, "slots": ["a slot"]}, "a slot is malformed"),
        (lambda d: {**d, "slots": [{**d["slots"][0], "id": 7}]}, "a slot has no id"),
        (
            lambda d: {**d, "slots": [{**d["slots"][0], "kind": "fingerprint"}]},
            f"slot {'passphrase'!r}: unknown kind {'fingerprint'!r}",
        ),
    ],
)
def test_a_damaged_keyslots_json_is_named_exactly(vault_env, damage, said: str) -> None:  # type: ignore[no-untyped-def]
    path = vault_env.vault_dir / "keyslots.json"
    doc = {
        **_slots_doc(vault_env),
        "slots": sorted(_slots_doc(vault_env)["slots"], key=lambda s: s["kind"]),
    }
    path.write_text(json.dumps(damage(doc)), encoding="utf-8")
    with pytest.raises(VaultCorrupt) as info:
        keyslots.load(path)
    assert info.value.message == f"{path}: {said}"
    assert info.value.hint == "restore keyslots.json from a backup of the vault directory"


@pytest.mark.parametrize(
    ("kind", "kdf", "said"),
    [
        ("passphrase", {"name": "scrypt"}, "unknown KDF 'scrypt'"),
        ("recovery", {"name": "pbkdf2"}, "unknown KDF 'pbkdf2'"),
        ("passphrase", {"memory_kib": 1024}, "Argon2id memory_kib=1024 is outside 65536..1048576"),
        ("passphrase", {"iterations": 17}, "Argon2id iterations=17 is outside 3..16"),
        ("passphrase", {"lanes": True}, "Argon2id lanes=True is outside 4..16"),
        ("passphrase", {"salt": _salt(15)}, "salt length 15 is not allowed"),
        ("recovery", {"salt": _salt(65)}, "salt length 65 is not allowed"),
    ],
)
def test_every_cost_and_salt_in_keyslots_json_is_capped(
    vault_env, kind: str, kdf: dict, said: str
) -> None:  # type: ignore[no-untyped-def,type-arg]
    path = vault_env.vault_dir / "keyslots.json"
    doc = _slots_doc(vault_env)
    slot = next(s for s in doc["slots"] if s["kind"] == kind)
    slot["kdf"] = {**slot["kdf"], **kdf}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(VaultCorrupt) as info:
        keyslots.load(path)
    assert info.value.message == f"{path}: slot {slot['id']!r}: {said}"
    if "salt" in kdf:  # the bounds themselves are allowed
        for ok in (16, 64):
            slot["kdf"]["salt"] = _salt(ok)
            slot["check"] = keyslots._checksum(doc["vault_id"], slot)
            path.write_text(json.dumps(doc), encoding="utf-8")
            assert keyslots.load(path) == doc


# --------------------------------------------------------------------------- importers (issue 20)


def _read_csv(tmp_path: Path, text: str) -> list[Draft]:
    """The records of ``text`` written as calls.csv, read in UTC."""
    path = tmp_path / "calls.csv"
    path.write_text(text, encoding="utf-8")
    return _drafts(parse_csv, path, timezone="UTC")


def _refused_csv(tmp_path: Path, data: str | bytes):  # type: ignore[no-untyped-def]
    """calls.csv holding ``data``, and how it is refused (pytest's ExceptionInfo)."""
    path = tmp_path / "calls.csv"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    with pytest.raises(ImportFailed) as info:
        _drafts(parse_csv, path, timezone="UTC")
    return path, info


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("7/4/2026 9:05 PM", "2026-07-04T21:05:00+00:00"),  # PM: month first
        ("7/4/2026 9:05 pm", "2026-07-04T21:05:00+00:00"),
        ("7/4/2026 9:05:30 PM", "2026-07-04T21:05:30+00:00"),
        ("7/4/2026 12:30 AM", "2026-07-04T00:30:00+00:00"),
        ("7/4/2026 12:30 PM", "2026-07-04T12:30:00+00:00"),
        ("7/4/26 9:05 PM", "2026-07-04T21:05:00+00:00"),  # two-digit year
        ("13/7/2026 10:00", "2026-07-13T10:00:00+00:00"),  # 13 can only be a day
        ("7/13/2026 10:00", "2026-07-13T10:00:00+00:00"),
    ],
)
def test_a_csv_with_us_or_european_dates_is_read_as_written(
    tmp_path: Path, written: str, expected: str
) -> None:
    [draft] = _read_csv(tmp_path, f"Date,Number,Type\n{written},+77011234567,Incoming\n")
    assert draft.occurred_at.isoformat() == expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("12/7/2026 10:00", "cannot read the date '12/7/2026 10:00'"),  # 12 may be either
        ("7/12/2026 10:00", "cannot read the date '7/12/2026 10:00'"),
        ("7/4/100 9:05 PM", "before 2000"),  # a three-digit year is not 2100
    ],
)
def test_a_csv_date_that_could_be_either_way_is_refused(
    tmp_path: Path, written: str, said: str
) -> None:
    _path, info = _refused_csv(tmp_path, f"Date,Number,Type\n{written},+77011234567,Incoming\n")
    assert said in info.value.message


@pytest.mark.parametrize(
    ("line", "seconds"),
    [
        ("Voice call, 1 hr 2 min 3 sec", 3723),
        ("Video call, 2 h 5 s", 7205),
        ("Voice call, 12 min", 720),
    ],
)
def test_an_ios_call_line_keeps_every_part_of_its_duration(
    tmp_path: Path, line: str, seconds: int
) -> None:
    from blockwatch.importers import Options, whatsapp

    path = tmp_path / "_chat.txt"
    path.write_text(f"[04.07.26, 21:05:09] Bob: {line}\n", encoding="utf-8")
    [draft] = list(whatsapp.parse(path, Options(timezone="UTC")))
    assert draft.details["duration"] == seconds  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("entities", "expected"),
    [
        (b"&#55296;&#56320;", b"&#65536;"),  # D800 DC00: the first pair
        (b"&#56319;&#57343;", b"&#1114111;"),  # DBFF DFFF: the last
        (b"&#55296;&#56319;", b"&#55296;&#56319;"),  # the second is no low surrogate
        (b"&#56320;&#56320;", b"&#56320;&#56320;"),  # the first is no high surrogate
        (b"&#55296;&#57344;", b"&#55296;&#57344;"),  # E000 is past the low surrogates
    ],
)
def test_only_real_surrogate_pairs_are_joined(entities: bytes, expected: bytes) -> None:
    from blockwatch.importers import android

    assert android._PAIR.sub(android._join_pair, entities) == expected


def test_an_import_error_without_a_place_names_the_file_only() -> None:
    from blockwatch.importers import ImportFailed

    assert ImportFailed("calls.xml", None, "the file is empty").message == (
        "calls.xml: the file is empty"
    )


def test_a_csv_over_512_mib_is_refused_and_one_at_the_cap_is_read(tmp_path: Path) -> None:
    from blockwatch.importers import ImportFailed, Options, csvcalls

    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # sparse: no disk is used for the zeros
        f.truncate(csvcalls.MAX_CSV_BYTES + 1)
    with pytest.raises(ImportFailed) as info:
        list(csvcalls.parse(path, Options(timezone="UTC")))
    assert info.value.message == f"{path}: the CSV is larger than 512 MiB"
    with open(path, "r+b") as f:
        f.truncate(csvcalls.MAX_CSV_BYTES)
    with pytest.raises(ImportFailed) as info:
        list(csvcalls.parse(path, Options(timezone="UTC")))
    assert "the CSV is larger than 512 MiB" not in info.value.message  # read, then refused


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Date,Time,Number", "2026-07-04,21:05,+77011234567", "2026-07-04T21:05:00+00:00"),
        ("Date,Number", "04.07.2026\u00a010:00,+77011234567", "2026-07-04T10:00:00+00:00"),
        ("Date,Number", "04.07.2026\u202f10:00,+77011234567", "2026-07-04T10:00:00+00:00"),
        ("Date,Number", "2026-07-04T10:00:00+03:00,+77011234567", "2026-07-04T10:00:00+03:00"),
    ],
)
def test_a_csv_time_in_its_own_column_or_after_a_no_break_space_is_read(
    tmp_path: Path, header: str, row: str, expected: str
) -> None:
    [draft] = _read_csv(tmp_path, f"{header}\n{row}\n")
    assert draft.occurred_at.isoformat() == expected  # type: ignore[union-attr]


def test_an_unreadable_csv_date_is_named_with_its_line_and_a_hint(tmp_path: Path) -> None:
    path, info = _refused_csv(tmp_path, "Date,Number\n2026-07-04 10:00,+7701\nsoon,+7702\n")
    assert info.value.message == f"{path}: line 3: cannot read the date 'soon'"
    assert info.value.hint == "use ISO dates, or give --date-order dmy|mdy"


@pytest.mark.parametrize(("written", "seconds"), [("125", 125), ("1:02:03", 3723), ("2:05", 125)])
def test_a_csv_duration_in_seconds_or_clock_form_is_read(
    tmp_path: Path, written: str, seconds: int
) -> None:
    [draft] = _read_csv(
        tmp_path, f"Date,Number,Type,Duration\n2026-07-04 10:00,+77011234567,Incoming,{written}\n"
    )
    assert draft.details["duration"] == seconds  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "message", "hint"),
    [
        (b"\xef\xbb\xbf", "line 1: the CSV is empty", None),
        (
            b"Date,Number\n2026-07-04 10:00,\xff\xfe\n",
            "byte 29: not UTF-8 text",
            "save the CSV as UTF-8",
        ),
        (  # one column: no delimiter to find; read as plain CSV and named for what it lacks
            b"Date\n2026-07-04 10:00\n",
            "line 1: unknown CSV layout: no number and date columns in the header",
            "name them with --column-map number=COLUMN,date=COLUMN (header: Date)",
        ),
    ],
)
def test_a_csv_that_cannot_be_read_is_named_exactly(
    tmp_path: Path, data: bytes, message: str, hint: str | None
) -> None:
    path, info = _refused_csv(tmp_path, data)
    assert (info.value.message, info.value.hint) == (f"{path}: {message}", hint)


def test_a_csv_row_keeps_its_cells_and_blank_lines_and_odd_types_are_no_end(
    tmp_path: Path,
) -> None:
    first, second = _read_csv(
        tmp_path,
        "Date,Number,Type\n"
        "2026-07-04 10:00,+77011234567,Incoming\n"
        "\n"  # a blank line is skipped, not the end of the file
        "2026-07-04 11:00,+77011234568,conference\n",  # a type we do not know
    )
    assert first.raw == {"Date": "2026-07-04 10:00", "Number": "+77011234567", "Type": "Incoming"}  # type: ignore[union-attr]
    assert first.details["direction"] == "in"  # type: ignore[union-attr]
    assert "direction" not in second.details  # type: ignore[union-attr]
    assert second.details["source_type"] == "conference"  # type: ignore[union-attr]


def test_a_csv_without_a_type_column_is_read(tmp_path: Path) -> None:
    [draft] = _read_csv(tmp_path, "Date,Number\n2026-07-04 10:00,+77011234567\n")
    assert draft.details == {}  # type: ignore[union-attr]
    assert draft.key == "2026-07-04T10:00:00+00:00|+77011234567|"  # type: ignore[union-attr]


def test_a_csv_row_with_too_few_cells_is_named(tmp_path: Path) -> None:
    path, info = _refused_csv(
        tmp_path,
        "Date,Number,Type\n2026-07-04 10:00,+77011234567,Incoming\n2026-07-04 11:00,+7701\n",
    )
    assert info.value.message == f"{path}: line 3: 2 cells where the header has 3"


def _telegram(tmp_path: Path, messages: list[dict], **top: object) -> Path:
    path = tmp_path / "result.json"
    doc = {"name": "Caller", "type": "personal_chat", "id": 5, "messages": messages, **top}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _call(n: int, actor_id: str, **fields: object) -> dict:
    return {
        "id": n,
        "type": "service",
        "date_unixtime": str(1783181109 + n),
        "actor": "Caller" if actor_id == "user7" else "Me",
        "actor_id": actor_id,
        "action": "phone_call",
        **fields,
    }


def test_telegram_calls_get_their_direction_outcome_and_party(tmp_path: Path) -> None:
    from blockwatch.importers import Options, telegram

    me = {"personal_information": {"user_id": 9}}
    messages = [
        _call(1, "user7", duration_seconds=42),
        _call(2, "user7", discard_reason="missed"),
        _call(3, "user7", discard_reason="busy"),
        _call(4, "user7", discard_reason="hangup"),  # theirs, hung up: never answered
        _call(5, "user9", discard_reason="hangup"),  # mine, hung up: it rang through
        _call(6, "user7", discard_reason="disconnect"),
        _call(7, "user9", duration_seconds=0, discard_reason="missed"),
    ]
    path = tmp_path / "result.json"
    path.write_text(
        json.dumps({**me, "chats": {"list": [{"name": "Caller", "id": 5, "messages": messages}]}}),
        encoding="utf-8",
    )
    got = [
        (
            d.counterparty,
            d.details.get("direction"),
            d.details.get("outcome"),
            d.details.get("duration"),
            d.details.get("source_type"),
        )  # type: ignore[union-attr]
        for d in telegram.parse(path, Options(timezone="UTC"))
    ]
    assert got == [
        ("Caller", "in", "answered", 42, None),
        ("Caller", "in", "missed", None, "missed"),
        ("Caller", "in", "rejected", None, "busy"),
        ("Caller", "in", "missed", None, "hangup"),
        ("Caller", "out", "answered", None, "hangup"),
        ("Caller", "in", "answered", None, "disconnect"),
        ("Caller", "out", "missed", None, "missed"),
    ]


def test_telegram_messages_keep_media_edits_and_skip_what_is_no_message(tmp_path: Path) -> None:
    from blockwatch.importers import Options, Skipped, telegram

    path = _telegram(
        tmp_path,
        [
            {
                "id": 1,
                "type": "message",
                "date_unixtime": "1783181109",
                "from": "Caller",
                "from_id": "user7",
                "text": "",
                "photo": "photos/1.jpg",
                "edited": "2026-07-04T21:06",
            },
            {"id": 2, "type": "service", "date_unixtime": "1783181110", "action": "pin_message"},
            {"id": 3, "type": "sticker_set", "date_unixtime": "1783181111"},
            {
                "id": 4,
                "type": "message",
                "date_unixtime": "1783181112",
                "from_id": "user7",
                "text": "no name",
            },
        ],
    )
    items = list(telegram.parse(path, Options(timezone="UTC")))
    photo, pinned, odd, unnamed = items
    assert photo.details == {
        "direction": "in",
        "text": "",
        "media": ["photos/1.jpg"],
        "edited": True,
    }  # type: ignore[union-attr]
    assert isinstance(pinned, Skipped) and pinned.why == "a service message (pin_message)"
    assert pinned.where == "chat 5, message 2"
    assert isinstance(odd, Skipped) and odd.why == "unknown message type 'sticker_set'"
    assert unnamed.counterparty == "user7"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        ({"chats": {"list": "x"}}, "chats.list: expected a list of chats"),
        ({"chats": {"list": [{"name": "A"}]}}, "chat 0: a chat without a 'messages' list"),
        ({"name": "A", "id": 5, "messages": [1]}, "chat 5: a message is not an object"),
        ({"about": "x"}, "top level: no 'messages' and no 'chats'"),
        ([1, 2], "position 0: expected a JSON object (Telegram's result.json)"),
    ],
)
def test_a_telegram_file_of_the_wrong_shape_is_named(
    tmp_path: Path, doc: object, said: str
) -> None:
    from blockwatch.importers import ImportFailed, Options, telegram

    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, Options(timezone="UTC")))
    assert info.value.message == f"{path}: {said}"


@pytest.mark.parametrize(("written", "seconds"), [("123456789", 123456789), ("1234567890", None)])
def test_a_csv_duration_of_ten_digits_is_no_duration(
    tmp_path: Path, written: str, seconds: int | None
) -> None:
    [draft] = _read_csv(
        tmp_path, f"Date,Number,Type,Duration\n2026-07-04 10:00,+77011234567,Incoming,{written}\n"
    )
    assert draft.details.get("duration") == seconds  # type: ignore[union-attr]


def test_an_odd_csv_date_is_named_with_its_line_and_what_was_written(tmp_path: Path) -> None:
    path, info = _refused_csv(tmp_path, "Date,Number,Type\n7/4/100 9:05 PM,+77011234567,Incoming\n")
    assert info.value.message == (
        f"{path}: line 2: 7/4/100 9:05 PM is 100-07-04 21:05:00 UTC, before 2000"
    )


@pytest.mark.parametrize(
    ("kind", "duration", "outcome"),
    [
        ("Outgoing", "125", "answered"),  # it lasted: someone answered
        ("Outgoing", "0", None),  # a call out that lasted nothing: not known
        ("Missed", "5", "missed"),  # a missed call's seconds ringing do not make it answered
    ],
)
def test_a_csv_call_out_that_lasted_was_answered(
    tmp_path: Path, kind: str, duration: str, outcome: str | None
) -> None:
    [draft] = _read_csv(
        tmp_path, f"Date,Number,Type,Duration\n2026-07-04 10:00,+77011234567,{kind},{duration}\n"
    )
    assert draft.details.get("outcome") == outcome  # type: ignore[union-attr]


def test_a_csv_records_key_is_its_time_number_type_and_service(tmp_path: Path) -> None:
    """Two calls of one minute and number but of another type or app are two records."""
    plain, app = _read_csv(
        tmp_path,
        "Date,Number,Type,Service\n"
        "2026-07-04 10:00,+77011234567,Missed,\n"
        "2026-07-04 10:00,+77011234567,Incoming,WhatsApp\n",
    )
    assert plain.key == "2026-07-04T10:00:00+00:00|+77011234567|Missed"  # type: ignore[union-attr]
    assert plain.platform == "phone"  # type: ignore[union-attr]
    assert app.key == "2026-07-04T10:00:00+00:00|+77011234567|Incoming|whatsapp"  # type: ignore[union-attr]


def test_a_column_map_naming_a_missing_column_is_refused_with_the_header(tmp_path: Path) -> None:
    from blockwatch.importers import ImportFailed, Options, csvcalls

    path = tmp_path / "calls.csv"
    path.write_text("When,Who\n2026-07-04 10:00,+77011234567\n", encoding="utf-8")
    options = Options(timezone="UTC", column_map={"date": "When", "number": "Caller"})
    with pytest.raises(ImportFailed) as info:
        list(csvcalls.parse(path, options))
    assert info.value.message == (
        f"{path}: line 1: --column-map names column 'Caller', which the header does not have"
    )
    assert info.value.hint == "the header is: When, Who"


def test_a_csv_the_csv_module_cannot_read_says_so_with_a_hint(tmp_path: Path) -> None:
    path, info = _refused_csv(
        tmp_path, "Date,Number\n2026-07-04 10:00,+7701" + "1" * 140_000 + "\n"
    )
    assert info.value.message == (
        f"{path}: line 2: not a readable CSV row (field larger than field limit (131072))"
    )
    assert info.value.hint == "the file may be damaged; export it again"


def test_an_unknown_csv_layout_shows_at_most_200_characters_of_its_header(tmp_path: Path) -> None:
    from blockwatch.importers import ImportFailed, Options, csvcalls

    header = ",".join(f"column number {n}" for n in range(40))
    path = tmp_path / "calls.csv"
    path.write_text(header + "\n" + ",".join("x" * 40) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        list(csvcalls.parse(path, Options(timezone="UTC")))
    shown = ", ".join(header.split(","))[:200]
    assert info.value.hint == (
        f"name them with --column-map number=COLUMN,date=COLUMN (header: {shown})"
    )


def test_a_column_mapped_as_both_date_and_time_is_read_once(tmp_path: Path) -> None:
    """``--column-map date=When,time=When``: one column holding both is the date, not a date
    followed by itself as the time."""
    from blockwatch.importers import csvcalls

    path = tmp_path / "calls.csv"
    path.write_text("When,Who\n2026-07-04 10:00:09,+77011234567\n", encoding="utf-8")
    options = Options(timezone="UTC", column_map={"date": "When", "time": "When", "number": "Who"})
    [draft] = list(csvcalls.parse(path, options))
    assert isinstance(draft, Draft)
    assert draft.occurred_at == datetime(2026, 7, 4, 10, 0, 9, tzinfo=UTC)
