"""Keypad digits and SMS numbers become answers; anything else is refused with a code to re-prompt by."""

import datetime as dt

import pytest

from hotline.eligibility import AnswerError, one_shot_answers, parse_keypad_answer

TODAY = dt.date(2024, 5, 1)


def question(rules, rule_id, question_id):
    return rules[rule_id].question(question_id)


@pytest.mark.parametrize(("rule_id", "question_id", "digits", "value"), [
    ("uy_bulogo_komok", "family_size", "5#", 5),           # a number ends with '#'
    ("uy_bulogo_komok", "family_size", "5", 5),            # ... which Twilio may already have dropped
    ("uy_bulogo_komok", "family_size", "005#", 5),         # leading zeros are harmless
    ("uy_bulogo_komok", "family_size", " 12# ", 12),
    ("uy_bulogo_komok", "children_under_16", "0#", 0),
    ("uy_bulogo_komok", "family_income", "4000#", 4000),   # amount in som
    ("russia_registration", "arrived_days_ago", "31#", 31),  # "days ago" is a count
    ("russia_registration", "arrived_days_ago", "0", 0),
    ("uy_bulogo_komok", "has_livestock", "1", True),       # yes/no = 1/2
    ("uy_bulogo_komok", "has_livestock", "2", False),
    ("uy_bulogo_komok", "has_livestock", "2#", False),
    ("social_benefit", "who", "6", "adult_disability"),    # a choice by its digit
    ("social_benefit", "who", "9", "none"),
    ("pension_age", "sex", "2", "woman"),
    ("balaga_suyunchu", "birth_date", "05032024#", dt.date(2024, 3, 5)),  # DDMMYYYY
    ("balaga_suyunchu", "birth_date", "29022024", dt.date(2024, 2, 29)),
    ("balaga_suyunchu", "birth_date", "01052024", TODAY),  # today is not in the future
])
def test_good_keypad_answers(rules, rule_id, question_id, digits, value):
    assert parse_keypad_answer(question(rules, rule_id, question_id), digits, TODAY) == value


@pytest.mark.parametrize(("rule_id", "question_id", "digits", "code"), [
    ("uy_bulogo_komok", "family_size", "", "empty"),
    ("uy_bulogo_komok", "family_size", "#", "empty"),
    ("uy_bulogo_komok", "family_size", None, "empty"),
    ("uy_bulogo_komok", "family_size", "*", "not_digits"),       # '*' is "back", never a number
    ("uy_bulogo_komok", "family_size", "5*", "not_digits"),
    ("uy_bulogo_komok", "family_size", "1#2", "not_digits"),     # '#' only at the end
    ("uy_bulogo_komok", "family_size", "5##", "not_digits"),
    ("uy_bulogo_komok", "family_size", "٣", "not_digits"),       # a non-ASCII digit
    ("uy_bulogo_komok", "family_size", "0#", "below_minimum"),   # a family has at least one person
    ("uy_bulogo_komok", "family_size", "41#", "above_maximum"),
    ("uy_bulogo_komok", "family_income", "100000000", "above_maximum"),
    ("uy_bulogo_komok", "has_livestock", "3", "no_such_option"),
    ("uy_bulogo_komok", "has_livestock", "0", "no_such_option"),
    ("uy_bulogo_komok", "has_livestock", "12", "no_such_option"),
    ("pension_age", "sex", "3", "no_such_option"),
    ("pension_age", "sex", "0", "no_such_option"),
    ("pension_age", "sex", "11", "no_such_option"),
    ("balaga_suyunchu", "birth_date", "31022024", "not_a_date"),
    ("balaga_suyunchu", "birth_date", "5032024", "not_a_date"),  # 7 digits on a keypad
    ("balaga_suyunchu", "birth_date", "150320245", "not_a_date"),
    ("balaga_suyunchu", "birth_date", "00002024", "not_a_date"),
    ("balaga_suyunchu", "birth_date", "02052024", "future_date"),
])
def test_bad_keypad_answers(rules, rule_id, question_id, digits, code):
    with pytest.raises(AnswerError) as caught:
        parse_keypad_answer(question(rules, rule_id, question_id), digits, TODAY)
    assert caught.value.code == code
    assert caught.value.question_id == question_id


def test_a_future_date_is_accepted_without_today(rules):
    """Without ``today`` the parser cannot know; evaluate() checks it again."""
    assert parse_keypad_answer(question(rules, "balaga_suyunchu", "birth_date"), "02052024") == dt.date(2024, 5, 2)


@pytest.mark.parametrize(("rule_id", "numbers", "answers"), [
    ("uy_bulogo_komok", [5, 3, 4000], {"family_size": 5, "children_under_16": 3, "family_income": 4000}),
    ("uy_bulogo_komok", [5, 3], {"family_size": 5, "children_under_16": 3}),   # the rest is asked
    ("uy_bulogo_komok", [], {}),
    ("balaga_suyunchu", [15032024, 2], {"birth_date": dt.date(2024, 3, 15), "babies_born": 2}),
    ("balaga_suyunchu", [5032024], {"birth_date": dt.date(2024, 3, 5)}),  # a lost leading zero
    ("social_benefit", [6, 1, 3], {"who": "adult_disability", "pension_right": "no_pension", "adult_group": "childhood_3"}),
    ("russia_registration", [12], {"arrived_days_ago": 12}),
])
def test_one_shot_sms_answers(rules, rule_id, numbers, answers):
    assert one_shot_answers(rules[rule_id], numbers, TODAY) == answers


@pytest.mark.parametrize(("rule_id", "numbers", "code", "question_id"), [
    ("uy_bulogo_komok", [5, 3, 4000, 7], "too_many_numbers", None),
    ("uy_bulogo_komok", [0, 3, 4000], "below_minimum", "family_size"),
    ("uy_bulogo_komok", [5, -3, 4000], "not_digits", "children_under_16"),
    ("uy_bulogo_komok", [5, True], "not_digits", "children_under_16"),
    ("social_benefit", [10], "no_such_option", "who"),
    ("balaga_suyunchu", [31022024], "not_a_date", "birth_date"),
    ("balaga_suyunchu", [1062024], "future_date", "birth_date"),
    ("legal_aid", [1], "too_many_numbers", None),   # a rule with no sms_order takes no numbers
])
def test_bad_one_shot_sms_answers(rules, rule_id, numbers, code, question_id):
    with pytest.raises(AnswerError) as caught:
        one_shot_answers(rules[rule_id], numbers, TODAY)
    assert caught.value.code == code
    assert caught.value.question_id == question_id
