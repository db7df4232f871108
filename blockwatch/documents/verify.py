"""VERIFY.txt in English, Russian and Kazakh: checking a bundle with openssl and sha256sum only.

The commands are the same in every language and are run verbatim by the test suite
(tests/test_bundle.py) on real bundles, intact and tampered.
"""

from __future__ import annotations

from typing import Any

STEP_COMMANDS = [
    "openssl pkeyutl -verify -pubin -inkey signer.pem -rawin "
    "-in tagmanifest-sha256.txt -sigfile tagmanifest-sha256.txt.sig",
    "sha256sum -c tagmanifest-sha256.txt",
    "sha256sum -c manifest-sha256.txt",
    "diff <(find . -type f | sed 's|^\\./||' | sort) "
    "<( (cut -c67- manifest-sha256.txt; cut -c67- tagmanifest-sha256.txt; "
    "echo tagmanifest-sha256.txt; echo tagmanifest-sha256.txt.sig) | sort)",
    "openssl pkey -pubin -in signer.pem -outform DER | tail -c 32 | sha256sum",
]
# Two more steps when the bundle carries RFC 3161 time stamps (data/timestamps/)
STAMP_COMMANDS = [
    'for t in data/timestamps/*.tsr; do openssl ts -verify -in "$t" '
    '-data "${t%.tsr}.checkpoint.txt" -CAfile "${t%.tsr}.root.pem" '
    '-untrusted "${t%.tsr}.chain.pem"; done',
    'for r in data/timestamps/*.root.pem; do openssl x509 -in "$r" -noout -subject '
    "-fingerprint -sha256; done",
]

TEXTS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "HOW TO VERIFY THIS EVIDENCE BUNDLE",
        "intro": (
            "This folder is a signed evidence bundle made by blockwatch. You can check that\n"
            "nothing in it was changed after it was signed, with two standard tools: openssl\n"
            "(version 3 or later) and sha256sum. You do not need blockwatch. Unzip the bundle,\n"
            "open a terminal (bash) in the folder {name}, and run the steps below."
        ),
        "steps": [
            "Check the signature over the list of files. Expected: Signature Verified Successfully",
            "Check the bag's own files (this text, the key, the checkpoint, the lists).\n"
            "   Expected: every line ends in OK",
            "Check every evidence file in data/. Expected: every line ends in OK",
            "Check that no file was added or removed. Expected: no output at all",
            "Compute the fingerprint of the signing key. Expected: the same 64 characters as the\n"
            "   fingerprint the journalist gave you in person or by phone:\n"
            "   {fingerprint}\n"
            "   (compare it with the one you were given, not with the one printed here)",
        ],
        "stamp_steps": [
            "Check the time stamps: each says that an independent time-stamping authority\n"
            "   saw the ledger's checkpoint (data/timestamps/N.checkpoint.txt) at the time it\n"
            '   names. Expected: one line "Verification: OK" for each .tsr file (openssl may\n'
            '   also say "Using configuration from" and warn that a certificate "is not a CA\n'
            '   cert": those lines are not errors)',
            "Show who vouched for those times. Expected: each root is one you trust: compare its\n"
            "   SHA-256 fingerprint with the one the authority publishes",
        ],
        "outro": (
            "If every step gives the expected result, the files are exactly as the holder of this\n"
            "key signed them. If any step fails, the bundle was changed or damaged: do not rely\n"
            "on it, and ask for a new copy. data/report.html is the report for people;\n"
            "data/incidents.json and data/ledger.json are the machine-readable evidence, and\n"
            "'blockwatch verify BUNDLE.zip' runs these checks and more: the ledger proofs, and\n"
            "that the report, the CSV and every attachment agree with the signed entries."
        ),
    },
    "ru": {
        "title": "КАК ПРОВЕРИТЬ ЭТОТ ПАКЕТ ДОКАЗАТЕЛЬСТВ",
        "intro": (
            "Эта папка - подписанный пакет доказательств, созданный программой blockwatch.\n"
            "Убедиться, что после подписания в нём ничего не изменено, можно двумя стандартными\n"
            "программами: openssl (версии 3 и новее) и sha256sum. Устанавливать blockwatch не нужно.\n"
            "Распакуйте архив, откройте терминал (bash) в папке {name} и выполните шаги ниже."
        ),
        "steps": [
            "Проверьте подпись под списком файлов. Ожидается: Signature Verified Successfully",
            "Проверьте служебные файлы пакета (этот текст, ключ, контрольную точку, списки).\n"
            "   Ожидается: каждая строка заканчивается на OK",
            "Проверьте каждый файл доказательств в data/. Ожидается: каждая строка заканчивается на OK",
            "Убедитесь, что ни один файл не добавлен и не удалён. Ожидается: пустой вывод",
            "Вычислите отпечаток ключа подписи. Ожидается: те же 64 символа, что и в отпечатке,\n"
            "   который журналист сообщил вам лично или по телефону:\n"
            "   {fingerprint}\n"
            "   (сравнивайте с тем, что вам сообщили, а не с напечатанным здесь)",
        ],
        "stamp_steps": [
            "Проверьте метки времени: каждая говорит, что независимая служба меток времени\n"
            "   видела контрольную точку журнала (data/timestamps/N.checkpoint.txt) в указанное\n"
            '   в ней время. Ожидается: строка "Verification: OK" для каждого файла .tsr (openssl\n'
            '   может также написать "Using configuration from" и предупредить, что сертификат\n'
            '   "is not a CA cert": это не ошибки)',
            "Посмотрите, кто ручается за это время. Ожидается: каждый корневой сертификат - тот,\n"
            "   которому вы доверяете: сравните его отпечаток SHA-256 с опубликованным службой",
        ],
        "outro": (
            "Если каждый шаг дал ожидаемый результат, файлы в точности такие, какими их подписал\n"
            "владелец этого ключа. Если хотя бы один шаг не прошёл, пакет изменён или повреждён:\n"
            "не полагайтесь на него и запросите новую копию. data/report.html - отчёт для людей;\n"
            "data/incidents.json и data/ledger.json - машиночитаемые доказательства, а команда\n"
            "'blockwatch verify BUNDLE.zip' выполняет эти и дополнительные проверки: доказательства\n"
            "журнала и совпадение отчёта, CSV и каждого вложения с подписанными записями."
        ),
    },
    "kk": {
        "title": "БҰЛ ДӘЛЕЛДЕМЕЛЕР ПАКЕТІН ҚАЛАЙ ТЕКСЕРУГЕ БОЛАДЫ",
        "intro": (
            "Бұл қалта - blockwatch бағдарламасы жасаған, қол қойылған дәлелдемелер пакеті.\n"
            "Қол қойылғаннан кейін ешнәрсе өзгертілмегенін екі стандартты құралмен тексеруге\n"
            "болады: openssl (3-нұсқа не жаңасы) және sha256sum. blockwatch орнатудың қажеті жоқ.\n"
            "Архивті ашып, {name} қалтасында терминал (bash) ашыңыз да, төмендегі қадамдарды орындаңыз."
        ),
        "steps": [
            "Файлдар тізіміне қойылған қолды тексеріңіз. Күтілетін нәтиже: Signature Verified Successfully",
            "Пакеттің қызметтік файлдарын (осы мәтін, кілт, бақылау нүктесі, тізімдер) тексеріңіз.\n"
            "   Күтілетін нәтиже: әр жол OK деп аяқталады",
            "data/ ішіндегі әр дәлелдеме файлын тексеріңіз. Күтілетін нәтиже: әр жол OK деп аяқталады",
            "Бірде-бір файл қосылмағанын не жойылмағанын тексеріңіз. Күтілетін нәтиже: ештеңе шықпайды",
            "Қол қою кілтінің саусақ ізін есептеңіз. Күтілетін нәтиже: журналист сізге өзі немесе\n"
            "   телефон арқылы айтқан саусақ ізімен бірдей 64 таңба:\n"
            "   {fingerprint}\n"
            "   (мұнда басылғанмен емес, сізге айтылғанмен салыстырыңыз)",
        ],
        "stamp_steps": [
            "Уақыт белгілерін тексеріңіз: әрқайсысы тәуелсіз уақыт белгісі қызметі журналдың\n"
            "   бақылау нүктесін (data/timestamps/N.checkpoint.txt) онда көрсетілген уақытта\n"
            '   көргенін айтады. Күтілетін нәтиже: әр .tsr файлы үшін "Verification: OK" жолы\n'
            '   (openssl "Using configuration from" деп жазып, сертификат "is not a CA cert"\n'
            "   деп ескертуі мүмкін: бұл қате емес)",
            "Бұл уақытқа кім кепілдік беретінін қараңыз. Күтілетін нәтиже: әр түбір сертификат -\n"
            "   сіз сенетін сертификат: оның SHA-256 саусақ ізін қызмет жариялағанмен салыстырыңыз",
        ],
        "outro": (
            "Әр қадам күтілген нәтиже берсе, файлдар осы кілт иесі қол қойған күйінде тұр.\n"
            "Қай қадам болмасын өтпесе, пакет өзгертілген не бүлінген: оған сенбеңіз де, жаңа көшірме\n"
            "сұраңыз. data/report.html - адамдарға арналған есеп; data/incidents.json мен\n"
            "data/ledger.json - машина оқитын дәлелдемелер, ал 'blockwatch verify BUNDLE.zip'\n"
            "командасы осы және қосымша тексерулерді орындайды: журнал дәлелдерін, сондай-ақ\n"
            "есептің, CSV-дің және әр тіркеменің қол қойылған жазбалармен сәйкестігін."
        ),
    },
}


def verify_text(lang: str, name: str, fingerprint: str, *, stamped: bool = False) -> str:
    t = TEXTS[lang]
    lines = [t["title"], "=" * len(t["title"]), "", t["intro"].format(name=name), ""]
    steps = list(zip(t["steps"], STEP_COMMANDS, strict=True))
    if stamped:
        steps += zip(t["stamp_steps"], STAMP_COMMANDS, strict=True)
    for number, (step, command) in enumerate(steps, 1):
        lines += [f"{number}. {step.format(fingerprint=fingerprint)}", "", f"   {command}", ""]
    lines += [t["outro"], ""]
    return "\n".join(lines)
