"""The Flask side of the prompt audio: ``flask audio build``, ``GET /audio/<name>``, render tasks."""


def init_app(app) -> None:
    """Register the audio route and the ``flask audio`` commands."""
