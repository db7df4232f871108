"""Key slots: the vault's random data key, wrapped once per way of unlocking it.

``keyslots.json``, format version 1 (a restic-style layered key, docs/DEVELOPING.md habit 5)::

    {"format": "blockwatch-keyslots", "version": 1, "vault_id": "<32 hex>",
     "slots": [
       {"id": "passphrase", "kind": "passphrase",
        "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4,
                "salt": "<base64, 16 bytes>"},
        "nonce": "<base64, 12 bytes>", "wrapped": "<base64, 32-byte key + 16-byte tag>",
        "check": "<32 hex>"},
       {"id": "recovery", "kind": "recovery",
        "kdf": {"name": "hkdf-sha256", "salt": "<base64>"}, "nonce": ..., "wrapped": ...}]}

* ``wrapped`` is AES-256-GCM (NIST SP 800-38D) of the data key under the slot key, with the
  RFC 8785 canonical JSON of ``{format, version, vault_id, slot: {id, kind, kdf}}`` as
  associated data: a slot moved to another vault, or with edited KDF parameters, fails to open.
* ``check`` (written since issue 14; a slot without one is read as before) is the first 128
  bits of SHA-256 over the RFC 8785 JSON of the vault id and the slot's id, kind, kdf, nonce and
  wrapped key.  It is no protection (anyone can recompute it): it lets an edited or damaged slot
  be named as such (exit 4) instead of failing as a wrong passphrase (exit 3).
* Passphrase slots use Argon2id (RFC 9106); parameters are never below the second recommended
  option (m = 64 MiB, t = 3, p = 4), and parameters above ``KDF_CAPS`` (or memory x passes
  above ``KDF_WORK_CAP``: about two seconds of a laptop) are refused before any work is done,
  so a hostile file cannot make us burn memory or time.
* The recovery code carries 128 random bits plus a 32-bit checksum, written as 32 Crockford
  base32 characters; its entropy makes a fast KDF (HKDF, RFC 5869) sufficient.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import stat
import unicodedata
from pathlib import Path
from typing import Any

from blockwatch.env import KdfCost
from blockwatch.errors import InputError, VaultCorrupt, VaultLocked
from blockwatch.i18n import _

FORMAT = "blockwatch-keyslots"
VERSION = 1
KEY_BYTES = 32
MAX_FILE_BYTES = 64 * 1024
MAX_SLOTS = 16
KDF_FLOOR = KdfCost()
# The most a slot may ask of the machine that opens it: about two seconds of a journalist's
# laptop (1 GiB once, 64 MiB thirty-two times), however the file was edited.
KDF_CAPS = KdfCost(memory_kib=1024 * 1024, iterations=16, lanes=16)
KDF_WORK_CAP = 2 * 1024 * 1024  # memory_kib * iterations
MIN_PASSPHRASE_CHARS = 8

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_RFC4648, _CROCKFORD)
_FROM_CROCKFORD = str.maketrans(_CROCKFORD + "ILO", _RFC4648 + "BBA")
_RECOVERY_TAG = b"blockwatch recovery code v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(value: Any, what: str, size: int | None = None) -> bytes:
    try:
        data = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except ValueError:
        data = None
    if data is None or (size is not None and len(data) != size):
        raise VaultCorrupt(
            _("keyslots.json: {what} is malformed").format(what=what), hint=_RESTORE_HINT
        )
    return data


_RESTORE_HINT = "restore keyslots.json from a backup of the vault directory"


# --------------------------------------------------------------------------- passphrases


def check_new_passphrase(passphrase: str) -> str:
    passphrase = unicodedata.normalize("NFC", passphrase)
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise InputError(
            _("the passphrase is shorter than {n} characters").format(n=MIN_PASSPHRASE_CHARS),
            hint=_("use several words you can remember, e.g. four words and a number"),
        )
    return passphrase


def _argon2(passphrase: str, kdf: dict[str, Any]) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=base64.b64decode(kdf["salt"]),  # checked when the file was read (_validate)
        length=KEY_BYTES,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_kib"],
    ).derive(unicodedata.normalize("NFC", passphrase).encode())


def _hkdf(secret: bytes, kdf: dict[str, Any]) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=base64.b64decode(kdf["salt"]),  # checked when the file was read (_validate)
        info=b"blockwatch recovery slot v1",
    ).derive(secret)


# --------------------------------------------------------------------------- recovery codes


def new_recovery_code() -> tuple[str, bytes]:
    """A printable recovery code and the 16 secret bytes it stands for."""
    secret = secrets.token_bytes(16)
    check = hashlib.sha256(_RECOVERY_TAG + secret).digest()[:4]
    text = base64.b32encode(secret + check).decode().translate(_TO_CROCKFORD)
    return "-".join(text[i : i + 4] for i in range(0, 32, 4)), secret


def parse_recovery_code(code: str) -> bytes:
    """The secret in ``code``; a typo is caught by the checksum, not by a failed unlock."""
    text = "".join(c for c in code.upper() if c not in " -\t\r\n")
    if len(text) != 32 or any(c not in _CROCKFORD + "ILO" for c in text):
        raise InputError(
            _("a recovery code has 32 letters and digits in 8 groups of 4"),
            hint=_(
                "type it as printed, e.g. ABCD-EFGH-...; letters O and I may be typed as 0 and 1"
            ),
        )
    raw = base64.b32decode(text.translate(_FROM_CROCKFORD))
    secret, check = raw[:16], raw[16:]
    if hashlib.sha256(_RECOVERY_TAG + secret).digest()[:4] != check:
        raise InputError(
            _("the recovery code has a typo (its checksum does not match)"),
            hint=_("compare each group of 4 with the printed code"),
        )
    return secret


# --------------------------------------------------------------------------- slots


def _associated_data(vault_id: str, slot: dict[str, Any]) -> bytes:
    import rfc8785

    header = {"id": slot["id"], "kind": slot["kind"], "kdf": slot["kdf"]}
    return rfc8785.dumps(
        {"format": FORMAT, "version": VERSION, "vault_id": vault_id, "slot": header}
    )


def _seal(vault_id: str, slot: dict[str, Any], slot_key: bytes, data_key: bytes) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(slot_key).encrypt(nonce, data_key, _associated_data(vault_id, slot))
    sealed = {**slot, "nonce": _b64(nonce), "wrapped": _b64(wrapped)}
    return {**sealed, "check": _checksum(vault_id, sealed)}


def _checksum(vault_id: str, slot: dict[str, Any]) -> str:
    """A slot's own checksum (SHA-256 of it and the vault id, 128 bits).  Anyone can compute
    it, so it protects nothing; it tells a damaged or edited slot (exit 4) from a wrong
    passphrase (exit 3), which an AEAD failure alone cannot."""
    import rfc8785

    fields = {k: slot.get(k) for k in ("id", "kind", "kdf", "nonce", "wrapped")}
    return hashlib.sha256(rfc8785.dumps({"vault_id": vault_id, "slot": fields})).hexdigest()[:32]


def _open(vault_id: str, slot: dict[str, Any], slot_key: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    # base64 and sizes checked once, when the file was read (_validate)
    nonce = base64.b64decode(slot["nonce"])
    wrapped = base64.b64decode(slot["wrapped"])
    try:
        return AESGCM(slot_key).decrypt(nonce, wrapped, _associated_data(vault_id, slot))
    except InvalidTag:
        return None


def passphrase_slot(
    vault_id: str, data_key: bytes, passphrase: str, cost: KdfCost, slot_id: str = "passphrase"
) -> dict[str, Any]:
    if (
        cost.memory_kib < KDF_FLOOR.memory_kib
        or cost.iterations < KDF_FLOOR.iterations
        or cost.lanes < KDF_FLOOR.lanes
    ):
        raise ValueError("Argon2id cost below RFC 9106's second recommendation")
    kdf = {
        "name": "argon2id",
        "memory_kib": cost.memory_kib,
        "iterations": cost.iterations,
        "lanes": cost.lanes,
        "salt": _b64(secrets.token_bytes(16)),
    }
    slot = {"id": slot_id, "kind": "passphrase", "kdf": kdf}
    return _seal(vault_id, slot, _argon2(passphrase, kdf), data_key)


def recovery_slot(
    vault_id: str, data_key: bytes, slot_id: str = "recovery"
) -> tuple[dict[str, Any], str]:
    code, secret = new_recovery_code()
    kdf = {"name": "hkdf-sha256", "salt": _b64(secrets.token_bytes(16))}
    slot = {"id": slot_id, "kind": "recovery", "kdf": kdf}
    return _seal(vault_id, slot, _hkdf(secret, kdf), data_key), code


def new_document(vault_id: str, slots: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "vault_id": vault_id, "slots": slots}


def unlock_with_passphrase(doc: dict[str, Any], passphrase: str) -> bytes:
    return open_with_passphrase(doc, passphrase)[0]


def open_with_passphrase(doc: dict[str, Any], passphrase: str) -> tuple[bytes, str]:
    """The data key and the id of the passphrase slot that opened it."""
    for slot in doc["slots"]:
        if slot["kind"] == "passphrase":
            key = _open(doc["vault_id"], slot, _argon2(passphrase, slot["kdf"]))
            if key is not None:
                return key, slot["id"]
    raise VaultLocked(
        _("wrong passphrase"),
        hint=_("try again; if it is lost, run 'blockwatch recover' with the recovery code"),
    )


def unlock_with_recovery(doc: dict[str, Any], code: str) -> bytes:
    return open_with_recovery(doc, code)[0]


def open_with_recovery(doc: dict[str, Any], code: str) -> tuple[bytes, str]:
    """The data key and the id of the recovery slot that opened it."""
    secret = parse_recovery_code(code)
    for slot in doc["slots"]:
        if slot["kind"] == "recovery":
            key = _open(doc["vault_id"], slot, _hkdf(secret, slot["kdf"]))
            if key is not None:
                return key, slot["id"]
    raise VaultLocked(
        _("this recovery code does not open this vault"),
        hint=_("check that it belongs to this vault"),
    )


def generation(slot_id: str) -> str:
    """The key a slot belongs to: slots made together by ``passphrase change --rotate-key``
    share a suffix ("passphrase-1f2e", "recovery-1f2e"); the first key's slots have none."""
    return slot_id.partition("-")[2]


def rotating(doc: dict[str, Any]) -> bool:
    """Whether the file holds the slots of two keys: a key rotation was interrupted."""
    return len({generation(slot["id"]) for slot in doc["slots"]}) > 1


def replace_slot(doc: dict[str, Any], slot: dict[str, Any]) -> dict[str, Any]:
    slots = [s for s in doc["slots"] if s["id"] != slot["id"]]
    return {**doc, "slots": [*slots, slot]}


# --------------------------------------------------------------------------- the file


def load(path: Path) -> dict[str, Any]:
    """Read and validate keyslots.json; every cost in it is capped before use."""
    try:
        # O_NONBLOCK: a FIFO in its place must not hang the open; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise VaultCorrupt(_("{path} is missing").format(path=path), hint=_RESTORE_HINT) from None
    except OSError as e:
        raise VaultCorrupt(
            _("{path} cannot be read: {reason}").format(path=path, reason=e.strerror),
            hint=_RESTORE_HINT,
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise VaultCorrupt(_("{path} is not a regular file").format(path=path), hint=_RESTORE_HINT)
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise VaultCorrupt(
            _("{path} is larger than {max_file_bytes} bytes").format(
                path=path, max_file_bytes=MAX_FILE_BYTES
            ),
            hint=_RESTORE_HINT,
        )
    try:
        doc = json.loads(data)
    except RecursionError:
        raise VaultCorrupt(
            _("{path} is damaged: nested too deeply").format(path=path), hint=_RESTORE_HINT
        ) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise VaultCorrupt(
            _("{path} is damaged: {e}").format(path=path, e=e), hint=_RESTORE_HINT
        ) from None
    _validate(doc, path)
    return doc  # type: ignore[no-any-return]


def _validate(doc: Any, path: Path) -> None:
    def bad(what: str) -> VaultCorrupt:
        return VaultCorrupt(_("{path}: {what}").format(path=path, what=what), hint=_RESTORE_HINT)

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(_("not a blockwatch key slot file"))
    if type(doc.get("version")) is not int or doc.get("version") != VERSION:
        raise bad(
            _("key slot format version {value!r} is not supported").format(value=doc.get("version"))
        )
    vault_id, slots = doc.get("vault_id"), doc.get("slots")
    if not isinstance(vault_id, str) or len(vault_id) != 32:
        raise bad(_("vault_id is malformed"))
    if not isinstance(slots, list) or not 0 < len(slots) <= MAX_SLOTS:
        raise bad(_("slots are missing or too many"))
    seen: set[str] = set()
    for slot in slots:
        if not isinstance(slot, dict) or not isinstance(slot.get("kdf"), dict):
            raise bad(_("a slot is malformed"))
        kdf, kind = slot["kdf"], slot.get("kind")
        if not isinstance(slot.get("id"), str):
            raise bad(_("a slot has no id"))
        if slot["id"] in seen:
            raise bad(_("two slots have the id {id!r}").format(id=slot["id"]))
        seen.add(slot["id"])
        if kind == "passphrase":
            if kdf.get("name") != "argon2id":
                raise bad(
                    _("slot {id!r}: unknown KDF {value!r}").format(
                        id=slot["id"], value=kdf.get("name")
                    )
                )
            for name, floor, cap in (
                ("memory_kib", KDF_FLOOR.memory_kib, KDF_CAPS.memory_kib),
                ("iterations", KDF_FLOOR.iterations, KDF_CAPS.iterations),
                ("lanes", KDF_FLOOR.lanes, KDF_CAPS.lanes),
            ):
                value = kdf.get(name)
                if type(value) is not int or not floor <= value <= cap:
                    raise bad(
                        _(
                            "slot {id!r}: Argon2id {name}={value!r} is outside {floor}..{cap}"
                        ).format(id=slot["id"], name=name, value=value, floor=floor, cap=cap)
                    )
            if kdf["memory_kib"] * kdf["iterations"] > KDF_WORK_CAP:
                raise bad(
                    _("slot {id!r}: Argon2id memory_kib x iterations is more than {cap}").format(
                        id=slot["id"], cap=KDF_WORK_CAP
                    )
                )
        elif kind == "recovery":
            if kdf.get("name") != "hkdf-sha256":
                raise bad(
                    _("slot {id!r}: unknown KDF {value!r}").format(
                        id=slot["id"], value=kdf.get("name")
                    )
                )
        else:
            raise bad(
                _("slot {value!r}: unknown kind {kind!r}").format(value=slot.get("id"), kind=kind)
            )
        salt = _unb64(kdf.get("salt"), "salt")
        if not 16 <= len(salt) <= 64:
            raise bad(
                _("slot {id!r}: salt length {count} is not allowed").format(
                    id=slot["id"], count=len(salt)
                )
            )
        if slot["id"] in ("passphrase", "recovery") and kind != slot["id"]:
            raise bad(_("slot {id!r} is of kind {kind!r}").format(id=slot["id"], kind=kind))
        _unb64(slot.get("nonce"), "nonce", 12)
        _unb64(slot.get("wrapped"), "wrapped key", KEY_BYTES + 16)
        if "check" in slot and slot["check"] != _checksum(vault_id, slot):
            raise bad(
                _("slot {id!r} was changed or damaged (its checksum does not match)").format(
                    id=slot["id"]
                )
            )


def save(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically: a 0600 temp file beside it, fsync, rename, fsync the directory."""
    data = json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename itself
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
