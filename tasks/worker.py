"""The Celery worker and beat entry point: ``celery -A tasks.worker worker`` / ``... beat``.

It only calls the factory; the task modules are listed in ``TASK_MODULES``.
"""

from hotline import create_app

TASK_MODULES = ["tasks.health", "tasks.sms", "tasks.sweeper", "tasks.callbacks", "tasks.audio"]

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.include = TASK_MODULES
