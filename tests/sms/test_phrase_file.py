"""data/sms_phrases.yaml: topics, requests and question words are data, checked when loaded (a bad
edit is refused with its file, row and field), and every number a topic says is in data/."""

import re
import shutil

import pytest
import yaml

from hotline.directory.loader import DATA_DIR, DataError
from hotline.eligibility import RULES_DIR, load_rules
from hotline.sms.check import CheckSetupError
from hotline.sms.check.setup import link_topics
from hotline.sms.parse import load_commands, parse_message
from hotline.sms.phrases import QUESTION_KINDS

#: The programmes and services the issue names, each in the words people use, and where they lead.
NAMES = [
    ("Балага сүйүнчү", "balaga_suyunchu"), ("balaga suyunchu", "balaga_suyunchu"),
    ("Үй-бүлөгө көмөк", "uy_bulogo_komok"), ("uy bulogo komok", "uy_bulogo_komok"),
    ("социалдык жөлөкпул", "social_benefit"), ("социальное пособие", "social_benefit"),
    ("пенсию", "pension"), ("Мигрант-Ишкер", "migrant_ishker"), ("migrant ishker", "migrant_ishker"),
    ("патент", "patent"), ("регистрация", "russia_registration"), ("россия каттоо", "russia_registration"),
    ("адвокат", "legal_aid"), ("юрист керек", "legal_aid"), ("полис", "health_insurance"),
    ("курстар", "training"), ("курсы", "training"), ("кара тизме", "entry_ban"),
]
NUMBER = re.compile(r"\d+(?:[ .]\d{3})*")


def numbers_in(text: str) -> set[str]:
    """Numbers as written ("50 000" and "50000" alike), dates' parts included."""
    return {re.sub(r"[ .]", "", n) for n in NUMBER.findall(text)}


@pytest.mark.parametrize("text, topic", NAMES)
def test_each_programme_name_reaches_its_topic(commands, places, text, topic):
    assert parse_message(text, commands, places).topic == topic


def test_the_real_file_loads(commands):
    phrases = commands.phrases
    assert set(phrases.defaults) >= {"children", "benefits", "jobs", "russia", "health", "pension"}
    assert phrases.defaults.keys() <= {c.code for c in commands.commands.values() if c.action == "directory"}
    kinds = {p.target for p in phrases.exact.values() if p.kind == "question"}
    assert kinds == set(QUESTION_KINDS)
    assert {p.target for p in phrases.exact.values() if p.kind == "request"} == {"callback", "menu"}


def test_topics_name_their_rules_and_questions(app, commands):
    rules = app.extensions["eligibility"]
    linked = link_topics(rules, commands.phrases)
    assert set(linked) == {code for code, t in commands.phrases.topics.items() if t.rule}


@pytest.mark.parametrize("topic", sorted(yaml.safe_load((DATA_DIR / "sms_phrases.yaml").read_text(encoding="utf-8"))
                                         ["topics"], key=lambda t: t["code"]), ids=lambda t: t["code"])
def test_every_number_a_topic_says_is_in_its_rule_or_its_offices(directory, topic):
    """Never invent a number: each one in the fact, the answers and "where" is in the rule's file
    or in one of the offices the topic lists (their numbers, names, addresses, help)."""
    offices = {office["code"]: office for office in directory.offices}
    known = set()
    if topic.get("rule"):
        known |= numbers_in((RULES_DIR / f"{topic['rule']}.yaml").read_text(encoding="utf-8"))
    listed = topic.get("offices", []) + ([topic["call"]["office"]] if isinstance(topic["call"], dict) else [])
    for code in listed:
        assert code in offices, f"{topic['code']}: no office {code!r} in data/offices"
        office = offices[code]
        known |= numbers_in(" ".join(str(office.get(k) or "") for k in ("name_ky", "name_ru", "help_ky", "help_ru",
                                                                        "address_ky", "address_ru")))
        known |= {phone["number"] for phone in office["phones"]}
    texts = [topic["fact"], *(topic.get("answers") or {}).values(), topic.get("where") or {}]
    said = {n for text in texts for lang in ("ky", "ru") for n in numbers_in(text.get(lang, ""))}
    assert said <= known, f"{topic['code']} says {sorted(said - known)}, which its rule and offices do not"


def copy_data(tmp_path):
    for name in ("sms_commands.yaml", "topics.yaml", "sms_phrases.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path / "sms_commands.yaml"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  - code: children\n    command: children\n", "  - code: children\n    command: kids\n",
     r"sms_phrases.yaml:\d+, row 1 \(children\), field 'command': 'kids' is not a directory command"),
    ("  - code: children\n    command: children\n", "  - code: children\n    command: callback\n",
     r"row 1 \(children\), field 'command': 'callback' is not a directory command"),
    ("    default: true\n    rule: balaga_suyunchu\n    offices: [hotline-111, mlsd]\n",
     "    default: true\n    rule: balaga_suyunchu\n    offices: [hotline-111, mlsd]\n    colour: red\n",
     r"row 1 \(children\), field 'colour': unknown field"),
    ("      ky: [балага сүйүнчү,", "      ky: [бала, балага сүйүнчү,",
     r"row 2 \(balaga_suyunchu\), field 'phrases.ky': 'бала' is already a spelling of the command 'children'"),
    ("      ky: [үй-бүлөгө көмөк,", "      ky: [сүйүнчү, үй-бүлөгө көмөк,",
     r"row 4 \(uy_bulogo_komok\), field 'phrases.ky': 'сүйүнчү' already means the topic 'balaga_suyunchu'"),
    ("      ru: [пособи*,", "      ru: [по*,",
     r"row 3 \(benefits\), field 'phrases.ru': 'по\*': a prefix needs at least 4 letters before the \*"),
    ("      ky: [каттоо, каттоого,", "      ky: [каттоо*, каттоого,",
     r"\(russia_registration\), field 'context.ky': 'каттоо\*': context and unit words are whole words"),
    ("      ru: [пособи*,", "      de: [beihilfe*,", r"field 'phrases.de': unknown language"),
    ("  - code: benefits\n    command: benefits\n", "  - code: benefits\n    command: children\n",
     r"row 3 \(benefits\), field 'default': the command 'children' already has the default topic 'children'"),
    ("  - code: patent\n    command: russia\n", "  - code: patent\n    command: russia\n    numbers: [{question: days}]\n",
     r"\(patent\), field 'numbers': numbers feed a rule's questions: the topic needs a 'rule'"),
    ('      ru: "О патенте в наших документах сведений нет."\n', "",
     r"\(patent\), field 'fact': expected text in ky and ru"),
    ("    call: {office: hotline-1899, ky: Иш үчүн документтер, ru: Документы для работы}\n", "    call: 1899\n",
     r"\(patent\), field 'call': expected 'callback' or \{office"),
    ("      when:\n        ky: \"«Балага", "      whenever:\n        ky: \"«Балага",
     r"\(balaga_suyunchu\), field 'answers.whenever': unknown question kind"),
    ("  - code: patent\n", "  - code: Patent\n", r"field 'code': expected a lowercase slug"),
    ("    local: training\n", "    local: trainings\n",
     r"\(training\), field 'local': unknown topic 'trainings' \(data/topics.yaml\)"),
    ("    phrases:\n      ky: [патент, patent]\n      ru: [разрешение на работу, патента, патентом]\n", "",
     r"\(patent\), field 'phrases': a topic that is not its command's default needs phrases"),
    ("  callback:\n", "  ring:\n", r"field 'requests.ring': unknown command"),
    ("  callback:\n", "  children:\n", r"field 'requests.children': unknown command \(or not one a request"),
    ("  how_much:\n", "  how_many:\n", r"field 'questions.how_many': unknown question kind"),
    ("    ru: [сколько,", "    ru: [перезвоните, сколько,",
     r"field 'questions.how_much.ru': 'перезвоните' already means the request 'callback'"),
    ("topics:\n  - code: children", "topic:\n  - code: children", r"unknown top-level field 'topic'"),
])
def test_bad_phrase_files_name_file_row_and_field(tmp_path, old, new, expected):
    path = copy_data(tmp_path)
    edit(path.parent / "sms_phrases.yaml", old, new)
    with pytest.raises(DataError, match=expected):
        load_commands(path)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    rule: uy_bulogo_komok\n    offices: [mlsd]\n    lines:", "    rule: uy_bulogo_komk\n    offices: [mlsd]\n    lines:",
     r"sms_phrases.yaml, topic uy_bulogo_komok: no rule 'uy_bulogo_komk' in data/rules"),
    ("      - question: arrived_days_ago\n", "      - question: arrived\n",
     r"topic russia_registration, field 'numbers': russia_registration asks no question 'arrived'"),
])
def test_a_topic_and_its_rule_must_agree(tmp_path, old, new, expected):
    path = copy_data(tmp_path)
    edit(path.parent / "sms_phrases.yaml", old, new)
    with pytest.raises(CheckSetupError, match=expected):
        link_topics(load_rules(), load_commands(path).phrases)


def test_without_a_phrase_file_the_keywords_still_work(tmp_path, places):
    path = copy_data(tmp_path)
    (tmp_path / "sms_phrases.yaml").unlink()
    commands = load_commands(path)
    assert not commands.phrases.topics
    assert parse_message("komok osh", commands, places).command == "benefits"
