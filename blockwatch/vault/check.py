"""``blockwatch check``: prove the vault is what its signed checkpoints say it is.

Numbered checks, each run only after the previous one passed (fail closed):

1. SQLCipher: every page's HMAC (``cipher_integrity_check``) and SQLite's ``integrity_check``.
2. Ledger entries: each stored entry is canonical RFC 8785 JSON of format version 1, its
   ``seq`` is its position, and its stored leaf hash is SHA-256(0x00 || entry).  Entries
   recorded at an earlier time than the entry before them (a clock set back) are counted in
   the check's detail: flagged, not refused.
3. The first entry creates this vault and names its signing key.
4. Checkpoints: every signature verifies with the vault's key, and every checkpoint's root
   equals the root recomputed from the entries at that size; since all of them are prefixes of
   one recomputed tree, each is consistent with the one before it (RFC 9162 section 2.1.4).
   The newest covers every entry, and the stored compact range matches.  Every checkpoint
   given to a witness (``checkpoint.shared``) has the size and root of the ledger there.
5. Projection: replaying the ledger gives exactly the stored incidents.
6. Attachments: every stored file re-hashes to its SHA-256 and size, and every attachment the
   ledger names is stored.
7. The map of heads: every checkpoint's ``blockwatch-heads`` line commits to each incident's
   latest entry at that size (the map rebuilt from the ledger); once one checkpoint has the
   line, every later one has it; the stored map is exactly the rebuilt one.
8. Time stamps and cosignatures: every RFC 3161 token the ledger holds
   (``checkpoint.timestamped``) verifies over the vault's own checkpoint of the size it names,
   up to the root it was checked against when received; every witness's cosignature
   (``checkpoint.cosigned``) is valid for the witness key stored with it, over the vault's own
   checkpoint of its size, at the time stored.  Entries recorded later than an authority's
   time by more than ``timestamps.CLOCK_TOLERANCE_SECONDS``, though that time stamp covers
   them, are counted in the check's detail (the computer's clock ran ahead): flagged, not
   refused.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from blockwatch import incidents, ledger
from blockwatch.errors import VaultCorrupt
from blockwatch.i18n import N_, _, ngettext
from blockwatch.vault.store import ENTRY_CHECKPOINT_COSIGNED as COSIGNED
from blockwatch.vault.store import ENTRY_CHECKPOINT_SHARED as SHARED
from blockwatch.vault.store import ENTRY_CHECKPOINT_TIMESTAMPED as TIMESTAMPED
from blockwatch.vault.store import ENTRY_VAULT_CREATED, Vault, derived_columns


def check(vault: Vault, progress: Callable[[str], None] = lambda _: None) -> list[str]:
    """Run every check; return what passed, or raise VaultCorrupt naming the first failure."""
    done: list[str] = []
    for describe, run in (
        (N_("database pages and structure are intact"), _database),
        (N_("ledger entries are canonical and hashed correctly"), _entries),
        (N_("the ledger starts with this vault and its signing key"), _genesis),
        (N_("every checkpoint is signed and consistent with the one before"), _checkpoints),
        (N_("the incidents are exactly the replay of the ledger"), _projection),
        (N_("every attachment matches its SHA-256"), _attachments),
        (N_("every checkpoint commits to each incident's latest entry"), _heads),
        (N_("every time stamp and cosignature vouches for a checkpoint of this ledger"), _anchors),
    ):
        progress(_(describe))
        detail = run(vault)
        done.append(f"{_(describe)} ({detail})" if detail else _(describe))
    return done


def _fail(number: int, message: str) -> VaultCorrupt:
    return VaultCorrupt(
        _("check {n} failed: {message}").format(n=number, message=message),
        hint=_(
            "the vault was damaged or changed outside blockwatch; keep a copy of it as it is "
            "and restore the vault directory from a backup"
        ),
    )


def _database(vault: Vault) -> str:
    import sqlcipher3

    try:
        # Pages whose HMAC fails first: SQLite's own check would stop at the first of them
        # with a bare "malformed", and the page numbers are what a forensic copy needs.
        bad_pages = vault.conn.execute("PRAGMA cipher_integrity_check").fetchall()
        if bad_pages:
            raise _fail(
                1,
                _("{count} database page(s) fail their HMAC: {value}").format(
                    count=len(bad_pages), value=bad_pages[0][0]
                ),
            )
        result = vault.conn.execute("PRAGMA integrity_check").fetchall()
    except sqlcipher3.DatabaseError as e:
        raise _fail(1, _("the database cannot be read: {e}").format(e=e)) from None
    if result != [("ok",)]:
        raise _fail(1, _("SQLite integrity check: {value}").format(value=_problems(result)))
    return ""


def _problems(result: list[tuple[str]]) -> str:
    """SQLite's integrity report on one line: it writes one problem a line, under a "*** in
    database main ***" heading; the first three, then "…" when there are more."""
    problems = [
        line
        for (text,) in result
        for line in str(text).splitlines()
        if line and not line.startswith("*** ")
    ]
    return "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")


def _decode(seq: int, stored: bytes) -> dict[str, Any]:
    try:
        entry = json.loads(stored)
    except (ValueError, UnicodeDecodeError):
        raise _fail(2, _("entry {seq} is not JSON").format(seq=seq)) from None
    if not isinstance(entry, dict) or entry.get("v") not in ledger.ENTRY_VERSIONS:
        raise _fail(2, _("entry {seq} has an unknown format version").format(seq=seq))
    return entry


def _entries(vault: Vault) -> str:
    count = back = 0
    previous = ""
    for seq, type_, recorded_at, stored, leaf in vault.entries():
        back += recorded_at < previous  # the clock set back: flagged, not refused
        previous = recorded_at
        entry = _decode(seq, stored)
        if seq != count or entry.get("seq") != seq:
            raise _fail(2, _("entry {count} is missing or out of order").format(count=count))
        if (entry.get("type"), entry.get("recorded_at")) != (type_, recorded_at):
            raise _fail(
                2, _("entry {seq}: its columns disagree with its signed bytes").format(seq=seq)
            )
        try:
            canonical = ledger.canonical_entry(
                seq, type_, recorded_at, entry.get("body", {}), entry.get("salt")
            )
        except ValueError:
            canonical = b""
        if canonical != stored:
            raise _fail(2, _("entry {seq} is not in canonical form").format(seq=seq))
        if ledger.leaf_hash(stored) != leaf:
            raise _fail(
                2, _("entry {seq}: stored leaf hash does not match its bytes").format(seq=seq)
            )
        count += 1
    said = ngettext("{n} entry", "{n} entries", count).format(n=count)
    if back:
        said += "; " + ngettext(
            "{n} recorded earlier than the entry before it: the computer's clock was set back",
            "{n} recorded earlier than the entry before them: the computer's clock was set back",
            back,
        ).format(n=back)
    return said


def _genesis(vault: Vault) -> str:
    first = next(vault.entries(), None)
    if first is None:
        raise _fail(3, _("the ledger is empty"))
    body = json.loads(first[3])["body"]
    if first[1] != ENTRY_VAULT_CREATED or body.get("vault_id") != vault.settings.vault_id:
        raise _fail(3, _("the first entry does not create this vault"))
    if body.get("signer") != base64.b64encode(vault.public_key).decode():
        raise _fail(3, _("the vault's signing key is not the one it was created with"))
    return ""


def _checkpoints(vault: Vault) -> str:
    notes = dict(vault.checkpoints())
    if not notes:
        raise _fail(4, _("there is no checkpoint"))
    # checkpoints given to witnesses: each must be one of the vault's own
    shared = {body.get("size"): body.get("root") for _s, _at, body in vault.entries_of_type(SHARED)}
    compact = ledger.CompactRange()
    previous = 0
    for _seq, _type, _at, _stored, leaf in vault.entries():
        compact.append(leaf)
        if (
            compact.size in shared
            and shared.pop(compact.size) != base64.b64encode(compact.root()).decode()
        ):
            raise _fail(
                4,
                _("the checkpoint given to a witness at size {size} is not the ledger's").format(
                    size=compact.size
                ),
            )
        note = notes.get(compact.size)
        if note is None:
            continue
        try:
            signed = ledger.open_checkpoint(note, vault.settings.origin, vault.public_key)
        except ledger.ProofError as e:
            raise _fail(
                4,
                _("checkpoint at size {size}: {message}").format(
                    size=compact.size, message=e.message
                ),
            ) from None
        if signed.size != compact.size or signed.root != compact.root():
            raise _fail(
                4,
                _(
                    "checkpoint at size {size} does not match the ledger "
                    "(not consistent with checkpoint at size {previous})"
                ).format(size=compact.size, previous=previous),
            )
        previous = compact.size
    if previous != compact.size or max(notes) != compact.size:
        raise _fail(
            4,
            _("the newest checkpoint covers {max} entries, the ledger has {size}").format(
                max=max(notes), size=compact.size
            ),
        )
    if shared:
        raise _fail(
            4,
            _("the checkpoint given to a witness at size {size} is not the ledger's").format(
                size=next(iter(shared))
            ),
        )
    if vault.stored_range() != (compact.size, compact.hashes):
        raise _fail(4, _("the stored tree state does not match the ledger"))
    return ngettext(
        "{n} checkpoint, tree size {size}", "{n} checkpoints, tree size {size}", len(notes)
    ).format(n=len(notes), size=compact.size)


def _projection(vault: Vault) -> str:
    replay = incidents.Projection()
    chains = incidents.Chains()
    for seq, type_, recorded_at, entry, leaf in vault.entries():
        decoded = json.loads(entry)
        if not chains.follow(seq, type_, decoded, leaf):
            raise _fail(
                5,
                _("entry {seq} does not follow its incident's entry before it").format(seq=seq),
            )
        try:
            replay.apply(seq, type_, recorded_at, decoded["body"])
        except VaultCorrupt as e:
            raise _fail(5, e.message) from None
    stored = vault.projection()
    if stored.keys() != replay.by_uid.keys():
        raise _fail(
            5,
            _("{count} incidents stored, the ledger has {count2}").format(
                count=len(stored), count2=len(replay.by_uid)
            ),
        )
    columns = vault.projection_columns()
    for uid, view in replay.by_uid.items():
        if columns[uid] != derived_columns(view):
            raise _fail(
                5,
                _("incident {id}: its indexed columns differ from its ledger entries").format(
                    id=view["id"]
                ),
            )
        if stored[uid] != view:
            raise _fail(5, _("incident {id} differs from its ledger entries").format(id=view["id"]))
    return ngettext("{n} incident", "{n} incidents", len(stored)).format(n=len(stored))


def _attachments(vault: Vault) -> str:
    stored = dict(vault.blob_index())
    named = {a["sha256"]: a["size"] for v in vault.projection().values() for a in v["attachments"]}
    for sha, size in named.items():
        if sha not in stored:
            raise _fail(6, _("attachment {sha} named in the ledger is not stored").format(sha=sha))
        if stored[sha] != size:
            raise _fail(
                6,
                _("attachment {sha} is stored with size {value}, the ledger says {size}").format(
                    sha=sha, value=stored[sha], size=size
                ),
            )
    total = 0
    for sha, size in stored.items():
        digest, length = hashlib.sha256(), 0
        try:
            for chunk in vault.blob(sha):
                digest.update(chunk)
                length += len(chunk)
        except VaultCorrupt as e:
            raise _fail(6, e.message) from None
        if digest.hexdigest() != sha or length != size:
            raise _fail(6, _("attachment {sha} does not match its hash").format(sha=sha))
        total += length
    return (
        ngettext("{n} file", "{n} files", len(stored)).format(n=len(stored))
        + ", "
        + ngettext("{n} byte", "{n} bytes", total).format(n=total)
    )


def _heads(vault: Vault) -> str:
    notes = dict(vault.checkpoints())
    heads = ledger.Heads()
    numbers: dict[str, int] = {}  # uid -> its leaf in the map
    changed: dict[int, bytes] = {}
    began = 0
    for seq, type_, _at, stored, leaf in vault.entries():
        if type_ == incidents.ENTRY_CREATED or type_ in incidents.CHANGES:
            uid = json.loads(stored)["body"]["uid"]
            number = numbers.setdefault(uid, len(numbers))
            changed[number] = ledger.head_leaf(uid, seq, leaf)
        note = notes.get(seq + 1)
        if note is None:
            continue
        signed = ledger.open_checkpoint(note, vault.settings.origin, vault.public_key)
        if signed.heads is None:
            if began:
                raise _fail(
                    7,
                    _(
                        "checkpoint at size {size} has no map of heads, "
                        "though the one at size {previous} has"
                    ).format(size=seq + 1, previous=began),
                )
            continue
        heads.update(len(numbers), changed)
        changed = {}
        began = seq + 1
        if signed.heads != (heads.size, heads.root()):
            raise _fail(
                7,
                _(
                    "checkpoint at size {size} commits to other latest entries than the ledger's"
                ).format(size=seq + 1),
            )
    if not began:
        return _("not begun: the vault has not written since it was made by an older blockwatch")
    expected = (
        (level, index, h) for level, row in enumerate(heads.levels) for index, h in enumerate(row)
    )
    pairs = itertools.zip_longest(vault.heads_nodes(), expected)
    if vault.stored_heads() != (heads.size, heads.root()) or any(a != b for a, b in pairs):
        raise _fail(7, _("the stored map of heads does not match the ledger"))
    return ngettext("{n} incident", "{n} incidents", heads.size).format(n=heads.size)


def _anchors(vault: Vault) -> str:
    notes = dict(vault.checkpoints())
    said = _timestamps(vault, notes)
    count = 0
    for seq, _at, body in vault.entries_of_type(COSIGNED):
        try:
            name, key = ledger.parse_verifier_key(body["witness"], ledger.COSIGNER_KEY)
            text = body["note"]
            point = ledger.open_checkpoint(text, vault.settings.origin, vault.public_key)
            own = notes.get(point.size, "")
            if (
                point.size != body["size"]
                or ledger.note_text(own) != ledger.note_text(text)
                or ledger.open_cosignature(text, name, key) != body["time"]
            ):
                raise ledger.ProofError(_("it names another checkpoint or time"))
        except ledger.ProofError as e:
            raise _fail(
                8,
                _("the cosignature in entry {seq} does not verify: {why}").format(
                    seq=seq, why=e.message
                ),
            ) from None
        except (KeyError, TypeError, AttributeError):
            raise _fail(
                8, _("the cosignature in entry {seq} is malformed").format(seq=seq)
            ) from None
        count += 1
    if count:
        said += "; " + ngettext("{n} cosignature", "{n} cosignatures", count).format(n=count)
    return said


def _timestamps(vault: Vault, notes: dict[int, str]) -> str:
    from blockwatch import timestamps, when

    covers: list[tuple[int, str]] = []  # (size, the authority's time plus the tolerance)
    off = 0  # time stamps received when the computer's clock was far from the authority's
    for seq, received, body in vault.entries_of_type(TIMESTAMPED):
        try:
            size, note = body["size"], body["checkpoint"]
            stamp = timestamps.check(
                base64.b64decode(body["token"]),
                note.encode(),
                [timestamps.load_certificate(base64.b64decode(body["root_certificate"]))],
                chain=[base64.b64decode(c) for c in body["chain"]],
            )
            if notes.get(size) != note or timestamps.utc_text(stamp.gen_time) != body["gen_time"]:
                raise timestamps.StampError(_("it names another checkpoint or time"))
        except timestamps.StampError as e:
            raise _fail(
                8, _("the time stamp in entry {seq} does not verify: {why}").format(seq=seq, why=e)
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _fail(
                8, _("the time stamp in entry {seq} is malformed").format(seq=seq)
            ) from None
        gap = (when.parse_instant(received) - stamp.gen_time).total_seconds()
        off += abs(gap) > timestamps.CLOCK_TOLERANCE_SECONDS
        later = stamp.gen_time + timedelta(seconds=timestamps.CLOCK_TOLERANCE_SECONDS)
        covers.append((size, when.utc_stamp(later)))
    if not covers:
        return _("none yet: see 'blockwatch timestamp'")
    # an entry is covered by every stamp of a larger size: compare it with the earliest time
    bounds = sorted(covers)
    earliest = list(itertools.accumulate(reversed([at for _size, at in bounds]), min))[::-1]
    ahead = index = 0
    for seq, _type, recorded_at, _stored, _leaf in vault.entries():
        while index < len(bounds) and bounds[index][0] <= seq:
            index += 1
        if index == len(bounds):
            break
        ahead += recorded_at > earliest[index]
    said = ngettext("{n} time stamp", "{n} time stamps", len(covers)).format(n=len(covers))
    if off:
        said += "; " + ngettext(
            "{n} received while the computer's clock was more than {minutes} minutes off the "
            "authority's",
            "{n} received while the computer's clock was more than {minutes} minutes off the "
            "authorities'",
            off,
        ).format(n=off, minutes=timestamps.CLOCK_TOLERANCE_SECONDS // 60)
    if ahead:
        said += "; " + ngettext(
            "{n} entry recorded later than an authority vouched for it: the computer's clock "
            "ran ahead",
            "{n} entries recorded later than an authority vouched for them: the computer's "
            "clock ran ahead",
            ahead,
        ).format(n=ahead)
    return said
