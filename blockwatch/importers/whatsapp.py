"""WhatsApp "Export chat": Android and iOS, ``.txt`` or ``.zip`` with media.

Facts: docs/IMPORT-FORMATS.md section 3.  Lines are split on ``\\n`` only (``splitlines``
would also split on U+2028 and friends inside messages); a line that does not start a message
continues the previous one.  Dates follow the phone's locale, so the day/month order is
decided once for the whole file from the evidence in it, or from ``--date-order``.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from blockwatch.i18n import _
from blockwatch.importers.base import Draft, ImportFailed, Media, Options, Parsed, Skipped
from blockwatch.incidents import MAX_TEXT

_BIDI = dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF])
_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
_AMPM = r"(?:[\s\u202f\u00a0]*(?P<ampm>[AaPp]\.?[\s\u00a0\u202f]?[Mm]\.?))?"
ANDROID = re.compile(
    rf"^{_DATE},?[\s\u00a0]{_TIME}{_AMPM}\.?\s[-\u2013]\s(?P<rest>.*)$", re.DOTALL
)  # "13:34. -": a full stop after the time in some locales
IOS = re.compile(rf"^\[{_DATE},?[\s\u00a0]{_TIME}{_AMPM}\]\s(?P<rest>.*)$", re.DOTALL)
# Older exports (2012-2016, reported): "7/8/12, 3:20:08 PM: Name: text", "30/08/16, 17:03:58: …"
OLDER = re.compile(rf"^{_DATE},?[\s\u00a0]{_TIME}{_AMPM}:\s(?P<rest>.*)$", re.DOTALL)

# A line shaped like the file's own message lines whose clock is not one WhatsApp writes
# ("1/23/23, 3:22_AM - Name: …"): the file was changed by hand, and reading it as the previous
# message's next line would merge two messages into one without a word.
NEAR = {
    ANDROID: re.compile(
        rf"^(?P<stamp>{_DATE},?[\s\u00a0]\d{{1,2}}[:.]\d{{2}}\S*(?:[\s\u202f\u00a0]\S+)?)"
        r"\s[-\u2013]\s"
    ),
    IOS: re.compile(rf"^\[(?P<stamp>{_DATE},?[\s\u00a0]\d{{1,2}}[:.]\d{{2}}[^\]\n]{{0,16}})\]\s"),
    OLDER: re.compile(
        rf"^(?P<stamp>{_DATE},?[\s\u00a0]\d{{1,2}}[:.]\d{{2}}[^\s:]*(?:[\s\u202f\u00a0][^\s:]+)?):\s"
    ),
}
# Signal's text export (signal-export, chat-miner): "[2019-12-24, 12:23] Name: text", with no
# seconds.  WhatsApp's bracketed (iOS) lines always carry seconds: such a file is not WhatsApp.
SIGNAL = re.compile(r"^\[\d{4}-\d{2}-\d{2}, \d{2}:\d{2}\] ")

DELETED = {  # compared case-folded, without a final full stop
    "this message was deleted",
    "you deleted this message",
    "данное сообщение удалено",
    "это сообщение было удалено",
    "вы удалили это сообщение",
}
# WhatsApp's own lines, recognised by their words even behind an author or a chat name (group
# chats, iOS): the encryption notice and its older wordings.  Never messages.
SYSTEM = re.compile(
    r"^(messages and calls are end-to-end encrypted"
    r"|messages (to this (chat|group)|you send to this (chat|group)) and calls are now secured"
    r"|messages to this (chat|group) are now secured with end-to-end encryption"
    r"|сообщения и звонки защищены сквозным шифрованием"
    r"|сообщения в (этом|данном) (чате|группе)( и звонки)? (теперь )?защищены сквозным шифрованием"
    r"|хабарламалар мен қоңыраулар .*шифр)",
    re.IGNORECASE,
)
EDITED = (" <This message was edited>", " <Сообщение изменено>", " <Изменено>")
OMITTED = re.compile(
    r"^(<Media omitted>|‹Без медиафайлов>|<Без медиафайлов>"
    r"|(image|video|audio|sticker|document|GIF) omitted"
    r"|(изображение|видео|аудио|стикер|документ|GIF) отсутствует)\.?$",
    re.IGNORECASE,
)
ATTACHED_ANDROID = re.compile(
    r"^(?P<name>\S+\.\w{2,5}) \((file attached|файл прикреплен|файл прикреплён)\)(\n|$)"
)
ATTACHED_IOS = re.compile(r"^<(attached|прикреплено|вложение): (?P<name>[^>]+)>")
CALL_MISSED = re.compile(r"^Missed (voice|video) call")
CALL_DONE = re.compile(r"^(Voice|Video) call(, (?P<what>.*))?$")
_DURATION = re.compile(r"(\d+)\s*(hr|h|min|sec|s)\b")
MAX_CHAT_BYTES = 512 * 1024 * 1024


def looks_like(sample: str) -> bool:
    return any(_match(line) for line in _first_lines(sample))


def looks_like_signal(sample: str) -> bool:
    starts = [line for line in _first_lines(sample) if _match(line)]
    return bool(starts) and all(SIGNAL.match(line) for line in starts)


def _first_lines(sample: str) -> list[str]:
    return [line.translate(_BIDI) for line in sample.replace("\r\n", "\n").split("\n")[:50]]


def _match(line: str) -> re.Match[str] | None:
    return ANDROID.match(line) or IOS.match(line) or OLDER.match(line)


@dataclass
class _Start:
    line: int
    date: str
    time: str
    ampm: str | None
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def parse(path: Path, options: Options) -> Parsed:
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                chat_name, media = _open_zip(path, zf)
                data = _read_chat(path, zf, chat_name)
                yield from _parse_text(f"{path}:{chat_name}", data, options, media)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as e:
            raise ImportFailed(
                str(path),
                None,
                _("the zip is damaged ({reason})").format(reason=str(e)[:80] or type(e).__name__),
                hint=_("export the chat again"),
            ) from None
        return
    with open(path, "rb") as f:
        data = f.read(MAX_CHAT_BYTES + 1)
    if len(data) > MAX_CHAT_BYTES:
        raise ImportFailed(str(path), None, _too_large())
    yield from _parse_text(str(path), data, options, {})


def _open_zip(path: Path, zf: zipfile.ZipFile) -> tuple[str, dict[str, Media]]:
    chats, media = [], {}
    for info in zf.infolist():
        name = info.filename
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or ".." in parts or name[1:2] == ":":
            raise ImportFailed(
                str(path),
                _("member {name!r}").format(name=name),
                _("unsafe path in the zip (path traversal)"),
                hint=_("this is not a WhatsApp export; do not open it"),
            )
        if name.startswith("__MACOSX/") or name.endswith("/") or parts[-1].startswith("._"):
            continue
        if info.flag_bits & 0x1:
            raise ImportFailed(
                str(path), _("member {name!r}").format(name=name), _("the zip is encrypted")
            )
        if name.lower().endswith(".txt"):
            chats.append(name)
        else:
            media[parts[-1]] = Media(parts[-1], info.file_size, _reader(zf, info))
    if not chats:
        raise ImportFailed(
            str(path),
            None,
            _("the zip holds no chat (.txt) file"),
            hint=_(
                "expected WhatsApp's 'Export chat' zip with _chat.txt or 'WhatsApp Chat with …'"
            ),
        )
    preferred = [c for c in chats if c.split("/")[-1] == "_chat.txt" or "WhatsApp" in c]
    return (preferred or chats)[0], media


def _read_chat(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    """The chat's text, never more than MAX_CHAT_BYTES whatever the zip says (a zip bomb
    declares a small size or none)."""
    if zf.getinfo(name).file_size > MAX_CHAT_BYTES:
        raise ImportFailed(str(path), _("member {name!r}").format(name=name), _too_large())
    with zf.open(name) as f:
        data = f.read(MAX_CHAT_BYTES + 1)
    if len(data) > MAX_CHAT_BYTES:
        raise ImportFailed(str(path), _("member {name!r}").format(name=name), _too_large())
    return data


def _too_large() -> str:
    return _("the chat is larger than 512 MiB")


def _reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo):  # type: ignore[no-untyped-def]
    """A media file's bytes, read when it is stored; a damaged member is one clear line."""

    def read() -> Iterator[bytes]:
        try:
            with zf.open(info) as f:
                while chunk := f.read(1024 * 1024):
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as e:
            raise ImportFailed(
                str(zf.filename),
                _("member {name!r}").format(name=info.filename),
                _("the zip is damaged ({reason})").format(reason=str(e)[:80] or type(e).__name__),
                hint=_("export the chat again"),
            ) from None

    return read


def _parse_text(label: str, data: bytes, options: Options, media: dict[str, Media]) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFailed(
            label,
            _("byte {byte}").format(byte=e.start),
            _("not UTF-8 text"),
            hint=_("expected a WhatsApp chat export"),
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts: list[_Start] = []
    layout: re.Pattern[str] | None = None  # the file's own: a chat never mixes them
    for number, line in enumerate(lines, 1):
        plain = line.lstrip("\u200e\ufeff")
        if layout is not None:
            m = layout.match(plain)
        else:
            m = _match(plain)
            if m:
                layout = m.re
        if m:
            starts.append(_Start(number, m["date"], m["time"], m["ampm"], [m["rest"]]))
        elif layout in NEAR and (near := NEAR[layout].match(plain)):
            raise ImportFailed(
                label,
                _("line {line}").format(line=number),
                _("starts like a message, but {stamp!r} is not a time WhatsApp writes").format(
                    stamp=near["stamp"]
                ),
                hint=_("the file was changed after it was exported; export the chat again"),
            )
        elif starts:
            starts[-1].lines.append(line)  # joined once at the end: no quadratic copying
        elif line.strip():
            yield Skipped(_("line {line}").format(line=number), _("text before the first message"))
    if not starts:
        raise ImportFailed(
            label,
            _("line 1"),
            _("no WhatsApp message line found"),
            hint=_(
                "expected lines like '04/07/2026, 21:05 - Name: text' or "
                "'[04.07.26, 21:05:09] Name: text'"
            ),
        )
    order = _date_order(label, starts, options.date_order)
    tz = ZoneInfo(options.timezone)
    seen: Counter[str] = Counter()
    mine = options.mine.casefold().strip() if options.mine else None
    for start in starts:
        where = _("line {line}").format(line=start.line)
        when = _timestamp(label, where, start, order).replace(tzinfo=tz)
        text = start.text
        author, sep, body = text.partition(": ")
        author = author.translate(_BIDI).strip().lstrip("~").strip("\u202f\u00a0 ")
        said = (body if sep else text).translate(_BIDI).strip()
        if not sep or not author or len(author) > 80 or SYSTEM.match(said):
            yield Skipped(where, _("a system message"))
            continue
        body = body.rstrip("\n").lstrip("\u200e")
        if len(body) > MAX_TEXT:
            raise ImportFailed(
                label,
                where,
                _("a message of {count} characters, more than the {max_text} kept").format(
                    count=len(body), max_text=MAX_TEXT
                ),
                hint=_("the file may be damaged; export it again"),
            )
        direction = "out" if mine and author.casefold() == mine else "in"
        digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        ident = f"{when.isoformat()}|{author}|{digest}"
        seen[ident] += 1
        raw = {
            "line": start.line,
            "date": start.date,
            "time": start.time,
            **({"ampm": start.ampm} if start.ampm else {}),
            "author": author,
        }
        yield _draft(f"{ident}|{seen[ident]}", when, author, body, direction, raw, options, media)


def _draft(
    key: str,
    when: datetime,
    author: str,
    body: str,
    direction: str,
    raw: dict[str, object],
    options: Options,
    media: dict[str, Media],
) -> Draft:
    """One message line as a call or a message draft."""
    platform = options.platform or "whatsapp"
    plain = body.translate(_BIDI)
    if CALL_MISSED.match(plain):
        missed = {"direction": direction, "outcome": "missed", "source_type": plain.split(",")[0]}
        return Draft(key, "call", when, platform, author, missed, raw)
    call = CALL_DONE.match(plain)
    if call:
        details: dict[str, object] = {"direction": direction, "source_type": plain}
        what = (call["what"] or "").translate(_BIDI)
        seconds = _seconds(what)
        if seconds:
            details.update(outcome="answered", duration=seconds)
        elif "no answer" in what.lower():
            details["outcome"] = "missed"
        return Draft(key, "call", when, platform, author, details, raw)
    details = {"direction": direction}
    if plain.strip().removesuffix(".").casefold() in DELETED:
        details["deleted"] = True
    for marker in EDITED:
        if body.endswith(marker):
            body = body[: -len(marker)]
            details["edited"] = True
    attached: list[Media] = []
    if OMITTED.match(plain):
        details["media_omitted"] = True
    else:
        m = ATTACHED_ANDROID.match(plain) or ATTACHED_IOS.match(plain)
        if m:
            name = m["name"].strip()
            details["media"] = [name]
            if name in media:
                attached.append(media[name])
            else:
                details["media_missing"] = True
    details["text"] = body
    return Draft(key, "message", when, platform, author, details, raw, attached)


def _seconds(what: str) -> int:
    total = 0
    for amount, unit in _DURATION.findall(what):
        total += int(amount) * {"hr": 3600, "h": 3600, "min": 60, "sec": 1, "s": 1}[unit]
    return total


def _fields(date: str) -> list[str]:
    return re.split(r"[./-]", date)


def _date_order(label: str, starts: list[_Start], given: str | None) -> str:
    if given:
        return given
    firsts = [_fields(s.date) for s in starts]
    if all(len(f[0]) == 4 for f in firsts):
        return "ymd"
    if any(int(f[0]) > 12 for f in firsts):
        return "dmy"
    if any(int(f[1]) > 12 for f in firsts):
        return "mdy"
    if all("." in s.date for s in starts):
        return "dmy"  # dd.mm.yy: the locales that write dots put the day first (ru, kk, de)
    # Every date could be read either way.  The clock does not tell (es-MX and en-IN write
    # 12-hour times after the day, en-US after the month): refused, never guessed.
    raise ImportFailed(
        label,
        _("line {line}").format(line=starts[0].line),
        _("the date {date!r} could be day/month or month/day").format(date=starts[0].date),
        hint=_("say which with --date-order dmy or --date-order mdy"),
    )


def _timestamp(label: str, where: str, start: _Start, order: str) -> datetime:
    a, b, c = (int(x) for x in _fields(start.date))
    year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
    if year < 100:
        year += 2000
    parts = [int(x) for x in re.split(r"[:.]", start.time)]
    hour, minute, second = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
    if start.ampm:  # "PM", "p.m.", "p. m.": the pattern's group starts with its letter
        if not 0 <= hour <= 12:  # 0-11 where the locale's clock counts so (a. m. 00:08)
            raise ImportFailed(
                label,
                where,
                _("{time} {ampm} is not a 12-hour time").format(time=start.time, ampm=start.ampm),
            )
        hour = hour % 12 + (12 if start.ampm[0] in "Pp" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ImportFailed(
            label,
            where,
            _("{date}, {time} is not a real date in {order} order").format(
                date=start.date, time=start.time, order=order
            ),
            hint=_("try the other --date-order"),
        ) from None
