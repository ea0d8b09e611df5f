"""What a node says, as utterances (a cache key and its words), and what its SMS says.

Content is written once and rendered per channel: a node's prompts and its offices become speech
here (keys the audio cache knows), and the same node becomes the parts of an SMS — the same offices
in the same order as the caller just heard them.

An office is read number first (its name, then its numbers, then what it helps with, its address
and hours). A caller on a non-Kyrgyz number hears Kyrgyz numbers as dialled from abroad (+996 …),
and a Kyrgyz short number (111, 1899) with "call from a phone in Kyrgyzstan".
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from audio.catalogue import Catalogue
from audio.numbers import speak_phone
from hotline.directory.cache import DirectoryCache, OfficeView
from hotline.directory.models import Region, Topic
from hotline.extensions import db
from hotline.sms.segments import count_segments
from hotline.voice.state import CallState
from ivr_flows.model import Node

PAGE_SIZE = 2  # offices read per turn ("3 for more" reads the next two): the SMS of a page fits 2 segments
SPOKEN_PHONES = 2  # numbers read per office (the SMS carries the same ones)


@dataclass(frozen=True)
class Utterance:
    key: str  # the audio cache key: a prompt id, "office:<code>", "region:<code>", "topic:<code>", "dyn:…"
    text: str
    sms: str | None = None  # how it is written in an SMS, when not as it is said (an office: name and numbers)


def office_key(office: OfficeView, international: bool = False) -> str:
    """The audio key of an office's spoken block; callers abroad hear numbers as dialled from abroad."""
    return f"office:{office.code}" + (":intl" if international else "")


def office_line(office: OfficeView, lang: str, numbers: int = SPOKEN_PHONES) -> str | None:
    """An office in an SMS: its name and the numbers a caller hears (E.164: they dial from Russia too;
    ``numbers`` of them), or its website; None when it has neither."""
    numbers = ", ".join(p.number for p in office.callable_phones()[:numbers])
    if numbers:
        return f"{office.name(lang)}: {numbers}"
    return f"{office.name(lang)}: {office.website}" if office.website else None


class Speech:
    """Turns nodes into utterances and SMS parts, in the caller's language."""

    def __init__(self, catalogue: Catalogue, directory: DirectoryCache):
        self.catalogue = catalogue
        self.directory = directory
        self._names: tuple[object, dict] = (None, {})  # (directory version, names): read-only data

    def prompt(self, lang: str, prompt_id: str) -> Utterance:
        return Utterance(prompt_id, self.catalogue.text(lang, prompt_id))

    def office(self, lang: str, office: OfficeView, international: bool = False) -> Utterance:
        """One office for the ear: name, numbers in digit groups, what it helps with, address, hours,
        caveats.

        ``international``: the caller is not on a Kyrgyz number, so Kyrgyz numbers are read as
        dialled from abroad (+996 312 ...), not with the trunk 0, and a Kyrgyz short number is said
        with "call from a phone in Kyrgyzstan" (a short number does not connect from Russia).
        """
        say = lambda prompt_id: self.catalogue.text(lang, prompt_id)  # noqa: E731
        parts = [office.name(lang) + "."]
        phones = office.callable_phones()[:SPOKEN_PHONES]
        if phones:
            numbers = "; ".join(speak_phone(p.number, lang, international=international and not p.short)
                                for p in phones)
            parts.append(f"{say('offices.phone')} {numbers}.")
            if international and any(p.short and p.country == "KG" for p in phones):
                parts.append(say("offices.from_kyrgyz_phone"))
        if office.network or office.kind in ("hotline", "emergency"):
            helptext = office.help_ru if lang == "ru" else office.help_ky
            if helptext:
                parts.append(helptext)
        address = office.address(lang)
        if address:
            parts.append(f"{say('offices.address')} {address}.")
        if office.hours == "24/7":
            parts.append(say("offices.hours_24_7"))
        if not office.verified and phones:
            parts.append(say("offices.unverified"))
        return Utterance(office_key(office, international), " ".join(parts), office_line(office, lang))

    def name(self, lang: str, kind: str, code: str) -> Utterance | None:
        """A region's or a topic's name from the directory ("Нарын облусу."), as a returning caller and
        a region's offices hear it; None for a code the directory does not have."""
        version = self.directory.version()
        if self._names[0] != version or not self._names[1]:
            names = {("region", r.code): (r.name_ky, r.name_ru) for r in db.session.execute(
                select(Region.code, Region.name_ky, Region.name_ru))}
            names |= {("topic", t.code): (t.name_ky, t.name_ru) for t in db.session.execute(
                select(Topic.code, Topic.name_ky, Topic.name_ru))}
            self._names = (version, names)
        found = self._names[1].get((kind, code))
        return Utterance(f"{kind}:{code}", found[1 if lang == "ru" else 0] + ".") if found else None

    def offices_for(self, node: Node, state: CallState, international: bool = False
                    ) -> tuple[list[OfficeView], str | None]:
        """The offices a node's content names, and the scope prompt to say before them."""
        content = node.content or {}
        if content.get("type") == "office_list":
            codes = tuple(content.get("codes", ())) + (tuple(content.get("abroad", ())) if international else ())
            return list(self.directory.offices(codes)), None
        if content.get("type") == "offices":
            topic = content.get("topic") or state.topic
            if not topic:
                return [], "offices.none"
            match = self.directory.find(topic, state.region)
            scope_prompt = {"fallback": "offices.fallback", "national": "offices.national"}.get(match.scope)
            return list(match.offices), scope_prompt if match.offices else "offices.none"
        return [], None

    def page(self, node: Node, state: CallState, international: bool = False) -> tuple[list[OfficeView], bool]:
        """The offices a caller hears on ``state.page`` (a website cannot be heard: its address goes by
        SMS), and whether a further page exists. An office list is one page."""
        offices, _ = self.offices_for(node, state, international)
        if (node.content or {}).get("type") != "offices":
            return offices, False
        speakable = [o for o in offices if o.kind != "website"]
        start = state.page * PAGE_SIZE
        return speakable[start:start + PAGE_SIZE], len(speakable) > start + PAGE_SIZE

    def content(self, node: Node, state: CallState, international: bool = False) -> tuple[list[Utterance], bool]:
        """What the node's content says on ``state.page``, and whether a further page exists: the
        region first (its offices follow), the scope where the region has none, then the offices."""
        _, scope_prompt = self.offices_for(node, state, international)
        utterances = []
        if state.page == 0:
            if (node.content or {}).get("type") == "offices" and state.region:
                region = self.name(state.lang, "region", state.region)
                utterances += [region] if region else []
            if scope_prompt:
                utterances.append(self.prompt(state.lang, scope_prompt))
        offices, more = self.page(node, state, international)
        if not offices and state.page:
            return [self.prompt(state.lang, "offices.no_more")], False
        utterances += [self.office(state.lang, office, international) for office in offices if office.kind != "website"]
        return utterances, more

    def sms_parts(self, node: Node, state: CallState) -> list[str]:
        """The node as SMS parts, most important first (the renderer drops from the end): its text,
        the region asked for, then the offices of the page the caller heard, in the order heard. So
        that every office heard fits ``SMS_MAX_SEGMENTS``, an office keeps only its first number, and
        then the region's name goes, before the renderer would drop an office."""
        text = [self.catalogue.text(state.lang, node.sms)] if node.sms else []
        header = []
        if (node.content or {}).get("type") == "offices" and state.region:
            region = self.name(state.lang, "region", state.region)
            header = [region.text.rstrip(".") + ":"] if region else []
        offices, _ = self.page(node, state, state.abroad)  # websites too, in a list: an address to type
        budget = current_app.config["SMS_MAX_SEGMENTS"]
        for numbers, named in ((SPOKEN_PHONES, True), (1, True), (1, False)):
            parts = text + (header if named else []) + [
                line for line in (office_line(office, state.lang, numbers) for office in offices) if line]
            if count_segments("\n".join(parts)).segments <= budget:
                break
        return parts
