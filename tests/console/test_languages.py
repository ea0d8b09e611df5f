"""The console in Kyrgyz, Russian and English: catalogues complete, compiled, and chosen per user."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from hotline.console.models import AuditEntry, Operator
from tests.console.conftest import csrf_token

CONSOLE = Path(__file__).resolve().parents[2] / "hotline" / "console"
TRANSLATIONS = CONSOLE / "translations"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]  # as babel.cfg says
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted() -> set[str]:
    """Every message the console's code and templates ask to translate."""
    return {message if isinstance(message, str) else message[0]
            for _, _, message, _, _ in extract_from_dir(str(CONSOLE), METHODS, keywords=KEYWORDS)}


def catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_every_message_is_translated_and_none_is_left_over(lang):
    po = catalogue(lang)
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in po if message.id}
    assert sorted(extracted() - ids) == [], "untranslated: run pybabel extract and update (README)"
    assert sorted(ids - extracted()) == [], "no longer used: remove them from the catalogue"
    for message in po:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings) and not message.fuzzy, message.id
            assert not message.check(po), message.id  # the same %(placeholders)s as the English


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_the_compiled_catalogue_is_the_po_file(lang):
    """The .mo the app reads is compiled from the .po in the repository (pybabel compile)."""
    po = catalogue(lang)
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    assert messages(compiled) == messages(po)


def messages(catalog) -> dict:
    """id → text (plurals: tuples of both), as comparable values."""
    def flat(value):
        return value if isinstance(value, str) else tuple(value)
    return {flat(m.id): flat(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("lang, words", [
    ("ky", ["Бүгүн", "Чалуулар", "Кайра чалуулар", "Чыгуу"]),
    ("ru", ["Сегодня", "Звонки", "Обратные звонки", "Выйти"]),
    ("en", ["Today", "Calls", "Callbacks", "Log out"]),
])
def test_each_operator_reads_the_console_in_their_language(operator, store, operators, lang, words):
    store.update(Operator, operators["bakyt"], language=lang)
    html = operator.get("/console/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html


def test_an_operator_changes_their_language(operator, store):
    token = csrf_token(operator, "/console/settings")
    assert operator.post("/console/settings", data={"csrf_token": token, "language": "ru"}).status_code == 302
    assert "Звонки" in operator.get("/console/calls/").get_data(as_text=True)
    entry = store.scalar(select(AuditEntry).where(AuditEntry.action == "language"))
    assert (entry.before, entry.after) == ({"language": "en"}, {"language": "ru"})
    token = csrf_token(operator, "/console/settings")
    assert operator.post("/console/settings", data={"csrf_token": token, "language": "fr"}).status_code == 200
    assert store.scalar(select(Operator.language).where(Operator.name == "bakyt")) == "ru"


def test_before_logging_in_the_language_is_the_browsers_or_the_one_picked(client):
    assert "Кирүү" in client.get("/console/login").get_data(as_text=True)  # Kyrgyz by default
    assert "Войти" in client.get("/console/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert "Log in" in client.get("/console/login?lang=en").get_data(as_text=True)
    assert "Log in" in client.get("/console/login").get_data(as_text=True)  # remembered in the session


@pytest.mark.parametrize("lang, plural", [("ru", "2 звонка"), ("ru", "5 звонков"), ("ky", "5 чалуу")])
def test_plurals(operator, store, operators, lang, plural):
    store.update(Operator, operators["bakyt"], language=lang)
    for n in range(int(plural[0])):
        store.call(f"CA{n:032}")
    assert plural in operator.get("/console/calls/").get_data(as_text=True)
