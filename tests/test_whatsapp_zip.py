"""WhatsApp's zip exports read as hostile files (issue 20's survivors in ``_open_zip``,
``_read_chat`` and ``_reader``): which members are refused, skipped or chosen, and the exact
line and hint of every refusal — the file, the member, what is wrong, what to do."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from blockwatch.importers import whatsapp
from blockwatch.importers.base import ImportFailed, Options

CHAT = "04.07.26, 21:05 - +44 7700 900123: Hello\n04.07.26, 21:06 - Aigerim Demo: Who?\n"
UNSAFE = "unsafe path in the zip (path traversal)"
UNSAFE_HINT = "this is not a WhatsApp export; do not open it"
DAMAGED_HINT = "export the chat again"


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _refusal(path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        list(whatsapp.parse(path, Options()))
    return info.value


def _opened(path: Path) -> tuple[str, dict[str, int]]:
    with zipfile.ZipFile(path) as zf:
        chat, media = whatsapp._open_zip(path, zf)
    return chat, {name: m.size for name, m in media.items()}


@pytest.mark.parametrize(
    "name",
    ["../x.jpg", "media/../../x.jpg", "/etc/x.jpg", "\\x.jpg", "media\\x.jpg", "C:x.jpg", "C:"],
)
def test_every_unsafe_member_name_is_refused_exactly(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), (name, b"x")])
    failed = _refusal(path)
    assert failed.message == f"{path}: member {name!r}: {UNSAFE}"
    assert failed.hint == UNSAFE_HINT


@pytest.mark.parametrize("name", ["x", "ab:c.jpg", "..x.jpg", "media/x..jpg", "dir/c:x.jpg"])
def test_names_that_only_look_unsafe_are_media(tmp_path: Path, name: str) -> None:
    """A one-character name, a colon after the second character, dots inside a name."""
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), (name, b"abc")])
    assert _opened(path) == ("_chat.txt", {name.split("/")[-1]: 3})


def _flagged(path: Path, bits: int) -> Path:
    """The last member's general-purpose flags, set in its local header and central entry
    (zipfile clears them when it writes)."""
    data = bytearray(path.read_bytes())
    for magic, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.rindex(magic) + offset
        data[at : at + 2] = (int.from_bytes(data[at : at + 2], "little") | bits).to_bytes(
            2, "little"
        )
    path.write_bytes(bytes(data))
    return path


def test_an_encrypted_member_is_refused_exactly(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), ("IMG-1.jpg", b"x")])
    failed = _refusal(_flagged(path, 0x1))  # the bit a password-protected zip sets
    assert failed.message == f"{path}: member 'IMG-1.jpg': the zip is encrypted"


def test_other_flag_bits_are_not_encryption(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), ("IMG-1.jpg", b"abcd")])
    assert _opened(_flagged(path, 0x2)) == ("_chat.txt", {"IMG-1.jpg": 4})  # a harmless bit


def test_a_zip_without_a_chat_is_refused_exactly(tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.zip", [("IMG-1.jpg", b"x")])
    failed = _refusal(path)
    assert failed.message == f"{path}: the zip holds no chat (.txt) file"
    assert failed.hint == (
        "expected WhatsApp's 'Export chat' zip with _chat.txt or 'WhatsApp Chat with …'"
    )


def test_mac_resource_forks_and_folders_are_skipped_and_nothing_after_them(
    tmp_path: Path,
) -> None:
    path = _zip(
        tmp_path / "chat.zip",
        [
            ("__MACOSX/._chat.txt", b"junk"),
            ("__MACOSX/IMG-0.jpg", b"junk"),
            ("media/", b""),
            ("._IMG-1.jpg", b"junk"),
            ("media/._IMG-2.jpg", b"junk"),
            ("_chat.txt", CHAT.encode()),
            ("media/IMG-3.jpg", b"12345"),
        ],
    )
    assert _opened(path) == ("_chat.txt", {"IMG-3.jpg": 5})


@pytest.mark.parametrize(
    ("names", "chosen"),
    [
        (["notes.txt", "WhatsApp Chat with Ann.txt"], "WhatsApp Chat with Ann.txt"),
        (["readme.txt", "export/_chat.txt"], "export/_chat.txt"),
        (["readme.txt", "_chat.txt.bak.txt"], "readme.txt"),
        (["notes.txt"], "notes.txt"),
        (["a/whatsapp.txt", "b/_CHAT.TXT"], "a/whatsapp.txt"),
    ],
)
def test_the_chat_file_is_chosen_by_its_name(tmp_path: Path, names: list[str], chosen: str) -> None:
    path = _zip(tmp_path / "chat.zip", [(n, CHAT.encode()) for n in names])
    assert _opened(path) == (chosen, {})


def test_a_chat_at_the_cap_is_read_whole_and_one_byte_more_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap on a zipped chat (MAX_CHAT_BYTES, lowered here so the file stays small)."""
    text = (CHAT * 40).rstrip("\n").encode()  # its last byte is the last message's
    monkeypatch.setattr(whatsapp, "MAX_CHAT_BYTES", len(text))
    at_cap = _zip(tmp_path / "at.zip", [("_chat.txt", text)])
    drafts = list(whatsapp.parse(at_cap, Options()))
    assert len(drafts) == 80 and drafts[-1].details["text"] == "Who?"  # the last byte read too
    over = _zip(tmp_path / "over.zip", [("_chat.txt", text + b"\n")])
    failed = _refusal(over)
    assert failed.message == f"{over}: member '_chat.txt': the chat is larger than 512 MiB"


def _damaged_media(tmp_path: Path, name: str) -> Path:
    """A stored media member with one byte flipped: its CRC fails when it is read."""
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), (name, bytes(range(200)))])
    data = bytearray(path.read_bytes())
    data[data.index(bytes(range(100, 120)))] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _read_media(path: Path, name: str) -> ImportFailed:
    with zipfile.ZipFile(path) as zf:
        _chat, media = whatsapp._open_zip(path, zf)
        with pytest.raises(ImportFailed) as info:
            list(media[name].read())
    return info.value


def test_a_damaged_media_file_names_the_zip_the_member_and_the_reason(tmp_path: Path) -> None:
    name = "IMG-20260704-WA0001-" + "x" * 80 + ".jpg"  # a reason longer than 80 characters
    path = _damaged_media(tmp_path, name)
    failed = _read_media(path, name)
    reason = f"Bad CRC-32 for file {name!r}"[:80]
    assert failed.message == f"{path}: member {name!r}: the zip is damaged ({reason})"
    assert failed.hint == DAMAGED_HINT


def test_a_media_file_cut_short_names_its_error_when_it_has_no_text(tmp_path: Path) -> None:
    """The zip says the member is longer than the file: zipfile raises a bare EOFError."""
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode()), ("IMG-1.jpg", b"abcd")])
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # the last member's central directory entry
    for offset in (20, 24):  # compressed and uncompressed sizes: far beyond the file
        data[central + offset : central + offset + 4] = (10**6).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    failed = _read_media(path, "IMG-1.jpg")
    assert failed.message == f"{path}: member 'IMG-1.jpg': the zip is damaged (EOFError)"
    assert failed.hint == DAMAGED_HINT


def test_a_damaged_chat_is_one_line_with_the_reason(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", (CHAT * 20).encode())])
    data = bytearray(path.read_bytes())
    data[data.index(b"Hello") + 2] ^= 0xFF
    path.write_bytes(bytes(data))
    failed = _refusal(path)
    assert re.fullmatch(
        re.escape(f"{path}: the zip is damaged (") + r"Bad CRC-32 for file '_chat\.txt'\)",
        failed.message,
    )
    assert failed.hint == DAMAGED_HINT


def test_a_damaged_chat_s_reason_is_cut_at_eighty_characters(tmp_path: Path) -> None:
    name = "WhatsApp Chat with " + "Aigerim Demo " * 6 + ".txt"
    path = _zip(tmp_path / "chat.zip", [(name, (CHAT * 20).encode())])
    data = bytearray(path.read_bytes())
    data[data.index(b"Hello") + 2] ^= 0xFF
    path.write_bytes(bytes(data))
    reason = f"Bad CRC-32 for file {name!r}"
    assert len(reason) > 80
    assert _refusal(path).message == f"{path}: the zip is damaged ({reason[:80]})"


def test_a_chat_cut_short_names_its_error_when_it_has_no_text(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", CHAT.encode())])
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    for offset in (20, 24):  # compressed and uncompressed sizes: far beyond the file
        data[central + offset : central + offset + 4] = (10**6).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert _refusal(path).message == f"{path}: the zip is damaged (EOFError)"


def test_a_zipped_chat_s_faults_name_the_zip_and_the_chat(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", [("_chat.txt", b"no message here\n")])
    assert _refusal(path).message == (f"{path}:_chat.txt: line 1: no WhatsApp message line found")
