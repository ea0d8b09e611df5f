"""The services directory: regions and places, topics, offices and their phone numbers.

Rows are loaded from ``data/`` by ``flask seed``; each office keeps the document and lines it came
from, the date its facts were true, and whether it is verified (and why not).
"""

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for

# Offices serve topics; a topic is served by many offices.
office_topics = Table(
    "office_topics",
    db.metadata,
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
    # the reverse lookup (offices for a topic) is every menu's query
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Region(db.Model):
    """One of the nine regions a caller picks on the keypad: 7 oblasts, Bishkek and Osh cities."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    key: Mapped[int] = mapped_column(unique=True)  # keypad digit 1-9
    kind: Mapped[str] = mapped_column(String(20))  # oblast | city
    name_ky: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    short_ky: Mapped[str] = mapped_column(String(60))
    short_ru: Mapped[str] = mapped_column(String(60))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    # where to look next when this region has no office for a topic (then national)
    fallback_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    fallback: Mapped["Region | None"] = relationship(remote_side=[id])
    places: Mapped[list["Place"]] = relationship(back_populates="region", order_by="Place.id")

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Place(db.Model):
    """A town or village inside a region, as the documents name it."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # town | village
    name_ky: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    district_ky: Mapped[str | None] = mapped_column(String(120))
    district_ru: Mapped[str | None] = mapped_column(String(120))
    aliases: Mapped[list] = mapped_column(JSON, default=list)

    region: Mapped[Region] = relationship(back_populates="places")


class Topic(db.Model):
    """Something a caller asks about (children, benefits, legal aid ...) and the words for it."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ky: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    keywords: Mapped[list] = mapped_column(JSON, default=list)


class Office(db.Model):
    """An office, hotline, website or office network a caller can contact or use."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)  # the slug in data/
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name_ky: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str] = mapped_column(Text)
    short_ky: Mapped[str | None] = mapped_column(String(120))
    short_ru: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), default="KG")  # where the office is
    # NULL region: national (or, with country RU, anywhere in Russia); indexed for region lookups
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    # set when the row stands for an office found in every district/oblast (no address given)
    network: Mapped[str | None] = mapped_column(String(20))
    address_ky: Mapped[str | None] = mapped_column(Text)
    address_ru: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[list | str | None] = mapped_column(JSON)  # "24/7" or [{days, open, close}]
    free_call: Mapped[bool] = mapped_column(default=False)
    help_ky: Mapped[str | None] = mapped_column(Text)
    help_ru: Mapped[str | None] = mapped_column(Text)
    source_document: Mapped[str] = mapped_column(String(120))
    source_lines: Mapped[str] = mapped_column(String(40))  # "3408-3414"
    valid_as_of: Mapped[date | None] = mapped_column()  # NULL: the document is undated
    verified: Mapped[bool] = mapped_column(default=True)
    unverified_reason: Mapped[str | None] = mapped_column(Text)
    # names, address and help folded by hotline.text.fold, for a search that works on every database
    search_text: Mapped[str] = mapped_column(Text, default="")
    # a row removed from data/ is kept (calls and messages refer to it) but no longer offered
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    region: Mapped[Region | None] = relationship()
    place: Mapped[Place | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=office_topics, order_by=Topic.id)
    phones: Mapped[list["Phone"]] = relationship(
        back_populates="office", order_by="Phone.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Phone(db.Model):
    """One number of an office: E.164, or a short number kept as dialled (111, 1227)."""

    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # order in the document
    printed: Mapped[str] = mapped_column(String(60))  # as the document prints it
    number: Mapped[str] = mapped_column(String(20))  # "+996322256356" or "111"
    short: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str] = mapped_column(String(2), default="KG")
    fax: Mapped[bool] = mapped_column(default=False)
    label_ky: Mapped[str | None] = mapped_column(String(120))
    label_ru: Mapped[str | None] = mapped_column(String(120))

    office: Mapped[Office] = relationship(back_populates="phones")


class DirectoryVersion(db.Model):
    """The directory's version: one row, its number raised by every change (``flask seed``, the
    console), so each process checks with one read by primary key whether what it holds is current."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    version: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column()


def bump_directory_version(session) -> None:
    """Raise the version, in the session's transaction (the change and its version commit together)."""
    statement = insert_for(DirectoryVersion, session.get_bind()).values(id=1, version=1, changed_at=utcnow())
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_={
        "version": DirectoryVersion.version + 1, "changed_at": statement.excluded.changed_at}))
