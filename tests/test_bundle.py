"""Evidence bundles: export, verify, the openssl + sha256sum path, tampering and hostile zips."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blockwatch import __version__, ledger, logbook, vault
from blockwatch.bundle import layout
from blockwatch.bundle.verify import BundleInvalid, verify_bundle
from blockwatch.bundle.writer import ExportOptions, export_bundle
from blockwatch.documents.verify import STEP_COMMANDS
from blockwatch.env import Env
from blockwatch.errors import InputError
from blockwatch.vault import Filter

from .conftest import PASSPHRASE, make_env, run_cli
from .scenario import PNG, fill

AT = datetime(2026, 7, 10, 7, 0, tzinfo=UTC)
HOSTILE_TEXT = '<script>alert(1)</script> "><img src=x onerror=alert(2)> \x1b[31mred =HYPERLINK("http://x.example")'


def _log(v: vault.Vault, kind: str, **typed: object) -> dict:
    return logbook.log(v, kind, logbook.Typed(**typed))  # type: ignore[arg-type]


@pytest.fixture
def filled(opened: vault.Vault, tmp_path: Path) -> vault.Vault:
    return fill(opened, tmp_path)


def export(v: vault.Vault, out: Path, **options: object) -> Path:
    export_bundle(v, out, ExportOptions(at_time=AT, **options))  # type: ignore[arg-type]
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(src: dict[str, bytes], out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in src.items():
            zf.writestr(name, data)
    return out


def top(files: dict[str, bytes]) -> str:
    return next(iter(files)).split("/")[0]


# --------------------------------------------------------------------------- round trip


def test_export_then_verify(filled: vault.Vault, tmp_path: Path) -> None:
    size = filled.tree_size()
    out = export(filled, tmp_path / "case.zip", case="Editors blocked, July 2026", lang="ru")
    result = verify_bundle(out, filled.fingerprint)
    assert [v["id"] for v in result.incidents] == list(range(1, 9))
    assert result.incidents == filled.incidents()
    assert result.checkpoint.size == size  # signed before the export recorded itself
    assert filled.tree_size() == size + 1
    assert len(result.passed) == 12 and set(result.not_compared) == {13, 14}  # no --witness given
    names = {n.split("/", 1)[1] for n in members(out)}
    assert {"VERIFY.txt", "VERIFY.ru.txt", "data/report.html", "data/incidents.csv"} <= names
    assert "VERIFY.kk.txt" not in names
    assert any(n.startswith("data/attachments/") and n.endswith("-block_notice.png") for n in names)
    report = members(out)[f"{top(members(out))}/data/report.html"].decode()
    assert "data:image/png;base64," + base64.b64encode(PNG).decode() in report  # shown inline
    assert "4 июля 2026" in report and "Хронология" in report


def test_export_is_deterministic(filled: vault.Vault, tmp_path: Path) -> None:
    """The same vault state, options and time give the same bytes.  An export changes the
    state (it records itself), so the twin is a copy of the vault made before."""
    twin_env = make_env(tmp_path / "twin")
    shutil.copytree(filled.env.vault_dir, twin_env.vault_dir)
    a = export(filled, tmp_path / "a.zip", case="X")
    with vault.unlock(twin_env, PASSPHRASE) as twin:
        b = export(twin, tmp_path / "b.zip", case="X")
    assert a.read_bytes() == b.read_bytes()
    c = export_bundle(
        filled, tmp_path / "c.zip", ExportOptions(at_time=datetime(2026, 7, 11, tzinfo=UTC))
    )
    assert c.path.read_bytes() != a.read_bytes()


def test_filtered_export_proves_membership_without_the_rest(
    filled: vault.Vault, tmp_path: Path
) -> None:
    size = filled.tree_size()
    out = export(filled, tmp_path / "calls.zip", where=Filter(kinds=("call",)))
    result = verify_bundle(out)
    assert [v["kind"] for v in result.incidents] == ["call"] * 4
    blob = b"".join(members(out).values())
    assert b"SECRET-NOTE-NOT-FOR-EXPORT" not in blob and b"This account can no longer" not in blob
    proofs = json.loads(members(out)[f"{top(members(out))}/data/ledger.json"])
    assert [e["seq"] for e in proofs["entries"]] == [0, 2, 3, 4, 5]
    assert proofs["tree_size"] == size


def test_no_attachments_lists_hashes_only(filled: vault.Vault, tmp_path: Path) -> None:
    out = export(filled, tmp_path / "n.zip", attachments=False)
    assert not any("/data/attachments/" in n for n in members(out))
    report = members(out)[f"{top(members(out))}/data/report.html"].decode()
    assert hashlib.sha256(PNG).hexdigest() in report and "data:image/png;base64," not in report
    verify_bundle(out)


def test_bagit_python_accepts_the_bag(filled: vault.Vault, tmp_path: Path) -> None:
    import bagit

    out = export(filled, tmp_path / "b.zip")
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "x")
    bag = bagit.Bag(str(next((tmp_path / "x").iterdir())))
    bag.validate()
    assert bag.is_valid()


# --------------------------------------------------------------------------- without blockwatch


def shell_path(bag_dir: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run VERIFY.txt's five commands exactly as printed, in the extracted bag."""
    return [
        subprocess.run(
            ["bash", "-c", command], cwd=bag_dir, capture_output=True, text=True, check=False
        )
        for command in STEP_COMMANDS
    ]


def extract(zip_path: Path, where: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(where)
    return next(where.iterdir())


@pytest.mark.skipif(
    shutil.which("openssl") is None or shutil.which("sha256sum") is None,
    reason="needs openssl and sha256sum",
)
def test_openssl_and_sha256sum_verify_an_intact_bundle(filled: vault.Vault, tmp_path: Path) -> None:
    out = export(filled, tmp_path / "b.zip", lang="kk")
    bag = extract(out, tmp_path / "x")
    assert (
        "\u0442\u0435\u043a\u0441\u0435\u0440" in (bag / "VERIFY.kk.txt").read_text()
    )  # Kazakh text
    for command in STEP_COMMANDS:
        assert command in (bag / "VERIFY.txt").read_text()
    sig, tags, payload, listing, fp = shell_path(bag)
    assert sig.returncode == 0 and "Signature Verified Successfully" in sig.stdout
    assert tags.returncode == 0 and payload.returncode == 0
    assert listing.returncode == 0 and listing.stdout == ""
    assert fp.stdout.split()[0] == filled.fingerprint


# --------------------------------------------------------------------------- tampering


def _edit(name: str, change):  # type: ignore[no-untyped-def]
    def apply(files: dict[str, bytes], root: str) -> None:
        files[f"{root}/{name}"] = change(files[f"{root}/{name}"])

    return apply


def _other_key_pem() -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )


def _flip(data: bytes) -> bytes:
    return data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]


TAMPER = {
    # name: (change to the zip's files, check blockwatch names, shell step that fails (1-based))
    "payload-changed": (_edit("data/incidents.csv", _flip), 2, 3),
    "payload-removed": (lambda f, r: f.pop(f"{r}/data/report.html"), 2, 3),
    "payload-added": (lambda f, r: f.__setitem__(f"{r}/data/extra.txt", b"planted"), 3, 4),
    "unlisted-top-file": (lambda f, r: f.__setitem__(f"{r}/README.txt", b"planted"), 3, 4),
    "bagit-txt-changed": (_edit("bagit.txt", lambda d: d.replace(b"1.0", b"0.97")), 2, 2),
    "bag-info-changed": (
        _edit("bag-info.txt", lambda d: d.replace(b"self-recorded", b"police-record")),
        4,
        2,
    ),
    "manifest-changed": (
        _edit(
            "manifest-sha256.txt",
            lambda d: d.replace(b"  data/incidents.csv", b"  data/incidents.tsv"),
        ),
        2,
        2,
    ),
    "checkpoint-changed": (_edit("checkpoint.txt", _flip), 4, 2),
    "verify-txt-changed": (
        _edit("VERIFY.txt", lambda d: d.replace(b"openssl", b"opensls", 1)),
        4,
        2,
    ),
    "signer-replaced": (_edit("signer.pem", lambda d: _other_key_pem()), 4, 2),
    "signature-replaced": (_edit("tagmanifest-sha256.txt.sig", lambda d: os.urandom(64)), 5, 1),
    "tagmanifest-changed": (
        _edit("tagmanifest-sha256.txt", lambda d: (b"0" if d[:1] != b"0" else b"1") + d[1:]),
        4,
        1,
    ),
    "ledger-entry-removed": (
        _edit(
            "data/ledger.json",
            lambda d: json.dumps(
                {**json.loads(d), "entries": json.loads(d)["entries"][:-1]}
            ).encode(),
        ),
        2,
        3,
    ),
    "incidents-edited": (
        _edit("data/incidents.json", lambda d: d.replace(b"missed", b"answered", 1)),
        2,
        3,
    ),
}


# what verify says for each (check N failed, what it checks: what was wrong (which file))
TAMPERED_SAID = {
    "bag-info-changed": (
        "check 4 failed, every tag file matches the tag manifest: "
        "SHA-256 does not match the tag manifest (bag-info.txt)"
    ),
    "bagit-txt-changed": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "not a BagIt 1.0 declaration (bagit.txt)"
    ),
    "checkpoint-changed": (
        "check 4 failed, every tag file matches the tag manifest: "
        "SHA-256 does not match the tag manifest (checkpoint.txt)"
    ),
    "incidents-edited": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "SHA-256 does not match the manifest (data/incidents.json)"
    ),
    "ledger-entry-removed": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "SHA-256 does not match the manifest (data/ledger.json)"
    ),
    "manifest-changed": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "a listed payload file is missing (data/incidents.tsv)"
    ),
    "payload-added": (
        "check 3 failed, no unlisted file besides the signature: "
        "file is not listed in any manifest (data/extra.txt)"
    ),
    "payload-changed": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "SHA-256 does not match the manifest (data/incidents.csv)"
    ),
    "payload-removed": (
        "check 2 failed, the bag is complete and every payload hash matches: "
        "a listed payload file is missing (data/report.html)"
    ),
    "signature-replaced": (
        "check 5 failed, the signature is valid for signer.pem: "
        "the signature does not verify (tagmanifest-sha256.txt.sig)"
    ),
    "signer-replaced": (
        "check 4 failed, every tag file matches the tag manifest: "
        "SHA-256 does not match the tag manifest (signer.pem)"
    ),
    "tagmanifest-changed": (
        "check 4 failed, every tag file matches the tag manifest: "
        "SHA-256 does not match the tag manifest (VERIFY.txt)"
    ),
    "unlisted-top-file": (
        "check 3 failed, no unlisted file besides the signature: "
        "file is not listed in any manifest (README.txt)"
    ),
    "verify-txt-changed": (
        "check 4 failed, every tag file matches the tag manifest: "
        "SHA-256 does not match the tag manifest (VERIFY.txt)"
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tamper_matrix(filled: vault.Vault, tmp_path: Path, case: str) -> None:
    change, check, step = TAMPER[case]
    files = members(export(filled, tmp_path / "good.zip"))
    change(files, top(files))
    bad = rezip(files, tmp_path / "bad.zip")
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(bad)
    assert info.value.check == check and info.value.message == TAMPERED_SAID[case]
    if shutil.which("openssl") and shutil.which("sha256sum"):
        results = shell_path(extract(bad, tmp_path / "x"))
        failed = [
            n for n, r in enumerate(results[:4], 1) if r.returncode != 0 or (n == 4 and r.stdout)
        ]
        assert step in failed, (
            case,
            [(r.returncode, r.stdout[-200:], r.stderr[-200:]) for r in results],
        )


def _resign(files: dict[str, bytes], root: str, key) -> None:  # type: ignore[no-untyped-def]
    """What only the key holder can do: re-hash everything and sign again."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    payload = {n.split("/", 1)[1]: d for n, d in files.items() if n.startswith(f"{root}/data/")}
    files[f"{root}/manifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(payload.items())
    ).encode()
    info = files[f"{root}/bag-info.txt"].decode().splitlines()
    oxum = f"Payload-Oxum: {sum(map(len, payload.values()))}.{len(payload)}"
    files[f"{root}/bag-info.txt"] = (
        "\n".join(oxum if line.startswith("Payload-Oxum") else line for line in info) + "\n"
    ).encode()
    files[f"{root}/signer.pem"] = key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    _sign_tags(files, root, key)


def _sign_tags(files: dict[str, bytes], root: str, key) -> None:  # type: ignore[no-untyped-def]
    """Re-hash the tag files and sign the tag manifest with ``key``."""
    tags = {
        n.split("/", 1)[1]: d
        for n, d in files.items()
        if "/data/" not in n and not n.endswith(("tagmanifest-sha256.txt", ".sig"))
    }
    manifest = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(tags.items())
    ).encode()
    files[f"{root}/tagmanifest-sha256.txt"] = manifest
    files[f"{root}/tagmanifest-sha256.txt.sig"] = key.sign(manifest)


def _vault_key(v: vault.Vault):  # type: ignore[no-untyped-def]
    return v._signer


LEAF_1 = "entry 1: leaf 1 does not prove into the root of tree size 10"
REPLAY = "incidents.json equals the replay of the ledger entries: "
PROVES = "every included ledger entry proves into the signed checkpoint: "


@pytest.mark.parametrize(
    ("case", "check", "said"),
    [
        ("ledger-entry-removed", 8, REPLAY + "incident 7 differs from its ledger entries"),
        ("ledger-genesis-removed", 7, PROVES + "the vault's first entry is not included"),
        ("ledger-entry-edited", 7, PROVES + LEAF_1),
        ("ledger-salt-dropped", 7, PROVES + LEAF_1),
        ("ledger-salt-changed", 7, PROVES + LEAF_1),
        ("incidents-edited", 8, REPLAY + "incident 2 differs from its ledger entries"),
        ("incident-dropped", 8, REPLAY + "the incidents are not those the ledger entries create"),
    ],
)
def test_forgeries_by_the_key_holder_fail_the_ledger_checks(
    filled: vault.Vault, tmp_path: Path, case: str, check: int, said: str
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    ledger_name, incidents_name = f"{root}/data/ledger.json", f"{root}/data/incidents.json"
    proofs, views = json.loads(files[ledger_name]), json.loads(files[incidents_name])
    if case == "ledger-entry-removed":  # drop the appeal's amendment: the replay differs
        proofs["entries"] = [e for e in proofs["entries"] if '"incident.amended"' not in e["entry"]]
    elif case == "ledger-genesis-removed":
        proofs["entries"] = proofs["entries"][1:]
    elif case == "ledger-entry-edited":
        proofs["entries"][1]["entry"] = proofs["entries"][1]["entry"].replace("confirm", "c0nfirm")
    elif case in ("ledger-salt-dropped", "ledger-salt-changed"):  # a format 1 entry, or a new salt
        entry = json.loads(proofs["entries"][1]["entry"])
        salt = entry.pop("salt")
        if case == "ledger-salt-changed":
            entry["salt"] = "0" * len(salt)
        else:
            entry["v"] = 1
        proofs["entries"][1]["entry"] = ledger.canonical_entry(
            entry["seq"], entry["type"], entry["recorded_at"], entry["body"], entry.get("salt")
        ).decode()
    elif case == "incidents-edited":
        views[1]["details"]["outcome"] = "answered"
    elif case == "incident-dropped":
        views = views[1:]
    files[ledger_name] = json.dumps(proofs).encode()
    files[incidents_name] = json.dumps(views).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == check
    where = "incidents.json" if check == 8 else "ledger.json"
    assert info.value.message == f"check {check} failed, {said} (data/{where})"


def _attachment(files: dict[str, bytes], root: str) -> str:
    [name] = [n for n in files if n.startswith(f"{root}/data/attachments/")]
    return name


def _bag_info_line(files: dict[str, bytes], root: str, key: str, value: str | None) -> None:
    lines = files[f"{root}/bag-info.txt"].decode().splitlines()
    kept = [line for line in lines if not line.startswith(f"{key}: ")]
    files[f"{root}/bag-info.txt"] = (
        "\n".join(kept + ([f"{key}: {value}"] if value is not None else [])) + "\n"
    ).encode()


def _forge_attachment_replaced(files: dict[str, bytes], root: str) -> None:
    files[_attachment(files, root)] = PNG.replace(b"IEND", b"IEN\x00")


def _forge_attachment_added(files: dict[str, bytes], root: str) -> None:
    files[f"{root}/data/attachments/0123456789ab-planted.png"] = PNG + b"planted"


def _forge_attachment_removed(files: dict[str, bytes], root: str) -> None:
    del files[_attachment(files, root)]


def _forge_attachment_renamed(files: dict[str, bytes], root: str) -> None:
    name = _attachment(files, root)
    files[name.replace("block_notice", "court_order")] = files.pop(name)


def _forge_csv_time(files: dict[str, bytes], root: str) -> None:
    name = f"{root}/data/incidents.csv"
    files[name] = files[name].replace(b"2026-07-04T", b"2026-07-03T", 1)


def _forge_report_time(files: dict[str, bytes], root: str) -> None:
    name = f"{root}/data/report.html"
    text = files[name].decode()
    assert "20:41" in text
    files[name] = text.replace("20:41", "19:41").encode()


def _forge_report_recipe_removed(files: dict[str, bytes], root: str) -> None:
    _forge_report_time(files, root)
    _bag_info_line(files, root, "Blockwatch-Report-Language", None)


PAYLOAD = "every payload file is a bundle file or an included incident's attachment: "
NOTICE = "data/attachments/8cf8513dd0fb-"
GIVE = "differs from what the verified incidents give"
REPORT = "report.html is what this version makes of the verified incidents: "


@pytest.mark.parametrize(
    ("forge", "check", "said"),
    [
        (
            _forge_attachment_replaced,
            10,
            PAYLOAD + f"not the file its incident names (SHA-256 or size differ) "
            f"({NOTICE}block_notice.png)",
        ),
        (
            _forge_attachment_added,
            10,
            PAYLOAD + "no included incident has this attachment "
            "(data/attachments/0123456789ab-planted.png)",
        ),
        (
            _forge_attachment_removed,
            10,
            PAYLOAD
            + f"an attachment of an included incident is missing ({NOTICE}block_notice.png)",
        ),
        (
            _forge_attachment_renamed,
            10,
            PAYLOAD + f"no included incident has this attachment ({NOTICE}court_order.png)",
        ),
        (
            _forge_csv_time,
            11,
            f"incidents.csv is what the verified incidents give: {GIVE} (data/incidents.csv)",
        ),
        (_forge_report_time, 12, REPORT + f"{GIVE} (data/report.html)"),
        (
            _forge_report_recipe_removed,
            12,
            REPORT + "bag-info.txt does not say how the report was made (bag-info.txt)",
        ),
    ],
)
def test_every_payload_byte_is_bound_to_the_signed_entries(
    filled: vault.Vault,
    tmp_path: Path,
    forge,
    check: int,
    said: str,  # type: ignore[no-untyped-def]
) -> None:
    """What the key holder can do -- change a file, re-hash and re-sign -- no longer passes."""
    files = members(export(filled, tmp_path / "good.zip", lang="ru"))
    root = top(files)
    forge(files, root)
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"), filled.fingerprint)
    assert (info.value.check, info.value.message) == (check, f"check {check} failed, {said}")


def test_a_report_from_another_version_is_not_compared_and_never_ok(
    filled: vault.Vault, vault_env: Env, tmp_path: Path
) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    _forge_report_time(files, root)
    _bag_info_line(files, root, "Bag-Software-Agent", "blockwatch 9.9")
    _resign(files, root, _vault_key(filled))
    forged = rezip(files, tmp_path / "other.zip")
    result = verify_bundle(forged)
    assert result.not_compared[12] == (
        f"not compared: written by blockwatch 9.9, this is blockwatch {__version__}"
    )
    assert set(result.not_compared) == {12, 13, 14} and len(result.passed) == 11
    done = run_cli(vault_env, "verify", str(forged), "--json")
    assert done.code == 0
    [report] = [c for c in json.loads(done.out)["checks"] if c["number"] == 12]
    assert report["passed"] is False and report["not_compared"].startswith("not compared")


def test_an_export_cannot_be_dated_before_its_newest_entry(
    filled: vault.Vault, tmp_path: Path
) -> None:
    newest = max(v["recorded_at"] for v in filled.incidents())
    early = datetime(2026, 7, 5, 5, 0, tzinfo=UTC)
    assert early.isoformat().replace("+00:00", "Z") < newest
    with pytest.raises(InputError) as info:
        export_bundle(filled, tmp_path / "early.zip", ExportOptions(at_time=early))
    assert info.value.message == (
        f"--at-time 2026-07-05T05:00:00Z is before {newest}, "
        "when the newest exported entry was recorded"
    )
    assert not [p for p in tmp_path.iterdir() if "early" in p.name]  # no bundle, no part


def test_long_bag_info_values_are_folded_and_read_back(filled: vault.Vault, tmp_path: Path) -> None:
    import bagit

    case = "Editors of three newspapers blocked and flooded with calls " * 3
    out = export(filled, tmp_path / "long.zip", case=case)
    info = members(out)[f"{top(members(out))}/bag-info.txt"].decode()
    # RFC 8493 2.2.2: at most 79 characters where a value has a space to break at
    assert all(len(line) <= 79 or " " not in line.split(": ", 1)[1] for line in info.splitlines())
    assert (
        "External-Identifier: Editors of three newspapers blocked and flooded with calls\n  "
        in info
    )
    assert verify_bundle(out).bag_info["Blockwatch-Case"] == case.strip()
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "x")
    bag = bagit.Bag(str(next((tmp_path / "x").iterdir())))
    assert bag.is_valid()
    assert " ".join(bag.info["External-Identifier"].split()) == case.strip()


def test_an_entry_dropped_from_the_middle_of_a_history_is_found(
    filled: vault.Vault, tmp_path: Path
) -> None:
    """The key holder leaves out one change of an incident and makes incidents.json agree with
    what is left (so check 8 passes): the next change still names the one left out."""
    from blockwatch import incidents

    call_id = next(v["id"] for v in filled.incidents() if v["kind"] == "call")
    filled.amend(call_id, {"details": {"outcome": "answered"}}, why="checked the call log")
    filled.amend(call_id, {"note": "the caller spoke Russian"}, why="remembered")
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    ledger_name, incidents_name = f"{root}/data/ledger.json", f"{root}/data/incidents.json"
    proofs = json.loads(files[ledger_name])
    uid = next(v["uid"] for v in json.loads(files[incidents_name]) if v["id"] == call_id)
    changes = [
        e
        for e in proofs["entries"]
        if '"incident.amended"' in e["entry"] and json.loads(e["entry"])["body"]["uid"] == uid
    ]
    assert len(changes) == 2
    proofs["entries"].remove(changes[0])
    replay = incidents.Projection()
    for e in proofs["entries"]:
        entry = json.loads(e["entry"])
        replay.apply(e["seq"], entry["type"], entry["recorded_at"], entry["body"])
    files[ledger_name] = json.dumps(proofs).encode()
    files[incidents_name] = json.dumps(list(replay.by_uid.values())).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.message == (
        "check 9 failed, no entry is missing from an included incident's history: entry "
        f"{changes[1]['seq']} follows an entry of its incident that is not included "
        "(data/ledger.json)"
    )


def test_a_bundle_re_signed_by_another_key(filled: vault.Vault, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    files = members(export(filled, tmp_path / "good.zip"))
    _resign(files, top(files), Ed25519PrivateKey.generate())
    forged = rezip(files, tmp_path / "forged.zip")
    with pytest.raises(BundleInvalid) as pinned:
        verify_bundle(forged, filled.fingerprint)
    assert pinned.value.check == 6
    with pytest.raises(BundleInvalid) as unpinned:  # the checkpoint is still signed by the vault
        verify_bundle(forged)
    assert unpinned.value.check == 7
    if shutil.which("openssl"):
        fp = shell_path(extract(forged, tmp_path / "x"))[4]
        assert fp.stdout.split()[0] != filled.fingerprint  # step 5 shows a different fingerprint


# --------------------------------------------------------------------------- hostile zips


def _zip_with(tmp_path: Path, build) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        build(zf)
    return path


def _info(name: str, mode: int = 0o100644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 7, 10, 0, 0, 0))
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def _encrypted(path: Path) -> None:
    """zipfile cannot write encrypted members: set the flag in the central directory."""
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 0x1
    path.write_bytes(bytes(data))


def _bomb(zf: zipfile.ZipFile) -> None:
    info = _info("b/data/zeros.bin")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as f:
        for _ in range(64):
            f.write(bytes(1024 * 1024))


HOSTILE = {  # name: (how the zip is made, what check 1 says of it, with {path} the zip's path)
    "absolute-path": (
        lambda zf: zf.writestr("/etc/b/x", b"x"),
        "member name is absolute or uses backslashes ('/etc/b/x')",
    ),
    "dot-dot": (
        lambda zf: zf.writestr("b/../../x", b"x"),
        "member name contains '..', '.' or an empty part ('b/../../x')",
    ),
    "backslash": (
        lambda zf: zf.writestr("b\\data\\x", b"x"),
        "member name is absolute or uses backslashes ('b\\\\data\\\\x')",
    ),
    "drive-letter": (
        lambda zf: zf.writestr("C:/b/x", b"x"),
        "member name is absolute or uses backslashes ('C:/b/x')",
    ),
    "symlink": (
        lambda zf: zf.writestr(_info("b/data/link", 0o120777), b"/etc/passwd"),
        "member is a link or a device, not a file (b/data/link)",
    ),
    "device": (
        lambda zf: zf.writestr(_info("b/data/dev", 0o020644), b""),
        "member is a link or a device, not a file (b/data/dev)",
    ),
    "duplicate-case-fold": (
        lambda zf: (zf.writestr("b/data/A.txt", b"1"), zf.writestr("b/data/a.txt", b"2")),
        "two members have the same name (b/data/a.txt)",
    ),
    "encrypted": (
        lambda zf: zf.writestr("b/data/x.txt", b"x"),
        "member is encrypted (b/data/x.txt)",
    ),
    "two-top-folders": (
        lambda zf: (zf.writestr("a/x", b"1"), zf.writestr("b/y", b"2")),
        "expected one top folder, found 2 ({path})",
    ),
    "odd-characters": (
        lambda zf: zf.writestr("b/data/na\u0308me;rm -rf.txt", b"x"),
        "member name has characters outside [A-Za-z0-9._-] ('b/data/na\u0308me;rm -rf.txt')",
    ),
    "zip-bomb": (_bomb, "member compresses suspiciously well (a zip bomb?) (b/data/zeros.bin)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_zips_are_rejected_with_their_own_message(tmp_path: Path, case: str) -> None:
    build, message = HOSTILE[case]
    path = _zip_with(tmp_path, build)
    if case == "encrypted":
        _encrypted(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(path)
    assert info.value.check == 1
    assert info.value.message == "check 1 failed, the zip is safe to read: " + message.format(
        path=path
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing extracted


def test_oversize_declared_member_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layout, "MAX_MEMBER_BYTES", 1000)
    path = _zip_with(tmp_path, lambda zf: zf.writestr("b/data/big.bin", os.urandom(2000)))
    with pytest.raises(BundleInvalid, match="larger than the size cap"):
        verify_bundle(path)


def test_overlapping_members_are_refused(tmp_path: Path) -> None:
    path = _zip_with(
        tmp_path, lambda zf: (zf.writestr("b/one", b"1" * 100), zf.writestr("b/two", b"2" * 100))
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        first, _second = zf.infolist()
    # Point the second central-directory record at the first member's data.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 42 : cd + 46] = first.header_offset.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(path)
    assert info.value.check == 1


@pytest.mark.parametrize(
    "content", [b"", b"not a zip at all", os.urandom(4096), b"PK\x05\x06" + bytes(18)]
)
def test_non_zip_files_are_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(content)
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(path)
    assert info.value.check == 1


# --------------------------------------------------------------------------- injection


def test_hostile_text_is_inert_in_report_csv_and_terminal(
    opened: vault.Vault, vault_env: Env, tmp_path: Path
) -> None:
    _log(
        opened,
        "message",
        at="2026-07-04 20:41",
        counterparty="@troll",
        note=HOSTILE_TEXT,
        details={"text": HOSTILE_TEXT},
    )
    _log(
        opened,
        "takedown",
        at="2026-07-04 20:50",
        platform="instagram",
        note='=HYPERLINK("http://x.example")',
        details={
            "claimant": '=HYPERLINK("http://x.example","click")',
            "reason": "+cmd|' /C calc'!A0",
        },
    )
    files = members(export(opened, tmp_path / "x.zip"))
    root = top(files)
    report = files[f"{root}/data/report.html"].decode()
    assert "<script" not in report.lower() and "<img src=x" not in report
    assert "&lt;script&gt;" in report and "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in report
    assert (
        "\x1b" not in report or "\x1b[31m" in report
    )  # escape bytes are text in HTML, never markup
    import html

    assert (
        'http-equiv="Content-Security-Policy"' in report
        and "default-src 'none'" in html.unescape(report)
    )
    assert "http://" not in report.replace("http://x.example", "").replace(
        "https://", ""
    )  # no external loads
    import csv
    import io

    rows = list(csv.reader(io.StringIO(files[f"{root}/data/incidents.csv"].decode("utf-8-sig"))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    opened.close()
    shown = run_cli(vault_env, "show", "1")
    assert shown.code == 0 and "\x1b" not in shown.out


# --------------------------------------------------------------------------- CLI and output safety


def test_cli_export_and_verify(vault_env: Env, tmp_path: Path) -> None:
    assert run_cli(vault_env, "log", "call", "+12025550143", "--at", "2026-07-04 20:50").code == 0
    twin = make_env(tmp_path / "twin")
    shutil.copytree(vault_env.vault_dir, twin.vault_dir)  # the same state, for a second export
    out = tmp_path / "b.zip"
    done = run_cli(vault_env, "export", str(out), "--case", "Test", "--at-time", "2026-07-05 12:00")
    assert done.code == 0, done.err
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    assert sha in done.out
    fp = json.loads(run_cli(vault_env, "key", "show", "--json").out)["fingerprint"]
    ok = run_cli(vault_env, "verify", str(out), "--fingerprint", fp.upper())
    assert ok.code == 0 and "ok 8" in ok.out
    again = run_cli(vault_env, "export", str(out))
    assert (
        again.code == 1
        and "already exists" in again.err
        and hashlib.sha256(out.read_bytes()).hexdigest() == sha
    )
    at = ("--case", "Test", "--at-time", "2026-07-05 12:00")
    assert run_cli(twin, "export", str(out), "--force", *at).code == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha  # same state, same time: same bytes
    assert run_cli(vault_env, "export", str(out), "--force", *at).code == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() != sha  # a later state: it holds the first
    wrong = run_cli(vault_env, "verify", str(out), "--fingerprint", "0" * 64, "--json")
    assert wrong.code == 4 and json.loads(wrong.out)["failed_check"] == 6
    assert wrong.err.startswith("blockwatch: error: check 6 failed")


def test_verify_needs_no_vault_and_no_passphrase(vault_env: Env, tmp_path: Path) -> None:
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    out = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(out)).code == 0
    stranger = Env(vault_dir=tmp_path / "no-vault-here", environ={})
    done = run_cli(stranger, "verify", str(out), "--json")
    assert done.code == 0 and json.loads(done.out)["valid"] is True


def test_export_with_nothing_to_export_or_bad_place(vault_env: Env, tmp_path: Path) -> None:
    assert "nothing to export" in run_cli(vault_env, "export", str(tmp_path / "a.zip")).err
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    missing = run_cli(vault_env, "export", str(tmp_path / "no" / "such" / "dir" / "a.zip"))
    assert missing.code == 1 and "does not exist" in missing.err


@pytest.mark.skipif(sys.platform != "linux", reason="uses Linux directory semantics")
def test_export_to_unwritable_place_leaves_nothing(vault_env: Env, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root ignores permissions; sysfs refuses new files even to root
        locked = Path("/sys")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
    before = sorted(p.name for p in locked.iterdir())
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    done = run_cli(vault_env, "export", str(locked / "bw-test.zip"))
    assert done.code == 1 and "cannot write" in done.err
    assert sorted(p.name for p in locked.iterdir()) == before


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.processes  # blockwatch in a real process, under a file-size limit
def test_export_on_a_full_disk_leaves_no_partial_file(vault_env: Env, tmp_path: Path) -> None:
    """A file-size limit makes every write past 64 KiB fail as a full disk would."""
    big = tmp_path / "video.mp4"
    big.write_bytes(os.urandom(512 * 1024))
    assert run_cli(vault_env, "log", "note", "--text", "x", "--attach", str(big)).code == 0
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))\n"
        "from blockwatch.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    env = {
        **os.environ,
        "BLOCKWATCH_VAULT": str(vault_env.vault_dir),
        "BLOCKWATCH_PASSPHRASE": PASSPHRASE,
    }
    done = subprocess.run(
        [sys.executable, "-c", script, "export", str(out_dir / "a.zip")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("blockwatch: error: cannot write the bundle")
    assert list(out_dir.iterdir()) == []


def test_export_refuses_unknown_language_and_kind(vault_env: Env, tmp_path: Path) -> None:
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    assert "not one of" in run_cli(vault_env, "export", str(tmp_path / "a.zip"), "--lang", "de").err
    assert (
        "not a kind" in run_cli(vault_env, "export", str(tmp_path / "a.zip"), "--kind", "tweet").err
    )


def test_bundle_files_have_safe_modes(filled: vault.Vault, tmp_path: Path) -> None:
    out = export(filled, tmp_path / "m.zip")
    with zipfile.ZipFile(out) as zf:
        for info in zf.infolist():
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644 and layout.SAFE_PATH.fullmatch(
                info.filename
            )
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_refuses_overwrite_in_library(filled: vault.Vault, tmp_path: Path) -> None:
    out = export(filled, tmp_path / "a.zip")
    with pytest.raises(InputError, match="already exists"):
        export(filled, out)


def test_deeply_nested_json_is_refused_not_a_crash(filled: vault.Vault, tmp_path: Path) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    files[f"{root}/data/ledger.json"] = b"[" * 200_000 + b"]" * 200_000
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "deep.zip"))
    assert info.value.check == 7


def test_entry_bodies_of_the_wrong_type_are_refused(filled: vault.Vault, tmp_path: Path) -> None:
    files = members(export(filled, tmp_path / "good.zip"))
    root = top(files)
    proofs = json.loads(files[f"{root}/data/ledger.json"])
    proofs["entries"][1]["entry"] = json.dumps(
        {"v": 1, "seq": 1, "type": "incident.created", "recorded_at": "x", "body": [1, 2]}
    )
    files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
    _resign(files, root, _vault_key(filled))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "odd.zip"))
    assert info.value.check == 7


# --------------------------------------------------------------------------- disclosures


def test_every_export_is_recorded_and_listed(vault_env: Env, tmp_path: Path) -> None:
    from .test_import import call, calls_xml, write

    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(3)]))
    assert run_cli(vault_env, "import", str(calls)).code == 0
    first, second = tmp_path / "police.zip", tmp_path / "one.zip"
    at = ("--at-time", "2026-07-05 12:00")
    done = run_cli(vault_env, "export", str(first), "--to", "Police of Almaty", *at)
    assert done.code == 0 and "blockwatch disclosures" in done.out
    assert run_cli(vault_env, "export", str(second), "--id", "2", *at).code == 0
    listed = json.loads(run_cli(vault_env, "disclosures", "--json").out)
    assert [(d["to"], d["incidents"], d["selection"]) for d in listed] == [
        ("Police of Almaty", [1, 2, 3], "all incidents"),
        (None, [2], "id=2"),
    ]
    for d, path in zip(listed, (first, second), strict=True):
        assert d["bundle"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (d["bundle"]["file"], d["bundle"]["size"]) == (path.name, path.stat().st_size)
    text = run_cli(vault_env, "disclosures").out
    assert "police.zip for Police of Almaty, incidents 1-3" in text
    assert "one.zip, no recipient given, incidents 2" in text
    ru = run_cli(vault_env, "--lang", "ru", "disclosures").out
    assert "police.zip" in ru and "for Police" not in ru
    assert run_cli(vault_env, "check").code == 0  # the records are ledger entries like any other
    # and a later bundle does not carry them: they name incidents it may leave out
    with zipfile.ZipFile(second) as zf:
        [ledger_name] = [n for n in zf.namelist() if n.endswith("data/ledger.json")]
        assert "bundle.exported" not in zf.read(ledger_name).decode()


def test_a_bundle_can_list_the_earlier_disclosures_of_its_incidents(
    vault_env: Env, tmp_path: Path
) -> None:
    """--with-disclosures carries the earlier exports naming any included incident (and no
    other) as signed entries; the report lists them, and verify makes that list again."""
    from .test_import import call, calls_xml, write

    calls = write(tmp_path, "calls.xml", calls_xml([call(n) for n in range(3)]))
    assert run_cli(vault_env, "import", str(calls)).code == 0
    at = ("--at-time", "2026-07-05 12:00")
    police, other, later = (tmp_path / n for n in ("police.zip", "other.zip", "later.zip"))
    assert (
        run_cli(
            vault_env, "export", str(police), "--id", "1", "--id", "2", "--to", "Police", *at
        ).code
        == 0
    )
    assert run_cli(vault_env, "export", str(other), "--id", "3", "--to", "Meta", *at).code == 0
    done = run_cli(
        vault_env, "export", str(later), "--id", "2", "--with-disclosures", "--lang", "ru", *at
    )
    assert done.code == 0, done.err
    files = members(later)
    root = top(files)
    carried = [
        json.loads(e["entry"])["body"]
        for e in json.loads(files[f"{root}/data/ledger.json"])["entries"]
        if '"bundle.exported"' in e["entry"]
    ]
    assert [(b["to"], b["bundle"]["sha256"]) for b in carried] == [
        ("Police", hashlib.sha256(police.read_bytes()).hexdigest())
    ]
    report = files[f"{root}/data/report.html"].decode()
    assert "Ранее переданные пакеты с этими инцидентами" in report
    assert "Police" in report and "Meta" not in report
    assert "#2; и ещё 1, которых нет в этом пакете" in report
    verified = verify_bundle(later)
    assert len(verified.passed) == 12 and set(verified.not_compared) == {13, 14}  # no witness
    # a recipient changed in the report, re-signed by the key holder: check 12 fails
    files[f"{root}/data/report.html"] = report.replace("Police", "Nobody").encode()
    _resign(files, root, _key_of(vault_env))
    with pytest.raises(BundleInvalid) as info:
        verify_bundle(rezip(files, tmp_path / "forged.zip"))
    assert info.value.check == 12
    # without the option no earlier export is carried, and the report has no such section
    plain = tmp_path / "plain.zip"
    assert run_cli(vault_env, "export", str(plain), "--id", "2", "--lang", "ru", *at).code == 0
    files = members(plain)
    assert "bundle.exported" not in files[f"{top(files)}/data/ledger.json"].decode()
    assert "Ранее переданные" not in files[f"{top(files)}/data/report.html"].decode()


def _key_of(env: Env):  # type: ignore[no-untyped-def]
    with vault.unlock(env, PASSPHRASE) as v:
        return _vault_key(v)


def test_a_failed_export_is_not_recorded(vault_env: Env, tmp_path: Path) -> None:
    (tmp_path / "taken.zip").write_bytes(b"x")
    assert run_cli(vault_env, "export", str(tmp_path / "taken.zip")).code == 1
    done = run_cli(vault_env, "export", str(tmp_path / "x.zip"), "--to", " ")
    assert done.code == 1 and "--to must name the recipient" in done.err
    assert json.loads(run_cli(vault_env, "disclosures", "--json").out) == []
    assert run_cli(vault_env, "disclosures").out.strip() == (
        "No bundle has been exported from this vault."
    )


def test_any_single_dropped_altered_or_swapped_entry_fails(
    filled: vault.Vault, tmp_path: Path
) -> None:
    """Hypothesis over every entry of the bundle (issue 12): dropping one (the last change of
    an incident included: the map of heads), altering one, or swapping two, then re-signing
    with the vault's own key, never passes."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    call_id = next(v["id"] for v in filled.incidents() if v["kind"] == "call")
    filled.amend(call_id, {"note": "first"}, why="a")
    filled.amend(call_id, {"note": "second"}, why="b")
    good = members(export(filled, tmp_path / "good.zip"))
    root = top(good)
    rows = json.loads(good[f"{root}/data/ledger.json"])["entries"]
    key = _vault_key(filled)
    counter = iter(range(10**6))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from(["drop", "alter", "swap"]),
        st.integers(0, len(rows) - 1),
        st.integers(0, len(rows) - 1),
    )
    def check(how: str, i: int, j: int) -> None:
        files = dict(good)
        entries = [dict(r) for r in rows]
        if how == "drop":
            del entries[i]
        elif how == "alter":
            entries[i]["entry"] = entries[i]["entry"].replace('"body":{', '"body":{"x":1,', 1)
        else:
            if i == j:
                j = (i + 1) % len(entries)
            entries[i], entries[j] = entries[j], entries[i]
        proofs = {**json.loads(files[f"{root}/data/ledger.json"]), "entries": entries}
        files[f"{root}/data/ledger.json"] = json.dumps(proofs).encode()
        _resign(files, root, key)
        with pytest.raises(BundleInvalid):
            verify_bundle(rezip(files, tmp_path / f"forged-{next(counter)}.zip"))

    check()
