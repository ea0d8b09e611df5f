"""Directory queries every channel shares (voice menus, SMS replies, console pages).

The building blocks return ``select()``s; :func:`find_offices` runs them along the fallback chain
(place → region → the region's fallback → national) and says where it found its answer.
"""

from dataclasses import dataclass

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, selectinload

from hotline.directory.models import Office, Place, Region, Topic
from hotline.text import fold

# What a caller can act on first: a line to ring, an office network, offices, a department's
# trust phone (it takes complaints, not cases), then websites.
_RANK = case(
    (Office.kind.in_(("hotline", "emergency")), 0),
    (Office.network.is_not(None), 1),
    (Office.kind == "justice_department", 3),
    (Office.kind == "website", 4),
    else_=2,
)


def offices_query(topic: str, *, region: str | None = None, place: str | None = None,
                  national: bool = False, country: str = "KG") -> Select:
    """Active offices serving ``topic`` in one scope: a place, a region, or (``national``) the country.

    Ordered by what a caller can act on first, verified rows before unverified ones, then in the
    order of the source document.
    """
    query = (
        select(Office)
        .join(Office.topics)
        .where(Topic.code == topic, Office.active.is_(True), Office.country == country)
        .options(selectinload(Office.phones), selectinload(Office.place), selectinload(Office.region))
        .order_by(_RANK, Office.verified.desc(), Office.id)
    )
    if place is not None:
        query = query.join(Office.place).where(Place.code == place)
    elif region is not None:
        query = query.join(Office.region).where(Region.code == region)
    elif national:
        query = query.where(Office.region_id.is_(None))
    return query


def hotlines_query(topic: str | None = None, country: str = "KG") -> Select:
    """Phone lines (hotlines and emergency numbers) for ``topic``, or all of them."""
    query = (
        select(Office)
        .where(Office.kind.in_(("hotline", "emergency")), Office.active.is_(True), Office.country == country)
        .options(selectinload(Office.phones))
        .order_by(Office.id)
    )
    if topic is not None:
        query = query.join(Office.topics).where(Topic.code == topic)
    return query


def search_query(text: str) -> Select:
    """Active offices whose names, address, help text or website contain every word of ``text``."""
    query = select(Office).where(Office.active.is_(True)).order_by(Office.id)
    for word in fold(text).split():
        query = query.where(Office.search_text.contains(word, autoescape=True))
    return query


@dataclass
class OfficeMatch:
    """Offices found for a question, and the scope they came from."""

    offices: list[Office]
    scope: str  # "place" | "region" | "fallback" | "national"
    region: Region | None = None  # the region the answer is for (the fallback region, if used)


def find_offices(session: Session, topic: str, region: str | None = None,
                 place: str | None = None) -> OfficeMatch:
    """Offices for ``topic`` where the caller is, falling back to wider scopes when there are none.

    Offices in the place first; else in the region; else in the region's fallback (Chüy → Bishkek,
    Osh oblast → Osh city); else national offices and networks ("your district's social office").
    """
    region_row = session.scalar(select(Region).where(Region.code == region)) if region else None
    if place is not None:
        found = session.scalars(offices_query(topic, place=place)).all()
        if found:
            return OfficeMatch(list(found), "place", region_row)
    if region_row is not None:
        found = session.scalars(offices_query(topic, region=region_row.code)).all()
        if found:
            return OfficeMatch(list(found), "region", region_row)
        if region_row.fallback is not None:
            found = session.scalars(offices_query(topic, region=region_row.fallback.code)).all()
            if found:
                return OfficeMatch(list(found), "fallback", region_row.fallback)
    return OfficeMatch(list(session.scalars(offices_query(topic, national=True)).all()), "national")
