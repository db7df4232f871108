"""``passphrase change --rotate-key`` (issue 14): a new data key, the database re-encrypted in
place, a new recovery code; an old copy of keyslots.json opens nothing; and an interrupted
rotation leaves a vault that the old or the new passphrase opens — never neither."""

from __future__ import annotations

import json
import re
import secrets
import shutil

import pytest

from blockwatch import vault
from blockwatch.errors import VaultCorrupt, VaultLocked
from blockwatch.vault import keyslots
from blockwatch.vault.check import check

from .conftest import PASSPHRASE, make_env, run_cli

NEW = "a new passphrase after the raid"


def _rotate(env, new: str = NEW):  # type: ignore[no-untyped-def]
    done = run_cli(
        make_env(env.vault_dir, BLOCKWATCH_NEW_PASSPHRASE=new),
        "passphrase",
        "change",
        "--rotate-key",
    )
    assert done.code == 0, done.err
    assert "NEW RECOVERY CODE" in done.out and "the old one no longer works" in done.out
    [code] = re.findall(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}", done.out)
    return code


def test_a_rotated_vault_opens_only_with_the_new_passphrase_and_code(vault_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(vault_env, "log", "note", "--text", "before").code == 0
    old_slots = (vault_env.vault_dir / "keyslots.json").read_bytes()
    before = (vault_env.vault_dir / "vault.db").read_bytes()
    code = _rotate(vault_env)
    assert (vault_env.vault_dir / "vault.db").read_bytes() != before
    with pytest.raises(VaultLocked):
        vault.unlock(vault_env, PASSPHRASE)
    with vault.unlock(vault_env, NEW) as v:
        assert [i["details"]["text"] for i in v.incidents()] == ["before"]
        assert len(check(v)) == 8
    doc = json.loads((vault_env.vault_dir / "keyslots.json").read_text())
    assert len(doc["slots"]) == 2 and not keyslots.rotating(doc)
    # the new recovery code opens it; an old copy of keyslots.json opens nothing
    assert keyslots.unlock_with_recovery(keyslots.load(vault_env.vault_dir / "keyslots.json"), code)
    copy = tmp_path / "copy"
    shutil.copytree(vault_env.vault_dir, copy)
    (copy / "keyslots.json").write_bytes(old_slots)
    with pytest.raises(VaultCorrupt, match="cannot be read"):
        vault.unlock(make_env(copy), PASSPHRASE)


def test_the_new_recovery_code_sets_a_passphrase_and_the_old_code_fails(vault_env) -> None:  # type: ignore[no-untyped-def]
    code = _rotate(vault_env)
    env = make_env(vault_env.vault_dir, BLOCKWATCH_NEW_PASSPHRASE="recovered passphrase")
    done = run_cli(env, "recover", input=code + "\n")
    assert done.code == 0, done.err
    with vault.unlock(vault_env, "recovered passphrase") as v:
        assert len(check(v)) == 8
    with pytest.raises(VaultLocked):  # the slot of the passphrase it replaced is gone
        vault.unlock(vault_env, NEW)


def test_a_later_plain_change_replaces_the_rotated_slot(vault_env) -> None:  # type: ignore[no-untyped-def]
    """After a rotation the passphrase slot has another id: a later change must replace it,
    not add a second slot the old passphrase still opens."""
    _rotate(vault_env)
    env = make_env(
        vault_env.vault_dir,
        BLOCKWATCH_PASSPHRASE=NEW,
        BLOCKWATCH_NEW_PASSPHRASE="a third passphrase",
    )
    assert run_cli(env, "passphrase", "change").code == 0
    with pytest.raises(VaultLocked):
        vault.unlock(vault_env, NEW)
    vault.unlock(vault_env, "a third passphrase").close()
    doc = json.loads((vault_env.vault_dir / "keyslots.json").read_text())
    assert sorted(s["kind"] for s in doc["slots"]) == ["passphrase", "recovery"]


def _interrupted(env, rekeyed: bool):  # type: ignore[no-untyped-def]
    """The slot file of a rotation killed after its first step: both keys' slots; and, when
    ``rekeyed``, the database already under the new key (killed before the last step)."""
    path = env.vault_dir / "keyslots.json"
    doc = keyslots.load(path)
    fresh = secrets.token_bytes(keyslots.KEY_BYTES)
    slot = keyslots.passphrase_slot(doc["vault_id"], fresh, NEW, env.kdf, "passphrase-abc123")
    recovery, _code = keyslots.recovery_slot(doc["vault_id"], fresh, "recovery-abc123")
    keyslots.save(path, {**doc, "slots": [*doc["slots"], slot, recovery]})
    if rekeyed:  # with the old key, as the rotation did: nothing settles the slots here
        old = keyslots.unlock_with_passphrase(doc, PASSPHRASE)
        with vault.lifecycle._checked_open(env, doc, old) as v:
            v.rekey(fresh)


@pytest.mark.parametrize("rekeyed", [False, True], ids=["before the rekey", "after the rekey"])
def test_an_interrupted_rotation_opens_with_one_passphrase_and_settles(  # type: ignore[no-untyped-def]
    vault_env, rekeyed: bool
) -> None:
    assert run_cli(vault_env, "log", "note", "--text", "kept").code == 0
    _interrupted(vault_env, rekeyed)
    works, replaced = (NEW, PASSPHRASE) if rekeyed else (PASSPHRASE, NEW)
    with pytest.raises(VaultLocked, match="a key rotation was interrupted"):
        vault.unlock(vault_env, replaced)
    with vault.unlock(vault_env, works) as v:  # the key that opens the database wins
        assert [i["details"]["text"] for i in v.incidents()] == ["kept"]
        assert len(check(v)) == 8
    doc = keyslots.load(vault_env.vault_dir / "keyslots.json")
    assert not keyslots.rotating(doc) and len(doc["slots"]) == 2
    with pytest.raises(VaultLocked, match="wrong passphrase"):  # settled: an ordinary refusal
        vault.unlock(vault_env, replaced)


def test_a_rotation_while_another_writes_changes_nothing(vault_env) -> None:  # type: ignore[no-untyped-def]
    before = (vault_env.vault_dir / "keyslots.json").read_bytes()
    with vault.unlock(vault_env, PASSPHRASE) as other:
        other.conn.execute("BEGIN IMMEDIATE")
        env = make_env(
            vault_env.vault_dir, BLOCKWATCH_NEW_PASSPHRASE=NEW, BLOCKWATCH_BUSY_TIMEOUT="0"
        )
        done = run_cli(env, "passphrase", "change", "--rotate-key")
        other.conn.execute("ROLLBACK")
    assert done.code == 1 and "the vault is busy" in done.err
    assert (vault_env.vault_dir / "keyslots.json").read_bytes() == before
    vault.unlock(vault_env, PASSPHRASE).close()
