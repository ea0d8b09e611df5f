"""Directory answers as SMS parts: one part per office, most important first.

A part is what a person needs to act: the name, the numbers (E.164, which dial the same from
Russia and from home), the address, the hours. Offices in a network ("the social office of your
district") say so instead of an address. An office with nothing to act on (no number, no website,
not a network) is left out, as the voice channel's SMS does, unless it is in the person's own
region: a lyceum's name is an answer to "where are the courses in Talas?".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hotline.directory.cache import MatchView, OfficeView
from hotline.sms.normalize import fold_for_match
from hotline.sms.texts import SmsTexts

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NUMBERS_PER_OFFICE = 2
# "(Ош шаардык жана Ош облустук аймактык юстиция башкармалыгы)": which building an office is in.
# Useful at the door, too long for a 67-character segment; the street and number stay.
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Section:
    """One topic's answer: the offices, the region or place they are for, the topic's name."""

    match: MatchView
    header: str | None = None  # "Талас": said before the first office, unless its name says it
    topic: str | None = None  # "Шашылыш жардам": the label of several short numbers in one line
    local: bool = False  # offices of the person's region or place: named even with no number


class OfficeFormatter:
    """Turns directory answers into SMS parts in one language."""

    def __init__(self, texts: SmsTexts):
        self.texts = texts

    def parts(self, sections: Iterable[Section], lang: str, compact: bool = False) -> list[str]:
        """Parts for each section in order; an office already listed is not repeated.

        Short-number hotlines (112, 103) share one part: by name, or (``compact``, for the 67
        characters of a Cyrillic segment) as "Шашылыш жардам: 112, 103" when there are several.
        """
        seen: set[str] = set()
        parts: list[str] = []
        for section in sections:
            lines: list[str] = []
            short: list[OfficeView] = []
            for office in section.match.offices:
                if office.code in seen:
                    continue
                seen.add(office.code)
                if self._short_line(office):
                    short.append(office)
                    continue
                line = self.line(office, lang, section.local)
                if line:
                    lines.append(line)
            if short:
                lines.insert(0, self._short_group(short, section.topic, lang, compact))
            if lines and section.header and fold_for_match(section.header) not in fold_for_match(lines[0]):
                lines[0] = f"{section.header}: {lines[0]}"
            parts.extend(lines)
        return parts

    def _short_group(self, offices: list[OfficeView], topic: str | None, lang: str, compact: bool) -> str:
        if compact and topic and len(offices) > 1:
            numbers = dict.fromkeys(p.number for office in offices for p in office.callable_phones())
            return f"{topic}: {', '.join(numbers)}"
        return ", ".join(self._hours_suffix(office.name(lang), office, lang, ", ") for office in offices)

    def short_numbers(self, match: MatchView) -> list[str]:
        """The short numbers (112, 103) of the match's hotlines, in order, each once."""
        numbers: list[str] = []
        for office in match.offices:
            if self._short_line(office):
                numbers.extend(p.number for p in office.callable_phones() if p.number not in numbers)
        return numbers

    @staticmethod
    def _short_line(office: OfficeView) -> bool:
        """A hotline whose every number is short and already in its name ("112 телефону")."""
        phones = office.callable_phones()
        name = f"{office.name('ky')} {office.name('ru')}"
        return bool(phones) and not office.address_ky and all(p.short and p.number in name for p in phones)

    def line(self, office: OfficeView, lang: str, local: bool = False) -> str | None:
        """One office: name, numbers or website, address or network, hours.

        None for an office with nothing to act on, unless it is ``local``: a lyceum in the person's
        own region is worth naming even without a number."""
        say = lambda key: self.texts.get(lang, key)  # noqa: E731
        phones = office.callable_phones()[:NUMBERS_PER_OFFICE]
        line = office.name(lang)
        if office.network in ("district", "oblast", "settlement"):
            line += " " + say(f"network_{office.network}")
        if phones:
            line += ": " + ", ".join(p.number for p in phones)
            if not office.verified:
                line += " " + say("unverified")
        elif office.website:
            line += ": " + office.website
        elif not office.network and not local:
            return None
        address = _PARENTHESES.sub("", office.address(lang) or "").strip(" ,;")
        if address and (phones or local):
            line += "; " + address
        return self._hours_suffix(line, office, lang, "; ")

    def _hours_suffix(self, line: str, office: OfficeView, lang: str, separator: str) -> str:
        hours = self.hours(office.hours, lang)
        if not hours:
            return line
        return f"{line} ({hours})" if separator == ", " else f"{line}{separator}{hours}"

    def hours(self, hours, lang: str) -> str | None:
        """``24/7`` or ``[{days, open, close}, ...]`` written short: "дш-жм 09:00-12:30, 13:30-18:00"."""
        if not hours:
            return None
        if hours == "24/7":
            return self.texts.get(lang, "all_day")
        names = dict(zip(DAYS, self.texts.items(lang, "day_names")))
        groups: dict[str, list[str]] = {}
        for interval in hours:
            days = self._days(interval["days"], names)
            groups.setdefault(days, []).append(f"{interval['open']}-{interval['close']}")
        return ", ".join(f"{days} {', '.join(times)}" for days, times in groups.items())

    @staticmethod
    def _days(days: list[str], names: dict[str, str]) -> str:
        indexes = [DAYS.index(day) for day in days]
        if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
            return f"{names[days[0]]}-{names[days[-1]]}"
        return ",".join(names[day] for day in days)
