"""Legal aid, Migrant Ishker, state mortgage, the health insurance policy and the pension age (seed 000)."""

import pytest

from hotline.eligibility import CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY
from tests.eligibility.conftest import TODAY, walk

LAWYER_GROUPS = ["detained_or_grave_crime", "disability_1_2", "mental_illness", "veteran", "child_case",
                 "single_mother", "conscript", "care_home"]


def test_legal_advice_is_free_for_everyone(rules):
    verdict, asked = walk(rules["legal_aid"], {"need": "advice"})
    assert (verdict.status, asked) == (MAY_QUALIFY, ["need"])
    assert verdict.apply_at.kind == "legal_aid_centre"
    assert [n.citation.lines for n in verdict.notes] == ["3189-3193, 3227-3237"]


@pytest.mark.parametrize("group", LAWYER_GROUPS)
def test_a_free_lawyer_for_the_exempt_groups(rules, group):
    verdict, _ = walk(rules["legal_aid"], {"need": "lawyer", "group": group})
    assert verdict.status == MAY_QUALIFY
    assert "3257-3284" in [n.citation.lines for n in verdict.notes]


def test_the_income_test_cannot_be_told_without_the_minimum_wage(rules):
    verdict, _ = walk(rules["legal_aid"], {"need": "lawyer", "group": "none"})
    assert verdict.status == CANNOT_TELL
    assert verdict.reasons[0].citation.lines == "3250-3255"
    assert verdict.amount is None  # "free" is not said when we cannot tell


MIGRANT = {"citizen": True, "returned_migrant": True, "months_since_return": 10, "age": 30,
           "good_russian": True, "computer": True, "ready": True}


@pytest.mark.parametrize(("answers", "status"), [
    ({}, MAY_QUALIFY),
    ({"age": 17}, DOES_NOT_QUALIFY),             # not younger than 18 (L1325)
    ({"age": 18}, MAY_QUALIFY),
    ({"months_since_return": 24}, MAY_QUALIFY),  # returned within the last two years (L1314-1315)
    ({"months_since_return": 25}, DOES_NOT_QUALIFY),
    ({"citizen": False}, DOES_NOT_QUALIFY),
    ({"returned_migrant": False}, DOES_NOT_QUALIFY),
    ({"good_russian": False}, DOES_NOT_QUALIFY),
    ({"computer": False}, DOES_NOT_QUALIFY),     # a computer with ≥ 20 Mb/s internet (L1323)
    ({"ready": False}, DOES_NOT_QUALIFY),
])
def test_migrant_ishker(rules, answers, status):
    verdict, _ = walk(rules["migrant_ishker"], MIGRANT | answers)
    assert verdict.status == status
    if status == MAY_QUALIFY:
        assert verdict.apply_at.offices == ("migrant-ishker",)
        assert verdict.amount.text.ky == "Катышуу акысыз."


HOME_SEEKER = {"age": 35, "repay_years": 20, "work_years": 5, "current_job_months": 24, "owns_housing": False,
               "housing_deal": False}


@pytest.mark.parametrize(("answers", "status", "edge"), [
    ({"age": 20}, DOES_NOT_QUALIFY, None),                    # older than 21 when taking the loan
    ({"age": 21}, MAY_QUALIFY, "21"),                         # "21 жаштан жогору": is 21 itself enough?
    ({"age": 45, "repay_years": 20}, MAY_QUALIFY, "65"),      # 65 at the last payment: "65 жашка чейин"
    ({"age": 46, "repay_years": 20}, DOES_NOT_QUALIFY, None),  # 66 at the last payment
    ({"age": 65, "repay_years": 0}, CANNOT_TELL, None),       # term unknown: the company must count
    ({"age": 66, "repay_years": 0}, DOES_NOT_QUALIFY, None),  # 66 already
    ({"work_years": 2, "current_job_months": 11}, DOES_NOT_QUALIFY, None),
    ({"work_years": 3, "current_job_months": 0}, MAY_QUALIFY, None),   # 3 years in all ...
    ({"work_years": 0, "current_job_months": 12}, MAY_QUALIFY, None),  # ... or a year in this job
    ({"owns_housing": True}, DOES_NOT_QUALIFY, None),
    ({"housing_deal": True}, DOES_NOT_QUALIFY, None),
])
def test_state_mortgage(rules, answers, status, edge):
    verdict, _ = walk(rules["state_mortgage"], HOME_SEEKER | answers)
    assert verdict.status == status
    flags = [u.text.ru for u in verdict.unverified]
    assert any("2015-2020" in f for f in flags)  # the programme's own name ends in 2020
    assert any(f"«{'старше 21 года' if edge == '21' else 'до 65 лет'}»" in f for f in flags) == (edge is not None)


@pytest.mark.parametrize(("age", "status"), [(17, DOES_NOT_QUALIFY), (18, MAY_QUALIFY)])
def test_health_insurance_policy(rules, age, status):
    verdict, _ = walk(rules["health_insurance_policy"], {"age": age})
    assert verdict.status == status
    if status == MAY_QUALIFY:
        assert verdict.amount.value == 1200  # for self-payers, valid 12 months (L2849-2852)
        assert "12" in verdict.amount.text.ky
        assert len(verdict.documents) == 5


@pytest.mark.parametrize(("sex", "age", "status", "years_left"), [
    ("man", 62, DOES_NOT_QUALIFY, "1"),    # men at 63 (L2450)
    ("man", 63, MAY_QUALIFY, None),
    ("man", 58, DOES_NOT_QUALIFY, "5"),
    ("woman", 57, DOES_NOT_QUALIFY, "1"),  # women at 58
    ("woman", 58, MAY_QUALIFY, None),
])
def test_pension_age(rules, sex, age, status, years_left):
    verdict, _ = walk(rules["pension_age"], {"sex": sex, "age": age})
    assert verdict.status == status
    if years_left:
        assert f"{years_left} жыл" in verdict.reasons[0].text.ky
    else:
        lines = [d.citation.lines for d in verdict.documents]
        assert ("2466" in lines) == (sex == "man") and ("2473-2477" in lines) == (sex == "woman")
        assert verdict.unverified[0].citation.lines == "2468-2469"  # "before 1969", probably 1996


@pytest.mark.parametrize("sex, age, said, not_said", [
    ("man", 63, "эркектердин пенсия курагы", "аялдардын"),
    ("woman", 60, "аялдардын пенсия курагы", "эркектердин"),
])
def test_a_pension_verdict_gives_only_the_callers_own_reason(rules, sex, age, said, not_said):
    """The other sex's age check does not apply: it is neither a reason nor said."""
    verdict, _ = walk(rules["pension_age"], {"sex": sex, "age": age})
    spoken = " ".join(reason.text.ky for reason in verdict.reasons)
    assert said in spoken and not_said not in spoken


def test_whether_a_check_applies_is_asked_before_it_counts(rules):
    from hotline.eligibility import evaluate

    asked = evaluate(rules["pension_age"], {"age": 70}, TODAY)
    assert asked.question.id == "sex"  # not a verdict that quotes both ages
