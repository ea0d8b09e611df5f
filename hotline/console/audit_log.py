"""The audit log, for administrators: every change made in the console and every page that showed
full numbers, newest first, by operator or action."""

from functools import wraps

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from hotline.console import queries
from hotline.console.audit import page
from hotline.console.models import AuditEntry
from hotline.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


def admin_required(view):
    """403 for anyone but an administrator."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.get("/")
@admin_required
def index():
    actor, action, target = (request.args.get(name, "").strip()[:120] or None for name in ("actor", "action", "target"))
    pagination = db.paginate(queries.audit_entries(target, actor, action),
                             per_page=current_app.config["CONSOLE_PAGE_SIZE"], max_per_page=100)
    return page("console/audit.html", pagination=pagination, actor=actor, action=action, target=target)


@bp.get("/<int:entry_id>")
@admin_required
def show(entry_id: int):
    """One entry in full: for a page that showed numbers, the numbers (this view is audited in turn;
    the list shows only how many, so reading the log does not copy every number into it again)."""
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None:
        abort(404)
    return page("console/audit_entry.html", entry=entry)
