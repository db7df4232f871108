"""The report for people: complete in three languages, self-contained, safe, printable."""

from __future__ import annotations

import html
import re

import pytest

from blockwatch import stats
from blockwatch.documents.report import TEXTS
from blockwatch.i18n import LANGS
from blockwatch.report import CSP, ROWS_PER_PART, Formatter, render_report

VIEWS = [
    {
        "id": 1,
        "uid": "u1",
        "kind": "call",
        "platform": "whatsapp",
        "occurred_at": "2026-07-04T20:46:00+05:00",
        "timezone": "Asia/Almaty",
        "recorded_at": "2026-07-05T06:00:00Z",
        "source": "manual",
        "counterparty": {
            "raw": "+447700900123",
            "type": "number",
            "e164": "+447700900123",
            "region": "GB",
            "foreign": True,
            "valid": False,
            "number_type": None,
        },
        "details": {"direction": "in", "outcome": "missed"},
        "note": None,
        "attachments": [],
        "amended": [],
        "seq": 1,
    },
    {
        "id": 2,
        "uid": "u2",
        "kind": "call",
        "platform": "whatsapp",
        "occurred_at": "2026-07-04T20:50:00+05:00",
        "timezone": "Asia/Almaty",
        "recorded_at": "2026-07-05T06:00:00Z",
        "source": "manual",
        "counterparty": {
            "raw": "-2",
            "type": "withheld",
            "e164": None,
            "region": None,
            "foreign": None,
            "valid": False,
            "number_type": "private",
        },
        "details": {"direction": "in", "outcome": "missed"},
        "note": None,
        "attachments": [],
        "amended": [],
        "seq": 2,
    },
    {
        "id": 3,
        "uid": "u3",
        "kind": "block",
        "platform": "whatsapp",
        "occurred_at": "2026-07-04T21:52:00+05:00",
        "timezone": "Asia/Almaty",
        "recorded_at": "2026-07-05T06:00:00Z",
        "source": "manual",
        "counterparty": None,
        "details": {"notice": "This account can no longer use WhatsApp", "appeal_offered": False},
        "note": "n",
        "attachments": [
            {"sha256": "ab" * 32, "name": "shot.png", "size": 10, "media_type": "image/png"}
        ],
        "amended": [],
        "seq": 3,
    },
]
TODAY = __import__("datetime").date(2026, 7, 10)
META = {
    "case": "Case <X>",
    "name": "blockwatch-x",
    "exported_at": "2026-07-10T07:00:00Z",
    "fingerprint": "cd" * 32,
    "origin": "blockwatch/0",
    "timezone": "Asia/Almaty",
    "home_region": "KZ",
    "tree_size": 4,
    "version": "0",
    "files": {},
}


def render(lang: str) -> str:
    return render_report(VIEWS, stats.summarize(VIEWS, "Asia/Almaty"), META, lang, {})


def test_every_language_has_every_key() -> None:
    for lang in LANGS:
        assert set(TEXTS[lang]) == set(TEXTS["en"]), lang
        assert all(TEXTS[lang].values())


@pytest.mark.parametrize(
    ("lang", "month", "words"),
    [
        ("en", "4 July 2026", "Timeline"),
        ("ru", "4 июля 2026", "Хронология"),
        ("kk", "4 шілде 2026", "Хронология"),
    ],
)
def test_report_is_written_in_its_language(lang: str, month: str, words: str) -> None:
    page = render(lang)
    assert f'<html lang="{lang}">' in page and month in page and words in page
    assert TEXTS[lang]["title"] in page and TEXTS[lang]["withheld_number"] in page
    for key in ("kind_call", "kind_block", "busiest", "by_country", "numbering"):
        assert TEXTS[lang][key] in page
    if lang != "en":
        assert "Timeline" not in page and "Incidents by kind" not in page


def test_report_is_self_contained_and_printable() -> None:
    page = render("en")
    assert CSP.replace("'", "&#39;") in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "@page { size: A4" in page and "@media print" in page
    assert "Case &lt;X&gt;" in page


def test_summary_numbers() -> None:
    s = stats.summarize(VIEWS, "Asia/Almaty")
    assert s["calls"] == {"total": 2, "foreign": 1, "domestic": 0, "withheld": 1, "unknown": 0}
    assert s["foreign_calls_by_country"] == {"GB": 1}
    assert s["busiest_foreign_hour"]["count"] == 1
    assert s["first_foreign_contact_to_block"] == [
        {"block": 3, "first_contact": 1, "seconds": 66 * 60}
    ]
    assert s["calls_per_day"] == {"2026-07-04": 2}


def test_busiest_window_finds_the_densest_hour() -> None:
    from datetime import datetime, timedelta

    base = datetime(2026, 7, 4, 20, 0)
    times = [base + timedelta(minutes=m) for m in (0, 70, 75, 80, 129, 131)]
    window = stats.busiest_window(times)
    assert window == {
        "start": times[1].isoformat(),
        "end": (times[1] + timedelta(hours=1)).isoformat(),
        "count": 4,
    }
    assert stats.busiest_window([]) is None


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("ru", {1: "1 звонок", 2: "2 звонка", 5: "5 звонков", 11: "11 звонков", 21: "21 звонок"}),
        ("en", {1: "1 call", 2: "2 calls", 21: "21 calls"}),
        ("kk", {1: "1 қоңырау", 5: "5 қоңырау"}),
    ],
)
def test_a_number_of_calls_is_said_in_the_reader_s_grammar(
    lang: str, counts: dict[int, str]
) -> None:
    """Issue 15: "1 звонков" in a letter; the report's busiest hour and the letters use it."""
    from blockwatch.report import Formatter

    f = Formatter(lang, "Asia/Almaty")
    assert {n: f.calls(n) for n in counts} == counts


def _calls(count: int, start_day: int = 4) -> list[dict]:  # type: ignore[type-arg]
    """``count`` incoming calls, one a minute from 20:00 on 4 July, spilling into the next days."""
    from datetime import datetime, timedelta

    first = datetime.fromisoformat(f"2026-07-{start_day:02d}T20:00:00+05:00")
    return [
        {
            **VIEWS[0],
            "id": n + 1,
            "uid": f"c{n}",
            "seq": n + 1,
            "occurred_at": (first + timedelta(minutes=n)).isoformat(),
        }
        for n in range(count)
    ]


def test_calls_are_rows_of_one_table_a_day_and_other_kinds_are_cards() -> None:
    """Issue 15, item 3: calls and messages come in bulk -- a row each, in a table per day; a
    block keeps its card, and so does a call with a correction (it has more to show)."""
    calls = _calls(300)  # 20:00 on 4 July to 00:59 on 5 July
    corrected = {
        **calls[10],
        "amended": [{"seq": 99, "recorded_at": "2026-07-05T06:00:00Z", "set": {"details": {"outcome": "answered"}}, "previous": {"details": {"outcome": "missed"}}}],
    }  # fmt: skip
    block = {**VIEWS[2], "id": 301, "uid": "b", "occurred_at": "2026-07-05T01:30:00+05:00"}
    views = [*calls[:10], corrected, *calls[11:], block]
    page = render_report(views, stats.summarize(views, "Asia/Almaty"), META, "ru", {})
    days = re.findall(r'<table class="day[^"]*">\s*<caption>([^<]*)', page)
    assert days == ["4 июля 2026", "4 июля 2026", "5 июля 2026"]  # the card of #11 splits the 4th
    assert page.count('<tr id="incident-') == 299
    assert page.count('<div class="incident"') == 2  # the corrected call and the block
    assert 'id="incident-11"' in page and 'id="incident-301"' in page
    row = re.search(r'<tr id="incident-1">(.*?)</tr>', page, re.S)
    assert row is not None and "20:00" in row[1] and "входящий, пропущен" in row[1]
    assert "+447700900123" in row[1] and "2026" not in row[1]  # when recorded: said once
    assert "Записано: 5 июля 2026, 11:00 (UTC+05:00, Алматы); введено вручную" in page


def test_a_long_day_is_cut_into_parts_a_browser_lays_out_when_they_come_into_view() -> None:
    """Issue 15, item 3: 10,000 calls open in a browser as fast as a short report -- a day's
    table in parts of ROWS_PER_PART rows, each in a box with content-visibility: auto, all with
    the same fixed columns; the day's caption once, on the first part."""
    count = 240 + ROWS_PER_PART + 1  # from 20:00 on 4 July: the 4th holds 240 calls
    views = _calls(count)
    page = render_report(views, stats.summarize(views, "Asia/Almaty"), META, "ru", {})
    parts = re.findall(
        r'<div class="rows"><table class="(day[^"]*)">(.*?)</table></div>', page, re.S
    )
    assert [(css, body.count('<tr id="incident-')) for css, body in parts] == [
        ("day cut", ROWS_PER_PART),
        ("day more", 240 - ROWS_PER_PART),
        ("day cut", ROWS_PER_PART),
        ("day more", 1),
    ]
    assert [body.count("<caption>") for _css, body in parts] == [1, 0, 1, 0]
    assert len({re.search(r"<colgroup>.*?</colgroup>", body)[0] for _c, body in parts}) == 1  # type: ignore[index]
    assert "div.rows { content-visibility: auto;" in page and "table-layout: fixed" in page


def test_a_call_row_does_not_repeat_its_outcome_as_its_type_in_the_source() -> None:
    """Android's "missed" of a missed call says the outcome twice: said once in the row (the
    card and incidents.json keep the source's type); a type that says more is kept."""
    details = {"direction": "in", "outcome": "missed", "duration": 0}
    views = [
        {**VIEWS[0], "details": {**details, "source_type": "missed"}},
        {**VIEWS[0], "id": 2, "uid": "u2", "details": {**details, "source_type": "voicemail"}},
    ]
    page = render_report(views, stats.summarize(views, "Asia/Almaty"), META, "ru", {})
    rows = re.findall(r'<tr id="incident-\d+">.*?</tr>', page)
    assert [re.findall(r"<td>([^<]*)</td></tr>", row)[0] for row in rows] == [
        "входящий, 0 секунд, пропущен",
        "входящий, 0 секунд, пропущен, тип в источнике: голосовая почта",
    ]


def test_a_report_of_ten_thousand_calls_stays_small() -> None:
    """10,000 calls: 2.6 MB, about 260 bytes a row; Chromium prints the whole bundle's report
    of 10,000 calls on 325 A4 pages, some 31 rows a page (a card took a third of a page each:
    over 3,000 pages; the first day tables, 912). ``bench/report_render.py`` measures it."""
    views = _calls(10_000)
    page = render_report(views, stats.summarize(views, "Asia/Almaty"), META, "kk", {})
    assert page.count('<tr id="incident-') == 10_000
    assert len(page.encode()) < 3_000_000


@pytest.mark.parametrize("lang", LANGS)
def test_the_cover_page_says_what_the_bundle_is_and_lists_every_file(lang: str) -> None:
    """Issue 15, item 4: the first printed page carries the signer's fingerprint, when it was
    exported and for whom, what the bundle proves and how to verify it, and an index of the
    files with their SHA-256 and size; the pages are numbered when printed."""
    meta = {**META, "to": "Police of Almaty", "files": {"ab" * 32: "data/attachments/ab-shot.png"}}
    page = render_report(VIEWS, stats.summarize(VIEWS, "Asia/Almaty"), meta, lang, {})
    cover = page[: page.index('<div class="cover-end">')]
    t = TEXTS[lang]
    for text in (META["fingerprint"], "Police of Almaty", t["proves_yes"], t["verify_text"]):
        assert text in html.unescape(cover)
    index = cover[cover.index('<table class="exhibits">') :]
    assert "ab" * 32 in index and "data/attachments/ab-shot.png" in index and "#3" in index
    assert t["summary"] not in cover  # the summary starts on the next page
    assert "counter(page)" in page and "page-break-after: always" in page


def test_the_report_draws_its_charts_inline_without_script_or_link() -> None:
    """Issue 15, item 2: the timeline, the countries and the appeals as inline SVG -- nothing
    fetched, nothing run (the CSP allows neither), every text escaped -- in black, greys and
    white so that a black-and-white printout keeps them apart."""
    from blockwatch.report import charts

    appeal = {
        **VIEWS[2],
        "id": 4,
        "uid": "u4",
        "kind": "appeal",
        "occurred_at": "2026-07-05T09:10:00+05:00",
        "details": {"to": "whatsapp", "status": "sent", "due": "2026-07-08"},
        "attachments": [],
        "note": None,
    }
    hostile = {**VIEWS[0], "id": 5, "uid": "u5", "counterparty": {**VIEWS[0]["counterparty"], "region": "<b>X</b>"}}  # fmt: skip
    views = [*VIEWS, appeal, hostile]
    page = render_report(views, stats.summarize(views, "Asia/Almaty", TODAY), META, "ru", {})
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 3  # timeline, countries, appeals
    for svg in svgs:
        assert "<script" not in svg and "href" not in svg.replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
        assert "<b>" not in svg
        assert set(re.findall(r'fill="(#[0-9a-f]+)"', svg)) <= {"#000", *charts.FILLS.values()}
    timeline = svgs[0]
    assert "#3" in timeline  # the block, marked on the time axis
    assert "20:40" in timeline and "с иностранных номеров" in timeline
    assert "Великобритания (GB)" in svgs[1]
    assert "#4 WhatsApp" in svgs[2] and "8 июля 2026 — срок истёк, ответа нет" in svgs[2]


def test_stats_draws_the_same_timeline_in_the_terminal() -> None:
    from blockwatch.report import charts

    block = {**VIEWS[2], "id": 9, "uid": "b9", "occurred_at": "2026-07-04T20:35:00+05:00"}
    views = [*_calls(3), block]
    timeline = stats.summarize(views, "Asia/Almaty")["timeline"]
    labels = {
        "foreign": "иностранные",
        "withheld": "скрытые",
        "domestic": "местные",
        "unknown": "?",
    }
    lines = charts.terminal_timeline(timeline, labels, width=10)
    assert lines[0] == "04.07 20:00  ██████████     3"  # 20:00, 20:01, 20:02
    assert lines[1].startswith("      20:30") and lines[1].endswith("0  #9")  # the block
    assert lines[-1].startswith("█ иностранные  ▓ скрытые")


def test_a_time_reads_as_a_person_writes_it_with_its_offset_and_city() -> None:
    """Issue 15: ``20:41 (UTC+05:00, Алматы)``, not ``20:41:00 (UTC+05:00)``; seconds where
    the record has them (an imported call log); no city for UTC or an Etc/ zone (whose name
    reads the offset's sign backwards)."""
    cases = [
        ("ru", "Asia/Almaty", "2026-07-04T15:41:00Z", "4 июля 2026, 20:41 (UTC+05:00, Алматы)"),
        ("kk", "Asia/Aqtobe", "2026-07-04T15:41:07Z", "4 шілде 2026, 20:41:07 (UTC+05:00, Ақтөбе)"),
        ("en", "Asia/Almaty", "2026-07-04T15:41:00Z", "4 July 2026, 20:41 (UTC+05:00, Almaty)"),
        ("en", "UTC", "2026-07-04T15:41:00Z", "4 July 2026, 15:41 (UTC+00:00)"),
        ("ru", "Etc/GMT-5", "2026-07-04T15:41:00Z", "4 июля 2026, 20:41 (UTC+05:00)"),
    ]
    for lang, zone, stamp, said in cases:
        assert Formatter(lang, zone).instant(stamp) == said
