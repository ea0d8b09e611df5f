"""Settings, read once from the environment when the app is created.

Nothing else in the code reads ``os.environ``: views and tasks read ``current_app.config``.
Every setting has a default that needs no server, so a new machine runs the hotline as it is.
"""

import os
from pathlib import Path

import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"

#: Environment variables the app reads, with their defaults (documented in the README).
DEFAULTS = {
    # "production" refuses to start while a setting below is left at what this public code says
    # (production_problems); "development" (the default) runs on the defaults as they are
    "HOTLINE_ENV": "development",
    "DATABASE_URL": f"sqlite:///{VAR / 'hotline.db'}",
    # seconds to wait for PostgreSQL to accept a connection: a database that is down or unreachable
    # fails the webhook (an apology from memory) well inside Twilio's 15 s, instead of psycopg's 130 s
    "DATABASE_CONNECT_TIMEOUT": "3",
    # kombu's SQLAlchemy transport: a real broker in a file, no server to install.
    "CELERY_BROKER_URL": f"sqla+sqlite:///{VAR / 'broker.db'}",
    "SECRET_KEY": "dev-only-change-me",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "dev-auth-token",
    "TWILIO_API_BASE": "https://api.twilio.com",
    # seconds a REST call to Twilio may take (connect and each read) before the task gives up on it
    "TWILIO_REST_TIMEOUT": "10",
    "PUBLIC_BASE_URL": "",
    # who may read /healthz's detail (Authorization: Bearer <token>); empty: nobody, only ok or not
    "HEALTHZ_TOKEN": "",
    # the hotline's own number, for SMS not sent in reply to a call or a message
    "TWILIO_SMS_FROM": "",
    # operators: who "0" rings, and when; outside these hours callers leave a message
    "OPERATOR_NUMBERS": "",
    "OPERATOR_HOURS": "mon-fri 09:00-18:00",
    "OPERATOR_TIMEZONE": "Asia/Bishkek",
    "OPERATOR_DIAL_SECONDS": "20",
    "VOICEMAIL_MAX_SECONDS": "120",
    # where rendered prompt audio is kept (shared storage when several machines serve calls)
    "AUDIO_DIR": str(VAR / "audio"),
    # speech engines per language, in order of preference (a recording always wins)
    "AUDIO_ENGINES_KY": "recorded,espeak",
    "AUDIO_ENGINES_RU": "recorded,gtts,espeak",
    "GTTS_BASE_URL": "https://translate.google.com",
    # SMS replies
    "SMS_MAX_SEGMENTS": "2",
    "SMS_REPLIES_PER_HOUR": "10",
    "SMS_MENU_HOURS": "4",
    # callbacks: when and how often the hotline calls people back
    "CALLBACK_HOURS": "mon-sat 09:00-20:00",
    "CALLBACK_DEFAULT_TIMEZONE": "Asia/Bishkek",
    "CALLBACK_RETRY_MINUTES": "15,30,60",
    "CALLBACK_MAX_ATTEMPTS": "3",
    "CALLBACK_DAILY_CAP": "3",
    "CALLBACK_CLAIM_SECONDS": "300",
    "TWILIO_CALLS_PER_SECOND": "1",
    "TWILIO_CALLER_ID": "",
    # the countries (calling codes) whose mobile and fixed numbers the hotline calls back and texts:
    # Kyrgyzstan, and Russia and Kazakhstan (both +7); see hotline.phones.why_not_served
    "CALLBACK_COUNTRIES": "996,7",
    # caps against abuse (hotline.caps), each counted exactly across processes; 0 refuses them all.
    # New callback requests an hour, all numbers together. At the national peak (700,000 abroad, 1 %
    # calling a day: 7,000 calls) with one in ten asking to be called back, ~700 a day and 60–70 in
    # the busiest hour; 200 is three times that, and bounds what a flood of spoofed caller IDs can
    # make the hotline dial to 200 × CALLBACK_MAX_ATTEMPTS calls an hour
    "CALLBACK_HOURLY_CAP": "200",
    # SMS one call may ask for (the "by SMS" key, verdicts): a call covers a topic or two
    "SMS_PER_CALL": "3",
    # SMS queued to one number in a UTC day (not the replies to its own texts: SMS_REPLIES_PER_HOUR)
    "SMS_PER_NUMBER_DAILY": "10",
}


class SettingError(ValueError):
    """A setting that cannot be understood; named in the message."""


def settings_from_env(environ=os.environ) -> dict:
    """Return the Flask config taken from ``environ`` (defaults where a variable is unset).

    Raises :class:`SettingError` for a setting that cannot be read (the app refuses to start).
    """
    values = {name: environ.get(name) or default for name, default in DEFAULTS.items()}
    if values["HOTLINE_ENV"] not in ("development", "production"):
        raise SettingError(f"HOTLINE_ENV must be development or production, not {values['HOTLINE_ENV']!r}")
    if values["HOTLINE_ENV"] == "production" and production_problems(values):
        raise SettingError("HOTLINE_ENV=production, but " + "; ".join(production_problems(values)))
    if values["PUBLIC_BASE_URL"] and values["TWILIO_AUTH_TOKEN"] == DEFAULTS["TWILIO_AUTH_TOKEN"]:
        # the placeholder is in this public code: with it, anyone could sign a webhook to a deployment
        raise SettingError("TWILIO_AUTH_TOKEN is not set, and PUBLIC_BASE_URL is: a hotline that Twilio "
                           "reaches checks signatures with the account's own auth token")
    return {
        "HOTLINE_ENV": values["HOTLINE_ENV"],
        "SECRET_KEY": values["SECRET_KEY"],
        # werkzeug's limits: a Twilio form is a few hundred bytes (an SMS of 1,600 Cyrillic letters,
        # percent-encoded, under 10 KB); past these a request is answered 413 before it is parsed
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(values["DATABASE_URL"]),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(values["DATABASE_URL"], int(values["DATABASE_CONNECT_TIMEOUT"])),
        "CELERY": {
            "broker_url": values["CELERY_BROKER_URL"],
            # The database is the truth for every job; task results are never read.
            "task_ignore_result": True,
            "broker_connection_retry_on_startup": True,
            "beat_schedule": {
                "heartbeat": {"task": "tasks.health.heartbeat", "schedule": 60.0},
                "sweep": {"task": "tasks.sweeper.sweep", "schedule": 60.0},
                "callbacks": {"task": "tasks.callbacks.dispatch", "schedule": 10.0},  # claims due callbacks
            },
        },
        "TWILIO_ACCOUNT_SID": values["TWILIO_ACCOUNT_SID"],
        "TWILIO_AUTH_TOKEN": values["TWILIO_AUTH_TOKEN"],
        "TWILIO_API_BASE": values["TWILIO_API_BASE"].rstrip("/"),
        "TWILIO_REST_TIMEOUT": float(values["TWILIO_REST_TIMEOUT"]),
        "PUBLIC_BASE_URL": values["PUBLIC_BASE_URL"].rstrip("/"),
        "HEALTHZ_TOKEN": values["HEALTHZ_TOKEN"],
        "TWILIO_SMS_FROM": values["TWILIO_SMS_FROM"],
        "OPERATOR_NUMBERS": values["OPERATOR_NUMBERS"],
        "OPERATOR_HOURS": values["OPERATOR_HOURS"],
        "OPERATOR_TIMEZONE": values["OPERATOR_TIMEZONE"],
        "OPERATOR_DIAL_SECONDS": int(values["OPERATOR_DIAL_SECONDS"]),
        "VOICEMAIL_MAX_SECONDS": int(values["VOICEMAIL_MAX_SECONDS"]),
        "AUDIO_DIR": values["AUDIO_DIR"],
        "AUDIO_ENGINES": {"ky": _list(values["AUDIO_ENGINES_KY"]), "ru": _list(values["AUDIO_ENGINES_RU"])},
        "GTTS_BASE_URL": values["GTTS_BASE_URL"].rstrip("/"),
        "SMS_MAX_SEGMENTS": int(values["SMS_MAX_SEGMENTS"]),
        "SMS_REPLIES_PER_HOUR": int(values["SMS_REPLIES_PER_HOUR"]),
        "SMS_MENU_HOURS": float(values["SMS_MENU_HOURS"]),
        "CALLBACK_HOURS": values["CALLBACK_HOURS"],
        "CALLBACK_DEFAULT_TIMEZONE": values["CALLBACK_DEFAULT_TIMEZONE"],
        "CALLBACK_RETRY_MINUTES": [int(m) for m in _list(values["CALLBACK_RETRY_MINUTES"])],
        "CALLBACK_MAX_ATTEMPTS": int(values["CALLBACK_MAX_ATTEMPTS"]),
        "CALLBACK_DAILY_CAP": int(values["CALLBACK_DAILY_CAP"]),
        "CALLBACK_CLAIM_SECONDS": int(values["CALLBACK_CLAIM_SECONDS"]),
        "TWILIO_CALLS_PER_SECOND": float(values["TWILIO_CALLS_PER_SECOND"]),
        "TWILIO_CALLER_ID": values["TWILIO_CALLER_ID"],
        "CALLBACK_COUNTRIES": country_codes(values["CALLBACK_COUNTRIES"]),
        **{cap: whole_number(values[cap], cap) for cap in ("CALLBACK_HOURLY_CAP", "SMS_PER_CALL", "SMS_PER_NUMBER_DAILY")},
        "DIRECTORY_CACHE_SECONDS": 1.0,  # how soon a process sees a directory change (one primary-key read)
    }


def production_problems(values: dict) -> list[str]:
    """What a deployment must never leave at its default, each named: the secrets this public code
    holds, and the address Twilio signs (without it the signed URL would come from the client's Host)."""
    problems = [f"{name} is left at its development default" for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN")
                if values[name] == DEFAULTS[name]]
    if not values["PUBLIC_BASE_URL"].startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be the https:// address Twilio calls")
    return problems


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def whole_number(text: str, setting: str) -> int:
    """A whole number of 0 or more; :class:`SettingError` naming ``setting`` for anything else."""
    if not (text.strip().isascii() and text.strip().isdigit()):
        raise SettingError(f"{setting}={text!r}: expected a whole number of 0 or more, e.g. '10'")
    return int(text)


def country_codes(text: str, setting: str = "CALLBACK_COUNTRIES") -> tuple[int, ...]:
    """``"996,7"`` → ``(996, 7)``: country calling codes (a ``+`` is allowed), each one of a country;
    :class:`SettingError` for anything else (``882``, the international networks, is no country)."""
    codes = []
    for part in _list(text):
        digits = part.removeprefix("+")
        regions = phonenumbers.region_codes_for_country_code(int(digits)) if digits.isdigit() else ()
        if not regions or phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY in regions:
            raise SettingError(f"{setting}={text!r}: {part!r} is not a country calling code; "
                               "expected codes separated by commas, e.g. '996,7'")
        codes.append(int(digits))
    if not codes:
        raise SettingError(f"{setting}={text!r}: expected country calling codes, e.g. '996,7'")
    return tuple(codes)


def engine_options(url: str, connect_timeout: int) -> dict:
    """How the app holds its database connections. ``pool_pre_ping``: a pooled connection the database
    dropped (a restart, a failover, an outage) is replaced before a request uses it, so the first
    caller after the database returns is answered, not apologised to. PostgreSQL only: give up
    connecting after ``connect_timeout`` seconds (libpq's minimum is 2)."""
    options: dict = {"pool_pre_ping": True}
    if url.startswith(("postgres://", "postgresql")):
        options["connect_args"] = {"connect_timeout": connect_timeout}
    return options


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (``postgresql://``)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
