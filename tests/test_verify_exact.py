"""``verify``'s checks 1 to 6 exactly (issue 20): each way a bag can be wrong, made by an
outsider (a file edited) or by the key holder (edited, re-hashed and signed again), and what
verify says of it, word for word: the check that failed, what was wrong, and where."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from blockwatch import ledger, vault
from blockwatch.bundle import layout
from blockwatch.bundle.verify import (
    CHECKS,
    BundleInvalid,
    bundle_reference,
    normalise_fingerprint,
    verify_bundle,
)
from blockwatch.errors import InputError

from .test_bundle import (
    _bag_info_line,
    _resign,
    _sign_tags,
    _vault_key,
    _zip_with,
    export,
    filled,
    members,
    rezip,
    top,
)

__all__ = ["filled"]  # the fixture, used by name

Files = dict[str, bytes]


def _said(check: int, message: str, where: str) -> str:
    return f"check {check} failed, {CHECKS[check - 1]}: {message} ({where})"


def _refused(path: Path, fingerprint: str | None = None) -> tuple[int, str]:
    with pytest.raises(BundleInvalid) as failed:
        verify_bundle(path, fingerprint)
    return failed.value.check, failed.value.message


def _line(name: str, data: bytes) -> bytes:
    return f"{hashlib.sha256(data).hexdigest()}  {name}\n".encode()


def _append_to(name: str, extra: bytes) -> Callable[[Files, str], None]:
    def edit(files: Files, root: str) -> None:
        files[f"{root}/{name}"] += extra

    return edit


def _blank_line_in(name: str) -> Callable[[Files, str], None]:
    def edit(files: Files, root: str) -> None:
        first, rest = files[f"{root}/{name}"].split(b"\n", 1)
        files[f"{root}/{name}"] = first + b"\n\n" + rest

    return edit


def _first_line_again(name: str) -> Callable[[Files, str], None]:
    def edit(files: Files, root: str) -> None:
        files[f"{root}/{name}"] += files[f"{root}/{name}"].split(b"\n", 1)[0] + b"\n"

    return edit


def _empty_payload_manifest(files: Files, root: str) -> None:
    files[f"{root}/manifest-sha256.txt"] = b""


def _bag_info_oxum(files: Files, root: str) -> None:
    name = f"{root}/bag-info.txt"
    lines = files[name].decode().splitlines()
    files[name] = "".join(
        ("Payload-Oxum: 1.1" if line.startswith("Payload-Oxum") else line) + "\n" for line in lines
    ).encode()


def _uncovered_signer(files: Files, root: str) -> None:
    """signer.pem left out of the tag manifest, and out of the bag (else it is unlisted)."""
    del files[f"{root}/signer.pem"]
    name = f"{root}/tagmanifest-sha256.txt"
    files[name] = b"".join(
        line + b"\n" for line in files[name].splitlines() if not line.endswith(b"  signer.pem")
    )


def _not_pem(files: Files, root: str) -> None:
    files[f"{root}/signer.pem"] = b"-----BEGIN PUBLIC KEY-----\nnot a key\n"


def _ec_key(files: Files, root: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    files[f"{root}/signer.pem"] = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def _removed(name: str) -> Callable[[Files, str], None]:
    def edit(files: Files, root: str) -> None:
        del files[f"{root}/{name}"]

    return edit


def _replace_with(name: str, data: bytes) -> Callable[[Files, str], None]:
    def edit(files: Files, root: str) -> None:
        files[f"{root}/{name}"] = data

    return edit


_signature_removed = _removed(layout.SIGNATURE)


def _bagit_removed(files: Files, root: str) -> None:
    del files[f"{root}/bagit.txt"]


# name: (the edit, whether the key holder re-signs the tag manifest after it, check, said, where)
EDITS: dict[str, tuple[Callable[[Files, str], None], bool, int, str, str]] = {
    "bagit.txt removed": (_bagit_removed, False, 2, "file is missing", "bagit.txt"),
    "payload manifest missing": (
        _removed("manifest-sha256.txt"),
        False,
        2,
        "file is missing",
        "manifest-sha256.txt",
    ),
    "payload manifest empty": (
        _empty_payload_manifest,
        True,
        2,
        "the payload manifest is empty",
        "manifest-sha256.txt",
    ),
    "payload manifest lists a tag file": (
        _append_to("manifest-sha256.txt", _line("checkpoint.txt", b"x")),
        True,
        2,
        "the payload manifest lists a file outside data/",
        "checkpoint.txt",
    ),
    "payload manifest line garbled": (
        _append_to("manifest-sha256.txt", b"not a line\n"),
        True,
        2,
        "line 6 is not '<sha256>  <path>'",  # after the five files' lines
        "manifest-sha256.txt",
    ),
    "payload manifest with a blank line": (
        _blank_line_in("manifest-sha256.txt"),
        True,
        2,
        "line 2 is not '<sha256>  <path>'",
        "manifest-sha256.txt",
    ),
    "payload manifest lists a file twice": (
        _first_line_again("manifest-sha256.txt"),
        True,
        2,
        "line 6 is not '<sha256>  <path>'",
        "manifest-sha256.txt",
    ),
    "payload manifest not UTF-8": (
        _append_to("manifest-sha256.txt", b"\xff\xfe\n"),
        True,
        2,
        "manifest is not UTF-8",
        "manifest-sha256.txt",
    ),
    "Payload-Oxum changed": (
        _bag_info_oxum,
        False,
        2,
        "Payload-Oxum does not match the payload",
        "bag-info.txt",
    ),
    "bag-info.txt not UTF-8": (
        _append_to("bag-info.txt", b"Note: \xff\n"),
        True,
        2,
        "bag-info.txt is not UTF-8",
        "bag-info.txt",
    ),
    "signer.pem not covered": (
        _uncovered_signer,
        False,
        3,
        "the tag manifest does not cover this file",
        "signer.pem",
    ),
    "tag manifest garbled": (
        _replace_with("tagmanifest-sha256.txt", b"not a line\n"),
        False,
        3,
        "line 1 is not '<sha256>  <path>'",
        "tagmanifest-sha256.txt",
    ),
    "tag manifest not UTF-8": (
        _replace_with("tagmanifest-sha256.txt", b"\xff\xfe\n"),
        False,
        3,
        "manifest is not UTF-8",
        "tagmanifest-sha256.txt",
    ),
    "tag manifest missing": (
        _removed("tagmanifest-sha256.txt"),
        False,
        3,
        "file is missing",
        "tagmanifest-sha256.txt",
    ),
    "tag manifest lists a payload file": (
        _append_to("tagmanifest-sha256.txt", _line("data/incidents.csv", b"x")),
        False,
        4,
        "the tag manifest lists a file outside the bag's top level",
        "data/incidents.csv",
    ),
    "tag manifest lists a file in a folder": (
        _append_to("tagmanifest-sha256.txt", _line("sub/extra.txt", b"x")),
        False,
        4,
        "the tag manifest lists a file outside the bag's top level",
        "sub/extra.txt",
    ),
    "tag manifest lists a missing file": (
        _append_to("tagmanifest-sha256.txt", _line("extra.txt", b"x")),
        False,
        4,
        "a listed tag file is missing",
        "extra.txt",
    ),
    "signer.pem not a key": (_not_pem, True, 5, "not a PEM public key", "signer.pem"),
    "signer.pem not Ed25519": (_ec_key, True, 5, "the key is not Ed25519", "signer.pem"),
    "signer.pem over its cap": (
        _append_to("signer.pem", os.urandom(layout.MAX_TAG_BYTES)),
        True,
        5,
        "file is larger than allowed",
        "signer.pem",
    ),
    "signature a byte over 64": (
        _append_to(layout.SIGNATURE, b"\0"),
        False,
        5,
        "file is larger than allowed",
        layout.SIGNATURE,
    ),
    "signature missing": (_signature_removed, False, 5, "file is missing", layout.SIGNATURE),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_each_broken_bag_is_named_by_its_check_and_file(
    filled: vault.Vault, tmp_path: Path, case: str
) -> None:
    edit, resign, check, message, where = EDITS[case]
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    edit(files, root)
    if resign:
        _sign_tags(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "bad.zip")) == (check, _said(check, message, where))


def test_a_bundle_signed_by_another_key_than_the_one_pinned_names_both(
    filled: vault.Vault, tmp_path: Path
) -> None:
    bundle = export(filled, tmp_path / "good.zip")
    other = "ab" * 32
    assert _refused(bundle, other.upper()) == (
        6,
        _said(6, f"the bundle is signed by {filled.fingerprint}, not by {other}", "signer.pem"),
    )
    spaced = " ".join(filled.fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert verify_bundle(bundle, "SHA256:" + spaced.upper()).fingerprint == filled.fingerprint


@pytest.mark.parametrize("typed", ["ab" * 31, "ab" * 33, "zz" * 32, "sha256:"])
def test_a_fingerprint_that_is_not_64_hex_characters_is_refused_before_reading(
    typed: str,
) -> None:
    with pytest.raises(InputError) as refused:
        normalise_fingerprint(typed)
    assert (refused.value.message, refused.value.hint) == (
        f"--fingerprint {typed!r} is not 64 hexadecimal characters",
        "give the SHA-256 fingerprint the journalist gave you (blockwatch key show)",
    )


def _zip(tmp_path: Path, build: Callable[[zipfile.ZipFile], object]) -> Path:
    return _zip_with(tmp_path, build)


def _directory_with_data(zf: zipfile.ZipFile) -> None:
    zf.writestr(zipfile.ZipInfo("b/dir/"), b"data")


def _bzip2(zf: zipfile.ZipFile) -> None:
    zf.writestr("b/x.txt", b"x" * 10, compress_type=zipfile.ZIP_BZIP2)


@pytest.mark.parametrize(
    ("build", "message", "where"),
    [
        (lambda zf: None, "the zip is empty", "{path}"),
        (_directory_with_data, "a directory entry carries data", "b/dir/"),
        (_bzip2, "unsupported compression method 12", "b/x.txt"),
    ],
    ids=["empty", "directory with data", "bzip2"],
)
def test_each_unsafe_zip_is_named_by_what_is_wrong(
    tmp_path: Path, build: Callable[[zipfile.ZipFile], object], message: str, where: str
) -> None:
    path = _zip(tmp_path, build)
    assert _refused(path) == (1, _said(1, message, where.format(path=path)))


def test_a_zip_over_the_caps_is_refused_at_the_member_that_crosses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def three(zf: zipfile.ZipFile) -> None:
        for name in ("one", "two", "three"):
            zf.writestr(f"b/{name}", b"x" * 100)

    path = _zip(tmp_path, three)
    monkeypatch.setattr(layout, "MAX_MEMBERS", 2)
    assert _refused(path) == (1, _said(1, "more than 2 members", str(path)))
    monkeypatch.setattr(layout, "MAX_MEMBERS", 3)
    monkeypatch.setattr(layout, "MAX_TOTAL_BYTES", 250)  # the third crosses it
    assert _refused(path) == (
        1,
        _said(1, "the members add up to more than the size cap", "b/three"),
    )
    monkeypatch.setattr(layout, "MAX_TOTAL_BYTES", 300)  # at the cap: read on
    monkeypatch.setattr(layout, "MAX_MEMBER_BYTES", 99)
    assert _refused(path) == (1, _said(1, "member is larger than the size cap", "b/one"))
    monkeypatch.setattr(layout, "MAX_MEMBER_BYTES", 100)  # at the cap: read on
    assert _refused(path)[0] == 2  # past check 1: no bagit.txt


# --------------------------------------------------------------------------- checks 7 to 10
# What only the key holder can do: edit ledger.json (or incidents.json), re-hash the payload
# and sign the tag manifest again.  Checks 1 to 6 pass; the ledger's own checks must not.

Doc = dict[str, Any]


def _rows_swapped(doc: Doc) -> None:
    doc["entries"][1], doc["entries"][2] = doc["entries"][2], doc["entries"][1]


def _spaced(doc: Doc) -> None:
    doc["entries"][1]["entry"] = doc["entries"][1]["entry"].replace(":", ": ", 1)


def _untyped(doc: Doc) -> None:
    entry = json.loads(doc["entries"][1]["entry"])
    del entry["type"]
    doc["entries"][1]["entry"] = json.dumps(entry)


def _no_proof(doc: Doc) -> None:
    del doc["entries"][1]["inclusion_proof"]


def _entry_proof_not_base64(doc: Doc) -> None:
    proof = doc["entries"][1]["inclusion_proof"]
    proof[0] = "!" + proof[0]


def _heads_resized(doc: Doc) -> None:
    doc["heads"]["size"] += 1


def _heads_garbled(doc: Doc) -> None:
    doc["heads"]["incidents"][0]["leaf"] = "not hex"


def _head_moved(doc: Doc) -> None:
    doc["heads"]["incidents"][0]["index"] += 1


def _head_dropped(doc: Doc) -> None:
    doc["heads"]["incidents"].pop(0)


def _head(key: str, value: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["heads"]["incidents"][0][key] = value

    return edit


def _head_proof_not_base64(doc: Doc) -> None:
    proof = doc["heads"]["incidents"][0]["inclusion_proof"]
    proof[-1] = "!" + proof[-1]


def _stamps_garbled(doc: Doc) -> None:
    doc["timestamps"] = {"not": "a list"}


def _cosignatures_garbled(doc: Doc) -> None:
    doc["cosignatures"] = [{"witness": 1}]


NOT_PROVED = "the head of incident 1 does not prove into the signed map of heads"

LEDGER_EDITS: dict[str, tuple[Callable[[Doc], None], int, str]] = {
    "another format": (
        lambda d: d.update(format="other"),
        7,
        "unknown ledger proof format or version",
    ),
    "a version to come": (
        lambda d: d.update(version=99),
        7,
        "unknown ledger proof format or version",
    ),
    "no origin": (lambda d: d.pop("origin"), 7, "origin or checkpoint missing"),
    "another checkpoint": (
        lambda d: d.update(checkpoint=d["checkpoint"] + "\n"),
        7,
        "the checkpoint differs from checkpoint.txt",
    ),
    "no entries": (lambda d: d.update(entries=[]), 7, "no ledger entries"),
    "an entry without its proof": (_no_proof, 7, "a ledger entry is malformed"),
    "an entry that is a list": (
        lambda d: d["entries"][1].update(entry="[]"),
        7,
        "entry 1 is not a ledger entry object",
    ),
    "entries out of order": (_rows_swapped, 7, "ledger entries are not in increasing order"),
    "an entry numbered below 0": (
        lambda d: d["entries"][0].update(seq=-1),
        7,
        "ledger entries are not in increasing order",
    ),
    "an entry's proof not base64": (_entry_proof_not_base64, 7, "a ledger entry is malformed"),
    "an entry not canonical": (_spaced, 7, "entry 1 is not canonical"),
    "an entry without a type": (_untyped, 7, "entry 1 is malformed"),
    "a map of heads of another size": (
        _heads_resized,
        9,
        "the map of heads has another size than the checkpoint says",
    ),
    "a map of heads garbled": (_heads_garbled, 9, "the map of heads is malformed"),
    "a head out of its place": (
        _head_moved,
        9,
        "incident 1 is not at its number's place in the map of heads",
    ),
    "a head left out": (_head_dropped, 9, "incident 1 has no head in the map of heads"),
    "a head's proof not base64": (_head_proof_not_base64, 9, "the map of heads is malformed"),
    "a head's uid a number": (_head("uid", 1), 9, "the map of heads is malformed"),
    "a head's index a text": (_head("index", "0"), 9, "the map of heads is malformed"),
    "a head's seq a text": (_head("seq", "1"), 9, "the map of heads is malformed"),
    "a head's seq below 0": (_head("seq", -1), 9, "the map of heads is malformed"),
    "a head's seq at 2**63": (_head("seq", 2**63), 9, "the map of heads is malformed"),
    # well formed, but not the head the signed map holds
    "a head's seq 0": (_head("seq", 0), 9, NOT_PROVED),
    "a head's seq below 2**63": (_head("seq", 2**63 - 1), 9, NOT_PROVED),
    "time stamps garbled": (_stamps_garbled, 10, "the list of time stamps is malformed"),
    "cosignatures garbled": (_cosignatures_garbled, 10, "the list of cosignatures is malformed"),
}


@pytest.mark.parametrize("case", sorted(LEDGER_EDITS))
def test_each_key_holder_edit_of_the_ledger_proofs_is_named(
    filled: vault.Vault, tmp_path: Path, case: str
) -> None:
    edit, check, message = LEDGER_EDITS[case]
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    name = f"{root}/data/ledger.json"
    doc = json.loads(files[name])
    edit(doc)
    files[name] = json.dumps(doc).encode()
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        check,
        _said(check, message, "data/ledger.json"),
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda views: {"not": "a list"}, "not a list of incidents"),
        (lambda views: [*views, 1], "not a list of incidents"),
        (
            lambda views: [{k: v for k, v in views[0].items() if k != "uid"}, *views[1:]],
            "an incident has no uid or id",
        ),
        (lambda views: [*views, views[0]], "the incidents are not those the ledger entries create"),
    ],
    ids=["not a list", "not all incidents", "no uid", "one twice"],
)
def test_each_key_holder_edit_of_the_incidents_is_named(
    filled: vault.Vault, tmp_path: Path, edit: Callable[[Any], Any], message: str
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    name = f"{root}/data/incidents.json"
    files[name] = json.dumps(edit(json.loads(files[name]))).encode()
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        8,
        _said(8, message, "data/incidents.json"),
    )


@pytest.mark.parametrize(
    ("data", "check", "message", "where"),
    [
        (b"[{", 8, "not valid JSON (or nested too deeply)", "data/incidents.json"),
        (None, 8, "the ledger entries do not replay (TypeError)", "data/ledger.json"),
    ],
    ids=["not JSON", "an id that is no number"],
)
def test_incidents_that_cannot_be_read_or_replayed_are_named(
    filled: vault.Vault, tmp_path: Path, data: bytes | None, check: int, message: str, where: str
) -> None:
    """The numbers of incidents.json label the replay (they are the vault's own labels): one
    that is no number stops the replay, which says so instead of failing unexplained."""
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    name = f"{root}/data/incidents.json"
    if data is None:
        views = json.loads(files[name])
        views[0]["id"] = None
        data = json.dumps(views).encode()
    files[name] = data
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (check, _said(check, message, where))


def _checkpoint_too_large(files: Files, root: str) -> None:
    files[f"{root}/checkpoint.txt"] = os.urandom(layout.MAX_TAG_BYTES + 1)


def _checkpoint_not_one(files: Files, root: str) -> None:
    name = f"{root}/data/ledger.json"
    doc = json.loads(files[name])
    doc["checkpoint"] = "not a checkpoint\n"
    files[name] = json.dumps(doc).encode()
    files[f"{root}/checkpoint.txt"] = b"not a checkpoint\n"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_checkpoint_too_large, "file is larger than allowed"),
        (_checkpoint_not_one, "checkpoint note is malformed (no signature block)"),
    ],
    ids=["too large", "not a checkpoint"],
)
def test_a_checkpoint_that_cannot_be_read_fails_check_7(
    filled: vault.Vault, tmp_path: Path, edit: Callable[[Files, str], None], message: str
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    edit(files, root)
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        7,
        _said(7, message, "checkpoint.txt"),
    )


def _profile_said_but_missing(files: Files, root: str) -> None:
    _bag_info_line(files, root, "Blockwatch-Profile", "included")


def _file_after_the_bundle_s_own(files: Files, root: str) -> None:
    files[f"{root}/data/zz-later.txt"] = b"added by the key holder"


@pytest.mark.parametrize(
    ("edit", "message", "where"),
    [
        (_profile_said_but_missing, "file is missing", "data/profile.json"),
        (
            _file_after_the_bundle_s_own,
            "no included incident has this attachment",
            "data/zz-later.txt",
        ),
    ],
    ids=["profile said, not there", "a file after the bundle's own"],
)
def test_each_payload_file_the_bundle_does_not_account_for_fails_check_10(
    filled: vault.Vault,
    tmp_path: Path,
    edit: Callable[[Files, str], None],
    message: str,
    where: str,
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    edit(files, root)
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (10, _said(10, message, where))


def test_a_ledger_signed_anew_by_another_key_names_the_key_it_was_started_by(
    filled: vault.Vault, tmp_path: Path
) -> None:
    """Someone with a key of their own signs the journalist's checkpoint and bag again: every
    signature verifies, but the ledger's first entry names the key that started it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate()
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    _checkpoint_signed_again(filled, files, root, other)
    files[f"{root}/signer.pem"] = other.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    _resign(files, root, other)
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        7,
        _said(7, "the ledger was started by another key or origin", "data/ledger.json"),
    )


def _checkpoint_signed_again(
    v: vault.Vault, files: Files, root: str, key: Any = None, *, heads: bool = True, **update: Any
) -> None:
    """The key holder (or whoever holds ``key``) signs the bundle's checkpoint again, without
    its map of heads unless ``heads``, and changes ``update`` in ledger.json."""
    name = f"{root}/data/ledger.json"
    doc = json.loads(files[name])
    point = ledger.open_checkpoint(doc["checkpoint"], doc["origin"], v.public_key)
    if not heads:
        point = dataclasses.replace(point, heads=None)
    note = ledger.sign_checkpoint(point, key or _vault_key(v))
    doc.update(checkpoint=note, **update)
    files[name] = json.dumps(doc).encode()
    files[f"{root}/checkpoint.txt"] = note.encode()


@pytest.mark.parametrize("whole", [False, True], ids=["bag-info.txt only", "ledger.json too"])
def test_a_format_2_bundle_passed_off_as_format_1_is_named(
    filled: vault.Vault, tmp_path: Path, whole: bool
) -> None:
    """Format 1 lacks the map of heads, so a verifier skips its checks: a key holder who calls
    the bundle format 1 (in bag-info.txt, or there and in ledger.json with the checkpoint
    signed again without its map) still has entries of format 2, and is found out."""
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    if whole:
        _checkpoint_signed_again(filled, files, root, heads=False, version=1)
    _bag_info_line(files, root, "Blockwatch-Bundle-Version", "1")
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        7,
        _said(7, "the bundle's format version does not match what it holds", "data/ledger.json"),
    )


def test_a_checkpoint_signed_again_without_its_map_of_heads_fails_check_9(
    filled: vault.Vault, tmp_path: Path
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    _checkpoint_signed_again(filled, files, root, heads=False)
    _resign(files, root, _vault_key(filled))
    assert _refused(rezip(files, tmp_path / "forged.zip")) == (
        9,
        _said(9, "the checkpoint commits to no map of heads", "checkpoint.txt"),
    )


@pytest.mark.parametrize(
    ("name", "check"),
    [("VERIFY.txt", 4), ("bag-info.txt", 2), ("data/report.html", 2)],
    ids=["hashed by check 4", "read by check 2", "a payload file hashed by check 2"],
)
def test_a_tag_file_whose_deflate_data_is_broken_is_named_by_the_first_check_to_read_it(
    filled: vault.Vault, tmp_path: Path, name: str, check: int
) -> None:
    """A damaged zip member among the tag files: VERIFY.txt, which checks 2 and 3 do not read,
    is named by check 4, which hashes it; bag-info.txt by check 2, which reads it."""
    path = export(filled, tmp_path / "b.zip")
    with zipfile.ZipFile(path) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(f"/{name}"))
    assert info.compress_type == zipfile.ZIP_DEFLATED
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode())
    data[start : start + 8] = b"\xff" * 8  # a deflate block of the reserved type 3
    path.write_bytes(bytes(data))
    said = "cannot be read: Error -3 while decompressing data: invalid block type"
    assert _refused(path) == (check, _said(check, said, name))


def test_a_file_longer_than_one_read_is_hashed_and_counted_whole(
    opened: vault.Vault, tmp_path: Path
) -> None:
    """verify reads a member a mebibyte at a time: a recording of 2.5 MiB is hashed, and its
    size added to Payload-Oxum, over every piece."""
    from blockwatch import logbook

    recording = tmp_path / "call.m4a"
    recording.write_bytes(os.urandom(5 * 1024 * 1024 // 2))
    logbook.log(opened, "note", logbook.Typed(details={"text": "a recording"}, attach=[recording]))
    bundle = export(opened, tmp_path / "b.zip")
    assert recording.read_bytes() in members(bundle).values()  # in the bag, not only named
    verified = verify_bundle(bundle)
    [view] = verified.incidents
    [attachment] = view["attachments"]
    assert attachment["size"] == recording.stat().st_size
    assert attachment["sha256"] == hashlib.sha256(recording.read_bytes()).hexdigest()


# ------------------------------------------------------------ what verify says as it goes


def test_verify_names_each_check_before_it_runs_and_lists_those_passed(
    filled: vault.Vault, tmp_path: Path
) -> None:
    """The progress a terminal shows: every check's name, in order, as it begins; the checks
    passed, in order (13 and 14 have nothing to check here: no witness, no time stamp)."""
    out = export(filled, tmp_path / "b.zip")
    said: list[str] = []
    result = verify_bundle(out, filled.fingerprint, progress=said.append)
    assert said == list(CHECKS[:13])
    assert result.passed == list(CHECKS[:12])
    assert sorted(result.not_compared) == [13, 14]


def test_a_failed_check_names_itself_and_the_file_only_when_there_is_one() -> None:
    with_file = BundleInvalid(3, "a file is not listed", "data/extra.txt")
    assert (with_file.message, with_file.file, with_file.check) == (
        "check 3 failed, no unlisted file besides the signature: a file is not listed "
        "(data/extra.txt)",
        "data/extra.txt",
        3,
    )
    without = BundleInvalid(1, "not a zip")
    assert (without.message, without.file) == (
        "check 1 failed, the zip is safe to read: not a zip",
        None,
    )
    assert without.hint == "do not rely on this bundle; ask the sender for a new copy"


def test_a_bundle_that_cannot_be_read_is_named_with_the_reason(tmp_path: Path) -> None:
    missing = tmp_path / "gone.zip"
    with pytest.raises(InputError) as failed:
        verify_bundle(missing)
    assert failed.value.message == f"cannot read {missing}: No such file or directory"


def test_a_letter_refers_to_a_bundle_only_once_verified_and_signed_by_the_vault(
    filled: vault.Vault, tmp_path: Path
) -> None:
    """``letter --bundle``: the bundle's file name, SHA-256, signer and the VERIFY files it
    has; a bundle signed by another key is refused, naming the key that signed it."""
    out = export(filled, tmp_path / "case.zip", lang="kk")
    assert bundle_reference(out, filled.fingerprint) == {
        "name": "case.zip",
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "fingerprint": filled.fingerprint,
        "verify_en": "VERIFY.txt",
        "verify_kk": "VERIFY.kk.txt",
    }
    with pytest.raises(InputError) as failed:
        bundle_reference(out, "ab" * 32)
    assert (failed.value.message, failed.value.hint) == (
        f"{out} is signed by {filled.fingerprint}, not by this vault's key",
        "refer to a bundle exported from this vault with 'blockwatch export'",
    )
