"""The Flask side of the prompt audio: ``flask audio build``, ``GET /audio/<name>``, render tasks.

The pure work (catalogue, engines, the content-hash cache) is in :mod:`audio`, which knows nothing
of Flask; this package feeds it what the app says (prompts and directory rows) and serves the files.
"""

from flask import Flask

from audio.cache import AudioCache


def init_app(app: Flask) -> None:
    """Register the audio route and the ``flask audio`` commands."""
    from hotline.prompts.cli import audio_cli
    from hotline.prompts.views import bp

    # One cache object per app: the one the voice channel looks prompts up in, when it has one.
    voice = app.extensions.get("voice")
    app.extensions["audio_cache"] = getattr(voice, "audio", None) or AudioCache(app.config["AUDIO_DIR"])
    app.register_blueprint(bp)
    app.cli.add_command(audio_cli)
