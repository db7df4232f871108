"""Numbers written as words, as people type them in periods and times: "five working days",
"пять рабочих дней", "бес жұмыс күні", "two hours ago", "екі сағат бұрын".

Cardinals from 1 to 99 in English, Russian (the case forms a period takes: пять, пяти; один,
одну, одного) and Kazakh, and the compounds made of them ("twenty-one", "двадцать один",
"жиырма бір", "он бес").  No library reads Russian and Kazakh number words (text2num and
word2number know neither), and this is all the parsers need.
"""

from __future__ import annotations

import re

_ONES = {
    1: "one a an один одна одно одну одного одной бір",
    2: "two два две двух екі",
    3: "three три трёх трех үш",
    4: "four четыре четырёх четырех төрт",
    5: "five пять пяти бес",
    6: "six шесть шести алты",
    7: "seven семь семи жеті",
    8: "eight восемь восьми сегіз",
    9: "nine девять девяти тоғыз",
}
_TEENS = {
    10: "ten десять десяти",
    11: "eleven одиннадцать одиннадцати",
    12: "twelve двенадцать двенадцати",
    13: "thirteen тринадцать тринадцати",
    14: "fourteen четырнадцать четырнадцати",
    15: "fifteen пятнадцать пятнадцати",
    16: "sixteen шестнадцать шестнадцати",
    17: "seventeen семнадцать семнадцати",
    18: "eighteen восемнадцать восемнадцати",
    19: "nineteen девятнадцать девятнадцати",
}
_TENS = {
    10: "он",  # Kazakh builds 11-19 as он + a unit: он бес = 15
    20: "twenty двадцать двадцати жиырма",
    30: "thirty тридцать тридцати отыз",
    40: "forty сорок сорока қырық",
    50: "fifty пятьдесят пятидесяти елу",
    60: "sixty шестьдесят шестидесяти алпыс",
    70: "seventy семьдесят семидесяти жетпіс",
    80: "eighty восемьдесят восьмидесяти сексен",
    90: "ninety девяносто тоқсан",
}


def _table(groups: dict[int, str]) -> dict[str, int]:
    return {word: value for value, words in groups.items() for word in words.split()}


ONES, TEENS, TENS = _table(_ONES), _table(_TEENS), _table(_TENS)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def leading_number(text: str) -> tuple[int, str] | None:
    """The number that ``text`` starts with, in digits or words, and the rest of the text;
    None when it starts with neither.  "twenty-one days" -> (21, " days")."""
    digits = re.match(r"\s*(\d{1,4})(?!\d)", text)
    if digits:
        return int(digits[1]), text[digits.end() :]
    first = _next_word(text, 0)
    if first is None:
        return None
    word, end = first
    if word in TENS:
        value = TENS[word]
        unit = _next_word(text, end, joiners=" -")
        if unit is not None and unit[0] in ONES and unit[0] not in ("a", "an"):
            return value + ONES[unit[0]], text[unit[1] :]
        return value, text[end:]
    if word in TEENS:
        return TEENS[word], text[end:]
    if word in ONES:
        return ONES[word], text[end:]
    return None


def _next_word(text: str, start: int, joiners: str = " ") -> tuple[str, int] | None:
    """The word at ``start`` (after spaces, or one of ``joiners``), lower-cased, and its end."""
    i = start
    while i < len(text) and text[i] in joiners:
        i += 1
    m = _WORD.match(text, i)
    return (m[0].lower(), m.end()) if m else None
