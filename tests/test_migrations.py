"""The committed migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hotline.extensions import db
from tests.conftest import POSTGRES_URL, postgres_reachable, reset_postgres, server_missing


def assert_models_match_schema(app):
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_migrations_match_models(app):
    assert_models_match_schema(app)


def test_flask_db_upgrade_on_postgresql(app, app_factory, broker_url):
    """On a SQLite run, also build the schema on the PostgreSQL server (skipped when it is absent)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert_models_match_schema(app)  # this whole run is on PostgreSQL already
        return
    why = postgres_reachable(POSTGRES_URL)
    if why:
        server_missing("PostgreSQL", why)
    from flask_migrate import upgrade

    reset_postgres(POSTGRES_URL)
    pg_app = app_factory(POSTGRES_URL, broker_url)
    with pg_app.app_context():
        upgrade()
    assert_models_match_schema(pg_app)
