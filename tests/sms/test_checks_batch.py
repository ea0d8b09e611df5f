"""The yes/no questions of a check asked together, answered in one reply (``2 2 2``), and answers
that cannot all be true, through the real webhook: each SMS costs the person money."""

import datetime as dt

import pytest

from hotline.eligibility import AnswerError, load_rules
from hotline.sms.check.read import batch_answers, split_one_shot, today_in_bishkek
from hotline.sms.segments import count_segments
from hotline.timeutil import utcnow
from tests.sms.test_checks import conversation, replies, stored_answers

YES_NO = ["has_livestock", "truck_or_minibus", "car_or_tractor"]


@pytest.fixture(scope="module")
def komok():
    return load_rules()["uy_bulogo_komok"]


def test_the_one_shot_lists_the_yes_no_questions_numbered_with_the_answer_form(app):
    reply = replies(app, "+996555200001", ["KOMOK 5 3 4000"])[0]
    assert reply.splitlines() == [
        "Dagy bir neche suroo.",
        "Joop 1 - ooba, 2 - jok:",
        "1) Mal barby?",
        "2) Ishtegen jük mashina, mikroavtobus?",
        "3) Ishtegen jeñil mashina, traktor, kombayn?",
        "Misaly: 2 2 2",
    ]


@pytest.mark.parametrize("caller, first, answer, verdict", [
    ("+996555200011", "KOMOK 5 3 4000", "2 2 2", '"Üy-bülögö kömök": alyshyñyz mümkün.'),
    ("+996555200012", "KOMOK 5 3 4000", "no no no", '"Üy-bülögö kömök": alyshyñyz mümkün.'),
    ("+996555200013", "KOMOK 5 3 4000", "222", '"Üy-bülögö kömök": alyshyñyz mümkün.'),
    ("+996555200014", "KOMOK 5 3 4000", "2, 2, 2", '"Üy-bülögö kömök": alyshyñyz mümkün.'),
    ("+996555200015", "КӨМӨК 5 3 4000", "жок жок жок", "«Үй-бүлөгө көмөк»: алышыңыз мүмкүн."),
    ("+996555200016", "пособие 5 3 4000", "нет нет нет", "«Үй-бүлөгө көмөк»: возможно, положено."),
    ("+996555200017", "КОМОК 5 3 4000", "2 2 2", "«Үй-бүлөгө көмөк»: алышыңыз мүмкүн."),
])
def test_one_reply_answers_all_the_yes_no_questions(app, caller, first, answer, verdict):
    asked, got = replies(app, caller, [first, answer])
    assert asked.count(")") == 3
    assert got.startswith(verdict) and "2430" in got  # 810 som for each of 3 children
    row = conversation(app, caller)
    assert row.menu["kind"] == "verdict"
    assert {key: stored_answers(app, row)[key] for key in YES_NO} == dict.fromkeys(YES_NO, False)


def test_the_cyrillic_list_fits_two_segments_with_its_example(app):
    for caller, body, example in [("+996555200021", "КӨМӨК 5 3 4000", "Мисалы: 2 2 2"),
                                  ("+996555200022", "пособие 5 3 4000", "Например: 2 2 2")]:
        reply = replies(app, caller, [body])[0]
        segments = count_segments(reply)
        assert segments.encoding == "UCS-2" and segments.segments == 2
        assert reply.endswith(example) and "3) " in reply


def test_a_partial_reply_answers_the_first_questions_and_asks_the_rest(app):
    caller = "+996555200031"
    asked = replies(app, caller, ["KOMOK 5 3 4000", "jok", "2 2"])
    assert asked[1].splitlines()[1:] == ["1) Ishtegen jük mashina, mikroavtobus?",
                                        "2) Ishtegen jeñil mashina, traktor, kombayn?", "Misaly: 2 2"]
    assert asked[2].startswith('"Üy-bülögö kömök": alyshyñyz mümkün.')


def test_yes_to_livestock_then_its_counts_are_asked(app):
    caller = "+996555200032"
    asked = replies(app, caller, ["KOMOK 5 3 4000", "1 2 2"])
    assert "kancha uy jana ögüz bar?" in asked[1].casefold()
    answers = stored_answers(app, conversation(app, caller))
    assert (answers["has_livestock"], answers["truck_or_minibus"], answers["car_or_tractor"]) == (True, False, False)


def test_a_truck_ends_it_in_the_same_reply(app):
    verdict = replies(app, "+996555200033", ["KOMOK 5 3 4000", "2 1"])[1]
    assert verdict.startswith('"Üy-bülögö kömök": dokument boyuncha tuura kelbeyt okshoyt.')


@pytest.mark.parametrize("caller, answer", [("+996555200041", "2 2 2 2"), ("+996555200042", "2 5 2"),
                                            ("+996555200043", "jok bar jok")])
def test_a_bad_list_of_answers_keeps_nothing_and_asks_again(app, caller, answer):
    asked = replies(app, caller, ["KOMOK 5 3 4000", answer])[1]
    assert asked.startswith("Tüshünbödük.\nJoop 1 - ooba, 2 - jok:") and "3) Ishtegen" in asked
    row = conversation(app, caller)
    assert row.menu["kind"] == "check" and not set(YES_NO) & set(stored_answers(app, row))


@pytest.mark.parametrize("caller, first, answer, expected", [
    ("+996555200044", "КӨМӨК 5 3 4000", "жок 5", ["Түшүнбөдүк.", "Жооп 1 – ооба, 2 – жок:", "1) Мал барбы?",
                                              "2) Иштеген жүк машина, микроавтобус?",
                                              "3) Иштеген жеңил машина, трактор, комбайн?"]),
    ("+996555200045", "пособие 5 3 4000", "нет да да да", ["Не поняли.", "Ответ 1 – да, 2 – нет:", "1) Есть скот?",
                                                         "2) Исправный грузовик, микроавтобус?",
                                                         "3) Исправная легковая, трактор, комбайн?"]),
])
def test_a_bad_list_in_cyrillic_still_says_so_within_two_segments(app, caller, first, answer, expected):
    asked = replies(app, caller, [first, answer])[1]
    assert asked.splitlines() == expected  # the example gives way to "not understood"


@pytest.mark.parametrize("caller, body, starts", [
    ("+996555200051", "KOMOK 5 3 4000 2 2 2", '"Üy-bülögö kömök": alyshyñyz mümkün.'),
    ("+996555200052", "КӨМӨК 5 3 4000 2 2 2", "«Үй-бүлөгө көмөк»: алышыңыз мүмкүн."),
    ("+996555200053", "KOMOK 5 3 4000 2 1 2", '"Üy-bülögö kömök": dokument boyuncha tuura kelbeyt okshoyt.'),
])
def test_the_one_shot_takes_all_six_numbers(app, caller, body, starts):
    reply = replies(app, caller, [body])[0]
    assert reply.startswith(starts)
    assert conversation(app, caller).menu["kind"] == "verdict"


def test_the_one_shot_with_some_yes_no_answers_asks_the_rest(app):
    reply = replies(app, "+996555200054", ["KOMOK 5 3 4000 2"])[0]
    assert "1) Ishtegen jük mashina" in reply and "Misaly: 2 2" in reply


def test_question_by_question_still_answers_one_at_a_time(app):
    asked = replies(app, "+996555200061", ["komok", "2", "3", "5", "4000", "2", "2", "2"])
    assert "1) Mal barby?" in asked[4]
    assert "1) Ishtegen jük mashina" in asked[5]
    assert asked[6] == "Ishtep turgan jeñil mashina, traktor je kombayn barby? 1 - ooba, 2 - jok."  # the last, whole
    assert asked[7].startswith('"Üy-bülögö kömök": alyshyñyz mümkün.')


# -- answers that cannot all be true ----------------------------------------------------------


@pytest.mark.parametrize("caller, body, message, question", [
    ("+996555200071", "KOMOK 3 5 4000", "3 kishilik üy-bülödö 5 bala bolboyt", "16 jashka cheyinki kancha balañyz bar?"),
    ("+996555200072", "KOMOK 3 5 4000 2 2 2", "3 kishilik üy-bülödö 5 bala bolboyt", "16 jashka cheyinki kancha"),
    ("+996555200073", "КӨМӨК 3 3 4000", "3 кишилик үй-бүлөдө 3 бала болбойт", "16 жашка чейинки канча балаңыз бар?"),
    ("+996555200074", "пособие 3 5 4000", "В семье из 3 человек не может быть 5 детей", "Сколько у вас детей до 16 лет?"),
])
def test_more_children_than_the_family_is_said_and_asked_again(app, caller, body, message, question):
    reply = replies(app, caller, [body])[0]
    assert reply.startswith(message) and question in reply
    row = conversation(app, caller)
    assert row.menu["kind"] == "check"
    assert "children_under_16" not in stored_answers(app, row) and "family_size" not in stored_answers(app, row)


def test_inconsistent_answers_one_at_a_time_then_corrected(app):
    caller = "+996555200075"
    asked = replies(app, caller, ["komok", "2", "5", "3", "2", "5", "4000", "2 2 2"])
    assert asked[3].startswith("3 kishilik üy-bülödö 5 bala bolboyt") and "kancha balañyz bar?" in asked[3]
    assert "kancha adam bar?" in asked[4]
    assert "kireshesi kancha som?" in asked[5]
    assert asked[7].startswith('"Üy-bülögö kömök": alyshyñyz mümkün.') and "1620 som" in asked[7]


# -- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize("words, expected", [
    (["2", "2", "2"], [False, False, False]),
    (["jok", "ooba", "no"], [False, True, False]),
    (["1"], [True]),
    (["12"], [True, False]),
    (["222"], [False, False, False]),
])
def test_batch_answers(komok, words, expected):
    questions = [komok.question(q) for q in YES_NO]
    assert list(batch_answers(questions, words, dt.date(2026, 1, 1)).values()) == expected


@pytest.mark.parametrize("words, code", [
    (["2", "2", "2", "2"], "too_many_numbers"), (["2222"], "no_such_option"), (["3"], "no_such_option"), ([], "empty"),
])
def test_bad_batch_answers(komok, words, code):
    questions = [komok.question(q) for q in YES_NO]
    with pytest.raises(AnswerError) as caught:
        batch_answers(questions, words, dt.date(2026, 1, 1))
    assert caught.value.code == code


def test_split_one_shot(komok):
    assert split_one_shot(komok, [5, 3, 4000, 2, 2, 2]) == ([5, 3, 4000], [2, 2, 2])
    assert split_one_shot(komok, [5, 3]) == ([5, 3], [])


def test_numbers_past_the_form_of_a_check_without_yes_no_questions_show_the_form(app):
    born = (today_in_bishkek(utcnow()) - dt.timedelta(days=30)).strftime("%d%m%Y")
    reply = replies(app, "+996555200081", [f"BALA {born} 1 2"])[0]  # next: "where does the child live?"
    assert reply.startswith("Sandar tuura emes.") and "BALA <tuulgan künü KKAAJJJJ>" in reply


def test_yes_no_answers_after_a_one_shot_that_already_decides_are_not_needed(app):
    reply = replies(app, "+996555200082", ["KOMOK 5 3 5000 2 2 2"])[0]
    assert reply.startswith('"Üy-bülögö kömök": dokument boyuncha tuura kelbeyt okshoyt.')  # 1000 som each
