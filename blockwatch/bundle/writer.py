"""Export a signed evidence bundle from a vault (layout in ``layout.py``).

Streaming: attachments go from the vault into the zip chunk by chunk and are re-hashed on the
way.  The zip is written to a 0600 temporary file beside OUT and renamed into place only when
complete, so OUT is never partial and never overwritten unless asked.  Deterministic: the same
vault state, options and export time give a byte-identical zip.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from blockwatch import __version__, incidents, ledger, when
from blockwatch.bundle import layout, render
from blockwatch.documents.verify import verify_text
from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.i18n import _
from blockwatch.incidents import Incident
from blockwatch.timestamps import CLOCK_TOLERANCE_SECONDS
from blockwatch.vault import Filter, Vault
from blockwatch.vault.store import ENTRY_BUNDLE_EXPORTED
from blockwatch.vault.store import ENTRY_CHECKPOINT_COSIGNED as ENTRY_COSIGNED
from blockwatch.vault.store import ENTRY_CHECKPOINT_SHARED as ENTRY_SHARED
from blockwatch.vault.store import ENTRY_CHECKPOINT_TIMESTAMPED as ENTRY_TIMESTAMPED


@dataclass(frozen=True)
class ExportOptions:
    where: Filter = field(default_factory=Filter)
    case: str | None = None
    lang: str = "en"
    attachments: bool = True
    at_time: datetime | None = None  # default: now
    to: str | None = None  # who the bundle is for, as the user says it (the disclosure record)
    disclosures: bool = False  # carry the earlier exports of these incidents, and list them
    profile: bool = False  # carry the applicant's details (data/profile.json): asked for only


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    fingerprint: str
    name: str
    incidents: int
    attachments: int
    size: int


def check_target(out: Path, force: bool) -> None:
    """Where the bundle goes is usable: checked before the passphrase is asked for, and again
    just before writing."""
    if out.is_dir():
        raise InputError(
            _("{out} is a directory").format(out=out), hint=_("give a file name ending in .zip")
        )
    if out.exists() and not force:
        raise InputError(
            _("{out} already exists").format(out=out),
            hint=_("choose another name, or add --force to replace it"),
        )


def export_bundle(
    vault: Vault, out: Path, options: ExportOptions, *, force: bool = False
) -> ExportResult:
    at_time = (options.at_time or vault.env.now()).astimezone(UTC).replace(microsecond=0)
    if not vault.matches(options.where):
        raise InputError(
            _("no incidents match the filters: nothing to export"),
            hint=_("check --kind/--platform/--since/--until/--id with 'blockwatch list'"),
        )
    check_target(out, force)
    case = _one_line(options.case) if options.case else None
    name = "blockwatch-" + (_slug(case) + "-" if case else "") + at_time.strftime("%Y%m%dT%H%M%SZ")
    parent = out.parent  # "." for a bare file name
    if not parent.is_dir():
        raise InputError(
            _("directory {parent} does not exist").format(parent=parent),
            hint=_("create it first, or choose another place"),
        )
    vault.ensure_heads()
    fd, tmp = _new_file(parent, out)
    try:
        with os.fdopen(fd, "w+b", closefd=False) as raw:
            writer = _BagWriter(raw, name, at_time)
            # One state of the vault, whatever another process writes meanwhile: incidents,
            # entries, checkpoint and map of heads must agree with each other.
            with vault.snapshot():
                try:
                    views = vault.incidents(options.where)
                    counts, tree_size = _write_bag(vault, writer, views, options, case, at_time)
                finally:
                    writer.close()
            raw.flush()
            os.fsync(raw.fileno())
            raw.seek(0)
            digest = hashlib.sha256()
            while chunk := raw.read(1024 * 1024):
                digest.update(chunk)
            size = raw.tell()
        # Recorded before the bundle appears at OUT: a bundle handed out is always in the ledger.
        vault.record_disclosure(
            {
                "bundle": {
                    "name": name,
                    "file": out.name,
                    "sha256": digest.hexdigest(),
                    "size": size,
                },
                "to": _one_line(options.to) if options.to else None,
                "selection": _selection(options),
                "incidents": [v["uid"] for v in views],
                "exported_at": when.utc_stamp(at_time),
                "tree_size": tree_size,
                "language": options.lang,
                "attachments": options.attachments,
            }
        )
        _publish(fd, tmp, out, force)
    except OSError as e:
        raise InputError(
            _("cannot write the bundle {out}: {reason}").format(out=out, reason=e.strerror),
            hint=_("check free space and permissions; nothing was written at OUT"),
        ) from None
    finally:
        os.close(fd)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return ExportResult(out, digest.hexdigest(), vault.fingerprint, name, len(views), counts, size)


def _new_file(parent: Path, out: Path) -> tuple[int, Path | None]:
    """A file for the bundle, 0600, on OUT's file system.  Where the system can (Linux's
    O_TMPFILE) it has no name until it is complete, so that a process killed half-way leaves
    nothing behind; elsewhere it is a hidden ``.OUT.<hex>.part`` beside OUT, removed on any
    error (only a kill can leave it)."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):  # see _link
        try:
            return os.open(parent, os.O_TMPFILE | os.O_RDWR, 0o600), None
        except OSError:
            pass  # a file system without O_TMPFILE: a named part file
    tmp = parent / f".{out.name}.{secrets.token_hex(4)}.part"
    try:
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        return os.open(tmp, flags, 0o600), tmp
    except OSError as e:
        raise InputError(
            _("cannot write in {parent}: {reason}").format(parent=out.parent, reason=e.strerror),
            hint=_("choose a writable place for the bundle"),
        ) from None


def _publish(fd: int, tmp: Path | None, out: Path, force: bool) -> None:
    """Give the complete bundle its name, OUT, in one step."""
    if tmp is not None:
        os.replace(tmp, out)
        return
    if not force:
        try:
            _link(fd, out)  # fails if OUT appeared meanwhile: never overwritten
        except FileExistsError:
            raise InputError(
                _("{out} already exists").format(out=out),
                hint=_("choose another name, or add --force to replace it"),
            ) from None
        return
    named = out.parent / f".{out.name}.{secrets.token_hex(4)}.part"
    _link(fd, named)
    try:
        os.replace(named, out)
    finally:
        named.unlink(missing_ok=True)


def _link(fd: int, target: Path) -> None:
    """Name an O_TMPFILE file: linkat(2) of /proc/self/fd/N with AT_SYMLINK_FOLLOW (Python
    passes that flag only to linkat, which it calls when a directory fd is given)."""
    root = os.open("/", os.O_RDONLY)
    try:
        os.link(f"proc/self/fd/{fd}", target, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


def _write_bag(
    vault: Vault,
    bag: _BagWriter,
    views: list[Incident],
    options: ExportOptions,
    case: str | None,
    at_time: datetime,
) -> tuple[int, int]:
    uids = {v["uid"] for v in views}
    entries, leaves, newest, latest = _included_entries(vault, uids, options.disclosures)
    if at_time < newest:
        raise InputError(
            _(
                "--at-time {at} is before {newest}, when the newest exported entry was recorded"
            ).format(at=when.utc_stamp(at_time), newest=when.utc_stamp(newest)),
            hint=_("a bundle cannot be dated before its contents; give a later --at-time, or none"),
        )
    tree = ledger.MerkleTree(leaves)
    note = vault.latest_checkpoint()
    checkpoint = ledger.open_checkpoint(note, vault.settings.origin, vault.public_key)
    if (
        checkpoint.size != tree.size
        or checkpoint.root != tree.root()
        or checkpoint.heads is None
        or checkpoint.heads != vault.stored_heads()
    ):
        raise VaultCorrupt(
            _("the vault's latest checkpoint does not match its ledger"),
            hint=_("run 'blockwatch check'"),
        )
    heads = _heads(vault, views, checkpoint.heads, latest, leaves)

    # Attachments first: their files stream straight from the vault into the zip.
    files: dict[str, str] = {}  # sha256 -> path in bag
    images: dict[str, str] = {}  # sha256 -> data: URI for the report
    for path, item in render.attachment_files(views).items():
        sha = item["sha256"]
        files[sha] = path
        if options.attachments:
            keep = render.inline(item)
            data = bag.stream(path, vault.blob(sha), item["size"], sha, keep=keep)
            if keep and data is not None:
                images[sha] = f"data:{item['media_type']};base64,{base64.b64encode(data).decode()}"

    stamps = _timestamps(vault, bag)
    cosignatures = [
        {"size": b["size"], "checkpoint": b["note"], "witness_key": b["witness"], "time": b["time"]}
        for _seq, _at, b in vault.entries_of_type(ENTRY_COSIGNED)
    ]
    # the checkpoints others hold: given to a witness, time-stamped or cosigned
    shared = {body["size"] for _s, _at, body in vault.entries_of_type(ENTRY_SHARED)}
    anchored = shared | {row["size"] for row in [*stamps, *cosignatures]}
    proofs = {
        "format": layout.LEDGER_FORMAT,
        "version": layout.BUNDLE_VERSION,
        "hash": "SHA-256, RFC 9162 section 2.1",
        "origin": vault.settings.origin,
        "checkpoint": note,
        "tree_size": tree.size,
        "entries": [
            {
                "seq": seq,
                "entry": entry.decode("utf-8"),
                "inclusion_proof": [
                    base64.b64encode(p).decode() for p in tree.inclusion_proof(seq)
                ],
            }
            for seq, entry in entries
        ],
        "heads": heads,
        "consistency": _consistency(tree, anchored),
        "timestamps": stamps,
        "cosignatures": cosignatures,
        "past_heads": _past_heads(vault, uids, anchored),
    }
    decoded = [(seq, json.loads(entry)) for seq, entry in entries]
    meta = {
        "case": case,
        "to": _one_line(options.to) if options.to else None,
        "name": bag.name,
        "exported_at": when.utc_stamp(at_time),
        "fingerprint": vault.fingerprint,
        "origin": vault.settings.origin,
        "timezone": vault.settings.timezone,
        "tree_size": tree.size,
        "version": __version__,
        "files": files if options.attachments else {},
        "disclosures": render.disclosures(decoded, views),
        "clock_set_back": render.clock_set_back(decoded, views),
        "timestamps": render.time_stamps(stamps, views),
        "cosignatures": render.cosignatures(cosignatures, views),
        "clock_ahead": render.clock_ahead(stamps, decoded, views, CLOCK_TOLERANCE_SECONDS),
    }
    bag.add(layout.INCIDENTS_JSON, _json(views))
    bag.add(layout.INCIDENTS_CSV, render.incidents_csv(views))
    bag.add(layout.LEDGER_JSON, _json(proofs))
    bag.add(layout.REPORT_HTML, render.report_html(views, meta, options.lang, at_time, images))
    if options.profile:
        bag.add(layout.PROFILE_JSON, _json(vault.profile()))

    langs = ["en"] + ([options.lang] if options.lang != "en" else [])
    tags: list[tuple[str, bytes]] = [
        (layout.BAGIT, layout.BAGIT_TXT),
        (layout.BAG_INFO, _bag_info(bag, case, at_time, vault, options, tree.size)),
        (layout.MANIFEST, bag.manifest()),
        (layout.CHECKPOINT, note.encode()),
        (layout.SIGNER, vault.public_pem().encode()),
        *(
            (
                layout.verify_name(lang),
                verify_text(lang, bag.name, vault.fingerprint, stamped=bool(stamps)).encode(),
            )
            for lang in langs
        ),
    ]
    tagmanifest = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(tags)
    ).encode()
    for path, data in tags:
        bag.add(path, data, payload=False)
    bag.add(layout.TAGMANIFEST, tagmanifest, payload=False)
    bag.add(layout.SIGNATURE, vault.sign(tagmanifest), payload=False)
    return (len(files) if options.attachments else 0), tree.size


def _included_entries(
    vault: Vault, uids: set[str], disclosures: bool
) -> tuple[list[tuple[int, bytes]], list[bytes], datetime, dict[str, int]]:
    """The entries about the chosen incidents (plus the vault's first entry, and the earlier
    exports of any of them when ``disclosures``), all leaves, when the newest of the included
    entries was recorded, and each incident's latest entry."""
    included, leaves, newest, latest = [], [], "", {}
    for seq, type_, recorded_at, entry, leaf in vault.entries():
        leaves.append(leaf)
        body = json.loads(entry)["body"] if seq else {}
        uid = body.get("uid")
        earlier = (
            disclosures
            and type_ == ENTRY_BUNDLE_EXPORTED
            and not uids.isdisjoint(body.get("incidents", ()))
        )
        if seq == 0 or uid in uids or earlier:
            included.append((seq, entry))
            newest = max(newest, recorded_at)  # RFC 3339 in UTC with a Z: sorts as text
            if uid is not None:
                latest[uid] = seq
    return included, leaves, when.parse_instant(newest), latest


def _timestamps(vault: Vault, bag: _BagWriter) -> list[dict[str, Any]]:
    """Every RFC 3161 time stamp the vault holds, as files for ``openssl ts -verify`` and as
    ledger.json rows: which checkpoint it covers, who vouched and when."""
    from blockwatch import timestamps

    rows = []
    for k, (_seq, _at, body) in enumerate(vault.entries_of_type(ENTRY_TIMESTAMPED), 1):
        base = f"{layout.TIMESTAMPS_DIR}{k}"
        token = base64.b64decode(body["token"])
        chain = [base64.b64decode(c) for c in body["chain"]]
        bag.add(base + ".tsr", token)
        bag.add(base + ".checkpoint.txt", body["checkpoint"].encode())
        bag.add(base + ".chain.pem", b"".join(map(_pem, chain)))
        bag.add(base + ".root.pem", _pem(base64.b64decode(body["root_certificate"])))
        rows.append(
            {
                "file": base,
                "size": body["size"],
                "tsa": body["tsa"],
                "authority": timestamps.signer_name(token),
                "gen_time": body["gen_time"],
            }
        )
    return rows


def _pem(der: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM)


def _past_heads(vault: Vault, uids: set[str], sizes: set[int]) -> list[dict[str, Any]]:
    """For every checkpoint given to a witness, cosigned or time-stamped: each included
    incident's head as of that checkpoint, with its proof into that checkpoint's map of heads.
    A witness's checkpoint signs its map: with these, a change made before it cannot be left
    out of a bundle, even with a later map rewritten by the key holder.  One pass over the
    ledger; a map as of each size."""
    notes = dict(vault.checkpoints())
    wanted = {size for size in sizes if size in notes}
    found: list[dict[str, Any]] = []
    if not wanted:
        return found
    numbers: dict[str, int] = {}
    heads: list[bytes] = []
    at: dict[int, tuple[int, bytes]] = {}  # index -> (seq, entry leaf) of its head
    for seq, type_, _recorded_at, entry, leaf in vault.entries():
        if seq >= max(wanted):
            break
        if type_ == incidents.ENTRY_CREATED or type_ in incidents.CHANGES:
            uid = json.loads(entry)["body"]["uid"]
            index = numbers.setdefault(uid, len(numbers))
            if index == len(heads):
                heads.append(b"")
            heads[index] = ledger.head_leaf(uid, seq, leaf)
            at[index] = (seq, leaf)
        if seq + 1 not in wanted:
            continue
        signed = ledger.open_checkpoint(notes[seq + 1], vault.settings.origin, vault.public_key)
        if signed.heads is None:
            continue  # a checkpoint from before the map of heads: nothing to prove into
        tree = ledger.MerkleTree(list(heads))
        if signed.heads != (len(heads), tree.root()):
            raise VaultCorrupt(
                _("the vault's map of heads does not match its ledger"),
                hint=_("run 'blockwatch check'"),
            )
        rows = []
        for uid in sorted(uids & numbers.keys(), key=numbers.__getitem__):
            index = numbers[uid]
            head_seq, head = at[index]
            rows.append(
                {
                    "uid": uid,
                    "index": index,
                    "seq": head_seq,
                    "leaf": head.hex(),
                    "inclusion_proof": [
                        base64.b64encode(p).decode() for p in tree.inclusion_proof(index)
                    ],
                }
            )
        found.append({"size": seq + 1, "incidents": rows})
    return found


def _consistency(tree: ledger.MerkleTree, sizes: Iterable[int]) -> list[dict[str, Any]]:
    """RFC 9162 consistency proofs from each checkpoint of these sizes (those others hold) to
    the bundle's: that its ledger extends each of them."""
    return [
        {
            "size": size,
            "proof": [base64.b64encode(p).decode() for p in tree.consistency_proof(size)],
        }
        for size in sorted(sizes)
        if 0 < size <= tree.size
    ]


def _heads(
    vault: Vault,
    views: list[Incident],
    signed: tuple[int, bytes],
    latest: dict[str, int],
    leaves: list[bytes],
) -> dict[str, Any]:
    """Each included incident's head in the map of heads, with its inclusion proof into the
    checkpoint's root of heads: what shows that no change came after the last one included.
    Every proof is checked before it goes into the bundle."""
    count, proofs = vault.heads_proofs(v["id"] for v in views)
    rows = []
    for view in sorted(views, key=lambda v: v["id"]):
        uid, index, seq = view["uid"], view["id"] - 1, latest[view["uid"]]
        proof = proofs[view["id"]]
        try:
            ledger.verify_inclusion(
                index, count, ledger.head_leaf(uid, seq, leaves[seq]), proof, signed[1]
            )
        except ledger.ProofError:
            raise VaultCorrupt(
                _("the vault's map of heads does not match its ledger"),
                hint=_("run 'blockwatch check'"),
            ) from None
        rows.append(
            {
                "uid": uid,
                "index": index,
                "seq": seq,
                "leaf": leaves[seq].hex(),
                "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
            }
        )
    return {"size": count, "incidents": rows}


def _selection(options: ExportOptions) -> str:
    """The filters an export was made with, in one line ("kind=call; since=…")."""
    where = options.where
    return (
        "; ".join(
            f"{k}={v}"
            for k, v in (
                ("kind", ",".join(where.kinds)),
                ("platform", where.platform or ""),
                ("since", when.utc_stamp(where.since) if where.since else ""),
                ("until", when.utc_stamp(where.until) if where.until else ""),
                ("id", ",".join(map(str, where.ids))),
            )
            if v
        )
        or "all incidents"
    )


def _bag_info(
    bag: _BagWriter,
    case: str | None,
    at_time: datetime,
    vault: Vault,
    options: ExportOptions,
    tree_size: int,
) -> bytes:
    chosen = _selection(options)
    fields = [
        ("Source-Organization", "blockwatch evidence vault (self-recorded)"),
        ("Bagging-Date", at_time.date().isoformat()),
        ("Bag-Software-Agent", f"blockwatch {__version__}"),
        ("Payload-Oxum", f"{bag.payload_bytes}.{len(bag.payload)}"),
        ("External-Identifier", case or bag.name),
        (
            "External-Description",
            "Signed evidence bundle exported from a blockwatch vault. "
            "Verify it as VERIFY.txt explains.",
        ),
        ("Blockwatch-Bundle-Version", str(layout.BUNDLE_VERSION)),
        ("Blockwatch-Export-Time", when.utc_stamp(at_time)),
        ("Blockwatch-Signer-Fingerprint", vault.fingerprint),
        ("Blockwatch-Checkpoint-Origin", vault.settings.origin),
        ("Blockwatch-Tree-Size", str(tree_size)),
        ("Blockwatch-Selection", chosen),
        ("Blockwatch-Attachments", "included" if options.attachments else "listed by hash only"),
        *((("Blockwatch-Profile", "included"),) if options.profile else ()),
        # What report.html was made with, so that a verifier can make it again (check 11)
        ("Blockwatch-Report-Language", options.lang),
        ("Blockwatch-Timezone", vault.settings.timezone),
        ("Blockwatch-Home-Region", vault.settings.home_region),
        *((("Blockwatch-Case", case),) if case else ()),
        # whom the report's cover says the bundle is for
        *((("Blockwatch-Recipient", to),) if (to := _one_line(options.to or "")) else ()),
    ]
    return "".join(render.fold(k, _one_line(v)) for k, v in fields).encode()


class _BagWriter:
    """Writes members under ``<name>/`` in a fixed order with fixed metadata (determinism)."""

    def __init__(self, raw: io.BufferedRandom, name: str, at_time: datetime) -> None:
        self.zip = zipfile.ZipFile(raw, "w")  # ZIP64 where needed (zipfile's default)
        self.name = name
        self.date_time = max(at_time.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
        self.payload: dict[str, str] = {}  # path -> sha256
        self.payload_bytes = 0

    def _info(self, path: str, compress: bool, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.name}/{path}", date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.create_system = 3  # Unix, so the mode below is honoured everywhere
        info.external_attr = 0o100644 << 16
        info.file_size = size
        return info

    def add(self, path: str, data: bytes, *, payload: bool = True) -> None:
        self.zip.writestr(self._info(path, compress=True, size=len(data)), data, compresslevel=6)
        if payload:
            self.payload[path] = hashlib.sha256(data).hexdigest()
            self.payload_bytes += len(data)

    def stream(
        self, path: str, chunks: Iterable[bytes], size: int, sha256: str, *, keep: bool
    ) -> bytes | None:
        """Copy chunks into a stored member, check their hash; keep them if asked (small images)."""
        digest, written, kept = hashlib.sha256(), 0, []
        # zipfile writes ZIP64 headers itself when the member's file_size (set by _info)
        # comes near 2 GiB: no force_zip64 needed.
        with self.zip.open(self._info(path, compress=False, size=size), "w") as member:
            for chunk in chunks:
                digest.update(chunk)
                written += len(chunk)
                member.write(chunk)
                if keep:
                    kept.append(chunk)
        if digest.hexdigest() != sha256 or written != size:
            raise VaultCorrupt(
                _("stored attachment {sha256} does not match its hash").format(sha256=sha256),
                hint=_("run 'blockwatch check'"),
            )
        self.payload[path] = sha256
        self.payload_bytes += size
        return b"".join(kept) if keep else None

    def manifest(self) -> bytes:
        return "".join(f"{sha}  {path}\n" for path, sha in sorted(self.payload.items())).encode()

    def close(self) -> None:
        self.zip.close()


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _slug(text: str) -> str:
    """A case name as a folder name of [a-z0-9-]: Cyrillic spelled in Latin letters
    ("Блокировка журналистов" -> "blokirovka-zhurnalistov"), never dropped."""
    from anyascii import anyascii

    return (
        re.sub(r"[^A-Za-z0-9]+", "-", anyascii(text)).strip("-")[:40].strip("-").lower() or "case"
    )
