"""Key slots as an auditor reads them (issue 20): each slot opened with nothing but the format
in keyslots.py's docstring and docs/DESIGN.md — Argon2id or HKDF, AES-256-GCM with the RFC 8785
associated data, the slot's checksum — and the recovery code's printed form; plus the
refusals of a malformed file, word for word."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from blockwatch.env import KdfCost
from blockwatch.errors import VaultCorrupt
from blockwatch.vault import keyslots

VAULT_ID = "0123456789abcdef0123456789abcdef"
DATA_KEY = bytes(range(32))
PASSPHRASE = "Жаңа жыл, ёлка, 1986"  # "ё" has a decomposed spelling: NFC matters


def _auditor_open(slot: dict[str, Any], slot_key: bytes) -> bytes:
    header = {"id": slot["id"], "kind": slot["kind"], "kdf": slot["kdf"]}
    associated = rfc8785.dumps(
        {"format": "blockwatch-keyslots", "version": 1, "vault_id": VAULT_ID, "slot": header}
    )
    fields = {k: slot[k] for k in ("id", "kind", "kdf", "nonce", "wrapped")}
    check = hashlib.sha256(rfc8785.dumps({"vault_id": VAULT_ID, "slot": fields})).hexdigest()
    assert slot["check"] == check[:32]
    nonce = base64.b64decode(slot["nonce"])
    assert len(nonce) == 12
    return AESGCM(slot_key).decrypt(nonce, base64.b64decode(slot["wrapped"]), associated)


def test_a_passphrase_slot_opens_as_the_format_says() -> None:
    slot = keyslots.passphrase_slot(VAULT_ID, DATA_KEY, PASSPHRASE, KdfCost())
    kdf = slot["kdf"]
    assert {k: v for k, v in kdf.items() if k != "salt"} == {
        "name": "argon2id",
        "memory_kib": 65536,
        "iterations": 3,
        "lanes": 4,
    }
    assert len(base64.b64decode(kdf["salt"])) == 16
    slot_key = Argon2id(
        salt=base64.b64decode(kdf["salt"]),
        length=32,
        iterations=3,
        lanes=4,
        memory_cost=65536,
    ).derive(PASSPHRASE.encode())  # already NFC
    assert _auditor_open(slot, slot_key) == DATA_KEY
    # and the decomposed spelling of the same words opens it too
    doc = keyslots.new_document(VAULT_ID, [slot])
    decomposed = unicodedata.normalize("NFD", PASSPHRASE)
    assert decomposed != PASSPHRASE
    assert keyslots.open_with_passphrase(doc, decomposed) == (DATA_KEY, "passphrase")


def test_a_recovery_slot_opens_as_the_format_says() -> None:
    slot, code = keyslots.recovery_slot(VAULT_ID, DATA_KEY)
    assert slot["kdf"]["name"] == "hkdf-sha256" and set(slot["kdf"]) == {"name", "salt"}
    secret = keyslots.parse_recovery_code(code)
    slot_key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=base64.b64decode(slot["kdf"]["salt"]),
        info=b"blockwatch recovery slot v1",
    ).derive(secret)
    assert _auditor_open(slot, slot_key) == DATA_KEY


def test_a_recovery_code_is_8_groups_of_4_crockford_characters_with_a_checksum() -> None:
    for _ in range(20):
        code, secret = keyslots.new_recovery_code()
        assert re.fullmatch(r"(?:[0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}", code), code
        rfc4648 = code.replace("-", "").translate(
            str.maketrans("0123456789ABCDEFGHJKMNPQRSTVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        )
        raw = base64.b32decode(rfc4648)
        assert raw[:16] == secret
        assert raw[16:] == hashlib.sha256(b"blockwatch recovery code v1" + secret).digest()[:4]


@pytest.fixture(scope="module")
def slot_file() -> dict[str, Any]:
    slot = keyslots.passphrase_slot(VAULT_ID, DATA_KEY, PASSPHRASE, KdfCost())
    return keyslots.new_document(VAULT_ID, [slot])


def _load_edited(tmp_path: Path, doc: dict[str, Any], **kdf: Any) -> dict[str, Any]:
    slot = {k: v for k, v in doc["slots"][0].items() if k != "check"}  # no checksum: as of old
    slot["kdf"] = {**slot["kdf"], **kdf}
    path = tmp_path / "keyslots.json"
    path.write_text(json.dumps({**doc, "slots": [slot]}))
    return keyslots.load(path)


@pytest.mark.parametrize(
    ("salt", "what"),
    [
        (5, "salt is malformed"),
        (None, "salt is malformed"),
        ("AAAAAAAAAA!AAAAAAAAAAAA==", "salt is malformed"),  # "!" skipped by a lenient decoder
        ("AAAA AAAAAAAAAAAAAAAAAAA", "salt is malformed"),
        ("AAAAAAAAAAAAAAAAAAAAA", "salt is malformed"),  # no padding
    ],
)
def test_a_salt_that_is_not_base64_is_named(
    tmp_path: Path, slot_file: dict[str, Any], salt: object, what: str
) -> None:
    with pytest.raises(VaultCorrupt) as refused:
        _load_edited(tmp_path, slot_file, salt=salt)
    assert str(refused.value) == f"keyslots.json: {what}"
    assert refused.value.hint == "restore keyslots.json from a backup of the vault directory"


def test_a_slot_without_a_checksum_is_read_as_before(
    tmp_path: Path, slot_file: dict[str, Any]
) -> None:
    doc = _load_edited(tmp_path, slot_file)
    assert keyslots.open_with_passphrase(doc, PASSPHRASE) == (DATA_KEY, "passphrase")


def test_a_recovery_slot_is_named_recovery_and_salted_with_16_bytes() -> None:
    slot, _code = keyslots.recovery_slot(VAULT_ID, DATA_KEY)
    assert slot["id"] == "recovery" and slot["kind"] == "recovery"
    assert len(base64.b64decode(slot["kdf"]["salt"])) == 16


@pytest.mark.parametrize(
    "cost",
    [
        KdfCost(memory_kib=64 * 1024 - 1),
        KdfCost(iterations=2),
        KdfCost(lanes=3),
    ],
)
def test_a_slot_below_the_kdf_floor_in_any_one_parameter_is_never_made(cost: KdfCost) -> None:
    with pytest.raises(ValueError) as refused:
        keyslots.passphrase_slot(VAULT_ID, DATA_KEY, PASSPHRASE, cost)
    assert str(refused.value) == "Argon2id cost below RFC 9106's second recommendation"


def test_the_wrappers_give_the_data_key(slot_file: dict[str, Any]) -> None:
    assert keyslots.unlock_with_passphrase(slot_file, PASSPHRASE) == DATA_KEY
    slot, code = keyslots.recovery_slot(VAULT_ID, DATA_KEY)
    doc = keyslots.new_document(VAULT_ID, [slot])
    assert keyslots.unlock_with_recovery(doc, code) == DATA_KEY


# --------------------------------------------------------------------------- reading the file

HINT = "restore keyslots.json from a backup of the vault directory"


def _refused(path: Path) -> str:
    with pytest.raises(VaultCorrupt) as refused:
        keyslots.load(path)
    assert refused.value.hint == HINT
    return str(refused.value)


def test_a_missing_unreadable_or_irregular_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "keyslots.json"
    assert _refused(path) == f"{path} is missing"
    path.mkdir()
    assert _refused(path) == f"{path} is not a regular file"
    path.rmdir()
    os.mkfifo(path)  # must not hang the open
    assert _refused(path) == f"{path} is not a regular file"
    path.unlink()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    inside = blocker / "keyslots.json"
    assert _refused(inside) == f"{inside} cannot be read: Not a directory"


def test_a_file_of_a_terabyte_is_refused_after_reading_one_byte_over_the_cap(
    tmp_path: Path,
) -> None:
    """A sparse file costs nothing to make; reading all of it would take a terabyte."""
    path = tmp_path / "keyslots.json"
    path.touch()
    os.truncate(path, 2**40)
    assert _refused(path) == f"{path} is larger than 65536 bytes"


def test_the_file_is_written_as_sorted_json_indented_by_2(
    tmp_path: Path, slot_file: dict[str, Any]
) -> None:
    path = tmp_path / "keyslots.json"
    keyslots.save(path, {"z": 1, **slot_file})
    expected = json.dumps({"z": 1, **slot_file}, indent=2, sort_keys=True) + "\n"
    assert path.read_text() == expected
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["keyslots.json"]


def test_a_file_of_exactly_the_cap_is_read_and_one_byte_more_is_refused(
    tmp_path: Path, slot_file: dict[str, Any]
) -> None:
    path = tmp_path / "keyslots.json"
    text = json.dumps(slot_file)
    path.write_text(text + " " * (keyslots.MAX_FILE_BYTES - len(text)))
    assert keyslots.load(path) == slot_file
    path.write_text(text + " " * (keyslots.MAX_FILE_BYTES - len(text) + 1))
    assert _refused(path) == f"{path} is larger than 65536 bytes"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 5_000, "is damaged: nested too deeply"),
        ("", "is damaged: Expecting value: line 1 column 1 (char 0)"),
        ('{"format": ', "is damaged: Expecting value: line 1 column 12 (char 11)"),
    ],
)
def test_a_file_that_is_not_json_is_named_as_damaged(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "keyslots.json"
    path.write_text(content)
    assert _refused(path) == f"{path} {message}"


def test_a_file_that_is_not_utf_8_is_named_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "keyslots.json"
    path.write_bytes(b'{"format": "\xff"}')
    assert _refused(path).startswith(f"{path} is damaged: ")


def _b64n(n: int) -> str:
    return base64.b64encode(bytes(n)).decode()


def _slot(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["slots"][0]  # type: ignore[no-any-return]


def _many(doc: dict[str, Any], n: int) -> None:
    first = {k: v for k, v in _slot(doc).items() if k != "check"}
    doc["slots"] = [{**first, "id": f"passphrase-{i}"} for i in range(n)]


# each edit of a good file, and what the refusal says after "<path>: "
MALFORMED: dict[str, tuple[Any, str]] = {
    "not an object": (lambda d: d.clear() or d.update({"x": 1}), "not a blockwatch key slot file"),
    "another format": (lambda d: d.update(format="restic"), "not a blockwatch key slot file"),
    "version as text": (lambda d: d.update(version="1"), "key slot format version '1' is not supported"),
    "version 2": (lambda d: d.update(version=2), "key slot format version 2 is not supported"),
    "version true": (lambda d: d.update(version=True), "key slot format version True is not supported"),
    "short vault id": (lambda d: d.update(vault_id=VAULT_ID[1:]), "vault_id is malformed"),
    "vault id a number": (lambda d: d.update(vault_id=5), "vault_id is malformed"),
    "no slots": (lambda d: d.update(slots=[]), "slots are missing or too many"),
    "17 slots": (lambda d: _many(d, 17), "slots are missing or too many"),
    "slots an object": (lambda d: d.update(slots={}), "slots are missing or too many"),
    "a slot a string": (lambda d: d.update(slots=["x"]), "a slot is malformed"),
    "a slot without kdf": (lambda d: _slot(d).pop("kdf"), "a slot is malformed"),
    "a slot without id": (lambda d: _slot(d).pop("id"), "a slot has no id"),
    "two slots one id": (lambda d: d.update(slots=[_slot(d), _slot(d)]), "two slots have the id 'passphrase'"),
    "scrypt": (lambda d: _slot(d)["kdf"].update(name="scrypt"), "slot 'passphrase': unknown KDF 'scrypt'"),
    "memory below": (lambda d: _slot(d)["kdf"].update(memory_kib=65535), "slot 'passphrase': Argon2id memory_kib=65535 is outside 65536..1048576"),
    "memory above": (lambda d: _slot(d)["kdf"].update(memory_kib=1048577), "slot 'passphrase': Argon2id memory_kib=1048577 is outside 65536..1048576"),
    "passes as text": (lambda d: _slot(d)["kdf"].update(iterations="3"), "slot 'passphrase': Argon2id iterations='3' is outside 3..16"),
    "passes above": (lambda d: _slot(d)["kdf"].update(iterations=17), "slot 'passphrase': Argon2id iterations=17 is outside 3..16"),
    "lanes below": (lambda d: _slot(d)["kdf"].update(lanes=3), "slot 'passphrase': Argon2id lanes=3 is outside 4..16"),
    "lanes above": (lambda d: _slot(d)["kdf"].update(lanes=17), "slot 'passphrase': Argon2id lanes=17 is outside 4..16"),
    "work above": (lambda d: _slot(d)["kdf"].update(memory_kib=699051, iterations=3), "slot 'passphrase': Argon2id memory_kib x iterations is more than 2097152"),
    "recovery by argon2": (lambda d: _slot(d).update(id="recovery", kind="recovery"), "slot 'recovery': unknown KDF 'argon2id'"),
    "another kind": (lambda d: _slot(d).update(kind="fingerprint"), "slot 'passphrase': unknown kind 'fingerprint'"),
    "salt 15": (lambda d: _slot(d)["kdf"].update(salt=_b64n(15)), "slot 'passphrase': salt length 15 is not allowed"),
    "salt 65": (lambda d: _slot(d)["kdf"].update(salt=_b64n(65)), "slot 'passphrase': salt length 65 is not allowed"),
    "recovery of kind passphrase": (lambda d: _slot(d).update(id="recovery"), "slot 'recovery' is of kind 'passphrase'"),
    "passphrase of kind recovery": (lambda d: _slot(d).update(kind="recovery", kdf={"name": "hkdf-sha256", "salt": _b64n(16)}), "slot 'passphrase' is of kind 'recovery'"),
    "changed": (lambda d: _slot(d).update(nonce=_b64n(12)), "slot 'passphrase' was changed or damaged (its checksum does not match)"),
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED)
def test_each_malformed_key_slot_file_is_refused_in_its_own_words(
    tmp_path: Path, slot_file: dict[str, Any], case: str
) -> None:
    doc = copy.deepcopy(slot_file)
    edit, what = MALFORMED[case]
    edit(doc)
    path = tmp_path / "keyslots.json"
    path.write_text(json.dumps(doc if case != "not an object" else [doc]))
    assert _refused(path) == f"{path}: {what}"


@pytest.mark.parametrize(
    ("field", "size", "what"), [("nonce", 11, "nonce"), ("wrapped", 47, "wrapped key")]
)
def test_a_nonce_or_wrapped_key_of_the_wrong_size_is_named(
    tmp_path: Path, slot_file: dict[str, Any], field: str, size: int, what: str
) -> None:
    slot = {k: v for k, v in _slot(slot_file).items() if k != "check"}
    path = tmp_path / "keyslots.json"
    path.write_text(json.dumps({**slot_file, "slots": [{**slot, field: _b64n(size)}]}))
    assert _refused(path) == f"keyslots.json: {what} is malformed"


def test_sixteen_slots_salts_of_16_and_64_bytes_and_the_work_cap_itself_are_read(
    tmp_path: Path, slot_file: dict[str, Any]
) -> None:
    path = tmp_path / "keyslots.json"
    for edit in (
        lambda d: _many(d, 16),
        lambda d: _slot(d)["kdf"].update(salt=_b64n(16)) or _slot(d).pop("check"),
        lambda d: _slot(d)["kdf"].update(salt=_b64n(64)) or _slot(d).pop("check"),
        lambda d: _slot(d)["kdf"].update(memory_kib=524288, iterations=4) or _slot(d).pop("check"),
    ):
        doc = copy.deepcopy(slot_file)
        edit(doc)
        path.write_text(json.dumps(doc))
        assert keyslots.load(path) == doc


def test_a_wrong_passphrase_or_recovery_code_is_named_with_what_to_do(
    slot_file: dict[str, Any],
) -> None:
    from blockwatch.errors import VaultLocked

    recovery, code = keyslots.recovery_slot(VAULT_ID, DATA_KEY)
    other, other_code = keyslots.recovery_slot(VAULT_ID, bytes(32), "recovery-2")
    # a passphrase slot first, and a recovery slot of another key: each is passed over
    doc = keyslots.new_document(VAULT_ID, [*slot_file["slots"], other, recovery])
    assert keyslots.open_with_recovery(doc, code) == (DATA_KEY, "recovery")
    assert keyslots.open_with_recovery(doc, other_code) == (bytes(32), "recovery-2")
    with pytest.raises(VaultLocked) as refused:
        keyslots.open_with_passphrase(doc, PASSPHRASE + "!")
    assert (str(refused.value), refused.value.hint) == (
        "wrong passphrase",
        "try again; if it is lost, run 'blockwatch recover' with the recovery code",
    )
    stranger, _secret = keyslots.new_recovery_code()
    with pytest.raises(VaultLocked) as refused:
        keyslots.open_with_recovery(doc, stranger)
    assert (str(refused.value), refused.value.hint) == (
        "this recovery code does not open this vault",
        "check that it belongs to this vault",
    )


def test_slots_of_one_key_share_a_generation_and_a_rotation_holds_two() -> None:
    assert keyslots.generation("passphrase") == keyslots.generation("recovery") == ""
    assert keyslots.generation("passphrase-1f2e") == "1f2e"
    assert keyslots.generation("recovery-1f2e-x") == "1f2e-x"
    slots = [{"id": i} for i in ("passphrase", "recovery")]
    assert not keyslots.rotating({"slots": slots})
    assert keyslots.rotating({"slots": [*slots, {"id": "passphrase-1f2e"}]})
    assert keyslots.rotating({"slots": [{"id": "passphrase-1f2e"}, {"id": "recovery"}]})


def test_replacing_a_slot_keeps_the_others_and_puts_it_last() -> None:
    doc = {"format": "f", "slots": [{"id": "a", "n": 1}, {"id": "b", "n": 2}]}
    assert keyslots.replace_slot(doc, {"id": "a", "n": 3}) == {
        "format": "f",
        "slots": [{"id": "b", "n": 2}, {"id": "a", "n": 3}],
    }
    assert keyslots.replace_slot(doc, {"id": "c"})["slots"] == [*doc["slots"], {"id": "c"}]
    assert doc["slots"] == [{"id": "a", "n": 1}, {"id": "b", "n": 2}]  # unchanged
