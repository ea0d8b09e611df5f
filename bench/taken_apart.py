"""The hotline with part of its work taken out, to see under load what that part costs.

For measuring only, never a way to run the hotline. gunicorn loads these instead of ``wsgi:app``:

- ``bench.taken_apart:voice_without_database()`` (``bench/webhooks.py --app no-database``): the voice
  webhooks answer as for a caller never seen (no saved language) and keep no record (no call row,
  no events);
- ``taken_apart:sms('no-database')`` (``bench/webhooks_sms.py --app no-database``): the whole SMS
  answer, but the conversation is never read (every message finds a number never seen) and the
  log is never written (what the reply promises still is);
- ``taken_apart:sms('no-read')`` (``bench/webhooks_sms.py --app no-read``): as the real app, log and
  all, but the conversation is never read (every message finds a number never seen);
- ``taken_apart:sms('signature')`` (``--app signature``): ``/twilio/sms`` answers the bare
  endpoint's constant reply after the signature check alone, what every Twilio webhook pays
  before doing anything.
"""

from flask import Response

from hotline import create_app


class _NoLanguages:
    """The saved languages, knowing none."""

    def get(self, engine, number):
        return None


class _NoRecords:
    """Call records, or an SMS log, that keep nothing."""

    def add(self, *args, **kwargs):
        pass

    add_call = set_language = add

    def flush(self):
        return 0


class _NeverSeen:
    """A conversation read that finds nothing."""

    def one(self, engine, params):
        from hotline.sms.models import SmsConversation

        return {column.key: None for column in SmsConversation.__table__.columns} | {"logged_id": None}


def voice_without_database():
    app = create_app()
    app.extensions["caller_languages"] = _NoLanguages()
    app.extensions["voice"].events = _NoRecords()
    return app


def sms(variant: str):
    from hotline.twilio import twilio_request

    app = create_app()
    if variant == "signature":
        from webhooks_sms import bare_app  # bench/, beside this file (gunicorn runs there)

        reply = bare_app().view_functions["sms"]().get_data(as_text=True)

        @twilio_request
        def constant():
            return Response(reply, mimetype="text/xml")

        app.view_functions["sms.incoming"] = constant
    elif variant == "no-database":
        engine = app.extensions["sms"]
        engine.reader, engine.log = _NeverSeen(), _NoRecords()
    elif variant == "no-read":
        app.extensions["sms"].reader = _NeverSeen()
    else:
        raise ValueError(f"unknown variant {variant!r}")
    return app
