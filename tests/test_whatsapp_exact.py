"""A WhatsApp chat's text read exactly (issue 20): how its lines are found whatever ends them,
which refusals name which line and say what to do, how the day/month order and a 12-hour clock
are read at their bounds, and what each call and message line becomes.  Real files in a
temporary folder, read by ``whatsapp.parse``; nothing here touches a vault."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from blockwatch.importers import Draft, ImportFailed, Options, Skipped, whatsapp
from blockwatch.incidents import MAX_TEXT

ALMATY = ZoneInfo("Asia/Almaty")
MESSAGE = "14/07/2026, 21:05 - Aigerim: hi"


def _chat(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "WhatsApp Chat with Aigerim.txt"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _read(path: Path, options: Options | None = None) -> list[Draft | Skipped | None]:
    return list(whatsapp.parse(path, options or Options()))


def _texts(path: Path) -> list[str]:
    return [d.details["text"] for d in _read(path) if isinstance(d, Draft)]


def _refusal(path: Path, options: Options | None = None) -> tuple[str, str | None]:
    with pytest.raises(ImportFailed) as failed:
        _read(path, options)
    return failed.value.message, failed.value.hint


def test_a_chat_is_recognised_by_a_message_line_among_its_first_fifty() -> None:
    assert whatsapp.looks_like(f"Chat export\r\n{MESSAGE}\r\n")
    assert whatsapp.looks_like("note\n" * 49 + MESSAGE)
    assert not whatsapp.looks_like("note\n" * 50 + MESSAGE)


def test_a_chat_that_is_not_utf8_is_refused_at_its_byte(tmp_path: Path) -> None:
    path = _chat(tmp_path, MESSAGE.encode() + b"\n\xff\n")
    assert _refusal(path) == (
        f"{path}: byte 32: not UTF-8 text",
        "expected a WhatsApp chat export",
    )


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_lines_end_with_any_of_the_three_line_endings(tmp_path: Path, end: str) -> None:
    text = end.join(
        ["14/07/2026, 21:05 - Aigerim: one", "two", "14/07/2026, 21:06 - Dana: three", ""]
    )
    assert _texts(_chat(tmp_path, text)) == ["one\ntwo", "three"]


def test_a_left_to_right_mark_before_a_line_is_not_part_of_it(tmp_path: Path) -> None:
    """iOS writes U+200E before every line of an export; a line that starts with anything
    else, even shaped like a message after it, continues the message before."""
    text = (
        "\u200e[04.07.26, 21:05:09] Aigerim: one\n"
        "X[04.07.26, 21:05:30] Dana: quoted\n"
        "\ufeff\u200e[04.07.26, 21:06:00] Dana: two\n"
    )
    assert _texts(_chat(tmp_path, text)) == ["one\nX[04.07.26, 21:05:30] Dana: quoted", "two"]


def test_text_before_the_first_message_is_skipped_by_its_line(tmp_path: Path) -> None:
    items = _read(_chat(tmp_path, f"Chat export\n\n{MESSAGE}\n"))
    assert items[0] == Skipped("line 1", "text before the first message")
    assert len(items) == 2 and isinstance(items[1], Draft)


def test_a_message_line_is_one_whole_draft(tmp_path: Path) -> None:
    when = datetime(2026, 7, 14, 21, 5, tzinfo=ALMATY)
    [draft] = _read(_chat(tmp_path, MESSAGE + "\n"))
    assert draft == Draft(
        key=f"{when.isoformat()}|Aigerim|8f434346648f6b96|1",
        kind="message",
        occurred_at=when,
        platform="whatsapp",
        counterparty="Aigerim",
        details={"direction": "in", "text": "hi"},
        raw={"line": 1, "date": "14/07/2026", "time": "21:05", "author": "Aigerim"},
    )


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            "Missed voice call, Tap to call back",
            {"direction": "in", "outcome": "missed", "source_type": "Missed voice call"},
        ),
        (
            "Missed video call",
            {"direction": "in", "outcome": "missed", "source_type": "Missed video call"},
        ),
        (
            "Voice call, 1 hr 2 min 5 sec",
            {
                "direction": "in",
                "outcome": "answered",
                "duration": 3725,
                "source_type": "Voice call, 1 hr 2 min 5 sec",
            },
        ),
        (
            "Video call, No answer",
            {"direction": "in", "outcome": "missed", "source_type": "Video call, No answer"},
        ),
        ("Voice call", {"direction": "in", "source_type": "Voice call"}),
    ],
)
def test_a_call_line_is_one_whole_call_draft(
    tmp_path: Path, body: str, details: dict[str, object]
) -> None:
    when = datetime(2026, 7, 4, 21, 5, 9, tzinfo=ALMATY)
    [draft] = _read(_chat(tmp_path, f"[04.07.26, 21:05:09] +44 7700 900123: {body}\n"))
    assert isinstance(draft, Draft)
    assert draft.key.startswith(f"{when.isoformat()}|+44 7700 900123|") and draft.key[-2:] == "|1"
    assert (draft.kind, draft.occurred_at, draft.platform) == ("call", when, "whatsapp")
    assert (draft.counterparty, draft.details) == ("+44 7700 900123", details)
    assert draft.raw == {
        "line": 1,
        "date": "04.07.26",
        "time": "21:05:09",
        "author": "+44 7700 900123",
    }


def test_the_platform_given_replaces_whatsapp(tmp_path: Path) -> None:
    text = f"{MESSAGE}\n14/07/2026, 21:06 - Aigerim: Missed voice call\n"
    drafts = _read(_chat(tmp_path, text), Options(platform="whatsapp-business"))
    assert [d.platform for d in drafts if isinstance(d, Draft)] == ["whatsapp-business"] * 2


AMBIGUOUS = "say which with --date-order dmy or --date-order mdy"


@pytest.mark.parametrize(
    ("dates", "when"),
    [
        (["01/13/2026"], datetime(2026, 1, 13, 10, 0, tzinfo=ALMATY)),
        (["13/01/2026"], datetime(2026, 1, 13, 10, 0, tzinfo=ALMATY)),
        (["2026/01/02"], datetime(2026, 1, 2, 10, 0, tzinfo=ALMATY)),
        (["01.02.26", "03.04.26"], datetime(2026, 2, 1, 10, 0, tzinfo=ALMATY)),
    ],
    ids=["a month past 12", "a day past 12", "the year first", "dots"],
)
def test_the_date_order_is_read_from_the_evidence(
    tmp_path: Path, dates: list[str], when: datetime
) -> None:
    text = "".join(f"{d}, 10:00 - Aigerim: x\n" for d in dates)
    first = _read(_chat(tmp_path, text))[0]
    assert isinstance(first, Draft) and first.occurred_at == when


@pytest.mark.parametrize("date", ["01/12/2026", "12/12/2026", "01/02/26"])
def test_a_date_that_reads_both_ways_is_refused_by_its_line(tmp_path: Path, date: str) -> None:
    path = _chat(tmp_path, f"Chat export\n{date}, 10:00 - Aigerim: x\n")
    assert _refusal(path) == (
        f"{path}: line 2: the date {date!r} could be day/month or month/day",
        AMBIGUOUS,
    )
    [draft] = [d for d in _read(path, Options(date_order="mdy")) if isinstance(d, Draft)]
    assert draft.occurred_at.month == int(date[:2])


@pytest.mark.parametrize(
    ("year", "read"), [("26", 2026), ("99", 2099), ("100", 100), ("2026", 2026)]
)
def test_a_two_digit_year_is_in_this_century_and_a_longer_one_as_written(
    tmp_path: Path, year: str, read: int
) -> None:
    [draft] = _read(_chat(tmp_path, f"04.07.{year}, 21:05 - Aigerim: x\n"))
    assert isinstance(draft, Draft) and draft.occurred_at.year == read


@pytest.mark.parametrize(
    ("clock", "read"),
    [
        ("21:05", (21, 5, 0)),
        ("21.05.09", (21, 5, 9)),
        ("12:05 AM", (0, 5, 0)),
        ("0:08 a. m.", (0, 8, 0)),
        ("12:05 PM", (12, 5, 0)),
        ("9:05\u202fp.m.", (21, 5, 0)),
        ("11:59:59 pm", (23, 59, 59)),
    ],
)
def test_each_clock_is_read_to_the_second(
    tmp_path: Path, clock: str, read: tuple[int, int, int]
) -> None:
    [draft] = _read(_chat(tmp_path, f"7/14/26, {clock} - Aigerim: x\n"))
    assert isinstance(draft, Draft)
    hour, minute, second = read
    assert draft.occurred_at == datetime(2026, 7, 14, hour, minute, second, tzinfo=ALMATY)


def test_an_hour_past_twelve_on_a_12_hour_clock_is_refused_by_its_line(tmp_path: Path) -> None:
    path = _chat(tmp_path, f"{'7/14/26, 11:05 PM - Aigerim: x'}\n7/14/26, 13:05 PM - Dana: y\n")
    assert _refusal(path) == (f"{path}: line 2: 13:05 PM is not a 12-hour time", None)


def test_a_date_that_does_not_exist_is_refused_by_its_line(tmp_path: Path) -> None:
    path = _chat(tmp_path, f"{MESSAGE}\n31/02/2026, 10:00 - Aigerim: x\n")
    assert _refusal(path) == (
        f"{path}: line 2: 31/02/2026, 10:00 is not a real date in dmy order",
        "try the other --date-order",
    )


def test_a_chat_without_a_message_line_is_refused_with_what_one_looks_like(
    tmp_path: Path,
) -> None:
    path = _chat(tmp_path, "Chat export\nnothing else\n")
    assert _refusal(path) == (
        f"{path}: line 1: no WhatsApp message line found",
        "expected lines like '04/07/2026, 21:05 - Name: text' or '[04.07.26, 21:05:09] Name: text'",
    )


@pytest.mark.parametrize(
    ("author", "read"),
    [
        ("~\u202fAigerim", "Aigerim"),
        ("~ Aigerim\u00a0", "Aigerim"),
        ("\u202aAigerim\u202c", "Aigerim"),
        ("A" * 80, "A" * 80),
        ("Xenia X", "Xenia X"),
    ],
    ids=["iOS group", "Android group", "isolates", "80 characters", "a name's own letters"],
)
def test_an_author_is_read_without_what_the_app_puts_around_it(
    tmp_path: Path, author: str, read: str
) -> None:
    [draft] = _read(_chat(tmp_path, f"14/07/2026, 21:05 - {author}: hi\n"))
    assert isinstance(draft, Draft) and draft.counterparty == read


@pytest.mark.parametrize(
    "line",
    [
        "14/07/2026, 21:05 - ~ : hi",
        f"14/07/2026, 21:05 - {'A' * 81}: hi",
        "14/07/2026, 21:05 - Messages and calls are end-to-end encrypted. Tap to learn more.",
        "14/07/2026, 21:05 - Group: Messages and calls are end-to-end encrypted.",
    ],
    ids=["no author", "81 characters", "notice", "notice behind a name"],
)
def test_a_line_without_a_person_s_name_is_a_system_message(tmp_path: Path, line: str) -> None:
    items = _read(_chat(tmp_path, f"{MESSAGE}\n{line}\n"))
    assert items[1] == Skipped("line 2", "a system message")


def test_a_body_keeps_its_spaces_and_loses_the_mark_before_it(tmp_path: Path) -> None:
    text = "14/07/2026, 21:05 - Aigerim: \u200ehi  \nthere \n\n\n"
    assert _texts(_chat(tmp_path, text)) == ["hi  \nthere "]


def test_a_message_of_the_longest_text_kept_is_read_and_one_more_refused(
    tmp_path: Path,
) -> None:
    longest = "x" * MAX_TEXT
    assert _texts(_chat(tmp_path, f"14/07/2026, 21:05 - Aigerim: {longest}\n")) == [longest]
    path = _chat(tmp_path, f"{MESSAGE}\n14/07/2026, 21:05 - Aigerim: {longest}y\n")
    assert _refusal(path) == (
        f"{path}: line 2: a message of {MAX_TEXT + 1} characters, more than the {MAX_TEXT} kept",
        "the file may be damaged; export it again",
    )


def test_a_12_hour_clock_is_kept_as_written(tmp_path: Path) -> None:
    [draft] = _read(_chat(tmp_path, "7/14/26, 9:05\u202fp.m. - Aigerim: x\n"))
    assert isinstance(draft, Draft)
    assert draft.raw == {
        "line": 1,
        "date": "7/14/26",
        "time": "9:05",
        "ampm": "p.m.",
        "author": "Aigerim",
    }
