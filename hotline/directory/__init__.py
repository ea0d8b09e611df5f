"""The services directory: regions, topics, offices; loaded from data/ and queried by every channel."""

import click
from flask import Flask
from flask.cli import with_appcontext

from hotline.directory import models  # noqa: F401  (the tables, for migrations)
from hotline.extensions import db


@click.command("seed")
@with_appcontext
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Directory holding regions.yaml, topics.yaml and offices/ (default: data/).")
def seed_command(data_dir):
    """Load the directory from data/ into the database (idempotent, one transaction)."""
    from pathlib import Path

    from hotline.directory.loader import DATA_DIR, DataError, load_directory
    from hotline.directory.seed import seed_directory

    try:
        data = load_directory(Path(data_dir) if data_dir else DATA_DIR)
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    from hotline.eligibility import RuleError, load_rules

    try:  # the rules name topics and offices: an edit that breaks one must not be seeded
        load_rules(services=data)
    except RuleError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        report = seed_directory(db.session, data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # New and edited offices are spoken with new words: a worker renders them for the next call.
    from hotline.prompts.render import request_office_renders

    request_office_renders(report.created["offices"] + report.updated["offices"])
    for line in report.lines():
        click.echo(line)
    if not report.changed:
        click.echo("nothing changed")


def init_app(app: Flask) -> None:
    """Register the directory's CLI commands."""
    app.cli.add_command(seed_command)
