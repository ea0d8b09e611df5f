"""``GET /healthz``: can the app reach its database and its broker, and when did a worker last run."""

from flask import Blueprint, Flask, current_app, jsonify
from kombu import Connection
from sqlalchemy import select, text

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


@bp.get("/healthz")
def healthz():
    """200 when the database and the broker both answer, 503 otherwise (JSON either way)."""
    database, broker = _check_database(), _check_broker()
    body = {"database": database, "broker": broker, "worker": _last_heartbeat(database["ok"])}
    ok = database["ok"] and broker["ok"]
    body["status"] = "ok" if ok else "unavailable"
    return jsonify(body), 200 if ok else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
