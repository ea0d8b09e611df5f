"""The engine asks only what can still change the verdict, in the rule's order, and stops early."""

import datetime as dt

import pytest

from hotline.eligibility import (
    CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, AnswerError, NextQuestion, Verdict, evaluate, load_rules,
)
from tests.eligibility.conftest import TODAY, spoken, walk

KOMOK_ALL = ["children_under_16", "family_size", "family_income", "has_livestock", "cows_oxen", "heifers",
             "horses", "calves", "bulls", "sheep", "other_animals", "truck_or_minibus", "car_or_tractor"]
NO_ANIMALS = {"children_under_16": 2, "family_size": 4, "family_income": 2000, "has_livestock": False,
              "truck_or_minibus": False, "car_or_tractor": False}


@pytest.mark.parametrize(("answers", "status", "asked"), [
    # no child under 16: one question is enough
    ({"children_under_16": 0}, DOES_NOT_QUALIFY, ["children_under_16"]),
    # the income test fails: nothing about animals or vehicles is asked
    ({"children_under_16": 2, "family_size": 4, "family_income": 4000}, DOES_NOT_QUALIFY,
     ["children_under_16", "family_size", "family_income"]),
    # no animals: the animal counts are skipped
    (NO_ANIMALS, MAY_QUALIFY,
     ["children_under_16", "family_size", "family_income", "has_livestock", "truck_or_minibus", "car_or_tractor"]),
    # 4 cows in a family of 4 are already 6 units per person: the other animals do not matter
    (NO_ANIMALS | {"has_livestock": True, "cows_oxen": 4}, DOES_NOT_QUALIFY,
     ["children_under_16", "family_size", "family_income", "has_livestock", "cows_oxen"]),
    # a truck refuses the benefit after everything before it was asked
    (NO_ANIMALS | {"truck_or_minibus": True}, DOES_NOT_QUALIFY,
     ["children_under_16", "family_size", "family_income", "has_livestock", "truck_or_minibus"]),
    # goats make it "ask the office"; after that only questions that could refuse are asked
    (NO_ANIMALS | {"has_livestock": True, "cows_oxen": 0, "heifers": 0, "horses": 0, "calves": 0, "bulls": 0,
                   "sheep": 2, "other_animals": True}, CANNOT_TELL, KOMOK_ALL[:-1]),
])
def test_next_question_follows_the_rule_order_and_stops_early(rules, answers, status, asked):
    verdict, questions = walk(rules["uy_bulogo_komok"], answers)
    assert verdict.status == status
    assert questions == asked


def test_the_first_question_and_the_count_of_answers(rules):
    step = evaluate(rules["uy_bulogo_komok"], {}, TODAY)
    assert isinstance(step, NextQuestion)
    assert (step.rule_id, step.question.id, step.answered) == ("uy_bulogo_komok", "children_under_16", 0)
    step = evaluate(rules["uy_bulogo_komok"], {"family_size": 5, "children_under_16": 3}, TODAY)
    assert (step.question.id, step.answered) == ("family_income", 2)


def test_unanswered_means_missing_or_none(rules):
    step = evaluate(rules["uy_bulogo_komok"], {"children_under_16": None}, TODAY)
    assert step.question.id == "children_under_16"


def test_amount_questions_come_only_when_the_caller_may_qualify(rules):
    rule = rules["balaga_suyunchu"]
    verdict, asked = walk(rule, {"birth_date": dt.date(2017, 12, 31)})
    assert verdict.status == DOES_NOT_QUALIFY and asked == ["birth_date"]
    verdict, asked = walk(rule, {"birth_date": dt.date(2024, 3, 1), "state_care": False, "living": "with_parent",
                                 "applicant_status": "citizen", "babies_born": 1})
    assert verdict.status == MAY_QUALIFY
    assert asked == ["birth_date", "state_care", "living", "applicant_status", "babies_born"]


def test_a_follow_up_choice_is_asked_only_when_it_matters(rules):
    rule = rules["balaga_suyunchu"]
    base = {"birth_date": dt.date(2024, 3, 1), "state_care": False, "living": "with_parent", "babies_born": 1}
    _, asked = walk(rule, base | {"applicant_status": "citizen"})
    assert "foreign_state" not in asked
    verdict, asked = walk(rule, base | {"applicant_status": "foreign_resident", "foreign_state": "other_state"})
    assert asked[-1] == "foreign_state" and verdict.status == DOES_NOT_QUALIFY


def test_a_priority_note_asks_its_questions_only_where_it_can_apply(rules):
    rule = rules["public_works"]
    _, asked = walk(rule, {"registration": "job_seeker"})
    assert asked == ["registration"]
    verdict, asked = walk(rule, {"registration": "official_unemployed", "receives_benefit": True})
    assert asked == ["registration", "receives_benefit"] and not verdict.unverified


def test_a_check_nothing_can_decide_sends_the_caller_to_the_office(sample_dir, services):
    """A division by zero leaves a check open with nothing left to ask: cannot tell, not a crash."""
    path = sample_dir / "sample.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "require: {lt: [family_size, 10]}", "require: {lt: [{div: [10, {sub: [family_size, 1]}]}, 5]}"),
        encoding="utf-8")
    rule = load_rules(sample_dir, services)["sample"]
    others = {"has_car": False, "who": "child"}
    verdict = evaluate(rule, {"family_size": 1} | others, TODAY)
    assert verdict.status == CANNOT_TELL
    assert [r.text.ru for r in verdict.reasons] == ["Много."]
    assert evaluate(rule, {"family_size": 3} | others, TODAY).status == DOES_NOT_QUALIFY  # 10 / 2 is not below 5
    assert evaluate(rule, {"family_size": 4} | others, TODAY).status == MAY_QUALIFY  # 10 / 3 is


@pytest.mark.parametrize(("answers", "error"), [
    ({"family_size": "five"}, AnswerError),
    ({"family_size": 0}, AnswerError),
    ({"has_livestock": 1}, AnswerError),
    ({"family_size": True}, AnswerError),
    ({"grandmother": 1}, KeyError),
])
def test_invalid_answers_are_refused(rules, answers, error):
    with pytest.raises(error):
        evaluate(rules["uy_bulogo_komok"], answers, TODAY)


def test_a_birth_date_after_today_is_refused(rules):
    with pytest.raises(AnswerError, match="after today"):
        evaluate(rules["balaga_suyunchu"], {"birth_date": dt.date(2024, 5, 2)}, TODAY)


def test_a_verdict_carries_everything_the_channels_need(rules):
    verdict, _ = walk(rules["uy_bulogo_komok"], NO_ANIMALS)
    assert isinstance(verdict, Verdict)
    assert verdict.rule_id == "uy_bulogo_komok" and verdict.name.ky
    assert verdict.apply_at.topic == "benefits" and verdict.apply_at.kind == "social_office"
    assert verdict.documents and verdict.next_steps and verdict.deadlines
    assert all(r.citation.document and r.citation.lines for r in verdict.reasons + verdict.documents)
    assert verdict.sources[0].document == "000_a6471b656ce57fa1.txt"
    assert verdict.valid_as_of == dt.date(2020, 10, 1)
    assert verdict.answers == NO_ANIMALS
    assert verdict.deadline is None and verdict.days_left is None and not verdict.deadline_passed


ROUGH_ANSWERS = {  # one plausible caller per rule; every question a rule might ask is here
    "uy_bulogo_komok": NO_ANIMALS | {"has_livestock": True, "cows_oxen": 1, "heifers": 1, "horses": 0,
                                     "calves": 0, "bulls": 0, "sheep": 3, "other_animals": False},
    "balaga_suyunchu": {"birth_date": dt.date(2024, 3, 1), "state_care": False, "living": "with_relatives",
                        "applicant_status": "kairylman", "babies_born": 2},
    "social_benefit": {"who": "adult_disability", "pension_right": "no_pension", "adult_group": "illness_3"},
    "unemployed_registration": {"citizen": True, "age": 30, "old_age_pension": False, "working": False,
                                "own_business": False, "farming": False, "full_time_student": False,
                                "in_service": False, "sentenced": False},
    "unemployment_benefit": {"registered": True, "insured_months": 20, "months_paid": 2},
    "public_works": {"registration": "official_unemployed", "receives_benefit": False, "months_registered": 8,
                     "children_under_16": 4},
    "vocational_training": {"registration": "official_unemployed", "why": "no_jobs_in_profession"},
    "legal_aid": {"need": "lawyer", "group": "single_mother"},
    "migrant_ishker": {"citizen": True, "returned_migrant": True, "months_since_return": 6, "age": 30,
                       "good_russian": True, "computer": True, "ready": True},
    "state_mortgage": {"age": 21, "repay_years": 44, "work_years": 3, "current_job_months": 0,
                       "owns_housing": False, "housing_deal": False},
    "health_insurance_policy": {"age": 40},
    "pension_age": {"sex": "woman", "age": 58},
    "russia_registration": {"arrived_days_ago": 10},
    "russia_entry_ban_check": {"been_before": True, "leaving_in_days": 90},
}


@pytest.mark.parametrize("rule_id", sorted(ROUGH_ANSWERS))
def test_every_rule_reaches_a_verdict_with_every_placeholder_filled(rules, rule_id):
    verdict, asked = walk(rules[rule_id], ROUGH_ANSWERS[rule_id])
    assert asked, "a rule with questions asks at least one"
    sentences = spoken(verdict)
    assert sentences
    for sentence in sentences:
        assert "{" not in sentence and "…" not in sentence, sentence
