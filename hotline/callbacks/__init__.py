"""Callback requests: recorded from menus, SMS, missed calls and the fallback URL; dispatched by Celery."""

from hotline.callbacks import models  # noqa: F401  (the tables, for migrations)


def init_app(app) -> None:
    """Register the missed-call webhook, the outbound callback TwiML and the dispatcher's settings."""
