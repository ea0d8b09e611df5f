"""Counters of the abuse caps: one row a cap, a subject and a window, counted up in one statement."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db


class CapCounter(db.Model):
    """How many times ``cap`` was used for ``subject`` in the window starting at ``window_start``.

    Uses past the limit are counted too (and refused): a count over the limit is a cap that has
    tripped, which /healthz reports and the log said once.
    """

    __tablename__ = "cap_counters"

    # the primary key serves the increment (one row) and /healthz (a cap's current window)
    cap: Mapped[str] = mapped_column(String(40), primary_key=True)  # the setting: CALLBACK_HOURLY_CAP …
    window_start: Mapped[datetime] = mapped_column(primary_key=True)  # UTC: the hour's or the day's start
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # a CallSid, an E.164 number, or ""
    count: Mapped[int] = mapped_column()
