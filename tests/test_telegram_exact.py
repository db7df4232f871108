"""Telegram's result.json, read exactly (issue 20's survivors in ``_text`` and ``_when``):
what a message's text becomes whatever shape it has, and the exact line of each date refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from blockwatch.importers import telegram
from blockwatch.importers.base import Draft, ImportFailed, Options, Skipped


def _file(tmp_path: Path, *messages: dict[str, Any]) -> Path:
    path = tmp_path / "result.json"
    chat = {"name": "Unknown Caller", "type": "personal_chat", "id": 1001, "messages": messages}
    path.write_text(json.dumps(chat), encoding="utf-8")
    return path


def _message(**fields: Any) -> dict[str, Any]:
    return {"id": 7, "type": "message", "date_unixtime": "1783181109", "from": "X", **fields}


def _options() -> Options:
    return Options(latest=datetime(2026, 12, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        (
            ["Open ", {"type": "link", "text": "https://x.example"}, " now"],
            "Open https://x.example now",
        ),
        (["a", {"type": "custom_emoji"}, "b"], "ab"),  # an entity without text adds nothing
        (["a", 5, None, ["nested"], "b"], "ab"),  # neither a string nor an entity: left out
        ([{"type": "bold", "text": 12}], "12"),
        (None, ""),
        (42, ""),
        ({"text": "an object, not a list"}, ""),
    ],
)
def test_a_message_text_of_any_shape_becomes_its_words(
    tmp_path: Path, text: Any, expected: str
) -> None:
    [draft] = list(telegram.parse(_file(tmp_path, _message(text=text)), _options()))
    assert isinstance(draft, Draft) and draft.details["text"] == expected


def test_an_impossible_unix_time_is_refused_with_its_first_40_digits(tmp_path: Path) -> None:
    stamp = "9" * 45
    path = _file(tmp_path, _message(date_unixtime=stamp))
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    assert info.value.message == (
        f"{path}: chat 1001, message 7: date_unixtime={'9' * 40!r} is not a possible date"
    )


@pytest.mark.parametrize(
    ("stamp", "message"),
    [
        ("946684799", "date_unixtime=946684799 is 1999-12-31 23:59:59 UTC, before 2000"),
        ("1893456000", "date_unixtime=1893456000 is 2030-01-01 00:00:00 UTC, in the future"),
    ],
)
def test_a_unix_time_a_phone_could_not_have_written_is_refused_exactly(
    tmp_path: Path, stamp: str, message: str
) -> None:
    path = _file(tmp_path, _message(date_unixtime=stamp))
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    assert info.value.message == f"{path}: chat 1001, message 7: {message}"
    assert info.value.hint is not None and "--accept-odd-dates" in info.value.hint


HINT = "export the chat again with Telegram Desktop (JSON format)"


def _refused(tmp_path: Path, **fields: Any) -> ImportFailed:
    message = {"id": 7, "type": "message", "from": "X", "text": "hi", **fields}
    path = _file(tmp_path, message)
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    return info.value


def test_a_unix_time_that_is_not_digits_is_refused_even_beside_a_good_local_date(
    tmp_path: Path,
) -> None:
    failed = _refused(tmp_path, date_unixtime="1783181109x", date="2026-07-04T21:05:09")
    path = tmp_path / "result.json"
    assert failed.message == (
        f"{path}: chat 1001, message 7: date_unixtime='1783181109x' is not epoch seconds"
    )
    assert failed.hint == HINT


def test_a_local_date_that_is_not_a_date_is_refused_with_its_first_40_characters(
    tmp_path: Path,
) -> None:
    local = "July the fourth, in the evening, after the calls began"
    failed = _refused(tmp_path, date=local)
    path = tmp_path / "result.json"
    assert failed.message == (
        f"{path}: chat 1001, message 7: date={local[:40]!r} is not a date and time"
    )
    assert failed.hint == HINT


def test_a_local_date_with_an_offset_is_refused(tmp_path: Path) -> None:
    """Telegram's ``date`` never has an offset: one that does is not Telegram's."""
    failed = _refused(tmp_path, date="2026-07-04T21:05:09+05:00")
    assert failed.message.endswith("date='2026-07-04T21:05:09+05:00' is not a date and time")


@pytest.mark.parametrize(
    ("local", "said"),
    [
        # Almaty was UTC+6 until March 2024: a zone, never a fixed offset
        ("1999-12-31T23:59:59", "date=1999-12-31T23:59:59 is 1999-12-31 23:59:59 +06, before 2000"),
        (
            "2031-01-01T00:00:00",
            "date=2031-01-01T00:00:00 is 2031-01-01 00:00:00 +05, in the future",
        ),
    ],
)
def test_a_local_date_a_phone_could_not_have_written_is_refused_exactly(
    tmp_path: Path, local: str, said: str
) -> None:
    failed = _refused(tmp_path, date=local)
    assert failed.message == f"{tmp_path / 'result.json'}: chat 1001, message 7: {said}"


def test_a_local_date_is_read_in_the_zone_given(tmp_path: Path) -> None:
    message = {"id": 7, "type": "message", "from": "X", "text": "hi", "date": "2026-07-04T21:05:09"}
    [draft] = list(telegram.parse(_file(tmp_path, message), _options()))
    assert isinstance(draft, Draft)
    assert draft.occurred_at == datetime(2026, 7, 4, 16, 5, 9, tzinfo=UTC)


def test_a_local_date_longer_than_40_characters_is_refused_not_cut_short(
    tmp_path: Path,
) -> None:
    """40 characters that Python reads as a date (20 digits of fraction), and one more: the
    date is refused whole instead of read from its first 40 characters."""
    at_cap = "2026-07-04T21:05:09." + "1" * 20
    message = {"id": 7, "type": "message", "from": "X", "text": "hi", "date": at_cap}
    [draft] = list(telegram.parse(_file(tmp_path, message), _options()))
    assert isinstance(draft, Draft) and draft.occurred_at.second == 9
    failed = _refused(tmp_path, date=at_cap + "1")
    assert failed.message.endswith(f"date={at_cap!r} is not a date and time")


def test_a_chat_without_a_name_or_ids_is_named_by_what_it_has(tmp_path: Path) -> None:
    """No chat id and no message ids (some exports): the chat is named by its first 40
    characters, the message by its place counted from 1; a call with no actor and no chat
    name is from "unknown"."""
    long_name = "Unknown caller from a number that keeps changing every day"
    path = tmp_path / "result.json"
    chat = {"name": long_name, "messages": [{"type": "message", "from": "X", "text": "hi"}]}
    path.write_text(json.dumps(chat), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    assert info.value.message.startswith(f"{path}: chat {long_name[:40]!r}, message #1: ")
    nameless = {
        "messages": [
            {
                "id": 1,
                "type": "service",
                "action": "phone_call",
                "date_unixtime": "1783181109",
                "discard_reason": "missed",
            }
        ]
    }
    path.write_text(json.dumps(nameless), encoding="utf-8")
    [call] = list(telegram.parse(path, _options()))
    assert isinstance(call, Draft)
    assert (call.platform, call.counterparty) == ("telegram", "unknown")


def test_mine_by_name_makes_the_journalist_s_own_messages_and_calls_outgoing(
    tmp_path: Path,
) -> None:
    path = _file(
        tmp_path,
        _message(**{"from": "Aigerim Demo", "text": "mine"}),
        {**_message(text="theirs"), "id": 8},
        {
            "id": 9,
            "type": "service",
            "action": "phone_call",
            "actor": "AIGERIM DEMO",
            "date_unixtime": "1783181109",
            "discard_reason": "hangup",
        },
    )
    options = Options(latest=datetime(2026, 12, 1, tzinfo=UTC), mine="aigerim demo")
    mine, theirs, call = list(telegram.parse(path, options))
    assert isinstance(mine, Draft) and isinstance(theirs, Draft) and isinstance(call, Draft)
    assert (mine.details["direction"], theirs.details["direction"]) == ("out", "in")
    assert call.details == {"direction": "out", "outcome": "answered", "source_type": "hangup"}
    assert call.counterparty == "Unknown Caller"  # an outgoing call is to the chat
    assert mine.platform == "telegram"


KEPT = (
    "id",
    "type",
    "date",
    "date_unixtime",
    "from",
    "from_id",
    "actor",
    "actor_id",
    "action",
    "discard_reason",
    "duration_seconds",
    "media_type",
    "file",
    "photo",
    "edited",
    "edited_unixtime",
    "forwarded_from",
    "reply_to_message_id",
)


def test_the_source_s_own_fields_are_kept_as_evidence_and_no_others(tmp_path: Path) -> None:
    """Every field Telegram writes that a reader may need later is kept in ``raw``, under its
    own name; text, entities and anything unknown are not (the text is in ``details``)."""
    message = {name: f"value of {name}" for name in KEPT}
    message.update(
        type="message",
        date="2026-07-04T21:05:09",
        date_unixtime="1783181109",
        text="hi",
        text_entities=[],
        something_new="not kept",
    )
    path = tmp_path / "result.json"
    chat = {"name": "Unknown Caller", "type": "personal_chat", "id": 1001, "messages": [message]}
    path.write_text(json.dumps(chat), encoding="utf-8")
    [draft] = list(telegram.parse(path, _options()))
    assert isinstance(draft, Draft)
    assert draft.raw == {
        **{name: message[name] for name in KEPT},
        "chat": {"id": 1001, "name": "Unknown Caller", "type": "personal_chat"},
    }


@pytest.mark.parametrize(
    "fields",
    [{"date_unixtime": "1783181109"}, {"date": "2026-07-04T21:05:09"}],
    ids=["unix time only", "local date only"],
)
def test_a_message_with_a_date_but_no_type_is_skipped_as_unknown(
    tmp_path: Path, fields: dict[str, str]
) -> None:
    [skipped] = list(telegram.parse(_file(tmp_path, {"id": 7, **fields}), _options()))
    assert isinstance(skipped, Skipped)
    assert (skipped.where, skipped.why) == ("chat 1001, message 7", "unknown message type None")


def test_an_object_with_neither_type_nor_date_is_not_a_telegram_message(tmp_path: Path) -> None:
    path = _file(tmp_path, {"id": 7, "text": "hi"})
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    assert info.value.message == (
        f"{path}: chat 1001, message 7: not a Telegram message (no 'type' and no 'date')"
    )
    assert info.value.hint == "expected Telegram Desktop's result.json (Export chat history, JSON)"


def _content_key(chat_id: object, when: datetime, message: dict[str, Any], n: int) -> str:
    """The documented key of a message without an id: what makes a re-import find it."""
    import hashlib

    content = json.dumps(
        [
            when.isoformat(),
            message.get("type"),
            message.get("from_id"),
            message.get("actor_id"),
            message.get("action"),
            message.get("text"),
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    ident = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{chat_id}|content:{ident}|{n}"


def test_messages_without_ids_are_keyed_by_their_content_and_repeat_count(
    tmp_path: Path,
) -> None:
    """The key decides whether a record imported again is found present: it must not change
    between versions.  Two identical messages are two records (counted 1 and 2); a lone
    surrogate in the text (JSON allows it) is kept, not a crash."""
    same = {"type": "message", "date_unixtime": "1783181109", "from_id": "user7", "text": "Hi"}
    odd = {**same, "text": ["é \ud800", {"type": "bold", "text": "x"}]}
    path = _file(tmp_path, same, dict(same), odd)
    first, second, third = list(telegram.parse(path, _options()))
    when = datetime.fromtimestamp(1783181109, tz=UTC)
    assert isinstance(first, Draft) and isinstance(second, Draft) and isinstance(third, Draft)
    assert first.key == _content_key(1001, when, same, 1)
    assert second.key == _content_key(1001, when, same, 2)
    assert third.key == _content_key(1001, when, odd, 1)
    assert third.key != first.key


def test_mine_by_name_leaves_other_people_s_calls_incoming(tmp_path: Path) -> None:
    base = {"type": "service", "action": "phone_call", "date_unixtime": "1783181109"}
    path = _file(
        tmp_path,
        {**base, "id": 1, "actor": "Unknown Caller", "discard_reason": "missed"},
        {**base, "id": 2, "discard_reason": "missed"},  # no actor at all
    )
    options = Options(latest=datetime(2026, 12, 1, tzinfo=UTC), mine="none")
    calls = list(telegram.parse(path, options))
    assert [c.details["direction"] for c in calls if isinstance(c, Draft)] == ["in", "in"]


def _call(**fields: Any) -> dict[str, Any]:
    return {
        "id": 9,
        "type": "service",
        "action": "phone_call",
        "date_unixtime": "1783181109",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "details"),
    [
        (
            {"duration_seconds": 1, "discard_reason": "hangup"},
            {"direction": "in", "outcome": "answered", "duration": 1, "source_type": "hangup"},
        ),
        (
            {"duration_seconds": 0, "discard_reason": "busy"},
            {"direction": "in", "outcome": "rejected", "source_type": "busy"},
        ),
        (
            {"discard_reason": "a reason Telegram adds later"},
            {"direction": "in", "source_type": "a reason Telegram adds later"},
        ),
        ({}, {"direction": "in"}),
    ],
    ids=["one second", "busy", "unknown reason", "no reason"],
)
def test_a_call_s_outcome_comes_from_its_duration_or_its_reason(
    tmp_path: Path, fields: dict[str, Any], details: dict[str, Any]
) -> None:
    [call] = list(telegram.parse(_file(tmp_path, _call(**fields)), _options()))
    assert isinstance(call, Draft) and call.details == details


def test_an_incoming_call_is_from_its_actor_and_a_message_from_its_sender(
    tmp_path: Path,
) -> None:
    """The counterparty is who acted (a call) or who wrote (a message); without one, the chat's
    name; without that either, "unknown"."""
    path = _file(
        tmp_path,
        _call(actor="+44 7700 900123"),
        {**_call(), "id": 10},
        {
            "id": 11,
            "type": "message",
            "date_unixtime": "1783181109",
            "from_id": "user9",
            "text": "a",
        },
        {"id": 12, "type": "message", "date_unixtime": "1783181109", "text": "b"},
    )
    drafts = [d for d in telegram.parse(path, _options()) if isinstance(d, Draft)]
    assert [d.counterparty for d in drafts] == [
        "+44 7700 900123",
        "Unknown Caller",
        "user9",
        "Unknown Caller",
    ]
    nameless = tmp_path / "nameless.json"
    message = {"id": 1, "type": "message", "date_unixtime": "1783181109", "text": "c"}
    nameless.write_text(json.dumps({"id": 5, "messages": [message]}), encoding="utf-8")
    [draft] = list(telegram.parse(nameless, _options()))
    assert isinstance(draft, Draft) and draft.counterparty == "unknown"


def test_in_a_full_export_the_account_holder_s_messages_are_outgoing(tmp_path: Path) -> None:
    """A full export names its owner (personal_information.user_id): messages from that id
    are the journalist's own."""
    path = tmp_path / "result.json"
    mine = {"id": 1, "type": "message", "date_unixtime": "1783181109", "from_id": "user42"}
    theirs = {**mine, "id": 2, "from_id": "user7"}
    doc = {
        "personal_information": {"user_id": 42},
        "chats": {"list": [{"id": 5, "name": "X", "messages": [mine, theirs]}]},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    out, in_ = list(telegram.parse(path, _options()))
    assert isinstance(out, Draft) and isinstance(in_, Draft)
    assert (out.details["direction"], in_.details["direction"]) == ("out", "in")


def test_a_message_s_media_is_named_by_its_file_photo_or_type(tmp_path: Path) -> None:
    base = {"type": "message", "date_unixtime": "1783181109", "from": "X", "text": ""}
    path = _file(
        tmp_path,
        {**base, "id": 1, "media_type": "voice_message"},
        {**base, "id": 2, "photo": "photos/photo_1.jpg"},
        {**base, "id": 3, "file": "files/claim.pdf", "media_type": "document"},
        {**base, "id": 4},
    )
    drafts = [d for d in telegram.parse(path, _options()) if isinstance(d, Draft)]
    assert [d.details.get("media") for d in drafts] == [
        ["voice_message"],
        ["photos/photo_1.jpg"],
        ["files/claim.pdf"],
        None,
    ]


def test_json_with_neither_messages_nor_chats_is_refused_exactly(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "something else"}), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        list(telegram.parse(path, _options()))
    assert info.value.message == f"{path}: top level: no 'messages' and no 'chats'"
    assert info.value.hint == "expected Telegram Desktop's result.json (Export chat history, JSON)"


def test_id_less_calls_are_keyed_by_their_actor_and_action_too(tmp_path: Path) -> None:
    """Two id-less calls at the same second that differ only in who called, or in the action,
    are two records."""
    call = {"type": "service", "action": "phone_call", "date_unixtime": "1783181109"}
    by_a = {**call, "actor_id": "user1"}
    by_b = {**call, "actor_id": "user2"}
    other = {**call, "actor_id": "user1", "action": "group_call"}  # a service message: skipped
    path = _file(tmp_path, by_a, by_b, other)
    drafts = [d for d in telegram.parse(path, _options()) if isinstance(d, Draft)]
    when = datetime.fromtimestamp(1783181109, tz=UTC)
    assert [d.key for d in drafts] == [
        _content_key(1001, when, by_a, 1),
        _content_key(1001, when, by_b, 1),
    ]
    assert drafts[0].key != drafts[1].key


def test_a_message_whose_only_media_field_is_file_names_it(tmp_path: Path) -> None:
    message = {
        "id": 1,
        "type": "message",
        "date_unixtime": "1783181109",
        "from": "X",
        "text": "",
        "file": "files/claim.pdf",
    }
    [draft] = list(telegram.parse(_file(tmp_path, message), _options()))
    assert isinstance(draft, Draft) and draft.details["media"] == ["files/claim.pdf"]
