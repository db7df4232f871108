"""The bundle writer, exactly (issue 20: the mutants of ``bundle/writer.py`` the behaviour tests
let through): the folder name a case gives the bag, and what the bag holds."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blockwatch.bundle.verify import verify_bundle
from blockwatch.bundle.writer import _BagWriter, _slug
from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.vault import Vault

from .scenario import fill
from .test_bundle import export


@pytest.mark.parametrize(
    ("case", "folder"),
    [
        ("Блокировка журналистов, ноябрь 2026", "blokirovka-zhurnalistov-noyabr-2026"),
        ("Қаңтар оқиғасы", "qangtar-oqighasy"),
        ("ABC def", "abc-def"),  # capitals kept as letters, then lowered
        ("X-Files", "x-files"),  # only separators are stripped from the ends
        ("  Case  ", "case"),
        ("", "case"),  # nothing left of the name: still a name
        ("!!!", "case"),
        ("!" + "a" * 40, "a" * 40),  # a separator first does not cost a letter of the forty
        ("a" * 39 + " b", "a" * 39),  # cut at forty on a separator: no dash at the end
        ("x" * 45, "x" * 40),
    ],
)
def test_a_case_name_becomes_a_folder_name_of_at_most_forty_letters_digits_and_dashes(
    case: str, folder: str
) -> None:
    assert _slug(case) == folder


@pytest.fixture
def filled(opened: Vault, tmp_path: Path) -> Vault:
    return fill(opened, tmp_path)


def _bag(raw: io.BytesIO) -> _BagWriter:
    return _BagWriter(raw, "bag", datetime(2026, 7, 4, 10, 0, tzinfo=UTC))  # type: ignore[arg-type]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_payload_counts_every_file_and_byte_and_attachments_are_stored() -> None:
    raw = io.BytesIO()
    bag = _bag(raw)
    bag.add("data/incidents.json", b"[]")
    kept = bag.stream("data/attachments/a.jpg", [b"ab", b"cd"], 4, _sha(b"abcd"), keep=True)
    assert kept == b"abcd"
    assert bag.stream("data/attachments/b.mp4", [b"xyz"], 3, _sha(b"xyz"), keep=False) is None
    bag.add("bag-info.txt", b"tag", payload=False)
    assert bag.payload_bytes == 2 + 4 + 3  # Payload-Oxum's bytes: every payload file's
    assert (
        bag.manifest()
        == (
            f"{_sha(b'abcd')}  data/attachments/a.jpg\n"
            f"{_sha(b'xyz')}  data/attachments/b.mp4\n"
            f"{_sha(b'[]')}  data/incidents.json\n"
        ).encode()
    )
    bag.close()
    with zipfile.ZipFile(raw) as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
        assert zf.read("bag/data/attachments/a.jpg") == b"abcd"
    assert kinds == {
        "bag/data/incidents.json": zipfile.ZIP_DEFLATED,
        "bag/data/attachments/a.jpg": zipfile.ZIP_STORED,  # photos and videos do not shrink
        "bag/data/attachments/b.mp4": zipfile.ZIP_STORED,
        "bag/bag-info.txt": zipfile.ZIP_DEFLATED,
    }


@pytest.mark.parametrize(
    ("chunks", "size"),
    [([b"abce"], 4), ([b"abc"], 4), ([b"abcde"], 4)],
    ids=["other bytes", "fewer bytes", "more bytes"],
)
def test_an_attachment_that_is_not_what_the_vault_recorded_stops_the_export(
    chunks: list[bytes], size: int
) -> None:
    raw = io.BytesIO()
    bag = _bag(raw)
    digest = _sha(b"abcd")
    with pytest.raises(VaultCorrupt) as failed:
        bag.stream("data/attachments/a.jpg", chunks, size, digest, keep=False)
    bag.close()
    assert failed.value.message == f"stored attachment {digest} does not match its hash"
    assert failed.value.hint == "run 'blockwatch check'"
    assert bag.payload == {} and bag.payload_bytes == 0


def test_without_o_tmpfile_the_bundle_is_written_beside_out_and_renamed(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Systems without Linux's O_TMPFILE: a hidden part file beside OUT, renamed when whole."""
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    out = export(filled, tmp_path / "case.zip")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".zip", ".part")) == [
        "case.zip"
    ]
    assert verify_bundle(out, filled.fingerprint).incidents == filled.incidents()


def test_a_file_that_appears_at_out_while_the_bundle_is_written_is_never_replaced(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OUT was free when the export began; another program creates it before the bundle is
    named: the export stops, OUT keeps the other program's bytes, nothing else is left."""
    out = tmp_path / "case.zip"
    record = Vault.record_disclosure

    def racing(self: Vault, disclosure: dict) -> int:  # type: ignore[type-arg]
        out.write_bytes(b"another program's file")
        return record(self, disclosure)

    monkeypatch.setattr(Vault, "record_disclosure", racing)
    with pytest.raises(InputError) as failed:
        export(filled, out)
    assert (failed.value.message, failed.value.hint) == (
        f"{out} already exists",
        "choose another name, or add --force to replace it",
    )
    assert out.read_bytes() == b"another program's file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
