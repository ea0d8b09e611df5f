"""Answers that cannot all be true (more children under 16 than people in the family) are found
before any verdict, in the rule data's declarative form; the short SMS forms of yes/no questions."""

import pytest

from hotline.eligibility import RULES_DIR, RuleError, evaluate, find_inconsistency, load_rules
from tests.eligibility.conftest import TODAY


@pytest.mark.parametrize("answers, broken", [
    ({"family_size": 3, "children_under_16": 5}, True),
    ({"family_size": 3, "children_under_16": 3}, True),  # the caller is one of the family
    ({"family_size": 4, "children_under_16": 3}, False),
    ({"children_under_16": 5}, False),  # the family size is not known yet: nothing to say
    ({"family_size": 1}, False),
])
def test_children_must_be_fewer_than_the_family(rules, answers, broken):
    found = find_inconsistency(rules["uy_bulogo_komok"], answers, TODAY)
    assert (found is not None) == broken
    if broken:
        entry, message = found
        assert entry.ask_again == ("children_under_16", "family_size")
        assert message.ky.startswith(f"{answers['family_size']} кишилик үй-бүлөдө {answers['children_under_16']} бала")
        assert f"{answers['children_under_16']} детей" in message.ru


def test_the_engine_alone_is_unchanged_by_the_consistency_list(rules):
    """The channels ask :func:`find_inconsistency` first; ``evaluate`` still gives its verdict."""
    rule = rules["uy_bulogo_komok"]
    answers = {"family_size": 3, "children_under_16": 5, "family_income": 4000}
    assert evaluate(rule, answers, TODAY).status == "does_not_qualify"


def test_yes_no_questions_have_short_sms_forms(rules):
    rule = rules["uy_bulogo_komok"]
    for question_id in ("has_livestock", "truck_or_minibus", "car_or_tractor"):
        sms = rule.question(question_id).sms
        assert sms.ky.endswith("?") and sms.ru.endswith("?") and len(sms.ky) <= 40 and len(sms.ru) <= 40


@pytest.mark.parametrize("block, field", [
    ("consistency:\n  - {id: a, require: {lt: [nothing, 1]}, ask_again: [family_size], ky: a, ru: a}\n",
     "consistency[0].require"),
    ("consistency:\n  - {id: a, require: {lt: [family_size, 1]}, ask_again: [nothing], ky: a, ru: a}\n",
     "consistency[0].ask_again"),
    ("consistency:\n  - {id: a, require: {lt: [family_size, 1]}, ask_again: [family_size], ky: a}\n",
     "consistency[0].ru"),
])
def test_a_bad_consistency_entry_is_refused(tmp_path, services, block, field):
    source = (RULES_DIR / "uy_bulogo_komok.yaml").read_text(encoding="utf-8")
    head, _, tail = source.partition("consistency:\n")
    rest = tail.split("\n\n", 1)[1]
    (tmp_path / "uy_bulogo_komok.yaml").write_text(head + block + "\n" + rest, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path, services)
    assert caught.value.field.startswith(field)
