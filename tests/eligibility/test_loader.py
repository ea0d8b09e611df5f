"""data/rules/ loads as a whole; a bad rule file is refused with its file, rule and field named."""

import re
import shutil

import pytest

from hotline.directory.loader import SEEDS_DIR
from hotline.eligibility import RULES_DIR, RuleError, load_rules
from hotline.eligibility.model import STATUSES
from tests.eligibility.samples import SAMPLE

EXPECTED_RULES = {
    "uy_bulogo_komok", "balaga_suyunchu", "social_benefit", "unemployed_registration",
    "unemployment_benefit", "public_works", "vocational_training", "legal_aid", "migrant_ishker",
    "state_mortgage", "health_insurance_policy", "pension_age", "russia_registration",
    "russia_entry_ban_check",
}

# the line numbers of a citation are checked against the seed file only when the documents are at hand
NEEDS_SEEDS = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside the checkout")


def test_every_rule_loads(rules):
    assert set(rules) == EXPECTED_RULES
    assert {path.stem for path in RULES_DIR.glob("*.yaml")} == EXPECTED_RULES


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_RULES))
def test_each_rule_is_complete(rules, rule_id):
    rule = rules[rule_id]
    assert rule.name.ky and rule.name.ru
    assert rule.sources and all(s.document and s.lines for s in rule.sources)
    assert rule.checks and all(c.citation.lines for c in rule.checks)
    assert rule.next_steps["may_qualify"] and rule.next_steps["cannot_tell"]
    assert all(q.prompt.ky and q.prompt.ru for q in rule.questions)
    # Seed 004 is undated; seed 000 states its facts as of 2020 (the mortgage its own 1 January).
    if rule.sources[0].document.startswith("004_"):
        assert rule.valid_as_of is None
    else:
        assert rule.valid_as_of.year == 2020


def test_sms_keywords(rules):
    assert rules["uy_bulogo_komok"].sms_keyword == "KOMOK"
    assert rules["uy_bulogo_komok"].sms_order == ("family_size", "children_under_16", "family_income")
    assert rules["balaga_suyunchu"].sms_keyword == "BALA"


def test_the_sample_rule_is_valid(sample_dir, services):
    rule = load_rules(sample_dir, services)["sample"]
    assert [q.id for q in rule.questions] == ["family_size", "has_car", "who"]
    assert rule.next_steps.keys() == set(STATUSES) | {"unverified"}


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SIZE_CHECK = "    require: {lt: [family_size, 10]}\n"


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    (SIZE_CHECK, "    require: {lt: [famly_size, 10]}\n",
     "checks[0].require.lt[0]", "unknown question or value 'famly_size'"),
    (SIZE_CHECK, "    require: {less: [family_size, 10]}\n",
     "checks[0].require", "unknown operator 'less'"),
    (SIZE_CHECK, "    require: {lt: [has_car, 10]}\n",
     "checks[0].require.lt", "'lt' compares a yes/no with a number"),
    (SIZE_CHECK, "    require: {eq: [has_car, 1]}\n",
     "checks[0].require.eq", "'eq' compares a yes/no with a number"),
    (SIZE_CHECK, "    require: {mul: [family_size, 10]}\n",
     "checks[0].require", "expected a condition (yes/no), got a number"),
    (SIZE_CHECK, "    require: {all: [has_car, family_size]}\n",
     "checks[0].require.all[1]", "expected a condition (yes/no), got a number"),
    (SIZE_CHECK, "    require: {is: [who, [grandmother]]}\n",
     "checks[0].require.is[1]", "'grandmother' is not an option of 'who'"),
    (SIZE_CHECK, "    require: {is: [has_car, [yes]]}\n",
     "checks[0].require.is[0]", "'is' needs a choice question"),
    (SIZE_CHECK, "    require: {gt: [today, 10]}\n",
     "checks[0].require.gt", "'gt' compares a date with a number"),
    ("    otherwise: does_not_qualify\n", "    otherwise: maybe\n",
     "checks[0].otherwise", "expected does_not_qualify or cannot_tell"),
    ("      ru: Сколько человек в семье? Наберите число и нажмите решётку.\n", "",
     "questions[0].prompt.ru", "missing Russian translation"),
    ("name: {ky: Үлгү, ru: Образец}\n", "name: {ru: Образец}\n",
     "name.ky", "missing Kyrgyz translation"),
    ("    reason: {ky: Көп., ru: Много.}\n", "    reason: {ky: Көп.}\n",
     "checks[0].reason.ru", "missing Russian translation"),
    ("      - {digit: 1, id: child, ky: Бала, ru: Ребёнок}\n      - {digit: 2, id: adult, ky: Чоң киши, ru: Взрослый}\n", "",
     "questions[2].options", "a choice question needs a list of options"),
    ("  - {digit: 2, id: adult", "  - {digit: 0, id: adult",
     "questions[2].options[1].digit", "expected a keypad digit 1-9"),
    ("  - {digit: 2, id: adult", "  - {digit: 1, id: adult",
     "questions[2].options[1].digit", "expected a keypad digit 1-9 used once"),
    ("  - {digit: 2, id: adult", "  - {digit: 2, id: child",
     "questions[2].options[1].id", "option id 'child' is used twice"),
    ("    type: yes_no\n", "    type: yes_no\n    options: [{digit: 1, id: a, ky: А, ru: А}]\n",
     "questions[1].options", "only a choice question has options"),
    ("    type: yes_no\n", "    type: boolean\n",
     "questions[1].type", "unknown type 'boolean'"),
    ("  - id: has_car\n", "  - id: family_size\n",
     "questions[1].id", "question 'family_size' is defined twice"),
    ("    min: 1\n", "    min: 1\n    max: -3\n",
     "questions[0].max", "take a whole max"),
    ("  doubled: {mul: [2, family_size]}\n", "  has_car: {mul: [2, family_size]}\n",
     "derived.has_car", "already a question"),
    ("  kind: social_office\n", "  kind: social_services\n",
     "apply_at.kind", "unknown office kind 'social_services'"),
    ("  topic: benefits\n", "  topic: benefit\n",
     "apply_at.topic", "unknown topic 'benefit'"),
    ("  lines: 2147-2150\n", "  lines: 2147-2150\n  offices: [nowhere]\n",
     "apply_at.offices", "unknown office 'nowhere'"),
    pytest.param('    lines: "1811"\n', '    lines: "99999"\n',
                 "checks[0].lines", "99999 is outside 000_a6471b656ce57fa1.txt", marks=NEEDS_SEEDS),
    ('    lines: "1811"\n', '    lines: "1811-1800"\n',
     "checks[0].lines", "1811-1800 is not a range of lines"),
    ('    lines: "1811"\n', '    lines: "0"\n',
     "checks[0].lines", "0 is not a range of lines"),
    ('    lines: "1811"\n', '    lines: "about 1811"\n',
     "checks[0].lines", "expected lines like"),
    ('    lines: "1811"\n', '    lines: "1811"\n    document: 000_missing.txt\n',
     "checks[0].document", "is not a seed file name"),
    ("id: sample\n", "id: other\n", "id", "'other' must match the file name"),
    ("valid_as_of: 2020-10-01\n", "", "valid_as_of", "missing (write null"),
    ("valid_as_of: 2020-10-01\n", "valid_as_of: autumn 2020\n", "valid_as_of", "expected a date"),
    ("kind: benefit\n", "kind: benefit\nsms_order: [nobody]\n", "sms_order[0]", "unknown or repeated question 'nobody'"),
    ("kind: benefit\n", "kind: benefit\nsms_keyword: komok\n", "sms_keyword", "capital Latin letters"),
    ("kind: benefit\n", "kind: benefit\ncolour: blue\n", "colour", "unknown field"),
    ("  require: {not: has_car}\n", "  require: {lt: [family_size, 3]}\n",
     "questions[1].id", "question 'has_car' is never asked"),
    ("    reason: {ky: Көп., ru: Много.}\n", "    reason: {ky: \"Көп {nobody}.\", ru: Много.}\n",
     "checks[0].reason.ky", "unknown placeholder {nobody}"),
    ("  does_not_qualify: [{ky: Жок., ru: Нет.}]\n", "",
     "next_steps.does_not_qualify", "missing"),
    ("apply_at:\n", "amount:\n  - {lines: '1813', ky: А, ru: А}\n  - {lines: '1813', ky: Б, ru: Б}\napply_at:\n",
     "amount[1]", "never used: the case before it has no 'when'"),
    ("apply_at:\n", "amount:\n  - {lines: '1813', value: has_car, ky: А, ru: А}\napply_at:\n",
     "amount[0].value", "expected a number of som, got a yes/no"),
    ("apply_at:\n", "deadlines:\n  - {lines: '1813', date: family_size, ky: А, ru: А}\napply_at:\n",
     "deadlines[0].date", "expected a date, got a number"),
    ("apply_at:\n", "notes:\n  - {lines: '1813', ask: true, ky: А, ru: А}\napply_at:\n",
     "notes[0].ask", "true only with a 'when'"),
    ("apply_at:\n", "unverified:\n  - {lines: '1813', statuses: [maybe], ky: А, ru: А}\napply_at:\n",
     "unverified[0].statuses", "expected a list of may_qualify"),
])
def test_bad_rule_files_name_file_rule_and_field(sample_dir, services, old, new, field, message):
    edit(sample_dir / "sample.yaml", old, new)
    with pytest.raises(RuleError) as caught:
        load_rules(sample_dir, services)
    error = caught.value
    assert error.path.name == "sample.yaml"
    assert error.field == field
    assert message in str(error)
    assert re.search(r"sample\.yaml, rule '(sample|other)', field '" + re.escape(field) + "': ", str(error))


def test_broken_yaml_names_the_file_and_line(sample_dir, services):
    edit(sample_dir / "sample.yaml", "checks:\n", "checks:\n  - [\n")
    with pytest.raises(RuleError, match=r"sample\.yaml:\d+: not valid YAML"):
        load_rules(sample_dir, services)


def test_an_empty_directory_is_an_error(tmp_path, services):
    with pytest.raises(RuleError, match="no rule files"):
        load_rules(tmp_path, services)


def test_sms_keywords_are_unique(tmp_path, services):
    (tmp_path / "sample.yaml").write_text(SAMPLE.replace("kind: benefit\n", "kind: benefit\nsms_keyword: KOMOK\n"), encoding="utf-8")
    (tmp_path / "second.yaml").write_text(
        SAMPLE.replace("id: sample\n", "id: second\n").replace("kind: benefit\n", "kind: benefit\nsms_keyword: KOMOK\n"),
        encoding="utf-8")
    with pytest.raises(RuleError, match=r"second\.yaml, rule 'second', field 'sms_keyword': SMS keyword already used by sample"):
        load_rules(tmp_path, services)


def test_the_real_files_copy_and_load_elsewhere(tmp_path, services):
    """Nothing in a rule depends on where data/rules/ sits."""
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    assert set(load_rules(tmp_path / "rules", services)) == EXPECTED_RULES
