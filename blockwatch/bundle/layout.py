"""The evidence bundle's layout: names, formats and limits shared by the writer and verifier.

A bundle is a zip-serialised BagIt 1.0 bag (RFC 8493 sections 2 and 4.2), format version 2::

    <name>/bagit.txt                   "BagIt-Version: 1.0" / "Tag-File-Character-Encoding: UTF-8"
    <name>/bag-info.txt                RFC 8493 2.2.2 metadata + Blockwatch-* fields
    <name>/manifest-sha256.txt         "<64 hex>  data/<path>" lines, sha256sum -c format
    <name>/checkpoint.txt              the vault's signed checkpoint (C2SP tlog-checkpoint)
    <name>/signer.pem                  Ed25519 public key, SubjectPublicKeyInfo PEM
    <name>/VERIFY.txt [VERIFY.ru.txt | VERIFY.kk.txt]   how to verify with openssl + sha256sum
    <name>/tagmanifest-sha256.txt      hashes of every file above
    <name>/tagmanifest-sha256.txt.sig  raw 64-byte Ed25519 signature of tagmanifest-sha256.txt
    <name>/data/incidents.json         the incidents (shared shape), incidents.csv (formula-safe)
    <name>/data/ledger.json            the included ledger entries, their RFC 9162 inclusion
                                       proofs, the signed checkpoint they prove into, and
                                       (format 2) "heads": each included incident's latest
                                       entry with its proof into the checkpoint's map of heads
    <name>/data/report.html            the report for people (self-contained)
    <name>/data/attachments/<sha256[:12]>-<name>   the original files, names [A-Za-z0-9._-]
    <name>/data/timestamps/<k>.tsr     RFC 3161 time stamps (TimeStampResp, DER), k = 1, 2, …,
    <name>/data/timestamps/<k>.checkpoint.txt   each over the SHA-256 of this checkpoint note,
    <name>/data/timestamps/<k>.chain.pem        with the authority's certificates and
    <name>/data/timestamps/<k>.root.pem         the root they lead to (``openssl ts -verify``)

The signature is the only file the tag manifest does not cover.  Every payload file is in the
payload manifest; nothing else may be in the zip.
"""

from __future__ import annotations

import re

BUNDLE_VERSION = 2
BUNDLE_VERSIONS = (1, 2)  # what the verifier reads
LEDGER_FORMAT = "blockwatch-ledger-proofs"

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "tagmanifest-sha256.txt.sig"
SIGNER = "signer.pem"
CHECKPOINT = "checkpoint.txt"
BAG_INFO = "bag-info.txt"
BAGIT = "bagit.txt"
INCIDENTS_JSON = "data/incidents.json"
INCIDENTS_CSV = "data/incidents.csv"
LEDGER_JSON = "data/ledger.json"
REPORT_HTML = "data/report.html"
PROFILE_JSON = "data/profile.json"  # the applicant's details, only when asked (--include-profile)
MAX_PROFILE_BYTES = 64 * 1024
ATTACHMENTS_DIR = "data/attachments/"
TIMESTAMPS_DIR = "data/timestamps/"
TIMESTAMP_FILES = (".tsr", ".checkpoint.txt", ".chain.pem", ".root.pem")
TIMESTAMP_BASE = re.compile(r"data/timestamps/[1-9][0-9]{0,5}")


def verify_name(lang: str) -> str:
    return "VERIFY.txt" if lang == "en" else f"VERIFY.{lang}.txt"


# Names inside a bag: what the writer produces and the verifier accepts.
SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")

# Caps on what a verifier reads from an untrusted zip (docs/DEVELOPING.md habit 6).
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 16 * 1024**3
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_TAG_BYTES = 1024 * 1024  # bagit.txt, manifests, pem, checkpoint, VERIFY
MAX_JSON_BYTES = 512 * 1024**2  # incidents.json, ledger.json
MAX_TIMESTAMPS = 10_000  # time stamps a bundle may carry
