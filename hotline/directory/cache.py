"""The directory as the webhooks read it: answers memoised per process, dropped when data changes.

A webhook asks for "legal aid in Osh oblast" many times a second; the answer changes only when
``flask seed`` or an operator edits the directory, and each of those raises the directory's version
number (:class:`~hotline.directory.models.DirectoryVersion`) in the same transaction. So answers are
computed once with the shared queries and kept as plain frozen views, and the version is read (one
row, by primary key) at most every ``DIRECTORY_CACHE_SECONDS``: a process drops what it holds within
that time of a change. This is read-only data; no caller's state is kept here.
"""

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hotline.directory.models import DirectoryVersion, Office
from hotline.directory.queries import find_offices
from hotline.extensions import db


@dataclass(frozen=True)
class PhoneView:
    number: str  # E.164, or a short number as dialled
    printed: str
    short: bool
    fax: bool
    label_ky: str | None
    label_ru: str | None
    country: str = "KG"  # where the number rings: a short number works only from a phone there


@dataclass(frozen=True)
class OfficeView:
    """What the channels need of an office, detached from the database session."""

    code: str
    kind: str
    name_ky: str
    name_ru: str
    short_ky: str | None
    short_ru: str | None
    address_ky: str | None
    address_ru: str | None
    website: str | None
    hours: object
    help_ky: str | None
    help_ru: str | None
    verified: bool
    network: str | None
    phones: tuple[PhoneView, ...]

    def name(self, lang: str) -> str:
        """The short name in ``lang`` (the full name where there is no short one)."""
        return (self.short_ru or self.name_ru) if lang == "ru" else (self.short_ky or self.name_ky)

    def address(self, lang: str) -> str | None:
        return self.address_ru if lang == "ru" else self.address_ky

    def callable_phones(self) -> tuple[PhoneView, ...]:
        """Numbers a person can ring (faxes left out)."""
        return tuple(p for p in self.phones if not p.fax)


@dataclass(frozen=True)
class MatchView:
    offices: tuple[OfficeView, ...]
    scope: str  # place | region | fallback | national
    region: str | None


def office_view(office: Office) -> OfficeView:
    phones = tuple(PhoneView(p.number, p.printed, p.short, p.fax, p.label_ky, p.label_ru, p.country)
                   for p in office.phones)
    return OfficeView(
        code=office.code, kind=office.kind, name_ky=office.name_ky, name_ru=office.name_ru,
        short_ky=office.short_ky, short_ru=office.short_ru, address_ky=office.address_ky,
        address_ru=office.address_ru, website=office.website, hours=office.hours,
        help_ky=office.help_ky, help_ru=office.help_ru, verified=office.verified,
        network=office.network, phones=phones,
    )


class DirectoryCache:
    """Directory answers for this process, refreshed when the directory changes."""

    def __init__(self, check_seconds: float = 2.0):
        self.check_seconds = check_seconds
        self._checked_at = float("-inf")
        self._version = None
        self._answers: dict = {}

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds:
            return
        version = db.session.scalar(select(DirectoryVersion.version).where(DirectoryVersion.id == 1))
        self._checked_at = now
        if version != self._version:
            self._version, self._answers = version, {}

    def version(self) -> int | None:
        """Changes whenever the directory does (checked at most every ``check_seconds``)."""
        self._fresh()
        return self._version

    def find(self, topic: str, region: str | None = None, place: str | None = None) -> MatchView:
        """:func:`hotline.directory.queries.find_offices`, memoised."""
        self._fresh()
        key = ("find", topic, region, place)
        if key not in self._answers:
            match = find_offices(db.session, topic, region, place)
            self._answers[key] = MatchView(tuple(office_view(o) for o in match.offices), match.scope,
                                           match.region.code if match.region else None)
        return self._answers[key]

    def offices(self, codes: tuple[str, ...]) -> tuple[OfficeView, ...]:
        """The active offices with these codes, in the order given (unknown codes are left out)."""
        self._fresh()
        key = ("codes", codes)
        if key not in self._answers:
            rows = db.session.scalars(
                select(Office).where(Office.code.in_(codes), Office.active.is_(True))
                .options(selectinload(Office.phones))
            ).all()
            by_code = {row.code: office_view(row) for row in rows}
            self._answers[key] = tuple(by_code[c] for c in codes if c in by_code)
        return self._answers[key]
