"""Who was on the other end: phone numbers, withheld callers, alphanumeric senders, handles.

A thin layer over ``phonenumbers`` (docs/IMPORT-FORMATS.md section 6).  The result is the
``counterparty`` object of the incident shape:
``{raw, type, e164, region, foreign, valid, number_type}`` where ``type`` is one of
``number | withheld | alphanumeric | handle``.  Withheld, private, alphanumeric and short
numbers never become bogus E.164 numbers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from blockwatch.errors import InputError
from blockwatch.i18n import _

if TYPE_CHECKING:
    from blockwatch.incidents import Counterparty

# Bidi and invisible formatting marks that phones and chat exports put around numbers.
_INVISIBLE = dict.fromkeys(
    [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF], None
)
_SPACES = {0x202F: " ", 0x00A0: " ", 0x2007: " "}

# Android's markers for numbers it will not show (CallLog.Calls presentation).
_WITHHELD_CODES = {"": "unknown", "-1": "unknown", "-2": "private", "-3": "payphone"}
# What people and apps write for a caller they cannot see, in the three languages: typed with
# ``log call`` and found in imported files alike (one list, so counts add up).  Matched as a
# whole phrase, case and punctuation aside: "Номер скрыт", "No caller ID", "жасырын нөмір".
_WITHHELD_WORDS = {
    phrase: kind
    for kind, phrases in {
        "private": (
            "withheld",
            "number withheld",
            "withheld number",
            "private",
            "private number",
            "private caller",
            "hidden",
            "hidden number",
            "anonymous",
            "anonymous caller",
            "restricted",
            "restricted number",
            "no caller id",
            "caller id withheld",
            "скрытый",
            "скрыт",
            "скрытый номер",
            "номер скрыт",
            "скрытый абонент",
            "частный номер",
            "анонимный",
            "анонимный номер",
            "жасырын",
            "жасырын нөмір",
            "нөмір жасырын",
            "жасырылған нөмір",
            "нөмір жасырылған",
        ),
        "unknown": (
            "unknown",
            "unknown number",
            "unknown caller",
            "неизвестный",
            "неизвестно",
            "неизвестный номер",
            "номер неизвестен",
            "неизвестный абонент",
            "белгісіз",
            "белгісіз нөмір",
            "нөмір белгісіз",
            "белгісіз абонент",
        ),
        "payphone": ("payphone", "pay phone", "таксофон", "телефон автомат"),
    }.items()
    for phrase in phrases
}
_SHORT_DIGITS = 7  # fewer digits than this is a short code, not a subscriber number


def clean(raw: str) -> str:
    return raw.translate(_INVISIBLE).translate(_SPACES).strip()


def _phrase(text: str) -> str:
    """Words only, lower case, one space apart: "Номер  скрыт." -> "номер скрыт"."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold().replace("ё", "е")).split())


def counterparty(raw: str, home_region: str = "KZ", *, strict: bool = True) -> Counterparty:
    return cast("Counterparty", _classify(raw, home_region, strict))


def _classify(raw: str, home_region: str, strict: bool) -> dict[str, Any]:
    """Classify and normalise ``raw`` relative to ``home_region``.

    ``strict`` (typed by a person): a string with digits that cannot be a phone number is an
    error.  Not strict (imported records): it is kept, marked ``valid: false``.
    """
    text = clean(raw)
    base: dict[str, Any] = {
        "raw": raw,
        "type": "number",
        "e164": None,
        "region": None,
        "foreign": None,
        "valid": False,
        "number_type": None,
    }
    withheld = _WITHHELD_CODES.get(text) or _WITHHELD_WORDS.get(_phrase(text))
    if withheld:
        return {**base, "type": "withheld", "number_type": withheld}
    if text.startswith("@"):
        return {**base, "type": "handle"}
    digits = re.sub(r"\D", "", text)
    if not digits or re.search(r"[^\d\s()+.\-/]", text):
        if strict and not re.search(r"\w", text):
            raise InputError(
                _("{raw!r} is neither a phone number nor a sender name").format(raw=raw)
            )
        return {**base, "type": "alphanumeric"}
    return _number(text, digits, raw, home_region, strict, base)


def _number(
    text: str, digits: str, raw: str, home: str, strict: bool, base: dict[str, Any]
) -> dict[str, Any]:
    import phonenumbers
    from phonenumbers import shortnumberinfo

    if text.startswith("00"):
        text = "+" + text[2:]
    if len(digits) < _SHORT_DIGITS and not text.startswith("+"):
        try:
            short = phonenumbers.parse(digits, home)
            valid = shortnumberinfo.is_valid_short_number_for_region(short, home)
        except phonenumbers.NumberParseException:
            valid = False
        if strict and not valid:
            raise _impossible(raw)
        return {
            **base,
            "region": home,
            "foreign": False,
            "valid": valid,
            "number_type": "short_code",
        }
    try:
        number = phonenumbers.parse(text, home)
    except phonenumbers.NumberParseException:
        if strict:
            raise _impossible(raw) from None
        return base
    if not phonenumbers.is_possible_number(number):
        if strict:
            raise _impossible(raw)
        return base
    valid = phonenumbers.is_valid_number(number)
    region = _region(number)
    type_name = None
    if valid:
        type_name = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    return {
        **base,
        "e164": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        "region": region,
        "foreign": None if region is None else region != home,
        "valid": valid,
        "number_type": type_name,
    }


def _region(number: Any) -> str | None:
    """Region by phonenumbers; +7 is shared, so split it by the first national digit."""
    import phonenumbers

    if number.country_code == 7:
        first = str(number.national_number)[:1]
        if first == "7":
            return "KZ"  # even when not (yet) a valid KZ number
        if first in "3489":
            return "RU"
        return None
    region = phonenumbers.region_code_for_number(number)
    if region is None:  # not a valid number: fall back on its country code's main region
        region = phonenumbers.region_code_for_country_code(number.country_code)
    return None if region in (None, "ZZ", "001") else region


def _impossible(raw: str) -> InputError:
    return InputError(
        _("{number} is not a possible phone number").format(number=repr(raw)),
        hint=_(
            "give it with its country code (e.g. +447700900123), or 'withheld' if it was hidden"
        ),
    )


_TYPE_NAMES = {
    0: "fixed_line",
    1: "mobile",
    2: "fixed_line_or_mobile",
    3: "toll_free",
    4: "premium_rate",
    5: "shared_cost",
    6: "voip",
    7: "personal_number",
    8: "pager",
    9: "uan",
    10: "voicemail",
}


def region_code(code: str) -> str:
    """A home region as typed (``kz``) -> its code (``KZ``); an unknown one is an error."""
    import phonenumbers

    region = code.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError(
            _("{code!r} is not a region code").format(code=code),
            hint=_("use a two-letter code such as KZ, RU, GB"),
        )
    return region
