"""The texts of the documents blockwatch writes for people, in every language, in one place.

``texts(document, lang)`` is the one lookup: ``report`` (the words of report.html), ``labels``
(stored values as a report or letter names them), ``verify`` (VERIFY.txt).  Letters are Jinja2
templates, ``report/templates/letters/<type>.<lang>.md.j2``, listed by ``letter_templates``.
tests/test_languages.py fails when a language lacks a key any other language has, or a
template.  Messages on the terminal are gettext catalogs instead (``i18n``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

DOCUMENTS = ("report", "labels", "verify")
LETTERS = Path(__file__).resolve().parents[1] / "report" / "templates" / "letters"


def texts(document: str, lang: str) -> Mapping[str, Any]:
    """The table of ``document`` in ``lang`` (KeyError for an unknown one)."""
    if document == "verify":
        from blockwatch.documents.verify import TEXTS as table
    elif document == "report":
        from blockwatch.documents.report import TEXTS as table
    elif document == "labels":
        from blockwatch.documents.report import LABELS as table
    else:
        raise KeyError(document)
    return table[lang]


# Letters written in one language whatever the reader's: a US counter-notification is filed in
# English (``letter`` explains it to the journalist in her language).
ONE_LANGUAGE = {"counter-notice": "en"}


def letter_template(kind: str, lang: str) -> str:
    """The template name of a letter of type ``kind`` in ``lang``."""
    return f"{kind}.{ONE_LANGUAGE.get(kind, lang)}.md.j2"
