"""Eligibility checks on a call: keypad answers through the real webhooks, bad answers, keys, SMS."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.voice.check_node import today_for
from hotline.eligibility import evaluate
from hotline.eligibility.codec import decode_answers, encode_answers
from hotline.voice.checks import for_the_ear, verdict_details, verdict_sentences
from hotline.voice.engine import Caller
from hotline.voice.simulate import CallSimulator

KY_CALLER = "+996777000444"
# Kyrgyz caller: language, children menu, birth grant, "4" to check
TO_BIRTH_CHECK = ["1", "1", "1", "4"]
TO_FAMILY_CHECK = ["1", "2", "1", "4"]


def call(app, inputs, caller=KY_CALLER):
    return CallSimulator(app, caller=caller, sid="CA" + "c" * 32).run(inputs)


def said(turn) -> str:
    return "\n".join(turn.said)


def ddmmyyyy(day: dt.date) -> str:
    return day.strftime("%d%m%Y") + "#"


def caller_today(app, number=KY_CALLER) -> dt.date:
    with app.app_context():
        return today_for(Caller("CA1", number, None))


def test_birth_grant_born_ten_days_ago_may_qualify(app):
    born = caller_today(app) - dt.timedelta(days=10)
    # the date typed (read back as the next question begins); not in state care; with a parent; a
    # citizen; one baby; then SMS, and the verdict's keys again
    turns = call(app, TO_BIRTH_CHECK + [ddmmyyyy(born), "2", "1", "1", "1#", "1"])
    assert "Бала качан төрөлгөн?" in said(turns[4])
    assert f"{born.day}" not in said(turns[5])  # the date is read in words, with the month's name
    assert turns[5].said[0].startswith("Эки миң") and "жыл" in turns[5].said[0]
    verdict = said(turns[-2])
    assert "Ар бир балага төрт миң сомдон" in verdict
    assert "Арыз берүүгө дагы убакыт бар" in verdict
    assert turns[-1].node == "children.birth_grant_check"  # back where the caller was, not the menu
    assert turns[-1].said[0] == "SMS жөнөтүлдү." and turns[-1].said[1].startswith("Бир – SMS.")
    with app.app_context():
        body = db.session.scalars(select(SmsMessage.body)).one()
    assert "Балага сүйүнчү" in body and "4000" in body and len(body) <= 134


@pytest.mark.parametrize(("born", "verdict"), [
    (dt.date(2017, 12, 31), "2018-жылдын 1-январынан бери төрөлгөн балдарга гана берилет"),
])
def test_birth_grant_born_before_2018_does_not_qualify(app, born, verdict):
    turns = call(app, TO_BIRTH_CHECK + [ddmmyyyy(born)])
    assert for_the_ear(verdict, "ky") in said(turns[-1])
    assert "туура келбейт окшойт" in said(turns[-1])


@pytest.mark.parametrize(("typed", "said_then"), [
    ("99#", "Бул сан өтө чоң."),  # children: at most 30
    ("#", "Санды терип, торчо белгисин басыңыз."),  # "#" alone: nothing typed
    ("-", "Санды терип, торчо белгисин басыңыз."),  # silence
])
def test_a_bad_number_says_what_to_do_and_asks_again(app, typed, said_then):
    turns = call(app, TO_FAMILY_CHECK + [typed, "3#"])
    assert turns[5].node == "benefits.family_check"
    assert said_then in said(turns[5]) and "канча балаңыз бар?" in said(turns[5])
    assert turns[6].said[0] == "Үч." and "канча адам бар?" in said(turns[6])


def test_a_date_in_the_future_or_impossible_is_refused(app):
    tomorrow = caller_today(app) + dt.timedelta(days=1)
    turns = call(app, TO_BIRTH_CHECK + [ddmmyyyy(tomorrow), "31022024#", "1"])
    assert "Бул күн али келе элек." in said(turns[5])
    assert "Мындай күн жок." in said(turns[6])


def test_three_bad_answers_in_a_row_offer_a_message(app):
    turns = call(app, TO_FAMILY_CHECK + ["99#", "99#", "99#"])
    assert turns[-1].node == "operator.give_up"


def test_wrong_key_on_a_yes_no_question(app):
    turns = call(app, TO_FAMILY_CHECK + ["3#", "5#", "4000#", "7", "2"])
    assert "Мындай баскыч жок." in said(turns[8]) and "мал барбы?" in said(turns[8])
    assert "жүк ташуучу машина" in said(turns[9])


def test_zero_is_a_number_and_star_goes_back(app):
    turns = call(app, TO_FAMILY_CHECK + ["0#"])
    assert turns[5].said[0] == "Нөл."
    assert "16 жашка чейинки балдары бар үй-бүлөлөргө гана берилет" in said(turns[5]).replace("он алты", "16")
    back = call(app, TO_FAMILY_CHECK + ["12*"], caller="+996777000445")  # a new caller: asked the language
    assert back[-1].node == "benefits.menu"


def test_star_types_the_last_number_again(app, call_path):
    """A typed number is read back as the next question begins; * there asks for it again."""
    turns = call(app, TO_FAMILY_CHECK + ["4#", "*", "3#"])
    assert turns[5].said[0] == "Төрт." and "канча адам бар?" in said(turns[5])
    assert "канча балаңыз бар?" in said(turns[6]) and "Төрт" not in said(turns[6])
    assert turns[7].said[0] == "Үч." and "канча адам бар?" in said(turns[7])
    assert [row[2] for row in call_path("CA" + "c" * 32)][-3:] == ["answer", "back", "answer"]


def test_reserved_keys_on_the_verdict(app):
    answers = ["3#", "5#", "4000#", "2", "2", "2"]
    turns = call(app, TO_FAMILY_CHECK + answers + ["#", "3"])
    assert "Возможно, вам положено это пособие." in said(turns[-2])  # the verdict again, in Russian
    assert turns[-1].node == "regions.choose"  # offices of the topic in the caller's region
    # 0 is a digit in a typed number, and a person on a one-key turn (the livestock question)
    operator = call(app, TO_FAMILY_CHECK + ["3#", "5#", "4000#", "0"], caller="+996777000445")
    assert operator[-1].node != "benefits.family_check"


def test_a_wrong_key_on_the_verdict_names_its_keys(app):
    answers = ["3#", "5#", "4000#", "2", "2", "2"]
    turns = call(app, TO_FAMILY_CHECK + answers + ["9"])
    assert turns[-1].node == "benefits.family_check"
    assert [line for line in turns[-1].said] == [
        "Бир – SMS. Эки – кайра угуу. Үч – облусуңуздагы кеңселер. Төрт – толугураак."]


def test_verdict_words_are_never_sent_to_the_audio_worker(app):
    call(app, TO_FAMILY_CHECK + ["3#", "5#", "4000#", "2", "2", "2", "2"])
    requested = app.extensions["voice"].playback._render_requested
    assert any(key.startswith("rule:uy_bulogo_komok:") for _, key in requested)
    assert not any(key.startswith("dyn:") for _, key in requested)


def test_answers_in_the_url_round_trip_and_tampering_is_dropped(app):
    rule = app.extensions["eligibility"]["uy_bulogo_komok"]
    today = dt.date(2024, 5, 1)
    answers = {"children_under_16": 3, "family_size": 5, "family_income": 4000, "has_livestock": False}
    assert decode_answers(rule, encode_answers(answers), today) == answers
    tampered = "children_under_16:300,family_size:x,has_livestock:maybe,nope:1,family_income:4000"
    assert decode_answers(rule, tampered, today) == {"family_income": 4000}


def test_a_tampered_url_is_asked_again_instead_of_failing(twilio):
    # 999 children are out of range: dropped, so the "1" is a fresh answer to the first question
    response = twilio.call("/twilio/voice/flow/benefits/family_check?l=ky&a=children_under_16%3A999",
                           digits="1")
    assert response.status_code == 200
    gather = ET.fromstring(response.data).find("./Gather")
    assert [say.text for say in gather.findall("./Say")][:1] == ["Бир."]
    assert "a=children_under_16%3A1" in gather.get("action") and gather.get("finishOnKey") == "#"


@pytest.mark.parametrize(("lang", "first", "spoken", "written"), [
    ("ru", "2", "приходится 1333 сом дохода", "1333,33"),
    ("ky", "1", "бир миң үч жүз отуз үч сом киреше", "1333"),
])
def test_a_som_amount_is_said_in_whole_som(app, lang, first, spoken, written):
    # 2 children, a family of 3, 4000 som: 1333,33 per person, said without the tyiyn
    turns = call(app, [first, "2", "1", "4", "2#", "3#", "4000#"])
    verdict = said(turns[-1])
    assert spoken in verdict
    assert written not in verdict and "отуз үч,отуз" not in verdict


@pytest.mark.parametrize(("text", "lang", "spoken"), [
    ("Доход на человека — 1333,33 сом.", "ru", "Доход на человека — 1333 сом."),
    # cut, not rounded: 999,67 is still "less than 1000", as the sentence goes on to say
    ("Доход — 999,67 сом, это меньше 1000 сом.", "ru", "Доход — 999 сом, это меньше 1000 сом."),
    ("Бир адамга 999,67 сом — бул 1000 сомдон аз.", "ky",
     "Бир адамга тогуз жүз токсон тогуз сом — бул бир миң сомдон аз."),
    ("В среднем 2,6 условной головы на человека.", "ru", "В среднем две целых шесть десятых условной головы"),
    ("Бир адамга 2,6 шарттуу баш.", "ky", "Бир адамга эки бүтүн ондон алты шарттуу баш."),
    # Russian short forms for the screen get their words; the full stop stays only at a sentence's end
    ("Вам осталось ещё 23 г. Вы получали его 5 мес.", "ru", "Вам осталось ещё 23 года. Вы получали его 5 месяцев."),
    ("Вы въехали 21 дн. назад — встать на учёт ещё можно.", "ru", "Вы въехали 21 день назад — встать"),
    # a number that starts a sentence starts with a capital, as the sentence would
    ("Катталгансызбы? 1 — ооба, 2 — жок.", "ky", "Катталгансызбы? Бир — ооба, эки — жок."),
])
def test_numbers_for_the_ear(text, lang, spoken):
    assert spoken in for_the_ear(text, lang)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_the_family_benefit_verdict_is_said_short_and_the_rest_on_4(app, lang):
    # status, reasons, amount, where first; deadlines, documents, notes and doubts only on 4, none twice
    rule = app.extensions["eligibility"]["uy_bulogo_komok"]
    answers = {"children_under_16": 3, "family_size": 5, "family_income": 4000, "has_livestock": False,
               "truck_or_minibus": False, "car_or_tractor": False}
    verdict = evaluate(rule, answers, dt.date(2026, 3, 1))
    short, rest = verdict_sentences(verdict, lang), verdict_details(verdict, lang)
    assert len(short) <= 6 and not set(short) & set(rest)
    assert verdict.amount.text.in_language(lang) in short and verdict.apply_at.text.in_language(lang) in short
    later = [d.text for d in verdict.documents + verdict.deadlines + verdict.notes + verdict.unverified]
    assert later and all(text.in_language(lang) in rest for text in later)


def test_a_count_that_cannot_be_is_said_and_asked_again_in_kyrgyz(app):
    # 4 children in a family of 4 (the caller counted only the children): the rule's message, in words
    turns = call(app, TO_FAMILY_CHECK + ["4#", "4#"])
    assert turns[-1].node == "benefits.family_check"
    assert turns[-1].said[1].startswith("Төрт кишилик үй-бүлөдө төрт бала болбойт")
    assert "Он алты жашка чейинки канча балаңыз бар?" in said(turns[-1])


def test_the_sms_of_a_call_keeps_to_sms_max_segments(app_factory, database_url, broker_url):
    """SMS_MAX_SEGMENTS=1: the offices a caller heard and a check's verdict, sent by SMS from the call,
    each cost one segment, as the SMS channel's own replies do."""
    from hotline.sms.segments import count_segments

    one = app_factory(database_url, broker_url, SMS_MAX_SEGMENTS=1)
    born = caller_today(one) - dt.timedelta(days=10)
    call(one, TO_BIRTH_CHECK + [ddmmyyyy(born), "2", "1", "1", "1#", "1"])
    CallSimulator(one, caller="+79261234567", sid="CA" + "d" * 32).run(["2", "3", "1", "4", "1"])
    with one.app_context():
        bodies = db.session.scalars(select(SmsMessage.body).order_by(SmsMessage.id)).all()
    assert len(bodies) == 2 and "Балага сүйүнчү" in bodies[0]
    assert [count_segments(body).segments for body in bodies] == [1, 1]
