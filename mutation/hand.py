"""The bugs of issue 20's hand-made mutation run, applied again one at a time.

    uv run python mutation/hand.py [NAME…]

Each mutant is a textual change to one file of ``blockwatch/`` and the test named after it in
``tests/test_survivors.py`` (or elsewhere).  The script copies the repository to a temporary
folder, applies one mutant there, runs that test, and reports whether the test failed (the
mutant is *killed*).  It exits 1 if any mutant survives or no longer applies (the code moved:
update the mutant).  The working tree is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
S = "tests/test_survivors.py::"
T = "tests/test_stats_time_phones.py::"

# name: (file, text, replacement, test)
MUTANTS: dict[str, tuple[str, str, str, str]] = {
    "check 4 compares sizes only": (
        "blockwatch/vault/check.py",
        "if signed.size != compact.size or signed.root != compact.root():",
        "if signed.size != compact.size:",
        S + "test_check_4_compares_each_checkpoint_root_not_only_its_size",
    ),
    "check 3 ignores the genesis signer": (
        "blockwatch/vault/check.py",
        'if body.get("signer") != base64.b64encode(vault.public_key).decode():',
        "if False:",
        S + "test_check_3_catches_a_signing_key_swapped_with_every_checkpoint_re_signed",
    ),
    "check 6 reads a missing blob": (
        "blockwatch/vault/check.py",
        '        if sha not in stored:\n            raise _fail(6, _("attachment {sha} named',
        '        if False:\n            raise _fail(6, _("attachment {sha} named',
        S + "test_check_6_names_an_attachment_whose_stored_file_is_gone",
    ),
    "check 1 skips page HMACs": (
        "blockwatch/vault/check.py",
        '        bad_pages = vault.conn.execute("PRAGMA cipher_integrity_check").fetchall()',
        "        bad_pages = []",
        S + "test_check_1_catches_a_page_that_fails_its_hmac",
    ),
    "verify accepts a duplicate uid": (
        "blockwatch/bundle/verify.py",
        "if set(by_uid) != set(replay.by_uid) or len(by_uid) != len(claimed):",
        "if set(by_uid) != set(replay.by_uid):",
        S + "test_verify_refuses_a_forged_second_copy_of_an_incident",
    ),
    "verify skips the genesis signer": (
        "blockwatch/bundle/verify.py",
        'if body.get("signer") != base64.b64encode(public).decode() or body.get("origin") != origin:',
        'if body.get("origin") != origin:',
        S + "test_verify_refuses_a_ledger_re_signed_by_another_key_even_unpinned",
    ),
    "verify accepts a repeated entry": (
        "blockwatch/bundle/verify.py",
        "if type(seq) is not int or seq <= last:",
        "if type(seq) is not int or seq < last:",
        S + "test_verify_refuses_a_repeated_ledger_entry",
    ),
    "pinned fingerprint as a prefix": (
        "blockwatch/bundle/verify.py",
        "if pinned is not None and pinned != fp:",
        "if pinned is not None and not fp.startswith(pinned[:8]):",
        S + "test_a_pinned_fingerprint_must_match_whole_not_as_a_prefix",
    ),
    "Payload-Oxum unchecked": (
        "blockwatch/bundle/verify.py",
        'if self.bag_info.get("Payload-Oxum") != f"{total}.{len(manifest)}":',
        "if False:",
        S + "test_payload_oxum_must_count_the_payload",
    ),
    "SMS key without its date": (
        "blockwatch/importers/android.py",
        '                    _value(element, "date") or "",\n                    _value(element, "address")',
        '                    _value(element, "address")',
        S + "test_sms_dedup_key_holds_the_date_so_a_repeated_text_is_two_records",
    ),
    "WhatsApp key without its repeat counter": (
        "blockwatch/importers/whatsapp.py",
        'draft.key = f"{ident}|{seen[ident]}"',
        'draft.key = f"{ident}"',
        S + "test_whatsapp_key_counts_repeats_so_a_flood_of_one_text_is_every_record",
    ),
    "Telegram: the user's own messages incoming": (
        "blockwatch/importers/telegram.py",
        'outgoing = (me is not None and message.get("from_id") == me) or (',
        'outgoing = (me is not None and message.get("from_id") != me) or (',
        S + "test_telegram_messages_of_the_exporting_user_are_outgoing",
    ),
    "Telegram: an incoming hangup answered": (
        "blockwatch/importers/telegram.py",
        '"missed" if reason == "hangup" and not outgoing else OUTCOMES[reason]',
        "OUTCOMES[reason]",
        S + "test_an_incoming_telegram_call_hung_up_without_duration_is_missed",
    ),
    "Android: a restricted call keeps its number": (
        "blockwatch/importers/android.py",
        '            number = "-1"  # Android blanks',
        "            pass  # Android blanks",
        S + "test_a_restricted_call_never_keeps_the_number_android_left",
    ),
    "CSV: day and month swapped": (
        "blockwatch/importers/csvcalls.py",
        'day, month = (a, b) if order == "dmy" else (b, a)',
        'day, month = (b, a) if order == "dmy" else (a, b)',
        S + "test_csv_numeric_dates_follow_their_evident_or_given_order",
    ),
    "CSV: an ambiguous date guessed month-first": (
        "blockwatch/importers/csvcalls.py",
        '"mdy" if b > 12 or m[7] else None)',
        '"mdy")',
        S + "test_csv_an_ambiguous_day_and_month_is_refused_not_guessed",
    ),
    "stats count outgoing calls": (
        "blockwatch/stats.py",
        '            if direction == "out":\n                continue\n',
        "",
        S + "test_stats_count_incoming_calls_only",
    ),
    "yesterday from the UTC date": (
        "blockwatch/when.py",
        "today = self.now.astimezone(self.tz).date()\n            self.day = today - timedelta",
        "today = self.now.date()\n            self.day = today - timedelta",
        S + "test_yesterday_is_the_day_before_in_the_vaults_zone_not_in_utc",
    ),
    "an appeal overdue a day early": (
        "blockwatch/deadlines.py",
        "date.fromisoformat(due) < today",
        "date.fromisoformat(due) <= today",
        S + "test_an_appeal_is_overdue_only_after_its_day_and_only_while_open",
    ),
    "a granted appeal overdue": (
        "blockwatch/deadlines.py",
        'CLOSED = ("answered", "rejected", "granted", "unavailable")',
        'CLOSED = ("answered", "rejected", "unavailable")',
        S + "test_an_appeal_is_overdue_only_after_its_day_and_only_while_open",
    ),
    "Moscow +7 495 not foreign": (
        "blockwatch/phones.py",
        'if first in "3489":',
        'if first in "389":',
        S + "test_russian_numbers_are_foreign_in_a_kazakh_vault",
    ),
    "7-digit local numbers as short codes": (
        "blockwatch/phones.py",
        "if len(digits) < _SHORT_DIGITS and",
        "if len(digits) <= _SHORT_DIGITS and",
        S + "test_a_seven_digit_local_number_is_not_a_short_code",
    ),
    "--until exclusive": (
        "blockwatch/vault/queries.py",
        'clauses.append("occurred_utc <= ?")',
        'clauses.append("occurred_utc < ?")',
        S + "test_until_includes_the_moment_it_names",
    ),
    "integers beyond 2^53 accepted": (
        "blockwatch/ledger.py",
        "            if not -_SAFE_INT <= item <= _SAFE_INT:\n                return False\n",
        "            pass\n",
        S + "test_integers_beyond_2_53_are_refused_as_rfc_8785_requires",
    ),
    "tree-size cap off by one": (
        "blockwatch/ledger.py",
        "    if size > MAX_TREE_SIZE:",
        "    if size > MAX_TREE_SIZE + 1:",
        S + "test_the_tree_size_cap_is_the_last_size_accepted",
    ),
    "checkpoint origin line unchecked": (
        "blockwatch/ledger.py",
        "if len(lines) < 3 or lines[0] != origin:",
        "if len(lines) < 3:",
        S + "test_a_checkpoint_for_another_origin_is_refused",
    ),
    "passphrase of 7 characters": (
        "blockwatch/vault/keyslots.py",
        "MIN_PASSPHRASE_CHARS = 8",
        "MIN_PASSPHRASE_CHARS = 7",
        S + "test_a_passphrase_of_8_characters_is_the_shortest_accepted",
    ),
    "salt of 15 bytes": (
        "blockwatch/vault/keyslots.py",
        "if not 16 <= len(salt) <= 64:",
        "if not 15 <= len(salt) <= 64:",
        S + "test_salt_lengths_outside_16_to_64_bytes_are_refused",
    ),
    "key-slot file cap off by one": (
        "blockwatch/vault/keyslots.py",
        "    if len(data) > MAX_FILE_BYTES:",
        "    if len(data) >= MAX_FILE_BYTES:",
        S + "test_the_key_slot_file_cap_is_64_kib",
    ),
    "KDF floor not a floor": (
        "blockwatch/vault/keyslots.py",
        "if type(value) is not int or not floor <= value <= cap:",
        "if type(value) is not int or not floor - 1 <= value <= cap:",
        S + "test_kdf_parameters_at_the_rfc_9106_floor_are_accepted_and_below_refused",
    ),
    "attachment tables not append-only": (
        "blockwatch/vault/schema.py",
        '_APPEND_ONLY = ("entries", "checkpoints", "blobs", "chunks")',
        '_APPEND_ONLY = ("entries", "checkpoints")',
        S + "test_the_ledger_and_attachment_tables_refuse_changes",
    ),
    "bundle created with the umask's mode": (
        "blockwatch/bundle/writer.py",
        "os.open(parent, os.O_TMPFILE | os.O_RDWR, 0o600)",
        "os.open(parent, os.O_TMPFILE | os.O_RDWR, 0o666)",
        S + "test_bundle_files_are_0600_whatever_the_umask",
    ),
    # Survivors of the first mutmut run, killed by tests written after it (issue 20).
    "an impossible time of day loses its hint": (
        "blockwatch/when.py",
        "            hint=_(\"hours go from 00 to 23 and minutes from 00 to 59, e.g. 'yesterday 19:04'\"),",
        "            hint=None,",
        T + "test_an_impossible_time_of_day_names_it_and_the_range",
    ),
    "an impossible time of day is not named": (
        "blockwatch/when.py",
        """_("{time} is not a time of day").format(time=word)""",
        """_("{time} is not a time of day").format(time=None)""",
        T + "test_an_impossible_time_of_day_names_it_and_the_range",
    ),
    "the future shown in the offset typed": (
        "blockwatch/when.py",
        "text=repr(text), when=format_instant(when, zone_name)",
        "text=repr(text), when=format_instant(when, None)",
        T + "test_the_future_is_shown_in_the_vaults_zone_whatever_offset_was_typed",
    ),
    "00 not read as +": (
        "blockwatch/phones.py",
        'text = "+" + text[2:]',
        "pass",
        T + "test_a_leading_00_is_the_international_prefix",
    ),
    "a short code stored without its region": (
        "blockwatch/phones.py",
        '            "region": home,',
        '            "REGION": home,',
        T + "test_every_field_of_a_number_is_stored_as_classified",
    ),
    "validity not stored": (
        "blockwatch/phones.py",
        "    valid = phonenumbers.is_valid_number(number)",
        "    valid = None",
        T + "test_every_field_of_a_number_is_stored_as_classified",
    ),
    "an unknown number type stored as empty text": (
        "blockwatch/phones.py",
        "    type_name = None\n",
        '    type_name = ""\n',
        T + "test_every_field_of_a_number_is_stored_as_classified",
    ),
    "a plus sign taken for a short code": (
        "blockwatch/phones.py",
        'if len(digits) < _SHORT_DIGITS and not text.startswith("+"):',
        "if len(digits) < _SHORT_DIGITS:",
        T + "test_every_field_of_a_number_is_stored_as_classified",
    ),
    "an impossible short number not quoted": (
        "blockwatch/phones.py",
        "        if strict and not valid:\n            raise _impossible(raw)",
        "        if strict and not valid:\n            raise _impossible(None)",
        T + "test_an_impossible_number_is_quoted_as_typed",
    ),
    "a period's hint lost": (
        "blockwatch/deadlines.py",
        "        hint=_(\n            \"write e.g. '5 working days'",
        "        hint=None and _(\n            \"write e.g. '5 working days'",
        "tests/test_deadlines.py::test_an_unreadable_period_is_named_with_examples_of_what_works",
    ),
    "working days in the default region only": (
        "blockwatch/deadlines.py",
        "        return add_working_days(start, n, region)",
        "        return add_working_days(start, n)",
        "tests/test_deadlines.py::test_working_days_follow_the_region_given",
    ),
    "the busiest hour includes its end": (
        "blockwatch/stats.py",
        "stamps[end] < stamp + span:",
        "stamps[end] <= stamp + span:",
        T + "test_the_busiest_window_is_an_hour_that_excludes_its_end",
    ),
    "statistics in the computer's zone": (
        "blockwatch/stats.py",
        "    tz = ZoneInfo(zone)",
        "    tz = None",
        T + "test_days_and_hours_are_counted_in_the_zone_given",
    ),
    "an amendment with a file loses its change": (
        "blockwatch/vault/store.py",
        "if changes or not attachments else None",
        "if changes and not attachments else None",
        S + "test_an_amendment_with_a_file_keeps_both_the_change_and_the_file",
    ),
    "a status's file attached to no incident": (
        "blockwatch/vault/store.py",
        """            self._append(incidents.ENTRY_STATUS, body)
            self._attach(body["uid"], attachments)""",
        """            self._append(incidents.ENTRY_STATUS, body)
            self._attach(None, attachments)""",
        S + "test_a_file_attached_to_an_appeal_status_belongs_to_that_appeal",
    ),
    "language auto stored as a word": (
        "blockwatch/vault/store.py",
        'self._set_meta(language=language or "")',
        'self._set_meta(language=language or "XXXX")',
        S + "test_language_auto_is_stored_as_no_language_and_read_back_so",
    ),
    "a failed language change left open": (
        "blockwatch/vault/store.py",
        """            self.conn.execute("ROLLBACK")
            raise
        self.settings = dataclasses.replace(self.settings, language=language)""",
        """            self.conn.execute("XXROLLBACKXX")
            raise
        self.settings = dataclasses.replace(self.settings, language=language)""",
        S + "test_a_failed_language_change_is_rolled_back_and_the_vault_stays_writable",
    ),
    "a failed language change hides its error": (
        "blockwatch/vault/store.py",
        """            self.conn.execute("ROLLBACK")
            raise
        self.settings = dataclasses.replace(self.settings, language=language)""",
        """            self.conn.execute(None)
            raise
        self.settings = dataclasses.replace(self.settings, language=language)""",
        S + "test_a_failed_language_change_is_rolled_back_and_the_vault_stays_writable",
    ),
    "a failed check without its hint": (
        "blockwatch/vault/check.py",
        """        hint=_(
            "the vault was damaged or changed outside blockwatch; keep a copy of it as it is "
            "and restore the vault directory from a backup"
        ),""",
        "        hint=None,",
        "tests/test_vault.py::test_a_failed_check_says_what_to_do_with_the_vault",
    ),
    "a failed check's message padded": (
        "blockwatch/vault/check.py",
        '_("check {n} failed: {message}")',
        '_("XXcheck {n} failed: {message}XX")',
        "tests/test_vault.py::test_a_failed_check_says_what_to_do_with_the_vault",
    ),
    "letters typed for 0 and 1 refused": (
        "blockwatch/vault/keyslots.py",
        '_CROCKFORD + "ILO" for c in text',
        '_CROCKFORD + "ilo" for c in text',
        S + "test_a_recovery_code_is_read_as_people_type_it",
    ),
    "a recovery code of the wrong length and right letters accepted": (
        "blockwatch/vault/keyslots.py",
        "if len(text) != 32 or any(",
        "if len(text) != 32 and any(",
        S + "test_a_recovery_code_of_the_wrong_shape_says_what_one_looks_like",
    ),
    "too few Argon2 lanes accepted": (
        "blockwatch/vault/keyslots.py",
        """        or cost.iterations < KDF_FLOOR.iterations
        or cost.lanes < KDF_FLOOR.lanes""",
        """        or cost.iterations < KDF_FLOOR.iterations and cost.lanes < KDF_FLOOR.lanes""",
        S + "test_each_argon2_cost_has_its_floor",
    ),
    "a passphrase slot under another id": (
        "blockwatch/vault/keyslots.py",
        'slot_id: str = "passphrase"',
        'slot_id: str = "XXpassphraseXX"',
        S + "test_keyslots_json_is_written_as_its_format_says",
    ),
    "a short salt in the recovery slot": (
        "blockwatch/vault/keyslots.py",
        'kdf = {"name": "hkdf-sha256", "salt": _b64(secrets.token_bytes(16))}',
        'kdf = {"name": "hkdf-sha256", "salt": _b64(secrets.token_bytes(None))}',
        S + "test_keyslots_json_is_written_as_its_format_says",
    ),
    "the recovery slot's HKDF without its salt": (
        "blockwatch/vault/keyslots.py",
        """        salt=_unb64(kdf["salt"], "salt"),
        info=b"blockwatch recovery slot v1",""",
        """        salt=None,
        info=b"blockwatch recovery slot v1",""",
        S + "test_the_recovery_slot_key_is_rfc5869_hkdf_sha256",
    ),
    "the recovery slot's HKDF with another info": (
        "blockwatch/vault/keyslots.py",
        'info=b"blockwatch recovery slot v1"',
        'info=b"BLOCKWATCH RECOVERY SLOT V1"',
        S + "test_the_recovery_slot_key_is_rfc5869_hkdf_sha256",
    ),
    "a malformed nonce not named": (
        "blockwatch/vault/keyslots.py",
        '_unb64(slot.get("nonce"), "nonce", 12)',
        '_unb64(slot.get("nonce"), None, 12)',
        S + "test_a_malformed_value_in_keyslots_json_is_named",
    ),
    "a seven-character passphrase accepted": (
        "blockwatch/vault/keyslots.py",
        "if len(passphrase) < MIN_PASSPHRASE_CHARS:",
        "if len(passphrase) < MIN_PASSPHRASE_CHARS - 1:",
        S + "test_a_new_passphrase_has_eight_characters_at_least",
    ),
    "a wrapped key of any length": (
        "blockwatch/vault/keyslots.py",
        '_unb64(slot.get("wrapped"), "wrapped key", KEY_BYTES + 16)',
        '_unb64(slot.get("wrapped"), "wrapped key")',
        S + "test_a_malformed_value_in_keyslots_json_is_named",
    ),
    "a key slot file that is no object crashes": (
        "blockwatch/vault/keyslots.py",
        'if not isinstance(doc, dict) or doc.get("format") != FORMAT:',
        'if not isinstance(doc, dict) and doc.get("format") != FORMAT:',
        S + "test_a_damaged_keyslots_json_is_named_exactly",
    ),
    "an Argon2 cost in keyslots.json not capped": (
        "blockwatch/vault/keyslots.py",
        "if type(value) is not int or not floor <= value <= cap:",
        "if type(value) is not int or not floor <= value:",
        S + "test_every_cost_and_salt_in_keyslots_json_is_capped",
    ),
    "a salt of 16 bytes refused": (
        "blockwatch/vault/keyslots.py",
        "if not 16 <= len(salt) <= 64:",
        "if not 16 < len(salt) <= 64:",
        S + "test_every_cost_and_salt_in_keyslots_json_is_capped",
    ),
}


def run(name: str, work: Path) -> str:
    file, text, replacement, test = MUTANTS[name]
    path = work / file
    original = path.read_text()
    if original.count(text) != 1:
        return "does not apply"
    path.write_text(original.replace(text, replacement))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider", test],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(original)
    return "killed" if done.returncode == 1 else f"SURVIVED (pytest exit {done.returncode})"


def main(names: list[str]) -> int:
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(
            ROOT,
            work,
            ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".*cache", "mutants"),
        )
        for name in names or list(MUTANTS):
            result = run(name, work)
            bad += result != "killed"
            print(f"{result:>12}  {name}", flush=True)
    print(f"{len(names or MUTANTS) - bad} of {len(names or MUTANTS)} killed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
