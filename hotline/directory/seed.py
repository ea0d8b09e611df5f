"""Write validated directory data to the database: idempotent, one transaction, changes reported."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.directory.loader import DirectoryData
from hotline.directory.models import Office, Phone, Place, Region, Topic, bump_directory_version
from hotline.text import fold

OFFICE_SCALARS = (
    "kind", "name_ky", "name_ru", "short_ky", "short_ru", "country", "network", "address_ky",
    "address_ru", "website", "email", "hours", "free_call", "help_ky", "help_ru",
    "source_document", "source_lines", "valid_as_of", "verified", "unverified_reason",
)
PHONE_FIELDS = ("position", "printed", "number", "short", "country", "fax", "label_ky", "label_ru")


@dataclass
class SeedReport:
    """What a seed run did, per table: codes created, updated and removed; a count unchanged."""

    created: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    updated: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())

    def lines(self) -> list[str]:
        """A summary a person reads after ``flask seed``."""
        out = []
        for table in ("regions", "places", "topics", "offices"):
            out.append(f"{table}: {len(self.created[table])} created, {len(self.updated[table])} updated, "
                       f"{self.unchanged[table]} unchanged, {len(self.removed[table])} removed")
            for verb, codes in (("updated", self.updated[table]), ("removed", self.removed[table])):
                if codes:
                    out.append(f"  {verb}: {', '.join(codes)}")
        return out


def _sync(report, table, row, values: dict, code: str, created: bool) -> None:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if created:
        report.created[table].append(code)
    elif changed:
        report.updated[table].append(code)
    else:
        report.unchanged[table] += 1


def seed_directory(session: Session, data: DirectoryData) -> SeedReport:
    """Make the directory tables match ``data``; the caller commits (or rolls back) the session."""
    report = SeedReport()
    regions = {r.code: r for r in session.scalars(select(Region))}
    for entry in data.regions:
        row = regions.get(entry["code"])
        created = row is None
        if created:
            row = regions[entry["code"]] = Region(code=entry["code"])
            session.add(row)
        values = {k: entry[k] for k in ("key", "kind", "name_ky", "name_ru", "short_ky", "short_ru", "aliases")}
        _sync(report, "regions", row, values, entry["code"], created)
    session.flush()
    for entry in data.regions:
        fallback = regions[entry["fallback"]] if entry["fallback"] else None
        if regions[entry["code"]].fallback is not fallback:
            regions[entry["code"]].fallback = fallback
            if entry["code"] not in report.created["regions"] + report.updated["regions"]:
                report.updated["regions"].append(entry["code"])
                report.unchanged["regions"] -= 1
    known = {e["code"] for e in data.regions}
    report.removed["regions"] = sorted(code for code in regions if code not in known)

    places = {p.code: p for p in session.scalars(select(Place))}
    for entry in data.places:
        row = places.get(entry["code"])
        created = row is None
        if created:
            row = places[entry["code"]] = Place(code=entry["code"])
            session.add(row)
        values = {k: entry[k] for k in ("kind", "name_ky", "name_ru", "district_ky", "district_ru", "aliases")}
        values["region_id"] = regions[entry["region"]].id
        _sync(report, "places", row, values, entry["code"], created)
    report.removed["places"] = sorted(set(places) - {e["code"] for e in data.places})

    topics = {t.code: t for t in session.scalars(select(Topic))}
    for entry in data.topics:
        row = topics.get(entry["code"])
        created = row is None
        if created:
            row = topics[entry["code"]] = Topic(code=entry["code"])
            session.add(row)
        _sync(report, "topics", row, {k: entry[k] for k in ("name_ky", "name_ru", "keywords")}, entry["code"], created)
    report.removed["topics"] = sorted(set(topics) - {e["code"] for e in data.topics})
    session.flush()

    _seed_offices(session, data, report, regions, places, topics)
    if report.changed:  # every process drops what it holds of the directory within a second
        bump_directory_version(session)
    return report


def _seed_offices(session, data, report, regions, places, topics) -> None:
    offices = {o.code: o for o in session.scalars(select(Office))}
    for entry in data.offices:
        row = offices.get(entry["code"])
        created = row is None
        if created:
            row = Office(code=entry["code"])
            session.add(row)
        values = {name: entry[name] for name in OFFICE_SCALARS}
        values["region_id"] = regions[entry["region"]].id if entry["region"] else None
        values["place_id"] = places[entry["place"]].id if entry["place"] else None
        values["active"] = True
        values["search_text"] = fold(" ".join(filter(None, (
            entry["name_ky"], entry["name_ru"], entry["short_ky"], entry["short_ru"],
            entry["address_ky"], entry["address_ru"], entry["help_ky"], entry["help_ru"], entry["website"]))))
        changed = created
        for name, value in values.items():
            if created or getattr(row, name) != value:
                setattr(row, name, value)
                changed = True

        wanted_topics = [topics[code] for code in entry["topics"]]
        if created or sorted(t.code for t in row.topics) != sorted(entry["topics"]):
            row.topics = wanted_topics
            changed = True
        wanted_phones = [tuple(p[f] for f in PHONE_FIELDS) for p in entry["phones"]]
        current = [] if created else [tuple(getattr(p, f) for f in PHONE_FIELDS) for p in row.phones]
        if current != wanted_phones:
            row.phones = [Phone(**dict(zip(PHONE_FIELDS, p))) for p in wanted_phones]
            changed = True

        if created:
            report.created["offices"].append(entry["code"])
        elif changed:
            row.updated_at = func.now()
            report.updated["offices"].append(entry["code"])
        else:
            report.unchanged["offices"] += 1
    known = {e["code"] for e in data.offices}
    for code, row in sorted(offices.items()):
        if code not in known and row.active:
            row.active = False  # kept for the calls and messages that refer to it
            row.updated_at = func.now()  # caches compare the latest updated_at
            report.removed["offices"].append(code)
