"""The app's request class: urlencoded forms parsed by hand, exactly as werkzeug would, within Flask's limits."""

from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Flask, request

from hotline.request import HotlineRequest, parse_urlencoded

BODIES = [
    b"",
    b"a=1",
    b"a=1&b=2&a=3",
    b"Body=%D0%B1%D0%B0%D0%BB%D0%B0+%D0%BE%D1%88&From=%2B996555123456",  # "бала ош", "+996…"
    b"Body=Jardam++talas%21&To=",
    b"flag&empty=&=nameless",
    b"a=1&&b=2&",
    b"Body=100%25+sure",
    b"Body=%ZZbroken%2",  # not an escape: kept as typed
    b"Body=%FF%FE",  # not UTF-8
    urlencode({"Body": "Ө ү ң ё — 😀", "MessageSid": "SM" + "0" * 32}).encode(),
]


@pytest.mark.parametrize("body", BODIES)
def test_parse_urlencoded_agrees_with_the_standard_library(body):
    expected = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
    assert parse_urlencoded(body) == expected


@pytest.fixture
def echo():
    app = Flask(__name__)
    app.request_class = HotlineRequest
    app.config.update(MAX_CONTENT_LENGTH=1000, MAX_FORM_MEMORY_SIZE=200)

    @app.post("/form")
    def form():
        return {"form": list(request.form.items(multi=True)), "files": sorted(request.files),
                "data": request.get_data(as_text=True)}

    @app.post("/data-first")
    def data_first():
        raw = request.get_data(cache=True, as_text=True)
        return {"raw": raw, "form": request.form.to_dict()}

    return app.test_client()


def test_a_webhook_form_is_read_whole_and_the_stream_left_empty(echo):
    response = echo.post("/form", data={"Body": "бала ош", "From": "+996555123456"})
    assert response.status_code == 200
    assert sorted(response.json["form"]) == [["Body", "бала ош"], ["From", "+996555123456"]]
    assert response.json["files"] == [] and response.json["data"] == ""


def test_the_body_read_first_is_parsed_from_the_cache(echo):
    response = echo.post("/data-first", data={"Body": "JARDAM"})
    assert response.json == {"raw": "Body=JARDAM", "form": {"Body": "JARDAM"}}


def test_a_body_past_the_memory_limit_is_parsed_by_werkzeug(echo):
    response = echo.post("/form", data={"Body": "ж" * 50})  # 305 bytes: over 200, under 1000
    assert response.json["form"] == [["Body", "ж" * 50]]


def test_a_body_past_max_content_length_is_413(echo):
    assert echo.post("/form", data={"Body": "x" * 1200}).status_code == 413


def test_multipart_goes_to_werkzeug(echo):
    import io

    echo.application.config["MAX_FORM_MEMORY_SIZE"] = None  # multipart counts its boundaries too
    response = echo.post("/form", data={"Body": "hi", "file": (io.BytesIO(b"x"), "a.txt")},
                         content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    assert response.json["form"] == [["Body", "hi"]] and response.json["files"] == ["file"]
