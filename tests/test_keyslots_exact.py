"""Key slots as an auditor reads them (issue 20): each slot opened with nothing but the format
in keyslots.py's docstring and docs/DESIGN.md — Argon2id or HKDF, AES-256-GCM with the RFC 8785
associated data, the slot's checksum — and the recovery code's printed form; plus the
refusals of a malformed file, word for word."""

from __future__ import annotations

import base64
import hashlib
import json
import re
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
    import unicodedata

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
def slot_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
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
        ("AAAAAAAAAA!AAAAAAAAAAAAA", "salt is malformed"),  # "!" skipped by a lenient decoder
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
