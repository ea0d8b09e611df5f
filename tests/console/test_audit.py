"""The audit log: administrators read it, filtered; a page that showed numbers is one entry, its
numbers shown on the entry's own page (itself audited)."""

from sqlalchemy import select

from hotline.console.models import AuditEntry
from tests.console.conftest import csrf_token


def test_changes_and_views_are_listed_newest_first_and_filtered(admin, operator, store):
    request_id = store.callback("+996555123456")
    operator.post(f"/console/callbacks/{request_id}/claim",
                  data={"csrf_token": csrf_token(operator, f"/console/callbacks/{request_id}")})
    admin.get("/console/callbacks/")  # shows the number in full: audited
    html = admin.get("/console/audit/").get_data(as_text=True)
    assert html.index("view_numbers") < html.index(f"callback:{request_id}") < html.index("operator:bakyt")
    assert "1 number" in html and "+996 555 123 456" not in html  # the list says how many, not which
    only_claims = admin.get("/console/audit/?action=claim").get_data(as_text=True)
    assert f"callback:{request_id}" in only_claims and "view_numbers" not in only_claims
    assert "view_numbers" not in admin.get("/console/audit/?actor=bakyt").get_data(as_text=True)


def test_an_entrys_numbers_on_its_own_page_and_that_view_audited(admin, operator, store):
    store.call(caller="+996555123456")
    admin.get("/console/calls/")
    entry_id = store.scalar(select(AuditEntry.id).where(AuditEntry.action == "view_numbers"))
    html = admin.get(f"/console/audit/{entry_id}").get_data(as_text=True)
    assert "+996 555 123 456" in html and "page:/console/calls/" in html
    targets = store.scalars(select(AuditEntry.target).where(AuditEntry.action == "view_numbers").order_by(AuditEntry.id))
    assert targets == ["page:/console/calls/", f"page:/console/audit/{entry_id}"]
    assert operator.get(f"/console/audit/{entry_id}").status_code == 403
    assert admin.get("/console/audit/999999").status_code == 404
