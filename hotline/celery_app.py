"""Celery bound to the Flask app: every task runs inside the app context.

The pattern is Flask's own (``examples/celery``). Web code never imports a task module: it writes
its row and asks for the task by name with :func:`enqueue_after_commit`; the task is sent when
``db.session`` commits (and forgotten if it rolls back), so a worker never looks for a row that is
not there yet, and work is never sent for something that was not kept.
"""

import logging

from celery import Celery, Task
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and keep it in ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    fail_fast(celery_app, app.config["CELERY"]["broker_url"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def fail_fast(celery_app: Celery, broker_url: str) -> None:
    """Publish without waiting out a broker that is down: no connection retries, and a 1 s timeout
    to connect (AMQP) or on the socket (Redis). A web request publishes after it has committed its
    row and answers a caller; the sweeper sends the work later. Measured with a refused port: 6 s
    → milliseconds; with a port that accepts and never answers: forever → 1 s. A worker waits for
    its broker instead (``tasks/worker.py`` gives it Celery's defaults back)."""
    options = {"max_retries": 0}
    if broker_url.startswith(("redis://", "rediss://")):  # the SQLAlchemy transport refuses these keys
        options |= {"socket_connect_timeout": 1, "socket_timeout": 1}
    celery_app.conf.broker_transport_options = options
    celery_app.conf.broker_connection_timeout = 1


def enqueue(task_name: str, *args, **options) -> bool:
    """Send ``task_name`` to the broker; return False instead of raising when it is down.

    Callers have already committed the row the task works on, so a broker outage delays the work
    (the sweeper re-enqueues it) but loses nothing and never fails the request.
    """
    celery_app = current_app.extensions["celery"]
    try:
        celery_app.send_task(task_name, args=args, retry=False, **options)
    except Exception:  # kombu raises many types for an unreachable broker
        log.warning("broker unreachable; %s%r left for the sweeper", task_name, args, exc_info=True)
        return False
    return True


AFTER_COMMIT = "hotline.enqueue_after_commit"


def enqueue_after_commit(session: Session, task_name: str, *args, **options) -> None:
    """Send ``task_name`` once ``session``'s transaction has committed (never if it rolls back)."""
    session.info.setdefault(AFTER_COMMIT, []).append((task_name, args, options))


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    for task_name, args, options in session.info.pop(AFTER_COMMIT, ()):
        enqueue(task_name, *args, **options)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)
