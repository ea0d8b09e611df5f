"""Directory queries against the real seeded data, with the fallback from place to nation."""

from sqlalchemy import select, update

from hotline.directory.models import Office, Region
from hotline.directory.queries import find_offices, hotlines_query, offices_query, search_query
from hotline.extensions import db


def codes(offices):
    return [o.code for o in offices]


def test_legal_aid_in_osh_oblast_returns_the_osh_oblast_centres(app_ctx):
    match = find_offices(db.session, "legal_aid", region="osh")
    assert match.scope == "region"
    assert len(match.offices) == 7
    assert all(o.region.code == "osh" and o.kind == "legal_aid_centre" for o in match.offices)
    assert "legal-aid-kara-suu" in codes(match.offices)


def test_place_comes_first(app_ctx):
    match = find_offices(db.session, "legal_aid", region="osh", place="kara_suu")
    assert (match.scope, codes(match.offices)) == ("place", ["legal-aid-kara-suu"])


def test_place_without_office_falls_back_to_its_region(app_ctx):
    match = find_offices(db.session, "legal_aid", region="chui", place="kirgshelk")
    assert match.scope == "region"
    assert {o.region.code for o in match.offices} == {"chui"}


def test_talas_has_one_centre_and_its_justice_department(app_ctx):
    match = find_offices(db.session, "legal_aid", region="talas")
    assert match.scope == "region"
    kinds = sorted(o.kind for o in match.offices)
    assert kinds == ["justice_department", "legal_aid_centre"]
    centre = next(o for o in match.offices if o.kind == "legal_aid_centre")
    assert centre.phones[0].number == "+996342254817"


def test_region_without_offices_falls_back_to_its_fallback_region(app_ctx):
    # Chüy's free legal aid is its own; a topic only Bishkek serves falls back to Bishkek.
    match = find_offices(db.session, "training", region="chui", place="kirgshelk")
    assert match.scope == "place"
    chui = db.session.scalar(select(Region).where(Region.code == "chui"))
    db.session.execute(update(Office).where(Office.region_id == chui.id).values(active=False))
    try:
        match = find_offices(db.session, "legal_aid", region="chui")
        assert match.scope == "fallback"
        assert match.region.code == "bishkek"
        assert {o.region.code for o in match.offices} == {"bishkek"}
    finally:
        db.session.rollback()


def test_psychological_help_is_national(app_ctx):
    match = find_offices(db.session, "psychological", region="chui")
    assert match.scope == "national"
    assert codes(match.offices) == ["hotline-111", "umut-centre"]


def test_nothing_regional_falls_back_to_national(app_ctx):
    match = find_offices(db.session, "health", region="naryn")
    assert match.scope == "national"
    assert match.offices, "national health offices exist"
    assert all(o.region is None for o in match.offices)


def test_verified_before_unverified(app_ctx):
    offices = db.session.scalars(offices_query("legal_aid", region="batken")).all()
    verified = [o.verified for o in offices if o.kind == "legal_aid_centre"]
    assert verified == sorted(verified, reverse=True)
    assert False in verified  # Isfana and Kadamjai print Batken's number


def test_search_is_case_and_letter_insensitive(app_ctx):
    found = codes(db.session.scalars(search_query("КАРА-СУУ")).all())
    assert "legal-aid-kara-suu" in found
    assert codes(db.session.scalars(search_query("кара суу")).all()) == found
    assert db.session.scalars(search_query("zzzz-no-such-office")).all() == []


def test_hotlines_query(app_ctx):
    lines = db.session.scalars(hotlines_query()).all()
    assert all(o.kind in {"hotline", "emergency"} for o in lines)
