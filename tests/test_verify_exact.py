"""``verify``'s checks 1 to 6 exactly (issue 20): each way a bag can be wrong, made by an
outsider (a file edited) or by the key holder (edited, re-hashed and signed again), and what
verify says of it, word for word: the check that failed, what was wrong, and where."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from blockwatch import vault
from blockwatch.bundle import layout
from blockwatch.bundle.verify import CHECKS, BundleInvalid, normalise_fingerprint, verify_bundle
from blockwatch.errors import InputError

from .test_bundle import _sign_tags, _vault_key, _zip_with, export, filled, members, rezip, top

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


def _bagit_removed(files: Files, root: str) -> None:
    del files[f"{root}/bagit.txt"]


# name: (the edit, whether the key holder re-signs the tag manifest after it, check, said, where)
EDITS: dict[str, tuple[Callable[[Files, str], None], bool, int, str, str]] = {
    "bagit.txt removed": (_bagit_removed, False, 2, "file is missing", "bagit.txt"),
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
    "tag manifest lists a payload file": (
        _append_to("tagmanifest-sha256.txt", _line("data/incidents.csv", b"x")),
        False,
        4,
        "the tag manifest lists a file outside the bag's top level",
        "data/incidents.csv",
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
