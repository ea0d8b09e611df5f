"""The prompt catalogue: flat or nested YAML per language, and the gaps between languages."""

import pytest

from audio.cache import SpeechItem
from audio.catalogue import Catalogue, CatalogueError


@pytest.fixture
def prompts(tmp_path):
    def write(ky: str, ru: str):
        (tmp_path / "ky.yaml").write_text(ky, encoding="utf-8")
        (tmp_path / "ru.yaml").write_text(ru, encoding="utf-8")
        return tmp_path

    return write


KY = """\
main.menu: Балдар жөнүндө маалымат үчүн бирди басыңыз.
common:
  invalid: Туура эмес.
  repeat: >
    Кайра угуу үчүн
    жылдызчаны басыңыз.
"""
RU = """\
main:
  menu: Для информации о детях нажмите один.
common.invalid: Неверно.
"""


def test_flat_and_nested_ids(prompts):
    catalogue = Catalogue.load(prompts(KY, RU))
    assert catalogue.ids() == ["common.invalid", "common.repeat", "main.menu"]
    assert catalogue.text("ky", "common.invalid") == "Туура эмес."
    assert catalogue.text("ru", "main.menu") == "Для информации о детях нажмите один."
    assert catalogue.text("ky", "common.repeat") == "Кайра угуу үчүн жылдызчаны басыңыз."


def test_missing_lists_what_one_language_lacks(prompts):
    catalogue = Catalogue.load(prompts(KY, RU))
    assert catalogue.missing() == {"ru": ["common.repeat"]}
    assert Catalogue.load(prompts(RU.replace("Неверно", "Туура эмес"), RU)).missing() == {}


def test_text_of_an_unknown_prompt_names_it(prompts):
    with pytest.raises(KeyError, match="no prompt 'common.repeat' in 'ru'"):
        Catalogue.load(prompts(KY, RU)).text("ru", "common.repeat")


def test_items_for_the_build(prompts):
    items = Catalogue.load(prompts(KY, RU)).items()
    assert SpeechItem("ru", "common.invalid", "Неверно.") in items
    assert len(items) == 5


def test_sms_texts_are_not_spoken(prompts):
    catalogue = Catalogue.load(prompts(KY + "sms.sent: SMS жөнөтүлдү.\nchildren.grant.sms: 4000 сом.\n", RU))
    keys = {item.key for item in catalogue.items() if item.lang == "ky"}
    assert "sms.sent" in keys  # a spoken prompt about SMS
    assert "children.grant.sms" not in keys  # the text of an SMS
    assert catalogue.text("ky", "children.grant.sms") == "4000 сом."


def test_empty_files_are_an_empty_catalogue(prompts):
    assert Catalogue.load(prompts("", "# nothing yet\n")).ids() == []


@pytest.mark.parametrize(
    ("ky", "message"),
    [
        ("main.menu: [one, two]\n", r"main.menu must be text"),
        ("main.menu: ''\n", r"main.menu must be text"),
        ("main.menu:\n", r"main.menu must be text"),
        ("Main.Menu: Салам\n", r"'Main.Menu' is not a prompt id"),
        ("main menu: Салам\n", r"'main menu' is not a prompt id"),
        ("main.menu: Салам\nmain:\n  menu: Салам\n", r"main.menu is given twice"),
        ("- main.menu\n", r"must map prompt ids to text, not hold a list"),
        ("main.menu: [unclosed\n", r"is not valid YAML"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(prompts, ky, message):
    directory = prompts(ky, RU)
    with pytest.raises(CatalogueError, match=message) as raised:
        Catalogue.load(directory)
    assert "ky.yaml" in str(raised.value)


def test_a_missing_file_is_named(tmp_path):
    (tmp_path / "ky.yaml").write_text(KY, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"ru.yaml does not exist"):
        Catalogue.load(tmp_path)
