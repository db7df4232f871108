"""The ledger's refusals, exactly (issue 20: mutants of ledger.py that a weaker check or a
changed message survived).  Each refusal is named by the one thing wrong with its input, and
says so in its own words: a verifier reading "the witness's cosignature is invalid" must not
be told something else, nor be told nothing when a check is dropped."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from blockwatch import ledger
from blockwatch.errors import InputError

from .conftest import VECTORS

PROOF_ERROR = ledger.ProofError


def _public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(name: str = "witness.example", kind: int = ledger.COSIGNER_KEY) -> tuple[str, bytes]:
    public = _public(Ed25519PrivateKey.generate())
    encoded = base64.b64encode(bytes([kind]) + public).decode()
    key_id = ledger.key_id(name, public) if kind == ledger.NOTE_KEY else None
    text = ledger.cosigner_key(name, public) if kind == ledger.COSIGNER_KEY else None
    if text is None:
        text = f"{name}+{key_id.hex()}+{encoded}"  # type: ignore[union-attr]
    return text, public


def test_a_verifier_key_is_read_back_exactly() -> None:
    text, public = _key()
    assert ledger.parse_verifier_key(text, ledger.COSIGNER_KEY) == ("witness.example", public)


def _refused(text: str, kind: int = ledger.COSIGNER_KEY) -> str:
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.parse_verifier_key(text, kind)
    return raised.value.message


@pytest.mark.parametrize(
    "damage",
    [
        "a character outside base64 inside the key",
        "no name",
        "an id that is not hex",
        "an id of three bytes",
        "a key of 32 bytes",
        "another kind of key",
    ],
)
def test_each_malformed_verifier_key_is_refused_as_not_a_key(damage: str) -> None:
    text, public = _key()
    name, key_id, encoded = text.split("+", 2)
    if damage == "a character outside base64 inside the key":
        text = (
            f"{name}+{key_id}+{encoded[:10]}*{encoded[10:]}"  # b64decode without validate drops it
        )
    elif damage == "no name":
        text = f"+{key_id}+{encoded}"
    elif damage == "an id that is not hex":
        text = f"{name}+zz{key_id[2:]}+{encoded}"
    elif damage == "an id of three bytes":
        text = f"{name}+{key_id[:6]}+{encoded}"
    elif damage == "a key of 32 bytes":
        text = f"{name}+{key_id}+{base64.b64encode(public).decode()}"
    elif damage == "another kind of key":
        text = f"{name}+{key_id}+{base64.b64encode(bytes([ledger.NOTE_KEY]) + public).decode()}"
    assert _refused(text) == "not a verifier key (name+id+key)"


def test_a_name_with_a_line_break_is_not_a_verifier_key_whatever_else_is_right() -> None:
    public = _public(Ed25519PrivateKey.generate())
    name = "two\nlines"
    encoded = base64.b64encode(bytes([ledger.COSIGNER_KEY]) + public).decode()
    key_id = ledger._key_id(name, ledger.COSIGNER_KEY, public).hex()
    assert _refused(f"{name}+{key_id}+{encoded}") == "not a verifier key (name+id+key)"


def test_a_verifier_key_whose_id_does_not_match_is_refused_as_such() -> None:
    text, _public_key = _key()
    name, key_id, encoded = text.split("+", 2)
    wrong = f"{int(key_id, 16) ^ 1:08x}"
    assert _refused(f"{name}+{wrong}+{encoded}") == (
        "the verifier key's ID does not match its name and key"
    )


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        (ledger.NOTE_KEY, "give the verifier key 'blockwatch key show' prints on her computer"),
        (ledger.COSIGNER_KEY, "give the witness key that 'blockwatch witness cosign' printed"),
    ],
)
def test_a_typed_verifier_key_is_refused_naming_the_option_and_where_keys_come_from(
    kind: int, hint: str
) -> None:
    with pytest.raises(InputError) as raised:
        ledger.verifier_key_option("nonsense", kind, "--witness-key")
    assert raised.value.message == "--witness-key: not a verifier key (name+id+key)"
    assert raised.value.hint == hint


# --------------------------------------------------------------------------- cosignatures

NOTE = (
    "blockwatch/0\n3\n"
    + base64.b64encode(b"\x01" * 32).decode()
    + "\n\n— blockwatch/0 "
    + base64.b64encode(bytes(68)).decode()
    + "\n"
)


def _line_with(time_bytes: bytes, signature: bytes, name: str, public: bytes) -> str:
    raw = ledger._key_id(name, ledger.COSIGNER_KEY, public) + time_bytes + signature
    return f"\u2014 {name} {base64.b64encode(raw).decode()}\n"


def test_a_cosignature_at_the_last_representable_time_is_read_and_one_later_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    public, name = _public(key), "witness.example"
    last = ledger.MAX_COSIGNATURE_TIME
    note = NOTE + ledger.cosign(NOTE, name, key, last)
    assert ledger.open_cosignature(note, name, public) == last
    body = NOTE.partition("\n\n")[0]
    later = last + 1
    signed = key.sign(ledger._cosigned_message((body + "\n").encode(), later))
    note = NOTE + _line_with(later.to_bytes(8, "big"), signed, name, public)
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.open_cosignature(note, name, public)
    assert raised.value.message == "the cosignature's time is out of range"


def test_a_cosignature_time_is_big_endian() -> None:
    key = Ed25519PrivateKey.generate()
    public, name = _public(key), "witness.example"
    line = ledger.cosign(NOTE, name, key, 1_700_000_000)
    raw = base64.b64decode(line.split()[-1])
    assert raw[4:12] == (1_700_000_000).to_bytes(8, "big")
    assert ledger.open_cosignature(NOTE + line, name, public) == 1_700_000_000


def test_a_forged_and_a_missing_cosignature_are_refused_each_in_its_own_words() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    public, name = _public(key), "witness.example"
    forged = NOTE + _line_with((5).to_bytes(8, "big"), other.sign(b"x"), name, public)
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.open_cosignature(forged, name, public)
    assert raised.value.message == "the witness's cosignature is invalid"
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.open_cosignature(NOTE, name, public)
    assert raised.value.message == "the checkpoint carries no cosignature by this witness"


# --------------------------------------------------------------------------- proofs


def _h(n: int) -> bytes:
    return bytes([n]) * 32


def test_a_consistency_proof_longer_than_the_cap_is_refused_as_too_long() -> None:
    proof = [_h(1)] * (ledger.MAX_PROOF_LENGTH + 1)
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.verify_consistency(3, 7, _h(2), _h(3), proof)
    assert raised.value.message == "consistency proof is too long"


def _vector(kind: str, path: str) -> dict:  # type: ignore[type-arg]
    return json.loads((VECTORS / kind / path).read_text())  # type: ignore[no-any-return]


def _b(values: list[str] | None) -> list[bytes]:
    return [base64.b64decode(v) for v in values or []]


INCLUSION = _vector("subtreeinclusion", str(next(
    p.relative_to(VECTORS / "subtreeinclusion")
    for p in sorted((VECTORS / "subtreeinclusion").rglob("happy-path.json"))
    if json.loads(p.read_text())["end"] - json.loads(p.read_text())["start"] >= 4
)))  # fmt: skip


def _inclusion(**changed: object) -> None:
    v = {**INCLUSION, **changed}
    ledger.verify_subtree_inclusion(
        v["leafIdx"], v["start"], v["end"], base64.b64decode(v["leafHash"]),
        _b(v["proof"]), base64.b64decode(v["root"]),
    )  # fmt: skip


def test_a_subtree_inclusion_proof_is_checked_for_each_thing_that_can_be_wrong() -> None:
    _inclusion()  # the vector itself
    start, end = INCLUSION["start"], INCLUSION["end"]
    cases = {
        "not a subtree": ({"end": start}, f"[{start}, {start}) is not a subtree"),
        "misaligned": ({"start": start + 1, "end": end + 1}, f"[{start + 1}, {end + 1}) is not aligned as a subtree"),
        "leaf outside": ({"leafIdx": end}, f"leaf {end} is outside the subtree [{start}, {end})"),
        "other root": (
            {"root": base64.b64encode(_h(9)).decode()},
            f"leaf {INCLUSION['leafIdx']} does not prove into the subtree [{start}, {end})",
        ),
    }  # fmt: skip
    for name, (changed, message) in cases.items():
        with pytest.raises(PROOF_ERROR) as raised:
            _inclusion(**changed)
        assert raised.value.message == message, name


def _consistency(v: dict, **changed: object) -> None:  # type: ignore[type-arg]
    v = {**v, **changed}
    ledger.verify_subtree_consistency(
        v["start"], v["end"], v["size"], base64.b64decode(v["root1"]),
        base64.b64decode(v["root2"]), _b(v["proof"]),
    )  # fmt: skip


WITHIN_NODE = _vector("subtreeconsistency", "2/happy-path.json")  # [0, 6) in a tree of 8
WHOLE_NODE = _vector("subtreeconsistency", "3/happy-path.json")  # [0, 2) in a tree of 5


def test_a_subtree_consistency_proof_is_checked_for_each_thing_that_can_be_wrong() -> None:
    _consistency(WITHIN_NODE)
    _consistency(WHOLE_NODE)
    v = WITHIN_NODE
    proof = v["proof"]
    cases = {
        "too long": (v, {"proof": [proof[0]] * (ledger.MAX_PROOF_LENGTH + 1)}, "subtree consistency proof is too long"),
        "outside": (v, {"size": 5}, "subtree [0, 6) lies outside a tree of size 5"),
        "empty with a proof": (v, {"start": 0, "end": 0}, "an empty subtree has the empty hash and an empty proof"),
        "empty with another hash": (v, {"start": 0, "end": 0, "proof": []}, "an empty subtree has the empty hash and an empty proof"),
        "too short": (v, {"proof": []}, "subtree consistency proof is too short"),
        "other subtree hash": (v, {"root1": base64.b64encode(_h(7)).decode()}, "proof does not match the hash of subtree [0, 6)"),
        "other tree root": (v, {"root2": base64.b64encode(_h(7)).decode()}, "subtree [0, 6) does not prove into tree size 8"),
        "whole node, other root": (WHOLE_NODE, {"root2": base64.b64encode(_h(7)).decode()}, "subtree [0, 2) does not prove into tree size 5"),
        "misaligned": (v, {"start": 1, "end": 7}, "[1, 7) is not aligned as a subtree"),
    }  # fmt: skip
    for name, (vector, changed, message) in cases.items():
        with pytest.raises(PROOF_ERROR) as raised:
            _consistency(vector, **changed)
        assert raised.value.message == message, name


def _flipped(proof: list[str], i: int) -> list[str]:
    """``proof`` with one bit of its ``i``-th hash flipped."""
    raw = bytearray(base64.b64decode(proof[i]))
    raw[i % 32] ^= 1 << (i % 8)
    return [*proof[:i], base64.b64encode(bytes(raw)).decode(), *proof[i + 1 :]]


def test_every_element_of_a_subtree_proof_matters() -> None:
    """Flip one bit of any proof hash: refused (a check dropped, or a hash left out of the
    computation, lets one through)."""
    for vector in (WITHIN_NODE, WHOLE_NODE):
        for i in range(len(vector["proof"])):
            with pytest.raises(PROOF_ERROR):
                _consistency(vector, proof=_flipped(vector["proof"], i))
    for i in range(len(INCLUSION["proof"])):
        with pytest.raises(PROOF_ERROR):
            _inclusion(proof=_flipped(INCLUSION["proof"], i))


def test_the_vectors_directory_is_the_one_the_other_tests_read() -> None:
    assert Path(VECTORS, "subtreeconsistency").is_dir()


# --------------------------------------------------------------------------- consistency, exactly


def _tree(n: int) -> ledger.MerkleTree:
    return ledger.MerkleTree([ledger.leaf_hash(bytes([i])) for i in range(n)])


def _refusal(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> str:
    with pytest.raises(PROOF_ERROR) as raised:
        ledger.verify_consistency(size1, size2, root1, root2, proof)
    return raised.value.message


def test_each_wrong_consistency_proof_is_refused_in_its_own_words() -> None:
    tree = _tree(7)
    r3, r7, r4 = tree.root(3), tree.root(7), tree.root(4)
    proof = tree.consistency_proof(3, 7)
    ledger.verify_consistency(3, 7, r3, r7, proof)
    ledger.verify_consistency(0, 0, ledger.EMPTY_ROOT, ledger.EMPTY_ROOT, [])
    ledger.verify_consistency(4, 4, r4, r4, [])
    assert _refusal(5, 3, r3, r7, proof) == "tree size went backwards: 5 then 3"
    assert _refusal(-1, 3, r3, r7, proof) == "tree size went backwards: -1 then 3"
    assert _refusal(4, 4, r4, r4, proof) == "equal tree sizes need an empty consistency proof"
    assert _refusal(4, 4, r4, r7, []) == "two different roots for tree size 4"
    assert _refusal(0, 0, r4, r4, []) == "the root of an empty tree is wrong"
    assert _refusal(0, 7, ledger.EMPTY_ROOT, r7, proof) == (
        "a consistency proof from an empty tree proves nothing"
    )
    assert _refusal(3, 7, r3, r7, []) == "consistency proof is empty"
    assert (
        _refusal(3, 7, _h(5), r7, proof)
        == "consistency proof does not match the root of tree size 3"
    )
    assert (
        _refusal(3, 7, r3, _h(5), proof)
        == "consistency proof does not match the root of tree size 7"
    )
    assert _refusal(3, 7, r3, r7, proof[:-1]) == "consistency proof is too short"
    assert _refusal(3, 7, r3, r7, [*proof, _h(1)]) == "consistency proof is too long"


@pytest.mark.parametrize("which", ["old root", "new root", "proof"])
def test_every_hash_of_a_consistency_check_must_be_32_bytes(which: str) -> None:
    tree = _tree(7)
    args = [tree.root(3), tree.root(7), tree.consistency_proof(3, 7)]
    if which == "old root":
        args[0] = args[0][:31]
    elif which == "new root":
        args[1] = args[1][:31]
    else:
        args[2] = [args[2][0][:31], *args[2][1:]]
    with pytest.raises(PROOF_ERROR, match="bytes long"):
        ledger.verify_consistency(3, 7, *args)  # type: ignore[arg-type]


def test_a_consistency_proof_of_exactly_the_cap_is_not_refused_as_too_long() -> None:
    """128 hashes pass the cap (a tree of 2^130 entries needs more: "too short"); 129 do not."""
    proof = [_h(1)] * ledger.MAX_PROOF_LENGTH
    assert _refusal(3, 2**130, _h(2), _h(3), proof) == "consistency proof is too short"
    assert _refusal(3, 2**130, _h(2), _h(3), [*proof, _h(1)]) == "consistency proof is too long"


def test_a_tree_gives_consistency_proofs_only_between_sizes_it_has() -> None:
    tree = _tree(5)
    assert tree.consistency_proof(5, 5) == []
    for size1, size2 in ((0, 3), (4, 3), (3, 6)):
        with pytest.raises(ValueError, match=r"^sizes out of range$"):
            tree.consistency_proof(size1, size2)
    tree.consistency_proof(1, 5)  # the smallest that proves something


# --------------------------------------------------------------------------- witness requests


def _request(size: str, proof_lines: list[str]) -> str:
    return "\n".join([f"old {size}", *proof_lines]) + "\n\n" + NOTE


def test_a_witness_request_is_read_exactly_and_each_malformed_one_is_refused() -> None:
    line = base64.b64encode(_h(3)).decode()
    request = ledger.parse_request(_request("9" * 19, [line] * ledger.MAX_PROOF_LENGTH))
    assert request.old == int("9" * 19) and len(request.proof) == ledger.MAX_PROOF_LENGTH
    assert request.note == NOTE
    cases = {
        "twenty digits": (_request("9" * 20, [line]), "the checkpoint's 'old' header is malformed"),
        "not a number": (_request("x", [line]), "the checkpoint's 'old' header is malformed"),
        "no blank line": (f"old 3\n{line}\n" + NOTE.replace("\n\n", "\n"), "the checkpoint's 'old' header is malformed"),
        "not base64": (_request("3", [line[:10] + "*" + line[10:]]), "the consistency proof in the header is not base64"),
        "a short hash": (_request("3", [base64.b64encode(_h(3)[:31]).decode()]), "the consistency proof in the header is malformed"),
        "one hash too many": (_request("3", [line] * (ledger.MAX_PROOF_LENGTH + 1)), "the consistency proof in the header is malformed"),
    }  # fmt: skip
    for name, (text, message) in cases.items():
        with pytest.raises(PROOF_ERROR) as raised:
            ledger.parse_request(text)
        assert raised.value.message == message, name


def test_an_empty_map_of_heads_has_size_zero_and_the_empty_root() -> None:
    """What `check` compares with the checkpoint of a vault without incidents."""
    heads = ledger.Heads()
    assert (heads.size, heads.root()) == (0, ledger.EMPTY_ROOT)
    heads.update(1, {0: _h(1)})
    assert (heads.size, heads.root()) == (1, _h(1))


def test_an_entry_salt_is_16_random_bytes_in_hex() -> None:
    """DESIGN.md: every ledger entry carries a 128-bit random salt (in hex)."""
    salts = {ledger.new_salt() for _ in range(50)}
    assert len(salts) == 50 and {len(s) for s in salts} == {2 * ledger.SALT_BYTES} == {32}
    assert all(int(s, 16) >= 0 for s in salts)


# --------------------------------------------------------------------------- entry bytes


@pytest.mark.parametrize("salt", [None, "ab" * 16, "0f" * 64])
@pytest.mark.parametrize("seq", [0, 7, 2**53 - 1])
def test_an_entry_is_rfc_8785_of_its_members_in_either_format(seq: int, salt: str | None) -> None:
    body = {"b": [1, "ж"], "a": None}
    entry = {"v": 1 if salt is None else 2, "seq": seq, "type": "call", "body": body}
    entry["recorded_at"] = "2026-11-02T20:41:00+05:00"
    if salt is not None:
        entry["salt"] = salt
    assert ledger.canonical_entry(
        seq, "call", "2026-11-02T20:41:00+05:00", body, salt
    ) == rfc8785.dumps(entry)


@pytest.mark.parametrize("seq", [-1, 2**53, True, "3", 1.0, None])
def test_an_entry_number_that_is_not_a_safe_integer_is_refused(seq: object) -> None:
    with pytest.raises(ValueError) as refused:
        ledger.entry_from_body(seq, "call", "t", b"{}")  # type: ignore[arg-type]
    assert str(refused.value) == "seq must be a non-negative safe integer"


@pytest.mark.parametrize(
    "salt", ["ab" * 15, "ab" * 65, "AB" * 16, "ab" * 16 + "a", "xy" * 16, b"ab" * 16, 16]
)
def test_a_salt_that_is_not_16_to_64_bytes_of_lowercase_hex_is_refused(salt: object) -> None:
    with pytest.raises(ValueError) as refused:
        ledger.entry_from_body(0, "call", "t", b"{}", salt)  # type: ignore[arg-type]
    assert str(refused.value) == "salt must be 16 to 64 bytes of lowercase hex"


@pytest.mark.parametrize(
    "value",
    [None, True, False, "x", 0, 2**53 - 1, -(2**53 - 1), [], {}, {"a": [1, {"b": None}]}],
)
def test_plain_values_take_the_standard_library_encoder(value: object) -> None:
    """`_plain` says when the stdlib's bytes are RFC 8785's: those values take the fast path."""
    assert ledger._plain(value) is True


@pytest.mark.parametrize(
    "value",
    [
        2**53,
        -(2**53),
        1.5,
        {"é": 1},
        {1: "a"},
        ("a",),
        {"a": [{"b": 2**60}]},
        [{"ж": 1}],
        {"a": {"b": 0.5}},
        [2**60, "x"],
        [1.5, None],
        {"a": 0.5, "b": True},
    ],
)
def test_values_the_standard_library_may_write_otherwise_take_rfc_8785(value: object) -> None:
    assert ledger._plain(value) is False


def test_a_string_is_encoded_as_rfc_8785_and_anything_else_is_refused() -> None:
    assert ledger._string('é"\n\u2028') == b'"\xc3\xa9\\"\\n\xe2\x80\xa8"'
    with pytest.raises(TypeError) as refused:
        ledger._string(b"x")  # type: ignore[arg-type]
    assert str(refused.value) == "expected a string"
    with pytest.raises(ValueError, match="non-UTF-8"):  # a lone surrogate, refused by rfc8785
        ledger._string("\ud800")


def test_an_encoder_gives_canonical_json_of_every_kind_of_body() -> None:
    encoder = ledger.Encoder()
    shared = encoder.share({"file": "calls.xml", "sha256": "00"})
    for body in (
        [1, 2],
        "text",
        {"é": 1, "a": 2},
        {"a": [], "b": {}, "c": None, "d": "x", "e": shared, "f": 1.5, "g": [1], "h": {"i": 1}},
    ):
        assert encoder.encode(body) == ledger.canonical_json(body)  # type: ignore[arg-type]


def test_an_encoder_reuses_the_bytes_of_a_shared_value() -> None:
    """An import encodes its source once, not once a record: the bytes made by `share` are
    the ones every body holding that very object gets (shown here by breaking the rule that
    a shared value never changes)."""
    encoder = ledger.Encoder()
    source = encoder.share({"file": "calls.xml"})
    source["file"] = "changed"
    assert encoder.encode({"source": source, "n": 1}) == b'{"n":1,"source":{"file":"calls.xml"}}'
    # an equal object that was not shared is encoded as it is
    assert encoder.encode({"source": {"file": "changed"}}) == b'{"source":{"file":"changed"}}'


# --------------------------------------------------------------------------- trees


@pytest.mark.parametrize(
    ("start", "end", "cover"),
    [
        (0, 13, [(3, 0), (2, 2), (0, 12)]),
        (5, 13, [(0, 5), (1, 3), (2, 2), (0, 12)]),
        (6, 7, [(0, 6)]),
        (8, 24, [(3, 1), (3, 2)]),
        (12, 16, [(2, 3)]),
        (3, 3, []),
    ],
)
def test_a_range_is_covered_by_its_largest_aligned_perfect_subtrees(
    start: int, end: int, cover: list[tuple[int, int]]
) -> None:
    assert ledger.perfect_cover(start, end) == cover


def test_every_range_is_covered_left_to_right_by_aligned_subtrees_each_as_large_as_it_can_be() -> (
    None
):
    for start in range(40):
        for end in range(start, 41):
            at = start
            for level, index in ledger.perfect_cover(start, end):
                assert index << level == at, (start, end)
                width = 1 << level
                # one level up would leave the range or its alignment
                assert at + 2 * width > end or at % (2 * width) != 0, (start, end)
                at += width
            assert at == end, (start, end)


def test_a_tree_of_perfect_subtrees_alone_gives_roots_and_proofs() -> None:
    """The map of heads keeps only perfect subtrees: a tree made of them needs no leaf that
    a larger subtree already covers."""
    leaves = [_h(n) for n in range(1, 14)]
    full = ledger.MerkleTree(leaves)
    nodes = {
        (level, index): full.levels[level][index] for level, index in ledger.perfect_cover(0, 13)
    }
    assert ledger.NodeTree(13, nodes).root() == full.root()
    four = ledger.NodeTree(4, {(2, 0): _h(9)})
    assert four.root() == four.hash(0, 4) == _h(9)


def test_a_consistency_proof_is_to_the_whole_tree_unless_a_size_is_given() -> None:
    tree = ledger.MerkleTree([_h(n) for n in range(1, 8)])
    assert tree.consistency_proof(3) == tree.consistency_proof(3, 7)
    assert tree.consistency_proof(3) != tree.consistency_proof(3, 6)
    assert tree.inclusion_proof(2) == tree.inclusion_proof(2, 7) != tree.inclusion_proof(2, 5)


def test_a_tree_refuses_a_proof_it_cannot_give_in_its_own_words() -> None:
    tree = ledger.MerkleTree([_h(1), _h(2)])
    for index, size in ((2, None), (-1, None), (0, 3), (1, 1)):
        with pytest.raises(ValueError) as refused:
            tree.inclusion_proof(index, size)
        assert str(refused.value) == "index out of range"
    for size1, size2 in ((0, None), (3, None), (2, 1)):
        with pytest.raises(ValueError) as refused:
            tree.consistency_proof(size1, size2)
        assert str(refused.value) == "sizes out of range"


@pytest.mark.parametrize(("size", "count"), [(1, 0), (3, 1), (4, 2), (0, 1)])
def test_a_compact_range_must_hold_one_hash_per_bit_of_its_size(size: int, count: int) -> None:
    with pytest.raises(ValueError) as refused:
        ledger.CompactRange(size, [_h(1)] * count)
    assert str(refused.value) == "compact range does not match its size"


# --------------------------------------------------------------------------- checkpoints

_SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
_ORIGIN = "blockwatch/0123"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _signed(text: str, origin: str = _ORIGIN) -> str:
    """``text`` (a note's lines, without the final newline) signed by _SIGNER as ``origin``,
    written here from C2SP signed-note, not by ledger.sign_checkpoint."""

    public = _public(_SIGNER)
    key_id = hashlib.sha256(origin.encode() + b"\n\x01" + public).digest()[:4]
    signature = _SIGNER.sign((text + "\n").encode())
    return f"{text}\n\n\u2014 {origin} {_b64(key_id + signature)}\n"


def _open(note: str) -> ledger.Checkpoint:
    return ledger.open_checkpoint(note, _ORIGIN, _public(_SIGNER))


def test_a_checkpoint_is_signed_as_c2sp_signed_note_says() -> None:
    plain = ledger.Checkpoint(_ORIGIN, 5, _h(7))
    assert plain.body() == f"{_ORIGIN}\n5\n{_b64(_h(7))}\n".encode()
    assert ledger.sign_checkpoint(plain, _SIGNER) == _signed(f"{_ORIGIN}\n5\n{_b64(_h(7))}")
    with_heads = ledger.Checkpoint(_ORIGIN, 5, _h(7), (3, _h(8)))
    text = f"{_ORIGIN}\n5\n{_b64(_h(7))}\nblockwatch-heads 3 {_b64(_h(8))}"
    assert with_heads.body() == (text + "\n").encode()
    assert ledger.sign_checkpoint(with_heads, _SIGNER) == _signed(text)
    assert _open(_signed(text)) == with_heads
    assert _open(_signed(f"{_ORIGIN}\n0\n{_b64(_h(1))}")) == ledger.Checkpoint(_ORIGIN, 0, _h(1))


def test_the_largest_tree_a_checkpoint_may_claim_is_read() -> None:
    top = ledger.MAX_TREE_SIZE
    text = f"{_ORIGIN}\n{top}\n{_b64(_h(1))}\nblockwatch-heads {top} {_b64(_h(2))}"
    assert _open(_signed(text)) == ledger.Checkpoint(_ORIGIN, top, _h(1), (top, _h(2)))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([_ORIGIN, "5"], "checkpoint origin does not match"),
        (["blockwatch/other", "5", _b64(_h(7))], "checkpoint origin does not match"),
        ([_ORIGIN, "05", _b64(_h(7))], "checkpoint tree size is not a number"),
        ([_ORIGIN, "-5", _b64(_h(7))], "checkpoint tree size is not a number"),
        ([_ORIGIN, "+5", _b64(_h(7))], "checkpoint tree size is not a number"),
        ([_ORIGIN, "\u0665", _b64(_h(7))], "checkpoint tree size is not a number"),
        ([_ORIGIN, "5 ", _b64(_h(7))], "checkpoint tree size is not a number"),
        ([_ORIGIN, str(2**40 + 1), _b64(_h(7))], "checkpoint tree size is implausibly large"),
        ([_ORIGIN, "5", "not base64!"], "checkpoint root hash is not base64"),
        ([_ORIGIN, "5", _b64(bytes(31))], "a hash is 31 bytes long, not 32"),
        ([_ORIGIN, "5", _b64(bytes(33))], "a hash is 33 bytes long, not 32"),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-other 3 " + _b64(_h(8))],
            "checkpoint has an extension line blockwatch does not know",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads 3 " + _b64(_h(8))] * 1
            + ["blockwatch-heads 3 " + _b64(_h(8))],
            "checkpoint has an extension line blockwatch does not know",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads x " + _b64(_h(8))],
            "checkpoint's count of incidents is not a number",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads 03 " + _b64(_h(8))],
            "checkpoint's count of incidents is not a number",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), f"blockwatch-heads {2**40 + 1} " + _b64(_h(8))],
            "checkpoint's count of incidents is implausibly large",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads 3 ***"],
            "checkpoint's root of heads is not base64",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads 3"],
            "a hash is 0 bytes long, not 32",
        ),
        (
            [_ORIGIN, "5", _b64(_h(7)), "blockwatch-heads 3 " + _b64(bytes(16))],
            "a hash is 16 bytes long, not 32",
        ),
    ],
)
def test_each_malformed_signed_checkpoint_is_refused_in_its_own_words(
    lines: list[str], message: str
) -> None:
    with pytest.raises(PROOF_ERROR) as refused:
        _open(_signed("\n".join(lines)))
    assert refused.value.message == message


NOT_A_SIGNATURE = "checkpoint note is malformed (a line of its signature block is not a signature)"


def test_a_note_is_refused_by_what_is_wrong_with_its_signatures() -> None:
    text = f"{_ORIGIN}\n5\n{_b64(_h(7))}"
    good = _signed(text)
    signature_line = good.split("\n\n")[1]
    key_id = hashlib.sha256(_ORIGIN.encode() + b"\n\x01" + _public(_SIGNER)).digest()[:4]
    forged = _b64(key_id + bytes(64))
    cases = {
        "no blank line": (text + "\n" + signature_line, "checkpoint note is malformed (no signature block)"),
        "no final newline": (good[:-1], "checkpoint note is malformed (no signature block)"),
        "another signer's name": (good.replace(f"\u2014 {_ORIGIN} ", "\u2014 blockwatch/x "), "checkpoint carries no signature by the vault's key"),
        "a line of another form": (f"{text}\n\n{signature_line.replace(chr(0x2014), '-')}", NOT_A_SIGNATURE),
        # the text then ends at the second blank line, and the vault's signature is in it
        "a blank line among the signatures": (f"{good}\n\u2014 witness.example {_b64(bytes(76))}\n", "checkpoint carries no signature by the vault's key"),
        "only blank lines after the text": (text + "\n\n\n", "checkpoint note is malformed (no signature block)"),
        "a name with a space": (good.replace(f"\u2014 {_ORIGIN} ", f"\u2014 {_ORIGIN} x "), NOT_A_SIGNATURE),
        "four bytes of signature": (f"{text}\n\n\u2014 {_ORIGIN} {_b64(key_id)}\n", NOT_A_SIGNATURE),
        "padding inside": (f"{text}\n\n\u2014 {_ORIGIN} {_b64(b'ab')}{forged}\n", NOT_A_SIGNATURE),
        "a signature cut short": (f"{text}\n\n\u2014 {_ORIGIN} {forged[:-1]}\n", NOT_A_SIGNATURE),
        "a space after the signature": (good[:-1] + " \n", NOT_A_SIGNATURE),
        "a control character": (good.replace("\n5\n", "\n5\r\n"), "checkpoint note is malformed (it holds a control character)"),
        "a tab": (good.replace(f"\u2014 {_ORIGIN} ", f"\u2014 {_ORIGIN}\t"), "checkpoint note is malformed (it holds a control character)"),
        "not base64": (f"{text}\n\n\u2014 {_ORIGIN} {forged[:-2]}!!\n", NOT_A_SIGNATURE),
        "a character base64 skips": (f"{text}\n\n\u2014 {_ORIGIN} {signature_line[len(_ORIGIN) + 3 : 20]}!{signature_line[20:-1]}\n", NOT_A_SIGNATURE),
        "a short signature": (f"{text}\n\n\u2014 {_ORIGIN} {_b64(key_id + bytes(63))}\n", "checkpoint carries no signature by the vault's key"),
        "a long signature": (f"{text}\n\n\u2014 {_ORIGIN} {_b64(key_id + bytes(65))}\n", "checkpoint carries no signature by the vault's key"),
        "another key ID": (f"{text}\n\n\u2014 {_ORIGIN} {_b64(bytes(4) + bytes(64))}\n", "checkpoint carries no signature by the vault's key"),
        "a forged signature": (f"{text}\n\n\u2014 {_ORIGIN} {forged}\n", "checkpoint signature is invalid"),
        "too large": (text + "\n" + "x" * ledger.MAX_NOTE_BYTES + "\n\n" + signature_line, "checkpoint note is too large"),
    }  # fmt: skip
    for name, (note, message) in cases.items():
        with pytest.raises(PROOF_ERROR) as refused:
            _open(note)
        assert refused.value.message == message, name
    # blank lines after the signatures sign nothing and are let pass
    assert _open(good + "\n\n").size == 5
    assert ledger.note_text(good + "\n\n") == ledger.note_text(good) == text
    # another signer's line of 5 bytes (the least C2SP allows), and one ending in "X", skipped
    ending_in_x = _b64(bytes(77) + bytes([23]))
    assert ending_in_x.endswith("X")
    five = _b64(bytes(5))
    assert _open(f"{good}\u2014 w {five}\n\u2014 w {ending_in_x}\n").size == 5
    # other signers' signatures around the vault's own are skipped, in any order
    other = f"\u2014 witness.example {_b64(bytes(76))}"
    assert _open(f"{text}\n\n{other}\n{signature_line}{other}\n").size == 5
    # the text ends at the last blank line: one inside it is part of the signed text
    inner = f"{_ORIGIN}\n5\n{_b64(_h(7))}\n\nblockwatch-heads 1 {_b64(_h(8))}"
    with pytest.raises(PROOF_ERROR) as refused:
        _open(_signed(inner))
    assert refused.value.message == "checkpoint has an extension line blockwatch does not know"


def test_a_note_of_exactly_the_cap_is_read_and_one_byte_more_is_not() -> None:
    text = f"{_ORIGIN}\n5\n{_b64(_h(7))}"
    signature_line = _signed(text).split("\n\n")[1]
    note = f"{text}\n\n{signature_line}"
    room = ledger.MAX_NOTE_BYTES - len(note.encode()) - len("\u2014 x \n".encode())
    at_cap = note + "\u2014 x " + "y" * room + "\n"
    assert len(at_cap.encode()) == ledger.MAX_NOTE_BYTES
    assert _open(at_cap).size == 5
    with pytest.raises(PROOF_ERROR) as refused:
        _open(note + "\u2014 x " + "y" * (room + 1) + "\n")
    assert refused.value.message == "checkpoint note is too large"


# --------------------------------------------------------------------------- the map of heads


def test_a_head_leaf_is_the_hash_of_uid_number_and_entry_leaf() -> None:
    uid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    expected = hashlib.sha256(
        b"\x00" + uuid.UUID(uid).bytes + (258).to_bytes(8, "big") + _h(5)
    ).digest()
    assert ledger.head_leaf(uid, 258, _h(5)) == expected
    for bad in (uid.upper(), uid.replace("-", ""), uid + "0", "{" + uid + "}", ""):
        with pytest.raises(ValueError) as refused:
            ledger.head_leaf(bad, 1, _h(5))
        assert str(refused.value) == "not a UUID in its canonical form"


def test_the_map_of_heads_is_the_tree_of_its_leaves_after_any_batch_of_changes() -> None:
    """`Heads.update` (the vault's write path and `check`'s rebuild) against a tree built from
    scratch after every batch; `read` is asked only for unchanged nodes that exist."""

    rng = random.Random(9162)
    for _ in range(60):
        heads, leaves, asked = ledger.Heads(), [], []
        original = heads._read

        def read(
            level: int, indices: list[int], original=original, asked=asked
        ) -> dict[int, bytes]:  # type: ignore[no-untyped-def]
            asked.append((level, indices))
            return original(level, indices)

        heads._read = read  # type: ignore[method-assign]
        for _ in range(rng.randrange(1, 8)):
            size = len(leaves) + rng.randrange(0, 6)
            # leaves already there, changed in any order; then the new ones, in order (as the
            # vault and check add them)
            changed = {
                i: bytes([rng.randrange(256)]) * 32
                for i in rng.sample(range(len(leaves)), rng.randrange(0, len(leaves) + 1))
            }
            changed.update({i: bytes([i % 256]) * 32 for i in range(len(leaves), size)})
            leaves.extend([b""] * (size - len(leaves)))
            for i, h in changed.items():
                leaves[i] = h
            asked.clear()
            heads.update(size, changed)
            tree = ledger.MerkleTree(leaves)
            assert heads.size == size
            assert heads.root() == (tree.root() if leaves else ledger.EMPTY_ROOT)
            for level, row in enumerate(heads.levels):
                assert row == tree.levels[level][: size >> level] if leaves else row == []
            for level, indices in asked:
                assert all(i < size >> level for i in indices)
                assert len(indices) == len(set(indices))
                if level == 0:
                    assert not set(indices) & set(changed)


# --------------------------------------------------------------------------- every small tree


def _leaves(n: int) -> list[bytes]:
    return [ledger.leaf_hash(b"entry %d" % i) for i in range(n)]


def test_every_inclusion_proof_of_every_tree_up_to_33_leaves_proves_its_leaf_alone() -> None:
    for size in range(1, 34):
        tree = ledger.MerkleTree(_leaves(size))
        for index in range(size):
            proof = tree.inclusion_proof(index)
            leaf = tree.levels[0][index]
            assert ledger.root_from_inclusion(index, size, leaf, proof) == tree.root()
            ledger.verify_inclusion(index, size, leaf, proof, tree.root())
            for other in {index - 1, index + 1} & set(range(size)):
                with pytest.raises(PROOF_ERROR) as refused:
                    ledger.verify_inclusion(other, size, leaf, proof, tree.root())
                assert refused.value.message in (
                    f"leaf {other} does not prove into the root of tree size {size}",
                    "inclusion proof is too long for the tree size",
                    "inclusion proof is too short for the tree size",
                )


def test_an_inclusion_proof_is_refused_in_its_own_words() -> None:
    tree = ledger.MerkleTree(_leaves(5))
    leaf, proof = tree.levels[0][4], tree.inclusion_proof(4)
    cases = {
        "index at the size": (lambda: ledger.root_from_inclusion(5, 5, leaf, proof), "leaf index 5 is outside a tree of size 5"),
        "index below 0": (lambda: ledger.root_from_inclusion(-1, 5, leaf, proof), "leaf index -1 is outside a tree of size 5"),
        "a short leaf": (lambda: ledger.root_from_inclusion(4, 5, leaf[:31], proof), "a hash is 31 bytes long, not 32"),
        "a short proof hash": (lambda: ledger.root_from_inclusion(4, 5, leaf, [proof[0][:1]]), "a hash is 1 bytes long, not 32"),
        "one hash too many": (lambda: ledger.root_from_inclusion(4, 5, leaf, [*proof, leaf]), "inclusion proof is too long for the tree size"),
        "one hash too few": (lambda: ledger.root_from_inclusion(3, 5, leaf, tree.inclusion_proof(3)[:-1]), "inclusion proof is too short for the tree size"),
        "over the cap": (lambda: ledger.root_from_inclusion(0, 2**40, leaf, [leaf] * (ledger.MAX_PROOF_LENGTH + 1)), "inclusion proof is too long"),
        "another root": (lambda: ledger.verify_inclusion(4, 5, leaf, proof, leaf), "leaf 4 does not prove into the root of tree size 5"),
    }  # fmt: skip
    for name, (call, message) in cases.items():
        with pytest.raises(PROOF_ERROR) as refused:
            call()
        assert refused.value.message == message, name


def test_an_inclusion_proof_of_exactly_the_cap_is_not_refused_as_too_long() -> None:
    leaf = _h(1)
    size = 2**ledger.MAX_PROOF_LENGTH
    proof = [_h(2)] * ledger.MAX_PROOF_LENGTH
    assert len(ledger.root_from_inclusion(0, size, leaf, proof)) == 32


def test_every_consistency_proof_between_trees_up_to_33_leaves_holds() -> None:
    leaves = _leaves(33)
    for size2 in range(1, 34):
        tree = ledger.MerkleTree(leaves[:size2])
        for size1 in range(1, size2 + 1):
            old = ledger.MerkleTree(leaves[:size1]).root()
            proof = tree.consistency_proof(size1)
            ledger.verify_consistency(size1, size2, old, tree.root(), proof)
            if size1 < size2:
                with pytest.raises(PROOF_ERROR):
                    ledger.verify_consistency(size1, size2, tree.root(), tree.root(), proof)


def _subtree_proof(leaves: list[bytes], start: int, end: int, size: int) -> list[bytes]:
    """A subtree consistency proof as verify_subtree_consistency reads one: a consistency
    proof from [start, end) to the smallest node holding it, then that node's path up."""
    tree = ledger.MerkleTree(leaves[:size])
    level = (end - start - 1).bit_length()
    node_end = min(start + (1 << level), size)
    lower = []
    if node_end != end:
        lower = ledger.MerkleTree(leaves[start:node_end]).consistency_proof(end - start)
    count = -(-size >> level)
    upper = [
        tree.hash(s << level, min(e << level, size))
        for s, e in ledger.path_ranges(start >> level, 0, count)
    ]
    return lower + upper


def test_every_subtree_of_every_tree_up_to_20_leaves_is_proved_and_nothing_else_is() -> None:
    leaves = _leaves(20)
    for size in range(1, 21):
        tree = ledger.MerkleTree(leaves[:size])
        for start in range(size):
            for end in range(start + 1, size + 1):
                width = 1 << (end - start - 1).bit_length()
                if start % width:
                    continue
                proof = _subtree_proof(leaves, start, end, size)
                own = ledger.MerkleTree(leaves[start:end]).root()
                ledger.verify_subtree_consistency(start, end, size, own, tree.root(), proof)
                with pytest.raises(PROOF_ERROR):
                    ledger.verify_subtree_consistency(start, end, size, _h(9), tree.root(), proof)
                with pytest.raises(PROOF_ERROR):
                    ledger.verify_subtree_consistency(start, end, size, own, _h(9), proof)


def test_a_subtree_consistency_proof_checks_every_hash_length_and_its_cap() -> None:
    leaves = _leaves(8)
    tree = ledger.MerkleTree(leaves)
    proof = _subtree_proof(leaves, 0, 6, 8)
    own = ledger.MerkleTree(leaves[:6]).root()
    for args, length in (
        ((own[:31], tree.root(), proof), 31),
        ((own, tree.root()[:30], proof), 30),
        ((own, tree.root(), [*proof[:-1], proof[-1][:29]]), 29),
    ):
        with pytest.raises(PROOF_ERROR) as refused:
            ledger.verify_subtree_consistency(0, 6, 8, *args)
        assert refused.value.message == f"a hash is {length} bytes long, not 32"
    with pytest.raises(PROOF_ERROR) as refused:  # the cap itself is no reason to refuse
        ledger.verify_subtree_consistency(
            0, 1, 8, own, tree.root(), [_h(1)] * ledger.MAX_PROOF_LENGTH
        )
    assert refused.value.message != "subtree consistency proof is too long"


# --------------------------------------------------------------------------- keys and requests


def test_verifier_and_cosigner_keys_are_written_as_c2sp_says() -> None:
    public = _public(_SIGNER)
    for kind, make in ((1, ledger.verifier_key), (4, ledger.cosigner_key)):
        key_id = hashlib.sha256(b"example.org/log\n" + bytes([kind]) + public).digest()[:4]
        written = make("example.org/log", public)
        assert written == f"example.org/log+{key_id.hex()}+{_b64(bytes([kind]) + public)}"
        assert ledger.verifier_key_option(written, kind, "--key") == ("example.org/log", public)
    assert ledger.key_id("example.org/log", public) == ledger._key_id("example.org/log", 1, public)


def test_a_cosignature_is_written_as_tlog_cosignature_says() -> None:
    public = _public(_SIGNER)
    text = f"{_ORIGIN}\n5\n{_b64(_h(7))}"
    note = _signed(text)
    line = ledger.cosign(note, "witness.example", _SIGNER, 1_700_000_000)
    key_id = hashlib.sha256(b"witness.example\n\x04" + public).digest()[:4]
    message = b"cosignature/v1\ntime 1700000000\n" + (text + "\n").encode()
    raw = key_id + (1_700_000_000).to_bytes(8, "big") + _SIGNER.sign(message)
    assert line == f"\u2014 witness.example {_b64(raw)}\n"
    assert ledger.open_cosignature(note + line, "witness.example", public) == 1_700_000_000


def test_a_note_whose_text_holds_a_blank_line_is_cosigned_over_all_of_its_text() -> None:
    note = _signed(f"{_ORIGIN}\n5\n\n{_b64(_h(7))}")
    line = ledger.cosign(note, "witness.example", _SIGNER, 1700)
    assert ledger.open_cosignature(note + line, "witness.example", _public(_SIGNER)) == 1700


def test_a_witness_request_is_written_as_tlog_witness_says() -> None:
    note = _signed(f"{_ORIGIN}\n5\n{_b64(_h(7))}")
    body = ledger.request_text(note, 3, [_h(1), _h(2)])
    assert body == f"old 3\n{_b64(_h(1))}\n{_b64(_h(2))}\n\n{note}"
    assert ledger.parse_request(body) == ledger.Request(note, 3, (_h(1), _h(2)))
    assert ledger.request_text(note, 5, []) == f"old 5\n\n{note}"
    assert ledger.parse_request(note) == ledger.Request(note)
