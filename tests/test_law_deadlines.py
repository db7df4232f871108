"""The law's own deadlines (issue 19, first part): an appeal to a state body is answered within
15 working days (APPC art. 76) unless the user types another date; the body's own promise is
kept beside it; every deadline says who set it, naming the article.  The articles live in one
table (``law.ARTICLES``) and every one a letter cites is there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from blockwatch import law, vault, words
from blockwatch.env import Env
from blockwatch.i18n import speaking

from .conftest import PASSPHRASE, make_env, run_cli, snapshot

FRIDAY = "2026-07-03 10:00"  # a Friday; Monday 6 July is Capital Day, a day off


def _appeal(env: Env, *args: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    return run_cli(env, "--lang", lang, "log", "appeal", "--at", FRIDAY, "--yes", *args)


def _details(env: Env, incident: int) -> dict[str, object]:
    with vault.unlock(env, PASSPHRASE) as v:
        return dict(v.incident(incident)["details"])


def test_a_ministry_appeal_gets_the_law_s_deadline_and_keeps_the_promise_beside_it(
    vault_env: Env,
) -> None:
    done = _appeal(vault_env, "--to", "ministry", "--promised-in", "5 working days")
    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == (
        "Answer due by 27 July 2026 (APPC art. 76). Promised by 13 July 2026."
    )
    assert _details(vault_env, 1) == {
        "to": "ministry",
        "status": "sent",
        "due": "2026-07-27",  # 15 working days, over Capital Day
        "due_basis": "appk-76",
        "promised": "2026-07-13",  # 5 working days
    }
    rows = json.loads(run_cli(vault_env, "appeals", "--json").out)["appeals"]
    assert [(r["due"], r["due_basis"], r["promised"]) for r in rows] == [
        ("2026-07-27", "appk-76", "2026-07-13")
    ]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru", "Ответ должен быть дан до 27 июля 2026 (АППК РК, ст. 76)."),
        ("kk", "Жауап 27 шілде 2026 дейін берілуі тиіс (ҚР ӘРПК, 76-бап)."),
    ],
)
@pytest.mark.parametrize("to", ["akimat", "state-body"])
def test_every_state_body_gets_it_and_the_article_is_named_in_the_reader_s_language(
    vault_env: Env, lang: str, said: str, to: str
) -> None:
    done = _appeal(vault_env, "--to", to, lang=lang)
    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == said
    table = run_cli(vault_env, "--lang", lang, "appeals").out
    assert law.CODES["appk"][lang] in table and "appk" not in table  # narrow: may wrap


@pytest.mark.parametrize("to", ["police", "whatsapp", "court"])
def test_no_deadline_is_invented_where_the_law_sets_none(vault_env: Env, to: str) -> None:
    assert _appeal(vault_env, "--to", to).code == 0
    assert "due" not in _details(vault_env, 1) and "due_basis" not in _details(vault_env, 1)


def test_a_typed_date_is_the_deadline_and_is_said_to_be_typed(vault_env: Env) -> None:
    done = _appeal(vault_env, "--to", "ministry", "--due", "2026-07-10")
    assert done.code == 0
    assert done.out.splitlines()[-1] == "Answer due by 10 July 2026 (typed in)."
    assert _details(vault_env, 1)["due_basis"] == "typed"
    done = _appeal(vault_env, "--to", "ministry", "--due-in", "2 weeks")
    assert _details(vault_env, 2) == {
        "to": "ministry",
        "status": "sent",
        "due": "2026-07-17",
        "due_basis": "typed",
    }


def test_a_promise_alone_is_the_deadline(vault_env: Env) -> None:
    done = _appeal(vault_env, "--to", "whatsapp", "--promised-in", "2 days")
    assert done.out.splitlines()[-1] == "Answer due by 5 July 2026 (the recipient's promise)."
    details = _details(vault_env, 1)
    assert (details["due"], details["due_basis"], details["promised"]) == (
        "2026-07-05",
        "promised",
        "2026-07-05",
    )


def test_a_promise_longer_than_the_law_allows_is_kept_with_a_warning(vault_env: Env) -> None:
    done = _appeal(vault_env, "--to", "ministry", "--promised-in", "1 month")
    assert done.code == 0
    assert done.err == (
        "blockwatch: warning: the recipient promised 3 August 2026, later than the law allows "
        "(27 July 2026, APPC art. 76): the law's shorter term applies\n"
    )
    details = _details(vault_env, 1)
    assert (details["due"], details["promised"]) == ("2026-07-27", "2026-08-03")
    ru = _appeal(vault_env, "--to", "ministry", "--promised-in", "1 месяц", lang="ru")
    assert ru.err == (
        "blockwatch: warning: адресат обещал ответить до 3 августа 2026, позже, чем допускает "
        "закон (27 июля 2026, АППК РК, ст. 76): действует более короткий срок закона\n"
    )


def test_the_law_s_deadline_follows_the_appeal_when_its_day_is_corrected(
    vault_env: Env,
) -> None:
    assert _appeal(vault_env, "--to", "ministry").code == 0
    done = run_cli(vault_env, "amend", "1", "--at", "2026-07-01 10:00", "--why", "sent earlier")
    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == "Answer due by 23 July 2026 (APPC art. 76)."
    done = run_cli(vault_env, "amend", "1", "--promised-in", "5 working days")
    assert done.code == 0, done.err
    details = _details(vault_env, 1)
    assert (details["due"], details["due_basis"], details["promised"]) == (
        "2026-07-23",
        "appk-76",
        "2026-07-09",
    )


def test_an_unreadable_promise_costs_no_passphrase_and_changes_nothing(
    vault_env: Env, tmp_path: Path
) -> None:
    before = snapshot(vault_env.vault_dir)
    env = make_env(vault_env.vault_dir)
    env.environ.pop("BLOCKWATCH_PASSPHRASE")  # type: ignore[attr-defined]
    done = _appeal(env, "--to", "ministry", "--promised-in", "soon")
    assert done.code == 1
    assert done.err.splitlines()[0] == "blockwatch: error: cannot read the period 'soon'"
    assert snapshot(vault_env.vault_dir) == before


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize(
    ("key", "lang", "cited"),
    [
        ("appk-76", "en", "APPC art. 76"),
        ("appk-76", "ru", "АППК РК, ст. 76"),
        ("appk-76", "kk", "ҚР ӘРПК, 76-бап"),
        ("appk-91", "en", "APPC art. 91(2)"),
        ("appk-91", "ru", "АППК РК, ст. 91 ч. 2"),
        ("appk-91", "kk", "ҚР ӘРПК, 91-бап 2-бөлік"),
        ("uk-419", "ru", "УК РК, ст. 419"),
    ],
)
def test_an_article_is_cited_as_a_lawyer_writes_it(key: str, lang: str, cited: str) -> None:
    assert law.cite(key, lang) == cited
    with speaking(lang):
        assert words.word(key) == cited


def test_every_article_is_described_in_every_language_without_latin_letters_in_kk_and_ru() -> None:
    for key, article in law.ARTICLES.items():
        assert article.code in law.CODES and article.code in law.CODE_NAMES, key
        assert set(article.about) == {"en", "ru", "kk"}, key
        for lang in ("ru", "kk"):
            assert not re.search(r"[A-Za-z]", article.about[lang] + law.cite(key, lang)), key
    for term in law.STATUTORY.values():
        assert term.article in law.ARTICLES


TEMPLATES = Path(__file__).parents[1] / "blockwatch" / "report" / "templates" / "letters"
CITED = re.compile(r"(?:ст(?:атье|\.)\s*|Article\s+)(\d+)|(\d+)-бап")


def test_every_article_a_letter_cites_is_in_the_table() -> None:
    numbers = {a.number for a in law.ARTICLES.values()}
    found = {
        int(a or b)
        for path in TEMPLATES.glob("*.j2")
        for a, b in CITED.findall(path.read_text(encoding="utf-8"))
    }
    assert found and found <= numbers, found - numbers


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru", "срок ответа — 27 июля 2026 (АППК РК, ст. 76)"),
        ("kk", "жауап мерзімі — 27 шілде 2026 (ҚР ӘРПК, 76-бап)"),
        ("en", "answer due by 27 July 2026 (APPC art. 76)"),
    ],
)
def test_a_letter_names_the_article_behind_each_deadline(
    vault_env: Env, tmp_path: Path, lang: str, said: str
) -> None:
    assert _appeal(vault_env, "--to", "ministry").code == 0
    out = tmp_path / "letter.md"
    done = run_cli(vault_env, "--lang", lang, "letter", "ministry", "--out", str(out))
    assert done.code == 0, done.err
    assert said in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- extensions, numbers


def test_an_extension_with_its_reasons_moves_the_law_s_deadline(vault_env: Env) -> None:
    assert _appeal(vault_env, "--to", "ministry").code == 0
    done = run_cli(
        vault_env, "appeal", "1", "--extended-to", "2026-08-20", "--note", "operators asked"
    )
    assert (done.code, done.out) == (0, "Appeal 1: the deadline is extended to 2026-08-20.\n")
    with vault.unlock(vault_env, PASSPHRASE) as v:
        view = v.incident(1)
    assert (view["details"]["due"], view["details"]["due_basis"], view["details"]["extended"]) == (
        "2026-08-20",
        "appk-76",
        True,
    )
    assert view["amended"][-1]["why"] == "operators asked"
    rows = json.loads(run_cli(vault_env, "appeals", "--json").out)["appeals"]
    assert rows[0]["extended"] is True and rows[0]["due"] == "2026-08-20"
    # to the last day the law allows: two months after the appeal
    assert run_cli(vault_env, "appeal", "1", "--extended-to", "2026-09-03", "--note", "x").code == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--extended-to", "2026-09-04", "--note", "x"],
            "blockwatch: error: --extended-to 2026-09-04 is later than the law allows: 2 months "
            "after the appeal, 2026-09-03 (APPC art. 76)\n"
            "blockwatch: hint: give the date the body wrote; a later one is itself a breach to "
            "complain of\n",
        ),
        (
            ["--extended-to", "2026-07-27", "--note", "x"],
            "blockwatch: error: --extended-to 2026-07-27 is not after the deadline it extends "
            "(2026-07-27)\n",
        ),
        (
            ["--extended-to", "2026-08-20"],
            "blockwatch: error: an extension needs its reasons: --note '…'\n"
            "blockwatch: hint: the body must give reasons when it extends its deadline\n",
        ),
        (
            ["--status", "registered"],
            "blockwatch: error: --status registered needs --ref: the number it was registered "
            "under\n"
            "blockwatch: hint: e.g. --ref '261500031000123' (ЕРДР), or the number on the slip "
            "(талон)\n",
        ),
    ],
    ids=["beyond two months", "not later", "no reasons", "registered without a number"],
)
def test_a_wrong_extension_or_registration_is_refused_and_changes_nothing(
    vault_env: Env, args: list[str], said: str
) -> None:
    assert _appeal(vault_env, "--to", "ministry").code == 0
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "appeal", "1", *args)
    assert (done.code, done.err) == (1, said)
    assert snapshot(vault_env.vault_dir) == before


def test_only_a_deadline_the_law_set_is_extended(vault_env: Env) -> None:
    assert _appeal(vault_env, "--to", "whatsapp", "--promised-in", "2 days").code == 0
    done = run_cli(vault_env, "appeal", "1", "--extended-to", "2026-07-20", "--note", "x")
    assert (done.code, done.err) == (
        1,
        "blockwatch: error: the deadline of appeal 1 was not set by law: nothing to extend\n"
        "blockwatch: hint: to correct a deadline, use 'blockwatch amend 1 --due DATE'\n",
    )


def test_a_registered_report_keeps_its_number_and_a_refusal_is_a_status(vault_env: Env) -> None:
    assert _appeal(vault_env, "--to", "police").code == 0
    done = run_cli(vault_env, "appeal", "1", "--status", "registered", "--ref", "261500031000123")
    assert done.code == 0, done.err
    details = _details(vault_env, 1)
    assert (details["status"], details["ref"]) == ("registered", "261500031000123")
    shown = run_cli(vault_env, "--lang", "ru", "show", "1").out
    assert "номер" in shown and "261500031000123" in shown and "зарегистрировано" in shown
    assert run_cli(vault_env, "appeal", "1", "--status", "not-accepted").code == 0
    assert _details(vault_env, 1)["status"] == "not-accepted"
    assert _details(vault_env, 1)["ref"] == "261500031000123"  # kept


# --------------------------------------------------------------------------- what next


def _later(env: Env, day: str) -> Env:
    """The same vault, its clock on ``day`` (noon in Almaty)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    later = make_env(env.vault_dir)
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=ZoneInfo("Asia/Almaty"))
    later.now = lambda: moment  # type: ignore[method-assign]
    return later


def test_past_the_law_s_deadline_due_offers_the_two_next_step_letters(vault_env: Env) -> None:
    assert _appeal(vault_env, "--to", "ministry", "--promised-in", "5 working days").code == 0
    on_time = run_cli(_later(vault_env, "2026-07-27"), "due")
    assert on_time.code == 0 and "Next:" not in on_time.out  # the last day: not yet
    done = run_cli(_later(vault_env, "2026-07-28"), "due")
    assert done.code == 0
    assert done.out.splitlines()[-3:] == [
        "Appeal 1: no answer in time is a refusal (APPC art. 91(2)).",
        "  Next: blockwatch letter complaint-higher-body --about 1 --out FILE.md",
        "  Next: blockwatch letter prosecutor --about 1 --out FILE.md",
    ]
    rows = json.loads(run_cli(_later(vault_env, "2026-07-28"), "due", "--json").out)["appeals"]
    assert rows[0]["next"] == {
        "article": "appk-91",
        "letters": ["complaint-higher-body", "prosecutor"],
    }


def test_a_report_refused_at_the_door_points_to_the_prosecutor(vault_env: Env) -> None:
    assert _appeal(vault_env, "--to", "police").code == 0
    assert run_cli(vault_env, "appeal", "1", "--status", "not-accepted").code == 0
    done = run_cli(vault_env, "--lang", "ru", "appeals")
    assert done.out.splitlines()[-2:] == [
        "Обращение 1: отказ в приёме заявления можно обжаловать (УПК РК, ст. 185).",
        "  Следующий шаг: blockwatch letter prosecutor --about 1 --out ФАЙЛ.md",
    ]


@pytest.mark.parametrize(
    ("kind", "lang", "said"),
    [
        (
            "complaint-higher-body",
            "ru",
            [
                "# Жалоба на непринятие решения по обращению",
                "я направил(а) обращение в министерство (электронная почта), регистрационный "
                "номер Т-15.",
                "Ответ должен был быть дан до 27 июля 2026 (АППК РК, ст. 76). Ответа в этот "
                "срок нет.",
                "Согласно АППК РК, ст. 91 ч. 2 непринятие административного акта",
            ],
        ),
        (
            "complaint-higher-body",
            "kk",
            [
                "# Өтініш бойынша шешім қабылданбағаны туралы шағым",
                "Жауап 27 шілде 2026 дейін берілуі тиіс еді (ҚР ӘРПК, 76-бап).",
                "ҚР ӘРПК, 91-бап 2-бөлік бойынша",
            ],
        ),
        (
            "prosecutor",
            "ru",
            [
                "# Жалоба на отказ в приёме или нерегистрацию заявления",
                "прокурору (УПК РК, ст. 185)",
            ],
        ),
        ("prosecutor", "kk", ["прокурорға шағым жасалуы мүмкін (ҚР ҚПК, 185-бап)"]),
    ],
)
def test_the_next_step_letters_state_the_appeal_its_deadline_and_the_law(
    vault_env: Env, tmp_path: Path, kind: str, lang: str, said: list[str]
) -> None:
    assert _appeal(vault_env, "--to", "ministry", "--ref", "Т-15", "--channel", "email").code == 0
    assert _appeal(vault_env, "--to", "whatsapp", "--about", "1").code == 0  # the chain
    out = tmp_path / "letter.md"
    later = _later(vault_env, "2026-07-28")
    done = run_cli(later, "--lang", lang, "letter", kind, "--about", "1", "--out", str(out))
    assert done.code == 0, done.err
    text = out.read_text(encoding="utf-8")
    for line in said:
        assert line in text, (line, text)
    assert text.count("WhatsApp") >= 1  # the earlier appeals are listed


def test_a_next_step_letter_needs_the_appeal_it_complains_of(
    vault_env: Env, tmp_path: Path
) -> None:
    env = make_env(vault_env.vault_dir)
    env.environ.pop("BLOCKWATCH_PASSPHRASE")  # type: ignore[attr-defined]
    done = run_cli(env, "letter", "prosecutor", "--out", str(tmp_path / "x.md"))
    assert (done.code, done.err) == (
        1,
        "blockwatch: error: --about ID is missing: the appeal this letter complains of\n"
        "blockwatch: hint: 'blockwatch appeals' lists them\n",
    )
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    done = run_cli(
        vault_env, "letter", "prosecutor", "--about", "1", "--out", str(tmp_path / "x.md")
    )
    assert done.code == 1 and "incident 1 is a note, not an appeal" in done.err


# --------------------------------------------------------------------------- the calendar


def test_a_day_off_the_user_adds_moves_deadlines_and_they_say_so(vault_env: Env) -> None:
    done = run_cli(vault_env, "calendar", "add-day-off", "2026-07-08", "--note", "decree No. 1")
    assert done.code == 0, done.err
    assert done.out.splitlines()[0] == "2026-07-08 is a day off for deadlines from now on."
    done = _appeal(vault_env, "--to", "ministry")
    assert done.out.splitlines()[-1] == (
        "Answer due by 28 July 2026 (APPC art. 76). Counted with the days you set: 8 July 2026."
    )
    details = _details(vault_env, 1)
    assert (details["due"], details["calendar"]) == ("2026-07-28", ["2026-07-08"])
    with vault.unlock(vault_env, PASSPHRASE) as v:
        [(_seq, _at, body)] = list(v.entries_of_type("calendar.day_off"))
    assert body == {"date": "2026-07-08", "note": "decree No. 1"}
    listed = json.loads(run_cli(vault_env, "calendar", "list", "--json").out)
    assert listed == {"days": [{"date": "2026-07-08", "off": True, "note": "decree No. 1"}]}


def test_a_holiday_made_a_working_day_counts_and_a_deadline_before_it_does_not_mention_it(
    vault_env: Env,
) -> None:
    assert run_cli(vault_env, "calendar", "add-working-day", "2026-07-06").code == 0
    assert _appeal(vault_env, "--to", "ministry").out.splitlines()[-1] == (
        "Answer due by 24 July 2026 (APPC art. 76). Counted with the days you set: 6 July 2026."
    )
    later = run_cli(vault_env, "log", "appeal", "--to", "akimat", "--at", "2026-07-03 10:00",
                    "--due", "2026-07-04", "--yes")  # fmt: skip
    assert "calendar" not in _details(vault_env, 2) and later.code == 0


@pytest.mark.parametrize(
    ("first", "then", "said"),
    [
        (
            ["add-day-off", "2026-07-08"],
            ["add-day-off", "2026-07-08"],
            "blockwatch: error: 2026-07-08 is already set as a day off\n",
        ),
        (
            None,
            ["add-day-off", "2026-07-06"],
            "blockwatch: error: 2026-07-06 is already a day off in the holiday calendar\n"
            "blockwatch: hint: 'blockwatch calendar list' shows the days you set\n",
        ),
        (
            None,
            ["add-working-day", "2026-07-07"],
            "blockwatch: error: 2026-07-07 is already a working day in the holiday calendar\n"
            "blockwatch: hint: 'blockwatch calendar list' shows the days you set\n",
        ),
        (
            None,
            ["add-day-off", "8 July"],
            "blockwatch: error: '8 July' is not a date\n"
            "blockwatch: hint: write it as YYYY-MM-DD, e.g. 2026-08-31\n",
        ),
    ],
    ids=["twice", "a holiday already", "a working day already", "not a date"],
)
def test_a_day_set_twice_or_already_so_is_refused_and_changes_nothing(
    vault_env: Env, first: list[str] | None, then: list[str], said: str
) -> None:
    if first:
        assert run_cli(vault_env, "calendar", *first).code == 0
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "calendar", *then)
    assert (done.code, done.err) == (1, said)
    assert snapshot(vault_env.vault_dir) == before


def test_a_day_off_set_back_to_working_is_the_last_word(vault_env: Env) -> None:
    assert run_cli(vault_env, "calendar", "add-day-off", "2026-07-08").code == 0
    assert run_cli(vault_env, "calendar", "add-working-day", "2026-07-08").code == 0
    assert run_cli(vault_env, "calendar", "list").out == "2026-07-08  working day\n"
    assert (
        _appeal(vault_env, "--to", "ministry")
        .out.splitlines()[-1]
        .startswith("Answer due by 27 July 2026")
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Before sending, check these articles against the codes in force: CC art. 419."),
        (
            "ru",
            "Перед отправкой сверьте эти статьи с действующей редакцией кодексов: УК РК, ст. 419.",
        ),
    ],
)
def test_a_letter_citing_an_article_not_confirmed_says_to_check_it(
    vault_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    import dataclasses

    assert run_cli(vault_env, "log", "note", "--text", "calls").code == 0
    out = tmp_path / "police.md"
    assert run_cli(vault_env, "--lang", lang, "letter", "police", "--out", str(out)).code == 0
    assert "419" in out.read_text() and said not in out.read_text()  # confirmed: no note
    unread = dataclasses.replace(law.ARTICLES["uk-419"], confirmed=False)
    monkeypatch.setitem(law.ARTICLES, "uk-419", unread)
    done = run_cli(vault_env, "--lang", lang, "letter", "police", "--out", str(out), "--force")
    assert done.code == 0, done.err
    assert out.read_text(encoding="utf-8").rstrip("\n").endswith(said)


# --------------------------------------------------------------------------- the applicant

IIN = "850701300017"  # synthetic, with a valid check digit


def test_the_applicant_s_details_fill_every_letter_and_no_bundle_carries_them(
    vault_env: Env, tmp_path: Path
) -> None:
    done = run_cli(
        vault_env, "profile", "set", "--name", "Айгерим Демо", "--iin", IIN,
        "--address", "Алматы, ул. Примерная, 1", "--phone", "+7 701 123 4567",
        "--email", "a@example.org", "--lawyer", "адвокат Б. Демо",
    )  # fmt: skip
    assert (done.code, done.out) == (
        0,
        "Your details for letters are set: name, IIN, address, phone, e-mail, representative.\n",
    )
    assert json.loads(run_cli(vault_env, "profile", "show", "--json").out)["phone"] == (
        "+77011234567"
    )
    assert _appeal(vault_env, "--to", "ministry").code == 0
    out = tmp_path / "letter.md"
    assert run_cli(vault_env, "--lang", "ru", "letter", "ministry", "--out", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert (
        f"от Айгерим Демо, ИИН {IIN}, почтовый адрес: Алматы, ул. Примерная, 1, телефон: "
        "+77011234567, электронная почта: a@example.org" in text
    )
    assert "Представитель: адвокат Б. Демо" in text and "[ИИН]" not in text
    bundle = tmp_path / "b.zip"
    assert run_cli(vault_env, "export", str(bundle)).code == 0
    import zipfile

    with zipfile.ZipFile(bundle) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert IIN.encode() not in everything and "Примерная".encode() not in everything
    # '' removes a field; the letter shows its placeholder again
    assert run_cli(vault_env, "profile", "set", "--iin", "").code == 0
    run_cli(vault_env, "--lang", "ru", "letter", "ministry", "--out", str(out), "--force")
    assert "ИИН [ИИН]" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--iin", "850701300018"],
            "blockwatch: error: --iin '850701300018' is not an ИИН: 12 digits, the last a check "
            "digit\nblockwatch: hint: copy it from the identity card\n",
        ),
        (
            ["--phone", "call me"],
            "blockwatch: error: --phone 'call me' is not a phone number\n"
            "blockwatch: hint: write it in international form, e.g. +7 701 123 4567\n",
        ),
        (
            ["--email", "a@b"],
            "blockwatch: error: --email 'a@b' is not an e-mail address\n",
        ),
    ],
    ids=["check digit", "phone", "e-mail"],
)
def test_a_wrong_detail_is_refused_and_nothing_is_kept(
    vault_env: Env, args: list[str], said: str
) -> None:
    before = snapshot(vault_env.vault_dir)
    done = run_cli(vault_env, "profile", "set", "--name", "Айгерим Демо", *args)
    assert (done.code, done.err) == (1, said)
    assert snapshot(vault_env.vault_dir) == before


def test_profile_set_with_nothing_to_set_is_a_usage_error(vault_env: Env) -> None:
    assert run_cli(vault_env, "profile", "set").code == 2


def test_the_report_says_who_set_each_deadline_and_what_its_passing_means(
    vault_env: Env, tmp_path: Path
) -> None:
    import zipfile

    assert _appeal(vault_env, "--to", "ministry").code == 0
    bundle = tmp_path / "b.zip"
    done = run_cli(_later(vault_env, "2026-07-28"), "--lang", "ru", "export", str(bundle))
    assert done.code == 0, done.err
    with zipfile.ZipFile(bundle) as z:
        [name] = [n for n in z.namelist() if n.endswith("report.html")]
        page = z.read(name).decode()
    assert (
        "27 июля 2026 (АППК РК, ст. 76) — срок истёк, ответа нет: по закону это отказ "
        "(АППК РК, ст. 91 ч. 2)" in page
    )
    assert run_cli(_later(vault_env, "2026-07-28"), "verify", str(bundle)).code == 0


def test_the_details_travel_in_a_bundle_only_when_asked_and_are_bound_to_it(
    vault_env: Env, tmp_path: Path
) -> None:
    import zipfile

    from blockwatch.bundle.verify import BundleInvalid, verify_bundle

    from .test_bundle import _resign, members, rezip, top

    assert run_cli(vault_env, "profile", "set", "--name", "Айгерим Демо", "--iin", IIN).code == 0
    assert run_cli(vault_env, "log", "note", "--text", "x").code == 0
    bundle = tmp_path / "with.zip"
    assert run_cli(vault_env, "export", str(bundle), "--include-profile").code == 0
    files = members(bundle)
    root = top(files)
    assert json.loads(files[f"{root}/data/profile.json"]) == {"iin": IIN, "name": "Айгерим Демо"}
    assert b"Blockwatch-Profile: included" in files[f"{root}/bag-info.txt"]
    assert run_cli(vault_env, "verify", str(bundle)).code == 0
    # the key holder drops the bag-info line, or garbles the file: check 10 says so
    with vault.unlock(vault_env, PASSPHRASE) as v:
        key = v._signer
    unlisted = dict(files)
    info = unlisted[f"{root}/bag-info.txt"].replace(b"Blockwatch-Profile: included\n", b"")
    unlisted[f"{root}/bag-info.txt"] = info
    _resign(unlisted, root, key)
    with pytest.raises(BundleInvalid) as failed:
        verify_bundle(rezip(unlisted, tmp_path / "unlisted.zip"))
    assert (failed.value.check, failed.value.message) == (
        10,
        "check 10 failed, every payload file is a bundle file or an included incident's "
        "attachment: no included incident has this attachment (data/profile.json)",
    )
    garbled = dict(files)
    garbled[f"{root}/data/profile.json"] = b'["not", "details"]'
    _resign(garbled, root, key)
    with pytest.raises(BundleInvalid) as failed:
        verify_bundle(rezip(garbled, tmp_path / "garbled.zip"))
    assert failed.value.message.endswith(
        "the applicant's details are malformed (data/profile.json)"
    )
    plain = tmp_path / "plain.zip"
    assert run_cli(vault_env, "export", str(plain)).code == 0
    with zipfile.ZipFile(plain) as z:
        assert not [n for n in z.namelist() if n.endswith("profile.json")]
