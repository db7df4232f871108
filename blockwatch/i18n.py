"""Messages in English, Russian and Kazakh: GNU gettext catalogs, built with Babel.

``blockwatch/locale/<lang>/LC_MESSAGES/blockwatch.po`` hold the translations and the compiled
``.mo`` files ship in the wheel.  ``_()`` and ``ngettext()`` translate into the language chosen
by ``use()`` (the command line calls it with --lang, BLOCKWATCH_LANG or the locale).  English is
the source language: with no catalog the message is returned as written.

    uv run python -m blockwatch.i18n          # re-extract, merge into the .po files, compile
    uv run python -m blockwatch.i18n --check  # exit 1 if a message is missing or untranslated

Plural forms follow each catalog's header (Russian has three: 1 звонок, 2 звонка, 5 звонков).
"""

from __future__ import annotations

import gettext
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "blockwatch"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The one list of languages: messages, reports, VERIFY files, letters, dates.  English is the
# source language; every other one has a catalog here and a column in every document table
# (tests/test_languages.py).  Adding a language starts with this line.
LANGS = ("en", "ru", "kk")
SOURCE = "en"
CATALOGS = tuple(lang for lang in LANGS if lang != SOURCE)
METAVAR = "|".join(LANGS)  # how --lang shows its values
_FIELD = re.compile(r"\{[^{}]*\}")  # a str.format field: a translation must keep each one

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def use(lang: str) -> None:
    global _current, _language
    _current = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)
    _language = lang


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages in ``lang`` for a while (a document in its reader's language), then as before."""
    before = _language
    use(lang)
    try:
        yield
    finally:
        use(before)


def language() -> str:
    """The language messages are in now (what ``use`` was last given)."""
    return _language


def _(message: str) -> str:
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; ``_()`` translates it where shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


# --------------------------------------------------------------------------- catalog upkeep


def _extract() -> dict[str, tuple[str, str | None]]:
    """msgid -> (msgid, plural) for every marked message in the package."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, tuple[str, str | None]] = {}
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(Path(__file__).parent), method_map=[("**.py", "python")], keywords=keywords
    ):
        if isinstance(message, tuple):
            found[message[0]] = (message[0], message[1])
        else:
            found[message] = (message, None)
    return found


def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def problems() -> list[str]:
    """What is wrong with the catalogs: missing, stale or untranslated messages."""
    from babel.messages.pofile import read_po

    wanted = _extract()
    issues = []
    for lang in CATALOGS:
        with open(_po_path(lang), "rb") as f:
            catalog = read_po(f, locale=lang)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        for missing in sorted(set(wanted) - ids):
            issues.append(f"{lang}: not in the catalog: {missing!r}")
        for stale in sorted(ids - set(wanted)):
            issues.append(f"{lang}: no longer used: {stale!r}")
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or (
                isinstance(message.id, tuple) and len(strings) != catalog.num_plurals
            ):
                issues.append(f"{lang}: untranslated: {message.id!r}")
            original = str(message.id[-1] if isinstance(message.id, tuple) else message.id)
            fields = set(_FIELD.findall(original))
            if any(set(_FIELD.findall(str(s))) != fields for s in strings if s):
                issues.append(f"{lang}: placeholders differ from the original: {message.id!r}")
        mo = _po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            issues.append(f"{lang}: {mo.name} is not compiled from the .po file")
    return issues


def _compiled(catalog: object) -> bytes:
    import io

    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog)  # type: ignore[arg-type]
    return out.getvalue()


def update() -> None:
    """Merge newly marked messages into each .po (keeping translations) and compile them."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    wanted = _extract()
    for lang in CATALOGS:
        path = _po_path(lang)
        old = {}
        if path.exists():
            with open(path, "rb") as f:
                old = {
                    (m.id if isinstance(m.id, str) else m.id[0]): m.string
                    for m in read_po(f, locale=lang)
                    if m.id
                }
        catalog = Catalog(locale=lang, domain=DOMAIN, project="blockwatch", fuzzy=False)
        for key, (singular, plural) in sorted(wanted.items()):
            msgid = (singular, plural) if plural else singular
            catalog.add(msgid, old.get(key, ("",) * catalog.num_plurals if plural else ""))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=True)
        with open(path, "rb") as f:
            path.with_suffix(".mo").write_bytes(_compiled(read_po(f, locale=lang)))


def main() -> int:
    if "--check" in sys.argv[1:]:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
