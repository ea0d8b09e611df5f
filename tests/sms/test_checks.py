"""Eligibility checks by SMS through the real webhook: the one-shot form, one question at a time,
bad answers, and the boundaries the documents give (income per member 999 vs 1000 som; a birth
grant applied for within six months). Dates are relative to today, as the engine's are."""

import datetime as dt
import time
from dataclasses import replace

import pytest

from hotline.eligibility import AnswerError, load_rules
from hotline.eligibility.codec import decode_answers
from hotline.extensions import db
from hotline.sms.check.read import is_check_form, join_date, sms_answer, today_in_bishkek
from hotline.sms.check import CheckSetupError, link_rules, question_parts
from hotline.sms.parse import load_commands
from hotline.sms.models import SmsConversation
from hotline.sms.segments import count_segments
from hotline.sms.simulate import SmsSimulator
from hotline.timeutil import utcnow

# has_livestock, truck_or_minibus, car_or_tractor: asked together, answered here one per message
NO_LIVESTOCK_NO_VEHICLES = ["2", "2", "2"]


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def ddmmyyyy(day: dt.date) -> str:
    return day.strftime("%d%m%Y")


def days_ago(days: int) -> dt.date:
    return today_in_bishkek(utcnow()) - dt.timedelta(days=days)


def replies(app, caller: str, bodies: list[str]) -> list[str]:
    """Send ``bodies`` in turn; every reply must exist and fit the segment budget."""
    exchanges = SmsSimulator(app, caller=caller).conversation(bodies)
    for exchange in exchanges:
        assert exchange.reply, f"no reply to {exchange.sent!r}"
        assert exchange.segments.segments <= app.config["SMS_MAX_SEGMENTS"], exchange.reply
    return [exchange.reply for exchange in exchanges]


def conversation(app, caller: str) -> SmsConversation:
    with app.app_context():
        row = db.session.get(SmsConversation, caller)
        db.session.expunge_all()
        return row


def stored_answers(app, row: SmsConversation) -> dict:
    """The check's answers the conversation holds, decoded as the next message will decode them."""
    return decode_answers(app.extensions["eligibility"][row.check_rule], row.check_answers, today_in_bishkek(utcnow()))


@pytest.mark.parametrize("body, script, first, check", [
    # Latin has room for the one-shot form; a Cyrillic segment is 67 characters: "2 – check"
    ("komok", "GSM-7", '"Üy-bülögö kömök" (balaga 810 som)', "Teksherüü: KÖMÖK <üy-bülö> <16 jashka cheyin bala> <kireshe> je 2"),
    ("КӨМӨК", "UCS-2", "«Үй-бүлөгө көмөк» (балага 810 сом)", "2 – текшерүү"),
    ("пособие", "UCS-2", "«Үй-бүлөгө көмөк» (810 сом на ребёнка)", "2 – проверка"),
    ("bala", "GSM-7", '"Balaga süyünchü" 4000 som', "Teksherüü: BALA <tuulgan künü KKAAJJJJ> <kancha bala> je 2"),
])
def test_the_plain_keyword_leads_with_its_fact_and_explains_the_check(app, body, script, first, check):
    """The fact first, a number to call, how to check, and "1 – more" last."""
    lines = replies(app, "+996555100001", [body])[0].splitlines()
    assert lines[0].startswith(first)
    assert lines[-2:] == [check, {"GSM-7": "1 - dagy"}.get(script, "1 – ещё" if body == "пособие" else "1 – дагы")]
    assert any(line.endswith(": +996312454062") for line in lines)
    assert count_segments("\n".join(lines)).encoding == script


def test_page_one_of_komok_gives_a_number_to_call_in_either_alphabet(app):
    """The benefit's offices are "the social office of your district" (no number of their own in
    the directory): page 1 names the ministry's number, from the directory; the offices follow
    "1 – more", a page holding one "in your district" holding a number too."""
    latin, cyrillic = replies(app, "+996555100011", ["komok", "КӨМӨК"])
    assert "Ministrlik: +996312454062" in latin and "Министрлик: +996312454062" in cyrillic
    pages = replies(app, "+996555100011", ["1"] * 6)
    district = [page for page in pages if "(районуңузда)" in page]
    assert district and all(any(ch.isdigit() for ch in page) for page in district)
    assert all(count_segments(reply).segments <= 2 for reply in (latin, cyrillic, *pages))


def test_page_one_follows_an_edit_of_the_number_it_gives(app):
    """Page 1 is kept per topic and language; an operator's edit of the ministry's number (which
    raises the directory's version, as every edit does) reaches the messages sent once the process
    has looked again: within DIRECTORY_CACHE_SECONDS, waited here in real time."""
    from hotline.directory.models import Office, Phone, bump_directory_version

    def edit(number):
        with app.app_context():
            ministry = db.session.scalar(db.select(Office).where(Office.code == "mlsd"))
            phone = db.session.scalar(db.select(Phone).where(Phone.office_id == ministry.id).order_by(Phone.position))
            was, phone.number = phone.number, number
            bump_directory_version(db.session)
            db.session.commit()
        time.sleep(app.config["DIRECTORY_CACHE_SECONDS"])
        return was

    before = replies(app, "+996555100012", ["komok"])[0]
    assert "Ministrlik: +996312454062" in before
    was = edit("+996312454099")
    try:
        after = replies(app, "+996555100013", ["komok"])[0]
    finally:  # the directory is the whole session's
        edit(was)
    assert "Ministrlik: +996312454099" in after and "+996312454062" not in after
    assert replies(app, "+996555100014", ["komok"])[0] == before


@pytest.mark.parametrize("income, status", [
    (4995, "alyshyñyz mümkün"),  # 999 som per member: below the guaranteed minimum income of 1000
    (5000, "tuura kelbeyt"),  # 1000 per member is not below 1000
])
def test_komok_one_shot_at_the_income_boundary(app, income, status):
    first = replies(app, "+996555100002", [f"KOMOK 5 3 {income}"])[0]
    if income == 5000:
        assert status in first and "1000 som kireshe" in first
        assert conversation(app, "+996555100002").menu["kind"] == "verdict"
        return
    assert first.startswith("Dagy bir neche suroo.") and "1) Mal barby?" in first
    verdict = replies(app, "+996555100002", NO_LIVESTOCK_NO_VEHICLES)[-1]
    assert status in verdict and "2430 som" in verdict  # 810 per child under 16
    assert "Emgek jana sotsialdyk önüktürüü bashkarmalygy" in verdict  # where to apply, from the directory


def test_komok_question_by_question_with_bad_answers(app, sms_rows):
    caller = "+996555100003"
    asked = replies(app, caller, ["komok", "2", "kop", "112", "3"])
    assert "16 jashka cheyinki kancha balañyz bar?" in asked[1]
    assert asked[2].startswith("Tüshünbödük.") and "16 jashka cheyinki kancha" in asked[2]
    assert asked[3].startswith("Bul san ötö choñ.") and "16 jashka cheyinki kancha" in asked[3]  # 112 is no JARDAM here
    assert "kancha adam bar?" in asked[4]
    row = conversation(app, caller)
    assert (row.check_rule, stored_answers(app, row)) == ("uy_bulogo_komok", {"children_under_16": 3})
    assert row.menu["kind"] == "check"
    rest = replies(app, caller, ["5", "4000", "ooba", "2"])
    assert "kireshesi kancha som?" in rest[0]
    assert "1) Mal barby?" in rest[1]
    assert "kancha uy jana ögüz bar?" in rest[2].casefold()  # "ooba" alone: the livestock is counted
    assert rest[3].startswith("Kancha kunajyn bar? Jok bolso - 0.")
    assert {r.command for r in sms_rows(caller) if r.direction == "inbound"} == {"benefits"}


def test_komok_in_cyrillic_gets_a_cyrillic_verdict_and_more_on_1(app):
    caller = "+79031100004"
    answers = replies(app, caller, ["КОМОК 4 2 3996", *NO_LIVESTOCK_NO_VEHICLES, "1"])
    verdict, more = answers[3], answers[4]
    assert verdict.startswith("«Үй-бүлөгө көмөк»: алышыңыз мүмкүн.")
    assert "1620 сом" in verdict and count_segments(verdict).encoding == "UCS-2"
    assert "акыркы чечимди алар чыгарат" in more  # the office decides: never a promise


def test_another_command_ends_the_check(app):
    caller = "+996555100005"
    answers = replies(app, caller, ["komok", "2", "jardam talas", "3"])
    assert "+996342254817" in answers[2]
    assert "16 jashka" not in answers[3]
    assert conversation(app, caller).check_rule is None


def test_bala_one_shot_then_the_questions_it_still_needs(app):
    born = ddmmyyyy(days_ago(30))
    answers = replies(app, "+996555100006", [f"BALA {born} 1", "2", "1", "1"])
    assert "mamlekettin toluk kamsyzdoosundaby" in answers[0]
    assert "1 - Kyrgyzstanda, ata-enesi menen" in answers[1]
    verdict = answers[3]
    assert '"Balaga süyünchü": alyshyñyz mümkün.' in verdict and "4000 som" in verdict
    assert "Kalkty teylöö borboru" in verdict


def test_bala_question_by_question_in_cyrillic_with_a_wrong_date(app):
    caller = "+996555100007"
    tomorrow = today_in_bishkek(utcnow()) + dt.timedelta(days=1)
    born = days_ago(10)
    answers = replies(app, caller, ["бала", "2", "31022024", ddmmyyyy(tomorrow), born.strftime("%d.%m.%Y"),
                                    "2", "1", "1", "2"])
    assert "Бала качан төрөлгөн?" in answers[1] and "05032024" in answers[1]
    assert answers[2].startswith("Датаны ККААЖЖЖЖ деп жазыңыз")
    assert answers[3].startswith("Бул күн али келе элек.")
    assert "толук камсыздоосундабы" in answers[4]
    assert "канча бала төрөлдү?" in answers[7]
    assert answers[8].startswith("«Балага сүйүнчү»: алышыңыз мүмкүн.") and "8000 сом" in answers[8]


@pytest.mark.parametrize("age, expected", [(180, "alyshyñyz mümkün"), (200, "tuura kelbeyt")])
def test_bala_six_months(app, age, expected):
    answers = replies(app, f"+9965551001{age}", [f"BALA {ddmmyyyy(days_ago(age))} 1", "2", "1", "1"])
    assert expected in "\n".join(answers)


def test_bad_one_shot_numbers_show_the_form(app):
    answers = replies(app, "+996555100008", ["KOMOK 0 3 4000", "KOMOK 5 3 4000 7"])
    assert answers[0].startswith("Sandar tuura emes.") and "KÖMÖK <üy-bülö>" in answers[0]
    # the first three numbers are good: only the yes/no answers after them are asked again
    assert answers[1].startswith("Tüshünbödük.\nJoop 1 - ooba, 2 - jok:") and "1) Mal barby?" in answers[1]


def test_the_long_form_of_the_menu_still_wins_over_the_check(app):
    assert not is_check_form([3, 2]) and is_check_form([5, 3, 4000]) and is_check_form([5032024])
    first = replies(app, "+996555100009", ["KOMOK 3 2"])[0]
    assert "Dagy bir neche" not in first


def test_flask_simulate_sms_shows_a_check(runner):
    result = runner.invoke(args=["simulate", "sms", "KOMOK 5 3 5000", "--from", "+996555100010"])
    assert result.exit_code == 0, result.output
    assert "tuura kelbeyt" in result.output and "segment" in result.output


# -- the pure parts -------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id, question_id, words, value", [
    ("uy_bulogo_komok", "has_livestock", ["1"], True),
    ("uy_bulogo_komok", "has_livestock", ["jok"], False),
    ("uy_bulogo_komok", "has_livestock", ["da"], True),
    ("uy_bulogo_komok", "family_income", ["4000"], 4000),
    ("balaga_suyunchu", "living", ["3"], "with_relatives"),
    ("balaga_suyunchu", "birth_date", ["5032024"], dt.date(2024, 3, 5)),
    ("balaga_suyunchu", "birth_date", ["5", "3", "2024"], dt.date(2024, 3, 5)),
])
def test_sms_answers(rules, rule_id, question_id, words, value):
    assert sms_answer(rules[rule_id].question(question_id), words, dt.date(2026, 1, 1)) == value


@pytest.mark.parametrize("rule_id, question_id, words, code", [
    ("uy_bulogo_komok", "has_livestock", ["3"], "no_such_option"),
    ("uy_bulogo_komok", "family_size", ["0"], "below_minimum"),
    ("uy_bulogo_komok", "family_size", ["5", "3"], "not_digits"),
    ("uy_bulogo_komok", "family_size", [], "not_digits"),
    ("balaga_suyunchu", "birth_date", ["32012024"], "not_a_date"),
    ("balaga_suyunchu", "living", ["9"], "no_such_option"),
])
def test_bad_sms_answers(rules, rule_id, question_id, words, code):
    with pytest.raises(AnswerError) as caught:
        sms_answer(rules[rule_id].question(question_id), words, dt.date(2026, 1, 1))
    assert caught.value.code == code


def test_a_question_drops_the_keypad_instructions(rules):
    parts = question_parts(rules["balaga_suyunchu"].question("birth_date"), "ru")
    assert parts == ["Когда родился ребёнок? Наберите день, месяц и год восемью цифрами. "
                     "Например, 5 марта 2024 года — 05032024."]
    assert "решётк" not in " ".join(question_parts(rules["uy_bulogo_komok"].question("family_size"), "ru"))


def test_a_date_typed_with_dots_is_one_number(rules):
    assert join_date(rules["balaga_suyunchu"], [5, 3, 2024, 1]) == [5032024, 1]
    assert join_date(rules["uy_bulogo_komok"], [5, 3, 2024]) == [5, 3, 2024]


def test_rules_and_commands_must_agree(rules):
    commands = load_commands()
    assert set(link_rules(rules, commands)) == {"benefits", "children"}
    komok = rules["uy_bulogo_komok"]
    with pytest.raises(CheckSetupError, match="no directory command"):
        link_rules({"x": replace(komok, sms_keyword="NOPE")}, commands)
    with pytest.raises(CheckSetupError, match="one label per number"):
        link_rules({"x": replace(komok, sms_order=komok.sms_order[:2])}, commands)
    with pytest.raises(CheckSetupError, match="no rule has its keyword"):
        link_rules({"x": komok}, commands)
