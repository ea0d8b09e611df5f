"""What a node says, as utterances (a cache key and its words), and what its SMS says.

Content is written once and rendered per channel: a node's prompts and its offices become speech
here (keys the audio cache knows), and the same node becomes the parts of an SMS.
"""

from dataclasses import dataclass

from audio.catalogue import Catalogue
from audio.numbers import speak_phone
from hotline.directory.cache import DirectoryCache, OfficeView
from hotline.voice.state import CallState
from ivr_flows.model import Node

PAGE_SIZE = 3  # offices read per turn; "3 for more" reads the next three
SPOKEN_PHONES = 2  # numbers read per office (the SMS carries the rest)


@dataclass(frozen=True)
class Utterance:
    key: str  # the audio cache key: a prompt id, or "office:<code>"
    text: str


def office_key(office: OfficeView, international: bool = False) -> str:
    """The audio key of an office's spoken block; callers abroad hear numbers as dialled from abroad."""
    return f"office:{office.code}" + (":intl" if international else "")


class Speech:
    """Turns nodes into utterances and SMS parts, in the caller's language."""

    def __init__(self, catalogue: Catalogue, directory: DirectoryCache):
        self.catalogue = catalogue
        self.directory = directory

    def prompt(self, lang: str, prompt_id: str) -> Utterance:
        return Utterance(prompt_id, self.catalogue.text(lang, prompt_id))

    def office(self, lang: str, office: OfficeView, international: bool = False) -> Utterance:
        """One office for the ear: name, numbers in digit groups, address, hours, caveats.

        ``international``: the caller is not on a Kyrgyz number, so numbers are read as dialled
        from abroad (+996 312 ...), not with the trunk 0.
        """
        say = lambda prompt_id: self.catalogue.text(lang, prompt_id)  # noqa: E731
        parts = [office.name(lang) + "."]
        if office.network or office.kind in ("hotline", "emergency"):
            helptext = office.help_ru if lang == "ru" else office.help_ky
            if helptext:
                parts.append(helptext)
        phones = office.callable_phones()[:SPOKEN_PHONES]
        if phones:
            numbers = "; ".join(speak_phone(p.number, lang, international=international and not p.short)
                                for p in phones)
            parts.append(f"{say('offices.phone')} {numbers}.")
        address = office.address(lang)
        if address:
            parts.append(f"{say('offices.address')} {address}.")
        if office.hours == "24/7":
            parts.append(say("offices.hours_24_7"))
        if not office.verified and phones:
            parts.append(say("offices.unverified"))
        return Utterance(office_key(office, international), " ".join(parts))

    def offices_for(self, node: Node, state: CallState) -> tuple[list[OfficeView], str | None]:
        """The offices a node's content names, and the scope prompt to say before them."""
        content = node.content or {}
        if content.get("type") == "office_list":
            return list(self.directory.offices(tuple(content.get("codes", ())))), None
        if content.get("type") == "offices":
            topic = content.get("topic") or state.topic
            if not topic:
                return [], "offices.none"
            match = self.directory.find(topic, state.region)
            scope_prompt = {"fallback": "offices.fallback", "national": "offices.national"}.get(match.scope)
            return list(match.offices), scope_prompt if match.offices else "offices.none"
        return [], None

    def content(self, node: Node, state: CallState, international: bool = False) -> tuple[list[Utterance], bool]:
        """What the node's content says on ``state.page``, and whether a further page exists."""
        offices, scope_prompt = self.offices_for(node, state)
        utterances = [self.prompt(state.lang, scope_prompt)] if scope_prompt and state.page == 0 else []
        # a website cannot be heard (its address goes by SMS); everything else is read, even a name alone
        speakable = [o for o in offices if o.kind != "website"]
        if node.content and node.content.get("type") == "office_list":
            return utterances + [self.office(state.lang, o, international) for o in speakable], False
        start = state.page * PAGE_SIZE
        page = speakable[start:start + PAGE_SIZE]
        if not page and state.page:
            return [self.prompt(state.lang, "offices.no_more")], False
        more = len(speakable) > start + PAGE_SIZE
        return utterances + [self.office(state.lang, o, international) for o in page], more

    def sms_parts(self, node: Node, state: CallState) -> list[str]:
        """The node as SMS parts, most important first (the renderer drops from the end)."""
        parts = [self.catalogue.text(state.lang, node.sms)] if node.sms else []
        offices, _ = self.offices_for(node, state)
        if node.content and node.content.get("type") == "offices":
            offices = offices[state.page * PAGE_SIZE:]
        for office in offices:
            # E.164 in writing: a phone dials "+996..." from Russia and from home alike
            numbers = ", ".join(p.number for p in office.callable_phones()[:2])
            line = office.name(state.lang)
            if numbers:
                line += f": {numbers}"
            elif office.website:
                line += f": {office.website}"
            address = office.address(state.lang)
            if address and numbers:
                line += f"; {address}"
            if numbers or office.website:
                parts.append(line)
        return parts
