"""Every cap on a cost read from a file, at the cap and one over it (issue 14, item 6; the
table in docs/RELIABILITY.md).  Caps of gigabytes are lowered with monkeypatch so that the
files stay small: what is tested is the comparison and the message, not the number."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from blockwatch import env as env_module
from blockwatch import ledger
from blockwatch.env import Env
from blockwatch.errors import InputError
from blockwatch.importers import base, telegram, whatsapp
from blockwatch.importers.base import ImportFailed, Options

from .conftest import run_cli, snapshot


def test_an_import_file_at_the_cap_is_read_and_one_byte_over_is_refused(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = b"04.07.26, 21:05 - +44 7700 900123: Hello\n"
    at, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at.write_bytes(chat)
    over.write_bytes(chat + b"\n")
    monkeypatch.setattr(base, "MAX_FILE_BYTES", len(chat))
    assert run_cli(vault_env, "import", str(at), "--format", "whatsapp").code == 0
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", str(over), "--format", "whatsapp")
    assert done.code == 1
    assert done.err.splitlines() == [
        f"blockwatch: error: {over}: the file is larger than 4 GiB",
        "blockwatch: hint: check that this is the phone's export; import a large one in parts",
    ]
    assert snapshot(vault_env.vault_dir) == before


def test_a_plain_whatsapp_chat_at_the_cap_is_read_and_one_byte_over_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = b"04.07.26, 21:05 - +44 7700 900123: Hello\n"
    monkeypatch.setattr(whatsapp, "MAX_CHAT_BYTES", len(chat))
    at = tmp_path / "at.txt"
    at.write_bytes(chat)
    [draft] = list(whatsapp.parse(at, Options()))
    assert draft.details["text"] == "Hello"
    over = tmp_path / "over.txt"
    over.write_bytes(chat + b" ")
    with pytest.raises(ImportFailed) as info:
        list(whatsapp.parse(over, Options()))
    assert info.value.message == f"{over}: the chat is larger than 512 MiB"


def test_a_telegram_export_at_the_cap_is_read_and_one_byte_over_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # letters of two bytes each: the cap counts bytes, not characters
    data = json.dumps({"name": "Жанар", "id": 1, "messages": []}, ensure_ascii=False).encode()
    monkeypatch.setattr(telegram, "MAX_JSON_BYTES", len(data))
    at, over = tmp_path / "at.json", tmp_path / "over.json"
    at.write_bytes(data)
    over.write_bytes(data + b" ")
    assert list(telegram.parse(at, Options())) == []
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(over, Options()))
    assert info.value.message == f"{over}: result.json is larger than 1 GiB"


def test_a_text_file_at_the_cap_is_logged_and_one_byte_more_is_refused(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blockwatch.cli import log

    text = "Угрозы по телефону".encode()
    monkeypatch.setattr(log, "MAX_TEXT_FILE", len(text))
    at, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at.write_bytes(text)
    over.write_bytes(text + b"!")
    assert run_cli(vault_env, "log", "note", "--text-file", str(at)).code == 0
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "log", "note", "--text-file", str(over))
    assert done.code == 1
    assert done.err.splitlines() == [
        f"blockwatch: error: --text-file {str(over)!r} is larger than 1 MiB",
        "blockwatch: hint: attach it with --attach",
    ]
    assert snapshot(vault_env.vault_dir) == before


@pytest.mark.parametrize("extra", [0, 1])
def test_a_passphrase_file_at_4096_bytes_is_read_and_one_more_is_refused(
    tmp_path: Path, extra: int
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"p" * (env_module.MAX_PASSPHRASE_BYTES + extra))
    environ = {"BLOCKWATCH_PASSPHRASE_FILE": str(secret)}
    env = Env(vault_dir=tmp_path / "v", environ=environ)
    if extra:
        with pytest.raises(InputError) as info:
            env.passphrase()
        assert info.value.message == (
            "the passphrase from BLOCKWATCH_PASSPHRASE_FILE is longer than 4096 bytes"
        )
    else:
        assert env.passphrase() == "p" * env_module.MAX_PASSPHRASE_BYTES


def _signed(body: str) -> tuple[str, bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sig = ledger.key_id("o", public) + key.sign(body.encode())
    return body + f"\n\u2014 o {base64.b64encode(sig).decode()}\n", public


def test_a_checkpoint_note_at_16_kib_is_read_and_one_byte_more_is_refused() -> None:
    root = base64.b64encode(ledger.EMPTY_ROOT).decode()
    note, public = _signed(f"o\n0\n{root}\n")
    padding = ledger.MAX_NOTE_BYTES - len(note.encode())
    # extra signature lines by other keys are allowed: they pad the note to the cap
    padded = note + "\u2014 other " + "A" * (padding - len("\u2014 other \n".encode())) + "\n"
    assert len(padded.encode()) == ledger.MAX_NOTE_BYTES
    assert ledger.open_checkpoint(padded, "o", public).size == 0
    with pytest.raises(ledger.ProofError, match="checkpoint note is too large"):
        ledger.open_checkpoint(padded + "x", "o", public)


@pytest.mark.parametrize("size", [ledger.MAX_TREE_SIZE, ledger.MAX_TREE_SIZE + 1])
def test_a_tree_size_at_the_cap_is_read_and_one_more_is_refused(size: int) -> None:
    root = base64.b64encode(ledger.EMPTY_ROOT).decode()
    note, public = _signed(f"o\n{size}\n{root}\n")
    if size > ledger.MAX_TREE_SIZE:
        with pytest.raises(ledger.ProofError, match="implausibly large"):
            ledger.open_checkpoint(note, "o", public)
    else:
        assert ledger.open_checkpoint(note, "o", public).size == size


def test_a_proof_at_128_hashes_is_read_and_one_more_is_refused() -> None:
    size = 2**ledger.MAX_PROOF_LENGTH  # a tree deep enough for 128 hashes
    leaf = ledger.leaf_hash(b"x")
    proof = [ledger.leaf_hash(bytes([n])) for n in range(ledger.MAX_PROOF_LENGTH)]
    root = ledger.root_from_inclusion(0, size, leaf, proof)  # 128: read
    assert len(root) == 32
    with pytest.raises(ledger.ProofError, match=r"inclusion proof is too long$"):
        ledger.root_from_inclusion(0, size * 2, leaf, [*proof, proof[0]])
    with pytest.raises(ledger.ProofError, match="consistency proof is too long"):
        ledger.verify_consistency(1, size * 2, leaf, root, [*proof, proof[0]])


def test_a_backup_manifest_at_the_cap_is_read_and_one_byte_more_is_refused(
    vault_env: Env, tmp_path: Path
) -> None:
    from blockwatch.errors import VerificationFailed
    from blockwatch.vault import backup

    dest = tmp_path / "copy"
    assert run_cli(vault_env, "backup", str(dest)).code == 0
    manifest = dest / "backup.json"
    text = manifest.read_bytes().rstrip()
    manifest.write_bytes(text + b" " * (backup.MAX_MANIFEST_BYTES - len(text)))
    assert backup.read_manifest(dest) is not None
    assert run_cli(vault_env, "backup", str(dest), "--check").code == 0
    manifest.write_bytes(text + b" " * (backup.MAX_MANIFEST_BYTES + 1 - len(text)))
    with pytest.raises(VerificationFailed, match=r"backup\.json is too large"):
        backup.read_manifest(dest)


def test_an_age_identity_file_at_the_cap_is_read_and_one_byte_more_is_refused(
    tmp_path: Path,
) -> None:
    from pyrage import x25519

    from blockwatch.vault import backup

    key = f"{x25519.Identity.generate()}\n".encode()
    path = tmp_path / "key.txt"
    path.write_bytes(b"#" * (backup.MAX_IDENTITY_BYTES - len(key) - 1) + b"\n" + key)
    assert len(backup.read_identities(path)) == 1
    path.write_bytes(b"#" * (backup.MAX_IDENTITY_BYTES - len(key)) + b"\n" + key)
    with pytest.raises(InputError, match="holds no age identity"):
        backup.read_identities(path)
