"""Audio render tasks: thin wrappers over :mod:`hotline.prompts.render`, so the cache catches up.

A call that finds no audio says the words with ``<Say>`` and enqueues ``render``; a directory
seed that changed offices enqueues ``render_offices``. Either renders into the shared cache, and
the next call plays the file.
"""

from celery import shared_task

from hotline.prompts import render as prompts


@shared_task(name="tasks.audio.render")
def render(lang: str, key: str, text: str) -> dict:
    """Render one utterance (a prompt id or ``office:<code>[:intl]`` and its words) into the cache."""
    return prompts.summary_dict(prompts.render_one(lang, key, text))


@shared_task(name="tasks.audio.render_offices")
def render_offices(codes: list[str] | None = None) -> dict:
    """Render the spoken rows of these offices (every active one when None), both languages."""
    return prompts.summary_dict(prompts.render_offices(codes))
