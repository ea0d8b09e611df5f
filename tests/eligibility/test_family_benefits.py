"""«Үй-бүлөгө көмөк», «Балага сүйүнчү» and the monthly social benefit, at the documents' numbers."""

import datetime as dt

import pytest

from hotline.eligibility import CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, evaluate, one_shot_answers
from hotline.eligibility.evaluation import Scope
from tests.eligibility.conftest import TODAY, walk

NO_ANIMALS = {"has_livestock": False, "truck_or_minibus": False, "car_or_tractor": False}
ANIMALS = {"cows_oxen": 0, "heifers": 0, "horses": 0, "calves": 0, "bulls": 0, "sheep": 0, "other_animals": False,
           "has_livestock": True, "truck_or_minibus": False, "car_or_tractor": False}


# --- Үй-бүлөгө көмөк (seed 000 L1799-1814, L2130-2312) ---------------------------------------------

@pytest.mark.parametrize(("family_size", "income", "status"), [
    (1, 999, MAY_QUALIFY),        # below the guaranteed minimum income of 1000 som (L1811, L2140-2142)
    (1, 1000, DOES_NOT_QUALIFY),  # "аз" / "төмөн": 1000 itself is not below 1000
    (5, 4995, MAY_QUALIFY),       # 999 per member
    (5, 5000, DOES_NOT_QUALIFY),  # 1000 per member
    (3, 2999, MAY_QUALIFY),       # 999.67 per member
    (3, 3000, DOES_NOT_QUALIFY),
])
def test_komok_income_per_member(rules, family_size, income, status):
    answers = {"children_under_16": 1, "family_size": family_size, "family_income": income} | NO_ANIMALS
    verdict, _ = walk(rules["uy_bulogo_komok"], answers)
    assert verdict.status == status
    if status == DOES_NOT_QUALIFY:
        assert "1000" in verdict.reasons[0].text.ky
        assert verdict.reasons[0].citation.lines == "1799-1811, 2140-2142"


@pytest.mark.parametrize(("children", "status"), [(0, DOES_NOT_QUALIFY), (1, MAY_QUALIFY)])
def test_komok_needs_a_child_under_16(rules, children, status):
    verdict, _ = walk(rules["uy_bulogo_komok"], {"children_under_16": children, "family_size": 3,
                                                  "family_income": 900} | NO_ANIMALS)
    assert verdict.status == status


def test_komok_prompt_counts_only_children_under_16(rules):
    prompt = rules["uy_bulogo_komok"].question("children_under_16").prompt
    assert "16 жашка чейинки" in prompt.ky and "до 16 лет" in prompt.ru


def test_komok_worked_example(rules):
    """L2201-2212: 5 people, 1 cow, 1 heifer, 3 sheep → 6 + 4 + 3 = 13 units, 2.6 per member ≤ 4."""
    rule = rules["uy_bulogo_komok"]
    answers = ANIMALS | {"children_under_16": 2, "family_size": 5, "family_income": 3000,
                         "cows_oxen": 1, "heifers": 1, "sheep": 3}
    scope = Scope(rule, answers, TODAY)
    assert scope.display("livestock_units") == "13"
    assert scope.display("units_per_member") == "2,6"
    verdict, _ = walk(rule, answers)
    assert verdict.status == MAY_QUALIFY
    assert any(u.citation.lines == "2201-2207" for u in verdict.unverified)  # a sheep = 1 unit is only implied


@pytest.mark.parametrize(("animals", "status"), [
    ({"cows_oxen": 2}, MAY_QUALIFY),                        # 12 units / 3 people = 4: not more than 4
    ({"cows_oxen": 2, "sheep": 1}, DOES_NOT_QUALIFY),       # 13 / 3 > 4
    ({"horses": 1, "calves": 2}, MAY_QUALIFY),              # 7 + 5 = 12
    ({"bulls": 1, "heifers": 1}, MAY_QUALIFY),              # 8 + 4 = 12
    ({"bulls": 1, "heifers": 1, "calves": 1}, DOES_NOT_QUALIFY),  # 14.5
])
def test_komok_livestock_units_per_member(rules, animals, status):
    answers = ANIMALS | {"children_under_16": 1, "family_size": 3, "family_income": 600} | animals
    verdict, _ = walk(rules["uy_bulogo_komok"], answers)
    assert verdict.status == status


@pytest.mark.parametrize(("extra", "status", "lines"), [
    ({"truck_or_minibus": True}, DOES_NOT_QUALIFY, "2181-2190"),
    ({"car_or_tractor": True}, CANNOT_TELL, "2181-2188"),    # the car rule is garbled in the document
])
def test_komok_vehicles(rules, extra, status, lines):
    answers = {"children_under_16": 1, "family_size": 3, "family_income": 600} | NO_ANIMALS | extra
    verdict, _ = walk(rules["uy_bulogo_komok"], answers)
    assert verdict.status == status
    assert verdict.reasons[0].citation.lines == lines


def test_komok_amount_is_810_per_child_and_flagged(rules):
    answers = {"children_under_16": 3, "family_size": 5, "family_income": 4000} | NO_ANIMALS
    verdict, _ = walk(rules["uy_bulogo_komok"], answers)
    assert verdict.amount.value == 2430
    assert "2430" in verdict.amount.text.ky and "810" in verdict.amount.text.ru
    assert verdict.unverified[0].citation.lines == "1813-1814, 2219"  # per child or per family?
    assert any("5 күндүн ичинде" in d.text.ky for d in verdict.deadlines)  # report changes within 5 days
    assert [d.citation.lines for d in verdict.deadlines] == ["2227-2229", "2284-2292"]


def test_komok_sms_then_one_question_at_a_time(rules):
    rule = rules["uy_bulogo_komok"]
    answers = one_shot_answers(rule, [5, 3, 4000], TODAY)
    assert evaluate(rule, answers, TODAY).question.id == "has_livestock"


# --- Балага сүйүнчү (seed 000 L1784-1797, L2031-2128) ---------------------------------------------

ELIGIBLE_PARENT = {"state_care": False, "living": "with_parent", "applicant_status": "citizen", "babies_born": 1}


@pytest.mark.parametrize(("birth_date", "today", "status"), [
    (dt.date(2017, 12, 31), dt.date(2018, 3, 1), DOES_NOT_QUALIFY),   # born before 1 Jan 2018 (L2035-2039)
    (dt.date(2018, 1, 1), dt.date(2018, 3, 1), MAY_QUALIFY),
    (dt.date(2024, 3, 15), dt.date(2024, 9, 15), MAY_QUALIFY),        # the last day of the sixth month
    (dt.date(2024, 3, 15), dt.date(2024, 9, 16), DOES_NOT_QUALIFY),   # the day after (L2084-2085)
    (dt.date(2024, 8, 31), dt.date(2025, 2, 28), MAY_QUALIFY),        # no 31 February: the month's end
    (dt.date(2024, 8, 31), dt.date(2025, 3, 1), DOES_NOT_QUALIFY),
    (dt.date(2024, 3, 15), dt.date(2024, 3, 15), MAY_QUALIFY),        # born today
])
def test_bala_birth_date_and_six_months(rules, birth_date, today, status):
    verdict, _ = walk(rules["balaga_suyunchu"], ELIGIBLE_PARENT | {"birth_date": birth_date}, today)
    assert verdict.status == status


def test_bala_deadline_date_and_days_left(rules):
    rule = rules["balaga_suyunchu"]
    verdict, _ = walk(rule, ELIGIBLE_PARENT | {"birth_date": dt.date(2024, 3, 15)}, dt.date(2024, 9, 5))
    assert (verdict.deadline, verdict.days_left, verdict.deadline_passed) == (dt.date(2024, 9, 15), 10, False)
    assert "15.09.2024" in verdict.deadlines[0].text.ky and "10" in verdict.deadlines[0].text.ru
    late, _ = walk(rule, ELIGIBLE_PARENT | {"birth_date": dt.date(2024, 3, 15)}, dt.date(2024, 9, 16))
    assert late.deadline_passed and late.days_left == -1
    assert "15.09.2024" in late.reasons[0].text.ru and "истёк" in late.deadlines[0].text.ru


@pytest.mark.parametrize(("birth_date", "babies", "amount"), [
    (dt.date(2024, 3, 1), 1, 4000),      # 4000 per child (L1784-1786, L2043-2044)
    (dt.date(2024, 3, 1), 2, 8000),
    (dt.date(2024, 3, 1), 3, 150000),    # 50 000 per child for three or more (L1794-1797, L2046-2047)
    (dt.date(2019, 12, 1), 4, 200000),   # from 1 December 2019
    (dt.date(2019, 11, 30), 3, None),    # before it the document gives no figure
])
def test_bala_amount(rules, birth_date, babies, amount):
    today = birth_date + dt.timedelta(days=30)
    verdict, _ = walk(rules["balaga_suyunchu"], ELIGIBLE_PARENT | {"birth_date": birth_date, "babies_born": babies}, today)
    assert verdict.status == MAY_QUALIFY
    assert verdict.amount.value == amount
    if amount:
        assert str(amount) in verdict.amount.text.ky


@pytest.mark.parametrize(("answers", "status"), [
    ({"applicant_status": "kairylman"}, MAY_QUALIFY),
    ({"applicant_status": "other"}, DOES_NOT_QUALIFY),
    ({"living": "abroad"}, DOES_NOT_QUALIFY),            # given to people living in the KR (L2065-2066)
    ({"living": "with_relatives"}, CANNOT_TELL),         # parents abroad: the document does not say
    ({"living": "with_guardian"}, MAY_QUALIFY),
    ({"state_care": True}, DOES_NOT_QUALIFY),            # children in full state care (L2037-2039)
    *[({"applicant_status": "foreign_resident", "foreign_state": state}, MAY_QUALIFY)
      for state in ("russia", "kazakhstan", "uzbekistan", "tajikistan", "armenia", "belarus", "moldova")],
    ({"applicant_status": "foreign_resident", "foreign_state": "other_state"}, DOES_NOT_QUALIFY),
])
def test_bala_who_may_receive_it(rules, answers, status):
    verdict, _ = walk(rules["balaga_suyunchu"], ELIGIBLE_PARENT | {"birth_date": dt.date(2024, 3, 1)} | answers)
    assert verdict.status == status


@pytest.mark.parametrize(("answers", "document_lines"), [
    ({"living": "with_guardian"}, "2091-2095"),          # the court decision on guardianship
    ({"applicant_status": "kairylman"}, "2103-2104"),    # a copy of the kairylman certificate
    ({"applicant_status": "foreign_resident", "foreign_state": "russia"}, "2106-2108"),
    ({"living": "with_relatives"}, "2091-2099"),         # a power of attorney
])
def test_bala_documents_follow_the_answers(rules, answers, document_lines):
    verdict, _ = walk(rules["balaga_suyunchu"], ELIGIBLE_PARENT | {"birth_date": dt.date(2024, 3, 1)} | answers)
    assert [d.citation.lines for d in verdict.documents] == ["2089", document_lines]


# --- Social benefit (seed 000 L1816-1907, L2313-2427) ---------------------------------------------

@pytest.mark.parametrize(("who", "group", "amount", "flagged"), [
    ("child_disability", None, 4000, None),
    ("child_hiv", None, 4000, None),
    ("child_of_hiv_mother", None, 4000, None),
    ("child_lost_breadwinner", None, 1000, None),
    ("full_orphan", None, 2000, None),
    ("hero_mother", None, 2000, None),
    ("elderly", None, 1000, "1889-1897, 2343"),       # no age for "elderly" in the document
    ("adult_disability", "childhood_1", 4000, None),
    ("adult_disability", "childhood_2", 3300, None),
    ("adult_disability", "childhood_3", 2700, "1865-1869"),        # printed as group 2 (row 7)
    ("adult_disability", "illness_1", 2000, None),
    ("adult_disability", "illness_2", 1500, None),
    ("adult_disability", "illness_3", 1000, "1882-1885, 2339"),    # printed as group 2 (row 10)
])
def test_social_benefit_table(rules, who, group, amount, flagged):
    answers = {"who": who, "pension_right": "no_pension", "adult_group": group}
    verdict, asked = walk(rules["social_benefit"], {k: v for k, v in answers.items() if v})
    assert verdict.status == MAY_QUALIFY
    assert verdict.amount.value == amount
    assert ("adult_group" in asked) == (group is not None)
    assert [u.citation.lines for u in verdict.unverified] == ([flagged] if flagged else [])
    if flagged:
        assert any("тактап" in step.ky for step in verdict.next_steps)  # "confirm it at the office"


def test_social_benefit_flagged_rows_say_so_in_the_amount(rules):
    verdict, _ = walk(rules["social_benefit"], {"who": "adult_disability", "pension_right": "no_pension",
                                                "adult_group": "childhood_3"})
    assert "не проверена" in verdict.amount.text.ru and "текшерилген эмес" in verdict.amount.text.ky
    assert "2-тайпа" in verdict.unverified[0].text.ky


@pytest.mark.parametrize(("who", "pension", "status"), [
    ("elderly", "has_pension", DOES_NOT_QUALIFY),  # only for people with no right to a pension (L2318)
    ("elderly", "unknown", CANNOT_TELL),           # the Social Fund certificate tells (L2384-2385)
    ("none", "no_pension", DOES_NOT_QUALIFY),      # not in the document's list
])
def test_social_benefit_pension_right(rules, who, pension, status):
    verdict, asked = walk(rules["social_benefit"], {"who": who, "pension_right": pension})
    assert verdict.status == status
    assert asked == (["who"] if who == "none" else ["who", "pension_right"])
