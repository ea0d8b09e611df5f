"""Settings come from the environment once, with defaults that need no server."""

import os
import subprocess
import sys

import pytest

from hotline import ConfigurationError, create_app
from hotline.config import VAR, SettingError, country_codes, normalise_database_url, settings_from_env
from tests.conftest import ROOT


def test_defaults_need_no_server():
    settings = settings_from_env({})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{VAR / 'hotline.db'}"
    assert settings["CELERY"]["broker_url"] == f"sqla+sqlite:///{VAR / 'broker.db'}"
    assert settings["TWILIO_API_BASE"] == "https://api.twilio.com"
    assert settings["PUBLIC_BASE_URL"] == ""
    assert settings["HEALTHZ_TOKEN"] == ""  # /healthz shows its detail to nobody
    assert settings["CALLBACK_COUNTRIES"] == (996, 7)


def test_environment_overrides_defaults():
    settings = settings_from_env({
        "DATABASE_URL": "postgresql://u@db/hotline",
        "CELERY_BROKER_URL": "redis://cache:6379/0",
        "TWILIO_API_BASE": "http://127.0.0.1:8099/",
        "PUBLIC_BASE_URL": "https://hotline.example.org/",
        "SECRET_KEY": "s3cret",
        "TWILIO_AUTH_TOKEN": "our-own-token",
        "HEALTHZ_TOKEN": "t0ken",
        "CALLBACK_COUNTRIES": " +996, 7 ,44",
    })
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/hotline"
    assert settings["CELERY"]["broker_url"] == "redis://cache:6379/0"
    assert settings["TWILIO_API_BASE"] == "http://127.0.0.1:8099"
    assert settings["PUBLIC_BASE_URL"] == "https://hotline.example.org"
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["TWILIO_AUTH_TOKEN"] == "our-own-token"
    assert settings["HEALTHZ_TOKEN"] == "t0ken"
    assert settings["CALLBACK_COUNTRIES"] == (996, 7, 44)


def test_database_url_spellings():
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize("text", ["KG", "996;7", "882", "870", "999", "0", "+", ", ,"])
def test_callback_countries_must_be_country_codes(text):
    with pytest.raises(SettingError, match="CALLBACK_COUNTRIES=.*e.g. '996,7'"):
        country_codes(text)


def test_a_bad_setting_stops_the_app(monkeypatch):
    monkeypatch.setenv("CALLBACK_COUNTRIES", "996,882")
    with pytest.raises(ConfigurationError, match="CALLBACK_COUNTRIES='996,882': '882' is not a country"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("token", [None, ""])
def test_a_deployment_needs_its_own_twilio_token(token):
    """With PUBLIC_BASE_URL set, Twilio reaches this hotline: the placeholder token, which anyone
    can read here, would let anyone sign a webhook."""
    environ = {"PUBLIC_BASE_URL": "https://hotline.example.org"} | ({} if token is None else {"TWILIO_AUTH_TOKEN": token})
    with pytest.raises(SettingError, match="TWILIO_AUTH_TOKEN is not set, and PUBLIC_BASE_URL is"):
        settings_from_env(environ)
    assert settings_from_env({})["TWILIO_AUTH_TOKEN"] == "dev-auth-token"  # development: `make run`, `flask simulate`


PRODUCTION = {"HOTLINE_ENV": "production", "SECRET_KEY": "a-long-random-secret", "TWILIO_AUTH_TOKEN": "the-account-token",
              "PUBLIC_BASE_URL": "https://hotline.example.org"}


@pytest.mark.parametrize(("left_out", "named"), [
    ({"SECRET_KEY": ""}, "SECRET_KEY is left at its development default"),
    ({"SECRET_KEY": "dev-only-change-me"}, "SECRET_KEY is left at its development default"),
    ({"TWILIO_AUTH_TOKEN": "dev-auth-token"}, "TWILIO_AUTH_TOKEN is left at its development default"),
    ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL must be the https:// address Twilio calls"),
    ({"PUBLIC_BASE_URL": "http://hotline.example.org"}, "PUBLIC_BASE_URL must be the https:// address Twilio calls"),
])
def test_production_refuses_to_start_on_a_development_default(left_out, named):
    with pytest.raises(SettingError, match=named):
        settings_from_env(PRODUCTION | left_out)


def test_production_with_its_own_settings_starts_and_development_needs_none():
    assert settings_from_env(PRODUCTION)["HOTLINE_ENV"] == "production"
    assert settings_from_env({})["HOTLINE_ENV"] == "development"
    with pytest.raises(SettingError, match="HOTLINE_ENV must be development or production"):
        settings_from_env({"HOTLINE_ENV": "prod"})


def test_gunicorn_and_flask_say_why_without_a_traceback():
    env = os.environ | {"CALLBACK_COUNTRIES": "Kyrgyzstan"}
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 4  # gunicorn's "the app failed to load": its master stops too
    assert done.stderr.startswith("hotline cannot start: CALLBACK_COUNTRIES='Kyrgyzstan'")
    assert "Traceback" not in done.stderr


def test_the_caps_default_and_must_be_whole_numbers():
    defaults = settings_from_env({})
    assert [defaults[cap] for cap in ("CALLBACK_HOURLY_CAP", "SMS_PER_CALL", "SMS_PER_NUMBER_DAILY")] == [200, 3, 10]
    assert settings_from_env({"CALLBACK_HOURLY_CAP": "0"})["CALLBACK_HOURLY_CAP"] == 0  # refuse every one
    for text in ("-1", "ten", "2.5", "²"):
        with pytest.raises(SettingError, match=f"SMS_PER_CALL={text!r}: expected a whole number"):
            settings_from_env({"SMS_PER_CALL": text})
