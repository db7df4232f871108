"""Telegram Desktop "Export chat history" in JSON (``result.json``): one chat or a full export.

Facts: docs/IMPORT-FORMATS.md section 4.  ``date_unixtime`` is the instant (``date`` is the
exporting computer's local time, without an offset).  Calls are service messages with
``action: phone_call``; Telegram never exports phone numbers, so the counterparty of a call
is the chat's name.  Text may be a string or a list of strings and entity objects.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from blockwatch.i18n import _
from blockwatch.importers.base import (
    Draft,
    ImportFailed,
    Options,
    Parsed,
    Skipped,
    ascii_digits,
    check_date,
    load_json,
)

MAX_JSON_BYTES = 1024**3
OUTCOMES = {"missed": "missed", "busy": "rejected", "hangup": "answered", "disconnect": "answered"}


def parse(path: Path, options: Options) -> Parsed:
    with open(path, "rb") as f:
        data = f.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise ImportFailed(str(path), None, _("result.json is larger than 1 GiB"))
    doc = load_json(path, data)
    if not isinstance(doc, dict):
        raise ImportFailed(
            str(path), _("position 0"), _("expected a JSON object (Telegram's result.json)")
        )
    me = None
    personal = doc.get("personal_information")
    if isinstance(personal, dict) and personal.get("user_id") is not None:
        me = f"user{personal['user_id']}"
    if isinstance(doc.get("chats"), dict):
        chats = doc["chats"].get("list")
        if not isinstance(chats, list):
            raise ImportFailed(str(path), _("chats.list"), _("expected a list of chats"))
    elif isinstance(doc.get("messages"), list):
        chats = [doc]
    else:
        raise ImportFailed(
            str(path),
            _("top level"),
            _("no 'messages' and no 'chats'"),
            hint=_("expected Telegram Desktop's result.json (Export chat history, JSON)"),
        )
    for index, chat in enumerate(chats):
        if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
            raise ImportFailed(
                str(path),
                _("chat {index}").format(index=index),
                _("a chat without a 'messages' list"),
            )
        yield from _chat(path, chat, me, options)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in value
            if isinstance(part, (str, dict))
        )
    return ""


def _when(path: Path, where: str, message: dict[str, Any], options: Options) -> datetime:
    """``date_unixtime`` (the instant); older Telegram Desktop versions write only ``date``, the
    exporting computer's local time, read here in ``options.timezone``."""
    stamp = message.get("date_unixtime")
    if isinstance(stamp, str) and ascii_digits(stamp):
        try:
            instant = datetime.fromtimestamp(int(stamp[:20]), tz=UTC)
        except (OverflowError, ValueError, OSError):
            raise ImportFailed(
                str(path),
                where,
                _("date_unixtime={stamp!r} is not a possible date").format(stamp=stamp[:40]),
            ) from None
        return check_date(str(path), where, instant, f"date_unixtime={stamp}", options)
    local = message.get("date")
    if stamp is None and isinstance(local, str):
        try:  # never more than 40 characters: the date is refused, not cut short
            naive = datetime.fromisoformat(local) if len(local) <= 40 else None
        except ValueError:
            naive = None
        if naive is not None and naive.tzinfo is None:
            instant = naive.replace(tzinfo=ZoneInfo(options.timezone))
            return check_date(str(path), where, instant, f"date={local}", options)
        raise ImportFailed(
            str(path),
            where,
            _("date={date!r} is not a date and time").format(date=local[:40]),
            hint=_("export the chat again with Telegram Desktop (JSON format)"),
        )
    raise ImportFailed(
        str(path),
        where,
        _("date_unixtime={stamp!r} is not epoch seconds").format(stamp=stamp),
        hint=_("export the chat again with Telegram Desktop (JSON format)"),
    )


def _chat(path: Path, chat: dict[str, Any], me: str | None, options: Options) -> Parsed:
    chat_id, chat_name = chat.get("id"), str(chat.get("name") or "")
    # Where a record is, in words a reader can find in the file: ids when the export has them,
    # else the chat's name and the message's place in it (never "chat None, message None").
    chat_label = chat_id if chat_id is not None else repr(chat_name[:40])
    repeats: Counter[str] = Counter()
    platform = options.platform or "telegram"
    mine = options.mine.casefold() if options.mine else None
    for position, message in enumerate(chat["messages"], 1):
        if not isinstance(message, dict):
            raise ImportFailed(
                str(path),
                _("chat {chat_id}").format(chat_id=chat_label),
                _("a message is not an object"),
            )
        mid = message.get("id")
        where = _("chat {chat}, message {message}").format(
            chat=chat_label, message=mid if mid is not None else f"#{position}"
        )
        if "type" not in message and "date" not in message and "date_unixtime" not in message:
            raise ImportFailed(
                str(path),
                where,
                _("not a Telegram message (no 'type' and no 'date')"),
                hint=_("expected Telegram Desktop's result.json (Export chat history, JSON)"),
            )
        if message.get("type") == "service" and message.get("action") != "phone_call":
            # Skipped before anything else is read: it needs no date to be left out.
            yield Skipped(
                where, _("a service message ({action})").format(action=message.get("action"))
            )
            continue
        when = _when(path, where, message, options)
        raw = {
            k: v
            for k, v in message.items()
            if k
            in (
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
        }
        raw["chat"] = {"id": chat_id, "name": chat_name, "type": chat.get("type")}
        if mid is not None:
            key = f"{chat_id}|{mid}"
        else:  # no id (some exports): the record's own content, and how often it repeats
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
            repeats[ident] += 1
            key = f"{chat_id}|content:{ident}|{repeats[ident]}"
        if message.get("type") == "service":
            actor = str(message.get("actor_id") or "")
            outgoing = (me is not None and actor == me) or (
                mine is not None and str(message.get("actor", "")).casefold() == mine
            )
            details: dict[str, Any] = {"direction": "out" if outgoing else "in"}
            reason = message.get("discard_reason")
            duration = message.get("duration_seconds")
            if isinstance(duration, int) and duration > 0:
                details.update(outcome="answered", duration=duration)
            elif isinstance(reason, str) and reason in OUTCOMES:
                details["outcome"] = (
                    "missed" if reason == "hangup" and not outgoing else OUTCOMES[reason]
                )
            if reason is not None:
                details["source_type"] = str(reason)
            who = chat_name if outgoing else str(message.get("actor") or chat_name)
            yield Draft(key, "call", when, platform, who or "unknown", details, raw)
            continue
        if message.get("type") != "message":
            yield Skipped(
                where, _("unknown message type {type!r}").format(type=message.get("type"))
            )
            continue
        sender = str(message.get("from") or message.get("from_id") or chat_name or "unknown")
        outgoing = (me is not None and message.get("from_id") == me) or (
            mine is not None and sender.casefold() == mine
        )
        details = {"direction": "out" if outgoing else "in", "text": _text(message.get("text"))}
        if message.get("media_type") or message.get("photo") or message.get("file"):
            details["media"] = [
                str(message.get("file") or message.get("photo") or message.get("media_type"))
            ]
        if message.get("edited"):
            details["edited"] = True
        yield Draft(key, "message", when, platform, sender, details, raw)
