"""Fixtures: an app on a migrated, seeded test database (SQLite, or PostgreSQL when asked), its
client and CLI runner, and helpers for the servers some tests need.

Environment:
- ``HOTLINE_TEST_DATABASE_URL``: run the whole suite on this database (CI sets PostgreSQL).
- ``HOTLINE_TEST_POSTGRES_URL`` / ``HOTLINE_TEST_REDIS_URL``: the servers for the tests that need
  them on a SQLite run (defaults: the local servers).
- ``HOTLINE_REQUIRE_SERVICES=1``: a missing server fails those tests instead of skipping them.
"""

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text

from hotline import create_app
from hotline.celery_app import fail_fast
from hotline.extensions import db

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("HOTLINE_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Loaded once per session; every other table is emptied after each test.
NO_AUDIO = str(Path(tempfile.gettempdir()) / "hotline-tests-no-audio-here")
DIRECTORY_TABLES = {"regions", "places", "topics", "offices", "office_topics", "phones", "directory_version",
                    "alembic_version"}


def server_missing(name: str, why: str):
    """Skip (or, when servers are required, fail) a test whose server is not there."""
    message = f"{name} is not reachable ({why})"
    if REQUIRE_SERVICES:
        pytest.fail(message + "; HOTLINE_REQUIRE_SERVICES=1 makes it mandatory")
    pytest.skip(message)


def postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL at ``url`` answers, else why not."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def reset_postgres(url: str) -> None:
    """Drop everything in the test database, so the schema comes from the migrations alone."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate_and_seed(app) -> None:
    """Apply the committed migrations and load data/ into the app's database."""
    from flask_migrate import upgrade

    from hotline.directory.loader import load_directory
    from hotline.directory.seed import seed_directory

    with app.app_context():
        upgrade()
        seed_directory(db.session, load_directory())
        db.session.commit()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("HOTLINE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hotline.db'}"
    why = postgres_reachable(url)
    if why:
        pytest.exit(f"HOTLINE_TEST_DATABASE_URL={url} is not reachable: {why}", returncode=3)
    reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def broker_url(tmp_path_factory) -> str:
    """An embedded broker for the app under test (a real one, in a file)."""
    return f"sqla+sqlite:///{tmp_path_factory.mktemp('broker') / 'broker.db'}"


def make_app(database_url: str, broker_url: str, **overrides):
    config = {
        "AUDIO_DIR": NO_AUDIO,  # nothing rendered: every prompt is <Say>, unless a test builds audio
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "test-auth-token",
        "PUBLIC_BASE_URL": "",
    }
    app = create_app(config | overrides)
    app.config["CELERY"] = app.config["CELERY"] | {"broker_url": broker_url}
    app.extensions["celery"].conf.broker_url = broker_url
    fail_fast(app.extensions["celery"], broker_url)  # the transport options that fit this broker
    return app


def dispose(app) -> None:
    """Close the app's pooled connections (PostgreSQL warns about connections left open)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_factory():
    """``make_app`` for tests that need an app of their own; its connections are closed after."""
    apps = []

    def factory(database_url: str, broker_url: str, **overrides):
        apps.append(make_app(database_url, broker_url, **overrides))
        return apps[-1]

    yield factory
    for made in apps:
        dispose(made)


@pytest.fixture(scope="session")
def app(database_url, broker_url):
    app = make_app(database_url, broker_url)
    migrate_and_seed(app)
    yield app
    dispose(app)


@pytest.fixture(autouse=True)
def _empty_activity_tables(request):
    """After each test that used the app, empty every table but the directory."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in DIRECTORY_TABLES:
                db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
