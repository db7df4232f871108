"""Every language of i18n.LANGS is complete everywhere a person reads blockwatch.

Adding a language: its code in ``i18n.LANGS``, a catalog (``python -m blockwatch.i18n``), a
column in each table of ``blockwatch/documents`` and a template per letter type.  This file
fails until all of them are there.
"""

from __future__ import annotations

import pytest

from blockwatch import documents, i18n, when
from blockwatch.documents.verify import STEP_COMMANDS
from blockwatch.report import letters


def test_one_list_of_languages() -> None:
    from blockwatch import env

    assert i18n.SOURCE in i18n.LANGS
    assert set(i18n.CATALOGS) == set(i18n.LANGS) - {i18n.SOURCE}
    assert "|".join(i18n.LANGS) == i18n.METAVAR
    assert env.check_language(i18n.LANGS[-1], "--lang") == i18n.LANGS[-1]


# What a journalist types after an incident, in each language: a day word, a part of the day,
# a month name and a number word.  A new language fails here until when.py reads its phrases.
TYPED = {
    "en": ("yesterday at 7pm", "4 July 8:41 pm", "two hours ago"),
    "ru": ("вчера в 7 вечера", "4 июля в 20:41", "два часа назад"),
    "kk": ("кеше кешкі сағат 7-де", "4 шілдеде 20:41", "екі сағат бұрын"),
}


def test_dates_are_read_in_every_language() -> None:
    from datetime import UTC, datetime

    assert set(TYPED) == set(i18n.LANGS)
    now = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)  # 11:00 in Almaty
    for phrases in TYPED.values():
        got = [when.parse_when(p, "Asia/Almaty", now).isoformat() for p in phrases]
        assert got == [
            "2026-07-04T19:00:00+05:00",
            "2026-07-04T20:41:00+05:00",
            "2026-07-05T09:00:00+05:00",
        ]


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("document", documents.DOCUMENTS)
def test_every_document_table_has_every_key_in_every_language(document: str, lang: str) -> None:
    source = documents.texts(document, i18n.SOURCE)
    table = documents.texts(document, lang)
    assert set(table) == set(source)
    assert all(value for value in table.values()), [k for k, v in table.items() if not v]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_verify_texts_have_one_step_per_command(lang: str) -> None:
    assert len(documents.texts("verify", lang)["steps"]) == len(STEP_COMMANDS)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("kind", letters.TYPES)
def test_every_letter_type_has_a_template_in_every_language(kind: str, lang: str) -> None:
    assert (documents.LETTERS / documents.letter_template(kind, lang)).is_file()


@pytest.mark.reads_source
@pytest.mark.parametrize("lang", i18n.CATALOGS)
def test_every_catalog_exists_and_is_compiled(lang: str) -> None:
    po = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    assert po.is_file() and po.with_suffix(".mo").is_file()
    assert [p for p in i18n.problems() if p.startswith(f"{lang}:")] == []


def test_an_unknown_document_is_an_error() -> None:
    with pytest.raises(KeyError):
        documents.texts("leaflet", "en")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_letter_part_exists_in_every_language(lang: str) -> None:
    parts = {p.name.split(".")[0] for p in documents.LETTERS.glob(f"_*.{i18n.SOURCE}.md.j2")}
    assert parts, "the letters share parts (_facts, _bundle)"
    for part in parts:
        assert (documents.LETTERS / documents.letter_template(part, lang)).is_file(), part


@pytest.mark.parametrize(
    ("given", "told"),
    [("kz", "--lang kk"), ("Kazakh", "--lang kk"), ("русский", "--lang ru"), ("eng", "--lang en")],
)
def test_a_language_named_another_way_is_told_its_code(given: str, told: str) -> None:
    """Issue 17: `--lang kz` (the country) is answered with the language's code, kk."""
    from blockwatch.env import check_language
    from blockwatch.errors import UsageError

    with pytest.raises(UsageError) as raised:
        check_language(given, "--lang")
    assert raised.value.hint is not None and raised.value.hint.endswith(told)
    with pytest.raises(UsageError) as raised:
        check_language("xx", "--lang")
    assert raised.value.hint is None
