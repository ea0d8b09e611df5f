"""The callback queue: oldest first with the caller's clock; claim, complete with a note, cancel; each
change fenced, audited, and the number shown in full only to whoever works the callback."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline.callbacks.models import CallbackRequest
from hotline.console.callbacks import caller_clock
from hotline.console.models import AuditEntry
from tests.console.conftest import csrf_token


def claim(client, request_id):
    token = csrf_token(client, f"/console/callbacks/{request_id}")
    return client.post(f"/console/callbacks/{request_id}/claim", data={"csrf_token": token})


def close(client, request_id, action, note):
    token = csrf_token(client, f"/console/callbacks/{request_id}")
    return client.post(f"/console/callbacks/{request_id}/{action}", data={"csrf_token": token, "note": note})


def audit(store, action):
    return store.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))


def test_the_queue_is_oldest_first_with_attempts_and_open_only(operator, store):
    store.callback("+996555000001", ago=timedelta(hours=1))
    store.callback("+996555000002", ago=timedelta(hours=5), attempts=[("no-answer", None), ("busy", None)],
                   last_error="attempt 2: busy")
    store.callback("+996555000003", ago=timedelta(hours=9), status=CallbackRequest.COMPLETED)
    html = operator.get("/console/callbacks/").get_data(as_text=True)
    assert html.index("+996 555 ••• •02") < html.index("+996 555 ••• •01")
    assert "•03" not in html
    assert "attempt 2: busy" in html and "2 open requests" in html


def test_the_callers_clock_and_window_in_their_own_zone(app):
    """A Moscow number at 18:30 UTC: 21:30 there, past mon-sat 09:00-20:00; it opens at 09:00 Moscow time."""
    request = CallbackRequest(caller="+79261234567", timezone=None, status="pending")
    with app.app_context():
        clock = caller_clock(request, datetime(2026, 5, 6, 18, 30, tzinfo=timezone.utc))  # a Wednesday
    assert clock.zone == "Europe/Moscow" and clock.local_now.strftime("%H:%M") == "21:30"
    assert not clock.window_open and clock.opens_at.strftime("%a %H:%M") == "Thu 09:00"


def test_claim_shows_the_full_number_to_the_claimer_only_and_audits_each_view(operator, other_operator, store):
    request_id = store.callback("+996555123456")
    page = f"/console/callbacks/{request_id}"
    assert "+996 555 ••• •56" in operator.get(page).get_data(as_text=True)
    assert not audit(store, "view_numbers")

    response = claim(operator, request_id)
    assert response.status_code == 302
    assert store.get(CallbackRequest, request_id).assigned_to == "bakyt"
    [entry] = audit(store, "claim")
    assert (entry.actor, entry.target, entry.before["assigned_to"], entry.after["assigned_to"]) == \
        ("bakyt", f"callback:{request_id}", None, "bakyt")

    assert "+996 555 123 456" in operator.get(page).get_data(as_text=True)
    other = other_operator.get(page).get_data(as_text=True)
    assert "+996 555 ••• •56" in other and "123 456" not in other and "bakyt is working this callback." in other
    views = audit(store, "view_numbers")
    assert [(v.actor, v.after["numbers"]) for v in views] == [("bakyt", ["+996555123456"])]


def test_a_claimed_callback_cannot_be_claimed_again(operator, other_operator, store):
    request_id = store.callback()
    claim(operator, request_id)
    response = claim(other_operator, request_id)
    assert "changed meanwhile" in other_operator.get(response.location).get_data(as_text=True)
    assert store.get(CallbackRequest, request_id).assigned_to == "bakyt"
    assert len(audit(store, "claim")) == 1


def test_complete_with_a_note(operator, store):
    request_id = store.callback(status=CallbackRequest.SCHEDULED)
    claim(operator, request_id)
    response = close(operator, request_id, "complete", "Called; she will go to the Osh office on Monday.")
    assert response.status_code == 302
    request = store.get(CallbackRequest, request_id)
    assert request.status == CallbackRequest.COMPLETED and request.next_attempt_at is None
    assert request.notes == "bakyt: Called; she will go to the Osh office on Monday."
    [entry] = audit(store, "complete")
    assert entry.before == {"status": "scheduled", "assigned_to": "bakyt", "notes": None}
    assert entry.after == {"status": "completed", "assigned_to": "bakyt", "notes": request.notes}
    # done: the number is masked again, the queue no longer lists it
    assert "123 456" not in operator.get(f"/console/callbacks/{request_id}").get_data(as_text=True)
    assert f"/console/callbacks/{request_id}\"" not in operator.get("/console/callbacks/").get_data(as_text=True)


def test_cancel_with_a_reason(operator, store):
    request_id = store.callback()
    claim(operator, request_id)
    close(operator, request_id, "cancel", "Asked by SMS not to be called.")
    assert store.get(CallbackRequest, request_id).status == CallbackRequest.CANCELLED
    assert audit(store, "cancel")[0].after["status"] == "cancelled"


@pytest.mark.parametrize("action, note, error", [
    ("complete", "", "Write what came of the call."),
    ("complete", "   ", "Write what came of the call."),
    ("complete", "x" * 2001, "Field cannot be longer than 2000 characters."),
    ("cancel", "", "Write why it is cancelled."),
])
def test_without_a_note_nothing_is_saved(operator, store, action, note, error):
    request_id = store.callback()
    claim(operator, request_id)
    response = close(operator, request_id, action, note)
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert store.get(CallbackRequest, request_id).status == CallbackRequest.PENDING
    assert not audit(store, action)


@pytest.mark.parametrize("action", ["complete", "cancel", "release"])
def test_only_the_claimer_completes_cancels_or_releases(operator, other_operator, admin, store, action):
    request_id = store.callback()
    for client in (other_operator, admin):  # not claimed by them: nothing happens
        close(client, request_id, action, "done")
    assert store.get(CallbackRequest, request_id).status == CallbackRequest.PENDING
    claim(operator, request_id)
    for client in (other_operator, admin):
        close(client, request_id, action, "done")
    request = store.get(CallbackRequest, request_id)
    assert (request.status, request.assigned_to) == (CallbackRequest.PENDING, "bakyt")
    assert not audit(store, action)


def test_a_request_the_dispatcher_finished_meanwhile_is_not_overwritten(operator, store):
    request_id = store.callback()
    claim(operator, request_id)
    store.update(CallbackRequest, request_id, status=CallbackRequest.COMPLETED)  # the person picked up
    response = close(operator, request_id, "cancel", "no longer needed")
    assert "changed meanwhile" in operator.get(response.location).get_data(as_text=True)
    request = store.get(CallbackRequest, request_id)
    assert request.status == CallbackRequest.COMPLETED and request.notes is None


def test_release_gives_it_back(operator, other_operator, store):
    request_id = store.callback()
    claim(operator, request_id)
    close(operator, request_id, "release", "")
    assert store.get(CallbackRequest, request_id).assigned_to is None
    claim(other_operator, request_id)
    assert store.get(CallbackRequest, request_id).assigned_to == "chynara"


def test_the_attempts_and_what_twilio_said(operator, store):
    request_id = store.callback(attempts=[("no-answer", None), ("refused", "21215: geo permission")])
    html = operator.get(f"/console/callbacks/{request_id}").get_data(as_text=True)
    assert "no-answer" in html and "21215: geo permission" in html


def test_an_administrator_reads_the_history_on_the_page(admin, store):
    request_id = store.callback()
    claim(admin, request_id)
    html = admin.get(f"/console/callbacks/{request_id}").get_data(as_text=True)
    assert "aida: claim" in html and "+996 555 123 456" in html
