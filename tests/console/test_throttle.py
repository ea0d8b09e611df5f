"""Login attempts limited per account and per address, counted in the database for every process."""

import http.client
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update

from hotline.console.models import AuditEntry, LoginThrottle
from hotline.extensions import db
from hotline.timeutil import utcnow
from tests.console.conftest import CSRF, PASSWORD, log_in
from tests.servers import gunicorn

ENGLISH = {"headers": {"Accept-Language": "en"}}


def test_the_sixth_attempt_is_refused_without_checking_the_password(client, store, operators):
    for _ in range(5):
        assert log_in(client, "bakyt", "guess", **ENGLISH).status_code == 401
    response = log_in(client, "bakyt", PASSWORD, **ENGLISH)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert store.scalar(select(LoginThrottle.attempts).where(LoginThrottle.key == "account:bakyt")) == 6
    assert store.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "login_refused"


def test_another_account_from_the_same_address_still_logs_in(client, operators):
    for _ in range(6):
        log_in(client, "bakyt", "guess")
    assert log_in(client, "chynara").status_code == 302


def test_a_correct_password_starts_the_account_afresh(client, operators):
    for _ in range(4):
        assert log_in(client, "bakyt", "guess").status_code == 401
    assert log_in(client, "bakyt").status_code == 302
    client.post("/console/logout", data={"csrf_token": CSRF.search(client.get("/console/settings").text).group(1)})
    for _ in range(5):
        assert log_in(client, "bakyt", "guess").status_code == 401


def test_the_account_is_let_in_again_when_its_window_is_over(app, client, store, operators):
    for _ in range(6):
        log_in(client, "bakyt", "guess")
    assert log_in(client, "bakyt").status_code == 429

    def age():
        db.session.execute(update(LoginThrottle).values(window_started_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    store.run(age)
    assert log_in(client, "bakyt").status_code == 302


def test_an_address_is_limited_across_accounts_but_not_by_its_own_logins(app_factory, database_url, broker_url,
                                                                          operators):
    app = app_factory(database_url, broker_url, CONSOLE_LOGIN_ATTEMPTS_PER_ADDRESS=3)
    client = app.test_client()
    for _ in range(5):  # an office logging in all day: successes give their count back
        assert log_in(client, "chynara").status_code == 302
    for name in ("aida", "nobody", "somebody"):
        assert log_in(client, name, "guess").status_code == 401
    assert log_in(client, "bakyt").status_code == 429  # a fourth name, right password, same address


def _login_form(base_port: int) -> tuple[str, str]:
    """A session cookie and its CSRF token, from the login page."""
    connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    connection.request("GET", "/console/login", headers={"Accept-Language": "en"})
    response = connection.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return cookie, CSRF.search(html).group(1)


# tests/servers.py's readiness probe leaves its socket open when the server is not listening yet
def test_twenty_attempts_at_once_on_four_processes_get_five_checked(app, database_url, broker_url, store, operators):
    """The count is one atomic statement in the database: twenty wrong passwords sent together to four
    gunicorn workers are counted 1 to 20, five get their password checked, fifteen are refused."""
    with gunicorn(database_url, broker_url, workers=4) as server:
        cookie, token = _login_form(server.port)

        def attempt(_):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            body = urlencode({"csrf_token": token, "name": "bakyt", "password": "guess"})
            connection.request("POST", "/console/login", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Accept-Language": "en"})
            response = connection.getresponse()
            response.read()
            connection.close()
            return response.status

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = sorted(pool.map(attempt, range(20)))
    assert statuses == [401] * 5 + [429] * 15
    assert store.scalar(select(LoginThrottle.attempts).where(LoginThrottle.key == "account:bakyt")) == 20
    assert store.scalar(select(LoginThrottle.attempts).where(LoginThrottle.key == "address:127.0.0.1")) == 20
