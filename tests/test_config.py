"""Settings come from the environment once, with defaults that need no server."""

from hotline.config import VAR, normalise_database_url, settings_from_env


def test_defaults_need_no_server():
    settings = settings_from_env({})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{VAR / 'hotline.db'}"
    assert settings["CELERY"]["broker_url"] == f"sqla+sqlite:///{VAR / 'broker.db'}"
    assert settings["TWILIO_API_BASE"] == "https://api.twilio.com"
    assert settings["PUBLIC_BASE_URL"] == ""


def test_environment_overrides_defaults():
    settings = settings_from_env({
        "DATABASE_URL": "postgresql://u@db/hotline",
        "CELERY_BROKER_URL": "redis://cache:6379/0",
        "TWILIO_API_BASE": "http://127.0.0.1:8099/",
        "PUBLIC_BASE_URL": "https://hotline.example.org/",
        "SECRET_KEY": "s3cret",
    })
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/hotline"
    assert settings["CELERY"]["broker_url"] == "redis://cache:6379/0"
    assert settings["TWILIO_API_BASE"] == "http://127.0.0.1:8099"
    assert settings["PUBLIC_BASE_URL"] == "https://hotline.example.org"
    assert settings["SECRET_KEY"] == "s3cret"


def test_database_url_spellings():
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
