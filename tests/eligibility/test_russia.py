"""Working in Russia (seed 004, undated): register within 30 days of entry; check the entry ban first."""

import datetime as dt

import pytest

from hotline.eligibility import CANNOT_TELL, MAY_QUALIFY
from tests.eligibility.conftest import walk


@pytest.mark.parametrize(("days_ago", "status", "deadline", "days_left"), [
    (0, MAY_QUALIFY, dt.date(2024, 5, 31), 30),
    (29, MAY_QUALIFY, dt.date(2024, 5, 2), 1),
    (30, MAY_QUALIFY, dt.date(2024, 5, 1), 0),     # day 30: the last day
    (31, CANNOT_TELL, dt.date(2024, 4, 30), -1),   # day 31: the term has passed
    (400, CANNOT_TELL, dt.date(2023, 4, 27), -370),
])
def test_registration_within_30_days(rules, days_ago, status, deadline, days_left):
    verdict, asked = walk(rules["russia_registration"], {"arrived_days_ago": days_ago})
    assert asked == ["arrived_days_ago"]
    assert verdict.status == status
    assert (verdict.deadline, verdict.days_left) == (deadline, days_left)
    assert verdict.deadline_passed == (days_left < 0)
    assert verdict.deadline.strftime("%d.%m.%Y") in verdict.deadlines[0].text.ky
    assert verdict.valid_as_of is None


def test_a_passed_registration_deadline_is_said_plainly(rules):
    verdict, _ = walk(rules["russia_registration"], {"arrived_days_ago": 31})
    reason = verdict.reasons[0].text
    assert "30.04.2024" in reason.ky and "истёк 30.04.2024" in reason.ru
    assert "5 лет" in reason.ru  # what the leaflet warns (L225-229) ...
    assert any("Не подтверждено" in u.text.ru for u in verdict.unverified)  # ... flagged as not confirmed
    assert verdict.apply_at.offices == ("ru-mfc", "ru-migration-division")


def test_the_last_day_is_announced(rules):
    verdict, _ = walk(rules["russia_registration"], {"arrived_days_ago": 30})
    assert any(n.text.ky == "Бүгүн — акыркы күн." for n in verdict.notes)
    assert any("паспорт" in n.text.ky and "миграциялык карта" in n.text.ky for n in verdict.notes)  # what to carry
    assert [d.citation.lines for d in verdict.documents] == ["229-237"]


@pytest.mark.parametrize(("leaving_in", "check_by", "passed"), [
    (90, dt.date(2024, 5, 30), False),
    (61, dt.date(2024, 5, 1), False),   # leaving 1 July: check by 1 May, today
    (60, dt.date(2024, 4, 30), True),   # leaving 30 June: two months before was yesterday
])
def test_entry_ban_check_two_months_before_leaving(rules, leaving_in, check_by, passed):
    verdict, asked = walk(rules["russia_entry_ban_check"], {"been_before": True, "leaving_in_days": leaving_in})
    assert asked == ["been_before", "leaving_in_days"]
    assert verdict.status == CANNOT_TELL  # only the official lists can tell
    assert (verdict.deadline, verdict.deadline_passed) == (check_by, passed)
    assert ("азыр эле" in verdict.deadlines[0].text.ky) == passed


def test_no_entry_ban_check_on_a_first_trip(rules):
    verdict, asked = walk(rules["russia_entry_ban_check"], {"been_before": False})
    assert (verdict.status, asked, verdict.deadlines) == (MAY_QUALIFY, ["been_before"], ())
