"""Witnessing another journalist's ledger (C2SP tlog-witness and tlog-cosignature v1).

A witness — a lawyer, a colleague, an organisation — keeps, in their own vault, the checkpoints
a journalist gives them (``blockwatch witness add``): each signed by the journalist's key, each
consistent with the one held before (an RFC 9162 consistency proof, sent as a C2SP tlog-witness
``add-checkpoint`` body: ``old <size>``, the proof's hashes in base64, a blank line, the note).
A checkpoint older than, or not consistent with, the one held is refused: the journalist's
vault was rolled back or its history rewritten.  ``blockwatch witness cosign`` signs the latest
held checkpoint of a log with the witness's own Ed25519 cosigning key (made at the first
``witness add``, kept in the encrypted vault, never the vault's ledger key): a statement that,
at that time, this was the largest consistent checkpoint the witness had seen.  The journalist
stores it (``blockwatch checkpoint --cosigned``) and every later bundle carries it.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from blockwatch import ledger
from blockwatch.errors import InputError, NotFound, VerificationFailed
from blockwatch.i18n import _

if TYPE_CHECKING:
    from blockwatch.vault.store import Vault

ENTRY_WITNESS_HELD = "witness.held"  # a checkpoint of another ledger, kept as a witness
ENTRY_WITNESS_COSIGNED = "witness.cosigned"  # a cosignature this vault gave


def _origin(note: str) -> str:
    origin = note.split("\n", 1)[0]
    if not origin or len(origin) > 256 or not origin.isprintable():
        raise InputError(
            _("this is not a checkpoint"),
            hint=_("give the text 'blockwatch checkpoint' printed, as it was received"),
        )
    return origin


def held(v: Vault, origin: str) -> tuple[bytes, ledger.Checkpoint, str] | None:
    """(journalist's key, latest held checkpoint, its note) of one log, or None."""
    found = None
    for _seq, _at, body in v.entries_of_type(ENTRY_WITNESS_HELD):
        if body["origin"] == origin:
            found = body
    if found is None:
        return None
    key = base64.b64decode(found["key"])
    return key, ledger.open_checkpoint(found["note"], origin, key), found["note"]


def logs(v: Vault) -> list[str]:
    """The origins of the logs this vault witnesses, in the order first added."""
    seen: dict[str, None] = {}
    for _seq, _at, body in v.entries_of_type(ENTRY_WITNESS_HELD):
        seen.setdefault(body["origin"], None)
    return list(seen)


def add(
    v: Vault, request: ledger.Request, key_text: str | None
) -> tuple[ledger.Checkpoint, int | None]:
    """Keep a checkpoint of another journalist's log: verified against the journalist's key
    (given the first time, remembered after), and consistent with the one held.  Returns the
    checkpoint and the size of the one held before (None the first time)."""
    origin = _origin(request.note)
    before = held(v, origin)
    if key_text is not None:
        name, key = ledger.verifier_key_option(key_text, ledger.NOTE_KEY, "--key")
        if name != origin:
            raise InputError(
                _("--key is for the log {name}, this checkpoint is of {origin}").format(
                    name=name, origin=origin
                )
            )
        if before is not None and before[0] != key:
            raise VerificationFailed(
                _("you hold checkpoints of {origin} signed by another key").format(origin=origin),
                hint=_("a new key is a new log: ask the journalist why her key changed"),
            )
    elif before is None:
        raise InputError(
            _(
                "this is the first checkpoint of {origin} you keep: give the journalist's key"
            ).format(origin=origin),
            hint=_(
                "add --key with the verifier key 'blockwatch key show' prints on her computer, "
                "and compare its fingerprint with her by phone or in person"
            ),
        )
    else:
        key = before[0]
    point = ledger.open_checkpoint(request.note, origin, key)
    if before is not None:
        _consistent(before[1], point, request)
    with v._write():
        ensure_cosigning_key(v)
        v._append(
            ENTRY_WITNESS_HELD,
            {
                "origin": origin,
                "key": base64.b64encode(key).decode(),
                "size": point.size,
                "root": base64.b64encode(point.root).decode(),
                "note": request.note,
            },
        )
    return point, before[1].size if before else None


def _consistent(old: ledger.Checkpoint, new: ledger.Checkpoint, request: ledger.Request) -> None:
    if new.size < old.size:
        raise VerificationFailed(
            _(
                "this checkpoint (size {new}) is older than the one you hold (size {old}): the "
                "journalist's vault was rolled back, or this is an old copy"
            ).format(new=new.size, old=old.size),
            hint=_("keep the one you hold; ask the journalist for her current checkpoint"),
        )
    if new.size == old.size:
        if new.root != old.root:
            raise VerificationFailed(
                _(
                    "this checkpoint has the size of the one you hold but another root: the "
                    "journalist's history was rewritten"
                ),
                hint=_("keep the one you hold: it is the evidence"),
            )
        return
    if request.old != old.size:
        raise InputError(
            _(
                "you hold this log's checkpoint of size {old}: this one does not show that it "
                "extends it"
            ).format(old=old.size),
            hint=_("ask the journalist for 'blockwatch checkpoint --since {old}'").format(
                old=old.size
            ),
        )
    try:
        ledger.verify_consistency(old.size, new.size, old.root, new.root, list(request.proof))
    except ledger.ProofError:
        raise VerificationFailed(
            _(
                "this checkpoint does not extend the one you hold (size {old}): the "
                "journalist's history was rewritten"
            ).format(old=old.size),
            hint=_("keep the one you hold: it is the evidence"),
        ) from None


def cosigning_key(v: Vault) -> Any:
    """The witness's Ed25519 cosigning key: made once, kept in the vault's meta (encrypted)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    row = v.conn.execute("SELECT value FROM meta WHERE key = 'cosigning_key'").fetchone()
    if row is None:
        raise NotFound(_("this vault has not witnessed any checkpoint yet"))
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(row[0]))


def ensure_cosigning_key(v: Vault) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    if v.conn.execute("SELECT 1 FROM meta WHERE key = 'cosigning_key'").fetchone():
        return
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    v.conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('cosigning_key', ?)", (raw.hex(),)
    )


def name(v: Vault) -> str:
    """The witness's cosigner name: its own vault's origin, marked as a witness."""
    return f"{v.settings.origin}/witness"


def public_key(v: Vault) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw: bytes = cosigning_key(v).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw


def cosign(v: Vault, origin: str | None) -> tuple[str, str]:
    """The latest held checkpoint of ``origin`` (the only log witnessed, when None), with this
    witness's cosignature appended; and the witness's verifier key."""
    known = logs(v)
    if origin is None:
        if len(known) != 1:
            raise InputError(
                _("you witness {n} logs: name one").format(n=len(known))
                if known
                else _("you keep no checkpoint yet: 'blockwatch witness add FILE' first"),
                hint=_("the logs: {logs}").format(logs=", ".join(known)) if known else None,
            )
        origin = known[0]
    found = held(v, origin)
    if found is None:
        raise NotFound(
            _("you keep no checkpoint of {origin}").format(origin=origin),
            hint=_("the logs you witness: {logs}").format(logs=", ".join(known) or "—"),
        )
    _key, point, note = found
    timestamp = int(v.env.now().timestamp())
    with v._write():
        v._append(
            ENTRY_WITNESS_COSIGNED,
            {"origin": origin, "size": point.size, "time": timestamp},
        )
    line = ledger.cosign(note, name(v), cosigning_key(v), timestamp)
    return note.rstrip("\n") + "\n" + line, ledger.cosigner_key(name(v), public_key(v))
