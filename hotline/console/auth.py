"""Logging in and out, and the operator's own language.

A login is one transaction: the attempt is counted (``throttle``), the password checked only within
the limits, the outcome written to the audit log, all committed before the answer. An unknown name
costs the same scrypt as a known one, so the time taken says nothing about who has an account.
"""

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.console import audit, throttle
from hotline.console.extensions import login_manager
from hotline.console.forms import LanguageForm, LoginForm
from hotline.console.models import LANGUAGES, Operator, password_mark
from hotline.extensions import db
from hotline.timeutil import utcnow

bp = Blueprint("auth", __name__)
#: checked when the name is unknown, so that a wrong name takes as long as a wrong password
DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")


@login_manager.user_loader
def load_operator(session_id: str) -> Operator | None:
    """The operator of a session, while active and with the password the session was opened with."""
    row, _sep, mark = session_id.partition(":")
    operator = db.session.get(Operator, int(row)) if row.isdigit() else None
    if operator is None or not operator.active or not hmac.compare_digest(password_mark(operator.password_hash), mark):
        return None
    return operator


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a console path of this site, never another site."""
    if target and target.startswith("/console/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("console.today.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; too many attempts for the account or the address are refused unchecked."""
    if request.args.get("lang") in LANGUAGES:
        session["lang"] = request.args["lang"]
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        name = form.name.data.strip()
        if not throttle.admit(name, request.remote_addr, utcnow()):
            audit.record("login_refused", f"operator:{name}", actor="anonymous")
            db.session.commit()
            flash(_("Too many attempts. Wait a few minutes and try again."), "error")
            return audit.page("console/login.html", form=form), 429
        operator = db.session.scalar(select(Operator).where(Operator.name == name))
        password_ok = check_password_hash(operator.password_hash if operator else DUMMY_HASH, form.password.data)
        if operator is not None and operator.active and password_ok:
            throttle.succeeded(name, request.remote_addr)
            operator.last_login_at = utcnow()
            audit.record("login", f"operator:{name}", actor=name)
            db.session.commit()
            session.clear()  # nothing from before the login carries over
            login_user(operator)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")))
        audit.record("login_failed", f"operator:{name}", actor="anonymous")
        flash(_("Wrong login or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return audit.page("console/login.html", form=form), status


@bp.post("/logout")
def logout():
    audit.record("logout", f"operator:{current_user.name}")
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("console.auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The operator's language (the console speaks it from the next page on)."""
    form = LanguageForm(language=current_user.language)
    if form.validate_on_submit():
        before = current_user.language
        current_user.language = form.language.data
        audit.record("language", f"operator:{current_user.name}", {"language": before},
                     {"language": form.language.data})
        db.session.commit()
        return redirect(url_for("console.auth.settings"))
    return audit.page("console/settings.html", form=form)
