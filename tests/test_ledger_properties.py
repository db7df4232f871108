"""Hypothesis properties of the ledger over random trees and random entries."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from blockwatch import ledger

entries = st.lists(st.binary(max_size=40), min_size=1, max_size=70)


@given(entries)
def test_every_inclusion_proof_verifies_at_every_size(data: list[bytes]) -> None:
    leaves = [ledger.leaf_hash(d) for d in data]
    tree = ledger.MerkleTree(leaves)
    for size in range(1, len(leaves) + 1):
        root = tree.root(size)
        for index in range(size):
            ledger.verify_inclusion(
                index, size, leaves[index], tree.inclusion_proof(index, size), root
            )


@given(entries)
def test_every_pair_of_sizes_is_consistent(data: list[bytes]) -> None:
    tree = ledger.MerkleTree(ledger.leaf_hash(d) for d in data)
    compact = ledger.CompactRange()
    for size in range(1, len(data) + 1):
        compact.append(tree.levels[0][size - 1])
        assert compact.root() == tree.root(size)
        for old in range(1, size + 1):
            ledger.verify_consistency(
                old, size, tree.root(old), tree.root(size), tree.consistency_proof(old, size)
            )


@given(entries, st.data())
def test_any_changed_byte_of_an_entry_is_detected(data: list[bytes], draw: st.DataObject) -> None:
    canonical = [
        ledger.canonical_entry(i, "note", "2026-07-05T06:00:00Z", {"t": d.hex()})
        for i, d in enumerate(data)
    ]
    tree = ledger.MerkleTree(ledger.leaf_hash(e) for e in canonical)
    index = draw.draw(st.integers(0, len(canonical) - 1))
    entry = bytearray(canonical[index])
    position = draw.draw(st.integers(0, len(entry) - 1))
    entry[position] ^= draw.draw(st.integers(1, 255))
    with pytest.raises(ledger.ProofError):
        ledger.verify_inclusion(
            index,
            tree.size,
            ledger.leaf_hash(bytes(entry)),
            tree.inclusion_proof(index),
            tree.root(),
        )


@given(entries, st.data())
def test_any_changed_proof_or_root_byte_is_detected(data: list[bytes], draw: st.DataObject) -> None:
    tree = ledger.MerkleTree(ledger.leaf_hash(d) for d in data)
    index = draw.draw(st.integers(0, tree.size - 1))
    proof = tree.inclusion_proof(index)
    root = bytearray(tree.root())
    blobs = [root, *(bytearray(p) for p in proof)]
    target = draw.draw(st.integers(0, len(blobs) - 1))
    blobs[target][draw.draw(st.integers(0, 31))] ^= draw.draw(st.integers(1, 255))
    with pytest.raises(ledger.ProofError):
        ledger.verify_inclusion(
            index, tree.size, tree.levels[0][index], [bytes(p) for p in blobs[1:]], bytes(blobs[0])
        )


@given(st.integers(1, 70), st.data())
def test_a_forked_history_is_inconsistent(size: int, draw: st.DataObject) -> None:
    data = [bytes([i]) for i in range(size + 5)]
    tree = ledger.MerkleTree(ledger.leaf_hash(d) for d in data)
    forked = list(data)
    changed = draw.draw(st.integers(0, size - 1))
    forked[changed] = b"forged"
    fork = ledger.MerkleTree(ledger.leaf_hash(d) for d in forked)
    new = draw.draw(st.integers(size + 1, len(data)))
    with pytest.raises(ledger.ProofError):
        ledger.verify_consistency(
            size, new, tree.root(size), fork.root(new), fork.consistency_proof(size, new)
        )


@settings(max_examples=30)
@given(st.integers(0, 2**40), st.binary(min_size=32, max_size=32), st.data())
def test_signed_checkpoint_round_trip_and_tamper(
    size: int, root: bytes, draw: st.DataObject
) -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    checkpoint = ledger.Checkpoint("blockwatch/test", size, root)
    note = ledger.sign_checkpoint(checkpoint, key)
    assert ledger.open_checkpoint(note, "blockwatch/test", public) == checkpoint
    raw = bytearray(note.encode())
    position = draw.draw(st.integers(0, len(raw) - 1))
    raw[position] = (
        (raw[position] + draw.draw(st.integers(1, 94))) % 95 + 32 if raw[position] != 10 else 65
    )
    try:
        tampered = raw.decode()
    except UnicodeDecodeError:
        return
    if tampered == note:
        return
    with pytest.raises(ledger.ProofError):
        ledger.open_checkpoint(tampered, "blockwatch/test", public)


def test_checkpoint_format_is_c2sp() -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    note = ledger.sign_checkpoint(ledger.Checkpoint("example.com/log", 7, bytes(32)), key)
    lines = note.split("\n")
    assert lines[:4] == ["example.com/log", "7", base64.b64encode(bytes(32)).decode(), ""]
    assert lines[4].startswith("\u2014 example.com/log ") and lines[5] == ""
    sig = base64.b64decode(lines[4].split(" ")[2])
    public = key.public_key().public_bytes_raw()
    assert sig[:4] == ledger.key_id("example.com/log", public) and len(sig) == 68


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=500)
@given(json_values)
def test_fast_canonical_json_equals_rfc8785(value: object) -> None:
    import rfc8785

    try:
        expected = rfc8785.dumps(value)
    except Exception:  # e.g. lone surrogates: both must refuse
        with pytest.raises(Exception):  # noqa: B017
            ledger.canonical_json(value)
        return
    assert ledger.canonical_json(value) == expected


@settings(max_examples=300)
@given(
    st.dictionaries(st.text(max_size=8), json_values | st.floats(allow_nan=False), max_size=6),
    st.data(),
)
def test_encoder_with_shared_members_equals_rfc8785(body: dict, data: st.DataObject) -> None:
    """Bodies that hold shared values (one object in many bodies) encode to RFC 8785 exactly."""
    import rfc8785

    encoder = ledger.Encoder()
    for key in data.draw(st.lists(st.sampled_from(sorted(body)), unique=True)) if body else []:
        try:
            encoder.share(body[key])
        except Exception:  # a value RFC 8785 refuses cannot be shared either
            continue
    for _ in range(2):  # the second time, every shared member comes from the memo
        try:
            expected = rfc8785.dumps(body)
        except Exception:
            with pytest.raises(Exception):  # noqa: B017
                encoder.encode(body)
            return
        assert encoder.encode(body) == expected


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_outside_the_fast_path_still_match(number: float) -> None:
    import rfc8785

    try:
        expected = rfc8785.dumps({"n": number})
    except Exception:
        return
    assert ledger.canonical_json({"n": number}) == expected


@given(
    st.integers(0, 2**40),
    st.sampled_from(["incident.created", "import.file", "ü.type"]),
    st.dictionaries(st.text(max_size=6), json_values, max_size=5),
)
def test_assembled_entries_equal_rfc8785_of_the_whole(seq: int, type_: str, body: dict) -> None:
    import rfc8785

    try:
        expected = rfc8785.dumps(
            {"v": 1, "seq": seq, "type": type_, "recorded_at": "2026-07-05T06:00:00Z", "body": body}
        )
    except Exception:
        return
    assert ledger.canonical_entry(seq, type_, "2026-07-05T06:00:00Z", body) == expected
