"""Long runs, opt-in with ``pytest --run-slow`` (kept out of CI's 15 minutes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blockwatch import ledger
from blockwatch.env import Env

from .conftest import run_cli

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.slow
def test_a_100k_call_backup_imports_once_and_checks(vault_env: Env, tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    from import_calls import generate  # the benchmark's generator: synthetic numbers only

    xml = tmp_path / "calls-big.xml"
    generate(xml, 100_000)
    first = run_cli(vault_env, "import", str(xml), "--json")
    assert first.code == 0, first.err
    assert json.loads(first.out)[0]["added"] == 100_000
    again = json.loads(run_cli(vault_env, "import", str(xml), "--json").out)[0]
    assert again["added"] == 0 and again["already_present"] == 100_000
    assert run_cli(vault_env, "check").code == 0
    stats = json.loads(run_cli(vault_env, "stats", "--json").out)
    assert stats["calls"]["total"] <= 100_000 and stats["incidents"] == 100_000


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(st.integers(1, 600), st.data())
def test_consistency_proofs_on_large_trees(size: int, draw: st.DataObject) -> None:
    tree = ledger.MerkleTree(ledger.leaf_hash(n.to_bytes(4, "big")) for n in range(size))
    old = draw.draw(st.integers(1, size))
    ledger.verify_consistency(
        old, size, tree.root(old), tree.root(), tree.consistency_proof(old, size)
    )
    index = draw.draw(st.integers(0, size - 1))
    ledger.verify_inclusion(
        index, size, tree.levels[0][index], tree.inclusion_proof(index), tree.root()
    )
