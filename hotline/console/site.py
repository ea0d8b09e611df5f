"""The console's parent blueprint: what every page shares (a login for everything but the login
page, a CSRF check on every POST, the security headers, the static files), and its pages, each a
child blueprint of its own module."""

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from hotline.console import audit_log, auth, callbacks, calls, conversations, today
from hotline.console.extensions import csrf
from hotline.console.models import LANGUAGES

#: No inline script or style anywhere: every asset is a file this app serves.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
PUBLIC_ENDPOINTS = {"console.auth.login", "console.static"}

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.before_request
def guard():
    """CSRF on every POST (the login form's too), then a login for every page but the login page."""
    if request.method == "POST":
        csrf.protect()
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("console.auth.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"  # pages hold callers' data: no copies kept
    return response


def select_locale() -> str:
    """The operator's own language; before login, the one picked on the login page, or the browser's."""
    if current_user.is_authenticated:
        return current_user.language
    return session.get("lang") or request.accept_languages.best_match(LANGUAGES) or "ky"


for page in (auth, today, calls, callbacks, conversations, audit_log):
    bp.register_blueprint(page.bp)
