"""The messages of issue 19's table, each from a fresh number through the real webhook: what the
person needed is in the first reply, the fact first and "1 – more" (when there is more) last."""

import datetime as dt

import pytest

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.sms.check.read import today_in_bishkek
from hotline.sms.models import SmsConversation
from hotline.sms.simulate import SmsSimulator
from hotline.timeutil import utcnow

MORE = ("1 – дагы", "1 – ещё", "1 - dagy", "1 - yeschyo")


def first_reply(app, caller: str, body: str) -> str:
    exchange = SmsSimulator(app, caller=caller).send(body)
    assert exchange.reply and exchange.segments.segments <= app.config["SMS_MAX_SEGMENTS"], exchange.reply
    return exchange.reply


@pytest.mark.parametrize("body, first, says", [
    # the birth grant's own name: how much, for whom, by when, where, a number
    ("балага суйунчу", "«Балага сүйүнчү»", ["4000 сом", "2018", "6 айда", "КТБ же ЗАГС", "+996312454062"]),
    # when is the pension: the ages, and where to ask (the documents give no number: we call back)
    ("пенсия качан", "Жаш курагы боюнча пенсия", ["63", "58", "Соцфонддон", "ЧАЛ"]),
    # registration in Russia: within 30 days, with the landlord, where, a number
    ("регистрация в россии", "Встаньте на учёт", ["30 дней", "хозяином жилья", "МФЦ", "1899"]),
    # the family benefit, not "1 – more" before anything
    ("пособие на ребенка", "«Үй-бүлөгө көмөк»", ["810 сом", "до 16 лет", "Соцуправление района", "+996312454062"]),
    # the benefits there are, how to check, a number to call (not four offices "in your district")
    ("komok kerek", '"Üy-bülögö kömök"', ["810 som", "Balaga süyünchü", "Ministrlik: +996312454062",
                                          "KÖMÖK <üy-bülö>"]),
    # an unknown page: the topic again
    ("ROSSIYA 12", "Rossiyaga kirgenden kiyin 30 kündün ichinde", ["1899"]),
])
def test_a_topic_first_reply_leads_with_the_fact(app, body, first, says):
    reply = first_reply(app, "+996555190001", body)
    lines = reply.splitlines()
    assert lines[0].startswith(first), reply
    assert lines[-1] in MORE, reply
    for fact in says:
        assert fact in reply, f"{body!r}: {fact!r} missing from\n{reply}"


def test_please_call_back_is_a_callback_request(app):
    reply = first_reply(app, "+996555190002", "кайра чалыңыз")
    assert reply.startswith("Өтүнүч кабыл алынды.")
    with app.app_context():
        request = db.session.scalar(db.select(CallbackRequest).where(CallbackRequest.caller == "+996555190002"))
        assert request is not None and request.source == "sms"


def test_came_to_russia_ten_days_ago_gives_the_registration_deadline(app):
    """"I came to Russia 10 days ago": the 30-day rule (data/rules/russia_registration.yaml) says
    register by entry + 30 days, 20 days from today."""
    reply = first_reply(app, "+996555190003", "россия келдим 10 кун")
    register_by = today_in_bishkek(utcnow()) - dt.timedelta(days=10) + dt.timedelta(days=30)
    assert reply.startswith("Каттоого РФге кирген күндөн тартып 30 күндүн ичинде")
    assert f"{register_by:%d.%m.%Y} кечиктирбей" in reply and "20 күн калды." in reply
    assert reply.splitlines()[-1] == "1 – дагы"


def test_a_region_alone_asks_what_they_need_there_and_is_remembered(app):
    texter = SmsSimulator(app, caller="+996555190004")
    asked = texter.send("Талас").reply
    assert asked.startswith("Талас: эмне керек?") and "1 БАЛА" in asked
    with app.app_context():
        assert db.session.get(SmsConversation, "+996555190004").region == "talas"
    legal = texter.send("3").reply  # JARDAM, answered for Talas without asking again
    assert "+996342254817" in legal
