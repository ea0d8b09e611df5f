"""Who may see what: a login for every page, CSRF on every form, the session cookie, the headers."""

import pytest
from sqlalchemy import select

from hotline.callbacks.models import CallbackRequest
from hotline.console.models import AuditEntry, Operator
from tests.console.conftest import PASSWORD, csrf_token, log_in

PAGES = ["/console/", "/console/calls/", "/console/calls/CAnone", "/console/callbacks/", "/console/callbacks/1",
         "/console/conversations/", "/console/conversations/1", "/console/conversations/unmatched",
         "/console/audit/", "/console/settings"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_the_login_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/console/login?next=")


def test_the_site_root_leads_to_the_console(client):
    assert client.get("/").location == "/console/"


@pytest.mark.parametrize("path", ["/console/callbacks/1/claim", "/console/callbacks/1/complete",
                                  "/console/callbacks/1/cancel", "/console/logout", "/console/settings"])
def test_a_post_without_its_csrf_token_is_refused_even_logged_in(operator, path):
    assert operator.post(path, data={"note": "x"}).status_code == 400


def test_a_claim_with_a_wrong_token_saves_nothing(operator, store):
    request_id = store.callback()
    response = operator.post(f"/console/callbacks/{request_id}/claim", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert store.get(CallbackRequest, request_id).assigned_to is None
    assert store.scalar(select(AuditEntry).where(AuditEntry.action == "claim")) is None


def test_login_page_headers_and_no_inline_script_or_style(client):
    response = client.get("/console/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    html = response.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_logging_in_sets_a_strict_session_cookie(client, operators):
    response = log_in(client, "bakyt")
    assert response.status_code == 302 and response.location == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    assert client.get("/console/").status_code == 200


def test_the_cookie_is_secure_when_the_hotline_is_on_https(app_factory, database_url, broker_url, operators):
    https_app = app_factory(database_url, broker_url, PUBLIC_BASE_URL="https://hotline.example.kg")
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    client = https_app.test_client()
    site = {"base_url": "https://hotline.example.kg"}
    # over https, Flask-WTF also wants the form posted from this site (Referer)
    assert log_in(client, "bakyt", **site).status_code == 400
    response = log_in(client, "bakyt", headers={"Referer": "https://hotline.example.kg/console/login"}, **site)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_after_login_it_goes_where_it_was_asked_but_only_within_the_console(client, operators):
    token = csrf_token(client, "/console/login")
    form = {"csrf_token": token, "name": "bakyt", "password": PASSWORD}
    assert client.post("/console/login?next=/console/callbacks/", data=form).location == "/console/callbacks/"
    for elsewhere in ("//evil.example/console/", "https://evil.example/", "/twilio/voice", "/console/\\evil"):
        client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/settings")})
        form["csrf_token"] = csrf_token(client, "/console/login")
        assert client.post("/console/login", query_string={"next": elsewhere}, data=form).location == "/console/"


@pytest.mark.parametrize("name, password", [("bakyt", "wrong password"), ("nobody", PASSWORD), ("BAKYT", PASSWORD)])
def test_a_wrong_login_is_refused_and_audited(client, store, operators, name, password):
    response = log_in(client, name, password, headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Wrong login or password." in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    entry = store.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert entry.target == f"operator:{name}" and entry.address == "127.0.0.1"


def test_an_inactive_account_cannot_log_in_and_its_sessions_end(client, store, operators, operator):
    store.update(Operator, operators["bakyt"], active=False)
    assert operator.get("/console/").status_code == 302
    assert log_in(client, "bakyt").status_code == 401


def test_logging_out_ends_the_session(operator, store):
    response = operator.post("/console/logout", data={"csrf_token": csrf_token(operator, "/console/settings")})
    assert response.location == "/console/login"
    assert operator.get("/console/").status_code == 302
    assert store.scalar(select(AuditEntry.actor).where(AuditEntry.action == "logout")) == "bakyt"


def test_operators_may_not_read_the_audit_log(operator, admin):
    assert operator.get("/console/audit/").status_code == 403
    assert admin.get("/console/audit/").status_code == 200


def test_twilio_webhooks_stay_outside_the_console(client):
    """No CSRF, no login, no session cookie: an unsigned webhook is refused by its signature check."""
    response = client.post("/twilio/sms", data={"From": "+996555123456", "Body": "BALA"})
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers and "Content-Security-Policy" not in response.headers
