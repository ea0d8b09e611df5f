"""data/sms_commands.yaml: the real file is consistent; a bad edit is refused, located."""

import shutil

import pytest

from hotline.directory.loader import DATA_DIR, DataError
from hotline.sms.parse import load_commands, parse_message
from hotline.sms.render import render_sms_reply
from hotline.sms.commands import alias_key

ISSUE_COMMANDS = {"children", "benefits", "help", "jobs", "russia", "health", "callback", "language",
                  "menu", "stop", "start"}


def test_the_real_file_loads(commands):
    assert ISSUE_COMMANDS <= set(commands.commands)
    assert {c.code for c in commands.menu()} == ISSUE_COMMANDS
    directory = [c for c in commands.commands.values() if c.action == "directory"]
    covered = {topic for c in directory for topic in c.topics}
    assert covered == {"children", "benefits", "food_aid", "legal_aid", "emergency", "psychological",
                       "jobs", "training", "business", "housing", "health", "documents", "russia",
                       "pension", "disability"}


def test_every_keyword_we_advertise_parses_back_to_its_command(commands, places):
    for command in commands.commands.values():
        for keyword in (command.keyword, command.keyword_cyrillic, command.keyword.lower()):
            assert parse_message(keyword, commands, places).command == command.code, keyword


def test_no_command_spelling_is_also_a_place_name(commands, places):
    assert not set(commands.aliases) & set(places.names)


def test_opt_out_and_in_never_forgive_typos(commands):
    typo_keys = {key for keys in commands.typo_keys.values() for key in keys}
    for alias in commands.aliases.values():
        if commands.commands[alias.command].action in ("opt_out", "opt_in"):
            assert alias.key not in typo_keys


@pytest.mark.parametrize(("script", "labels", "max_segments"), [
    ("latin", False, 1),
    ("latin", True, 2),
    ("cyrillic", False, 2),
])
def test_the_menu_reply_fits(commands, script, labels, max_segments):
    """What the webhook sends for MENU and unmatched texts must leave room in the budget: the
    advertised keywords alone, or one line per keyword with its label."""
    keywords = [c.keyword if script == "latin" else c.keyword_cyrillic for c in commands.menu()]
    if labels:
        lines = [f"{keyword} - {c.label_ky}" for keyword, c in zip(keywords, commands.menu())]
    else:
        lines = [", ".join(keywords)]
    reply = render_sms_reply(lines, script=script, max_segments=max_segments)
    assert reply.dropped == 0 and not reply.truncated


def copy_data(tmp_path):
    for name in ("sms_commands.yaml", "topics.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path / "sms_commands.yaml"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    action: directory\n    topics: [children]\n",
     "    action: directory\n    topics: [children]\n    colour: red\n",
     r"sms_commands.yaml:\d+, row 1 \(children\), field 'colour': unknown field"),
    ("    topics: [children]\n", "    topics: [kids]\n",
     r"row 1 \(children\), field 'topics': unknown topic 'kids'"),
    ("      ru: [пособие,", "      ru: [дети, пособие,",
     r"row 2 \(benefits\), field 'aliases.ru': 'дети' already means the command 'children'"),
    ("      ru: [пособие,", "      ru: [zhumush, пособие,",
     r"row 4 \(jobs\), field 'aliases.ky': 'жумуш' already means the command 'benefits'"),
    ("      en: [child, children, kids]", "      en: [child, children, kids, child]",
     r"row 1 \(children\), field 'aliases.en': 'child' is listed twice"),
    ("      en: [child, children, kids]", "      en: [child, children, kids, 7]",
     r"field 'aliases.en': '7' is a menu choice"),
    ("      en: [child, children, kids]", "      de: [kind]",
     r"field 'aliases.de': unknown language"),
    ("    keyword: BALA\n", "    keyword: Bala\n",
     r"row 1 \(children\), field 'keyword': expected Latin capitals"),
    ("    keyword: BALA\n", "    keyword: BALDAR KOMOK\n",
     r"field 'keyword': 'BALDAR KOMOK' is not one of the command's aliases"),
    ("    keyword: BALA\n", "",
     r"row 1 \(children\), field 'keyword': missing"),
    ("    action: callback\n", "    action: ring\n",
     r"\(callback\), field 'action': unknown action 'ring'"),
    ("    action: callback\n", "    action: callback\n    topics: [health]\n",
     r"\(callback\), field 'topics': only directory commands answer from topics"),
    ("    topics: [children]\n", "    topics: []\n",
     r"\(children\), field 'topics': a directory command needs at least one topic"),
    ("    typos: false\n", "    typos: no thanks\n",
     r"\(stop\), field 'typos': expected true or false"),
    ("    label_ru: дети\n", "    label_ru: дети, школьники и подростки\n",
     r"\(children\), field 'label_ru': longer than 24 characters"),
    ("  - code: benefits\n", "  - code: children\n",
     r"row 2 \(children\), field 'code': code already used"),
    ("  - чай\n", "  - чал\n",
     r"field 'exclusions': exclusion 'чал' is also an alias of 'callback'"),
    ("commands:\n", "comands:\n",
     r"sms_commands.yaml: expected a mapping with a list under 'commands'"),
    ("    label_ky: балдар\n", "    label_ky: [балдар\n",
     r"sms_commands.yaml:\d+: not valid YAML"),
])
def test_bad_command_files_name_file_row_and_field(tmp_path, old, new, expected):
    path = copy_data(tmp_path)
    edit(path, old, new)
    with pytest.raises(DataError, match=expected):
        load_commands(path)


def test_a_data_error_is_a_value_error(tmp_path):
    path = copy_data(tmp_path)
    edit(path, "    topics: [children]\n", "    topics: [kids]\n")
    with pytest.raises(ValueError):
        load_commands(path)


def test_alias_keys_ignore_script_case_and_spacing():
    assert alias_key("ДЕН-СООЛУК") == alias_key("den sooluk") == alias_key("Densooluk") == "densooluk"
