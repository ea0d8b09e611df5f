"""Each rule wired into a menu, asked by keypad through the real webhooks: the way in, the questions
the rule needs, and the verdict — may qualify and does not qualify for the social benefit, the
pension age and the health insurance policy."""

import pytest

from hotline.voice.simulate import CallSimulator

KY, RU = "1", "2"  # the language menu


def verdict_of(app, inputs, caller="+996777000700"):
    """The node and words of the last turn of a call that presses ``inputs``."""
    turns = CallSimulator(app, caller=caller, sid="CA" + "d" * 32).run(inputs)
    return turns[-1].node, "\n".join(turns[-1].said), turns


@pytest.mark.parametrize(("inputs", "node", "phrases"), [
    # social benefit: an adult with a group I disability from childhood, no right to a pension → 4000 som
    ([RU, "2", "2", "4", "6", "1", "1"], "benefits.social_check",
     ["Возможно, вам положено социальное пособие.", "4000 сом в месяц.", "Справка МСЭК об инвалидности."]),
    # … none of the listed people → not for them
    ([RU, "2", "2", "4", "9"], "benefits.social_check",
     ["По документу это пособие, похоже, не положено.", "только людям из списка"]),
    # pension age: a man of 63 has reached it; a man of 40 has 23 years to go ("23 года", not "23 г.")
    ([KY, "2", "5", "4", "1", "63#"], "benefits.pension_check",
     ["Сиз документтеги пенсия курагына жеттиңиз.", "Сиз алтымыш үч жашка толдуңуз"]),
    ([RU, "2", "5", "4", "1", "40#"], "benefits.pension_check",
     ["Вы пока не достигли пенсионного возраста.", "Вам осталось ещё 23 года."]),
    # the health insurance policy: 1200 som for 12 months from 18; at 17 it may be refused
    ([KY, "6", "4", "30#"], "health.policy_check",
     ["Полистин баасы бир миң эки жүз сом.", "Полисти он сегиз жаштан баштап алса болот."]),
    ([KY, "6", "4", "17#"], "health.policy_check",
     ["Документ боюнча полис берилбеши мүмкүн.", "он сегиз жашка чыга электерге"]),
    # legal aid: a lawyer for a person with a group II disability, whatever the income
    ([RU, "3", "5", "2", "2"], "jardam.legal_aid_check",
     ["Возможно, вам положена бесплатная юридическая помощь.", "независимо от дохода"]),
    # … for someone in none of the groups the income test decides, and the minimum wage is not in the document
    ([KY, "3", "5", "2", "9"], "jardam.legal_aid_check", ["так айта албайбыз"]),
    # the entry ban: been to Russia before, leaving in 90 days → check two months before, by a date
    ([RU, "4", "1", "4", "1", "90#"], "russia.entry_ban_check",
     ["Проверьте за 2 месяца до отъезда, не позднее", "ssm.gov.kg"]),
    # registering as unemployed: a citizen of 30 with none of the exclusions
    ([KY, "5", "1", "5", "1", "30#", "2", "2", "2", "2", "2", "2", "2"], "jobs.registration_check",
     ["Сиз жумушсуз катары катталсаңыз болот окшойт.", "Каттоо акысыз."]),
    # public works: officially unemployed, no benefit, 7 months registered, 4 children → the priority right
    ([KY, "5", "4", "1", "2", "7#", "4#"], "jobs.public_works_check",
     ["Коомдук жумушка катыша алышыңыз мүмкүн.", "Сизде артыкчылыктуу укук бар окшойт"]),
    # vocational training: not registered yet → ask the office, register first
    ([RU, "5", "5", "3"], "jobs.training_check",
     ["Точно сказать не можем.", "Сначала зарегистрируйтесь"]),
])
def test_a_wired_check_gives_its_verdict(app, inputs, node, phrases):
    # 4 after the verdict says the rest (deadlines, documents, doubts); where there is none, 4 is no key
    last, _, turns = verdict_of(app, inputs + ["4"])
    assert turns[-2].node == last == node
    verdict, said = "\n".join(turns[-2].said), "\n".join(turns[-2].said + turns[-1].said)
    assert ("Бир – SMS." if inputs[0] == KY else "Один – SMS.") in verdict  # the verdict's keys
    for phrase in phrases:
        assert phrase in said, f"{phrase!r} not in:\n{said}"


@pytest.mark.parametrize(("inputs", "first"), [
    ([RU, "2", "2", "4"], "Для кого пособие?"),  # choices: their keys are in the question
    ([RU, "2", "5", "4"], "Вы мужчина или женщина?"),
])
def test_a_check_starts_with_its_first_question(app, inputs, first):
    """The menu before a check named it; each question says how to answer: arriving costs nothing more."""
    _, said, turns = verdict_of(app, inputs)
    assert turns[-1].said[0].startswith(first), said


def test_a_website_check_offers_no_regional_offices(app):
    # the entry-ban list is checked on a website: 3 is no key there, as for a check abroad
    _, said, _ = verdict_of(app, [RU, "4", "1", "4", "2"])
    assert "Три – учреждения в вашей области." not in said and "Один – SMS." in said
    last, said, _ = verdict_of(app, [RU, "4", "1", "4", "2", "3"], caller="+79261234701")
    assert last == "russia.entry_ban_check"
    assert said.startswith("Один – SMS. Два – прослушать снова.")  # a wrong key: the keys, not the verdict


def test_the_legal_aid_verdict_leads_to_the_centres_of_a_region(app):
    # 3 after the verdict: the region menu, then the legal-aid centres there (topic legal_aid)
    last, said, turns = verdict_of(app, [KY, "3", "5", "1", "3"])
    assert last == "regions.choose"
