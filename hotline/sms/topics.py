"""Topic answers by SMS: the fact first, where to go with a number, "2 – check", then "1 – more".

A topic (``data/sms_phrases.yaml``) answers in pages. Page 1 carries, in this order: the fact that
answers the likely question (from the rule's data), where to go (the office of the person's
region when the topic has a ``local`` directory topic and the region is known), the number that
can direct them, how to check by SMS when the topic has a rule, and "1 – more" last. The pages
after it hold the rule's documents, the command's offices and the rule's notes; for a command
whose offices depend on the region when none is known, the region question instead of the offices.
A page past the end is the first page again: never a dead end.

Pages are pure functions of the topic, the region, the language, the alphabet and the directory,
so they are memoised per process until the directory changes.
"""

from hotline.directory.cache import DirectoryCache
from hotline.eligibility import Rule
from hotline.sms.check import SmsChecks
from hotline.sms.check.words import check_form
from hotline.sms.commands import Command, CommandTable
from hotline.sms.conversation import Menu
from hotline.sms.directory import LOCAL_SCOPES, DirectoryAnswers
from hotline.sms.normalize import fold_for_match
from hotline.sms.offices import OfficeFormatter
from hotline.sms.phrases import Topic
from hotline.sms.regions import RegionBook
from hotline.sms.render import MAX_PAGES, RenderedSms, Renderer, Reply
from hotline.sms.texts import SmsTexts

MEMO_SIZE = 4096


class TopicAnswers:
    """The pages of each topic's answer, in one language and alphabet at a time."""

    def __init__(self, commands: CommandTable, texts: SmsTexts, renderer: Renderer, directory: DirectoryCache,
                 answers: DirectoryAnswers, formatter: OfficeFormatter, checks: SmsChecks):
        self.commands, self.phrases, self.texts, self.renderer = commands, commands.phrases, texts, renderer
        self.directory, self.answers, self.formatter, self.checks = directory, answers, formatter, checks
        self.callback = next((c for c in commands.commands.values() if c.action == "callback"), None)
        self._pages: dict[tuple, tuple[object, list[RenderedSms]]] = {}

    def default_for(self, command: Command) -> Topic | None:
        """The topic of a command's own keyword (KOMOK → the benefits there are), if it has one."""
        code = self.phrases.defaults.get(command.code)
        return self.phrases.topics[code] if code else None

    def answer(self, topic: Topic, region: str | None, place: str | None, page: int, question: str | None,
               lang: str, script: str, book: RegionBook) -> Reply:
        """Page ``page`` (from 1) of ``topic``'s answer where the person is."""
        command = self.commands.commands[topic.command]
        remember = dict(command=command.code, region=region, place=place, topic=topic.code)
        pages = self.pages(topic, region, place, question, lang, script, book)
        if page == len(pages) + 1 and region is None and self.answers.regional(command, book):
            asked = self.answers.region_question(command, lang, script, book)  # its offices need one
            return Reply(asked.sms, asked.menu, **remember)
        page = page if 1 <= page <= len(pages) else 1
        return Reply(pages[page - 1], Menu("more", command.code, region, place, page + 1, topic.code), **remember)

    def pages(self, topic: Topic, region: str | None, place: str | None, question: str | None, lang: str,
              script: str, book: RegionBook) -> list[RenderedSms]:
        key = (topic.code, region, place, question, lang, script)
        version = self.directory.version()
        cached = self._pages.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        command = self.commands.commands[topic.command]
        pages = [self.first_page(topic, command, region, place, question, lang, script, book)]
        documents, notes = self.details(topic, lang)
        # offices that depend on the region wait for it: the region question follows the details
        regional = region is None and self.answers.regional(command, book)
        offices = [] if regional else self.answers.parts(command, region, place, lang, script, book)
        more = self.renderer.whole(documents, script, self.texts.get(lang, "more")) + offices + self.renderer.whole(notes, script, self.texts.get(lang, "more"))
        pages += self.paginate(more, self.call(topic, lang), lang, script)
        if len(self._pages) >= MEMO_SIZE:
            self._pages.clear()
        self._pages[key] = (version, pages)
        return pages

    def first_page(self, topic: Topic, command: Command, region: str | None, place: str | None,
                   question: str | None, lang: str, script: str, book: RegionBook) -> RenderedSms:
        """Fact, where, number, check, "1 – more": the fullest of these that fits the budget, the
        fact always first and "more" always last."""
        fact, more = topic.fact_for(question).in_language(lang), self.texts.get(lang, "more")
        where, call = self.where(topic, lang), self.call(topic, lang)
        checks = self.check_hints(topic, command, lang)
        # What gives way when it does not all fit: the check hint, the local office's name, where
        # to go (never the number)
        wheres = [w for line in self.local(topic, region, place, lang, book) for w in ([line, call], [line])]
        wheres += [[where, call], [call]]
        candidates = [[fact, *w, c, more] for w in wheres for c in [*checks, None]] + [[fact, more]]
        for parts in candidates:
            sms = self.renderer.render([p for p in parts if p], script)
            if not sms.dropped and not sms.truncated:
                return sms
        return self.renderer.render([fact], script, more)

    def where(self, topic: Topic, lang: str) -> str | None:
        return topic.where.in_language(lang) if topic.where else None

    def call(self, topic: Topic, lang: str) -> str | None:
        """"Министрлик: +996312454062": the number (or website) that can direct them; for a topic
        whose documents give none, the hotline's own "ЧАЛ – we call you back"."""
        if topic.call.office is None:
            if self.callback is None:
                return None
            label = self.callback.label_ru if lang == "ru" else self.callback.label_ky
            return f"{self.callback.keyword_cyrillic} – {label}"
        for office in self.directory.offices((topic.call.office,)):
            phones = office.callable_phones()
            reach = phones[0].number if phones else office.website
            if reach:
                unverified = "" if office.verified else " " + self.texts.get(lang, "unverified")
                return f"{topic.call.label.in_language(lang)}: {reach}{unverified}"
        return None

    def local(self, topic: Topic, region: str | None, place: str | None, lang: str, book: RegionBook) -> list[str]:
        """The first office of the topic's ``local`` directory topic in the person's region that
        has a number, the region named unless the office's name does ("Бишкек: Координационный
        центр юридической помощи: +996312626210"), then the same in short ("Центр юрпомощи,
        Бишкек: +996312626210"); none when the region is not known or has no such office."""
        if topic.local is None or region is None:
            return []
        match = self.directory.find(topic.local, region, place)
        if match.scope not in LOCAL_SCOPES:
            return []
        named = book.name(place if match.scope == "place" else match.region, lang)
        key = fold_for_match(named or "")
        # the kind of office the rule sends people to, then the one of the place they named
        # (Нарындагы … before Кочкордогу … for "Нарын")
        rule = self.checks.topic_rules.get(topic.code)
        kind = rule.apply_at.kind if rule else None
        offices = sorted(match.offices, key=lambda office: (office.kind != kind,
                                                             key not in fold_for_match(office.name(lang))))
        for office in offices:
            phones = office.callable_phones()
            if phones:
                line = f"{office.name(lang)}: {phones[0].number}"
                short = f"{self.where(topic, lang) or office.name(lang)}, {named}: {phones[0].number}"
                return [line if not key or key in fold_for_match(line) else f"{named}: {line}", short]
        return []

    def check_hints(self, topic: Topic, command: Command, lang: str) -> list[str]:
        """How to check by SMS, longest first: the one-shot form when the command's keyword asks
        the topic's rule (КӨМӨК <үй-бүлө> …), then "2 – check"."""
        rule: Rule | None = self.checks.rule_for(command.code, topic.code) if topic.rule else None
        if rule is None:
            return []
        hints = [self.texts.get(lang, "check_hint")]
        if self.checks.one_shot_form(command.code, topic.code):
            hints.insert(0, self.texts.get(lang, "check_form", form=check_form(command, lang)))
        return hints

    def details(self, topic: Topic, lang: str) -> tuple[list[str], list[str]]:
        """What "1 – more" says before the offices (the rule's documents: what to bring), and after
        them (its undated deadlines and notes): those that hold for everyone; the rest waits for
        the check."""
        rule = self.checks.topic_rules.get(topic.code)
        if rule is None:
            return [], []
        say = lambda items: [i.text.in_language(lang) for i in items if i.when is None]  # noqa: E731
        before = say(rule.documents)
        after = say(d for d in rule.deadlines if d.date is None) + say(rule.notes)
        return before, [part for part in dict.fromkeys(after) if part not in before]

    def paginate(self, parts: list[str], call: str | None, lang: str, script: str) -> list[RenderedSms]:
        """Pages of whole parts, "1 – more" ending all but the last; a page naming an office "in
        your district" gets ``call``, the number that can direct them, unless it has it already."""
        hint, pages, start = self.texts.get(lang, "more"), [], 0
        reach = call.rsplit(": ", 1)[-1] if call else "\0"
        networks = [self.texts.get(lang, f"network_{kind}") for kind in ("district", "oblast", "settlement")]
        while start < len(parts) and len(pages) < MAX_PAGES:
            for end in range(len(parts), start, -1):
                chunk = parts[start:end]
                alone = any(n in p for p in chunk for n in networks) and not any(reach in p for p in chunk)
                body = chunk + ([call] if alone and call else []) + ([hint] if end < len(parts) else [])
                sms = self.renderer.render(body, script)
                if not sms.dropped and not sms.truncated:
                    break
            pages.append(sms)
            start = end
        return pages
