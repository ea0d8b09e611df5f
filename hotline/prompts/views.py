"""``GET /audio/<name>``: the rendered prompts, served so Twilio (and any CDN) caches them for good.

A file's name is a hash of what made it (engine, voice, text), so its bytes never change: a year
of ``immutable`` caching is safe, and new words come with a new name. The ETag is that hash too,
so it is the same on every machine that serves the shared audio directory (Werkzeug's default
ETag mixes in the file's mtime, which differs between machines).
"""

from flask import Blueprint, abort, current_app, send_file
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600
MIMETYPE = "audio/wav"  # every cache file is an 8 kHz WAV; Python's mimetypes would say audio/x-wav

bp = Blueprint("audio", __name__)


# <path:…> so that names with slashes reach the cache's check (and get its 404) like any other.
@bp.get("/audio/<path:name>")
def audio_file(name: str) -> Response:
    """The cache file ``name``; 404 for anything else (other names, ``..``, the manifest)."""
    path = current_app.extensions["audio_cache"].path(name)
    if path is None:
        abort(404)
    digest = path.stem.partition("-")[2]  # ky-<hash>.wav
    response = send_file(path, mimetype=MIMETYPE, conditional=True, etag=digest, max_age=ONE_YEAR)
    response.cache_control.immutable = True
    return response
