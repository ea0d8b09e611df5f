"""The audit log: who changed what (before and after), and who was shown which full numbers.

Entries are added to the request's session, so they commit with the change they describe or not
at all. A page that showed full numbers records them all in one entry, written by :func:`page`
after the template has rendered (the template is where numbers are shown or masked).
"""

from flask import g, has_request_context, render_template, request
from flask_login import current_user

from hotline.console.models import AuditEntry
from hotline.extensions import db


def record(action: str, target: str, before: dict | None = None, after: dict | None = None,
           actor: str | None = None) -> AuditEntry:
    """Add an audit entry to the session (committed with the change). ``actor`` defaults to the
    logged-in operator."""
    if actor is None:
        actor = current_user.name if current_user.is_authenticated else "anonymous"
    address = request.remote_addr if has_request_context() else None
    entry = AuditEntry(actor=actor, address=address, action=action, target=target[:120],
                       before=before, after=after)
    db.session.add(entry)
    return entry


def revealed(number: str) -> None:
    """Note that this request shows ``number`` in full (written by :func:`page`)."""
    g.setdefault("revealed_numbers", []).append(number)


def page(template: str, **context) -> str:
    """Render ``template``, record the full numbers it showed, and commit the request's transaction
    (before the response leaves, as every write of the hotline is)."""
    html = render_template(template, **context)
    numbers = g.pop("revealed_numbers", None)
    if numbers:
        record("view_numbers", f"page:{request.path}", after={"numbers": sorted(set(numbers))})
    db.session.commit()
    return html
