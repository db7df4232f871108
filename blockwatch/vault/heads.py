"""The vault's stored map of heads (docs/DESIGN.md "The ledger"): every perfect subtree's hash.

Table ``heads`` (schema version 2): one row per ``(level, block)`` holding the hashes of the
perfect subtrees ``block * BLOCK`` .. ``block * BLOCK + BLOCK - 1`` of that level, 32 bytes
each, in order.  A block, not a row per hash: an import of 100,000 calls writes some 800 rows
instead of 200,000, and a change of one incident rewrites one block per level.  The rows
change as incidents change (the table is not append-only); ``check`` rebuilds the map from the
ledger and compares it node for node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from blockwatch import ledger
from blockwatch.errors import VaultCorrupt
from blockwatch.i18n import _

BLOCK = 256  # hashes per row: 8 KiB
_SIZE = ledger.HASH_SIZE


def create(conn: Any) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS heads (level INTEGER NOT NULL, block INTEGER NOT NULL, "
        "hashes BLOB NOT NULL, PRIMARY KEY (level, block)) WITHOUT ROWID"
    )


def damaged() -> VaultCorrupt:
    return VaultCorrupt(
        _("the vault's map of heads does not match its ledger"),
        hint=_("run 'blockwatch check'"),
    )


def _blocks(conn: Any, level: int, blocks: Iterable[int]) -> dict[int, bytes]:
    wanted = sorted(set(blocks))
    found: dict[int, bytes] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ", ".join("?" * len(part))
        found.update(
            (block, bytes(data))
            for block, data in conn.execute(
                f"SELECT block, hashes FROM heads WHERE level = ? AND block IN ({marks})",
                (level, *part),
            )
        )
    return found


def read(conn: Any, level: int, indices: Iterable[int]) -> dict[int, bytes]:
    """Stored hashes at one level, by index (KeyError-free: absent ones are left out)."""
    indices = list(indices)
    blocks = _blocks(conn, level, (i // BLOCK for i in indices))
    found = {}
    for i in indices:
        data = blocks.get(i // BLOCK, b"")
        at = (i % BLOCK) * _SIZE
        if at + _SIZE <= len(data):
            found[i] = data[at : at + _SIZE]
    return found


def write(conn: Any, nodes: Mapping[tuple[int, int], bytes]) -> None:
    """Set these hashes {(level, index): hash}; a new index extends its level by one."""
    by_block: dict[tuple[int, int], dict[int, bytes]] = defaultdict(dict)
    for (level, index), h in nodes.items():
        by_block[level, index // BLOCK][index % BLOCK] = h
    levels: dict[int, list[int]] = defaultdict(list)
    for level, block in by_block:
        levels[level].append(block)
    rows = []
    for level, blocks in levels.items():
        stored = _blocks(conn, level, blocks)
        for block in blocks:
            data = bytearray(stored.get(block, b""))
            for slot, h in sorted(by_block[level, block].items()):
                at = slot * _SIZE
                if at > len(data):  # the map grows one node at a time: a gap is damage
                    raise damaged()
                data[at : at + _SIZE] = h
            rows.append((level, block, bytes(data)))
    conn.executemany(
        "INSERT INTO heads (level, block, hashes) VALUES (?, ?, ?) "
        "ON CONFLICT (level, block) DO UPDATE SET hashes = excluded.hashes",
        rows,
    )


def nodes(conn: Any) -> Iterator[tuple[int, int, bytes]]:
    """(level, index, hash) of every stored node, in order."""
    for level, block, data in conn.execute(
        "SELECT level, block, hashes FROM heads ORDER BY level, block"
    ):
        data = bytes(data)
        if len(data) % _SIZE:
            yield level, block * BLOCK, data  # a damaged row: never equal to a node
            continue
        for slot in range(len(data) // _SIZE):
            yield level, block * BLOCK + slot, data[slot * _SIZE : (slot + 1) * _SIZE]


def root(conn: Any, count: int, known: Mapping[tuple[int, int], bytes] = {}) -> bytes:
    """The root of the map of ``count`` leaves: its perfect cover, from ``known`` or stored."""
    hashes = []
    for level, index in ledger.perfect_cover(0, count):
        h = known.get((level, index)) or read(conn, level, [index]).get(index)
        if h is None:
            raise damaged()
        hashes.append(h)
    return ledger.fold(hashes)


def proofs(conn: Any, count: int, indices: Iterable[int]) -> dict[int, list[bytes]]:
    """RFC 9162 inclusion proofs of these leaves in the map of ``count`` leaves, from the
    stored subtrees: a few per proof, fetched together, level by level."""
    ranges = {i: ledger.path_ranges(i, 0, count) for i in indices}
    wanted: dict[int, set[int]] = defaultdict(set)
    for spans in ranges.values():
        for start, end in spans:
            for level, index in ledger.perfect_cover(start, end):
                wanted[level].add(index)
    known = {
        (level, i): h
        for level, needed in wanted.items()
        for i, h in read(conn, level, needed).items()
    }
    tree = ledger.NodeTree(count, known)
    return {i: [tree.hash(s, e) for s, e in spans] for i, spans in ranges.items()}
