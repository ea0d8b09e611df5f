"""Real spellings people text, and what each must reach (command, region, place).

Each row is one way a message arrives: Kyrgyz Cyrillic, Kyrgyz Latin, a Russian phone's stand-ins
(О for Ө, У for Ү, Н for Ң), ZH/J/DJ, typos, extra words, punctuation, a region with its case
ending, Russian words.
"""

import pytest

from hotline.sms.parse import parse_message

# (text, command, region, place)
REACHES = [
    # BALA: children
    ("bala", "children", None, None),
    ("BALA", "children", None, None),
    ("Bala!", "children", None, None),
    ("бала", "children", None, None),
    ("БАЛА", "children", None, None),
    ("bala pls", "children", None, None),
    ("bala chui", "children", "chui", None),
    ("БАЛА ЧҮЙ", "children", "chui", None),
    ("бала чуй", "children", "chui", None),
    ("Bala Naryn", "children", "naryn", None),
    ("бала Нарында", "children", "naryn", None),
    ("baldar", "children", None, None),
    ("балдар Ошто", "children", "osh_city", None),
    ("балага сүйүнчү", "children", None, None),
    ("balaga suyunchu", "children", None, None),
    ("суйунчу", "children", None, None),
    ("bsla", "children", None, None),
    ("balla", "children", None, None),
    ("BАЛА", "children", None, None),          # Latin B, the rest Cyrillic
    ("ДЕТИ", "children", None, None),
    ("дети Бишкек", "children", "bishkek", None),
    ("ребёнок", "children", None, None),
    ("ребенок", "children", None, None),
    # KOMOK: benefits
    ("komok", "benefits", None, None),
    ("KOMOK", "benefits", None, None),
    ("Kömök", "benefits", None, None),
    ("көмөк", "benefits", None, None),
    ("КӨМӨК", "benefits", None, None),
    ("комок", "benefits", None, None),
    ("KOMEK", "benefits", None, None),
    ("комек", "benefits", None, None),
    ("комок ош", "benefits", "osh_city", None),
    ("KOMOK OSH", "benefits", "osh_city", None),
    ("komok osh kerek", "benefits", "osh_city", None),
    ("komok kara-suu", "benefits", "osh", "kara_suu"),
    ("komok karasuu", "benefits", "osh", "kara_suu"),
    ("комок кара суу", "benefits", "osh", "kara_suu"),
    ("komok Ош облусу", "benefits", "osh", None),
    ("komok Ozgon", "benefits", "osh", "uzgen"),
    ("комок Өзгөн", "benefits", "osh", "uzgen"),
    ("komok Batken", "benefits", "batken", None),
    ("KOMOK Баткенде", "benefits", "batken", None),
    ("komok Jalal-Abad", "benefits", "jalal_abad", None),
    ("KOMOK Джалал-Абад", "benefits", "jalal_abad", None),
    ("komok jalalabat", "benefits", "jalal_abad", None),   # one typo in the place
    ("komk", "benefits", None, None),
    ("kommok", "benefits", None, None),
    ("үй-бүлөгө көмөк", "benefits", None, None),
    ("уй-булого комок", "benefits", None, None),
    ("uy bulogo komok", "benefits", None, None),
    ("жөлөкпул", "benefits", None, None),
    ("jolokpul", "benefits", None, None),
    ("zholokpul", "benefits", None, None),
    ("ПОСОБИЕ", "benefits", None, None),
    ("пособие Ош", "benefits", "osh_city", None),
    ("posobie", "benefits", None, None),
    ("социальная помощь", "benefits", None, None),       # not "помощь" alone (legal aid)
    ("Ош комок", "benefits", "osh_city", None),          # the region first
    ("Ошто комок керек", "benefits", "osh_city", None),
    ("Нарынга комок", "benefits", "naryn", None),
    # JARDAM: legal aid and emergencies
    ("jardam", "help", None, None),
    ("JARDAM", "help", None, None),
    ("жардам", "help", None, None),
    ("ЖАРДАМ", "help", None, None),
    ("Zhardam", "help", None, None),
    ("ZHARDAM", "help", None, None),
    ("djardam", "help", None, None),
    ("Jardam  talas!", "help", "talas", None),
    ("JARDAM Талас", "help", "talas", None),
    ("жардам Таласта", "help", "talas", None),
    ("jardm", "help", None, None),
    ("zhardm", "help", None, None),
    ("jarddam", "help", None, None),
    ("жардамга", "help", None, None),
    ("мага жардам керек", "help", None, None),
    ("Саламатсызбы! Жардам керек, Бишкекте", "help", "bishkek", None),
    ("ПОМОЩЬ", "help", None, None),
    ("помогите!", "help", None, None),
    ("pomosh", "help", None, None),
    ("юрист", "help", None, None),
    ("адвокат керек", "help", None, None),
    ("SOS", "help", None, None),
    ("112", "help", None, None),
    ("тез жардам", "help", None, None),
    # JUMUSH: jobs, training, Migrant Ishker
    ("jumush", "jobs", None, None),
    ("JUMUSH", "jobs", None, None),
    ("zhumush", "jobs", None, None),
    ("djumush", "jobs", None, None),
    ("жумуш", "jobs", None, None),
    ("ЖУМУШ Бишкек", "jobs", "bishkek", None),
    ("жумуш Бишкекте", "jobs", "bishkek", None),
    ("Бишкекте жумуш", "jobs", "bishkek", None),
    ("jumsh", "jobs", None, None),
    ("jumushsuz", "jobs", None, None),
    ("РАБОТА", "jobs", None, None),
    ("работа Бишкек", "jobs", "bishkek", None),
    ("вакансии", "jobs", None, None),
    ("курс", "jobs", None, None),
    ("kurs Karakol", "jobs", "issyk_kul", "karakol"),
    ("migrant ishker", "jobs", None, None),            # not ROSSIYA for "migrant"
    ("Мигрант Ишкер", "jobs", None, None),
    # ROSSIYA: working in Russia
    ("rossiya", "russia", None, None),
    ("ROSSIYA", "russia", None, None),
    ("Россия", "russia", None, None),
    ("rossia", "russia", None, None),
    ("russia", "russia", None, None),
    ("орусия", "russia", None, None),
    ("rosiya", "russia", None, None),
    ("россияга", "russia", None, None),
    ("патент", "russia", None, None),
    ("москва", "russia", None, None),
    ("РФ", "russia", None, None),
    ("работа в россии", "russia", None, None),          # not JUMUSH for "работа"
    ("миграционная карта", "russia", None, None),
    ("1899", "russia", None, None),
    # DEN SOOLUK: health
    ("den sooluk", "health", None, None),
    ("DEN SOOLUK", "health", None, None),
    ("ден соолук", "health", None, None),
    ("ДЕН-СООЛУК", "health", None, None),
    ("densooluk", "health", None, None),
    ("ден соолук Нарын", "health", "naryn", None),
    ("den soolk", "health", None, None),
    ("здоровье", "health", None, None),
    ("врач", "health", None, None),
    ("больница Ош", "health", "osh_city", None),
    ("113", "health", None, None),
    # CHAL / CALL: callback
    ("chal", "callback", None, None),
    ("CHAL", "callback", None, None),
    ("чал", "callback", None, None),
    ("call", "callback", None, None),
    ("CALL ME", "callback", None, None),
    ("чалыңыз", "callback", None, None),
    ("чалыныз", "callback", None, None),
    ("chall", "callback", None, None),
    ("перезвоните", "callback", None, None),
    ("позвоните мне", "callback", None, None),
    # TIL: language
    ("til", "language", None, None),
    ("ТИЛ", "language", None, None),
    ("язык", "language", None, None),
    # MENU / ?
    ("menu", "menu", None, None),
    ("MENU", "menu", None, None),
    ("меню", "menu", None, None),
    ("?", "menu", None, None),
    (" ?? ", "menu", None, None),
    ("HELP", "menu", None, None),
    # STOP / ТОКТОТ / СТОП and START / БАШТА
    ("STOP", "stop", None, None),
    ("Stop.", "stop", None, None),
    ("СТОП", "stop", None, None),
    ("ТОКТОТ", "stop", None, None),
    ("toktot", "stop", None, None),
    ("отписаться", "stop", None, None),
    ("unsubscribe", "stop", None, None),
    ("STOPALL", "stop", None, None),
    ("START", "start", None, None),
    ("БАШТА", "start", None, None),
    ("bashta", "start", None, None),
    ("старт", "start", None, None),
    ("unstop", "start", None, None),
    # Topics outside the MENU reply
    ("пенсия", "pension", None, None),
    ("pensiya Talas", "pension", "talas", None),
    ("майып", "disability", None, None),
    ("паспорт", "documents", None, None),
    ("ипотека", "housing", None, None),
    ("психолог", "psychological", None, None),
    ("1227", "food", None, None),
    ("азык", "food", None, None),
]


@pytest.mark.parametrize(("text", "command", "region", "place"), REACHES)
def test_spelling_reaches_its_command(commands, places, text, command, region, place):
    parsed = parse_message(text, commands, places)
    assert (parsed.kind, parsed.command, parsed.region, parsed.place) == ("command", command, region, place)


def test_there_are_enough_spellings():
    assert len(REACHES) >= 100
    assert len({text for text, *_ in REACHES}) == len(REACHES)


# Texts that must reach no command. "бала бакча" (kindergarten) is decided as unmatched: it is a
# fixed phrase for a service the directory does not have, so the children's offices would be a
# confident wrong answer, while the command list is an honest one and the text is kept for an
# operator. Short words never fuzzy-match; opt-out never forgives a typo (stopping a number by
# accident is worse than asking again).
NOT_A_COMMAND = [
    "hello", "ok", "OK", "da", "да", "net", "нет", "спасибо", "рахмат", "Rahmat", "салам",
    "привет", "ооба", "жок", "yes", "бала бакча", "Bala bakcha", "балабакча", "бала бакчага",
    "спасибо за помощь", "чай", "stpo", "stopp", "токтоо", "стопа", "bal", "ала", "10", "0", "!!!", "👍",
    "Ош", "kanday",
]


@pytest.mark.parametrize("text", NOT_A_COMMAND)
def test_text_that_is_no_command_is_unmatched(commands, places, text):
    parsed = parse_message(text, commands, places)
    assert (parsed.kind, parsed.command) == ("unmatched", None)


def test_there_are_enough_non_commands():
    assert len(NOT_A_COMMAND) >= 15


@pytest.mark.parametrize(("text", "kind", "command", "numbers"), [
    ("2", "menu_reply", None, [2]),
    (" 9. ", "menu_reply", None, [9]),
    ("#3", "menu_reply", None, [3]),
    ("BALA 2", "command", "children", [2]),
    ("bala2", "command", "children", [2]),
    ("KOMOK 5 3 4000", "command", "benefits", [5, 3, 4000]),
    ("komok osh 5 3 4000", "command", "benefits", [5, 3, 4000]),
    ("2 3", "unmatched", None, [2, 3]),
    ("10", "unmatched", None, [10]),
    ("112", "command", "help", []),       # a number that is a keyword is not an argument
    ("", "empty", None, []),
    ("   \n ", "empty", None, []),
])
def test_numbers_and_menu_replies(commands, places, text, kind, command, numbers):
    parsed = parse_message(text, commands, places)
    assert (parsed.kind, parsed.command, parsed.numbers) == (kind, command, numbers)


@pytest.mark.parametrize(("text", "script", "language"), [
    ("bala", "latin", "ky"),
    ("БАЛА", "cyrillic", "ky"),
    ("ДЕТИ", "cyrillic", "ru"),
    ("stop", "latin", "en"),
    ("СТОП", "cyrillic", "ru"),
    ("komok Ош", "latin", "ky"),
    ("hello", "latin", None),
])
def test_script_and_language_of_the_answer(commands, places, text, script, language):
    parsed = parse_message(text, commands, places, default_script="cyrillic")
    assert (parsed.script, parsed.language) == (script, language)


def test_a_bare_number_takes_the_conversation_script(commands, places):
    assert parse_message("2", commands, places, default_script="cyrillic").script == "cyrillic"
    assert parse_message("2", commands, places).script == "latin"


@pytest.mark.parametrize(("text", "region", "place"), [
    ("komok Ошто", "osh_city", None),
    ("komok Ошко", "osh_city", None),
    ("komok Оштон", "osh_city", None),
    ("komok в Оше", "osh_city", None),
    ("komok Таласта", "talas", None),
    ("komok Бишкекте", "bishkek", None),
    ("komok Бишкекке", "bishkek", None),
    ("komok Баткенден", "batken", None),
    ("komok Ош облусунда", "osh", None),
    ("komok Ноокатта", "osh", "nookat"),
    ("komok Чүйдө", "chui", None),
    ("komok Жалал-Абадда", "jalal_abad", None),
    # Кара-Көл (Jalal-Abad) and Каракол (Issyk-Kul) fold alike; the spelling decides, and a
    # spelling that fits both names neither.
    ("komok Кара-Көл", "jalal_abad", "kara_kol"),
    ("komok Каракол", "issyk_kul", "karakol"),
    ("komok кара-кол", None, None),
])
def test_regions_with_case_endings(commands, places, text, region, place):
    parsed = parse_message(text, commands, places)
    assert (parsed.command, parsed.region, parsed.place) == ("benefits", region, place)


def test_an_unmatched_text_still_reports_its_region_and_normal_form(commands, places):
    parsed = parse_message("Ошто эмне бар?", commands, places)
    assert (parsed.kind, parsed.region, parsed.normalized) == ("unmatched", "osh_city", "oshto emne bar")


def test_the_directory_rows_work_without_an_index(commands, directory):
    parsed = parse_message("komok kara-suu", commands, directory.regions, directory.places)
    assert (parsed.region, parsed.place) == ("osh", "kara_suu")
    by_code = {row["code"]: row for row in directory.regions}
    assert parse_message("komok osh", commands, by_code).region == "osh_city"
