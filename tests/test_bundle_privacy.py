"""A filtered bundle reveals nothing of what it leaves out (issue 12, salted entries).

An auditor recovered an excluded call from a format 1 bundle: the sibling hash in an included
entry's inclusion proof is the leaf hash of its neighbour, and an imported call's entry is
fully determined by a number, a time and a type plus fields copied from the included entry.
These tests run that enumeration on a small search space: with the neighbour's salt and the
vault's uid key it finds the call (so the method works); without them -- all a recipient has --
it finds nothing.
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

from blockwatch import ledger, vault
from blockwatch.env import Env
from blockwatch.importers import Options, android
from blockwatch.importing import builder

from .conftest import PASSPHRASE, run_cli
from .test_import import EPOCH_MS, call, calls_xml, write

NUMBERS = [f"+1202555{n:04d}" for n in range(140, 150)]
TYPES = ("1", "2", "3", "5")  # incoming, outgoing, missed, rejected


def _bundle_ledger(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        [name] = [n for n in zf.namelist() if n.endswith("/data/ledger.json")]
        return json.loads(zf.read(name))


def _candidates(
    tmp_path: Path, template: dict, uid_key: str | None
) -> list[tuple[tuple[str, str, str], bytes]]:
    """Every call the neighbour could be, built as the importer builds it: ((number, date,
    type), canonical body).  The attributes the included entry shows are copied."""
    attrs = {k: v for k, v in template["details"]["raw"].items() if k not in ("number", "date")}
    guesses = [
        (number, str(EPOCH_MS + second * 1000), type_)
        for number in NUMBERS
        for second in range(0, 300)
        for type_ in TYPES
    ]
    xml = calls_xml([{**attrs, "number": n, "date": d, "type": t} for n, d, t in guesses])
    options = Options(
        timezone=template["timezone"], home_region="KZ", accept_odd_dates=True, uid_key=uid_key
    )
    build = builder("android-calls", options, template["source_file"], lambda v: v)
    drafts = android.parse_calls(write(tmp_path, "guesses.xml", xml), options)
    bodies = [ledger.canonical_json(build(d).body) for d in drafts]  # type: ignore[arg-type]
    return list(zip(guesses, bodies, strict=True))


def test_an_excluded_neighbour_cannot_be_found_from_its_leaf_hash(
    vault_env: Env, tmp_path: Path
) -> None:
    real = [
        call(0, number=NUMBERS[3]),
        call(1, number=NUMBERS[5]),  # the one exported
        call(2, number=NUMBERS[7]),  # its neighbour in the tree, left out
    ]
    assert (
        run_cli(vault_env, "import", str(write(tmp_path, "calls.xml", calls_xml(real)))).code == 0
    )
    # entries: 0 vault.created, 1-3 the calls, 4 the import; the second call is incident 2
    out = tmp_path / "one-call.zip"
    done = run_cli(vault_env, "export", str(out), "--id", "2", "--at-time", "2026-07-05 12:00")
    assert done.code == 0, done.err
    proofs = _bundle_ledger(out)
    [included] = [e for e in proofs["entries"] if e["seq"] == 2]
    entry = json.loads(included["entry"])
    sibling = base64.b64decode(included["inclusion_proof"][0])  # leaf 3's hash
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(stored,)] = v.conn.execute("SELECT entry FROM entries WHERE seq = 3").fetchall()
        uid_key = v.settings.uid_key
    salt = json.loads(stored)["salt"]
    assert len(salt) == 32 and salt != entry["salt"]

    def found(
        candidates: list[tuple[tuple[str, str, str], bytes]], with_salt: str | None
    ) -> list[tuple[str, str, str]]:
        return [
            guess
            for guess, body in candidates
            if ledger.leaf_hash(
                ledger.entry_from_body(3, "incident.created", entry["recorded_at"], body, with_salt)
            )
            == sibling
        ]

    insider = _candidates(tmp_path, entry["body"], uid_key)
    outsider = _candidates(tmp_path, entry["body"], None)
    assert len(insider) == len(outsider) == 12_000
    # the method works: knowing the salt and the vault's uid key, the excluded call is found
    assert found(insider, salt) == [(NUMBERS[7], str(EPOCH_MS + 120_000), "3")]
    # a recipient knows neither: nothing is found, salted or as a format 1 entry
    assert found(outsider, None) == [] and found(outsider, entry["salt"]) == []
    # and each of the two is enough on its own
    assert found(insider, None) == [] and found(outsider, salt) == []


def test_every_new_entry_has_its_own_salt(vault_env: Env, tmp_path: Path) -> None:
    calls = [call(n) for n in range(5)]
    assert run_cli(vault_env, "import", str(write(tmp_path, "c.xml", calls_xml(calls)))).code == 0
    with vault.unlock(vault_env, PASSPHRASE) as v:
        entries = [json.loads(e) for (e,) in v.conn.execute("SELECT entry FROM entries")]
    assert {e["v"] for e in entries} == {2}
    salts = [e["salt"] for e in entries]
    assert len(set(salts)) == len(salts) and all(len(s) == 32 for s in salts)
    assert all(int(s, 16) >= 0 and s == s.lower() for s in salts)
