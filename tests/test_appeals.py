"""Appeals: deadlines in working days, status history, what is due, overdue everywhere."""

from __future__ import annotations

import json
from datetime import date

import pytest

from blockwatch import deadlines
from blockwatch.env import Env
from blockwatch.errors import InputError

from .conftest import run_cli, snapshot

# --------------------------------------------------------------------------- arithmetic


def test_working_days_skip_weekends() -> None:
    # Thursday 2026-06-18 + 5 working days: Fri 19, Mon 22, Tue 23, Wed 24, Thu 25
    assert deadlines.due_after(date(2026, 6, 18), "5 working days") == date(2026, 6, 25)


def test_working_days_skip_a_public_holiday_on_a_weekday() -> None:
    # Capital Day, Monday 2026-07-06, is a day off: Fri 3 + 5 -> 7, 8, 9, 10, 13
    assert not deadlines.is_working_day(date(2026, 7, 6))
    assert deadlines.due_after(date(2026, 7, 3), "5 working days") == date(2026, 7, 13)
    # Independence Day, Wednesday 2026-12-16
    assert deadlines.due_after(date(2026, 12, 15), "1 working day") == date(2026, 12, 17)


def test_working_days_across_the_year_end() -> None:
    # Mon 2026-12-28 + 5: Tue 29, Wed 30, Thu 31; Fri 1 Jan is New Year, Sat 2 Jan too, so Mon 4
    # Jan is its observed day off; then Tue 5, Wed 6 (Thu 7 would be Orthodox Christmas)
    assert not deadlines.is_working_day(date(2027, 1, 4))
    assert deadlines.due_after(date(2026, 12, 28), "5 working days") == date(2027, 1, 6)
    assert deadlines.due_after(date(2026, 12, 28), "6 working days") == date(2027, 1, 8)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("30 days", date(2026, 8, 3)),
        ("2 weeks", date(2026, 7, 18)),
        ("1 month", date(2026, 8, 4)),
        ("5 рабочих дней", date(2026, 7, 13)),
        ("в течение 10 дней", date(2026, 7, 14)),
        ("1 месяц", date(2026, 8, 4)),
        ("5 жұмыс күні", date(2026, 7, 13)),
        ("30 күн", date(2026, 8, 3)),
        ("1 ай", date(2026, 8, 4)),
    ],
)
def test_periods_in_three_languages(phrase: str, expected: date) -> None:
    assert deadlines.due_after(date(2026, 7, 4), phrase) == expected


def test_a_month_after_the_31st_is_the_months_last_day() -> None:
    assert deadlines.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert deadlines.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


@pytest.mark.parametrize("phrase", ["soon", "5 fortnights", "", "many days"])
def test_unreadable_periods(phrase: str) -> None:
    with pytest.raises(InputError, match="cannot read the period"):
        deadlines.due_after(date(2026, 7, 4), phrase)


# --------------------------------------------------------------------------- commands


def ok(env: Env, *args: str) -> str:
    done = run_cli(env, *args)
    assert done.code == 0, done.err
    return done.out


def fails(env: Env, *args: str) -> str:
    before = snapshot(env.vault_dir)
    done = run_cli(env, *args)
    assert done.code == 1, (done.out, done.err)
    assert done.err.startswith("blockwatch: error: ") and len(done.err.strip().splitlines()) <= 2
    assert snapshot(env.vault_dir) == before
    return done.err


@pytest.fixture
def with_block(vault_env: Env) -> Env:
    ok(vault_env, "log", "block", "--platform", "whatsapp", "--at", "2026-07-04 21:52")
    return vault_env


def test_appeal_with_due_in_and_status_history(with_block: Env) -> None:
    env = with_block
    ok(
        env,
        "log",
        "appeal",
        "--to",
        "ministry",
        "--channel",
        "letter",
        "--about",
        "1",
        "--at",
        "2026-07-03 10:00",
        "--due-in",
        "5 working days",
        "--ref",
        "ZT-0001",
    )
    ok(
        env,
        "appeal",
        "2",
        "--status",
        "acknowledged",
        "--note",
        "press service: within five working days",
        "--at",
        "2026-07-04 09:00",
    )
    view = json.loads(ok(env, "show", "2", "--json"))
    assert view["details"]["due"] == "2026-07-13" and view["details"]["status"] == "acknowledged"
    [change] = view["amended"]
    assert change["previous_status"] == "sent" and change["status"] == "acknowledged"
    assert change["at"] == "2026-07-04T09:00:00+05:00"
    shown = ok(env, "show", "2")
    assert "acknowledged (was: sent)" in shown and "press service" in shown
    assert ok(env, "check").endswith("The vault is intact.\n")


def test_appeal_not_possible_is_recordable(with_block: Env) -> None:
    ok(
        with_block,
        "log",
        "appeal",
        "--to",
        "whatsapp",
        "--status",
        "unavailable",
        "--about",
        "1",
        "--note",
        "the notice offered no way to appeal",
    )
    assert json.loads(ok(with_block, "show", "2", "--json"))["details"]["status"] == "unavailable"


def test_overdue_in_appeals_due_list_stats_and_report(with_block: Env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = with_block  # the fixed clock says 2026-07-05 11:00 in Almaty
    ok(env, "log", "appeal", "--to", "ministry", "--at", "2026-06-20 10:00", "--due", "2026-06-30")
    ok(env, "log", "appeal", "--to", "police", "--at", "2026-07-05 09:00", "--due-in", "3 days")
    ok(env, "log", "appeal", "--to", "whatsapp", "--at", "2026-07-05 09:30", "--due", "2026-08-30")
    ok(
        env,
        "log",
        "appeal",
        "--to",
        "instagram",
        "--at",
        "2026-06-01 09:30",
        "--due",
        "2026-06-10",
        "--status",
        "rejected",
    )
    table = ok(env, "appeals")
    assert "OVERDUE" in table and table.count("OVERDUE") == 1
    data = json.loads(ok(env, "appeals", "--json"))
    by_to = {a["to"]: a for a in data["appeals"]}
    assert by_to["ministry"]["overdue"] and by_to["ministry"]["days_left"] == -5
    assert not by_to["instagram"]["overdue"]  # answered (rejected): nothing to wait for
    assert by_to["police"]["due"] == "2026-07-08" and by_to["police"]["days_left"] == 3
    due = json.loads(ok(env, "due", "--within", "7d", "--json"))
    assert sorted(a["to"] for a in due["appeals"]) == ["ministry", "police"]
    assert "OVERDUE" in ok(env, "list", "--kind", "appeal")
    stats = json.loads(ok(env, "stats", "--json"))
    assert [a["to"] for a in stats["appeals"] if a["overdue"]] == ["ministry"]
    out = tmp_path / "b.zip"
    ok(env, "export", str(out), "--at-time", "2026-07-05 12:00")
    import zipfile

    with zipfile.ZipFile(out) as zf:
        report = next(zf.read(n) for n in zf.namelist() if n.endswith("report.html")).decode()
    assert 'class="overdue"' in report and "overdue, no answer" in report


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["log", "appeal", "--to", "police", "--at", "2026-07-04 10:00", "--due", "2026-07-01"],
            "before the appeal",
        ),
        (["log", "appeal", "--to", "police", "--status", "forgotten"], "not one of"),
        (["log", "appeal", "--to", "police", "--about", "99"], "no incident 99"),
        (
            ["log", "appeal", "--to", "police", "--due-in", "when pigs fly"],
            "cannot read the period",
        ),
        (
            ["log", "appeal", "--to", "police", "--due-in", "5 days", "--due", "2026-08-01"],
            "not both",
        ),
        (["appeal", "1", "--status", "granted"], "not an appeal"),
        (["appeal", "9", "--status", "granted"], "no incident 9"),
        (["due", "--within", "soon"], "not a number of days"),
    ],
)
def test_bad_appeal_input(with_block: Env, args: list[str], message: str) -> None:
    assert message in fails(with_block, *args)


def test_status_change_checks(with_block: Env) -> None:
    ok(with_block, "log", "appeal", "--to", "police", "--at", "2026-07-04 10:00")
    assert "not one of" in fails(with_block, "appeal", "2", "--status", "lost")
    assert "before the appeal" in fails(
        with_block, "appeal", "2", "--status", "answered", "--at", "2026-07-01 10:00"
    )
    missing = run_cli(with_block, "appeal", "2")
    assert missing.code == 2 and "--status is missing" in missing.err


def test_deadline_is_a_date_in_the_vault_zone(with_block: Env) -> None:
    # 23:30 UTC on 3 July is already 4 July in Almaty: the period counts from 4 July
    ok(
        with_block,
        "log",
        "appeal",
        "--to",
        "police",
        "--at",
        "2026-07-03T23:30:00+00:00",
        "--due-in",
        "1 day",
    )
    assert json.loads(ok(with_block, "show", "2", "--json"))["details"]["due"] == "2026-07-05"


def test_an_appeal_to_a_platform_is_about_that_platform_and_its_letter_includes_it(
    vault_env: Env, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, item 6: `--to whatsapp` implies `--platform whatsapp`, so that `letter
    platform --platform whatsapp` tells WhatsApp about the appeal already made to it; an
    appeal to the police has no platform, and one given explicitly is kept."""
    for args in (
        ("log", "block", "--platform", "whatsapp", "--at", "2026-07-04 21:52"),
        ("log", "appeal", "--to", "whatsapp", "--at", "2026-07-05 09:10", "--ref", "CASE-7"),
        ("log", "appeal", "--to", "police", "--at", "2026-07-05 10:00"),
        (
            "log",
            "appeal",
            "--to",
            "instagram",
            "--platform",
            "facebook",
            "--at",
            "2026-07-05 11:00",
        ),
    ):
        done = run_cli(vault_env, *args)
        assert done.code == 0, done.err
    shown = {v["id"]: v["platform"] for v in json.loads(run_cli(vault_env, "list", "--json").out)}
    assert shown == {1: "whatsapp", 2: "whatsapp", 3: None, 4: "facebook"}
    out = tmp_path / "whatsapp.md"
    done = run_cli(
        vault_env, "--lang", "ru", "letter", "platform", "--platform", "whatsapp", "--out", str(out)
    )
    assert done.code == 0, done.err
    text = out.read_text()
    assert "CASE-7" in text and "полицию" not in text
