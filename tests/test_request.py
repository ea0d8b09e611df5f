"""The app's request class: urlencoded forms parsed by hand, exactly as werkzeug would, within Flask's limits."""

from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Flask, request

from hotline.request import HotlineRequest, WebhookForm, parse_urlencoded

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
    # escaped separators: "a&b=c" as a value, "x=y" as a name (one by field, not the body whole)
    b"Body=a%26b%3Dc&x%3dy=1&From=%2B996555123456",
    b"a=%D0&b=%B1",  # half a letter on either side of a separator
    b"a=%&41=x&c=%2",  # a "%" without two hex digits, before a separator and at the end
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


def test_a_limit_set_on_the_request_wins_over_the_config(echo):
    """Flask 3.1 lets a view lower its own limits; the hand-parsed form honours them too."""
    app = echo.application

    @app.before_request
    def tighter():
        if request.path == "/form" and request.args.get("tight"):
            request.max_content_length = 10

    assert echo.post("/form?tight=1", data={"Body": "JARDAM TALAS"}).status_code == 413
    assert echo.post("/form", data={"Body": "JARDAM TALAS"}).json["form"] == [["Body", "JARDAM TALAS"]]


def test_multipart_goes_to_werkzeug(echo):
    import io

    echo.application.config["MAX_FORM_MEMORY_SIZE"] = None  # multipart counts its boundaries too
    response = echo.post("/form", data={"Body": "hi", "file": (io.BytesIO(b"x"), "a.txt")},
                         content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    assert response.json["form"] == [["Body", "hi"]] and response.json["files"] == ["file"]


@pytest.mark.parametrize("pairs", [
    [],
    [("CallSid", "CA1"), ("From", "+996555123456"), ("Digits", "3")],
    [("Body", "бала ош"), ("MessageSid", "SM1"), ("Body", "again"), ("Body", "again")],  # repeated names
    [("b", "2"), ("a", "1"), ("ab", ""), ("A", "0")],
])
def test_our_signature_is_the_twilio_librarys(pairs):
    from twilio.request_validator import RequestValidator

    from hotline.twilio import compute_signature

    url = "https://hotline.example/twilio/sms?l=ky"
    form = WebhookForm(pairs)
    expected = RequestValidator("token").compute_signature(url, form)
    assert compute_signature("token", url, form) == expected
    assert compute_signature("token", url, dict(pairs)) == RequestValidator("token").compute_signature(url, dict(pairs))


def test_the_webhook_form_gets_like_a_multidict():
    form = WebhookForm([("Digits", "3"), ("Digits", "4"), ("To", "")])
    assert form.get("Digits") == "3" and form.get("Digits", type=int) == 3
    assert form.get("Body") is None and form.get("Body", "") == "" and form.get("To", "x") == ""
    assert form.get("Digits", 0, type=lambda v: int("x")) == 0
    assert form.getlist("Digits") == ["3", "4"]


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
    "Application/X-WWW-Form-Urlencoded",
])
def test_the_type_may_carry_a_charset_or_capitals(echo, content_type):
    response = echo.post("/form", data="Body=%D0%B1%D0%B0%D0%BB%D0%B0&Digits=3", content_type=content_type)
    assert sorted(response.json["form"]) == [["Body", "бала"], ["Digits", "3"]]


def test_a_body_without_a_length_is_werkzeugs(echo):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(method="POST", path="/form", data=b"Body=x",
                             content_type="application/x-www-form-urlencoded").get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True  # as a server does for a chunked body
    with echo.application.request_context(environ):
        from flask import request as current

        assert current.form.to_dict() == {"Body": "x"} and not isinstance(current.form, WebhookForm)
