"""``flask operator create`` and ``flask operator password``."""

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from hotline.console.models import AuditEntry, Operator
from tests.console.conftest import log_in

NEW = "a long enough password"


def operator_named(store, name):
    return store.scalar(select(Operator).where(Operator.name == name))


def test_create_an_administrator_from_a_script(runner, store, client):
    result = runner.invoke(args=["operator", "create", "aida", "--role", "admin", "--password-stdin"], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    aida = operator_named(store, "aida")
    assert aida.role == "admin" and aida.language == "ky" and aida.active
    assert aida.password_hash.startswith("scrypt:") and check_password_hash(aida.password_hash, NEW)
    entry = store.scalar(select(AuditEntry).where(AuditEntry.action == "operator_create"))
    assert (entry.actor, entry.target, entry.after) == ("cli", "operator:aida", {"role": "admin", "language": "ky"})
    assert log_in(client, "aida", NEW).status_code == 302


def test_create_asks_for_the_password_twice(runner, store):
    result = runner.invoke(args=["operator", "create", "bakyt"], input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and NEW not in result.output
    assert operator_named(store, "bakyt").role == "operator"


@pytest.mark.parametrize("args, typed, message", [
    (["create", "aida", "--password-stdin"], "short\n", "at least 10 characters"),
    (["create", "two words", "--password-stdin"], NEW + "\n", "no spaces"),
    (["create", "aida", "--role", "boss", "--password-stdin"], NEW + "\n", "'boss' is not one of"),
    (["password", "nobody", "--password-stdin"], NEW + "\n", "no account 'nobody'"),
])
def test_bad_input_is_refused_and_nothing_saved(runner, store, args, typed, message):
    result = runner.invoke(args=["operator", *args], input=typed)
    assert result.exit_code != 0 and message in result.output
    assert store.scalars(select(Operator)) == []


def test_the_two_passwords_must_match(runner, store):
    result = runner.invoke(args=["operator", "create", "bakyt"], input=f"{NEW}\nsomething else\n{NEW}\n{NEW}\n")
    assert result.exit_code == 0 and "do not match" in result.output
    assert check_password_hash(operator_named(store, "bakyt").password_hash, NEW)


def test_a_name_is_created_once(runner, store):
    runner.invoke(args=["operator", "create", "aida", "--password-stdin"], input=NEW + "\n")
    result = runner.invoke(args=["operator", "create", "aida", "--password-stdin"], input=NEW + "\n")
    assert result.exit_code != 0 and "exists already" in result.output


def test_a_new_password_ends_the_sessions_of_the_old_one(runner, store, operators, operator):
    assert operator.get("/console/").status_code == 200
    result = runner.invoke(args=["operator", "password", "bakyt", "--password-stdin"], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert operator.get("/console/").status_code == 302
    assert log_in(operator, "bakyt", NEW).status_code == 302
    assert store.scalar(select(AuditEntry.target).where(AuditEntry.action == "password")) == "operator:bakyt"
