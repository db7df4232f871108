"""The articles of law blockwatch cites, in one table (issue 19).

Every article a deadline or a letter relies on is here: its code, number (and part), what it
is about in Kazakh, Russian and English, and whether its text was read (``confirmed``; the
facts and their sources are in docs/LEGAL.md).  Output that relies on an unconfirmed article
says "check this article".  A citation is always made with ``cite``, so that a lawyer reading
any deadline or letter sees which article to check, in her language.

Statutory deadlines live here too: an appeal to a state body is answered within 15 working
days of its receipt (the Administrative Procedural and Process Code, art. 76), unless a law
says otherwise; the body's head may extend it, with reasons, to two months.
"""

from __future__ import annotations

from dataclasses import dataclass

# The codes, abbreviated as each language writes them in a citation.
CODES = {
    "appk": {"en": "APPC", "ru": "АППК РК", "kk": "ҚР ӘРПК"},
    "upk": {"en": "CPC", "ru": "УПК РК", "kk": "ҚР ҚПК"},
    "uk": {"en": "CC", "ru": "УК РК", "kk": "ҚР ҚК"},
}
# The codes in full, for a letter's first mention.
CODE_NAMES = {
    "appk": {
        "en": "Administrative Procedural and Process Code of the Republic of Kazakhstan",
        "ru": "Административный процедурно-процессуальный кодекс Республики Казахстан",
        "kk": "Қазақстан Республикасының Әкімшілік рәсімдік-процестік кодексі",
    },
    "upk": {
        "en": "Criminal Procedure Code of the Republic of Kazakhstan",
        "ru": "Уголовно-процессуальный кодекс Республики Казахстан",
        "kk": "Қазақстан Республикасының Қылмыстық-процестік кодексі",
    },
    "uk": {
        "en": "Criminal Code of the Republic of Kazakhstan",
        "ru": "Уголовный кодекс Республики Казахстан",
        "kk": "Қазақстан Республикасының Қылмыстық кодексі",
    },
}


@dataclass(frozen=True)
class Article:
    code: str  # a key of CODES
    number: int
    part: int | None
    about: dict[str, str]  # what it is about, by language
    confirmed: bool  # its text was read (docs/LEGAL.md); else output says to check it


def _a(code: str, number: int, part: int | None, en: str, ru: str, kk: str, ok: bool) -> Article:
    return Article(code, number, part, {"en": en, "ru": ru, "kk": kk}, ok)


ARTICLES = {
    "appk-63": _a(
        "appk",
        63,
        None,
        "what an appeal states",
        "содержание обращения",
        "өтініштің мазмұны",
        True,
    ),
    "appk-64": _a(
        "appk",
        64,
        None,
        "accepting and registering an appeal",
        "приём и регистрация обращения",
        "өтінішті қабылдау және тіркеу",
        True,
    ),
    "appk-76": _a(
        "appk",
        76,
        None,
        "the time to answer an appeal",
        "сроки рассмотрения обращения",
        "өтінішті қарау мерзімдері",
        True,
    ),
    "appk-91": _a(
        "appk",
        91,
        2,
        "no answer in time is a refusal",
        "непринятие решения в срок — отказ",
        "мерзімінде шешім қабылдамау — бас тарту",
        True,
    ),
    "upk-179": _a(
        "upk",
        179,
        1,
        "registration in the Unified Register of Pre-trial Investigations starts the investigation",
        "регистрация в Едином реестре досудебных расследований — начало расследования",
        "сотқа дейінгі тергеп-тексерулердің бірыңғай тізілімінде тіркеу — тергеудің басталуы",
        True,
    ),
    "upk-181": _a(
        "upk",
        181,
        None,
        "a report of a criminal offence",
        "заявление об уголовном правонарушении",
        "қылмыстық құқық бұзушылық туралы арыз",
        True,
    ),
    "upk-185": _a(
        "upk",
        185,
        None,
        "a report must be accepted and registered; a refusal can be appealed",
        "заявление обязательно принимается и регистрируется; отказ обжалуется",
        "арыз міндетті түрде қабылданып, тіркеледі; бас тартуға шағым жасалады",
        True,
    ),
    "uk-419": _a(
        "uk",
        419,
        None,
        "knowingly false report",
        "заведомо ложный донос",
        "көрінеу жалған сөз жеткізу",
        True,
    ),
    "uk-158": _a(
        "uk",
        158,
        None,
        "obstructing a journalist's lawful work",
        "воспрепятствование законной профессиональной деятельности журналиста",
        "журналистің заңды кәсіптік қызметіне кедергі келтіру",
        True,
    ),
    "uk-205": _a(
        "uk",
        205,
        None,
        "unauthorised access to information or a network",
        "неправомерный доступ к информации, в информационную систему или сеть",
        "ақпаратқа, ақпараттық жүйеге немесе желіге заңсыз қол жеткізу",
        True,
    ),
}

STATE_BODIES = ("ministry", "akimat", "state-body")  # answered under the APPC


@dataclass(frozen=True)
class Term:
    """A deadline the law sets: so many working days, extendable to so many months."""

    article: str  # a key of ARTICLES
    working_days: int
    extendable_months: int


STATUTORY = {to: Term("appk-76", 15, 2) for to in STATE_BODIES}


def cite(key: str, lang: str) -> str:
    """An article as a lawyer writes it: "АППК РК, ст. 91 ч. 2", "ҚР ӘРПК, 91-бап 2-бөлік",
    "APPC art. 91(2)"."""
    article = ARTICLES[key]
    code = CODES[article.code].get(lang, CODES[article.code]["en"])
    if lang == "ru":
        part = f" ч. {article.part}" if article.part else ""
        return f"{code}, ст. {article.number}{part}"
    if lang == "kk":
        part = f" {article.part}-бөлік" if article.part else ""
        return f"{code}, {article.number}-бап{part}"
    part = f"({article.part})" if article.part else ""
    return f"{code} art. {article.number}{part}"
