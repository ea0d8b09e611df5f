"""The yardstick: a bare Flask endpoint answering constant TwiML, served exactly like the hotline."""

from flask import Flask, Response

app = Flask(__name__)
TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/twilio/voice/flow/main/menu?l=ky" '
         'numDigits="1" timeout="7" finishOnKey=""><Say language="ru-RU">Негизги меню.</Say></Gather></Response>')


@app.post("/<path:anything>")
def constant(anything):
    return Response(TWIML, mimetype="text/xml")
