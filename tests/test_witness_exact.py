"""A witness's answers, exactly (issue 20: the mutants of ``vault/witness.py`` that the
behaviour tests of ``test_cosign.py`` let through).

A witness is a lawyer or a colleague who may see one of these messages once a year: each says
what was wrong and what to do, word for word, and a key that changed is refused even when the
new key signed the checkpoint."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from blockwatch import ledger, vault
from blockwatch.env import Env
from blockwatch.errors import BlockwatchError, InputError, NotFound, VerificationFailed
from blockwatch.vault import witness

from .conftest import PASSPHRASE, make_env, run_cli


@pytest.fixture
def lawyer(tmp_path: Path) -> Env:
    env = make_env(tmp_path / "lawyer")
    assert run_cli(env, "init", "--timezone", "Asia/Almaty").code == 0
    return env


def _note(env: Env, text: str) -> None:
    assert run_cli(env, "log", "note", "--text", text).code == 0


def _latest(env: Env) -> tuple[str, str, str]:
    """(origin, signed checkpoint note, verifier key) of a journalist's vault."""
    with vault.unlock(env, PASSPHRASE) as v:
        return (
            v.settings.origin,
            v.latest_checkpoint(),
            ledger.verifier_key(v.settings.origin, v.public_key),
        )


def _add(env: Env, request: ledger.Request, key: str | None = None) -> ledger.Checkpoint:
    with vault.unlock(env, PASSPHRASE) as v:
        return witness.add(v, request, key)[0]


def _refused(env: Env, request: ledger.Request, key: str | None = None) -> BlockwatchError:
    with pytest.raises(BlockwatchError) as caught:
        _add(env, request, key)
    return caught.value


def _said(error: BlockwatchError) -> tuple[type, str, str | None]:
    return type(error), error.message, error.hint


def _proof(env: Env, old: int) -> ledger.Request:
    done = run_cli(env, "checkpoint", "--since", str(old))
    assert done.code == 0, done.err
    return ledger.parse_request(done.out)


def test_the_first_checkpoint_without_a_key_says_where_the_key_comes_from(
    vault_env: Env, lawyer: Env
) -> None:
    origin, note, _key = _latest(vault_env)
    done = run_cli(lawyer, "witness", "add", "-", input=note)
    assert (done.code, done.err) == (
        1,
        f"blockwatch: error: this is the first checkpoint of {origin} you keep: give the "
        "journalist's key\n"
        "blockwatch: hint: add --key with the verifier key 'blockwatch key show' prints on her "
        "computer, and compare its fingerprint with her by phone or in person\n",
    )


def test_a_key_for_another_log_or_no_key_at_all_is_named_as_such(
    vault_env: Env, lawyer: Env
) -> None:
    origin, note, _key = _latest(vault_env)
    other_origin, _other_note, other_key = _latest(lawyer)
    assert _said(_refused(lawyer, ledger.Request(note), other_key)) == (
        InputError,
        f"--key is for the log {other_origin}, this checkpoint is of {origin}",
        None,
    )
    assert _said(_refused(lawyer, ledger.Request(note), "x")) == (
        InputError,
        "--key: not a verifier key (name+id+key)",
        "give the verifier key 'blockwatch key show' prints on her computer",
    )


def test_a_changed_key_is_refused_though_it_signed_the_checkpoint(
    vault_env: Env, lawyer: Env
) -> None:
    """The journalist's key is remembered: a checkpoint signed by another key under the same
    name is another log, even though its signature verifies with the key given with it."""
    origin, note, key = _latest(vault_env)
    first = _add(lawyer, ledger.Request(note), key)
    # the same key given again is no change
    assert _add(lawyer, ledger.Request(note), key) == first
    impostor = Ed25519PrivateKey.generate()
    raw = impostor.public_key().public_bytes_raw()
    forged = ledger.sign_checkpoint(
        ledger.Checkpoint(origin, first.size + 1, b"\x07" * 32), impostor
    )
    assert _said(_refused(lawyer, ledger.Request(forged), ledger.verifier_key(origin, raw))) == (
        VerificationFailed,
        f"you hold checkpoints of {origin} signed by another key",
        "a new key is a new log: ask the journalist why her key changed",
    )


def test_each_refusal_of_a_checkpoint_that_does_not_extend_the_one_held_is_exact(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    origin, early, key = _latest(vault_env)
    _note(vault_env, "one")
    _origin, held, _key = _latest(vault_env)
    size = ledger.open_checkpoint(held, origin, point_key(key)).size
    _add(lawyer, ledger.Request(held), key)
    older = ledger.open_checkpoint(early, origin, point_key(key)).size
    assert _said(_refused(lawyer, ledger.Request(early))) == (
        VerificationFailed,
        f"this checkpoint (size {older}) is older than the one you hold (size {size}): the "
        "journalist's vault was rolled back, or this is an old copy",
        "keep the one you hold; ask the journalist for her current checkpoint",
    )
    # the same size, another root: signed by her key over a rewritten history
    with vault.unlock(vault_env, PASSPHRASE) as v:
        rewritten = ledger.sign_checkpoint(ledger.Checkpoint(origin, size, b"\x01" * 32), v._signer)
        grown = ledger.sign_checkpoint(ledger.Checkpoint(origin, size + 5, b"\x02" * 32), v._signer)
    assert _said(_refused(lawyer, ledger.Request(rewritten))) == (
        VerificationFailed,
        "this checkpoint has the size of the one you hold but another root: the journalist's "
        "history was rewritten",
        "keep the one you hold: it is the evidence",
    )
    assert _said(_refused(lawyer, ledger.Request(grown))) == (
        InputError,
        f"you hold this log's checkpoint of size {size}: this one does not show that it extends it",
        f"ask the journalist for 'blockwatch checkpoint --since {size}'",
    )
    assert _said(_refused(lawyer, ledger.Request(grown, size, (b"\x03" * 32,)))) == (
        VerificationFailed,
        f"this checkpoint does not extend the one you hold (size {size}): the journalist's "
        "history was rewritten",
        "keep the one you hold: it is the evidence",
    )
    _note(vault_env, "two")
    assert _add(lawyer, _proof(vault_env, size)).size > size


@pytest.mark.parametrize(
    "first_line",
    ["", "x" * 257, "tab\there", "bell\x07"],
    ids=["empty", "257 characters", "tab", "control"],
)
def test_a_note_whose_first_line_is_no_log_name_is_not_a_checkpoint(
    lawyer: Env, first_line: str
) -> None:
    assert _said(_refused(lawyer, ledger.Request(first_line + "\n12\nroot\n"))) == (
        InputError,
        "this is not a checkpoint",
        "give the text 'blockwatch checkpoint' printed, as it was received",
    )


def test_a_log_name_of_256_characters_is_a_name(lawyer: Env) -> None:
    name = "n" * 256
    error = _refused(lawyer, ledger.Request(name + "\n12\nroot\n"))
    assert (
        error.message
        == f"this is the first checkpoint of {name} you keep: give the journalist's key"
    )


def test_what_the_witness_keeps_and_returns_is_exact(vault_env: Env, lawyer: Env) -> None:
    origin, note, key = _latest(vault_env)
    point = _add(lawyer, ledger.Request(note), key)
    done = run_cli(lawyer, "witness", "cosign")
    assert done.code == 0, done.err
    with vault.unlock(lawyer, PASSPHRASE) as v:
        [(_s, _a, held)] = list(v.entries_of_type(witness.ENTRY_WITNESS_HELD))
        [(_s, _a, cosigned)] = list(v.entries_of_type(witness.ENTRY_WITNESS_COSIGNED))
        private = witness.cosigning_key(v)
        name = witness.name(v)
        assert witness.logs(v) == [origin]
    assert held == {
        "origin": origin,
        "key": base64.b64encode(point_key(key)).decode(),
        "size": point.size,
        "root": base64.b64encode(point.root).decode(),
        "note": note,
    }
    assert cosigned == {"origin": origin, "size": point.size, "time": int(lawyer.now().timestamp())}
    line = ledger.cosign(note, name, private, cosigned["time"])
    assert done.out == note + line  # the note, then the cosignature line; no blank line
    public = private.public_key().public_bytes_raw()
    assert done.err.rstrip("\n").endswith(ledger.cosigner_key(name, public))


def point_key(verifier: str) -> bytes:
    return base64.b64decode(verifier.split("+", 2)[2])[1:]  # base64 may hold "+"


def test_cosign_says_which_log_when_it_cannot_choose(
    vault_env: Env, lawyer: Env, tmp_path: Path
) -> None:
    with vault.unlock(lawyer, PASSPHRASE) as v:
        with pytest.raises(NotFound) as caught:
            witness.cosigning_key(v)
        assert caught.value.message == "this vault has not witnessed any checkpoint yet"
    done = run_cli(lawyer, "witness", "cosign")
    assert (done.code, done.err) == (
        1,
        "blockwatch: error: you keep no checkpoint yet: 'blockwatch witness add FILE' first\n",
    )
    second = make_env(tmp_path / "second")
    assert run_cli(second, "init", "--timezone", "Asia/Almaty").code == 0
    first_origin, note, key = _latest(vault_env)
    second_origin, second_note, second_key = _latest(second)
    _add(lawyer, ledger.Request(note), key)
    _add(lawyer, ledger.Request(second_note), second_key)
    with vault.unlock(lawyer, PASSPHRASE) as v:
        assert witness.logs(v) == [first_origin, second_origin]
        with pytest.raises(InputError) as several:
            witness.cosign(v, None)
        with pytest.raises(NotFound) as unknown:
            witness.cosign(v, "nobody")
    assert _said(several.value) == (
        InputError,
        "you witness 2 logs: name one",
        f"the logs: {first_origin}, {second_origin}",
    )
    assert _said(unknown.value) == (
        NotFound,
        "you keep no checkpoint of nobody",
        f"the logs you witness: {first_origin}, {second_origin}",
    )
    assert run_cli(lawyer, "witness", "cosign", second_origin).code == 0


def test_cosign_of_an_unknown_log_with_none_kept_says_so(lawyer: Env) -> None:
    with vault.unlock(lawyer, PASSPHRASE) as v, pytest.raises(NotFound) as caught:
        witness.cosign(v, "nobody")
    assert _said(caught.value) == (
        NotFound,
        "you keep no checkpoint of nobody",
        "the logs you witness: —",
    )
