"""GET /healthz: 200 when the database and the broker answer, 503 (with the reason) otherwise."""

def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": "sqla+sqlite"}
    assert body["worker"] == {"seen_seconds_ago": None}


def test_broker_down_is_503(app_factory, database_url):
    app = app_factory(database_url, "redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["status"] == "unavailable"


def test_database_down_is_503(app_factory, broker_url):
    app = app_factory("postgresql+psycopg://nobody@127.0.0.1:1/none", broker_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"]["ok"] is False
    assert body["broker"]["ok"] is True
    assert body["worker"] == {"seen_seconds_ago": None}
