"""A benchmark's own database: a temporary SQLite file, or a PostgreSQL database dropped and made again."""

import os
from pathlib import Path


def fresh_database(kind: str, workdir: Path, postgres_default: str) -> str:
    """The URL of an empty database: SQLite in ``workdir``, or ``BENCH_POSTGRES_URL`` (default
    ``postgres_default``) dropped and created again."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    import sqlalchemy

    url = os.environ.get("BENCH_POSTGRES_URL", postgres_default)
    engine = sqlalchemy.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = url.rsplit("/", 1)[1]
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url
