"""Directory commands by SMS: the offices for a command's topics, page by page, or first the region.

The directory answers are memoised per process by :class:`~hotline.directory.cache.DirectoryCache`;
the pages rendered from them are memoised here, keyed by the answers themselves: when the directory
changes, the cache hands out new answer objects and the pages are rendered again.
"""

from dataclasses import dataclass

from hotline.directory.cache import DirectoryCache, MatchView
from hotline.sms.conversation import Menu
from hotline.sms.offices import OfficeFormatter, Section
from hotline.sms.regions import RegionBook
from hotline.sms.render import RenderedSms, render_sms_reply
from hotline.sms.table import Command
from hotline.sms.texts import SmsTexts

MAX_PAGES = 20
#: Scopes whose offices are named for a region or place (the others are national).
LOCAL_SCOPES = ("place", "region", "fallback")


@dataclass(frozen=True)
class Reply:
    """What to answer, and what it leaves open: a menu, a region to remember."""

    sms: RenderedSms
    menu: Menu | None = None
    command: str | None = None  # the command the message reached (stored on its row)
    region: str | None = None  # a region (and place) the message named or chose: remembered
    place: str | None = None
    unmatched: bool = False
    language: str | None = None  # the conversation's language from now on, when the reply changed it
    check: tuple[str, dict] | None = None  # an eligibility check's rule id and answers so far


class Renderer:
    """:func:`render_sms_reply` with the configured budget, and a way to keep a required ending.

    Rendering is pure and most replies are the same few texts (the command list, a region
    question, "no such choice"), so results are memoised: transliterating and counting segments
    again for every "?" would cost more than the rest of the webhook.
    """

    MEMO_SIZE = 4096

    def __init__(self, max_segments: int):
        self.max_segments = max_segments
        self._memo: dict[tuple, RenderedSms] = {}

    def render(self, parts: list[str], script: str, hint: str | None = None) -> RenderedSms:
        key = (tuple(parts), script, hint)
        sms = self._memo.get(key)
        if sms is None:
            sms = render_sms_reply(parts, script=script, max_segments=self.max_segments, more_hint=hint)
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()  # bounded: callback times and the like vary
            self._memo[key] = sms
        return sms

    def paginate(self, parts: list[str], script: str, hint: str, footer: str | None = None) -> list[RenderedSms]:
        """``parts`` as pages of whole parts, each ending with ``hint`` ("1 – more") when more follow;
        the first page always ends with ``footer`` when there is one (how to check by SMS)."""
        pages: list[RenderedSms] = []
        offset = 0
        if footer:
            first, offset = self._first_page(parts, script, hint, footer)
            pages.append(first)
        while offset < len(parts) and len(pages) < MAX_PAGES:
            sms = self.render(parts[offset:], script, hint)
            pages.append(sms)
            offset += max(len(parts) - offset - sms.dropped, 1)
        return pages

    def _first_page(self, parts: list[str], script: str, hint: str, footer: str) -> tuple[RenderedSms, int]:
        """Page 1 ending with ``footer``, and how many parts it holds: all of them, or as many as
        fit before the hint and the footer."""
        whole = self.render(parts + [footer], script)
        if not whole.dropped and not whole.truncated:
            return whole, len(parts)
        for keep in range(len(parts) - 1, 0, -1):
            sms = self.render(parts[:keep] + [hint, footer], script)
            if not sms.dropped and not sms.truncated:
                return sms, keep
        return self.render([hint, footer], script), 0

    def fit(self, optional: list[str], required: list[str], script: str) -> RenderedSms:
        """``required`` whole (a menu's question must end the SMS), after as many ``optional``
        parts as fit in front of it."""
        for keep in range(len(optional), 0, -1):
            sms = self.render(optional[:keep] + required, script)
            if not sms.dropped and not sms.truncated:
                return sms
        return self.render(required, script)


class DirectoryAnswers:
    """Offices for a directory command, as pages of SMS with "1 – more" between them."""

    def __init__(self, directory: DirectoryCache, formatter: OfficeFormatter, texts: SmsTexts, renderer: Renderer):
        self.directory, self.formatter, self.texts, self.renderer = directory, formatter, texts, renderer
        self._pages: dict[tuple, tuple[tuple[MatchView, ...], list[RenderedSms]]] = {}
        self._regional: dict[str, tuple[MatchView, bool]] = {}
        self._regional_commands: dict[str, tuple[tuple | None, bool]] = {}
        self._questions: dict[tuple, tuple[tuple[MatchView, ...], Reply]] = {}

    def answer(self, command: Command, region: str | None, place: str | None, page: int, lang: str,
               script: str, book: RegionBook, footer: str | None = None) -> Reply:
        """Page ``page`` (from 1) of the offices for ``command`` where the person is. With a
        ``footer`` the "more" menu stays open after the last page too: its "2" starts the check."""
        pages = self.pages(command, region, place, lang, script, book, footer)
        remember = dict(command=command.code, region=region, place=place)
        if not pages:
            return Reply(self.renderer.render([self.texts.get(lang, "no_offices")], script), **remember)
        if page > len(pages):
            return Reply(self.renderer.render([self.texts.get(lang, "no_more")], script), **remember)
        more = Menu("more", command.code, region, place, page + 1) if page < len(pages) or footer else None
        return Reply(pages[page - 1], more, **remember)

    def pages(self, command: Command, region: str | None, place: str | None, lang: str, script: str,
              book: RegionBook, footer: str | None = None) -> list[RenderedSms]:
        """The pages of the answer; the first ends with ``footer`` (how to check by SMS), if any."""
        matches = tuple(self.directory.find(topic, region, place) for topic in command.topics)
        key = (command.code, region, place, lang, script)
        cached = self._pages.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], matches)):
            return cached[1]
        sections = [Section(m, book.name(place if m.scope == "place" else m.region, lang)
                            if m.scope in LOCAL_SCOPES else None, book.topic(topic, lang), m.scope in LOCAL_SCOPES)
                    for topic, m in zip(command.topics, matches)]
        parts = self.formatter.parts(sections, lang, compact=script == "cyrillic")
        pages = self.renderer.paginate(parts, script, self.texts.get(lang, "more"), footer)
        self._pages[key] = (matches, pages)
        return pages

    def regional(self, command: Command, book: RegionBook) -> bool:
        """Whether the answer depends on the region (then it is worth asking for one); worked out
        once per command while the directory stays the same."""
        version = self.directory.version()
        cached = self._regional_commands.get(command.code)
        if cached is not None and cached[0] == version:
            return cached[1]
        regional = any(self._topic_is_regional(topic, book) for topic in command.topics)
        self._regional_commands[command.code] = (version, regional)
        return regional

    def _topic_is_regional(self, topic: str, book: RegionBook) -> bool:
        national = self.directory.find(topic)
        cached = self._regional.get(topic)
        if cached is not None and cached[0] is national:  # the same answers: the directory is unchanged
            return cached[1]
        regional = any(self.directory.find(topic, code).scope in LOCAL_SCOPES for code in book.by_key.values())
        self._regional[topic] = (national, regional)
        return regional

    def region_question(self, command: Command, lang: str, script: str, book: RegionBook) -> Reply:
        """"Which region? 1 Бишкек … 9 Талас", after the short numbers that need no region (112)."""
        national = tuple(self.directory.find(topic) for topic in command.topics)
        key = (command.code, lang, script)
        cached = self._questions.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], national)):
            return cached[1]
        reply = self._question(command, lang, script, book)
        self._questions[key] = (national, reply)
        return reply

    def _question(self, command: Command, lang: str, script: str, book: RegionBook) -> Reply:
        optional = []
        for topic in command.topics:
            if self._topic_is_regional(topic, book):
                continue
            numbers = self.formatter.short_numbers(self.directory.find(topic))
            if numbers:
                optional.append(f"{book.topic(topic, lang) or topic}: {', '.join(numbers)}")
        question = f"{self.texts.get(lang, 'region_question')} {book.menu(lang)}"
        sms = self.renderer.fit(optional, [question], script)
        return Reply(sms, Menu("region", command.code), command=command.code)
