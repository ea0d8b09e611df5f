"""Who may use the console, what they did in it, and how often a login was tried.

Operators and administrators are rows here (created by ``flask operator create``); every change the
console makes and every full phone number it shows is an :class:`AuditEntry` written in the same
transaction; :class:`LoginThrottle` counts login attempts per account and per address for every
process at once.
"""

import hashlib
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow

LANGUAGES = ("ky", "ru", "en")  # the console's languages, in the order the menus offer them


class Operator(db.Model):
    """A person who logs in to the console (Flask-Login's user)."""

    __tablename__ = "operators"

    ADMIN = "admin"  # sees full numbers everywhere, reads the audit log
    OPERATOR = "operator"  # sees numbers masked, except on the callback they are working
    ROLES = (ADMIN, OPERATOR)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)  # the login
    password_hash: Mapped[str] = mapped_column(String(255))  # werkzeug's scrypt
    role: Mapped[str] = mapped_column(String(10), default=OPERATOR)
    language: Mapped[str] = mapped_column(String(2), default="ky")  # the console's language for them
    active: Mapped[bool] = mapped_column(default=True)  # False: may not log in
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    # -- Flask-Login --
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == self.ADMIN

    def get_id(self) -> str:
        """The id the session keeps: the row and a digest of the password hash, so a new password
        ends every session opened with the old one."""
        return f"{self.id}:{password_mark(self.password_hash)}"


def password_mark(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class AuditEntry(db.Model):
    """One change made in the console (or by ``flask operator``), or one page that showed full numbers."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)  # the audit page lists newest first by it
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))  # the operator's login, or "cli"
    address: Mapped[str | None] = mapped_column(String(45))  # the browser's IP address
    # login | logout | language | view_numbers | claim | complete | cancel | operator_create | password
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120), index=True)  # "callback:12": a callback page's history
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class LoginThrottle(db.Model):
    """Login attempts counted for one key (``account:NAME`` or ``address:IP``) in a window."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)  # failed (or refused) attempts in the window
    # the window's start; the login page deletes rows whose window is long over
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
