"""``GET /healthz``: can the app reach its database and its broker, and when did a worker last run.

Anyone may ask whether the hotline is up: ``{"ok": true}`` (200) or ``{"ok": false}`` (503), for a
load balancer or an uptime check. What is wrong, which transport, how long since a worker beat, which
caps have tripped, is shown only to a request bearing ``HEALTHZ_TOKEN`` as
``Authorization: Bearer <token>``; with no token set, to nobody.
"""

import hmac

from flask import Blueprint, Flask, current_app, jsonify, request
from kombu import Connection
from sqlalchemy import select, text

from hotline import caps
from hotline.extensions import db
from hotline.health.models import Heartbeat
from hotline.timeutil import utcnow

bp = Blueprint("health", __name__)


def _check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "dialect": db.engine.dialect.name}


def _check_broker() -> dict:
    url = current_app.config["CELERY"]["broker_url"]
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__, "transport": url.split(":", 1)[0]}
    return {"ok": True, "transport": url.split(":", 1)[0]}


def _last_heartbeat(database_ok: bool) -> dict:
    if not database_ok:
        return {"seen_seconds_ago": None}
    seen = db.session.scalar(select(Heartbeat.seen_at).order_by(Heartbeat.seen_at.desc()).limit(1))
    return {"seen_seconds_ago": round((utcnow() - seen).total_seconds()) if seen else None}


def tripped_caps() -> list[str]:
    """The abuse caps refusing calls or texts in their current window, by setting name
    (``CALLBACK_HOURLY_CAP``; ``SMS_PER_CALL`` when any call is over it), read from the database."""
    return caps.tripped()


def may_see_detail() -> bool:
    """Whether the request bears ``HEALTHZ_TOKEN`` as a bearer token. Never raises: an odd or
    missing header, or no token set, is a no."""
    try:
        token = current_app.config["HEALTHZ_TOKEN"]
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if not token or scheme.lower() != "bearer":
            return False
        # bytes, so compare_digest takes any text (it refuses a str that is not ASCII)
        return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode("utf-8"))
    except Exception:
        return False


@bp.get("/healthz")
def healthz():
    """200 when the database and the broker both answer, 503 otherwise; the detail only with the token."""
    database, broker = _check_database(), _check_broker()
    ok = database["ok"] and broker["ok"]
    body = {"ok": ok}
    if may_see_detail():
        body |= {"database": database, "broker": broker, "worker": _last_heartbeat(database["ok"]),
                 "caps_tripped": tripped_caps() if database["ok"] else None}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"  # a proxy must not keep the detail, nor an old "ok"
    return response, 200 if ok else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
