"""Callers' numbers on the console's pages: masked for operators, full for administrators (and for
the operator on the callback they are working), each full one noted for the audit log."""

from functools import lru_cache

import phonenumbers
from flask_login import current_user
from markupsafe import Markup

from hotline.console.audit import revealed

HIDDEN = "•"


@lru_cache(maxsize=8192)
def _parts(number: str) -> tuple[str, str]:
    """``+996555123456`` → ``("+996", "555123456")``: the country code and the national number."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return "", number.lstrip("+")
    return f"+{parsed.country_code}", phonenumbers.national_significant_number(parsed)


def _grouped(country: str, national: str) -> str:
    groups = [national[:3], national[3:6], national[6:]]
    return " ".join(part for part in [country, *groups] if part)


def full(number: str) -> str:
    """``+996 555 123 456``."""
    return _grouped(*_parts(number))


def masked(number: str) -> str:
    """``+996 555 ••• •56``: the country, the operator's prefix and the last two digits."""
    country, national = _parts(number)
    hidden = "".join(digit if index < 3 or index >= len(national) - 2 else HIDDEN
                     for index, digit in enumerate(national))
    return _grouped(country, hidden)


def show_number(number: str | None, working: bool = False) -> Markup | str:
    """A number as this user may see it: full for an administrator, or when ``working`` (the
    operator's own open callback); masked otherwise. A full one is written to the audit log."""
    if not number:
        return ""
    if current_user.is_authenticated and (current_user.is_admin or working):
        revealed(number)
        return Markup('<span class="number full">{}</span>').format(full(number))
    return Markup('<span class="number">{}</span>').format(masked(number))
