"""Login attempts limited per account and per address, counted in the database for every process.

Each attempt first counts itself, atomically: ``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING
attempts`` (a row lock on PostgreSQL, the database lock on SQLite), so twenty attempts arriving at
once on twenty processes get twenty different counts and the limit holds exactly. Only an attempt
within the limit has its password checked; a correct one clears its account's count and gives back
its address's, so an office behind one address is not locked out by its own logins.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update

from hotline.console.models import LoginThrottle
from hotline.extensions import db
from hotline.upsert import insert_for


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta


def limits() -> Limits:
    config = current_app.config
    return Limits(config["CONSOLE_LOGIN_ATTEMPTS_PER_ACCOUNT"], config["CONSOLE_LOGIN_ATTEMPTS_PER_ADDRESS"],
                  timedelta(minutes=config["CONSOLE_LOGIN_WINDOW_MINUTES"]))


def keys(name: str, address: str | None) -> tuple[str, str]:
    return f"account:{name.strip().lower()[:100]}", f"address:{address or 'unknown'}"


def count_attempt(key: str, now: datetime, window: timedelta) -> int:
    """Count one attempt for ``key`` (a new window once the last one is over); the count, this one included."""
    expired = LoginThrottle.window_started_at <= now - window
    statement = insert_for(LoginThrottle).values(key=key, attempts=1, window_started_at=now)
    statement = statement.on_conflict_do_update(index_elements=["key"], set_={
        "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
        "window_started_at": case((expired, now), else_=LoginThrottle.window_started_at),
    }).returning(LoginThrottle.attempts)
    return db.session.execute(statement).scalar_one()


def admit(name: str, address: str | None, now: datetime) -> bool:
    """Count an attempt to log in as ``name`` from ``address``; False when either is over its limit
    (the password is then not checked at all)."""
    limit = limits()
    _forget_old(now - 4 * limit.window)
    account, source = keys(name, address)
    by_account = count_attempt(account, now, limit.window)
    by_address = count_attempt(source, now, limit.window)
    return by_account <= limit.per_account and by_address <= limit.per_address


def _forget_old(before: datetime) -> None:
    """Delete a few rows whose window ended long ago, skipping rows another login holds (two logins
    deleting the same rows in different orders could otherwise wait on each other)."""
    old = (select(LoginThrottle.key).where(LoginThrottle.window_started_at <= before).limit(100)
           .with_for_update(skip_locked=True))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(old.scalar_subquery())))


def succeeded(name: str, address: str | None) -> None:
    """A correct password: the account starts afresh, and the address's count takes this one back."""
    account, source = keys(name, address)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == account))
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == source, LoginThrottle.attempts > 0)
                       .values(attempts=LoginThrottle.attempts - 1))
