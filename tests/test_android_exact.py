"""An Android SMS backup read exactly (issue 20): every box of an SMS and an MMS, who the other
party is, which attributes are kept as evidence, the text an MMS carries, and the key that
tells a repeated message from the same one exported twice.  Each draft is compared whole, so
a changed direction, key, platform or raw attribute fails here.  Real files in a temporary
folder, read by ``android.parse_sms``; nothing here touches a vault."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blockwatch.importers import Draft, ImportFailed, Options, Skipped, android

DATE = "1783181109000"
WHEN = datetime(2026, 7, 4, 16, 5, 9, tzinfo=UTC)
# the first 16 hex digits of SHA-256 of each text: the key's digest
CODE = "14d081fe4f7aad26"  # "Code 1234"
EMPTY = "e3b0c44298fc1c14"  # ""
PICTURE = "2f6c8d037cb941b0"  # "see picture"
TWO_LINES = "26c60a61d01db583"  # "hello\nworld"


def _backup(tmp_path: Path, *elements: str) -> Path:
    path = tmp_path / "sms.xml"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<smses count='1'>\n"
        + "\n".join(elements)
        + "\n</smses>\n",
        encoding="utf-8",
    )
    return path


def _read(path: Path, options: Options | None = None) -> list[Draft | Skipped | None]:
    return list(android.parse_sms(path, options or Options()))


def _second_read_elsewhere(
    read: Callable[[Path, Options], list[Draft | Skipped | None]], path: Path
) -> tuple[list[Draft | Skipped | None], list[int]]:
    """What ``read`` yields when another process reads record 1 (a parallel import), and
    which records it was asked about."""
    seen: list[int] = []

    def others(n: int) -> bool:
        seen.append(n)
        return n == 1

    return read(path, Options(others=others)), seen


def _sms(type_: str, direction: str) -> Draft:
    return Draft(
        key=f"sms|{DATE}|+77011234567|{direction}|{CODE}",
        kind="message",
        occurred_at=WHEN,
        platform="sms",
        counterparty="+77011234567",
        details={"direction": direction, "text": "Code 1234"},
        raw={"address": "+77011234567", "date": DATE, "type": type_},
    )


@pytest.mark.parametrize(
    ("type_", "direction"),
    [("1", "in"), ("2", "out"), ("4", "out"), ("5", "out"), ("6", "out"), ("9", "in")],
    ids=["inbox", "sent", "outbox", "failed", "queued", "unknown"],
)
def test_each_sms_box_is_read_as_its_direction(tmp_path: Path, type_: str, direction: str) -> None:
    path = _backup(
        tmp_path,
        f'<sms address="+77011234567" date="{DATE}" type="{type_}" body="Code 1234" '
        'readable_date="4 Jul 2026 21:05:09" />',
    )
    assert _read(path) == [_sms(type_, direction)]


@pytest.mark.parametrize("type_", ["", 'type="null"'], ids=["no type", "null type"])
def test_an_sms_without_a_type_is_incoming(tmp_path: Path, type_: str) -> None:
    path = _backup(
        tmp_path, f'<sms address="+77011234567" date="{DATE}" {type_} body="Code 1234" />'
    )
    [draft] = _read(path)
    assert isinstance(draft, Draft)
    assert draft.details == {"direction": "in", "text": "Code 1234"}
    assert draft.key == f"sms|{DATE}|+77011234567|in|{CODE}"


def test_a_draft_is_skipped_by_its_place(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        f'<sms address="1" date="{DATE}" type="1" body="Code 1234" />',
        f'<sms address="1" date="{DATE}" type="3" body="never sent" />',
    )
    assert _read(path)[1] == Skipped("<sms> element 2", "a draft that was never sent")


@pytest.mark.parametrize(
    ("type_", "read", "opened"),
    [
        ("1", 'read="1"', True),
        ("1", 'read="0"', False),
        ("1", 'read="null"', None),
        ("1", "", None),
        ("2", 'read="1"', None),
        ("2", 'read="0"', None),
    ],
    ids=["in, read", "in, unread", "in, null", "in, no read", "out, read", "out, unread"],
)
def test_only_a_received_sms_says_whether_it_was_opened(
    tmp_path: Path, type_: str, read: str, opened: bool | None
) -> None:
    path = _backup(tmp_path, f'<sms address="1" date="{DATE}" type="{type_}" body="x" {read} />')
    [draft] = _read(path)
    assert isinstance(draft, Draft)
    assert draft.details.get("opened", "absent") == ("absent" if opened is None else opened)


def test_an_sms_without_body_or_address_is_kept_with_empty_ones(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        f'<sms date="{DATE}" type="1" />',
        f'<sms date="{DATE}" address="null" body="null" />',
    )
    first, second = _read(path)
    for draft in (first, second):
        assert isinstance(draft, Draft)
        assert draft.counterparty == ""
        assert draft.details == {"direction": "in", "text": ""}
        assert draft.key == f"sms|{DATE}||in|{EMPTY}"
    assert isinstance(second, Draft)
    assert second.raw == {"address": "null", "date": DATE}  # as written: evidence


def test_the_platform_given_replaces_sms(tmp_path: Path) -> None:
    path = _backup(tmp_path, f'<sms address="1" date="{DATE}" type="1" body="x" />')
    [draft] = _read(path, Options(platform="signal"))
    assert isinstance(draft, Draft) and draft.platform == "signal"


def test_a_record_another_process_reads_is_passed_over_and_still_counted(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        f'<sms address="1" date="{DATE}" type="1" body="x" />',
        f'<mms address="2" date="{DATE}" msg_box="1" />',
        f'<sms address="3" date="{DATE}" type="3" body="draft" />',
    )
    (first, second, third), seen = _second_read_elsewhere(_read, path)
    assert seen == [0, 1, 2]
    assert isinstance(first, Draft) and first.counterparty == "1"
    assert second is None
    assert third == Skipped("<sms> element 3", "a draft that was never sent")


def test_an_sms_date_is_refused_by_its_element(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        f'<sms address="1" date="{DATE}" type="1" body="x" />',
        '<mms address="1" msg_box="1" />',
    )
    with pytest.raises(ImportFailed) as failed:
        _read(path)
    assert failed.value.message == f"{path}: <mms> element 2: no date attribute"


def _mms(box: str, addrs: str, parts: str, address: str = "") -> str:
    attribute = f' address="{address}"' if address else ""
    return (
        f'<mms date="{DATE}" msg_box="{box}"{attribute} readable_date="today" m_type="132">'
        f"<parts>{parts}</parts><addrs>{addrs}</addrs></mms>"
    )


SENDER = '<addr address="+12025550143" type="137" charset="106" />'
RECIPIENTS = (
    '<addr address="insert-address-token" type="137" />'
    '<addr address="" type="151" />'
    '<addr address="insert-address-token" type="151" />'
    '<addr address="+447700900123" type="151" />'
    '<addr address="+447700900999" type="151" />'
)
TEXT = '<part seq="0" ct="text/plain" text="see picture" />'


def test_a_received_mms_is_from_its_sender(tmp_path: Path) -> None:
    path = _backup(tmp_path, _mms("1", RECIPIENTS + SENDER, TEXT, address="+19999999999"))
    [draft] = _read(path)
    assert draft == Draft(
        key=f"mms|{DATE}|+19999999999|in|{PICTURE}",
        kind="message",
        occurred_at=WHEN,
        platform="sms",
        counterparty="+12025550143",
        details={"direction": "in", "text": "see picture"},
        raw={
            "address": "+19999999999",
            "date": DATE,
            "m_type": "132",
            "msg_box": "1",
            "parts": [],
        },
    )


def test_a_sent_mms_is_to_its_first_real_recipient(tmp_path: Path) -> None:
    path = _backup(tmp_path, _mms("2", SENDER + RECIPIENTS, TEXT))
    [draft] = _read(path)
    assert isinstance(draft, Draft)
    assert draft.counterparty == "+447700900123"
    assert draft.details == {"direction": "out", "text": "see picture"}
    assert draft.key == f"mms|{DATE}||out|{PICTURE}"


@pytest.mark.parametrize(
    ("box", "direction"), [("1", "in"), ("2", "out"), ("4", "in"), ("null", "in")]
)
def test_an_mms_box_is_read_as_its_direction(tmp_path: Path, box: str, direction: str) -> None:
    [draft] = _read(_backup(tmp_path, _mms(box, SENDER, TEXT)))
    assert isinstance(draft, Draft) and draft.details["direction"] == direction


@pytest.mark.parametrize(
    ("address", "counterparty"),
    [("+77011234567", "+77011234567"), ("insert-address-token", ""), ("", "")],
    ids=["the element's", "the placeholder", "none"],
)
def test_an_mms_without_its_party_falls_back_to_its_own_address(
    tmp_path: Path, address: str, counterparty: str
) -> None:
    nobody = '<addr address="insert-address-token" type="137" /><addr type="137" />'
    [draft] = _read(_backup(tmp_path, _mms("1", nobody, TEXT, address=address)))
    assert isinstance(draft, Draft) and draft.counterparty == counterparty


def test_an_mms_keeps_its_text_parts_as_text_and_measures_the_rest(tmp_path: Path) -> None:
    parts = (
        '<part seq="-1" ct="application/smil" name="smil.xml" text="&lt;smil/&gt;" />'
        '<part seq="0" ct="text/plain" text="hello" />'
        '<part seq="1" ct="image/jpeg" name="pic.jpg" data="AAAAAAAA" />'
        '<part seq="2" ct="text/x-vCard" />'
        '<part seq="3" ct="video/mp4" cl="clip.mp4" data="AAAAAA" />'
        '<part seq="4" ct="audio/amr" name="null" />'
        '<part seq="5" text="no type" />'
        '<part seq="6" ct="text/plain" text="world" />'
    )
    [draft] = _read(_backup(tmp_path, _mms("1", SENDER, parts)))
    assert isinstance(draft, Draft)
    assert draft.details["text"] == "hello\n\nworld"
    assert draft.raw["parts"] == [
        {"ct": "image/jpeg", "name": "pic.jpg", "bytes": 6},
        {"ct": "video/mp4", "name": "clip.mp4", "bytes": 4},
        {"ct": "audio/amr", "name": "null", "bytes": 0},
        {"ct": None, "name": None, "bytes": 0},
    ]
    assert all(type(part["bytes"]) is int for part in draft.raw["parts"])  # 4, never 4.5


def test_an_mms_of_two_text_parts_is_one_text_of_two_lines(tmp_path: Path) -> None:
    parts = '<part ct="text/plain" text="hello" /><part ct="text/plain" text="world" />'
    [draft] = _read(_backup(tmp_path, _mms("2", RECIPIENTS, parts)))
    assert isinstance(draft, Draft)
    assert draft.details == {"direction": "out", "text": "hello\nworld"}
    assert draft.key.endswith(f"|out|{TWO_LINES}")


def _calls(tmp_path: Path, *attributes: str) -> Path:
    rows = "\n".join(f'<call date="{DATE}" {a} />' for a in attributes)
    path = tmp_path / "calls.xml"
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?>\n<calls count='1'>\n{rows}\n</calls>\n"
    )
    return path


def _calls_read(path: Path, options: Options | None = None) -> list[Draft | Skipped | None]:
    return list(android.parse_calls(path, options or Options()))


def test_a_call_is_one_whole_draft_on_the_phone(tmp_path: Path) -> None:
    path = _calls(tmp_path, 'number="+77011234567" type="3" duration="0" readable_date="today"')
    assert _calls_read(path) == [
        Draft(
            key=f"{DATE}|+77011234567|3",
            kind="call",
            occurred_at=WHEN,
            platform="phone",
            counterparty="+77011234567",
            details={
                "direction": "in",
                "outcome": "missed",
                "duration": 0,
                "source_type": "missed",
            },
            raw={"date": DATE, "number": "+77011234567", "type": "3", "duration": "0"},
        )
    ]
    [other] = _calls_read(path, Options(platform="viber"))
    assert isinstance(other, Draft) and other.platform == "viber"


@pytest.mark.parametrize(
    ("attributes", "counterparty", "key_number"),
    [
        ('number="+77011234567"', "+77011234567", "+77011234567"),
        ('number="+77011234567" presentation="null"', "+77011234567", "+77011234567"),
        ('number="+77011234567" presentation="1"', "+77011234567", "+77011234567"),
        ('number="" presentation="2"', "-2", ""),
        ('number="-1" presentation="2"', "-2", "-1"),
        ('number="-2" presentation="4"', "-3", "-2"),
        ('number="-3" presentation="3"', "-1", "-3"),
        ('number="+77011234567" presentation="2"', "-1", "+77011234567"),
        ("", "", ""),
        ('number="null"', "", ""),
    ],
    ids=[
        "allowed by default",
        "null presentation",
        "allowed",
        "restricted, blank",
        "restricted, -1",
        "payphone, -2",
        "unknown, -3",
        "restricted, a number left",
        "no number",
        "null number",
    ],
)
def test_a_hidden_caller_is_never_given_a_number(
    tmp_path: Path, attributes: str, counterparty: str, key_number: str
) -> None:
    """Android's presentation: 1 allowed, 2 restricted, 3 unknown, 4 payphone; a number
    left beside any of the last three is never trusted (``-1``, ``-2``, ``-3`` as the
    phone's own markers)."""
    [draft] = _calls_read(_calls(tmp_path, f'{attributes} type="1" duration="5"'))
    assert isinstance(draft, Draft)
    assert draft.counterparty == counterparty
    assert draft.key == f"{DATE}|{key_number}|1"


def test_a_call_without_a_type_has_no_direction_and_an_empty_type(tmp_path: Path) -> None:
    [draft] = _calls_read(_calls(tmp_path, 'number="1"'))
    assert isinstance(draft, Draft)
    assert draft.details == {"source_type": ""}
    assert draft.key == f"{DATE}|1|"


def test_a_call_another_process_reads_is_passed_over_and_still_counted(tmp_path: Path) -> None:
    path = _calls(tmp_path, 'number="1" type="1"', 'number="2" type="1"', 'number="3" type="1"')
    (first, second, third), seen = _second_read_elsewhere(_calls_read, path)
    assert seen == [0, 1, 2]
    assert second is None
    assert [d.counterparty for d in (first, third) if isinstance(d, Draft)] == ["1", "3"]


@pytest.mark.parametrize(
    ("digits", "shown"), [(40, "9" * 40), (41, "9" * 40 + "…")], ids=["40 digits", "41 digits"]
)
def test_a_long_duration_is_shown_up_to_forty_digits(
    tmp_path: Path, digits: int, shown: str
) -> None:
    path = _calls(tmp_path, f'number="1" type="1" duration="{"9" * digits}"')
    with pytest.raises(ImportFailed) as failed:
        _calls_read(path)
    said = f"{path}: <call> element 1: duration='{shown}' is not a number of seconds a call lasts"
    assert failed.value.message == said


def _one_sms(tmp_path: Path, body: bytes) -> str:
    head = (
        b"<?xml version='1.0' encoding='UTF-8'?>\n<smses count='1'>\n"
        b'<sms address="1" date="1783181109000" type="1" body="'
    )
    path = tmp_path / "sms.xml"
    path.write_bytes(head + body + b'" />\n</smses>\n')
    [draft] = _read(path)
    assert isinstance(draft, Draft)
    return str(draft.details["text"])


EYES = b"&#55357;&#56384;"  # U+1F440 as two UTF-16 surrogate references, as some phones write it
READ = 16 * 1024  # what ElementTree's iterparse asks for at a time


def test_an_emoji_across_the_parser_s_read_boundary_is_still_one_emoji(tmp_path: Path) -> None:
    """Some phones write an emoji as two references; the stream joins each pair before the
    parser sees it, wherever the pair falls against the chunks it is read in."""
    before = 95  # the bytes of the file before the body
    for start in range(READ - 40, READ + 24):
        text = _one_sms(tmp_path, b"a" * (start - before) + EYES + b"z")
        assert text == "a" * (start - before) + "\U0001f440z", start


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(READ - 400, READ),
    st.lists(st.sampled_from(["a", "é", "\U0001f600", "&amp;", "&#1040;", "eyes"]), max_size=40),
)
def test_a_body_of_any_mix_of_references_is_read_as_written(
    tmp_path: Path, pad: int, tokens: list[str]
) -> None:
    """Whatever comes before the read boundary: text, other references, emoji as UTF-8 or
    as pairs, one after another."""
    meaning = {"&amp;": "&", "&#1040;": "\u0410", "eyes": "\U0001f440"}
    written = "".join(EYES.decode() if t == "eyes" else t for t in tokens).encode()
    expected = "a" * pad + "".join(meaning.get(t, t) for t in tokens)
    assert _one_sms(tmp_path, b"a" * pad + written) == expected


def test_an_encoding_the_parser_cannot_read_is_named(tmp_path: Path) -> None:
    path = tmp_path / "calls.xml"
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-7'?>\n<calls><call date='{DATE}' /></calls>\n"
    )
    with pytest.raises(ImportFailed) as failed:
        _calls_read(path)
    assert (failed.value.message, failed.value.hint) == (
        f"{path}: line 1: the XML declares an encoding that cannot be read "
        "(multi-byte encodings are not supported)",
        "the backup may be cut short or damaged; make it again",
    )


def test_a_call_s_date_is_refused_naming_the_file_and_showing_forty_characters(
    tmp_path: Path,
) -> None:
    path = _calls(tmp_path, 'number="1" type="1"')
    path.write_text(path.read_text().replace(f'date="{DATE}"', f'date="{"1" * 45}"'))
    with pytest.raises(ImportFailed) as failed:
        _calls_read(path)
    assert failed.value.message == (
        f"{path}: <call> element 1: date='{'1' * 40}' is not epoch milliseconds"
    )
    path.write_text(path.read_text().replace("1" * 45, "946684799999"))
    with pytest.raises(ImportFailed) as failed:
        _calls_read(path)
    assert failed.value.message == (
        f"{path}: <call> element 1: date=946684799999 is 1999-12-31 23:59:59 UTC, before 2000"
    )
