"""The map of heads (issue 12): every signed checkpoint commits to each incident's latest entry,
so that a bundle shows no change came after the last one it includes.

The tree is checked against a plain rebuild (``ledger.MerkleTree`` over the same leaves) for
every way it is changed: appended leaves, changed leaves, both at once, in any order.  The
vault's stored copy is checked by ``check`` (check 7), a bundle's proofs by ``verify``
(check 9), each against forgeries made with the vault's own key.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blockwatch import incidents, ledger
from blockwatch.bundle.verify import BundleInvalid, verify_bundle
from blockwatch.env import Env
from blockwatch.errors import VaultCorrupt
from blockwatch.vault import Vault
from blockwatch.vault.check import check

from .test_bundle import _resign, _vault_key, export, filled, members, rezip, top

__all__ = ["filled"]  # the fixture, imported for these tests

# --------------------------------------------------------------------------- the tree


def _leaf(n: int) -> bytes:
    return ledger.leaf_hash(n.to_bytes(4, "big"))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 70),
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 10**6)), max_size=40),
)
def test_the_map_changed_in_batches_is_the_tree_of_its_leaves(
    first: int, batches: list[tuple[int, int]]
) -> None:
    """Appending and changing leaves in any mix gives, node for node, the tree a full rebuild
    gives, and the same root."""
    heads, leaves = ledger.Heads(), []
    heads.update(first, {i: _leaf(i) for i in range(first)})
    leaves = [_leaf(i) for i in range(first)]
    for grow, seed in batches:
        size = len(leaves) + grow % 5
        changed = {i: _leaf(seed + i) for i in range(len(leaves), size)}
        if leaves:
            changed |= {
                (seed * 7 + k) % len(leaves): _leaf(seed + 10**7 + k) for k in range(grow % 4)
            }
        leaves += [b""] * (size - len(leaves))
        for i, h in changed.items():
            leaves[i] = h
        heads.update(size, changed)
        rebuilt = ledger.MerkleTree(leaves)
        assert heads.levels[: len(rebuilt.levels)] == rebuilt.levels
        assert all(not row for row in heads.levels[len(rebuilt.levels) :])
        assert heads.root() == rebuilt.root() and heads.size == size


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, 100])
def test_proofs_from_stored_subtrees_are_rfc_9162_proofs(size: int) -> None:
    """A tree given only by its perfect subtrees proves each leaf as the full tree does, and
    each subtree's hash is the right fold of its perfect cover."""
    full = ledger.MerkleTree(_leaf(i) for i in range(size))
    nodes = {(lv, i): h for lv, row in enumerate(full.levels) for i, h in enumerate(row)}
    stored = ledger.NodeTree(size, nodes)
    assert stored.root() == full.root()
    for index in range(size):
        proof = stored.inclusion_proof(index)
        assert proof == full.inclusion_proof(index)
        ledger.verify_inclusion(index, size, _leaf(index), proof, full.root())
        for start, end in ledger.path_ranges(index, 0, size):
            cover = ledger.perfect_cover(start, end)
            assert ledger.fold([nodes[c] for c in cover]) == full.hash(start, end)
            assert sum(1 << level for level, _ in cover) == end - start


def test_a_head_binds_the_incident_its_entry_and_the_entry_s_place() -> None:
    uid, leaf = str(uuid.uuid4()), _leaf(1)
    head = ledger.head_leaf(uid, 5, leaf)
    assert head == ledger.leaf_hash(uuid.UUID(uid).bytes + (5).to_bytes(8, "big") + leaf)
    assert head != ledger.head_leaf(uid, 6, leaf)
    assert head != ledger.head_leaf(str(uuid.uuid4()), 5, leaf)
    assert head != ledger.head_leaf(uid, 5, _leaf(2))
    with pytest.raises(ValueError):
        ledger.head_leaf("not-a-uuid", 5, leaf)


# --------------------------------------------------------------------------- checkpoints


def _note(key, body: str, origin: str = "o") -> str:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sig = ledger.key_id(origin, public) + key.sign(body.encode())
    return body + f"\n\u2014 {origin} {base64.b64encode(sig).decode()}\n"


def test_the_heads_line_is_signed_with_the_checkpoint_and_read_back() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    point = ledger.Checkpoint("o", 3, _leaf(0), (2, _leaf(1)))
    note = ledger.sign_checkpoint(point, key)
    assert f"\nblockwatch-heads 2 {base64.b64encode(_leaf(1)).decode()}\n\n" in note
    assert ledger.open_checkpoint(note, "o", public) == point
    plain = ledger.Checkpoint("o", 3, _leaf(0))
    assert ledger.open_checkpoint(ledger.sign_checkpoint(plain, key), "o", public).heads is None
    # the line is under the signature: changing it breaks the note
    forged = note.replace("blockwatch-heads 2", "blockwatch-heads 1")
    with pytest.raises(ledger.ProofError, match="signature is invalid"):
        ledger.open_checkpoint(forged, "o", public)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("blockwatch-heads 01 {root}", "count of incidents is not a number"),
        ("blockwatch-heads -1 {root}", "count of incidents is not a number"),
        ("blockwatch-heads 2 {root}x", "root of heads is not base64"),
        ("blockwatch-heads 2 AAAA", "is 3 bytes long"),
        (f"blockwatch-heads {2**40 + 1} {{root}}", "count of incidents is implausibly large"),
        ("blockwatch-heads 2 {root}\nblockwatch-heads 2 {root}", "extension line"),
        ("other-extension 2", "extension line blockwatch does not know"),
        ("blockwatch-heads \u0662 {root}", "count of incidents is not a number"),  # Arabic 2
    ],
)
def test_a_malformed_heads_line_is_refused_even_when_signed(extra: str, message: str) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    root = base64.b64encode(_leaf(0)).decode()
    body = f"o\n3\n{root}\n" + extra.format(root=root) + "\n"
    with pytest.raises(ledger.ProofError, match=message):
        ledger.open_checkpoint(_note(key, body), "o", public)
    assert ledger.open_checkpoint(_note(key, f"o\n3\n{root}\n"), "o", public).heads is None


def test_a_tree_size_in_other_digits_is_refused() -> None:
    """str.isdigit() takes "٣" (Arabic-Indic three) and int() reads it: not a C2SP size."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    root = base64.b64encode(_leaf(0)).decode()
    with pytest.raises(ledger.ProofError, match="tree size is not a number"):
        ledger.open_checkpoint(_note(key, f"o\n\u0663\n{root}\n"), "o", public)


# --------------------------------------------------------------------------- the vault


def _raw(v: Vault, sql: str, *args: object) -> None:
    v.conn.execute(sql, args)


def test_every_write_signs_the_heads_of_all_incidents(filled: Vault) -> None:
    """The newest checkpoint's heads line is the map rebuilt from each incident's latest entry;
    an amendment changes it, a write about no incident does not."""
    views = filled.incidents()

    def expected() -> tuple[int, bytes]:
        leaves = []
        for view in sorted(filled.incidents(), key=lambda v: v["id"]):
            seq = max([view["seq"], *(c["seq"] for c in view["amended"])])
            (leaf,) = filled.conn.execute(
                "SELECT leaf FROM entries WHERE seq = ?", (seq,)
            ).fetchone()
            leaves.append(ledger.head_leaf(view["uid"], seq, bytes(leaf)))
        return len(leaves), ledger.MerkleTree(leaves).root()

    def signed() -> tuple[int, bytes] | None:
        note = filled.latest_checkpoint()
        return ledger.open_checkpoint(note, filled.settings.origin, filled.public_key).heads

    before = signed()
    assert before == expected() and before[0] == len(views)  # type: ignore[index]
    filled.amend(views[0]["id"], {"note": "later"}, why="remembered")
    after = signed()
    assert after == expected() and after != before
    filled.record_disclosure({"bundle": {}, "incidents": []})
    assert signed() == after
    assert check(filled)[6].endswith(f"({len(views)} incidents)")


STORED = "check 7 failed: the stored map of heads does not match the ledger"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("UPDATE heads SET hashes = zeroblob(32) || substr(hashes, 33) WHERE level = 0", STORED),
        ("DELETE FROM heads WHERE level = 1", STORED),
        ("INSERT INTO heads VALUES (9, 9, zeroblob(32))", STORED),
        ("UPDATE heads SET hashes = substr(hashes, 2) WHERE level = 0", STORED),
        ("UPDATE meta SET value = '1' WHERE key = 'heads_size'", STORED),
        ("UPDATE meta SET value = lower(hex(zeroblob(32))) WHERE key = 'heads_root'", STORED),
    ],
    ids=["leaf changed", "level removed", "node added", "row cut", "size", "root"],
)
def test_check_7_finds_a_damaged_map_of_heads(filled: Vault, damage: str, message: str) -> None:
    _raw(filled, damage)
    with pytest.raises(VaultCorrupt) as failed:
        check(filled)
    assert failed.value.message == message


def test_a_write_to_a_damaged_map_of_heads_is_refused_cleanly(vault_env: Env) -> None:
    """A map missing the hashes a write needs: exit 4 with what to do, and nothing written."""
    from blockwatch import vault

    from .conftest import PASSPHRASE, run_cli

    assert run_cli(vault_env, "log", "note", "--text", "one").code == 0
    assert run_cli(vault_env, "log", "note", "--text", "two").code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        v.conn.execute("DELETE FROM heads WHERE level = 0")
        size = v.tree_size()
    done = run_cli(vault_env, "amend", "1", "--note", "later")
    assert done.code == 4, done.err
    assert done.err == (  # exactly: what is wrong, and what to do
        "blockwatch: error: the vault's map of heads does not match its ledger\n"
        "blockwatch: hint: run 'blockwatch check'\n"
    )
    with vault.unlock(vault_env, PASSPHRASE) as v:
        assert v.tree_size() == size


def _resigned_checkpoints(v: Vault, edit) -> None:  # type: ignore[no-untyped-def]
    """What only the key holder can do in the vault: rewrite the newest checkpoint, signed."""
    size, note = v.checkpoints()[-1]
    point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    # checkpoints are append-only by trigger: the key holder drops the trigger first
    v.conn.execute("DROP TRIGGER checkpoints_no_update")
    v.conn.execute(
        "UPDATE checkpoints SET note = ? WHERE size = ?",
        (ledger.sign_checkpoint(edit(point), _vault_key(v)), size),
    )


def test_check_7_finds_a_signed_checkpoint_with_other_heads(filled: Vault) -> None:
    import dataclasses

    size = filled.checkpoints()[-1][0]
    _resigned_checkpoints(
        filled, lambda p: dataclasses.replace(p, heads=(p.heads[0], ledger.EMPTY_ROOT))
    )
    with pytest.raises(VaultCorrupt) as failed:
        check(filled)
    assert failed.value.message == (
        f"check 7 failed: checkpoint at size {size} commits to other latest entries than the "
        "ledger's"
    )


def test_check_7_finds_a_checkpoint_without_heads_after_one_with(filled: Vault) -> None:
    import dataclasses

    (earlier, _note), (size, _last) = filled.checkpoints()[-2:]
    _resigned_checkpoints(filled, lambda p: dataclasses.replace(p, heads=None))
    with pytest.raises(VaultCorrupt) as failed:
        check(filled)
    assert failed.value.message == (
        f"check 7 failed: checkpoint at size {size} has no map of heads, though the one at size "
        f"{earlier} has"
    )


# --------------------------------------------------------------------------- bundles


def _amended_twice(v: Vault) -> int:
    call_id = next(i["id"] for i in v.incidents() if i["kind"] == "call")
    v.amend(call_id, {"details": {"outcome": "answered"}}, why="checked the call log")
    v.amend(call_id, {"note": "the caller spoke Russian"}, why="remembered")
    return call_id


CHECK_9 = "check 9 failed, no entry is missing from an included incident's history: "


def _without_last_change(files: dict[str, bytes], root: str, call_id: int) -> tuple[dict, int]:
    """The bundle with the incident's last change left out and incidents.json made to agree
    (checks 7 and 8 pass): what a key holder hiding a later correction would hand over."""
    ledger_name, incidents_name = f"{root}/data/ledger.json", f"{root}/data/incidents.json"
    proofs = json.loads(files[ledger_name])
    uid = next(v["uid"] for v in json.loads(files[incidents_name]) if v["id"] == call_id)
    last = [e for e in proofs["entries"] if json.loads(e["entry"])["body"].get("uid") == uid][-1]
    proofs["entries"].remove(last)
    replay = incidents.Projection()
    for e in proofs["entries"]:
        entry = json.loads(e["entry"])
        replay.apply(e["seq"], entry["type"], entry["recorded_at"], entry["body"])
    files[incidents_name] = json.dumps(list(replay.by_uid.values())).encode()
    return proofs, last["seq"]


def test_the_last_change_of_an_included_incident_cannot_be_left_out(
    filled: Vault, tmp_path: Path
) -> None:
    call_id = _amended_twice(filled)
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    proofs, dropped = _without_last_change(files, root, call_id)
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.message == (
        f"{CHECK_9}incident {call_id} was changed after its last included entry: the signed map "
        f"of heads names entry {dropped}, which is not in the bundle (data/ledger.json)"
    )


def test_a_head_rewritten_to_the_earlier_entry_does_not_prove(
    filled: Vault, tmp_path: Path
) -> None:
    """The key holder also makes the head name the entry now last in the bundle: that head
    is not the one the signed checkpoint commits to."""
    call_id = _amended_twice(filled)
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    proofs, _dropped = _without_last_change(files, root, call_id)
    uid = next(r["uid"] for r in proofs["heads"]["incidents"] if r["index"] == call_id - 1)
    last = [e for e in proofs["entries"] if json.loads(e["entry"])["body"].get("uid") == uid][-1]
    row = next(r for r in proofs["heads"]["incidents"] if r["uid"] == uid)
    row["seq"], row["leaf"] = last["seq"], ledger.leaf_hash(last["entry"].encode()).hex()
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == 9
    assert f"the head of incident {call_id} does not prove" in info.value.message


def _edit_heads(case: str, heads: dict, views: list[dict]) -> None:
    rows = heads["incidents"]
    if case == "heads-removed":
        heads.clear()
    elif case == "size-changed":
        heads["size"] += 1
    elif case == "size-as-text":
        heads["size"] = str(heads["size"])
    elif case == "row-removed":
        rows.pop()
    elif case == "row-repeated":
        rows.append(dict(rows[0]))
    elif case == "row-for-another-incident":
        rows.append({**rows[0], "uid": str(uuid.uuid4())})
    elif case == "index-moved":
        rows[0]["index"] += 1
    elif case == "proof-shortened":
        rows[0]["inclusion_proof"] = rows[0]["inclusion_proof"][:-1]
    elif case == "proof-changed":
        rows[0]["inclusion_proof"][0] = base64.b64encode(b"\0" * 32).decode()
    elif case == "leaf-not-hex":
        rows[0]["leaf"] = "zz"
    elif case == "seq-as-text":
        rows[0]["seq"] = str(rows[0]["seq"])
    elif case == "seq-negative":
        rows[0]["seq"] = -1
    elif case == "renumbered":  # incidents.json and the head agree, the signed map does not
        views[0]["id"] += 100
        rows[0]["index"] += 100


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("heads-removed", "the map of heads is malformed"),
        ("size-changed", "the map of heads has another size than the checkpoint says"),
        ("size-as-text", "the map of heads has another size than the checkpoint says"),
        ("row-removed", "incident 8 has no head in the map of heads"),  # the last
        ("row-repeated", "the map of heads is malformed"),
        (
            "row-for-another-incident",
            "the map of heads names incidents the bundle does not include",
        ),
        ("index-moved", "incident 1 is not at its number's place in the map of heads"),
        ("proof-shortened", "the head of incident 1 does not prove into the signed map of heads"),
        ("proof-changed", "the head of incident 1 does not prove into the signed map of heads"),
        ("leaf-not-hex", "the map of heads is malformed"),
        ("seq-as-text", "the map of heads is malformed"),
        ("seq-negative", "the map of heads is malformed"),
        ("renumbered", "the head of incident 101 does not prove into the signed map of heads"),
    ],
)
def test_forged_heads_fail_check_9(filled: Vault, tmp_path: Path, case: str, message: str) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    ledger_name, incidents_name = f"{root}/data/ledger.json", f"{root}/data/incidents.json"
    proofs, views = json.loads(files[ledger_name]), json.loads(files[incidents_name])
    rows = sorted(proofs["heads"]["incidents"], key=lambda r: r["index"])
    views.sort(key=lambda v: v["id"])
    proofs["heads"]["incidents"] = rows
    _edit_heads(case, proofs["heads"], views)
    files[ledger_name] = json.dumps(proofs).encode()
    files[incidents_name] = json.dumps(views).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.message == f"{CHECK_9}{message} (data/ledger.json)"


def test_a_checkpoint_stripped_of_its_heads_line_fails_check_9(
    filled: Vault, tmp_path: Path
) -> None:
    """The key holder signs the checkpoint again without the heads line (as format 2 bundles
    made before the map were): the bundle still says format 2, so the map is required."""
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    proofs = json.loads(files[f"{root}/data/ledger.json"])
    point = ledger.open_checkpoint(proofs["checkpoint"], filled.settings.origin, filled.public_key)
    note = ledger.sign_checkpoint(
        ledger.Checkpoint(point.origin, point.size, point.root), _vault_key(filled)
    )
    proofs["checkpoint"] = note
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    files[f"{root}/checkpoint.txt"] = note.encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == 9 and "commits to no map of heads" in info.value.message


def test_a_filtered_bundle_proves_the_heads_of_what_it_includes(
    filled: Vault, tmp_path: Path
) -> None:
    from blockwatch.vault import Filter

    call_id = _amended_twice(filled)
    out = export(filled, tmp_path / "one.zip", where=Filter(ids=(call_id,)))
    verified = verify_bundle(out)
    assert len(verified.passed) == 12 and set(verified.not_compared) == {13, 14}  # no witness
    heads = json.loads(members(out)[f"{top(members(out))}/data/ledger.json"])["heads"]
    assert heads["size"] == len(filled.incidents()) and len(heads["incidents"]) == 1
    assert heads["incidents"][0]["index"] == call_id - 1


def test_sqlite3_cannot_read_the_heads(filled: Vault) -> None:
    """The map lives inside the encrypted database like everything else."""
    db = filled.env.vault_dir / "vault.db"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT * FROM heads").fetchall()


def test_an_export_sees_one_state_while_another_process_writes(
    filled: Vault, tmp_path: Path
) -> None:
    """Another blockwatch amends an included incident and logs a new one while the export
    reads the ledger: the bundle is of the state the export began with, and verifies."""
    from blockwatch import logbook, vault

    from .conftest import PASSPHRASE

    other = vault.unlock(filled.env, PASSPHRASE)
    call_id = next(i["id"] for i in filled.incidents() if i["kind"] == "call")
    entries, wrote = filled.entries, []

    def entries_while_another_writes():  # type: ignore[no-untyped-def]
        rows = entries()
        yield next(rows)
        if not wrote:  # a real write, by another connection, in the middle of the read
            other.amend(call_id, {"note": "changed during the export"}, why="race")
            logbook.log(other, "note", logbook.Typed(details={"text": "logged meanwhile"}))
            wrote.append(True)
        yield from rows

    filled.entries = entries_while_another_writes  # type: ignore[method-assign]
    try:
        out = export(filled, tmp_path / "b.zip")
    finally:
        del filled.entries
        other.close()
    assert wrote
    verified = verify_bundle(out)
    assert len(verified.passed) == 12
    call = next(v for v in verified.incidents if v["id"] == call_id)
    assert call.get("note") != "changed during the export"  # the state before the writes
    assert len(check(filled)) == 8


@pytest.mark.parametrize("where", ["ledger.json", "both"])
def test_a_format_2_bundle_passed_off_as_format_1_fails(
    filled: Vault, tmp_path: Path, where: str
) -> None:
    """Format 1 skips the map of heads (a warning): a key holder who relabels a format 2
    bundle as format 1 to leave out a last change is refused, not warned."""
    call_id = _amended_twice(filled)
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    proofs, _dropped = _without_last_change(files, root, call_id)
    proofs["version"] = 1
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    if where == "both":
        info = files[f"{root}/bag-info.txt"].decode()
        files[f"{root}/bag-info.txt"] = info.replace(
            "Blockwatch-Bundle-Version: 2", "Blockwatch-Bundle-Version: 1"
        ).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == 7
    assert "format version does not match what it holds" in info.value.message


def test_the_stored_map_across_blocks_matches_the_ledger(opened: Vault, tmp_path: Path) -> None:
    """More incidents than one stored block holds (heads.BLOCK), then changes in the first,
    a middle and the last block: check 7 compares every stored node with the rebuilt map."""
    from blockwatch import importing, logbook
    from blockwatch.vault import heads

    from .test_import import call, calls_xml, write

    count = 2 * heads.BLOCK + 3
    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(count)]))
    importing.import_file(opened, calls, importing.Options(timezone="Asia/Almaty"))
    for number in (1, heads.BLOCK + 1, count):
        opened.amend(number, {"note": f"changed {number}"}, why="test")
    logbook.log(opened, "note", logbook.Typed(details={"text": "one more"}))
    assert check(opened)[6].endswith(f"({count + 1} incidents)")
    stored = list(opened.heads_nodes())
    assert len(stored) == sum((count + 1) >> level for level in range(12))
