"""The hotline with its database work taken out, to see under load what that work costs.

For measuring only (``bench/webhooks.py --app no-database``), never a way to run the hotline: the
voice webhooks answer as for a caller never seen (no saved language is read) and keep no record
(no call row, no events). gunicorn loads ``bench.taken_apart:voice_without_database()``.
"""

from hotline import create_app


class _NeverSeen:
    """The saved languages, knowing none."""

    def get(self, engine, number):
        return None


class _NoRecords:
    """Call records that keep nothing."""

    def add(self, *args, **kwargs):
        pass

    add_call = set_language = add

    def flush(self):
        return 0


def voice_without_database():
    app = create_app()
    app.extensions["caller_languages"] = _NeverSeen()
    app.extensions["voice"].events = _NoRecords()
    return app
