"""The bundle writer, exactly (issue 20: the mutants of ``bundle/writer.py`` the behaviour tests
let through): the folder name a case gives the bag, and what the bag holds."""

from __future__ import annotations

import base64
import dataclasses
import errno
import hashlib
import io
import json
import os
import random
import secrets
import stat
import time
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from blockwatch import __version__, incidents, ledger, logbook, vault
from blockwatch.bundle.render import fold
from blockwatch.bundle.verify import verify_bundle
from blockwatch.bundle.writer import ExportOptions, ExportResult, _BagWriter, _slug, export_bundle
from blockwatch.documents.verify import verify_text
from blockwatch.env import Env
from blockwatch.errors import InputError, VaultCorrupt
from blockwatch.vault import Filter, Vault

from .conftest import NOW
from .scenario import fill
from .test_bundle import AT, export, members, top
from .test_fixtures_v1 import EXPECTED, v1_env

__all__ = ["v1_env"]  # a fixture, used by name


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
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # created so, never opened to others


def test_a_part_file_already_there_is_never_written_over(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another export's part file under the same random name: this one stops, theirs stays."""
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    monkeypatch.setattr(secrets, "token_hex", lambda n: "ab" * n)
    theirs = tmp_path / ".case.zip.abababab.part"
    theirs.write_bytes(b"another export, half written")
    assert _refusal(filled, tmp_path / "case.zip") == (
        f"cannot write in {tmp_path}: File exists",
        "choose a writable place for the bundle",
    )
    assert theirs.read_bytes() == b"another export, half written"
    assert not (tmp_path / "case.zip").exists()


@pytest.mark.parametrize("tmpfile", [True, False], ids=["O_TMPFILE", "named part file"])
def test_a_bundle_name_of_240_characters_takes_its_part_file_beside_it(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmpfile: bool
) -> None:
    """A part file is named ``.OUT.<8 hex>.part``: with a name of 240 characters it is just
    the 255 bytes a Linux file name may have (with --force, where it replaces a file, too)."""
    if not tmpfile:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    out = tmp_path / ("b" * 236 + ".zip")
    out.write_bytes(b"an earlier bundle")
    export_bundle(filled, out, ExportOptions(at_time=AT), force=True)
    assert verify_bundle(out, filled.fingerprint).incidents == filled.incidents()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_bag_is_named_and_dated_in_utc_whatever_the_computer_s_zone(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Almaty")
    time.tzset()
    try:
        files = members(export(filled, tmp_path / "b.zip"))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert top(files) == "blockwatch-20260710T070000Z"
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 7, 10, 7, 0, 0)}


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


# ------------------------------------------------------------ what an export writes, exactly

SELECTED = Filter(
    kinds=("call", "message"),
    platform="whatsapp",
    since=datetime(2026, 7, 4, 0, 0, tzinfo=UTC),
    until=datetime(2026, 7, 6, 0, 0, tzinfo=UTC),
    ids=(2, 3),
)
SELECTION = (
    "kind=call,message; platform=whatsapp; since=2026-07-04T00:00:00Z; "
    "until=2026-07-06T00:00:00Z; id=2,3"
)
CASE = "Дело № 7\nо звонках"  # a line break: made one line
NAME = "blockwatch-delo-no-7-o-zvonkakh-20260710T070000Z"


def _unpacked(out: Path) -> tuple[str, dict[str, bytes]]:
    """The bag's folder name and its files by their path inside it."""
    files = members(out)
    root = top(files)
    return root, {path[len(root) + 1 :]: data for path, data in files.items()}


def _oxum(files: dict[str, bytes]) -> str:
    payload = [data for path, data in files.items() if path.startswith("data/")]
    return f"{sum(map(len, payload))}.{len(payload)}"


def _first_fields(
    filled: Vault, files: dict[str, bytes], identifier: str, size: int
) -> list[tuple[str, str]]:
    """The fields every bag-info.txt starts with, in their order."""
    return [
        ("Source-Organization", "blockwatch evidence vault (self-recorded)"),
        ("Bagging-Date", "2026-07-10"),
        ("Bag-Software-Agent", f"blockwatch {__version__}"),
        ("Payload-Oxum", _oxum(files)),
        ("External-Identifier", identifier),
        (
            "External-Description",
            "Signed evidence bundle exported from a blockwatch vault. "
            "Verify it as VERIFY.txt explains.",
        ),
        ("Blockwatch-Bundle-Version", "2"),
        ("Blockwatch-Export-Time", "2026-07-10T07:00:00Z"),
        ("Blockwatch-Signer-Fingerprint", filled.fingerprint),
        ("Blockwatch-Checkpoint-Origin", filled.settings.origin),
        ("Blockwatch-Tree-Size", str(size)),
    ]


def test_bag_info_of_a_whole_vault_says_every_field_in_order(filled: Vault, tmp_path: Path) -> None:
    size = filled.tree_size()
    root, files = _unpacked(export(filled, tmp_path / "all.zip"))
    settings = filled.settings
    fields = [
        *_first_fields(filled, files, root, size),  # no case: the bag's name identifies it
        ("Blockwatch-Selection", "all incidents"),
        ("Blockwatch-Attachments", "included"),
        ("Blockwatch-Report-Language", "en"),
        ("Blockwatch-Timezone", settings.timezone),
        ("Blockwatch-Home-Region", settings.home_region),
    ]
    assert root == "blockwatch-20260710T070000Z"
    assert files["bag-info.txt"] == "".join(fold(k, v) for k, v in fields).encode()
    assert files["VERIFY.txt"] == verify_text("en", root, filled.fingerprint).encode()
    assert "VERIFY.ru.txt" not in files


def test_bag_info_of_a_selection_says_its_filters_case_recipient_and_profile(
    filled: Vault, tmp_path: Path
) -> None:
    filled.set_profile({"name": "Айгерим Садыкова"})
    size = filled.tree_size()
    out = export(
        filled,
        tmp_path / "some.zip",
        where=SELECTED,
        case=CASE,
        lang="ru",
        attachments=False,
        profile=True,
        to="Полиция\t\x07Алматы",
    )
    root, files = _unpacked(out)
    settings = filled.settings
    fields = [
        *_first_fields(filled, files, "Дело № 7 о звонках", size),
        ("Blockwatch-Selection", SELECTION),
        ("Blockwatch-Attachments", "listed by hash only"),
        ("Blockwatch-Profile", "included"),
        ("Blockwatch-Report-Language", "ru"),
        ("Blockwatch-Timezone", settings.timezone),
        ("Blockwatch-Home-Region", settings.home_region),
        ("Blockwatch-Case", "Дело № 7 о звонках"),
        ("Blockwatch-Recipient", "Полиция Алматы"),
    ]
    assert root == NAME
    assert files["bag-info.txt"] == "".join(fold(k, v) for k, v in fields).encode()
    for lang, path in (("en", "VERIFY.txt"), ("ru", "VERIFY.ru.txt")):
        assert files[path] == verify_text(lang, NAME, filled.fingerprint).encode()
    assert json.loads(files["data/profile.json"]) == {"name": "Айгерим Садыкова"}


def test_a_bundle_for_a_named_recipient_verifies_and_its_cover_names_them(
    filled: Vault, tmp_path: Path
) -> None:
    """Found by the mutants of the writer's report data: the cover said whom the bundle was
    for, but bag-info.txt did not, so check 12 (the report made again from the bundle) refused
    every bundle exported with --to."""
    out = export(filled, tmp_path / "to.zip", to="Police of\nAlmaty", lang="ru")
    verified = verify_bundle(out, filled.fingerprint)
    assert verified.incidents == filled.incidents()
    _, files = _unpacked(out)
    assert "<td>Получатель</td><td>Police of Almaty</td>" in files["data/report.html"].decode()


def test_every_json_file_is_utf_8_indented_by_two_with_sorted_keys_and_a_last_newline(
    filled: Vault, tmp_path: Path
) -> None:
    filled.set_profile({"name": "Айгерим Садыкова", "address": "Алматы"})
    _, files = _unpacked(export(filled, tmp_path / "j.zip", profile=True))
    for path in ("data/incidents.json", "data/ledger.json", "data/profile.json"):
        raw = files[path]
        again = json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        assert raw == again.encode(), path
    assert "Айгерим".encode() in files["data/profile.json"]
    proofs = json.loads(files["data/ledger.json"])
    assert sorted(proofs) == [
        "checkpoint", "consistency", "cosignatures", "entries", "format", "hash", "heads",
        "origin", "past_heads", "timestamps", "tree_size", "version",
    ]  # fmt: skip
    assert (proofs["format"], proofs["version"], proofs["hash"]) == (
        "blockwatch-ledger-proofs",
        2,
        "SHA-256, RFC 9162 section 2.1",
    )


def test_an_export_records_what_went_where_word_for_word(filled: Vault, tmp_path: Path) -> None:
    """The bundle.exported entry: the bundle's name, file, hash and size, the recipient, the
    filters, the incidents, when, the tree size, the language and whether files went with it;
    and what the command reports."""
    size = filled.tree_size()
    out = tmp_path / "case.zip"
    options = ExportOptions(
        at_time=AT,
        where=SELECTED,
        case=CASE,
        lang="ru",
        attachments=False,
        to="Полиция\t\x07Алматы",
    )
    result = export_bundle(filled, out, options)
    data = out.read_bytes()
    sha = _sha(data)
    *_, (seq, _at, body) = filled.entries_of_type("bundle.exported")
    assert seq == size
    assert body == {
        "bundle": {"name": NAME, "file": "case.zip", "sha256": sha, "size": len(data)},
        "to": "Полиция Алматы",
        "selection": SELECTION,
        "incidents": [v["uid"] for v in filled.incidents(SELECTED)],
        "exported_at": "2026-07-10T07:00:00Z",
        "tree_size": size,
        "language": "ru",
        "attachments": False,
    }
    assert result == ExportResult(out, sha, filled.fingerprint, NAME, 2, 0, len(data))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("attachments", [True, False])
def test_the_files_counted_are_those_that_went_into_the_bundle(
    filled: Vault, tmp_path: Path, attachments: bool
) -> None:
    out = tmp_path / "files.zip"
    result = export_bundle(filled, out, ExportOptions(at_time=AT, attachments=attachments))
    attached = [p for p in members(out) if "/data/attachments/" in p]
    assert result.attachments == len(attached) == (1 if attachments else 0)
    *_, (_seq, _at, body) = filled.entries_of_type("bundle.exported")
    assert (body["to"], body["attachments"]) == (None, attachments)


def test_a_bare_file_name_puts_the_bundle_in_the_working_directory(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = export_bundle(filled, Path("here.zip"), ExportOptions(at_time=AT))
    assert (tmp_path / "here.zip").read_bytes()[:4] == b"PK\x03\x04"
    assert result.path == Path("here.zip")


def _refusal(filled: Vault, out: Path, **options: object) -> tuple[str, str | None]:
    before = filled.tree_size()
    with pytest.raises(InputError) as failed:
        export_bundle(filled, out, ExportOptions(**{"at_time": AT, **options}))  # type: ignore[arg-type]
    assert filled.tree_size() == before  # nothing recorded
    return failed.value.message, failed.value.hint


def test_every_refusal_of_an_export_says_what_and_how_word_for_word(
    filled: Vault, tmp_path: Path
) -> None:
    out = tmp_path / "b.zip"
    assert _refusal(filled, out, where=Filter(kinds=("takedown",))) == (
        "no incidents match the filters: nothing to export",
        "check --kind/--platform/--since/--until/--id with 'blockwatch list'",
    )
    assert _refusal(filled, tmp_path) == (
        f"{tmp_path} is a directory",
        "give a file name ending in .zip",
    )
    out.write_bytes(b"mine")
    assert _refusal(filled, out) == (
        f"{out} already exists",
        "choose another name, or add --force to replace it",
    )
    assert out.read_bytes() == b"mine"
    assert _refusal(filled, tmp_path / "nowhere" / "b.zip") == (
        f"directory {tmp_path / 'nowhere'} does not exist",
        "create it first, or choose another place",
    )
    assert _refusal(filled, tmp_path / "early.zip", at_time=datetime(2026, 7, 5, tzinfo=UTC)) == (
        "--at-time 2026-07-05T00:00:00Z is before 2026-07-05T06:00:00Z, when the newest "
        "exported entry was recorded",
        "a bundle cannot be dated before its contents; give a later --at-time, or none",
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".zip", ".part")) == ["b.zip"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="Linux's /proc")
def test_a_place_that_cannot_hold_a_file_is_refused_in_its_own_words(
    filled: Vault, tmp_path: Path
) -> None:
    """/proc/self takes no new file, not even root's: O_TMPFILE and then the named part file
    are refused, with the system's reason."""
    out = Path("/proc/self/b.zip")
    message, hint = _refusal(filled, out)
    assert message.startswith("cannot write in /proc/self: ") and len(message) > 28
    assert hint == "choose a writable place for the bundle"


def test_a_write_that_fails_half_way_says_so_and_leaves_nothing(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk when the bundle is flushed (the full-disk test in the reliability suite
    fills a real file system): one line with the system's reason, nothing at OUT, no part
    file, no export recorded."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "b.zip"
    assert _refusal(filled, out) == (
        f"cannot write the bundle {out}: No space left on device",
        "check free space and permissions; nothing was written at OUT",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["block notice.png", "vault"]


# ------------------------------------------------------------ the zip's own fields


def test_members_are_unix_files_0644_dated_at_the_export_and_deflated_at_level_6() -> None:
    raw = io.BytesIO()
    bag = _bag(raw)
    words = ["звонок", "пропущен", "входящий", "+447700900", "WhatsApp", "блокировка"]
    draw = random.Random(7)  # text whose deflated size at level 6 differs from 5's and 7's
    text = " ".join(draw.choice(words) + str(draw.randrange(100)) for _ in range(3000)).encode()
    bag.add("data/incidents.json", text)
    bag.stream("data/attachments/a.jpg", [b"abcd"], 4, _sha(b"abcd"), keep=False)
    bag.close()
    level_6 = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = level_6.compress(text) + level_6.flush()
    with zipfile.ZipFile(raw) as zf:
        json_info, jpg_info = zf.infolist()
    for info in (json_info, jpg_info):
        assert (info.date_time, info.create_system, info.external_attr) == (
            (2026, 7, 4, 10, 0, 0),
            3,
            0o100644 << 16,
        )
    assert (json_info.compress_type, json_info.compress_size) == (
        zipfile.ZIP_DEFLATED,
        len(deflated),
    )
    assert (jpg_info.compress_type, jpg_info.compress_size) == (zipfile.ZIP_STORED, 4)


def test_a_zip_cannot_be_dated_before_1980_so_an_earlier_export_is_dated_1980() -> None:
    raw = io.BytesIO()
    bag = _BagWriter(raw, "bag", datetime(1975, 5, 6, 7, 8, 9, tzinfo=UTC))  # type: ignore[arg-type]
    bag.add("data/a.txt", b"a")
    bag.close()
    with zipfile.ZipFile(raw) as zf:
        assert [i.date_time for i in zf.infolist()] == [(1980, 1, 1, 0, 0, 0)]


# ------------------------------------------------------------ a vault that does not add up


def _resign(v: Vault, size: int, edit: Callable[[ledger.Checkpoint], ledger.Checkpoint]) -> None:
    """What only the key holder can do: sign the checkpoint of ``size`` anew, edited."""
    note = dict(v.checkpoints())[size]
    point = ledger.open_checkpoint(note, v.settings.origin, v.public_key)
    v.conn.execute("DROP TRIGGER IF EXISTS checkpoints_no_update")
    v.conn.execute(
        "UPDATE checkpoints SET note = ? WHERE size = ?",
        (ledger.sign_checkpoint(edit(point), v._signer), size),
    )


def _corrupt(v: Vault, tmp_path: Path) -> tuple[str, str | None]:
    before = v.tree_size()
    with pytest.raises(VaultCorrupt) as failed:
        export_bundle(v, tmp_path / "b.zip", ExportOptions(at_time=AT))
    assert v.tree_size() == before and not (tmp_path / "b.zip").exists()
    return failed.value.message, failed.value.hint


ZERO = bytes(32)


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: dataclasses.replace(p, root=ZERO),
        lambda p: dataclasses.replace(p, size=p.size - 1),
        lambda p: dataclasses.replace(p, heads=(p.heads[0], ZERO)),
        lambda p: dataclasses.replace(p, heads=None),
    ],
    ids=["root", "size", "heads", "no heads"],
)
def test_a_latest_checkpoint_that_does_not_match_the_ledger_stops_the_export(
    filled: Vault, tmp_path: Path, edit: Callable[[ledger.Checkpoint], ledger.Checkpoint]
) -> None:
    filled.ensure_heads()
    _resign(filled, filled.tree_size(), edit)
    assert _corrupt(filled, tmp_path) == (
        "the vault's latest checkpoint does not match its ledger",
        "run 'blockwatch check'",
    )


def test_a_damaged_map_of_heads_stops_the_export(filled: Vault, tmp_path: Path) -> None:
    """The stored map's leaves no longer give the root the checkpoint signed: no proof of a
    head is written that does not hold."""
    filled.ensure_heads()
    filled.conn.execute(
        "UPDATE heads SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE level = 0"
    )
    assert _corrupt(filled, tmp_path) == (
        "the vault's map of heads does not match its ledger",
        "run 'blockwatch check'",
    )


# ------------------------------------------------------------ the checkpoints others hold


def _cosigned(v: Vault, size: int) -> None:
    """A witness cosigns the vault's checkpoint of ``size`` (C2SP tlog-cosignature)."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    note = dict(v.checkpoints())[size]
    line = ledger.cosign(note, "witness.example", key, 1_783_000_000)
    v.record_cosignature(note + line, ledger.cosigner_key("witness.example", public))


def _heads_as_of(v: Vault, size: int) -> list[tuple[str, int, int, str]]:
    """Each incident's (uid, place in the map, seq and leaf of its latest entry) before
    ``size``, worked out from the entries alone."""
    order: dict[str, int] = {}
    latest: dict[str, tuple[int, bytes]] = {}
    for seq, type_, _at, entry, leaf in v.entries():
        if seq >= size:
            break
        if type_ == "incident.created" or type_ in incidents.CHANGES:
            uid = json.loads(entry)["body"]["uid"]
            order.setdefault(uid, len(order))
            latest[uid] = (seq, leaf)
    return [(uid, order[uid], latest[uid][0], latest[uid][1].hex()) for uid in order]


def test_past_heads_prove_each_incident_as_of_every_checkpoint_others_hold(
    filled: Vault, tmp_path: Path
) -> None:
    """A checkpoint cosigned after a change was recorded on top of it, and one given to a
    witness: each included incident's head as of each, proved into that checkpoint's map."""
    filled.ensure_heads()
    cosigned = filled.tree_size()
    logbook.amend(filled, 2, logbook.Typed(details={"outcome": "answered"}), why="checked")
    _cosigned(filled, cosigned)  # after the amendment: the next checkpoint has other heads
    filled.share_checkpoint("witness.example")
    shared = filled.tree_size() - 1
    logbook.amend(filled, 3, logbook.Typed(details={"outcome": "answered"}), why="checked")
    _, files = _unpacked(export(filled, tmp_path / "b.zip"))
    proofs = json.loads(files["data/ledger.json"])
    notes = dict(filled.checkpoints())
    assert [block["size"] for block in proofs["past_heads"]] == [cosigned, shared]
    assert [row["size"] for row in proofs["consistency"]] == [cosigned, shared]
    for block in proofs["past_heads"]:
        rows = block["incidents"]
        assert [(r["uid"], r["index"], r["seq"], r["leaf"]) for r in rows] == _heads_as_of(
            filled, block["size"]
        )
        point = ledger.open_checkpoint(
            notes[block["size"]], filled.settings.origin, filled.public_key
        )
        assert point.heads is not None
        for r in rows:
            head = ledger.head_leaf(r["uid"], r["seq"], bytes.fromhex(r["leaf"]))
            proof = [base64.b64decode(p) for p in r["inclusion_proof"]]
            ledger.verify_inclusion(r["index"], point.heads[0], head, proof, point.heads[1])
    assert verify_bundle(tmp_path / "b.zip", filled.fingerprint).incidents == filled.incidents()


def test_a_checkpoint_others_hold_whose_map_of_heads_was_signed_anew_stops_the_export(
    filled: Vault, tmp_path: Path
) -> None:
    filled.share_checkpoint("witness.example")
    shared = filled.tree_size() - 1
    _resign(filled, shared, lambda p: dataclasses.replace(p, heads=(p.heads[0], ZERO)))
    assert _corrupt(filled, tmp_path) == (
        "the vault's map of heads does not match its ledger",
        "run 'blockwatch check'",
    )


def test_a_checkpoint_held_from_the_first_entry_on_is_proved_consistent(
    opened: Vault, tmp_path: Path
) -> None:
    """A witness given the checkpoint of a vault with one entry: the bundle proves that its
    ledger extends even that one."""
    assert opened.tree_size() == 1
    opened.share_checkpoint("witness.example")
    fill(opened, tmp_path)
    _, files = _unpacked(export(opened, tmp_path / "b.zip"))
    proofs = json.loads(files["data/ledger.json"])
    assert [row["size"] for row in proofs["consistency"]] == [1]


def test_a_checkpoint_from_before_the_map_of_heads_is_passed_over_not_the_end(
    v1_env: Env, tmp_path: Path
) -> None:
    """A format-1 vault: a witness cosigns one of its old checkpoints (no map of heads: nothing
    to prove into), then is given a new one; the new one's past heads are still written."""
    with vault.unlock(v1_env, EXPECTED["passphrase"]) as v:
        old = [size for size, _note in v.checkpoints()][-2]
        _cosigned(v, old)
        v.share_checkpoint("witness.example")
        shared = v.tree_size() - 1
        export_bundle(v, tmp_path / "b.zip", ExportOptions(at_time=NOW))
    _, files = _unpacked(tmp_path / "b.zip")
    proofs = json.loads(files["data/ledger.json"])
    assert [row["size"] for row in proofs["consistency"]] == [old, shared]
    assert [block["size"] for block in proofs["past_heads"]] == [shared]
