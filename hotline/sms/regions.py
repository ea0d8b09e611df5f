"""The regions and places an SMS can name, read from the directory (again when its version changes).

The place index (:class:`~hotline.sms.places.PlaceIndex`) and the numeric region menu (1 Бишкек …
9 Талас, the keypad keys of ``data/regions.yaml``) come from the same rows the directory queries
use, so a region the menu offers is always one the directory knows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hotline.directory.models import Region, Topic
from hotline.sms.places import PlaceIndex


@dataclass(frozen=True)
class RegionBook:
    """Regions by keypad key, names of regions and places by code, and the place index."""

    index: PlaceIndex
    by_key: dict[int, str] = field(default_factory=dict)  # 1 → "bishkek"
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (ky, ru), places too
    topics: dict[str, tuple[str, str]] = field(default_factory=dict)  # topic code → (ky, ru)

    @classmethod
    def from_database(cls, session: Session) -> "RegionBook":
        regions = session.scalars(select(Region).options(selectinload(Region.places)).order_by(Region.key)).all()
        region_rows, place_rows, names = [], [], {}
        for region in regions:
            region_rows.append({"code": region.code, "name_ky": region.name_ky, "name_ru": region.name_ru,
                                "short_ky": region.short_ky, "short_ru": region.short_ru,
                                "aliases": region.aliases or []})
            names[region.code] = (region.short_ky, region.short_ru)
            for place in region.places:
                place_rows.append({"code": place.code, "region": region.code, "name_ky": place.name_ky,
                                   "name_ru": place.name_ru, "aliases": place.aliases or []})
                names[place.code] = (place.name_ky, place.name_ru)
        topics = {t.code: (t.name_ky, t.name_ru) for t in session.scalars(select(Topic))}
        return cls(PlaceIndex.build(region_rows, place_rows), {r.key: r.code for r in regions}, names, topics)

    def name(self, code: str | None, lang: str) -> str | None:
        """The short name of a region, or the name of a place, in ``lang``."""
        if code not in self.names:
            return None
        ky, ru = self.names[code]
        return ru if lang == "ru" else ky

    def topic(self, code: str, lang: str) -> str | None:
        """A topic's name in ``lang`` ("Шашылыш жардам")."""
        ky, ru = self.topics.get(code, (None, None))
        return ru if lang == "ru" else ky

    def menu(self, lang: str) -> str:
        """"1 Бишкек, 2 Чүй, …": the choices of the region menu."""
        return ", ".join(f"{key} {self.name(code, lang)}" for key, code in sorted(self.by_key.items()))


class RegionBookLoader:
    """The book, built on first use in each process and again when the directory's version changes."""

    def __init__(self):
        self._book: RegionBook | None = None
        self._version = None

    def get(self, version: int | None, session: Callable[[], Session]) -> RegionBook:
        """The book for directory ``version``; ``session()`` is only called when it has to be read."""
        if self._book is None or version != self._version or not self._book.by_key:
            self._book, self._version = RegionBook.from_database(session()), version
        return self._book
