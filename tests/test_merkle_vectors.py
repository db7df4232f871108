"""Every transparency-dev/merkle known-answer vector in tests/vectors/merkle must pass.

Policy beyond the vectors (tests/vectors/merkle/README.md): a hash that is not 32 bytes is
refused, so a vector whose happy path uses placeholder "don't care" hashes of another length
must be refused *for that reason*.  Every such case is named by the test id.
"""

from __future__ import annotations

import base64
import json

import pytest

from blockwatch import ledger

from .conftest import VECTORS


def _load(kind: str) -> list[tuple[str, dict]]:
    root = VECTORS / kind
    files = sorted(root.rglob("*.json"))
    return [(str(f.relative_to(root)), json.loads(f.read_text())) for f in files]


def _b(v: str) -> bytes:
    return base64.b64decode(v)


def _run(check, vector: dict, hashes: list[bytes]) -> None:
    wrong_length = any(len(h) != 32 for h in hashes)
    if vector["wantErr"] or wrong_length:
        with pytest.raises(ledger.ProofError) as info:
            check()
        if wrong_length and not vector["wantErr"]:
            assert "bytes long" in str(info.value)
    else:
        check()


def test_vectors_are_present() -> None:
    counts = {
        k: len(_load(k))
        for k in ("inclusion", "consistency", "subtreeinclusion", "subtreeconsistency")
    }
    assert all(n >= 20 for n in counts.values()), counts


@pytest.mark.parametrize(
    ("name", "v"), _load("inclusion"), ids=lambda x: x if isinstance(x, str) else ""
)
def test_inclusion(name: str, v: dict) -> None:
    proof = [_b(p) for p in v["proof"] or []]
    leaf, root = _b(v["leafHash"]), _b(v["root"])
    _run(
        lambda: ledger.verify_inclusion(v["leafIdx"], v["treeSize"], leaf, proof, root),
        v,
        [leaf, root, *proof],
    )


@pytest.mark.parametrize(
    ("name", "v"), _load("consistency"), ids=lambda x: x if isinstance(x, str) else ""
)
def test_consistency(name: str, v: dict) -> None:
    proof = [_b(p) for p in v["proof"] or []]
    r1, r2 = _b(v["root1"]), _b(v["root2"])
    _run(
        lambda: ledger.verify_consistency(v["size1"], v["size2"], r1, r2, proof),
        v,
        [r1, r2, *proof],
    )


@pytest.mark.parametrize(
    ("name", "v"), _load("subtreeinclusion"), ids=lambda x: x if isinstance(x, str) else ""
)
def test_subtree_inclusion(name: str, v: dict) -> None:
    proof = [_b(p) for p in v["proof"] or []]
    leaf, root = _b(v["leafHash"]), _b(v["root"])
    _run(
        lambda: ledger.verify_subtree_inclusion(
            v["leafIdx"], v["start"], v["end"], leaf, proof, root
        ),
        v,
        [leaf, root, *proof],
    )


@pytest.mark.parametrize(
    ("name", "v"), _load("subtreeconsistency"), ids=lambda x: x if isinstance(x, str) else ""
)
def test_subtree_consistency(name: str, v: dict) -> None:
    proof = [_b(p) for p in v["proof"] or []]
    r1, r2 = _b(v["root1"]), _b(v["root2"])
    _run(
        lambda: ledger.verify_subtree_consistency(v["start"], v["end"], v["size"], r1, r2, proof),
        v,
        [r1, r2, *proof],
    )


def test_tree_roots_match_reference() -> None:
    ref = json.loads((VECTORS / "tree.json").read_text())
    leaves = [ledger.leaf_hash(bytes.fromhex(x)) for x in ref["leaf_inputs_hex"]]
    for size, want in enumerate(ref["root_by_size_hex"]):
        tree = ledger.MerkleTree(leaves[:size])
        compact = ledger.CompactRange()
        for leaf in leaves[:size]:
            compact.append(leaf)
        assert tree.root().hex() == want
        assert compact.root().hex() == want


def test_generated_proofs_match_reference_vectors() -> None:
    """Our proof *generation* reproduces the reference happy-path proofs byte for byte."""
    ref = json.loads((VECTORS / "tree.json").read_text())
    tree = ledger.MerkleTree(ledger.leaf_hash(bytes.fromhex(x)) for x in ref["leaf_inputs_hex"])
    seen = 0
    for name, v in _load("inclusion"):
        if (
            name.endswith("happy-path.json")
            and v["treeSize"] <= 8
            and v["root"] == base64.b64encode(tree.root(v["treeSize"])).decode()
        ):
            assert [
                base64.b64encode(p).decode()
                for p in tree.inclusion_proof(v["leafIdx"], v["treeSize"])
            ] == (v["proof"] or [])
            seen += 1
    for name, v in _load("consistency"):
        if (
            name.endswith("happy-path.json")
            and v["size1"] > 0
            and v["root2"] == base64.b64encode(tree.root(v["size2"])).decode()
        ):
            assert [
                base64.b64encode(p).decode() for p in tree.consistency_proof(v["size1"], v["size2"])
            ] == (v["proof"] or [])
            seen += 1
    assert seen >= 4
