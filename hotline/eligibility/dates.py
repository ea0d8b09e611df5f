"""Calendar arithmetic for rules, and how numbers and dates are written in a verdict.

Months follow the civil-law habit: a term of N months ends on the same date N months later, or on
the last day of that month when it is shorter (31 August + 6 months = 28 February).
"""

import datetime as dt
from fractions import Fraction

INF = float("inf")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Aug + 6 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return dt.date(year, month + 1, min(day.day, (following - dt.timedelta(days=1)).day))


def shift_months(ordinal, months):
    """A day ordinal moved by whole months; an infinite bound (an unknown date) stays infinite."""
    if abs(ordinal) == INF or abs(months) == INF:
        return ordinal if abs(ordinal) == INF else months
    if months != int(months):
        raise ValueError(f"add_months needs whole months, got {months}")
    try:
        return add_months(dt.date.fromordinal(int(ordinal)), int(months)).toordinal()
    except (ValueError, OverflowError):
        return INF if months > 0 else -INF


def months_since(ordinal, today: dt.date):
    """Whole months from a day to today (the largest n with that day + n months ≤ today)."""
    if abs(ordinal) == INF:
        return -ordinal  # since the beginning of time: infinitely many; since the end: minus that
    day = dt.date.fromordinal(int(ordinal))
    months = (today.year - day.year) * 12 + today.month - day.month
    while add_months(day, months) > today:
        months -= 1
    while add_months(day, months + 1) <= today:
        months += 1
    return months


def whole(months, per: int):
    """Whole years (per=12) or months; infinities stay infinite."""
    return months if abs(months) == INF else months // per


def format_number(value) -> str:
    """Whole numbers as digits, others with a decimal comma and at most two places ("2,6")."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def format_date(day: dt.date) -> str:
    """Dates as Kyrgyz and Russian write them: 01.03.2024."""
    return day.strftime("%d.%m.%Y")
