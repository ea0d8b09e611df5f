"""Registration as unemployed, unemployment benefit, paid public works and retraining (seed 000)."""

import pytest

from hotline.eligibility import CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY
from tests.eligibility.conftest import walk

FREE_TO_REGISTER = {"citizen": True, "age": 30, "old_age_pension": False, "working": False, "own_business": False,
                    "farming": False, "full_time_student": False, "in_service": False, "sentenced": False}


@pytest.mark.parametrize(("answers", "status", "lines"), [
    ({"age": 15}, DOES_NOT_QUALIFY, "1161"),         # not yet 16
    ({"age": 16}, MAY_QUALIFY, None),
    ({"citizen": False}, DOES_NOT_QUALIFY, "1158-1159"),
    ({"old_age_pension": True}, DOES_NOT_QUALIFY, "1162-1163"),
    ({"working": True}, DOES_NOT_QUALIFY, "1190-1198, 1214-1216, 1230-1231"),
    ({"own_business": True}, DOES_NOT_QUALIFY, "1200-1202, 1233-1238"),
    ({"farming": True}, DOES_NOT_QUALIFY, "1204-1212"),  # incl. ≥ 0.05 ha of irrigated family land
    ({"full_time_student": True}, DOES_NOT_QUALIFY, "1224-1228"),
    ({"in_service": True}, DOES_NOT_QUALIFY, "1218-1222"),
    ({"sentenced": True}, DOES_NOT_QUALIFY, "1186-1188"),
])
def test_registration_exclusions(rules, answers, status, lines):
    verdict, asked = walk(rules["unemployed_registration"], FREE_TO_REGISTER | answers)
    assert verdict.status == status
    if lines:
        assert [r.citation.lines for r in verdict.reasons] == [lines]
        assert asked[-1] == next(iter(answers))  # nothing is asked after the exclusion
    else:
        assert [d.citation.lines for d in verdict.documents] == ["1139-1142"]
        assert any("10 күндүн" in d.text.ky for d in verdict.deadlines)


def test_farming_prompt_names_the_land_threshold(rules):
    prompt = rules["unemployed_registration"].question("farming").prompt
    assert "0,05 гектар" in prompt.ky and "0,05 гектара" in prompt.ru


@pytest.mark.parametrize(("insured", "paid", "status", "months_left"), [
    (11, 0, DOES_NOT_QUALIFY, None),   # at least 12 insured months in the last 3 years (L963-968)
    (12, 0, MAY_QUALIFY, 12),
    (36, 11, MAY_QUALIFY, 1),          # at most 12 months of payment within 3 years (L992-993)
    (36, 12, DOES_NOT_QUALIFY, None),
])
def test_unemployment_benefit(rules, insured, paid, status, months_left):
    verdict, _ = walk(rules["unemployment_benefit"], {"registered": True, "insured_months": insured, "months_paid": paid})
    assert verdict.status == status
    if months_left is not None:
        assert verdict.amount.value is None  # a percentage of the work record; no figure in the document
        assert f"{months_left} ай" in verdict.amount.text.ky
        assert {u.citation.lines for u in verdict.unverified} == {"963-968, 996-1002", "1004-1008, 1017-1018"}


def test_unemployment_benefit_needs_registration_first(rules):
    verdict, asked = walk(rules["unemployment_benefit"], {"registered": False, "insured_months": 20, "months_paid": 0})
    assert verdict.status == CANNOT_TELL
    assert asked == ["registered", "insured_months", "months_paid"]  # the refusing checks are still asked
    refused, _ = walk(rules["unemployment_benefit"], {"registered": False, "insured_months": 5})
    assert refused.status == DOES_NOT_QUALIFY


PRIORITY = {"registration": "official_unemployed", "receives_benefit": False, "months_registered": 7,
            "children_under_16": 4}


@pytest.mark.parametrize(("answers", "priority"), [
    ({}, True),
    ({"months_registered": 6}, False),      # more than 6 months (L1126-1130)
    ({"children_under_16": 3}, False),      # more than three children under 16
    ({"receives_benefit": True}, False),
    ({"registration": "job_seeker"}, False),
])
def test_public_works_priority(rules, answers, priority):
    verdict, _ = walk(rules["public_works"], PRIORITY | answers)
    assert verdict.status == MAY_QUALIFY
    assert any(n.citation.lines == "1126-1130" for n in verdict.notes) == priority
    assert bool(verdict.unverified) == priority  # "ошондой эле" read as "all of these"


def test_public_works_needs_registration(rules):
    verdict, asked = walk(rules["public_works"], {"registration": "not_registered"})
    assert (verdict.status, asked) == (CANNOT_TELL, ["registration"])


@pytest.mark.parametrize(("registration", "why", "status", "stipend"), [
    ("official_unemployed", "no_qualification", MAY_QUALIFY, True),
    ("official_unemployed", "no_jobs_in_profession", MAY_QUALIFY, True),
    ("job_seeker", "cannot_work_in_profession", MAY_QUALIFY, False),  # a stipend only for the unemployed
    ("job_seeker", "other", CANNOT_TELL, False),
    ("not_registered", "no_qualification", CANNOT_TELL, False),
])
def test_vocational_training(rules, registration, why, status, stipend):
    verdict, _ = walk(rules["vocational_training"], {"registration": registration, "why": why})
    assert verdict.status == status
    assert any(n.citation.lines == "818-822, 826-830" for n in verdict.notes) == stipend
    if status == MAY_QUALIFY:
        assert any("5 айдан" in d.text.ky for d in verdict.deadlines)  # at most 5 months (L796-799)
