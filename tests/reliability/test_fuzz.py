"""Hypothesis-driven mutation fuzzing (issue 14, item 5) of every importer, the key-slot reader
and the bundle reader, seeded with real files (tests/real) and files blockwatch writes.

Each input is a seed with bytes flipped, inserted, deleted or cut off.  The only acceptable
outcomes are success or a ``BlockwatchError`` (one line, a documented exit status); anything
else — a ValueError, a KeyError, a RecursionError — is a crash (exit 70).  CI runs a short form;
``--run-slow`` many more examples.  This is mutation fuzzing without coverage feedback;
coverage-guided fuzzing (atheris) is not set up yet.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blockwatch.errors import BlockwatchError
from blockwatch.importers import FORMATS, detect
from blockwatch.importers.base import Options

pytestmark = pytest.mark.fuzz  # random inputs: mutation runs leave them out

REAL = Path(__file__).resolve().parents[1] / "real"
SEEDS = sorted(
    p
    for p in REAL.rglob("*")
    if p.is_file() and p.suffix in (".xml", ".txt", ".json", ".csv")
    if "LICENSE" not in p.name and p.name != "SOURCES.md"
)
OPTIONS = Options(latest=datetime(2026, 12, 1, tzinfo=UTC))


def _settings(examples: int) -> settings:
    """No deadline, no example database (a fuzz run starts afresh), no health checks."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


def _examples(request: pytest.FixtureRequest) -> int:
    return 3000 if request.config.getoption("--run-slow") else 150


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        how = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "insert":
            data[at:at] = draw(
                st.sampled_from([b"\x00", b"<", b'"', b"&#55357;", b"\n", b"-", b"99999999999999"])
            )
        elif how == "delete" and data:
            del data[at : at + draw(st.integers(1, 16))]
        elif how == "cut":
            del data[at:]
        elif how == "repeat" and data:
            data[at:at] = data[at : at + 64] * draw(st.integers(1, 50))
    return bytes(data)


def _parse(path: Path) -> None:
    """What ``import`` does with a file, up to the vault: detect, then parse every record."""
    head = path.read_bytes()[: 64 * 1024]
    fmt = detect(head, path)
    for _ in FORMATS[fmt].parse()(path, OPTIONS):
        pass


@pytest.mark.parametrize("seed", SEEDS, ids=[str(p.relative_to(REAL)) for p in SEEDS])
def test_a_damaged_real_export_is_read_or_refused_never_a_crash(
    seed: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = tmp_path / seed.name

    @_settings(max(10, _examples(request) // len(SEEDS)))
    @given(mutated(seed.read_bytes()))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        try:
            _parse(target)
        except BlockwatchError as e:
            assert "\n" not in e.message and e.message, e.message

    check()


def _zip_seed(tmp_path: Path) -> bytes:
    chat = (REAL / "chat-miner" / "wa-ddmmyy-24h.txt").read_bytes()
    path = tmp_path / "seed.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", chat)
        zf.writestr("IMG-20260704-WA0001.jpg", bytes(range(256)) * 8)
    return path.read_bytes()


def test_a_damaged_whatsapp_zip_is_read_or_refused_never_a_crash(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seed = _zip_seed(tmp_path)
    target = tmp_path / "chat.zip"

    @_settings(_examples(request))
    @given(mutated(seed))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        try:
            _parse(target)
            with zipfile.ZipFile(target) as zf:  # and every media file it names, read whole
                from blockwatch.importers import whatsapp

                _chat, media = whatsapp._open_zip(target, zf)
                for item in media.values():
                    for _chunk in item.read():
                        pass
        except (BlockwatchError, zipfile.BadZipFile):
            # BadZipFile only from this test's own ZipFile above, when detect said "zip" by its
            # first bytes but the directory is gone: _parse has already refused such a file
            pass

    check()


def test_a_damaged_key_slot_file_is_read_or_refused_never_a_crash(
    vault_env, tmp_path: Path, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    from blockwatch.vault import keyslots

    seed = (vault_env.vault_dir / "keyslots.json").read_bytes()
    target = tmp_path / "keyslots.json"

    @_settings(_examples(request))
    @given(mutated(seed))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        try:
            keyslots.load(target)
        except BlockwatchError as e:
            assert e.message and "\n" not in e.message

    check()


def test_a_damaged_backup_manifest_is_read_or_refused_never_a_crash(
    vault_env, tmp_path: Path, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    """backup.json, the one file of a backup read before any hash is checked."""
    from blockwatch.vault import backup

    from ..conftest import run_cli

    dest = tmp_path / "copy"
    assert run_cli(vault_env, "backup", str(dest)).code == 0
    seed = (dest / "backup.json").read_bytes()

    @_settings(_examples(request))
    @given(mutated(seed))
    def check(data: bytes) -> None:
        (dest / "backup.json").write_bytes(data)
        try:
            found = backup.read_manifest(dest)
            if found is not None:
                backup.check_files(dest, found)
        except BlockwatchError as e:
            assert e.message and "\n" not in e.message

    check()


def test_a_damaged_bundle_is_verified_or_refused_never_a_crash(
    opened, tmp_path: Path, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    from blockwatch import logbook
    from blockwatch.bundle.verify import verify_bundle
    from blockwatch.bundle.writer import ExportOptions, export_bundle

    logbook.log(opened, "call", logbook.Typed(counterparty="+447700900123"))
    logbook.log(opened, "note", logbook.Typed(details={"text": "fuzz seed"}))
    seed_path = tmp_path / "seed.zip"
    export_bundle(opened, seed_path, ExportOptions(attachments=True))
    seed = seed_path.read_bytes()
    target = tmp_path / "bundle.zip"

    @_settings(_examples(request))
    @given(mutated(seed))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        try:
            verify_bundle(target)
        except BlockwatchError as e:
            assert e.message and "\n" not in e.message

    check()


def test_a_bundle_member_whose_deflate_data_is_broken_fails_check_2(opened, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Found by the fuzzer: zlib raised its own error (no BadZipFile) and verify crashed."""
    from blockwatch import logbook
    from blockwatch.bundle.verify import BundleInvalid, verify_bundle
    from blockwatch.bundle.writer import ExportOptions, export_bundle

    logbook.log(opened, "note", logbook.Typed(details={"text": "a seed"}))
    path = tmp_path / "b.zip"
    export_bundle(opened, path, ExportOptions())
    with zipfile.ZipFile(path) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("data/report.html"))
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode())
    data[start : start + 8] = b"\xff" * 8  # a deflate block of the reserved type 3
    path.write_bytes(bytes(data))
    with pytest.raises(BundleInvalid) as failed:
        verify_bundle(path)
    assert failed.value.check == 2
    assert failed.value.message.startswith(
        "check 2 failed, the bag is complete and every payload hash matches: cannot be read: "
    )
    assert failed.value.file == "data/report.html"


# --------------------------------------------------------------------------- outside anchors
#
# What a witness or a recipient reads from someone else: a checkpoint with its consistency
# proof, a verifier key, a cosigned note, an RFC 3161 token and its certificates, and a bundle
# whose key holder changed those and signed it again.


def _mutated_text(seed: str) -> st.SearchStrategy[str]:
    return mutated(seed.encode()).map(lambda b: b.decode("utf-8", "replace"))


def _anchored_vault(opened, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A vault with two notes, a checkpoint given to a witness, a time stamp from a local
    authority and a witness's cosignature; and what a fuzz test needs of them."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from blockwatch import ledger, logbook, timestamps

    from ..tsa import Authority, serve

    logbook.log(opened, "note", logbook.Typed(details={"text": "one"}))
    opened.share_checkpoint("lawyer")
    logbook.log(opened, "note", logbook.Typed(details={"text": "two"}))
    request = opened.share_checkpoint("lawyer")
    authority = Authority(tmp_path / "tsa")
    note = opened.latest_checkpoint()
    point = ledger.open_checkpoint(note, opened.settings.origin, opened.public_key)
    with serve(authority.reply) as server:
        stamp = timestamps.request(server.url, note.encode(), [authority.root])
    opened.record_timestamps(point.size, note, [stamp])
    witness = Ed25519PrivateKey.generate()
    name = "lawyer.example/witness"
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = witness.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    cosigned = note.rstrip("\n") + "\n" + ledger.cosign(note, name, witness, 1_790_000_000)
    key = ledger.cosigner_key(name, public)
    opened.record_cosignature(cosigned, key)
    return request, stamp, authority, note, cosigned, key, (name, public)


def test_damaged_witness_inputs_are_refused_never_a_crash(  # type: ignore[no-untyped-def]
    opened, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from blockwatch import ledger

    text, _stamp, _authority, _note, cosigned, key, (name, public) = _anchored_vault(
        opened, tmp_path
    )
    origin, signer = opened.settings.origin, opened.public_key

    @_settings(_examples(request))
    @given(_mutated_text(text), _mutated_text(cosigned), _mutated_text(key))
    def check(request_text: str, cosigned_text: str, key_text: str) -> None:
        try:
            parsed = ledger.parse_request(request_text)
            point = ledger.open_checkpoint(parsed.note, origin, signer)
            if parsed.old is not None and parsed.old <= point.size:
                ledger.verify_consistency(
                    parsed.old, point.size, point.root, point.root, list(parsed.proof)
                )
        except ledger.ProofError as e:
            assert e.message and "\n" not in e.message
        try:
            ledger.open_cosignature(cosigned_text, name, public)
        except ledger.ProofError as e:
            assert e.message and "\n" not in e.message
        try:
            ledger.parse_verifier_key(key_text, ledger.COSIGNER_KEY)
        except ledger.ProofError as e:
            assert e.message and "\n" not in e.message

    check()


def test_a_damaged_time_stamp_token_is_refused_never_a_crash(  # type: ignore[no-untyped-def]
    opened, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from blockwatch import timestamps

    _request, stamp, authority, note, *_rest = _anchored_vault(opened, tmp_path)

    @_settings(_examples(request))
    @given(mutated(stamp.token))
    def check(token: bytes) -> None:
        try:
            timestamps.check(token, note.encode(), [authority.root])
        except timestamps.StampError as e:
            assert str(e) and "\n" not in str(e)

    check()


def test_a_re_signed_bundle_with_damaged_anchors_is_refused_never_a_crash(  # type: ignore[no-untyped-def]
    opened, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The key holder changes a time stamp's files or the anchors in ledger.json and signs
    the bundle again: verify passes it or names the check that fails, nothing else."""
    import json

    from blockwatch.bundle.verify import verify_bundle
    from blockwatch.bundle.writer import ExportOptions, export_bundle

    from ..test_bundle import _resign, members, rezip, top

    _request, _stamp, authority, _note, _cosigned, _key, (name, public) = _anchored_vault(
        opened, tmp_path
    )
    seed_path = tmp_path / "seed.zip"
    export_bundle(opened, seed_path, ExportOptions())
    files = members(seed_path)
    root = top(files)
    targets = [
        f"{root}/data/timestamps/1.tsr",
        f"{root}/data/timestamps/1.chain.pem",
        f"{root}/data/timestamps/1.root.pem",
        f"{root}/data/timestamps/1.checkpoint.txt",
    ]
    anchors = json.dumps(
        {
            k: json.loads(files[f"{root}/data/ledger.json"])[k]
            for k in ("timestamps", "cosignatures", "past_heads", "consistency")
        }
    ).encode()
    target = tmp_path / "bundle.zip"

    @_settings(_examples(request))
    @given(st.sampled_from([*targets, "ledger.json"]), st.data())
    def check(which: str, data: st.DataObject) -> None:
        changed = dict(files)
        if which == "ledger.json":
            try:
                part = json.loads(data.draw(mutated(anchors)))
            except ValueError:
                return
            doc = json.loads(files[f"{root}/data/ledger.json"])
            if isinstance(part, dict):
                doc.update(part)
            changed[f"{root}/data/ledger.json"] = json.dumps(doc).encode()
        else:
            changed[which] = data.draw(mutated(files[which]))
        _resign(changed, root, opened._signer)
        rezip(changed, target)
        try:
            verify_bundle(target, tsa_roots=[authority.root], witness_keys=[(name, public)])
        except BlockwatchError as e:
            assert e.message and "\n" not in e.message

    check()


def test_inputs_that_crashed_once_are_refused_in_one_line(tmp_path: Path) -> None:
    """tests/fixtures/fuzz: what the fuzzers found, replayed (see its README)."""
    from blockwatch.bundle.verify import BundleInvalid, verify_bundle

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "fuzz"
    with pytest.raises(BundleInvalid) as failed:
        verify_bundle(fixtures / "bundle-zip-version-18.9.zip")
    assert failed.value.check == 1 and "not a zip file" in failed.value.message
    data = (fixtures / "android-calls-utf-7.bin").read_bytes()
    path = tmp_path / "input.xml"  # the fuzz target's first byte (0) picks the name
    path.write_bytes(data[1:])
    with pytest.raises(BlockwatchError, match="declares an encoding that cannot be read"):
        _parse(path)
