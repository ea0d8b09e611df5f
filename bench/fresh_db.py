"""A benchmark's own database: a temporary SQLite file, or a PostgreSQL database dropped and made again."""

import os
from pathlib import Path


def fresh_database(kind: str, workdir: Path, postgres_default: str) -> str:
    """The URL of an empty database: SQLite in ``workdir``, or ``BENCH_POSTGRES_URL`` (default
    ``postgres_default``) dropped and created again. The URL may name a Unix socket:
    ``postgresql+psycopg://postgres@/bench_voice?host=/var/run/postgresql``."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    import sqlalchemy

    url = sqlalchemy.engine.make_url(os.environ.get("BENCH_POSTGRES_URL", postgres_default))
    engine = sqlalchemy.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()
    return url.render_as_string(hide_password=False)
