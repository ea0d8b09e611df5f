"""Directory commands by SMS: the offices for a command's topics, page by page, or first the region.

The directory answers are memoised per process by :class:`~hotline.directory.cache.DirectoryCache`;
the pages rendered from them are memoised here, keyed by the answers themselves: when the directory
changes, the cache hands out new answer objects and the pages are rendered again.
"""

from hotline.directory.cache import DirectoryCache, MatchView
from hotline.sms.conversation import Menu
from hotline.sms.offices import OfficeFormatter, Section
from hotline.sms.regions import RegionBook
from hotline.sms.render import RenderedSms, Renderer, Reply
from hotline.sms.commands import Command
from hotline.sms.texts import SmsTexts

#: Scopes whose offices are named for a region or place (the others are national).
LOCAL_SCOPES = ("place", "region", "fallback")


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
        page = page if page <= len(pages) else 1  # past the end: the first page again, never a dead end
        more = Menu("more", command.code, region, place, page + 1) if page < len(pages) or footer else None
        return Reply(pages[page - 1], more, **remember)

    def pages(self, command: Command, region: str | None, place: str | None, lang: str, script: str,
              book: RegionBook, footer: str | None = None) -> list[RenderedSms]:
        """The pages of the answer; the first ends with ``footer`` (how to check by SMS), if any."""
        matches = tuple(self.directory.find(topic, region, place) for topic in command.topics)
        key = (command.code, region, place, lang, script, footer)
        cached = self._pages.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], matches)):
            return cached[1]
        parts = self.parts(command, region, place, lang, script, book)
        pages = self.renderer.paginate(parts, script, self.texts.get(lang, "more"), footer)
        self._pages[key] = (matches, pages)
        return pages

    def parts(self, command: Command, region: str | None, place: str | None, lang: str, script: str,
              book: RegionBook) -> list[str]:
        """One part per office of the command's topics where the person is, most important first."""
        matches = [self.directory.find(topic, region, place) for topic in command.topics]
        sections = [Section(m, book.name(place if m.scope == "place" else m.region, lang)
                            if m.scope in LOCAL_SCOPES else None, book.topic(topic, lang), m.scope in LOCAL_SCOPES)
                    for topic, m in zip(command.topics, matches)]
        return self.formatter.parts(sections, lang, compact=script == "cyrillic")

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
