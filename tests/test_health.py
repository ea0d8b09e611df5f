"""GET /healthz: anyone learns whether the hotline is up (200 or 503); only the bearer of
``HEALTHZ_TOKEN`` learns what is wrong."""

import pytest

TOKEN = "s3cret-health-token"
PUBLIC = {"ok": True}


@pytest.fixture
def token_app(app):
    """The session's app, with ``HEALTHZ_TOKEN`` set for the test."""
    app.config["HEALTHZ_TOKEN"] = TOKEN
    yield app
    app.config["HEALTHZ_TOKEN"] = ""


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_healthy_says_only_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == PUBLIC
    assert response.headers["Cache-Control"] == "no-store"


def test_no_token_set_means_no_detail_for_anyone(client):
    assert client.get("/healthz", headers=bearer("")).get_json() == PUBLIC
    assert client.get("/healthz", headers={"Authorization": "Bearer"}).get_json() == PUBLIC


def test_the_token_shows_the_detail(token_app):
    response = token_app.test_client().get("/healthz", headers=bearer(TOKEN))
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": "sqla+sqlite"}
    assert body["worker"] == {"seen_seconds_ago": None}
    assert body["caps_tripped"] == []


@pytest.mark.parametrize("authorization", [
    None,
    "",
    "Bearer",
    "Bearer ",
    f"Bearer {TOKEN}x",
    f"Bearer {TOKEN[:-1]}",
    f"Basic {TOKEN}",
    TOKEN,
    f"Bearer{TOKEN}",
    "Bearer " + "ä" * 20,  # not ASCII: compare_digest would refuse a str
    "Bearer " + "\udcff",  # not even encodable
    "Bearer " + "x" * 10_000,
])
def test_anything_but_the_token_is_no_detail(token_app, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = token_app.test_client().get("/healthz", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == PUBLIC


def test_broker_down_is_503(app_factory, database_url):
    app = app_factory(database_url, "redis://127.0.0.1:1/0", HEALTHZ_TOKEN=TOKEN)
    assert app.test_client().get("/healthz").get_json() == {"ok": False}
    response = app.test_client().get("/healthz", headers=bearer(TOKEN))
    assert response.status_code == 503
    body = response.get_json()
    assert body["ok"] is False
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def test_database_down_is_503(app_factory, broker_url):
    app = app_factory("postgresql+psycopg://nobody@127.0.0.1:1/none", broker_url, HEALTHZ_TOKEN=TOKEN)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"ok": False}
    body = app.test_client().get("/healthz", headers=bearer(TOKEN)).get_json()
    assert body["ok"] is False
    assert body["database"]["ok"] is False
    assert body["broker"]["ok"] is True
    assert body["worker"] == {"seen_seconds_ago": None}
    assert body["caps_tripped"] is None  # not known without the database
