"""``GET /audio/<name>``: cache files with year-long immutable caching, an ETag, 304s; 404 otherwise."""

import io
import wave
from pathlib import Path

import pytest

from hotline.prompts import render


def fetch(client, path: str, method: str = "GET", **kwargs):
    """The response, read and closed (a file response holds its file open until closed)."""
    response = client.open(path, method=method, **kwargs)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def served(audio_app):
    """An app whose cache holds ``main.menu`` in Kyrgyz, rendered for real; (app, client, file name)."""
    app = audio_app()
    with app.app_context():
        text = app.extensions["voice"].speech.catalogue.text("ky", "main.menu")
        assert render.render_one("ky", "main.menu", text).rendered == 1
        name = render.audio_cache().lookup("ky", "main.menu", text)
    return app, app.test_client(), name


def test_a_cache_file_is_served_for_good(served):
    app, client, name = served
    response = fetch(client, f"/audio/{name}")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=31536000", "immutable"}
    # the ETag is the content hash in the name: the same on every machine serving the directory
    assert response.headers["ETag"] == f'"{name[3:-4]}"'
    assert response.data == (Path(app.config["AUDIO_DIR"]) / name).read_bytes()
    with wave.open(io.BytesIO(response.data), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() / wav.getframerate() > 3  # the main menu is a long prompt


def test_if_none_match_gets_304_with_the_same_headers(served):
    _, client, name = served
    etag = fetch(client, f"/audio/{name}").headers["ETag"]
    response = fetch(client, f"/audio/{name}", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert "immutable" in response.headers["Cache-Control"]
    assert fetch(client, f"/audio/{name}", headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_and_range_requests(served):
    _, client, name = served
    head = fetch(client, f"/audio/{name}", "HEAD")
    assert head.status_code == 200 and head.data == b""
    length = int(head.headers["Content-Length"])
    part = fetch(client, f"/audio/{name}", headers={"Range": "bytes=0-43"})  # the WAV header alone
    assert part.status_code == 206 and part.data[:4] == b"RIFF" and len(part.data) == 44
    assert part.headers["Content-Range"] == f"bytes 0-43/{length}"


@pytest.mark.parametrize("path", [
    "/audio/ky-000000000000000000000000.wav",  # a cache name, but no such file
    "/audio/manifest.json",
    "/audio/.manifest.lock",
    "/audio/../manifest.json",
    "/audio/..%2Fmanifest.json",
    "/audio/%2e%2e/%2e%2e/hotline/config.py",
    "/audio/..%2F..%2Fpyproject.toml",
    "/audio//etc/passwd",
    "/audio/%2Fetc%2Fpasswd",
    "/audio/ky/../../pyproject.toml",
    "/audio/",
])
def test_anything_else_is_404(served, path):
    _, client, _ = served
    # followed: Werkzeug answers "//" with a redirect to the single-slash path first
    assert fetch(client, path, follow_redirects=True).status_code == 404


def test_names_that_are_nearly_cache_names_are_404(served):
    app, client, name = served
    directory = Path(app.config["AUDIO_DIR"])
    (directory / f"{name}.bak").write_bytes(b"not for you")
    (directory / "notes.wav").write_bytes(b"not for you")
    for other in (f"{name}.bak", "notes.wav", name.upper(), name[:-4] + ".WAV", f"{name}/", f"x/../{name}"):
        assert fetch(client, f"/audio/{other}").status_code == 404, other
