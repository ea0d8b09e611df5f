"""Read and validate the directory files in ``data/`` without touching the database.

Every problem is reported as a :class:`DataError` naming the file, the row and the field, so the
person who edited the file can find the mistake without reading code.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hotline.config import ROOT
from hotline.phones import PhoneError, parse_phone

DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

KINDS = {
    "hotline", "emergency", "ministry", "agency", "fund", "social_office", "employment_office",
    "public_service_centre", "legal_aid_centre", "justice_department", "health_facility",
    "counselling_centre", "training_provider", "programme", "local_government", "bank",
    "website", "office_abroad",
}
NETWORKS = {"district", "oblast", "settlement", "country"}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LINES = re.compile(r"^\d+(-\d+)?$")
SLUG = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

OFFICE_FIELDS = {
    "id", "kind", "name_ky", "name_ru", "short_ky", "short_ru", "region", "place", "network",
    "address_ky", "address_ru", "phones", "website", "email", "hours", "free_call", "topics",
    "help_ky", "help_ru", "lines", "document", "valid_as_of", "verified", "unverified_reason",
}
PHONE_FIELDS = {"number", "country", "label_ky", "label_ru", "fax"}


class DataError(ValueError):
    """A mistake in a data file, located by file, row and field."""

    def __init__(self, path: Path, message: str, row: int | None = None, key: str | None = None,
                 field_name: str | None = None, line: int | None = None):
        self.path, self.row, self.key, self.field_name, self.line = path, row, key, field_name, line
        where = [_display(path) + (f":{line}" if line else "")]
        if row is not None:
            where.append(f"row {row}" + (f" ({key})" if key else ""))
        if field_name:
            where.append(f"field '{field_name}'")
        super().__init__(", ".join(where) + f": {message}")


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line each mapping starts on (as ``__line__``)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path):
    """Parse one YAML file, turning syntax errors into :class:`DataError`."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                        line=mark.line + 1 if mark else None) from None


@dataclass
class DirectoryData:
    """Everything in ``data/``, validated and ready to be written to the database."""

    regions: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    offices: list[dict] = field(default_factory=list)


def load_directory(data_dir: Path = DATA_DIR) -> DirectoryData:
    """Read ``regions.yaml``, ``topics.yaml`` and ``offices/*.yaml`` and validate them together."""
    data = DirectoryData()
    _load_regions(data_dir / "regions.yaml", data)
    _load_topics(data_dir / "topics.yaml", data)
    office_files = sorted((data_dir / "offices").glob("*.yaml"))
    if not office_files:
        raise DataError(data_dir / "offices", "no office files (*.yaml) found")
    seen: dict[str, str] = {}
    for path in office_files:
        for office in _load_offices(path, data):
            if office["code"] in seen:
                raise DataError(path, f"id already used in {seen[office['code']]}",
                                row=office["row"], key=office["code"], field_name="id")
            seen[office["code"]] = _display(path)
            data.offices.append(office)
    return data


def _rows(path: Path, doc, key: str) -> list:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise DataError(path, f"expected a mapping with a list under '{key}'")
    return doc[key]


def _text(path, row, index, key, name, required=True, limit=None):
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DataError(path, "missing", index, key, name, row.get("__line__"))
        return None
    if not isinstance(value, str):
        raise DataError(path, f"expected text, got {value!r}", index, key, name, row.get("__line__"))
    value = " ".join(value.split())
    if limit and len(value) > limit:
        raise DataError(path, f"longer than {limit} characters", index, key, name, row.get("__line__"))
    return value


def _aliases(path, row, index, key) -> list[str]:
    aliases = row.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
        raise DataError(path, "expected a list of words", index, key, "aliases", row.get("__line__"))
    return [str(a).strip().lower() for a in aliases]


def _load_regions(path: Path, data: DirectoryData) -> None:
    doc = read_yaml(path)
    keys: set[int] = set()
    for index, row in enumerate(_rows(path, doc, "regions"), start=1):
        code = row.get("code")
        if not isinstance(code, str) or not SLUG.match(code):
            raise DataError(path, "expected a slug", index, None, "code", row.get("__line__"))
        key = row.get("key")
        if not isinstance(key, int) or not 1 <= key <= 9 or key in keys:
            raise DataError(path, "expected a keypad digit 1-9 used once", index, code, "key", row.get("__line__"))
        keys.add(key)
        region = {"code": code, "key": key, "aliases": _aliases(path, row, index, code),
                  "fallback": row.get("fallback")}
        region["kind"] = _text(path, row, index, code, "kind")
        for name in ("name_ky", "name_ru", "short_ky", "short_ru"):
            region[name] = _text(path, row, index, code, name)
        data.regions.append(region)
        for place in row.get("places") or []:
            pcode = place.get("code")
            if not isinstance(pcode, str) or not SLUG.match(pcode):
                raise DataError(path, f"place code {pcode!r} is not a slug", index, code, "places", place.get("__line__"))
            entry = {"code": pcode, "region": code, "aliases": _aliases(path, place, index, pcode)}
            for name in ("kind", "name_ky", "name_ru"):
                entry[name] = _text(path, place, index, pcode, name)
            for name in ("district_ky", "district_ru"):
                entry[name] = _text(path, place, index, pcode, name, required=False)
            data.places.append(entry)
    codes = {r["code"] for r in data.regions}
    for index, region in enumerate(data.regions, start=1):
        if region["fallback"] is not None and region["fallback"] not in codes - {region["code"]}:
            raise DataError(path, f"unknown region {region['fallback']!r}", index, region["code"], "fallback")
    if len({p["code"] for p in data.places}) != len(data.places):
        raise DataError(path, "a place code is used twice")


def _load_topics(path: Path, data: DirectoryData) -> None:
    doc = read_yaml(path)
    for index, row in enumerate(_rows(path, doc, "topics"), start=1):
        code = row.get("code")
        if not isinstance(code, str) or not SLUG.match(code):
            raise DataError(path, "expected a slug", index, None, "code", row.get("__line__"))
        keywords = row.get("keywords", [])
        if not isinstance(keywords, list):
            raise DataError(path, "expected a list", index, code, "keywords", row.get("__line__"))
        data.topics.append({
            "code": code,
            "name_ky": _text(path, row, index, code, "name_ky"),
            "name_ru": _text(path, row, index, code, "name_ru"),
            "keywords": [str(k).strip().lower() for k in keywords],
        })


def _date(path, value, index=None, key=None, line=None):
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataError(path, f"{value!r} is not a date (YYYY-MM-DD)", index, key, "valid_as_of", line) from None


def _load_offices(path: Path, data: DirectoryData) -> list[dict]:
    doc = read_yaml(path)
    rows = _rows(path, doc, "offices")
    if "source_document" not in doc or "valid_as_of" not in doc:
        raise DataError(path, "the file must say its source_document and valid_as_of (null if undated)")
    default_document = doc["source_document"]
    default_valid = _date(path, doc["valid_as_of"])
    regions = {r["code"] for r in data.regions}
    places = {p["code"]: p["region"] for p in data.places}
    topics = {t["code"] for t in data.topics}
    offices = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise DataError(path, "expected a mapping", index)
        line = row.get("__line__")
        code = row.get("id")
        if not isinstance(code, str) or not SLUG.match(code):
            raise DataError(path, "expected a lowercase slug", index, None, "id", line)
        unknown = set(row) - OFFICE_FIELDS - {"__line__"}
        if unknown:
            raise DataError(path, "unknown field", index, code, sorted(unknown)[0], line)

        def fail(name, message):
            raise DataError(path, message, index, code, name, line)

        office = {"code": code, "row": index}
        office["kind"] = _text(path, row, index, code, "kind")
        if office["kind"] not in KINDS:
            fail("kind", f"unknown kind {office['kind']!r} (see data/README.md)")
        for name in ("name_ky", "name_ru", "help_ky", "help_ru"):
            office[name] = _text(path, row, index, code, name)
        for name in ("short_ky", "short_ru"):
            office[name] = _text(path, row, index, code, name, required=False, limit=120)
        for name in ("address_ky", "address_ru", "website", "email"):
            office[name] = _text(path, row, index, code, name, required=False)

        region = row.get("region")
        if not isinstance(region, str) or region not in regions | {"national", "russia"}:
            fail("region", f"unknown region {region!r}")
        office["country"] = "RU" if region == "russia" else "KG"
        office["region"] = region if region in regions else None
        place = row.get("place")
        if place is not None and (not isinstance(place, str) or places.get(place) != region):
            fail("place", f"{place!r} is not a place in region {region!r} (data/regions.yaml)")
        office["place"] = place
        network = row.get("network")
        if network is not None and (not isinstance(network, str) or network not in NETWORKS):
            fail("network", f"expected one of {sorted(NETWORKS)}")
        office["network"] = network

        row_topics = row.get("topics")
        if not isinstance(row_topics, list) or not row_topics:
            fail("topics", "expected a non-empty list of topic codes")
        for topic in row_topics:
            if topic not in topics:
                fail("topics", f"unknown topic {topic!r} (data/topics.yaml)")
        office["topics"] = list(dict.fromkeys(row_topics))

        office["phones"] = _phones(path, row, index, code, office["country"])
        office["hours"] = _hours(row.get("hours"), fail)
        office["free_call"] = bool(row.get("free_call", False))

        document = row.get("document", default_document)
        lines = str(row.get("lines", ""))
        if not LINES.match(lines):
            fail("lines", f"expected a line or range like 3408-3414, got {lines!r}")
        _check_source(document, lines, fail)
        office["source_document"], office["source_lines"] = document, lines
        office["valid_as_of"] = _date(path, row["valid_as_of"], index, code, line) if "valid_as_of" in row else default_valid

        verified = row.get("verified", True)
        if not isinstance(verified, bool):
            fail("verified", "expected true or false")
        reason = _text(path, row, index, code, "unverified_reason", required=not verified)
        if verified and reason:
            fail("unverified_reason", "given for a verified row; set verified: false")
        office["verified"], office["unverified_reason"] = verified, reason
        offices.append(office)
    return offices


def _phones(path, row, index, code, country) -> list[dict]:
    phones = row.get("phones") or []
    if not isinstance(phones, list):
        raise DataError(path, "expected a list", index, code, "phones", row.get("__line__"))
    result = []
    for position, phone in enumerate(phones):
        name = f"phones[{position}]"
        if not isinstance(phone, dict) or "number" not in phone:
            raise DataError(path, "expected a mapping with a number", index, code, name, row.get("__line__"))
        unknown = set(phone) - PHONE_FIELDS - {"__line__"}
        if unknown:
            raise DataError(path, "unknown field", index, code, f"{name}.{sorted(unknown)[0]}", phone["__line__"])
        printed = str(phone["number"]).strip()
        phone_country = phone.get("country", country)
        try:
            parsed = parse_phone(printed, phone_country)
        except PhoneError as exc:
            raise DataError(path, str(exc), index, code, f"{name}.number", phone["__line__"]) from None
        result.append({
            "position": position, "printed": printed, "number": parsed.number, "short": parsed.short,
            "country": phone_country, "fax": bool(phone.get("fax", False)),
            "label_ky": phone.get("label_ky"), "label_ru": phone.get("label_ru"),
        })
    return result


def _hours(hours, fail):
    if hours is None or hours == "24/7":
        return hours
    if not isinstance(hours, list) or not hours:
        fail("hours", 'expected "24/7" or a list of {days, open, close}')
    result = []
    for interval in hours:
        if not isinstance(interval, dict) or set(interval) - {"__line__"} != {"days", "open", "close"}:
            fail("hours", "each interval needs exactly days, open and close")
        days = expand_days(str(interval["days"]))
        if days is None:
            fail("hours", f"days {interval['days']!r}: use mon-fri, sat, or mon,wed")
        opens, closes = str(interval["open"]), str(interval["close"])
        if not TIME.match(opens) or not TIME.match(closes) or opens >= closes:
            fail("hours", f"times {opens!r}-{closes!r}: use HH:MM, opening before closing")
        result.append({"days": days, "open": opens, "close": closes})
    return result


def expand_days(text: str) -> list[str] | None:
    """``"mon-fri"`` → ``["mon", ..., "fri"]``; ``"mon,wed"`` → ``["mon", "wed"]``; None if invalid."""
    days: list[str] = []
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            return None
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            return None
        days.extend(DAYS[start:end + 1])
    return days


def _check_source(document, lines: str, fail) -> None:
    """The document must be one of the seeds, and the lines inside it (when the seeds are at hand)."""
    if not isinstance(document, str) or not re.match(r"^\d{3}_[0-9a-f]+\.txt$", document):
        fail("document", f"{document!r} is not a seed file name like 000_a6471b656ce57fa1.txt")
    first, _, last = lines.partition("-")
    if not 1 <= int(first) <= int(last or first):
        fail("lines", f"{lines} is not a range of lines (from 1, first to last)")
    seed = SEEDS_DIR / document
    if not SEEDS_DIR.is_dir():
        return  # a checkout without ../shared: the name and the range are still checked above
    if not seed.is_file():
        fail("document", f"{document} is not in {SEEDS_DIR}")
    count = _line_count(seed)
    if int(last or first) > count:
        fail("lines", f"{lines} is outside {document} (1-{count})")


_LINE_COUNTS: dict[Path, int] = {}


def _line_count(path: Path) -> int:
    if path not in _LINE_COUNTS:
        _LINE_COUNTS[path] = len(path.read_text(encoding="utf-8").splitlines())
    return _LINE_COUNTS[path]
