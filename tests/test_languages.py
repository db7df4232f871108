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
    assert list(i18n.LANGS) == when.LANGUAGES
    assert "|".join(i18n.LANGS) == i18n.METAVAR
    assert env.check_language(i18n.LANGS[-1], "--lang") == i18n.LANGS[-1]


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
