"""Celery tasks: thin wrappers that take ids and call plain functions in ``hotline`` and ``audio``.

Start a worker with ``celery -A tasks.worker worker`` (see the README); nothing here builds an app.
"""
