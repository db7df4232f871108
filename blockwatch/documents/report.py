"""Words of the report (``TEXTS``) and of values in reports and letters (``LABELS``), in every
language of ``i18n.LANGS``.  Every language has every key (tests/test_languages.py)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Evidence report",
        "case": "Case",
        "exported": "Exported",
        "source": "Source",
        "source_text": "a blockwatch vault kept by the person concerned",
        "fingerprint": "Signing key fingerprint (SHA-256)",
        "fingerprint_note": "Compare it with the fingerprint you were given in person or by phone.",
        "ledger": "Ledger",
        "ledger_text": "entries in the signed ledger; every incident below is proven to be part of it",
        "summary": "Summary",
        "by_kind": "Incidents by kind",
        "by_platform": "Incidents by platform",
        "calls": "Incoming calls",
        "total": "total",
        "foreign": "from foreign numbers",
        "domestic": "from domestic numbers",
        "withheld": "from withheld numbers",
        "withheld_number": "number withheld",
        "unknown": "origin unknown",
        "by_country": "Calls from foreign numbers by country",
        "country": "Country",
        "count": "Count",
        "busiest": "Busiest hour of foreign calls",
        "busiest_text": "{calls} between {start} and {end}",
        "to_block": "From the first foreign contact to the block",
        "notices": "Block and takedown notices",
        "appeals": "Appeals",
        "status": "Status",
        "due": "Due",
        "overdue": "overdue, no answer",
        "next_appk-91": "this is a refusal in law",
        "next_upk-185": "a refusal to accept can be appealed to the prosecutor",
        "to": "To",
        "timeline": "Timeline",
        "numbering": (
            "Incident numbers (#1, #2, …) are given by the sender, in the order the incidents "
            "were recorded; a gap means incidents this bundle does not include."
        ),
        "occurred": "Occurred",
        "recorded": "Recorded",
        "who": "Who",
        "details": "Details",
        "time": "Time",
        "what": "What",
        "events": "events, by incident number",
        "timeline_chart": "Incoming calls over time",
        "other_countries": "other countries",
        "today": "today",
        "chart_step": "Each bar: {step}.",
        "exhibits": "Exhibits: the files in this bundle",
        "exhibit_file": "File, and where it is in the bundle",
        "size": "Size",
        "incident": "Incident",
        "bundle_hash": "The SHA-256 of the bundle file itself cannot be written inside it: whoever hands the bundle over states it (blockwatch prints it when exporting, and the letters carry it); compare it with the output of sha256sum.",
        "page": "Page",
        "source_of": "how",
        "platform": "Platform",
        "note": "Note",
        "attachments": "Attachments",
        "not_included": "not included in this bundle; listed by its SHA-256",
        "disclosures": "Earlier disclosures of these incidents",
        "disclosures_text": "Bundles exported before this one that held some of these incidents, "
        "as the signed ledger recorded each export; the sender chose to list them here.",
        "recipient": "Recipient",
        "recipient_not_named": "not named",
        "bundle": "Bundle",
        "incidents": "Incidents",
        "others": "and {count} not in this bundle",
        "amended": "Corrections (the original stays in the ledger)",
        "was": "was",
        "why": "why",
        "none": "none",
        "proves": "What this bundle proves, and what it does not",
        "proves_yes": "It proves that its files are exactly those the holder of the signing key "
        "signed; that every incident in it, with every correction and attachment recorded for "
        "it up to the export, is part of that person's signed ledger; and that nothing was "
        "added to or removed from the bundle since.",
        "proves_no": "By itself it does not prove when the records were made (the times come "
        "from the journalist's own computer), nor that the ledger was not rewritten before the "
        "export. That needs something from outside: a time stamp from an independent authority "
        "(listed below when the bundle carries one), or a checkpoint the journalist gave a "
        "lawyer or colleague earlier, which 'blockwatch verify --witness' checks this bundle "
        "against.",
        "clock_set_back": "The signer's computer clock was set back before entries about "
        "incidents {ids}: they were recorded at an earlier time than the entry before them, so "
        "their recorded times may be wrong.",
        "stamps": "Time stamps from outside authorities",
        "stamps_text": "Independent time-stamping authorities (RFC 3161) signed, at the times "
        "below, a fingerprint of the signed ledger as it then stood. Every incident listed for "
        "a time stamp was recorded by that time, whatever the journalist's computer clock "
        "said. VERIFY.txt shows how to check each time stamp with openssl, and whose root "
        "certificate vouches for it.",
        "authority": "Authority",
        "stamped_at": "Time it vouches for",
        "covers": "Ledger entries covered",
        "clock_ahead": "The signer's computer clock ran ahead before entries about incidents "
        "{ids}: they were recorded at a later time than an authority's time stamp that covers "
        "them, so their recorded times may be wrong.",
        "cosigned": "Checkpoints cosigned by witnesses",
        "cosigned_text": "People the journalist gave her checkpoints to (a lawyer, a colleague) "
        "signed, at the times below, that the signed ledger then had the size given and extended "
        "every earlier checkpoint they had seen. Every incident listed existed by then. Check "
        "each witness's key with them: 'blockwatch verify --witness-key' does it.",
        "witness": "Witness",
        "verify": "How to verify this bundle",
        "verify_text": "The files of this bundle are listed with their SHA-256 hashes in "
        "manifest-sha256.txt and tagmanifest-sha256.txt; the latter is signed with the "
        "key in signer.pem. VERIFY.txt gives the exact openssl and sha256sum commands. "
        "A bundle that fails any of them must not be relied on.",
        "kind_call": "Call",
        "kind_message": "Message",
        "kind_block": "Account blocked",
        "kind_takedown": "Content taken down",
        "kind_compromise": "Account compromised",
        "kind_appeal": "Appeal",
        "kind_note": "Note",
    },
    "ru": {
        "title": "Отчёт о доказательствах",
        "case": "Дело",
        "exported": "Выгружено",
        "source": "Источник",
        "source_text": "хранилище blockwatch, которое ведёт пострадавший",
        "fingerprint": "Отпечаток ключа подписи (SHA-256)",
        "fingerprint_note": "Сравните его с отпечатком, который вам сообщили лично или по телефону.",
        "ledger": "Журнал",
        "ledger_text": "записей в подписанном журнале; принадлежность к нему каждого инцидента ниже доказана",
        "summary": "Сводка",
        "by_kind": "Инциденты по видам",
        "by_platform": "Инциденты по платформам",
        "calls": "Входящие звонки",
        "total": "всего",
        "foreign": "с иностранных номеров",
        "domestic": "с местных номеров",
        "withheld": "со скрытых номеров",
        "withheld_number": "номер скрыт",
        "unknown": "происхождение неизвестно",
        "by_country": "Звонки с иностранных номеров по странам",
        "country": "Страна",
        "count": "Количество",
        "busiest": "Самый напряжённый час иностранных звонков",
        "busiest_text": "{calls} с {start} до {end}",
        "to_block": "От первого иностранного контакта до блокировки",
        "notices": "Уведомления о блокировке и удалении",
        "appeals": "Обжалования",
        "status": "Статус",
        "due": "Срок",
        "overdue": "срок истёк, ответа нет",
        "next_appk-91": "по закону это отказ",
        "next_upk-185": "отказ в приёме можно обжаловать прокурору",
        "to": "Куда",
        "timeline": "Хронология",
        "numbering": (
            "Номера инцидентов (#1, #2, …) — собственная нумерация отправителя в порядке "
            "записи; пропуск означает инциденты, которых нет в этом пакете."
        ),
        "occurred": "Произошло",
        "recorded": "Записано",
        "who": "Кто",
        "details": "Подробности",
        "time": "Время",
        "what": "Что",
        "events": "события, по номерам инцидентов",
        "timeline_chart": "Входящие звонки во времени",
        "other_countries": "другие страны",
        "today": "сегодня",
        "chart_step": "Каждый столбец: {step}.",
        "exhibits": "Опись приложений: файлы в этом пакете",
        "exhibit_file": "Файл и его место в пакете",
        "size": "Размер",
        "incident": "Инцидент",
        "bundle_hash": "SHA-256 самого файла пакета нельзя записать внутри него: его сообщает тот, кто передаёт пакет (blockwatch выводит его при выгрузке, он указан в письмах); сравните его с результатом sha256sum.",
        "page": "Страница",
        "source_of": "как",
        "platform": "Платформа",
        "note": "Примечание",
        "attachments": "Вложения",
        "not_included": "не включено в пакет; указано по хешу SHA-256",
        "disclosures": "Ранее переданные пакеты с этими инцидентами",
        "disclosures_text": "Пакеты, выгруженные до этого и содержавшие некоторые из этих "
        "инцидентов, как каждую выгрузку записал подписанный журнал; отправитель решил их здесь "
        "перечислить.",
        "recipient": "Получатель",
        "recipient_not_named": "не указан",
        "bundle": "Пакет",
        "incidents": "Инциденты",
        "others": "и ещё {count}, которых нет в этом пакете",
        "amended": "Исправления (исходная запись остаётся в журнале)",
        "was": "было",
        "why": "причина",
        "none": "нет",
        "proves": "Что доказывает этот пакет и чего не доказывает",
        "proves_yes": "Он доказывает, что его файлы — в точности те, которые подписал владелец "
        "ключа подписи; что каждый инцидент в нём, со всеми исправлениями и вложениями, "
        "записанными до выгрузки, входит в подписанный журнал этого человека; и что с тех пор "
        "в пакет ничего не добавлено и из него ничего не удалено.",
        "proves_no": "Сам по себе он не доказывает, когда сделаны записи (время берётся с "
        "компьютера журналиста), и что журнал не был переписан до выгрузки. Для этого нужно "
        "что-то извне: метка времени независимой службы (она приведена ниже, если есть в пакете) "
        "или контрольная точка, которую журналист заранее передал юристу или коллеге; "
        "'blockwatch verify --witness' сверяет с ней этот пакет.",
        "clock_set_back": "Перед записями об инцидентах {ids} часы компьютера отправителя "
        "были переведены назад: они записаны раньше, чем предыдущая запись, поэтому их время "
        "записи может быть неверным.",
        "stamps": "Метки времени независимых служб",
        "stamps_text": "Независимые службы меток времени (RFC 3161) подписали в указанное ниже "
        "время отпечаток подписанного журнала в тогдашнем виде. Каждый инцидент, указанный при "
        "метке времени, был записан не позднее этого времени, что бы ни показывали часы "
        "компьютера журналиста. В VERIFY.ru.txt сказано, как проверить каждую метку с помощью "
        "openssl и чей корневой сертификат за неё ручается.",
        "authority": "Служба",
        "stamped_at": "Удостоверенное время",
        "covers": "Записей журнала охвачено",
        "clock_ahead": "Перед записями об инцидентах {ids} часы компьютера отправителя спешили: "
        "они записаны позже времени метки, которая их охватывает, поэтому их время записи "
        "может быть неверным.",
        "cosigned": "Контрольные точки, заверенные свидетелями",
        "cosigned_text": "Люди, которым журналист передавала контрольные точки (юрист, коллега), "
        "подписали в указанное время, что подписанный журнал тогда имел указанный размер и "
        "продолжал все виденные ими ранее контрольные точки. Каждый указанный инцидент к тому "
        "времени уже существовал. Сверьте ключ каждого свидетеля с ним самим: это делает "
        "'blockwatch verify --witness-key'.",
        "witness": "Свидетель",
        "verify": "Как проверить этот пакет",
        "verify_text": "Файлы пакета перечислены с хешами SHA-256 в manifest-sha256.txt и "
        "tagmanifest-sha256.txt; последний подписан ключом из signer.pem. В VERIFY.ru.txt "
        "приведены точные команды openssl и sha256sum. Пакету, не прошедшему хотя бы "
        "одну проверку, доверять нельзя.",
        "kind_call": "Звонок",
        "kind_message": "Сообщение",
        "kind_block": "Блокировка аккаунта",
        "kind_takedown": "Удаление контента",
        "kind_compromise": "Взлом аккаунта",
        "kind_appeal": "Обжалование",
        "kind_note": "Заметка",
    },
    "kk": {
        "title": "Дәлелдемелер туралы есеп",
        "case": "Іс",
        "exported": "Шығарылған уақыты",
        "source": "Дереккөз",
        "source_text": "зардап шеккен адам жүргізетін blockwatch қоймасы",
        "fingerprint": "Қол қою кілтінің саусақ ізі (SHA-256)",
        "fingerprint_note": "Оны сізге өзі немесе телефон арқылы айтылған саусақ ізімен салыстырыңыз.",
        "ledger": "Журнал",
        "ledger_text": "қол қойылған журналдағы жазба; төмендегі әр оқиғаның оған тиесілі екені дәлелденген",
        "summary": "Қысқаша мәлімет",
        "by_kind": "Оқиғалар түрі бойынша",
        "by_platform": "Оқиғалар платформа бойынша",
        "calls": "Кіріс қоңыраулар",
        "total": "барлығы",
        "foreign": "шетелдік нөмірлерден",
        "domestic": "елдегі нөмірлерден",
        "withheld": "жасырын нөмірлерден",
        "withheld_number": "нөмір жасырын",
        "unknown": "шығу тегі белгісіз",
        "by_country": "Шетелдік нөмірлерден келген қоңыраулар елдер бойынша",
        "country": "Ел",
        "count": "Саны",
        "busiest": "Шетелдік қоңыраулар ең көп болған сағат",
        "busiest_text": "{start} мен {end} аралығында {calls}",
        "to_block": "Алғашқы шетелдік байланыстан бұғатталғанға дейін",
        "notices": "Бұғаттау және жою туралы хабарламалар",
        "appeals": "Шағымдар",
        "status": "Күйі",
        "due": "Мерзімі",
        "overdue": "мерзімі өтті, жауап жоқ",
        "next_appk-91": "заң бойынша бұл — бас тарту",
        "next_upk-185": "қабылдаудан бас тартуға прокурорға шағым жасауға болады",
        "to": "Кімге",
        "timeline": "Хронология",
        "numbering": (
            "Инцидент нөмірлері (#1, #2, …) — жіберушінің өз нөмірлеуі, жазылу ретімен; "
            "аралықтағы бос нөмір бұл пакетке енбеген инциденттерді білдіреді."
        ),
        "occurred": "Болған уақыты",
        "recorded": "Жазылған уақыты",
        "who": "Кім",
        "details": "Толығырақ",
        "time": "Уақыты",
        "what": "Не болды",
        "events": "оқиғалар, оқиға нөмірлері бойынша",
        "timeline_chart": "Кіріс қоңыраулар уақыт бойынша",
        "other_countries": "басқа елдер",
        "today": "бүгін",
        "chart_step": "Әр баған: {step}.",
        "exhibits": "Қосымшалар тізімдемесі: осы пакеттегі файлдар",
        "exhibit_file": "Файл және оның пакеттегі орны",
        "size": "Өлшемі",
        "incident": "Оқиға",
        "bundle_hash": "Пакет файлының өз SHA-256 мәнін оның ішіне жазу мүмкін емес: оны пакетті беретін адам хабарлайды (blockwatch оны шығару кезінде көрсетеді, ол хаттарда бар); оны sha256sum нәтижесімен салыстырыңыз.",
        "page": "Бет",
        "source_of": "қалай",
        "platform": "Платформа",
        "note": "Ескертпе",
        "attachments": "Тіркемелер",
        "not_included": "пакетке енгізілмеген; SHA-256 хеші бойынша көрсетілген",
        "disclosures": "Осы оқиғалар бұрын берілген пакеттер",
        "disclosures_text": "Осыған дейін шығарылған және осы оқиғалардың кейбірін қамтыған "
        "пакеттер, әр шығаруды қол қойылған журнал жазғандай; жіберуші оларды осында тізуді "
        "таңдады.",
        "recipient": "Алушы",
        "recipient_not_named": "көрсетілмеген",
        "bundle": "Пакет",
        "incidents": "Оқиғалар",
        "others": "және осы пакетте жоқ тағы {count}",
        "amended": "Түзетулер (бастапқы жазба журналда қалады)",
        "was": "бұрын",
        "why": "себебі",
        "none": "жоқ",
        "proves": "Бұл пакет нені дәлелдейді және нені дәлелдемейді",
        "proves_yes": "Ол өз файлдарының қол қою кілтінің иесі қол қойған файлдардың дәл өзі "
        "екенін; ондағы әр оқиға шығаруға дейін жазылған барлық түзетулерімен және "
        "тіркемелерімен сол адамның қол қойылған журналына кіретінін; және содан бері пакетке "
        "ештеңе қосылмағанын әрі одан ештеңе алынбағанын дәлелдейді.",
        "proves_no": "Өздігінен ол жазбалардың қашан жасалғанын (уақыт журналистің өз "
        "компьютерінен алынады) және журналдың шығаруға дейін қайта жазылмағанын дәлелдемейді. "
        "Ол үшін сырттан бір нәрсе керек: тәуелсіз қызметтің уақыт белгісі (пакетте болса, ол "
        "төменде келтірілген) не журналист бұрын заңгерге не әріптесіне берген бақылау "
        "нүктесі; 'blockwatch verify --witness' осы пакетті соған қарап тексереді.",
        "clock_set_back": "{ids} оқиғалары туралы жазбалар алдында жіберушінің компьютер "
        "сағаты артқа жылжытылған: олар алдыңғы жазбадан ертерек уақытпен жазылған, сондықтан "
        "олардың жазылу уақыты қате болуы мүмкін.",
        "stamps": "Тәуелсіз қызметтердің уақыт белгілері",
        "stamps_text": "Тәуелсіз уақыт белгісі қызметтері (RFC 3161) төменде көрсетілген уақытта "
        "қол қойылған журналдың сол кездегі саусақ ізіне қол қойды. Уақыт белгісінің тұсында "
        "аталған әр оқиға журналистің компьютер сағаты не көрсетсе де, сол уақыттан кешіктірмей "
        "жазылған. Әр белгіні openssl арқылы қалай тексеруге болатыны және оған кімнің түбір "
        "сертификаты кепілдік беретіні VERIFY.kk.txt ішінде айтылған.",
        "authority": "Қызмет",
        "stamped_at": "Куәландырылған уақыт",
        "covers": "Қамтылған журнал жазбалары",
        "clock_ahead": "{ids} оқиғалары туралы жазбалар алдында жіберушінің компьютер сағаты "
        "алға кеткен: олар өздерін қамтитын уақыт белгісінен кейін жазылған, сондықтан олардың "
        "жазылу уақыты қате болуы мүмкін.",
        "cosigned": "Куәгерлер растаған бақылау нүктелері",
        "cosigned_text": "Журналист бақылау нүктелерін берген адамдар (заңгер, әріптес) "
        "көрсетілген уақытта қол қойылған журналдың сол кезде көрсетілген көлемде болғанын және "
        "олар бұрын көрген барлық бақылау нүктелерін жалғастырғанын қол қойып растады. Аталған "
        "әр оқиға сол уақытқа дейін болған. Әр куәгердің кілтін өзімен салыстырыңыз: мұны "
        "'blockwatch verify --witness-key' жасайды.",
        "witness": "Куәгер",
        "verify": "Бұл пакетті қалай тексеруге болады",
        "verify_text": "Пакет файлдары SHA-256 хештерімен manifest-sha256.txt және tagmanifest-sha256.txt "
        "файлдарында көрсетілген; соңғысына signer.pem ішіндегі кілтпен қол қойылған. "
        "VERIFY.kk.txt ішінде openssl және sha256sum командалары нақты берілген. Бір тексеруден "
        "өтпеген пакетке сенуге болмайды.",
        "kind_call": "Қоңырау",
        "kind_message": "Хабарлама",
        "kind_block": "Аккаунт бұғатталды",
        "kind_takedown": "Контент жойылды",
        "kind_compromise": "Аккаунт бұзылды",
        "kind_appeal": "Шағым",
        "kind_note": "Жазба",
    },
}


# "{n} calls" in each language's grammar, by CLDR plural category (babel's Locale.plural_form):
# Russian says 1 звонок, 2 звонка, 5 звонков, 21 звонок.
CALLS: dict[str, dict[str, str]] = {
    "en": {"one": "{n} call", "other": "{n} calls"},
    "ru": {"one": "{n} звонок", "few": "{n} звонка", "many": "{n} звонков", "other": "{n} звонка"},
    "kk": {"one": "{n} қоңырау", "other": "{n} қоңырау"},
}


# Values stored in the ledger (appeal targets, channels, statuses), as a letter writes them.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "whatsapp": "WhatsApp",
        "instagram": "Instagram",
        "facebook": "Facebook",
        "telegram": "Telegram",
        "police": "the police",
        "ministry": "the ministry",
        "akimat": "the akimat",
        "state-body": "a state body",
        "prosecutor": "the prosecutor's office",
        "court": "the court",
        "ombudsman": "the ombudsman",
        "other": "another body",
        "in-app": "in the app",
        "web-form": "web form",
        "email": "e-mail",
        "letter": "letter",
        "in-person": "in person",
        "draft": "draft",
        "sent": "sent, no answer yet",
        "acknowledged": "acknowledged",
        "registered": "registered",
        "not-accepted": "refused acceptance",
        "answered": "answered",
        "rejected": "rejected",
        "granted": "granted",
        "no-response": "no response",
        "unavailable": "appeal not possible",
        "check_articles": "Before sending, check these articles against the codes in force: {articles}.",
        "promised": "the recipient's own promise",
        "typed": "as noted by the sender",
    },
    "ru": {
        "whatsapp": "WhatsApp",
        "instagram": "Instagram",
        "facebook": "Facebook",
        "telegram": "Telegram",
        "police": "полицию",
        "ministry": "министерство",
        "akimat": "акимат",
        "state-body": "государственный орган",
        "prosecutor": "прокуратуру",
        "court": "суд",
        "ombudsman": "уполномоченному по правам человека",
        "other": "иной орган",
        "in-app": "через приложение",
        "web-form": "веб-форма",
        "email": "электронная почта",
        "letter": "письмо",
        "in-person": "лично",
        "draft": "черновик",
        "sent": "направлено, ответа пока нет",
        "acknowledged": "получено адресатом",
        "registered": "зарегистрировано",
        "not-accepted": "в приёме отказано",
        "answered": "дан ответ",
        "rejected": "отклонено",
        "granted": "удовлетворено",
        "no-response": "ответа нет",
        "unavailable": "обжалование невозможно",
        "check_articles": "Перед отправкой сверьте эти статьи с действующей редакцией кодексов: {articles}.",
        "promised": "обещание адресата",
        "typed": "указан заявителем",
    },
    "kk": {
        "whatsapp": "WhatsApp",
        "instagram": "Instagram",
        "facebook": "Facebook",
        "telegram": "Telegram",
        "police": "полицияға",
        "ministry": "министрлікке",
        "akimat": "әкімдікке",
        "state-body": "мемлекеттік органға",
        "prosecutor": "прокуратураға",
        "court": "сотқа",
        "ombudsman": "адам құқықтары жөніндегі уәкілге",
        "other": "өзге органға",
        "in-app": "қосымша арқылы",
        "web-form": "веб-форма",
        "email": "электрондық пошта",
        "letter": "хат",
        "in-person": "жеке өзі",
        "draft": "жоба",
        "sent": "жіберілді, әзірге жауап жоқ",
        "acknowledged": "алушы қабылдады",
        "registered": "тіркелді",
        "not-accepted": "қабылдаудан бас тартылды",
        "answered": "жауап берілді",
        "rejected": "қабылданбады",
        "granted": "қанағаттандырылды",
        "no-response": "жауап жоқ",
        "unavailable": "шағымдану мүмкін емес",
        "check_articles": "Жібермес бұрын осы баптарды кодекстердің қолданыстағы редакциясымен салыстырыңыз: {articles}.",
        "promised": "алушының уәдесі",
        "typed": "өтініш беруші көрсеткен",
    },
}
