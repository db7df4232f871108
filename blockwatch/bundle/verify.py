"""Verify an evidence bundle without a vault, a passphrase, or extracting anything to disk.

Numbered checks, run in order; the first failure stops verification (fail closed) and nothing is
returned but the error, which names the check and the file:

1. The zip is safe to read: members have relative names of [A-Za-z0-9._-] under exactly one top
   folder, no ``..``, backslashes, absolute or drive paths; no links, devices or directories
   posing as files; no encryption; no duplicate names (after NFC and case folding); no
   overlapping members; sizes and compression ratios under caps (no bombs).
2. The bag is complete: bagit.txt is BagIt 1.0, every file in manifest-sha256.txt is present
   and matches its SHA-256, and Payload-Oxum agrees.
3. No file is present that neither manifest lists, except the signature.
4. The tag manifest's hashes match its files.
5. The Ed25519 signature over tagmanifest-sha256.txt is valid for signer.pem.
6. The signer's fingerprint matches the one the user pinned (when given).
7. The checkpoint is signed by that key, and every included ledger entry proves into it
   (RFC 9162 inclusion proofs); the first entry names that key as the vault's signer.
8. incidents.json is exactly the replay of the included entries.
9. No entry is missing from an included incident's history: every change of entry format 2
   names the incident's entry before it (position and leaf hash), and that entry is included;
   and no change came after the last included one: each incident's last included entry is
   its head in the map of heads the checkpoint signs (``blockwatch-heads``), shown by an
   RFC 9162 inclusion proof at the position its number gives.  Format 1 bundles carry no map:
   the second half is a warning, never an "ok".
10. Every payload file is one the bundle makes: incidents.json, incidents.csv, ledger.json,
   report.html, and each attachment file is one that an included incident's entries name,
   under the name they give it, with their hash and size; when the bag says attachments are
   included, every one of them is there.
11. incidents.csv is exactly what the verified incidents give.
12. report.html is exactly what this version makes of the verified incidents.  A bundle written
    by another version, or in format 1 (which does not record what its report was made with),
    is not compared: a warning, never an "ok".
13. The ledger extends every checkpoint a witness holds (``--witness``): each is signed by the
    bundle's key, and the bundle carries the RFC 9162 consistency proof from it to its own
    checkpoint (the vault records each checkpoint it gives out, ``blockwatch checkpoint``).
    A vault rolled back to before it, or a rewritten history, fails.  Without ``--witness``,
    or with a checkpoint newer than the bundle, a warning: nothing then shows that the key
    holder did not rewrite the ledger before the export.
14. Every RFC 3161 time stamp the bundle carries (``data/timestamps/``) is granted, vouches for
    the SHA-256 of a checkpoint signed by the bundle's key, verifies up to the root it names
    with the certificates valid at its time, and the bundle's ledger extends that checkpoint
    (a consistency proof): each included entry it covers existed by the authority's time.  A
    root that is neither in Mozilla's list nor given with ``--tsa-root`` is named, never
    trusted: then, as without any time stamp, a warning.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from blockwatch import incidents, ledger, when
from blockwatch.bundle import layout, render
from blockwatch.errors import InputError, VerificationFailed
from blockwatch.i18n import N_, _
from blockwatch.timestamps import CLOCK_TOLERANCE_SECONDS

CHECKS = (
    N_("the zip is safe to read"),
    N_("the bag is complete and every payload hash matches"),
    N_("no unlisted file besides the signature"),
    N_("every tag file matches the tag manifest"),
    N_("the signature is valid for signer.pem"),
    N_("the signer fingerprint matches the one given"),
    N_("every included ledger entry proves into the signed checkpoint"),
    N_("incidents.json equals the replay of the ledger entries"),
    N_("no entry is missing from an included incident's history"),
    N_("every payload file is a bundle file or an included incident's attachment"),
    N_("incidents.csv is what the verified incidents give"),
    N_("report.html is what this version makes of the verified incidents"),
    N_("the ledger extends every witnessed checkpoint given"),
    N_("every time stamp is an outside authority's, over a checkpoint the ledger extends"),
)
REPORT_CHECK = 12
WITNESS_CHECK = 13
TIMESTAMP_CHECK = 14
# What reading a damaged member raises: zlib's own error is no BadZipFile (found by fuzzing)
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError)


class BundleInvalid(VerificationFailed):
    def __init__(self, check: int, message: str, file: str | None = None) -> None:
        where = f" ({file})" if file else ""
        super().__init__(
            _("check {n} failed, {check}: {message}{where}").format(
                n=check, check=_(CHECKS[check - 1]), message=message, where=where
            ),
            hint=_("do not rely on this bundle; ask the sender for a new copy"),
        )
        self.check = check
        self.file = file


@dataclass
class VerifiedBundle:
    name: str
    fingerprint: str
    checkpoint: ledger.Checkpoint
    incidents: list[incidents.Incident]
    bag_info: dict[str, str]
    passed: list[str] = field(default_factory=list)
    # check number -> why it was not done (a warning: the check neither passed nor failed)
    not_compared: dict[int, str] = field(default_factory=dict)
    # (label, size) of each witnessed checkpoint the ledger was shown to extend
    witnessed: list[tuple[str, int]] = field(default_factory=list)
    # incidents with an entry recorded earlier than the entry before it: a clock set back
    clock_set_back: list[int] = field(default_factory=list)
    # the verified time stamps: file, authority, gen_time, size, ids, trusted, root name and
    # SHA-256 (check 14), oldest first
    time_stamps: list[dict[str, Any]] = field(default_factory=list)
    # incidents with an entry a time stamp covers but recorded later than its time
    clock_ahead: list[int] = field(default_factory=list)
    # the verified cosignatures by the witness keys given: witness, time, size, ids (check 13)
    cosigned: list[dict[str, Any]] = field(default_factory=list)


def normalise_fingerprint(text: str) -> str:
    value = "".join(c for c in text.lower() if c not in " :-\t")
    if value.startswith("sha256"):
        value = value[6:]
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise InputError(
            _("--fingerprint {text!r} is not 64 hexadecimal characters").format(text=text),
            hint=_("give the SHA-256 fingerprint the journalist gave you (blockwatch key show)"),
        )
    return value


def verify_bundle(
    path: Path,
    fingerprint: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    witnesses: Sequence[tuple[str, str]] = (),
    tsa_roots: Sequence[Any] = (),
    witness_keys: Sequence[tuple[str, bytes]] = (),
) -> VerifiedBundle:
    """Run every check; ``witnesses`` are (label, text) of signed checkpoints others hold;
    ``tsa_roots`` are root certificates the user trusts for time stamps, besides Mozilla's."""
    pinned = normalise_fingerprint(fingerprint) if fingerprint else None
    try:
        with open(path, "rb") as handle:
            return _Verifier(handle, str(path), progress).run(
                pinned, witnesses, tsa_roots, witness_keys
            )
    except OSError as e:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=e.strerror)
        ) from None


class _Verifier:
    def __init__(self, handle: IO[bytes], label: str, progress: Callable[[str], None]) -> None:
        self.handle = handle
        self.label = label
        self.progress = progress
        self.passed: list[str] = []

    def done(self, number: int) -> None:
        self.passed.append(_(CHECKS[number - 1]))
        if number < len(CHECKS):
            self.progress(_(CHECKS[number]))

    def run(
        self,
        pinned: str | None,
        witnesses: Sequence[tuple[str, str]] = (),
        tsa_roots: Sequence[Any] = (),
        witness_keys: Sequence[tuple[str, bytes]] = (),
    ) -> VerifiedBundle:
        self.progress(_(CHECKS[0]))
        zf, top, members = self.open_zip()
        with zf:
            self.zf, self.top, self.members = zf, top, members
            self.done(1)
            payload = self.check_payload()
            self.done(2)
            tags = self.check_listing(payload)
            self.done(3)
            self.check_tags(tags)
            self.done(4)
            public, fp = self.check_signature()
            self.done(5)
            if pinned is not None and pinned != fp:
                raise BundleInvalid(
                    6,
                    _("the bundle is signed by {fp}, not by {pinned}").format(fp=fp, pinned=pinned),
                    layout.SIGNER,
                )
            self.done(6)
            checkpoint, entries = self.check_ledger(public)
            self.entries = entries
            self.done(7)
            views = self.check_incidents(entries)
            self.done(8)
            heads_missing = self.check_histories(entries, views, checkpoint)
            if heads_missing is None:
                self.done(9)
            self.check_payload_files(views, payload)
            self.done(10)
            if render.incidents_csv(views) != self.read(
                11, layout.INCIDENTS_CSV, layout.MAX_JSON_BYTES
            ):
                raise BundleInvalid(
                    11, _("differs from what the verified incidents give"), layout.INCIDENTS_CSV
                )
            self.done(11)
            result = VerifiedBundle(top, fp, checkpoint, views, self.bag_info, self.passed)
            result.clock_set_back = render.clock_set_back(entries, views)
            result.clock_ahead = render.clock_ahead(
                self.rows(), entries, views, CLOCK_TOLERANCE_SECONDS
            )
            if heads_missing is not None:
                result.not_compared[9] = heads_missing
            why = self.check_report(result)
            if why is None:
                self.done(REPORT_CHECK)
            else:
                result.not_compared[REPORT_CHECK] = why
            why = self.check_witnesses(result, public, witnesses, witness_keys)
            if why is None:
                self.done(WITNESS_CHECK)
            else:
                result.not_compared[WITNESS_CHECK] = why
            why = self.check_timestamps(result, public, tsa_roots)
            if why is None:
                self.done(TIMESTAMP_CHECK)
            else:
                result.not_compared[TIMESTAMP_CHECK] = why
            return result

    # ------------------------------------------------------------------ check 1

    def open_zip(self) -> tuple[zipfile.ZipFile, str, dict[str, zipfile.ZipInfo]]:
        try:
            zf = zipfile.ZipFile(self.handle)
        except _DAMAGED:  # NotImplementedError: a zip "version" it does not read (coverage fuzzing)
            raise BundleInvalid(1, _("not a zip file"), self.label) from None
        try:
            infos = zf.infolist()
            if not infos:
                raise BundleInvalid(1, _("the zip is empty"), self.label)
            if len(infos) > layout.MAX_MEMBERS:
                raise BundleInvalid(
                    1,
                    _("more than {max_members} members").format(max_members=layout.MAX_MEMBERS),
                    self.label,
                )
            members: dict[str, zipfile.ZipInfo] = {}
            seen: set[str] = set()
            tops: set[str] = set()
            total = 0
            for info in infos:
                name = info.filename
                self.check_member(info)
                folded = unicodedata.normalize("NFC", name).casefold()
                if folded in seen:
                    raise BundleInvalid(1, _("two members have the same name"), name)
                seen.add(folded)
                total += info.file_size
                if total > layout.MAX_TOTAL_BYTES:
                    raise BundleInvalid(1, _("the members add up to more than the size cap"), name)
                if name.endswith("/"):
                    continue  # a plain directory entry carries nothing
                top, _slash, rest = name.partition("/")
                tops.add(top)
                members[rest] = info
            if len(tops) != 1:
                raise BundleInvalid(
                    1,
                    _("expected one top folder, found {count}").format(count=len(tops)),
                    self.label,
                )
            self.check_overlaps(infos)
        except BaseException:
            zf.close()
            raise
        return zf, tops.pop(), members

    @staticmethod
    def check_member(info: zipfile.ZipInfo) -> None:
        name = info.filename
        if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            raise BundleInvalid(1, _("member name is absolute or uses backslashes"), repr(name))
        parts = name.rstrip("/").split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise BundleInvalid(1, _("member name contains '..', '.' or an empty part"), repr(name))
        if not layout.SAFE_PATH.fullmatch(name.rstrip("/")):
            raise BundleInvalid(
                1, _("member name has characters outside [A-Za-z0-9._-]"), repr(name)
            )
        if info.flag_bits & 0x1:
            raise BundleInvalid(1, _("member is encrypted"), name)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if info.create_system == 3 and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise BundleInvalid(1, _("member is a link or a device, not a file"), name)
        if name.endswith("/") and (info.file_size or info.compress_size):
            raise BundleInvalid(1, _("a directory entry carries data"), name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleInvalid(
                1,
                _("unsupported compression method {method}").format(method=info.compress_type),
                name,
            )
        if info.file_size > layout.MAX_MEMBER_BYTES:
            raise BundleInvalid(1, _("member is larger than the size cap"), name)
        if info.file_size > layout.RATIO_FLOOR and info.file_size > layout.MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise BundleInvalid(1, _("member compresses suspiciously well (a zip bomb?)"), name)

    def check_overlaps(self, infos: list[zipfile.ZipInfo]) -> None:
        """Members whose data overlap are how the worst zip bombs get their ratio."""
        spans = sorted(((i.header_offset, i) for i in infos), key=lambda pair: pair[0])
        for (offset, info), (next_offset, nxt) in itertools.pairwise(spans):
            # 30-byte local header + name + extra; we read the real lengths from the header.
            self.handle.seek(offset + 26)
            header = self.handle.read(4)
            if len(header) != 4:
                raise BundleInvalid(1, _("truncated local header"), info.filename)
            end = (
                offset
                + 30
                + int.from_bytes(header[:2], "little")
                + int.from_bytes(header[2:], "little")
                + info.compress_size
            )
            if end > next_offset:
                raise BundleInvalid(1, _("members overlap"), nxt.filename)

    # ------------------------------------------------------------------ reading

    def read(self, check: int, rest: str, cap: int) -> bytes:
        info = self.members.get(rest)
        if info is None:
            raise BundleInvalid(check, _("file is missing"), rest)
        if info.file_size > cap:
            raise BundleInvalid(check, _("file is larger than allowed"), rest)
        try:
            with self.zf.open(info) as f:
                data = f.read(cap + 1)
        except _DAMAGED as e:
            raise BundleInvalid(check, _("cannot be read: {e}").format(e=e), rest) from None
        if len(data) > cap:
            raise BundleInvalid(check, _("file is larger than allowed"), rest)
        return data

    def digest(self, check: int, rest: str) -> tuple[str, int]:
        info = self.members[rest]
        digest, size = hashlib.sha256(), 0
        try:
            with self.zf.open(info) as f:
                while chunk := f.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    if size > info.file_size:
                        raise BundleInvalid(check, _("file is longer than the zip says"), rest)
        except _DAMAGED as e:
            raise BundleInvalid(check, _("cannot be read: {e}").format(e=e), rest) from None
        return digest.hexdigest(), size

    @staticmethod
    def parse_manifest(check: int, data: bytes, name: str) -> dict[str, str]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BundleInvalid(check, _("manifest is not UTF-8"), name) from None
        entries: dict[str, str] = {}
        for number, line in enumerate(text.split("\n"), 1):
            if not line and number == text.count("\n") + 1:
                continue
            match = layout.MANIFEST_LINE.fullmatch(line)
            if not match or not layout.SAFE_PATH.fullmatch(match[2]) or match[2] in entries:
                raise BundleInvalid(
                    check, _("line {number} is not '<sha256>  <path>'").format(number=number), name
                )
            entries[match[2]] = match[1]
        return entries

    # ------------------------------------------------------------------ checks 2-4

    def check_payload(self) -> dict[str, str]:
        if self.read(2, layout.BAGIT, layout.MAX_TAG_BYTES) != layout.BAGIT_TXT:
            raise BundleInvalid(2, _("not a BagIt 1.0 declaration"), layout.BAGIT)
        manifest = self.parse_manifest(
            2, self.read(2, layout.MANIFEST, layout.MAX_JSON_BYTES), layout.MANIFEST
        )
        if not manifest:
            raise BundleInvalid(2, _("the payload manifest is empty"), layout.MANIFEST)
        total = 0
        for rest, want in sorted(manifest.items()):
            if not rest.startswith("data/"):
                raise BundleInvalid(2, _("the payload manifest lists a file outside data/"), rest)
            if rest not in self.members:
                raise BundleInvalid(2, _("a listed payload file is missing"), rest)
            got, size = self.digest(2, rest)
            if got != want:
                raise BundleInvalid(2, _("SHA-256 does not match the manifest"), rest)
            total += size
        self.bag_info = self.parse_bag_info()
        if self.bag_info.get("Payload-Oxum") != f"{total}.{len(manifest)}":
            raise BundleInvalid(2, _("Payload-Oxum does not match the payload"), layout.BAG_INFO)
        return manifest

    def parse_bag_info(self) -> dict[str, str]:
        data = self.read(2, layout.BAG_INFO, layout.MAX_TAG_BYTES)
        try:
            return render.unfold(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise BundleInvalid(2, _("bag-info.txt is not UTF-8"), layout.BAG_INFO) from None

    def check_listing(self, payload: dict[str, str]) -> dict[str, str]:
        tags = self.parse_manifest(
            3, self.read(3, layout.TAGMANIFEST, layout.MAX_TAG_BYTES), layout.TAGMANIFEST
        )
        allowed = set(payload) | set(tags) | {layout.TAGMANIFEST, layout.SIGNATURE}
        for rest in sorted(self.members):
            if rest not in allowed:
                raise BundleInvalid(3, _("file is not listed in any manifest"), rest)
        for required in (
            layout.BAGIT,
            layout.BAG_INFO,
            layout.MANIFEST,
            layout.SIGNER,
            layout.CHECKPOINT,
            layout.verify_name("en"),
        ):
            if required not in tags:
                raise BundleInvalid(3, _("the tag manifest does not cover this file"), required)
        return tags

    def check_tags(self, tags: dict[str, str]) -> None:
        for rest, want in sorted(tags.items()):
            if rest.startswith("data/") or "/" in rest:
                raise BundleInvalid(
                    4, _("the tag manifest lists a file outside the bag's top level"), rest
                )
            if rest not in self.members:
                raise BundleInvalid(4, _("a listed tag file is missing"), rest)
            if self.digest(4, rest)[0] != want:
                raise BundleInvalid(4, _("SHA-256 does not match the tag manifest"), rest)

    # ------------------------------------------------------------------ checks 5-7

    def check_signature(self) -> tuple[bytes, str]:
        from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            PublicFormat,
            load_pem_public_key,
        )

        try:
            key = load_pem_public_key(self.read(5, layout.SIGNER, layout.MAX_TAG_BYTES))
        except (ValueError, UnsupportedAlgorithm):
            raise BundleInvalid(5, _("not a PEM public key"), layout.SIGNER) from None
        if not isinstance(key, Ed25519PublicKey):
            raise BundleInvalid(5, _("the key is not Ed25519"), layout.SIGNER)
        signature = self.read(5, layout.SIGNATURE, 64)
        try:
            key.verify(signature, self.read(5, layout.TAGMANIFEST, layout.MAX_TAG_BYTES))
        except InvalidSignature:
            raise BundleInvalid(5, _("the signature does not verify"), layout.SIGNATURE) from None
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw, hashlib.sha256(raw).hexdigest()

    def check_ledger(
        self, public: bytes
    ) -> tuple[ledger.Checkpoint, list[tuple[int, dict[str, Any]]]]:
        doc = self.json(7, layout.LEDGER_JSON)
        if (
            not isinstance(doc, dict)
            or doc.get("format") != layout.LEDGER_FORMAT
            or doc.get("version") not in layout.BUNDLE_VERSIONS
        ):
            raise BundleInvalid(7, _("unknown ledger proof format or version"), layout.LEDGER_JSON)
        origin, note = doc.get("origin"), doc.get("checkpoint")
        if not isinstance(origin, str) or not isinstance(note, str):
            raise BundleInvalid(7, _("origin or checkpoint missing"), layout.LEDGER_JSON)
        if note.encode() != self.read(7, layout.CHECKPOINT, layout.MAX_TAG_BYTES):
            raise BundleInvalid(
                7, _("the checkpoint differs from checkpoint.txt"), layout.LEDGER_JSON
            )
        try:
            checkpoint = ledger.open_checkpoint(note, origin, public)
        except ledger.ProofError as e:
            raise BundleInvalid(7, e.message, layout.CHECKPOINT) from None
        self.version = doc["version"]
        self.checkpoint_size = checkpoint.size
        self.heads: Any = doc.get("heads")
        self.consistency: Any = doc.get("consistency") or []
        self.stamp_rows: Any = doc.get("timestamps") or []
        self.cosign_rows: Any = doc.get("cosignatures") or []
        self.past_heads_doc: Any = doc.get("past_heads") or []
        self._proofs: dict[int, list[bytes]] | None = None  # parsed when first asked for
        self._past: dict[int, dict[str, tuple[int, int, bytes, list[bytes]]]] | None = None
        self.leaves: dict[int, bytes] = {}
        entries: list[tuple[int, dict[str, Any]]] = []
        rows = doc.get("entries")
        if not isinstance(rows, list) or not rows:
            raise BundleInvalid(7, _("no ledger entries"), layout.LEDGER_JSON)
        last = -1
        for row in rows:
            try:
                seq, text, proof = (
                    row["seq"],
                    row["entry"],
                    [base64.b64decode(p, validate=True) for p in row["inclusion_proof"]],
                )
                raw = text.encode("utf-8")
                entry = json.loads(raw)
            except (KeyError, TypeError, ValueError, UnicodeError, RecursionError):
                raise BundleInvalid(
                    7, _("a ledger entry is malformed"), layout.LEDGER_JSON
                ) from None
            if not isinstance(entry, dict) or not isinstance(entry.get("body"), dict):
                raise BundleInvalid(
                    7,
                    _("entry {seq} is not a ledger entry object").format(seq=seq),
                    layout.LEDGER_JSON,
                )
            if type(seq) is not int or seq <= last:
                raise BundleInvalid(
                    7, _("ledger entries are not in increasing order"), layout.LEDGER_JSON
                )
            last = seq
            try:
                if (
                    ledger.canonical_entry(
                        seq, entry["type"], entry["recorded_at"], entry["body"], entry.get("salt")
                    )
                    != raw
                ):
                    raise BundleInvalid(
                        7, _("entry {seq} is not canonical").format(seq=seq), layout.LEDGER_JSON
                    )
                leaf = ledger.leaf_hash(raw)
                ledger.verify_inclusion(seq, checkpoint.size, leaf, proof, checkpoint.root)
            except ledger.ProofError as e:
                raise BundleInvalid(
                    7,
                    _("entry {seq}: {message}").format(seq=seq, message=e.message),
                    layout.LEDGER_JSON,
                ) from None
            except (KeyError, TypeError, ValueError):
                raise BundleInvalid(
                    7, _("entry {seq} is malformed").format(seq=seq), layout.LEDGER_JSON
                ) from None
            entries.append((seq, entry))
            self.leaves[seq] = leaf
        if self.bag_info.get("Blockwatch-Bundle-Version") != str(self.version) or (
            self.version == 1
            and (checkpoint.heads is not None or any(e.get("v") != 1 for _s, e in entries))
        ):  # a format 2 bundle passed off as format 1 would skip what format 1 lacks
            raise BundleInvalid(
                7,
                _("the bundle's format version does not match what it holds"),
                layout.LEDGER_JSON,
            )
        first = entries[0][1]
        if entries[0][0] != 0 or first.get("type") != "vault.created":
            raise BundleInvalid(7, _("the vault's first entry is not included"), layout.LEDGER_JSON)
        body = first.get("body") or {}
        if body.get("signer") != base64.b64encode(public).decode() or body.get("origin") != origin:
            raise BundleInvalid(
                7, _("the ledger was started by another key or origin"), layout.LEDGER_JSON
            )
        return checkpoint, entries

    # ------------------------------------------------------------------ check 8

    def check_incidents(
        self, entries: list[tuple[int, dict[str, Any]]]
    ) -> list[incidents.Incident]:
        claimed = self.json(8, layout.INCIDENTS_JSON)
        if not isinstance(claimed, list) or not all(isinstance(v, dict) for v in claimed):
            raise BundleInvalid(8, _("not a list of incidents"), layout.INCIDENTS_JSON)
        try:
            ids = {v["uid"]: v["id"] for v in claimed}
        except (KeyError, TypeError):
            raise BundleInvalid(
                8, _("an incident has no uid or id"), layout.INCIDENTS_JSON
            ) from None
        replay = incidents.Projection()
        try:
            for seq, entry in entries:
                body = entry["body"]
                if entry["type"] == incidents.ENTRY_CREATED and body.get("uid") in ids:
                    replay.next_id = ids[body["uid"]]  # ids are vault-local labels, not evidence
                replay.apply(seq, entry["type"], entry["recorded_at"], body)
        except (VerificationFailed, KeyError, TypeError, AttributeError, ValueError) as e:
            raise BundleInvalid(
                8,
                _("the ledger entries do not replay ({name})").format(name=type(e).__name__),
                layout.LEDGER_JSON,
            ) from None
        by_uid = {v["uid"]: v for v in claimed}
        if set(by_uid) != set(replay.by_uid) or len(by_uid) != len(claimed):
            raise BundleInvalid(
                8, _("the incidents are not those the ledger entries create"), layout.INCIDENTS_JSON
            )
        for uid, view in replay.by_uid.items():
            if by_uid[uid] != view:
                raise BundleInvalid(
                    8,
                    _("incident {id} differs from its ledger entries").format(id=view["id"]),
                    layout.INCIDENTS_JSON,
                )
        return claimed

    # ------------------------------------------------------------------ checks 9-12

    def check_histories(
        self,
        entries: list[tuple[int, dict[str, Any]]],
        views: list[incidents.Incident],
        checkpoint: ledger.Checkpoint,
    ) -> str | None:
        """Check 9; None when it passed, or why its second half cannot be done (format 1)."""
        chains = incidents.Chains()
        for seq, entry in entries:
            if not chains.follow(seq, entry["type"], entry, self.leaves[seq]):
                raise BundleInvalid(
                    9,
                    _("entry {seq} follows an entry of its incident that is not included").format(
                        seq=seq
                    ),
                    layout.LEDGER_JSON,
                )
        if self.version == 1:
            return _(
                "not shown: format 1 bundles carry no map of heads, so a change made after "
                "the last included one would not show"
            )
        if checkpoint.heads is None:
            raise BundleInvalid(
                9, _("the checkpoint commits to no map of heads"), layout.CHECKPOINT
            )
        count, root = checkpoint.heads
        rows = self.head_rows(count)
        for view in views:
            row = rows.get(view["uid"])
            if row is None:
                raise BundleInvalid(
                    9,
                    _("incident {id} has no head in the map of heads").format(id=view["id"]),
                    layout.LEDGER_JSON,
                )
            index, seq, leaf, proof = row
            if index != view["id"] - 1:
                raise BundleInvalid(
                    9,
                    _("incident {id} is not at its number's place in the map of heads").format(
                        id=view["id"]
                    ),
                    layout.LEDGER_JSON,
                )
            try:
                ledger.verify_inclusion(
                    index, count, ledger.head_leaf(view["uid"], seq, leaf), proof, root
                )
            except (ledger.ProofError, ValueError, OverflowError):
                raise BundleInvalid(
                    9,
                    _(
                        "the head of incident {id} does not prove into the signed map of heads"
                    ).format(id=view["id"]),
                    layout.LEDGER_JSON,
                ) from None
            if chains.heads.get(view["uid"]) != {"seq": seq, "leaf": leaf.hex()}:
                raise BundleInvalid(
                    9,
                    _(
                        "incident {id} was changed after its last included entry: the signed "
                        "map of heads names entry {seq}, which is not in the bundle"
                    ).format(id=view["id"], seq=seq),
                    layout.LEDGER_JSON,
                )
        if len(rows) != len(views):
            raise BundleInvalid(
                9,
                _("the map of heads names incidents the bundle does not include"),
                layout.LEDGER_JSON,
            )
        return None

    def head_rows(self, count: int) -> dict[str, tuple[int, int, bytes, list[bytes]]]:
        """ledger.json's heads, by uid: (index, seq, leaf, proof); malformed ones fail check 9."""
        doc = self.heads
        rows: dict[str, tuple[int, int, bytes, list[bytes]]] = {}
        try:
            if type(doc["size"]) is not int or doc["size"] != count:
                raise BundleInvalid(
                    9,
                    _("the map of heads has another size than the checkpoint says"),
                    layout.LEDGER_JSON,
                )
            for row in doc["incidents"]:
                uid, index, seq = row["uid"], row["index"], row["seq"]
                leaf = bytes.fromhex(row["leaf"])
                proof = [base64.b64decode(p, validate=True) for p in row["inclusion_proof"]]
                if (
                    not isinstance(uid, str)
                    or type(index) is not int
                    or type(seq) is not int
                    or not 0 <= seq < 2**63
                    or uid in rows
                ):
                    raise TypeError
                rows[uid] = (index, seq, leaf, proof)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BundleInvalid(9, _("the map of heads is malformed"), layout.LEDGER_JSON) from None
        return rows

    def check_payload_files(self, views: list[incidents.Incident], payload: dict[str, str]) -> None:
        made = {layout.INCIDENTS_JSON, layout.INCIDENTS_CSV, layout.LEDGER_JSON, layout.REPORT_HTML}
        made |= self.stamp_files()
        if self.bag_info.get("Blockwatch-Profile") == "included":
            made.add(layout.PROFILE_JSON)
            self.check_profile()
        self.check_cosignature_rows()
        named = render.attachment_files(views)
        for rest in sorted(made - set(payload)):
            raise BundleInvalid(10, _("file is missing"), rest)
        for rest, sha in sorted(payload.items()):
            if rest in made:
                continue
            item = named.get(rest)
            if item is None:
                raise BundleInvalid(10, _("no included incident has this attachment"), rest)
            if sha != item["sha256"] or self.members[rest].file_size != item["size"]:
                raise BundleInvalid(
                    10, _("not the file its incident names (SHA-256 or size differ)"), rest
                )
        if self.bag_info.get("Blockwatch-Attachments") == "included":
            for rest in sorted(set(named) - set(payload)):
                raise BundleInvalid(10, _("an attachment of an included incident is missing"), rest)

    def check_profile(self) -> None:
        """The applicant's details, when bag-info.txt says they are included: a JSON object of
        texts (check 10); signed like the rest, they are the sender's own statement."""
        try:
            profile = json.loads(self.read(10, layout.PROFILE_JSON, layout.MAX_PROFILE_BYTES))
        except (ValueError, UnicodeDecodeError, RecursionError):
            profile = None
        if not isinstance(profile, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in profile.items()
        ):
            raise BundleInvalid(10, _("the applicant's details are malformed"), layout.PROFILE_JSON)

    def stamp_files(self) -> set[str]:
        """The time-stamp files ledger.json names (check 10), its rows checked for shape."""
        rows = self.stamp_rows if self.version > 1 else []
        files: set[str] = set()
        try:
            if not isinstance(rows, list) or len(rows) > layout.MAX_TIMESTAMPS:
                raise TypeError
            for k, row in enumerate(rows, 1):
                if (
                    row["file"] != f"{layout.TIMESTAMPS_DIR}{k}"
                    or type(row["size"]) is not int
                    or not 0 < row["size"] <= self.checkpoint_size
                    or not all(isinstance(row[key], str) for key in ("tsa", "authority"))
                ):
                    raise TypeError
                when.parse_instant(row["gen_time"])
                files.update(row["file"] + suffix for suffix in layout.TIMESTAMP_FILES)
        except (KeyError, TypeError, ValueError):
            raise BundleInvalid(
                10, _("the list of time stamps is malformed"), layout.LEDGER_JSON
            ) from None
        return files

    def check_report(self, result: VerifiedBundle) -> str | None:
        """None when report.html is exactly what this version makes; else why it was not
        compared.  A report that should compare and differs fails check 12."""
        from blockwatch import __version__

        agent = self.bag_info.get("Bag-Software-Agent", "")
        if self.version == 1:
            return _("not compared: format 1 bundles do not record how their report was made")
        if agent != f"blockwatch {__version__}":
            return _("not compared: written by {agent}, this is blockwatch {version}").format(
                agent=agent or "?", version=__version__
            )
        made = self.expected_report(result)
        if made != self.read(REPORT_CHECK, layout.REPORT_HTML, layout.MAX_JSON_BYTES):
            raise BundleInvalid(
                REPORT_CHECK, _("differs from what the verified incidents give"), layout.REPORT_HTML
            )
        return None

    def expected_report(self, result: VerifiedBundle) -> bytes:
        """The report.html this version makes of the verified incidents and bag-info.txt."""
        from blockwatch import __version__
        from blockwatch.i18n import LANGS

        info = self.bag_info
        lang = info.get("Blockwatch-Report-Language")
        zone = info.get("Blockwatch-Timezone")
        try:
            at_time = when.parse_instant(info["Blockwatch-Export-Time"])
            when.zone(zone or "")
        except (KeyError, ValueError, InputError):
            at_time = None
        if lang not in LANGS or at_time is None or at_time.tzinfo is None:
            raise BundleInvalid(
                REPORT_CHECK,
                _("bag-info.txt does not say how the report was made"),
                layout.BAG_INFO,
            )
        attached = info.get("Blockwatch-Attachments") == "included"
        files, images = {}, {}
        for rest, item in render.attachment_files(result.incidents).items():
            files[item["sha256"]] = rest
            if attached and render.inline(item):
                data = self.read(REPORT_CHECK, rest, render.MAX_INLINE_IMAGE)
                images[item["sha256"]] = (
                    f"data:{item['media_type']};base64,{base64.b64encode(data).decode()}"
                )
        meta = {
            "case": info.get("Blockwatch-Case"),
            "to": info.get("Blockwatch-Recipient"),
            "name": result.name,
            "exported_at": info["Blockwatch-Export-Time"],
            "fingerprint": result.fingerprint,
            "origin": result.checkpoint.origin,
            "timezone": zone,
            "tree_size": result.checkpoint.size,
            "version": __version__,
            "files": files if attached else {},
            "disclosures": render.disclosures(self.entries, result.incidents),
            "clock_set_back": result.clock_set_back,
            "timestamps": render.time_stamps(self.rows(), result.incidents),
            "cosignatures": render.cosignatures(self.cosign_rows, result.incidents),
            "clock_ahead": result.clock_ahead,
        }
        return render.report_html(result.incidents, meta, lang, at_time, images)

    def check_witnesses(
        self,
        result: VerifiedBundle,
        public: bytes,
        witnesses: Sequence[tuple[str, str]],
        witness_keys: Sequence[tuple[str, bytes]] = (),
    ) -> str | None:
        """Check 13; None when every witnessed checkpoint given, and every cosignature by a
        witness key given, was shown extended (one at least); else why not."""
        point = result.checkpoint
        proofs = self.consistency_proofs(WITNESS_CHECK)
        others = self.check_cosignatures(result, public, witness_keys, proofs)
        if not witnesses and not result.cosigned:
            if others:
                return _(
                    "not trusted: the bundle carries cosignatures by {witnesses}; if you trust "
                    "one, give its key with --witness-key KEY"
                ).format(witnesses=", ".join(sorted(others)))
            return _(
                "no --witness checkpoint given: nothing shows that the ledger was not "
                "rewritten before this export"
            )
        newer = []
        for label, note in witnesses:
            try:
                held = ledger.open_checkpoint(note, point.origin, public)
            except ledger.ProofError as e:
                raise BundleInvalid(
                    WITNESS_CHECK,
                    _("not a checkpoint of this bundle's ledger and key: {message}").format(
                        message=e.message
                    ),
                    label,
                ) from None
            if held.size > point.size:
                newer.append(label)
                continue
            if held.size < point.size and held.size not in proofs:
                raise BundleInvalid(
                    WITNESS_CHECK,
                    _(
                        "the bundle does not show that its ledger extends this checkpoint of "
                        "size {size}: the vault was rolled back, or the bundle was made without it"
                    ).format(size=held.size),
                    label,
                )
            try:
                ledger.verify_consistency(
                    held.size, point.size, held.root, point.root, proofs.get(held.size, [])
                )
            except ledger.ProofError:
                raise BundleInvalid(
                    WITNESS_CHECK,
                    _(
                        "the ledger does not extend this checkpoint of size {size}: its history "
                        "was rewritten after the witness received it"
                    ).format(size=held.size),
                    label,
                ) from None
            self.check_past_heads(WITNESS_CHECK, held, result, label)
            result.witnessed.append((label, held.size))
        result.witnessed.sort(key=lambda pair: pair[1])
        if newer:
            return _(
                "not compared: {labels} is newer than this bundle, and says nothing about it"
            ).format(labels=", ".join(newer))
        return None

    def check_cosignatures(
        self,
        result: VerifiedBundle,
        public: bytes,
        witness_keys: Sequence[tuple[str, bytes]],
        proofs: dict[int, list[bytes]],
    ) -> set[str]:
        """Verify the cosignatures the bundle carries by the witnesses whose keys were given
        (into ``result.cosigned``); return the names of the other witnesses it carries."""
        point = result.checkpoint
        trusted = dict(witness_keys)
        others: set[str] = set()
        for row in self.cosign_rows:
            name = row["witness_key"].partition("+")[0]
            if name not in trusted:
                others.add(name)
                continue
            note = row["checkpoint"]
            try:
                held = ledger.open_checkpoint(note, point.origin, public)
                at = ledger.open_cosignature(note, name, trusted[name])
                if at != row["time"] or held.size != row["size"] or held.size > point.size:
                    raise ledger.ProofError(_("its time or size is not what ledger.json says"))
                ledger.verify_consistency(
                    held.size, point.size, held.root, point.root, proofs.get(held.size, [])
                )
            except ledger.ProofError as e:
                raise BundleInvalid(
                    WITNESS_CHECK,
                    _("the cosignature by {witness} does not verify: {message}").format(
                        witness=name, message=e.message
                    ),
                    layout.LEDGER_JSON,
                ) from None
            self.check_past_heads(WITNESS_CHECK, held, result, layout.LEDGER_JSON)
            result.cosigned.append(
                {
                    "witness": name,
                    "time": when.utc_stamp(when.from_posix(at)),
                    "size": held.size,
                    "ids": sorted(v["id"] for v in result.incidents if v["seq"] < held.size),
                }
            )
        result.cosigned.sort(key=lambda row: (row["time"], row["size"]))
        return others

    def check_past_heads(
        self, check: int, held: ledger.Checkpoint, result: VerifiedBundle, where: str
    ) -> None:
        """The map of heads a witnessed (or time-stamped) checkpoint signs: each included
        incident created before it has, as its head there, its last included entry before it.
        A change made before the witness's checkpoint and left out of the bundle fails here,
        whatever map the key holder signed later."""
        if held.heads is None:
            return  # a checkpoint from before the map of heads
        count, root = held.heads
        due = [v for v in result.incidents if v["seq"] < held.size]
        rows = self.past_heads(check).get(held.size)
        if rows is None:
            if due:
                raise BundleInvalid(
                    check,
                    _(
                        "the bundle does not show which changes of its incidents existed at "
                        "the checkpoint of size {size}"
                    ).format(size=held.size),
                    where,
                )
            return
        for view in due:
            seqs = [view["seq"], *(change["seq"] for change in view["amended"])]
            last = max(seq for seq in seqs if seq < held.size)
            row = rows.get(view["uid"])
            try:
                if row is None or row[0] != view["id"] - 1 or row[1] != last:
                    raise ledger.ProofError("")
                if row[2] != self.leaves[last]:
                    raise ledger.ProofError("")
                ledger.verify_inclusion(
                    row[0], count, ledger.head_leaf(view["uid"], last, row[2]), row[3], root
                )
            except (ledger.ProofError, ValueError):
                raise BundleInvalid(
                    check,
                    _(
                        "incident {id}: the checkpoint of size {size} signs another latest "
                        "change than the bundle holds: a change made before it is missing"
                    ).format(id=view["id"], size=held.size),
                    where,
                ) from None

    def past_heads(self, check: int) -> dict[int, dict[str, tuple[int, int, bytes, list[bytes]]]]:
        """ledger.json's past_heads, by size then uid: (index, seq, leaf, proof) (read once; a
        malformed one fails ``check``, the first that asks)."""
        if self._past is not None:
            return self._past
        found: dict[int, dict[str, tuple[int, int, bytes, list[bytes]]]] = {}
        doc = self.past_heads_doc if self.version > 1 else []
        try:
            if not isinstance(doc, list):
                raise TypeError
            for block in doc:
                size = block["size"]
                if type(size) is not int or size in found:
                    raise TypeError
                rows = found[size] = {}
                for row in block["incidents"]:
                    if type(row["index"]) is not int or type(row["seq"]) is not int:
                        raise TypeError
                    rows[row["uid"]] = (
                        row["index"],
                        row["seq"],
                        bytes.fromhex(row["leaf"]),
                        [base64.b64decode(p, validate=True) for p in row["inclusion_proof"]],
                    )
        except (KeyError, TypeError, ValueError):
            raise BundleInvalid(
                check, _("the past maps of heads are malformed"), layout.LEDGER_JSON
            ) from None
        self._past = found
        return found

    def check_cosignature_rows(self) -> None:
        """Check 10: the shape of ledger.json's cosignatures."""
        rows = self.cosign_rows = self.cosign_rows if self.version > 1 else []
        try:
            if not isinstance(rows, list) or len(rows) > layout.MAX_TIMESTAMPS:
                raise TypeError
            for row in rows:
                if (
                    type(row["size"]) is not int
                    or not 0 < row["size"] <= self.checkpoint_size
                    or type(row["time"]) is not int
                    or not 0 <= row["time"] <= ledger.MAX_COSIGNATURE_TIME
                    or not isinstance(row["checkpoint"], str)
                    or not isinstance(row["witness_key"], str)
                    or len(row["checkpoint"]) > ledger.MAX_NOTE_BYTES
                    or len(row["witness_key"]) > 1024
                ):
                    raise TypeError
        except (KeyError, TypeError):
            raise BundleInvalid(
                10, _("the list of cosignatures is malformed"), layout.LEDGER_JSON
            ) from None

    def consistency_proofs(self, check: int) -> dict[int, list[bytes]]:
        """ledger.json's consistency proofs, by the size of the checkpoint they start from
        (read once; a malformed one fails ``check``, the first that asks)."""
        if self._proofs is not None:
            return self._proofs
        proofs: dict[int, list[bytes]] = {}
        rows = self.consistency if self.version > 1 else []
        try:
            for row in rows:
                if type(row["size"]) is not int or row["size"] in proofs:
                    raise TypeError
                proofs[row["size"]] = [base64.b64decode(p, validate=True) for p in row["proof"]]
        except (KeyError, TypeError, ValueError):
            raise BundleInvalid(
                check, _("the consistency proofs are malformed"), layout.LEDGER_JSON
            ) from None
        self._proofs = proofs
        return proofs

    def rows(self) -> list[dict[str, Any]]:
        """ledger.json's time stamps (their shape checked by check 10)."""
        return list(self.stamp_rows) if self.version > 1 else []

    def check_timestamps(
        self, result: VerifiedBundle, public: bytes, tsa_roots: Sequence[Any]
    ) -> str | None:
        """Check 14; None when every time stamp verified and one at least is from a trusted
        root, else why the times rest on the signer's clock."""
        from blockwatch import timestamps

        rows = self.rows()
        if not rows:
            return _("no time stamp in the bundle: the recorded times rest on the signer's clock")
        point = result.checkpoint
        proofs = self.consistency_proofs(TIMESTAMP_CHECK)
        trusted = {timestamps.der(r) for r in [*timestamps.default_roots(), *tsa_roots]}
        untrusted = []
        for row in rows:
            base = row["file"]
            note = self.read(TIMESTAMP_CHECK, base + ".checkpoint.txt", layout.MAX_TAG_BYTES)
            token = self.read(TIMESTAMP_CHECK, base + ".tsr", timestamps.MAX_REPLY_BYTES)
            try:
                held = ledger.open_checkpoint(note.decode("utf-8"), point.origin, public)
                if held.size != row["size"]:
                    raise ledger.ProofError(_("it is not the checkpoint ledger.json names"))
                ledger.verify_consistency(
                    held.size, point.size, held.root, point.root, proofs.get(held.size, [])
                )
            except (ledger.ProofError, UnicodeError) as e:
                message = getattr(e, "message", None) or _("not a checkpoint")
                raise BundleInvalid(
                    TIMESTAMP_CHECK,
                    _(
                        "the time-stamped checkpoint is not one this ledger extends: {message}"
                    ).format(message=message),
                    base + ".checkpoint.txt",
                ) from None
            try:
                roots = timestamps.read_pem(
                    self.read(TIMESTAMP_CHECK, base + ".root.pem", layout.MAX_TAG_BYTES)
                )
                chain = timestamps.read_pem(
                    self.read(TIMESTAMP_CHECK, base + ".chain.pem", layout.MAX_TAG_BYTES)
                )
                if len(roots) != 1:
                    raise timestamps.StampError(_("the root file holds no single certificate"))
                stamp = timestamps.check(
                    token, note, roots, chain=[timestamps.der(c) for c in chain]
                )
                if timestamps.utc_text(stamp.gen_time) != row["gen_time"] or (
                    stamp.authority != row["authority"]
                ):
                    raise timestamps.StampError(
                        _("its time or authority is not what ledger.json says")
                    )
            except timestamps.StampError as e:
                raise BundleInvalid(
                    TIMESTAMP_CHECK,
                    _("the time stamp does not verify: {why}").format(why=e),
                    base + ".tsr",
                ) from None
            self.check_past_heads(TIMESTAMP_CHECK, held, result, base + ".checkpoint.txt")
            root = roots[0]
            is_trusted = stamp.root in trusted
            result.time_stamps.append(
                {
                    "file": base,
                    "authority": stamp.authority,
                    "gen_time": row["gen_time"],
                    "size": held.size,
                    "ids": sorted(v["id"] for v in result.incidents if v["seq"] < held.size),
                    "trusted": is_trusted,
                    "root": timestamps.certificate_name(root),
                    "root_sha256": timestamps.fingerprint(stamp.root),
                }
            )
            if not is_trusted:
                untrusted.append(result.time_stamps[-1])
        result.time_stamps.sort(key=lambda row: (row["gen_time"], row["size"]))
        if len(untrusted) == len(rows):
            return _(
                "not trusted: the roots of these time stamps ({roots}) are neither in Mozilla's "
                "list nor given with --tsa-root; if you trust one, give it with --tsa-root FILE"
            ).format(roots=", ".join(sorted({row["root"] for row in untrusted})))
        return None

    def json(self, check: int, rest: str) -> Any:
        try:
            return json.loads(self.read(check, rest, layout.MAX_JSON_BYTES))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise BundleInvalid(check, _("not valid JSON (or nested too deeply)"), rest) from None


def bundle_reference(path: Path, fingerprint: str) -> dict[str, str]:
    """Name, SHA-256 and signer of a bundle a letter refers to, after verifying that it is
    intact and signed by ``fingerprint`` (the vault writing the letter)."""
    verified = verify_bundle(path)
    if verified.fingerprint != fingerprint:
        raise InputError(
            _("{path} is signed by {fingerprint}, not by this vault's key").format(
                path=path, fingerprint=verified.fingerprint
            ),
            hint=_("refer to a bundle exported from this vault with 'blockwatch export'"),
        )
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    with zipfile.ZipFile(path) as zf:  # verified: safe to list
        names = {name.partition("/")[2] for name in zf.namelist()}
    return {
        "name": path.name,
        "sha256": digest.hexdigest(),
        "fingerprint": fingerprint,
        # how to check it, in each language the bundle has
        **{
            f"verify_{lang}": name
            for lang in ("en", "ru", "kk")
            if (name := layout.verify_name(lang)) in names
        },
    }
