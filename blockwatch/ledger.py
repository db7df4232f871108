"""The tamper-evident ledger: canonical entries, the Merkle tree over them, signed checkpoints.

Layout (entry format 2; format 1 entries, written before, are read as they are):

* An entry is the RFC 8785 canonical JSON of
  ``{"v": 2, "seq": n, "type": ..., "recorded_at": ..., "salt": ..., "body": {...}}``; ``seq``
  is the entry's 0-based index, which is also its leaf index in the tree.  ``salt`` is 128
  random bits (32 lowercase hex digits, fresh for every entry), so that the leaf hash of an
  entry left out of a bundle reveals nothing about it: without the salt no guess of its
  contents can be checked against the hash.  A format 1 entry has no salt and ``"v": 1``.
* The entries are the leaves of an RFC 9162 section 2.1 Merkle tree:
  ``leaf = SHA-256(0x00 || entry)``, ``node = SHA-256(0x01 || left || right)``.
* After every committed write the vault stores a checkpoint in the C2SP ``tlog-checkpoint``
  format (origin line, tree size, base64 root hash, and the extension line
  ``blockwatch-heads <n> <base64 root>``), wrapped in a C2SP ``signed-note`` with an Ed25519
  signature (signature type 0x01).
* The map of heads is a second RFC 9162 tree, over one leaf per incident in order of
  creation: ``SHA-256(0x00 || uid (16 bytes) || seq (8 bytes, big-endian) || leaf hash)`` of
  the incident's latest entry (``head_leaf``).  Its leaves change; ``updated_nodes`` rewrites
  the perfect subtrees above the changed ones, level by level.

Proof verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2; the subtree variants follow
the "Merkle Tree Certificates" draft.  Policy beyond those texts: every hash must be 32 bytes and
a consistency proof from an empty tree is refused.  Nothing here touches the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any, TypeVar

from blockwatch.errors import VerificationFailed
from blockwatch.i18n import _

_T = TypeVar("_T")

ENTRY_VERSION = 2  # what is written: salted entries
ENTRY_VERSIONS = (1, 2)  # what is read: format 1 entries have no salt
SALT_BYTES = 16
_SALT = re.compile(r"(?:[0-9a-f]{2}){16,64}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Caps on what is read from an untrusted checkpoint or bundle (docs/DEVELOPING.md habit 6).
MAX_TREE_SIZE = 2**40
MAX_NOTE_BYTES = 16 * 1024
MAX_PROOF_LENGTH = 128
# The checkpoint's extension line that commits to every incident's latest entry (the map of
# heads, docs/DESIGN.md "The ledger")
HEADS_EXTENSION = "blockwatch-heads"
# a signed note's signature line: em dash, key name (no space, no "+"), base64 (C2SP
# signed-note, "Format")
_SIGNATURE_LINE = re.compile(r"\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class ProofError(VerificationFailed):
    """A Merkle proof or checkpoint does not verify."""


# --------------------------------------------------------------------------- entries


def new_salt() -> str:
    """A fresh salt for one entry: 128 random bits, as hex."""
    return secrets.token_hex(SALT_BYTES)


def canonical_entry(
    seq: int, type_: str, recorded_at: str, body: dict[str, Any], salt: str | None = None
) -> bytes:
    """The exact bytes of ledger entry ``seq`` (RFC 8785); these bytes are what is hashed.
    With a ``salt`` the entry is of format 2, without one of format 1."""
    return entry_from_body(seq, type_, recorded_at, canonical_json(body), salt)


def entry_from_body(
    seq: int, type_: str, recorded_at: str, body: bytes, salt: str | None = None
) -> bytes:
    """RFC 8785 of the entry, given the canonical bytes of its body.

    The entry's keys in RFC 8785 order are body, recorded_at, salt, seq, type, v, and a
    canonical object is its members' canonical values in that order, so the entry can be
    assembled.
    """
    if type(seq) is not int or not 0 <= seq <= _SAFE_INT:
        raise ValueError("seq must be a non-negative safe integer")
    if salt is not None and not (isinstance(salt, str) and _SALT.fullmatch(salt)):
        raise ValueError("salt must be 16 to 64 bytes of lowercase hex")
    parts = (
        b'{"body":',
        body,
        b',"recorded_at":',
        _repeated_string(recorded_at),
        *((b',"salt":"', salt.encode(), b'"') if salt is not None else ()),
        b',"seq":',
        str(seq).encode(),
        b',"type":',
        _repeated_string(type_),
        b',"v":',
        b"1}" if salt is None else b"%d}" % ENTRY_VERSION,
    )
    return b"".join(parts)


_SAFE_INT = 2**53 - 1


def _plain(value: Any) -> bool:
    """True when the stdlib's sorted, compact JSON is byte-identical to RFC 8785's.

    That holds for null, booleans, strings, integers within IEEE 754's exact range, and
    arrays and objects of them whose keys are ASCII (RFC 8785 sorts keys by UTF-16 code
    units, Python by code points; they agree on ASCII).  Floats take the slow path.
    """
    stack = [value]
    while stack:  # iterative: an import checks 100,000 bodies
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -_SAFE_INT <= item <= _SAFE_INT:
                return False
        elif kind is dict:
            for key in item:
                if type(key) is not str or not key.isascii():
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:
            return False
    return True


def _string(text: str) -> bytes:
    """A JSON string in RFC 8785 form (the stdlib escapes strings the same way)."""
    if type(text) is not str:
        raise TypeError("expected a string")
    try:
        return encode_basestring(text).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: let rfc8785 refuse it
        return canonical_json(text)


_STDLIB = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=64)
def _repeated_string(text: str) -> bytes:
    """``_string`` of the few values every entry of a write repeats (type, recorded_at)."""
    return _string(text)


@lru_cache(maxsize=256)
def _member_name(key: str) -> bytes:
    return _string(key) + b":"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON.  Imports write 100,000 entries at a time, and the pure-Python
    ``rfc8785`` costs ~90 us per entry, so values for which the stdlib encoder provably gives
    the same bytes take it (tests/test_ledger_properties.py checks the two agree)."""
    if _plain(value):
        text = _STDLIB.encode(value)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let rfc8785 refuse it
            pass
    import rfc8785

    return rfc8785.dumps(value)


class Encoder:
    """``canonical_json`` for many bodies that hold the same values, each encoded once.

    An import gives 100,000 bodies the same source file and a few thousand distinct
    counterparties.  ``share(value)`` marks such a value (the very object, which must not
    change afterwards); ``encode(body)`` then gives exactly ``canonical_json(body)``, reusing
    the bytes of the shared members.
    """

    def __init__(self) -> None:
        self._shared: dict[int, tuple[Any, bytes]] = {}
        # per key set (bodies of one kind share one): the keys in RFC 8785 order, with their
        # encoded member names; None when a key is not an ASCII string
        self._plans: dict[tuple[Any, ...], list[tuple[str, bytes]] | None] = {}

    def share(self, value: _T) -> _T:
        self._shared[id(value)] = (value, canonical_json(value))  # holding it keeps id unique
        return value

    def encode(self, body: dict[str, Any]) -> bytes:
        if type(body) is not dict:
            return canonical_json(body)
        keys = tuple(body)
        if keys not in self._plans:
            self._plans[keys] = (
                [(k, _member_name(k)) for k in sorted(keys)]
                if all(type(k) is str and k.isascii() for k in keys)
                else None  # RFC 8785 orders other keys by UTF-16 code units
            )
        plan = self._plans[keys]
        if plan is None:
            return canonical_json(body)
        members = []
        for key, name in plan:
            value = body[key]
            kind = type(value)
            if kind is str:
                encoded = _string(value)
            elif value is None:
                encoded = b"null"
            elif (kind is list or kind is dict) and not value:
                encoded = b"[]" if kind is list else b"{}"
            else:
                hit = self._shared.get(id(value))
                encoded = hit[1] if hit is not None and hit[0] is value else canonical_json(value)
            members.append(name + encoded)
        return b"{" + b",".join(members) + b"}"


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


# --------------------------------------------------------------------------- trees


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2): RFC 9162's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The right edge of a growing tree: one hash per perfect subtree, largest first.

    Appending a leaf and computing the root are O(log n), so a write never rereads the
    ledger.  ``hashes`` is what the vault stores between writes.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError("compact range does not match its size")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        h, n = leaf, self.size
        while n & 1:
            h = node_hash(self.hashes.pop(), h)
            n >>= 1
        self.hashes.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        r = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            r = node_hash(h, r)
        return r


class _Tree:
    """Hashes and RFC 9162 proofs of a tree of ``size`` leaves, from the hashes of its perfect
    subtrees (``_perfect``); every other subtree's hash is made from them."""

    size: int

    def _perfect(self, level: int, index: int) -> bytes:
        raise NotImplementedError

    def hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range that is a subtree of this tree."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        level = n.bit_length() - 1
        if n == 1 << level and start % n == 0:
            return self._perfect(level, start >> level)
        k = _split(n)
        return node_hash(self.hash(start, start + k), self.hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return self.hash(0, self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 section 2.1.3.1 PATH(index, D[0:size])."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError("index out of range")
        return [self.hash(start, end) for start, end in path_ranges(index, 0, size)]

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """RFC 9162 section 2.1.4.1 PROOF(size1, D[0:size2])."""
        size2 = self.size if size2 is None else size2
        if not 0 < size1 <= size2 <= self.size:
            raise ValueError("sizes out of range")
        if size1 == size2:
            return []
        return self._subproof(size1, 0, size2, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.hash(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, complete), self.hash(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self.hash(start, start + k)]


def path_ranges(m: int, start: int, end: int) -> list[tuple[int, int]]:
    """The subtrees whose hashes are PATH(m, D[start:end]) (RFC 9162 section 2.1.3.1), in
    proof order."""
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*path_ranges(m, start, start + k), (start + k, end)]
    return [*path_ranges(m - k, start + k, end), (start, start + k)]


def perfect_cover(start: int, end: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees that make the subtree D[start:end], left to
    right: its hash is their right fold (``fold``)."""
    cover = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:  # no larger than start's alignment
            level = min(level, (start & -start).bit_length() - 1)
        cover.append((level, start >> level))
        start += 1 << level
    return cover


def fold(hashes: Sequence[bytes]) -> bytes:
    """node(h1, node(h2, … node(hn-1, hn))): a subtree's hash from its perfect cover."""
    if not hashes:
        return EMPTY_ROOT
    r = hashes[-1]
    for h in reversed(hashes[:-1]):
        r = node_hash(h, r)
    return r


class MerkleTree(_Tree):
    """All levels of the tree over a list of leaf hashes, for producing proofs."""

    def __init__(self, leaves: Iterable[bytes]) -> None:
        self.levels: list[list[bytes]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )

    @property
    def size(self) -> int:  # type: ignore[override]
        return len(self.levels[0])

    def _perfect(self, level: int, index: int) -> bytes:
        return self.levels[level][index]


class NodeTree(_Tree):
    """A tree given by the hashes of its perfect subtrees, {(level, index): hash}: the map of
    heads as the vault stores it, or the part of it a set of proofs needs."""

    def __init__(self, size: int, nodes: Mapping[tuple[int, int], bytes]) -> None:
        self.size = size
        self.nodes = nodes

    def _perfect(self, level: int, index: int) -> bytes:
        return self.nodes[level, index]


def updated_nodes(
    size: int,
    changed: Mapping[int, bytes],
    read: Callable[[int, list[int]], Mapping[int, bytes]],
) -> dict[tuple[int, int], bytes]:
    """The perfect-subtree hashes {(level, index): hash} that change when the leaves in
    ``changed`` ({index: leaf hash}) are set in a tree of ``size`` leaves (appended leaves
    included).  ``read(level, indices)`` gives the unchanged hashes it needs, a few per level;
    each changed node is computed once, level by level."""
    out = {(0, i): h for i, h in changed.items()}
    level, dirty = 0, dict(changed)
    sha256 = hashlib.sha256
    while dirty:
        count = size >> (level + 1)  # perfect subtrees one level up
        parents = sorted({i >> 1 for i in dirty if i >> 1 < count})
        if not parents:
            break
        need = [c for p in parents for c in (2 * p, 2 * p + 1) if c not in dirty]
        known = dirty
        if need:
            known = dict(read(level, need))
            known.update(dirty)
        # node_hash, inlined: this loop makes every changed node of an import of 100,000 calls
        dirty = {p: sha256(b"\x01" + known[2 * p] + known[2 * p + 1]).digest() for p in parents}
        level += 1
        out.update(((level, p), h) for p, h in dirty.items())
    return out


class Heads:
    """The map of heads in memory: every perfect subtree's hash, level by level, changed in
    batches (``update``) as the vault's stored copy is.  ``check`` rebuilds it from the ledger."""

    def __init__(self) -> None:
        self.size = 0
        self.levels: list[list[bytes]] = [[]]

    def update(self, size: int, changed: Mapping[int, bytes]) -> None:
        for (level, index), h in updated_nodes(size, changed, self._read).items():
            while len(self.levels) <= level:
                self.levels.append([])
            row = self.levels[level]
            if index == len(row):
                row.append(h)
            else:
                row[index] = h
        self.size = size

    def _read(self, level: int, indices: list[int]) -> dict[int, bytes]:
        return {i: self.levels[level][i] for i in indices}

    def root(self) -> bytes:
        return fold([self.levels[level][index] for level, index in perfect_cover(0, self.size)])


def head_leaf(uid: str, seq: int, leaf: bytes) -> bytes:
    """The leaf of an incident in the map of heads: SHA-256(0x00 || uid as 16 bytes || seq as
    8 bytes big-endian || the leaf hash of the incident's latest entry).  ValueError when
    ``uid`` is not a UUID or ``seq`` is out of range."""
    raw = bytes.fromhex(uid.replace("-", "")) if _UUID.fullmatch(uid) else b""
    if len(raw) != 16:
        raise ValueError("not a UUID in its canonical form")
    return leaf_hash(raw + seq.to_bytes(8, "big") + leaf)


# --------------------------------------------------------------------------- verification


def _check_hashes(*hashes: bytes) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(
                _("a hash is {count} bytes long, not {hash_size}").format(
                    count=len(h), hash_size=HASH_SIZE
                )
            )


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root that ``proof`` implies for leaf ``index``."""
    _check_hashes(leaf, *proof)
    if not 0 <= index < size:
        raise ProofError(
            _("leaf index {index} is outside a tree of size {size}").format(index=index, size=size)
        )
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(_("inclusion proof is too long"))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(_("inclusion proof is too long for the tree size"))
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(_("inclusion proof is too short for the tree size"))
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    _check_hashes(root)
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(
            _("leaf {index} does not prove into the root of tree size {size}").format(
                index=index, size=size
            )
        )


def _consistency_roots(
    size1: int, size2: int, root1: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 section 2.1.4.2 steps 2-6: the (old, new) roots implied by ``proof``."""
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: the old root is the first node
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(_("consistency proof is too long"))
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(_("consistency proof is too short"))
    return fr, sr


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``size2`` with ``root2`` extends the one of ``size1``/``root1``."""
    _check_hashes(root1, root2, *proof)
    if not 0 <= size1 <= size2:
        raise ProofError(
            _("tree size went backwards: {size1} then {size2}").format(size1=size1, size2=size2)
        )
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(_("consistency proof is too long"))
    if size1 == size2:
        if proof:
            raise ProofError(_("equal tree sizes need an empty consistency proof"))
        if root1 != root2:
            raise ProofError(_("two different roots for tree size {size1}").format(size1=size1))
        if size1 == 0 and root1 != EMPTY_ROOT:
            raise ProofError(_("the root of an empty tree is wrong"))
        return
    if size1 == 0:
        raise ProofError(_("a consistency proof from an empty tree proves nothing"))
    if not proof:
        raise ProofError(_("consistency proof is empty"))
    fr, sr = _consistency_roots(size1, size2, root1, proof)
    if fr != root1:
        raise ProofError(
            _("consistency proof does not match the root of tree size {size1}").format(size1=size1)
        )
    if sr != root2:
        raise ProofError(
            _("consistency proof does not match the root of tree size {size2}").format(size2=size2)
        )


def _check_subtree(start: int, end: int) -> None:
    """A subtree [start, end) must be non-empty and aligned to BIT_CEIL(end - start)."""
    if not 0 <= start < end:
        raise ProofError(_("[{start}, {end}) is not a subtree").format(start=start, end=end))
    width = 1 << (end - start - 1).bit_length()
    if start % width:
        raise ProofError(
            _("[{start}, {end}) is not aligned as a subtree").format(start=start, end=end)
        )


def verify_subtree_inclusion(
    index: int, start: int, end: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Leaf ``index`` is in the subtree [start, end) whose hash is ``root``."""
    _check_hashes(root)
    _check_subtree(start, end)
    if not start <= index < end:
        raise ProofError(
            _("leaf {index} is outside the subtree [{start}, {end})").format(
                index=index, start=start, end=end
            )
        )
    if root_from_inclusion(index - start, end - start, leaf, proof) != root:
        raise ProofError(
            _("leaf {index} does not prove into the subtree [{start}, {end})").format(
                index=index, start=start, end=end
            )
        )


def verify_subtree_consistency(
    start: int, end: int, size: int, subtree_root: bytes, root: bytes, proof: Sequence[bytes]
) -> None:
    """The subtree [start, end) with hash ``subtree_root`` is part of the tree (size, root).

    The proof is, bottom up, a consistency proof from the subtree to the smallest node of
    the tree that contains it, then that node's inclusion path up to the root.
    """
    _check_hashes(subtree_root, root, *proof)
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(_("subtree consistency proof is too long"))
    if end > size:
        raise ProofError(
            _("subtree [{start}, {end}) lies outside a tree of size {size}").format(
                start=start, end=end, size=size
            )
        )
    if start == end:
        if proof or subtree_root != EMPTY_ROOT:
            raise ProofError(_("an empty subtree has the empty hash and an empty proof"))
        return
    _check_subtree(start, end)
    level = (end - start - 1).bit_length()
    node_end = min(start + (1 << level), size)
    path = list(proof)
    if node_end == end:
        node = subtree_root
    else:
        # Elements for the climb from the node to the root come last; what precedes them is a
        # plain consistency proof from the subtree to the node.
        upper = _inclusion_length(start >> level, -(-size >> level))
        if len(path) <= upper:
            raise ProofError(_("subtree consistency proof is too short"))
        lower, path = path[: len(path) - upper], path[len(path) - upper :]
        fr, node = _consistency_roots(end - start, node_end - start, subtree_root, lower)
        if fr != subtree_root:
            raise ProofError(
                _("proof does not match the hash of subtree [{start}, {end})").format(
                    start=start, end=end
                )
            )
    if root_from_inclusion(start >> level, -(-size >> level), node, path) != root:
        raise ProofError(
            _("subtree [{start}, {end}) does not prove into tree size {size}").format(
                start=start, end=end, size=size
            )
        )


def _inclusion_length(index: int, size: int) -> int:
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


# --------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint: what the signer asserts about the tree.  ``heads`` (size and
    root of the map of heads) is its one extension line, ``blockwatch-heads <n> <base64>``;
    checkpoints written before the map existed have none."""

    origin: str
    size: int
    root: bytes
    heads: tuple[int, bytes] | None = None

    def body(self) -> bytes:
        text = f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
        if self.heads is not None:
            count, root = self.heads
            text += f"{HEADS_EXTENSION} {count} {base64.b64encode(root).decode()}\n"
        return text.encode()


def key_id(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID for an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The signed-note verifier key string ``name+hexid+base64(0x01 || key)``."""
    encoded = base64.b64encode(b"\x01" + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


# C2SP signed-note key types: 0x01 an Ed25519 note signer (a vault's checkpoints), 0x04 an
# Ed25519 cosigner (tlog-cosignature v1: a witness)
NOTE_KEY, COSIGNER_KEY = 0x01, 0x04
MAX_COSIGNATURE_TIME = 2**63 - 1


def parse_verifier_key(text: str, kind: int) -> tuple[str, bytes]:
    """(name, raw Ed25519 public key) of a C2SP verifier key ``name+hexid+base64(type||key)``
    of type ``kind``; ProofError when it is not one, or its key ID does not match."""
    name, _plus, rest = text.strip().partition("+")  # a name never holds "+"; base64 may
    hex_id, _plus, rest = rest.partition("+")
    try:
        raw = base64.b64decode(rest, validate=True)
        wanted = bytes.fromhex(hex_id)
    except ValueError:
        raise ProofError(_("not a verifier key (name+id+key)")) from None
    if not name or len(raw) != 33 or raw[0] != kind or len(wanted) != 4 or "\n" in name:
        raise ProofError(_("not a verifier key (name+id+key)"))
    public = raw[1:]
    if _key_id(name, kind, public) != wanted:
        raise ProofError(_("the verifier key's ID does not match its name and key"))
    return name, public


def verifier_key_option(text: str, kind: int, option: str) -> tuple[str, bytes]:
    """``parse_verifier_key`` for a key the user typed: InputError naming ``option`` and where
    the key comes from (the journalist's ``key show``, or the witness's ``witness cosign``)."""
    from blockwatch.errors import InputError

    try:
        return parse_verifier_key(text, kind)
    except ProofError as e:
        raise InputError(
            _("{option}: {message}").format(option=option, message=e.message),
            hint=_("give the verifier key 'blockwatch key show' prints on her computer")
            if kind == NOTE_KEY
            else _("give the witness key that 'blockwatch witness cosign' printed"),
        ) from None


def _key_id(name: str, kind: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def cosigner_key(name: str, public_key: bytes) -> str:
    """The verifier key of a witness (tlog-cosignature v1, Ed25519)."""
    encoded = base64.b64encode(bytes([COSIGNER_KEY]) + public_key).decode()
    return f"{name}+{_key_id(name, COSIGNER_KEY, public_key).hex()}+{encoded}"


def _cosigned_message(body: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body


def cosign(note: str, name: str, private_key: Any, timestamp: int) -> str:
    """The signature line of a C2SP tlog-cosignature v1 over the checkpoint ``note`` (its text:
    everything before its last blank line), by witness ``name`` at POSIX time ``timestamp``."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    text = note_text(note)
    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = private_key.sign(_cosigned_message((text + "\n").encode(), timestamp))
    raw = _key_id(name, COSIGNER_KEY, public) + timestamp.to_bytes(8, "big") + signature
    return f"\u2014 {name} {base64.b64encode(raw).decode()}\n"


def open_cosignature(note: str, name: str, public_key: bytes) -> int:
    """The time (POSIX seconds) at which witness (``name``, ``public_key``) cosigned the
    checkpoint ``note``; ProofError when the note carries no valid cosignature of theirs."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text, found = _signatures(note, name, _key_id(name, COSIGNER_KEY, public_key), 8 + 64)
    for raw in found:
        timestamp = int.from_bytes(raw[:8], "big")
        if timestamp > MAX_COSIGNATURE_TIME:
            raise ProofError(_("the cosignature's time is out of range"))
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(
                raw[8:], _cosigned_message((text + "\n").encode(), timestamp)
            )
        except InvalidSignature:
            raise ProofError(_("the witness's cosignature is invalid")) from None
        return timestamp
    raise ProofError(_("the checkpoint carries no cosignature by this witness"))


def sign_checkpoint(checkpoint: Checkpoint, private_key: Any) -> str:
    """The signed note for ``checkpoint``; ``private_key`` is an Ed25519PrivateKey."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    body = checkpoint.body()
    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sig = key_id(checkpoint.origin, public) + private_key.sign(body)
    return body.decode() + f"\n\u2014 {checkpoint.origin} {base64.b64encode(sig).decode()}\n"


def _signatures(note: str, name: str, key_id_: bytes, size: int) -> tuple[str, Iterator[bytes]]:
    """A C2SP signed note's text (without its final newline), and the signatures after the
    key ID of every line ``— <name> <base64>`` whose key ID is ``key_id_`` and whose signature
    is ``size`` bytes; other signers' lines are skipped.  ProofError when the note is too
    large, holds a control character, or is not text, a blank line and signature lines (the
    text ends at the note's last blank line: C2SP signed-note, "Format"; blank lines after
    the signatures are let pass)."""
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise ProofError(_("checkpoint note is too large"))
    if _CONTROL.search(note):
        raise ProofError(_("checkpoint note is malformed (it holds a control character)"))
    text, sep, sigs = _split_note(note)
    if not sep or not sigs.endswith("\n"):
        raise ProofError(_("checkpoint note is malformed (no signature block)"))
    signatures = [_signature_line(line) for line in sigs[:-1].split("\n")]

    def found() -> Iterator[bytes]:
        for signer, raw in signatures:
            if signer == name and len(raw) == 4 + size and raw[:4] == key_id_:
                yield raw[4:]

    return text, found()


def _split_note(note: str) -> tuple[str, str, str]:
    """(text, separator, signatures) of a signed note: the text ends at its last blank line
    (C2SP signed-note, "Format").  Blank lines after the signatures (a note pasted from a
    terminal, or stored so by an earlier version) sign nothing and are read without."""
    if note.endswith("\n"):
        note = note.rstrip("\n") + "\n"
    return note.rpartition("\n\n")


def note_text(note: str) -> str:
    """The signed text of a note (without its final newline): what two copies of one
    checkpoint, signed by different parties, have in common."""
    return _split_note(note)[0]


def _signature_line(line: str) -> tuple[str, bytes]:
    """(key name, key ID and signature) of a signature line, as C2SP signed-note reads one:
    base64 of at least 5 bytes, else the note is malformed."""
    match = _SIGNATURE_LINE.fullmatch(line)
    try:
        raw = base64.b64decode(match[2], validate=True) if match else b""
    except ValueError:
        raw = b""
    if len(raw) < 5 or match is None:
        raise ProofError(
            _("checkpoint note is malformed (a line of its signature block is not a signature)")
        )
    return match[1], raw


def open_checkpoint(note: str, origin: str, public_key: bytes) -> Checkpoint:
    """Verify a signed checkpoint note against the one key we trust, and parse it.

    Returns the checkpoint only after the signature by (origin, public_key) verified.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text, found = _signatures(note, origin, key_id(origin, public_key), 64)
    for raw in found:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(raw, (text + "\n").encode())
        except InvalidSignature:
            raise ProofError(_("checkpoint signature is invalid")) from None
        return _parse_checkpoint(text, origin)
    raise ProofError(_("checkpoint carries no signature by the vault's key"))


def _parse_checkpoint(text: str, origin: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 3 or lines[0] != origin:
        raise ProofError(_("checkpoint origin does not match"))
    size, root = _size_and_root(
        lines[1],
        lines[2],
        _("checkpoint tree size is not a number"),
        _("checkpoint tree size is implausibly large"),
        _("checkpoint root hash is not base64"),
    )
    heads = None
    for line in lines[3:]:
        name, _sp, value = line.partition(" ")
        if name != HEADS_EXTENSION or heads is not None:
            raise ProofError(_("checkpoint has an extension line blockwatch does not know"))
        heads = _parse_heads(value)
    return Checkpoint(origin, size, root, heads)


def _parse_heads(value: str) -> tuple[int, bytes]:
    count, _sp, root = value.partition(" ")
    return _size_and_root(
        count,
        root,
        _("checkpoint's count of incidents is not a number"),
        _("checkpoint's count of incidents is implausibly large"),
        _("checkpoint's root of heads is not base64"),
    )


def _size_and_root(
    size_s: str, root_s: str, not_number: str, too_large: str, not_base64: str
) -> tuple[int, bytes]:
    """A tree size (ASCII digits, no leading zero, at most MAX_TREE_SIZE) and a base64 hash."""
    if not (size_s.isascii() and size_s.isdigit()) or (size_s != "0" and size_s.startswith("0")):
        raise ProofError(not_number)
    size = int(size_s)
    if size > MAX_TREE_SIZE:
        raise ProofError(too_large)
    try:
        root = base64.b64decode(root_s, validate=True)
    except ValueError:
        raise ProofError(not_base64) from None
    _check_hashes(root)
    return size, root


# --------------------------------------------------------------------------- witness requests

MAX_REQUEST_BYTES = MAX_NOTE_BYTES + 8 * 1024  # a note and a proof of 128 hashes


@dataclass(frozen=True)
class Request:
    """A checkpoint as a witness receives it: the note and, when the journalist knew which
    checkpoint the witness holds, the consistency proof from it."""

    note: str
    old: int | None = None
    proof: tuple[bytes, ...] = ()


def parse_request(text: str) -> Request:
    """A bare checkpoint note, or a C2SP tlog-witness add-checkpoint body."""
    if not text.startswith("old "):
        return Request(text)
    header, sep, note = text.partition("\n\n")
    lines = header.split("\n")
    size = lines[0][4:]
    if not sep or not (size.isascii() and size.isdigit()) or len(size) > 19:
        raise ProofError(_("the checkpoint's 'old' header is malformed"))
    try:
        proof = tuple(base64.b64decode(line, validate=True) for line in lines[1:])
    except ValueError:
        raise ProofError(_("the consistency proof in the header is not base64")) from None
    if len(proof) > MAX_PROOF_LENGTH or any(len(h) != 32 for h in proof):
        raise ProofError(_("the consistency proof in the header is malformed"))
    return Request(note, int(size), proof)


def request_text(note: str, old: int, proof: list[bytes]) -> str:
    """The add-checkpoint body for a witness who holds the checkpoint of size ``old``."""
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return "\n".join(lines) + "\n\n" + note
