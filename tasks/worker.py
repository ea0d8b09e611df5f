"""The Celery worker and beat entry point: ``celery -A tasks.worker worker`` / ``... beat``.

It only calls the factory; the task modules are listed in ``TASK_MODULES``.
"""

from hotline import create_app

TASK_MODULES = ["tasks.health", "tasks.sms", "tasks.sweeper", "tasks.callbacks", "tasks.audio"]

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.include = TASK_MODULES
# a worker waits for its broker, with Celery's retries and timeouts (a web process does not:
# hotline.celery_app.fail_fast)
celery_app.conf.broker_transport_options = {}
celery_app.conf.broker_connection_timeout = 4.0
