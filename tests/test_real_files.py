"""Real export files written by other apps' users, from other projects' test fixtures
(tests/real/SOURCES.md): each is read, and its summary adds up to counts established by reading
the file and from the other project's own expected results; or it is refused, saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blockwatch.env import Env

from .conftest import run_cli, snapshot

REAL = Path(__file__).resolve().parent / "real"

LA = ("--timezone", "America/Los_Angeles")  # where the SMS Backup & Restore samples were made
BERLIN = ("--timezone", "Europe/Berlin")  # sms-backup-manager's: readable_date is German time
UTC = ("--timezone", "UTC")  # sms-backup-restore-parser's: readable_date is UTC
# file: (options, records found, added, skipped, first and last time as written in the file)
READ: dict[str, tuple[tuple[str, ...], int, int, int, str | None, str | None]] = {
    "chat-miner/wa-ddmmyy-24h.txt": ((), 9, 6, 3, "2019-01-01T11:25", "2021-12-30T22:01"),
    "chat-miner/wa-ios-mmddyy-24h.txt": ((), 9, 6, 3, "2019-01-01T11:25", "2021-12-30T22:01"),
    "chat-miner/wa-mmddyy-24h.txt": ((), 9, 6, 3, "2019-01-01T11:25", "2021-12-30T22:01"),
    "chat-miner/wa-mmddyyyy-12h.txt": ((), 9, 6, 3, "2019-01-01T11:25", "2021-12-30T22:01"),
    "chat-miner/wa-yyyymmdd-24h.txt": ((), 9, 6, 3, "2019-01-01T11:25", "2021-12-30T22:01"),
    # the end-to-end notice, "created group", "You were added" and "John Doe:." are not messages
    "chat-miner/wa-dateformat1.txt": ((), 10, 6, 4, "2019-12-24T11:23", "2017-07-16T19:13"),
    "chat-miner/wa-dateformat2.txt": ((), 4, 4, 0, "2019-09-24T23:30", "2019-12-24T11:30"),
    "chat-miner/wa-dateformat3.txt": ((), 4, 4, 0, "2022-12-14T13:34", "2022-12-21T17:02"),
    "chat-miner/wa-dateformat5.txt": ((), 4, 4, 0, "2021-10-21T15:21", "2021-10-24T15:21"),
    "chat-miner/wa-dateformat6.txt": ((), 4, 4, 0, "2021-10-21T15:21", "2021-10-24T15:21"),
    "chat-miner/wa-unicode.txt": (
        ("--date-order", "dmy"),
        3,
        3,
        0,
        "2022-10-09T22:37",
        "2022-10-09T22:37",
    ),
    # epoch seconds: in Almaty's zone of 2018, UTC+6
    "chat-miner/tg-single.json": ((), 2, 2, 0, "2018-12-05T16:39", "2018-12-05T16:49"),
    "chat-miner/tg-batch.json": ((), 2, 2, 0, "2018-12-05T16:39", "2018-12-05T16:49"),
    # the encryption notice and "You created group" are not messages; a blank line stays in one
    "whatsapp-chat-parser/wa-short-chat.txt": (
        ("--date-order", "dmy"),
        5,
        3,
        2,
        "2017-03-06T00:45",
        "2017-04-09T01:50",
    ),
    # SMS Backup & Restore: read in the phone's zone, the times agree with its readable_date
    "sms-backup-reader-2/sbr-sample-small.xml": (
        LA,
        7,
        7,
        0,
        "2017-12-02T06:49:27",
        "2024-07-14T16:04:03",
    ),
    "sms-backup-reader-2/sbr-sms-small.xml": (
        LA,
        12,
        12,
        0,
        "2017-12-02T06:49:27",
        "2017-12-02T10:10:45",
    ),
    "sms-backup-reader-2/sbr-sample-mms.xml": (
        LA,
        4,
        4,
        0,
        "2024-07-16T13:29:24",
        "2024-07-16T13:29:27",
    ),
    "sms-backup-reader-2/sbr-corrupt-attachments.xml": (
        LA,
        2,
        2,
        0,
        "2024-07-16T13:29:28",
        "2024-07-16T13:29:29",
    ),
    "sms-backup-reader-2/sbr-empty.xml": (LA, 0, 0, 0, None, None),
    "sms-backup-restore-parser/sbrp-edge-cases.xml": (
        UTC,
        4,
        4,
        0,
        "2021-01-01T00:00:00",
        "2021-01-01T03:00:00",
    ),
    "sms-backup-restore-parser/sbrp-minimal-calls.xml": (
        UTC,
        1,
        1,
        0,
        "2021-01-03T00:00:00",
        "2021-01-03T00:00:00",
    ),
    "sms-backup-restore-parser/sbrp-minimal-mms.xml": (
        UTC,
        1,
        1,
        0,
        "2021-01-02T00:00:00",
        "2021-01-02T00:00:00",
    ),
    "sms-backup-restore-parser/sbrp-minimal-sms.xml": (
        UTC,
        1,
        1,
        0,
        "2021-01-01T00:00:00",
        "2021-01-01T00:00:00",
    ),
    # type="3" is a draft, never sent
    "sms-backup-restore-parser/sbrp-mixed.xml": (
        UTC,
        4,
        3,
        1,
        "2021-01-01T00:00:00",
        "2021-01-01T02:00:00",
    ),
    # count="2444" on the root, as the project wrote it; no element in it
    "sms-backup-manager/sbm-empty-sms.xml": (BERLIN, 0, 0, 0, None, None),
    # the last MMS was saved in New Zealand ("7 Jan 2014 6:00:20 am"): the same instant
    "sms-backup-manager/sbm-sms-and-mms.xml": (
        BERLIN,
        3,
        3,
        0,
        "2012-05-11T11:47:44",
        "2014-01-06T18:00:20",
    ),
    # the 7th <sms> repeats the 6th attribute for attribute: already present, not added twice
    "sms-backup-manager/sbm-sms-dupes.xml": (
        BERLIN,
        8,
        7,
        0,
        "2011-10-21T15:55:47",
        "2011-10-21T21:50:48",
    ),
    "sms-backup-manager/sbm-sms-dupes-2012.xml": (
        BERLIN,
        7,
        6,
        0,
        "2011-10-21T15:55:47",
        "2011-10-21T21:50:44",
    ),
    # the same text sent twice, months apart: two messages
    "sms-backup-manager/sbm-sms-non-dupes.xml": (
        BERLIN,
        2,
        2,
        0,
        "2012-05-11T11:47:44",
        "2012-10-06T21:15:21",
    ),
    # the same text at the same millisecond to two numbers: two messages
    "sms-backup-manager/sbm-sms-non-dupes-2.xml": (
        BERLIN,
        2,
        2,
        0,
        "2012-03-06T18:37:24",
        "2012-03-06T18:37:24",
    ),
    # an older Telegram Desktop: "date" only, no "date_unixtime": read in the vault's zone
    "langchain/tg-date-only.json": ((), 3, 3, 0, "2020-01-01T00:00:02", "2020-01-01T00:00:05"),
}
# (file, options, what the one-line refusal says)
REFUSED = [
    # 09/10/22 .. 12/10/22: every day could be a month, and the clock does not tell
    ("chat-miner/wa-dateformat4.txt", (), "could be day/month or month/day"),
    # and read day first, "13:37:00 p.m." is no 12-hour time
    ("chat-miner/wa-dateformat4.txt", ("--date-order", "dmy"), "is not a 12-hour time"),
    ("chat-miner/wa-unicode.txt", (), "could be day/month or month/day"),
    # 06/03/2017, 08/05/2017, 09/04/2017: nothing in the file says which comes first
    ("whatsapp-chat-parser/wa-short-chat.txt", (), "could be day/month or month/day"),
    # the fixture stops inside an <mms> element
    ("sms-backup-reader-2/sbr-sms-and-mms.xml", (), "malformed XML (no element found)"),
    ("sms-backup-restore-parser/sbrp-malformed.xml", (), "line 4, column 2: malformed XML"),
    ("sms-backup-manager/sbm-invalid-sms.xml", (), "<sms> element 2: no date attribute"),
    (
        "sms-backup-manager/sbm-invalid-sms-2.xml",
        (),
        "<sms> element 1: date='today' is not epoch milliseconds",
    ),
    # "1/23/23, 3:22_AM - User 1: …": read as the line after "Bye!", two messages would be one
    (
        "langchain/wa-edited-time.txt",
        ("--date-order", "mdy"),
        "line 12: starts like a message, but '1/23/23, 3:22_AM' is not a time WhatsApp writes",
    ),
    # other apps' exports are named, not read as WhatsApp or Telegram
    ("chat-miner/signal-export.txt", (), "a Signal chat export, not a WhatsApp one"),
    ("chat-miner/instagram-export.json", (), "an Instagram or Facebook Messenger export"),
    ("whatsapp-chat-parser/not-a-chat.txt", (), "line 1: not a format blockwatch can import"),
]


def test_every_file_is_listed_with_its_source() -> None:
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    files = {str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file()}
    files -= {"SOURCES.md"} | {f for f in files if Path(f).name.startswith("LICENSE")}
    assert files == set(READ) | {name for name, _options, _said in REFUSED}
    assert len(files) >= 40  # issue 11: at least forty, across the formats
    assert all(f"`{f}`" in sources for f in files)


@pytest.mark.parametrize("name", sorted(READ))
def test_a_real_file_is_read_and_its_summary_adds_up(vault_env: Env, name: str) -> None:
    options, found, added, skipped, first, last = READ[name]
    done = run_cli(vault_env, "import", "--json", *options, str(REAL / name))
    assert done.code == 0, done.err
    [summary] = json.loads(done.out)
    counted = (summary["found"], summary["added"], sum(summary["skipped"].values()))
    assert counted == (found, added, skipped)
    assert summary["found"] == summary["added"] + summary["already_present"] + skipped
    again = json.loads(run_cli(vault_env, "import", "--json", *options, str(REAL / name)).out)
    assert (again[0]["added"], again[0]["already_present"]) == (0, found - skipped)
    views = sorted(json.loads(run_cli(vault_env, "list", "--json").out), key=lambda v: v["id"])
    assert len(views) == added
    if views:  # in the order of the file
        assert views[0]["occurred_at"].startswith(first or "?")
        assert views[-1]["occurred_at"].startswith(last or "?")


@pytest.mark.parametrize(("name", "options", "said"), REFUSED)
def test_a_file_that_cannot_be_read_is_refused_saying_why(
    vault_env: Env, name: str, options: tuple[str, ...], said: str
) -> None:
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "import", *options, str(REAL / name))
    assert done.code == 1
    assert said in done.err.splitlines()[0] and "Traceback" not in done.err
    assert snapshot(vault_env.vault_dir) == before
