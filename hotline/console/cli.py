"""``flask operator create NAME --role admin|operator`` and ``flask operator password NAME``.

The password is asked for twice at a hidden prompt, or read from standard input with
``--password-stdin`` (for scripts: ``printf '%s\\n' "$PW" | flask operator create ...``), never
from the command line, where other users of the machine could read it.
"""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.console import audit
from hotline.console.models import LANGUAGES, Operator
from hotline.extensions import db

MIN_PASSWORD = 10
operator_cli = AppGroup("operator", help="Console accounts: create operators and administrators, set passwords.")


def read_password(from_stdin: bool) -> str:
    """The new password, from standard input's first line or a hidden prompt (asked twice)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def hashed(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@operator_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(Operator.ROLES), default=Operator.OPERATOR, show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="ky", show_default=True,
              help="The console's language for them (they can change it).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(name, role, language, password_stdin):
    """Create the console account NAME."""
    name = name.strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise click.BadParameter("a login is 1 to 80 characters, no spaces", param_hint="NAME")
    if db.session.scalar(select(Operator.id).where(Operator.name == name)) is not None:
        raise click.ClickException(f"{name!r} exists already; `flask operator password {name}` sets a new password")
    operator = Operator(name=name, role=role, language=language, password_hash=hashed(read_password(password_stdin)))
    db.session.add(operator)
    audit.record("operator_create", f"operator:{name}", after={"role": role, "language": language}, actor="cli")
    db.session.commit()
    click.echo(f"created {role} {name!r}: log in at /console/login")


@operator_cli.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def password_command(name, password_stdin):
    """Set a new password for NAME (their open sessions end)."""
    operator = db.session.scalar(select(Operator).where(Operator.name == name))
    if operator is None:
        raise click.ClickException(f"no account {name!r}")
    operator.password_hash = hashed(read_password(password_stdin))
    audit.record("password", f"operator:{name}", actor="cli")
    db.session.commit()
    click.echo(f"new password set for {name!r}")
