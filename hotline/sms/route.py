"""What to answer a message: a command, a numeric menu choice, or the list of commands.

Every menu has a stateless long form, so a digit never depends on the menu being remembered:

- the region question of a command: ``JARDAM 9`` (9 = Talas, the keypad keys of regions.yaml);
- "1 – more" of an answer: ``KOMOK OSH 2`` / ``KOMOK 3 2`` (region, then the page); a page past
  the end (``ROSSIYA 12``) is the first page again;
- the numbered command list: ``MENU 3``;
- the language: ``TIL 1`` (Kyrgyz), ``TIL 2`` (Russian).
"""

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from hotline.callbacks.requests import request_callback
from hotline.sms import record
from hotline.sms.directory import DirectoryAnswers
from hotline.sms.render import Renderer, Reply
from hotline.sms.callback import CallbackPromise
from hotline.sms.check.read import is_check_form
from hotline.sms.check import SmsChecks, Turn
from hotline.sms.parse import ParsedMessage
from hotline.sms.conversation import Conversation, Menu
from hotline.sms.regions import RegionBook
from hotline.sms.commands import Command, CommandTable
from hotline.sms.texts import SmsTexts
from hotline.sms.topics import TopicAnswers
from hotline.callers import save_language

LANGUAGE_KEYS = {1: "ky", 2: "ru"}


@dataclass(frozen=True)
class Context:
    """One message's circumstances: who, when, in which language and alphabet to answer."""

    conversation: Conversation
    menu: Menu | None  # the menu a bare digit answers (None once SMS_MENU_HOURS have passed)
    lang: str
    script: str
    now: datetime
    book: RegionBook


class Replies:
    """Routes a parsed message to its answer; writes what the answer promises (CHAL, TIL, STOP) in the
    message's transaction."""

    def __init__(self, commands: CommandTable, texts: SmsTexts, renderer: Renderer,
                 directory: DirectoryAnswers, promise: CallbackPromise, checks: SmsChecks, topics: TopicAnswers):
        self.commands, self.texts, self.renderer = commands, texts, renderer
        self.directory, self.promise, self.checks, self.topics = directory, promise, checks, topics
        # the numbered list: what people ask about, then CHAL and TIL (MENU, STOP, START are words)
        self.numbered = [c for c in commands.menu() if c.action not in ("menu", "opt_out", "opt_in")][:9]
        self._command_lists: dict[tuple[str, str, str, bool], Reply] = {}

    def answer(self, parsed: ParsedMessage, ctx: Context) -> Reply:
        """The reply to ``parsed`` (not capped: the caller checked the flood cap)."""
        if ctx.menu is not None and ctx.menu.kind == "check" and not leaves_check(parsed):
            return self.checks.answer(ctx.menu, parsed.normalized.split(), stored_check(ctx), turn(ctx))
        if parsed.kind == "command":
            command = self.commands.commands[parsed.command]
            return self.command(command, parsed.region, parsed.place, list(parsed.numbers), ctx,
                                parsed.topic, parsed.question, dict(parsed.answers))
        if parsed.kind == "menu_reply":
            return self.menu_choice(ctx.menu, parsed.numbers[0], ctx)
        if parsed.region is not None:
            return self.region_only(parsed.region, parsed.place, ctx)
        last = self.commands.commands.get(ctx.conversation.last_command or "")
        topic = self.topics.default_for(last) if last and parsed.question else None
        if topic is not None:  # "канча?" after KOMOK: the same topic, for that question
            return self.topic(topic, None, None, 1, parsed.question, ctx)
        return self.command_list(ctx, "unmatched_lead", unmatched=True)

    def apply_only(self, parsed: ParsedMessage, number: str) -> None:
        """What a message past the flood cap still does: opting out or back in."""
        action = self.commands.commands[parsed.command].action if parsed.kind == "command" else None
        if action == "opt_out":
            record.opt_out(number)
        elif action == "opt_in":
            record.opt_in(number)

    # -- commands -----------------------------------------------------------------------------

    def command(self, command: Command, region: str | None, place: str | None, numbers: list[int],
                ctx: Context, topic: str | None = None, question: str | None = None,
                answers: dict | None = None) -> Reply:
        action = command.action
        if action == "directory":
            return self.directory_command(command, region, place, numbers, ctx, topic, question, answers)
        if action == "callback":
            return self.callback(command, ctx)
        if action == "language":
            choice = LANGUAGE_KEYS.get(numbers[0]) if numbers else None
            return self.language(choice, ctx)
        if action == "menu":
            if numbers:
                return self.menu_choice(Menu("commands"), numbers[0], ctx)
            return replace(self.command_list(ctx, "commands_lead"), command=command.code)
        if action == "opt_out":
            cancelled = record.opt_out(ctx.conversation.number)
            keys = ["stop"] + (["stop_callback_cancelled"] if cancelled else [])
            return self.both_languages(keys, command, ctx)
        record.opt_in(ctx.conversation.number)
        return self.both_languages(["start"], command, ctx)

    def directory_command(self, command: Command, region: str | None, place: str | None,
                          numbers: list[int], ctx: Context, topic: str | None = None,
                          question: str | None = None, answers: dict | None = None) -> Reply:
        """``KOMOK``, ``KOMOK OSH``, ``KOMOK 4``, ``KOMOK OSH 2``: region by name or key, then page;
        the page of the topic the text names (``балага суйунчу``), else of the command's own.

        A command whose answer is the same everywhere (BALA) never asks for a region, so its one
        number is the page: ``BALA 2`` is the long form of "1 – more" after ``BALA``. Numbers with
        their unit answer the topic's rule (``россия келдим 10 кун``: the deadline)."""
        remembered = (region, place) if region else (ctx.conversation.region, ctx.conversation.place)
        if topic and answers:
            reply = self.checks.with_answers(command, topic, answers, turn(ctx, *remembered))
            if reply is not None:
                return replace(reply, region=region, place=place)
        if (self.checks.rule_for(command.code) and is_check_form(numbers)
                and (topic is None or self.checks.one_shot_form(command.code, topic))):
            return replace(self.checks.one_shot(command, numbers, turn(ctx, *remembered)), region=region, place=place)
        chosen = self.commands.phrases.topics[topic] if topic else self.topics.default_for(command)
        regional = self.directory.regional(command, ctx.book)
        if region is None and regional and numbers and numbers[0] in ctx.book.by_key:
            region = ctx.book.by_key[numbers.pop(0)]
        page = numbers[0] if numbers and numbers[0] >= 1 else 1
        named = region is not None
        if not named:
            region, place = ctx.conversation.region, ctx.conversation.place
        if chosen is not None:
            reply = self.topic(chosen, region, place, page, question, ctx)
        elif region is None and regional:
            return self.directory.region_question(command, ctx.lang, ctx.script, ctx.book)
        else:
            reply = self.offices(command, region, place, page, ctx)
        return reply if named else replace(reply, region=None, place=None)

    def topic(self, topic, region: str | None, place: str | None, page: int, question: str | None,
              ctx: Context) -> Reply:
        return self.topics.answer(topic, region, place, page, question, ctx.lang, ctx.script, ctx.book)

    def offices(self, command: Command, region: str | None, place: str | None, page: int, ctx: Context) -> Reply:
        """The command's offices where the person is, page by page (its check form on page 1)."""
        return self.directory.answer(command, region, place, page, ctx.lang, ctx.script, ctx.book,
                                     self.checks.footer(command, ctx.lang))

    def region_only(self, region: str, place: str | None, ctx: Context) -> Reply:
        """``Ош``: what do you need there? The command list, and the region remembered."""
        lead = self.texts.get(ctx.lang, "region_only", region=ctx.book.name(place or region, ctx.lang))
        return replace(self.command_list(ctx, lead), region=region, place=place)

    def callback(self, command: Command, ctx: Context) -> Reply:
        """CHAL: record the request, say when to expect the call."""
        number, now = ctx.conversation.number, ctx.now.replace(tzinfo=timezone.utc)
        result = request_callback(number, source="sms", language=ctx.lang, topic=ctx.conversation.last_command,
                                  now=now)
        text = self.promise.text(result, number, ctx.lang)
        return Reply(self.renderer.render([text], ctx.script), command=command.code)

    def language(self, choice: str | None, ctx: Context) -> Reply:
        """TIL: switch to ``choice``, or to the other language; remembered for calls too."""
        lang = choice or ("ky" if (ctx.conversation.preferred or "ky") == "ru" else "ru")
        save_language(ctx.conversation.number, lang)
        sms = self.renderer.render([self.texts.get(lang, "language_set")], ctx.script)
        return Reply(sms, Menu("language"), command="language", language=lang)

    def both_languages(self, keys: list[str], command: Command, ctx: Context) -> Reply:
        """A confirmation in Kyrgyz and Russian (STOP and START must be understood by everyone)."""
        parts = [" ".join(self.texts.get(lang, key) for key in keys) for lang in ("ky", "ru")]
        return Reply(self.renderer.render(parts, ctx.script), command=command.code)

    # -- menus --------------------------------------------------------------------------------

    def menu_choice(self, menu: Menu | None, digit: int, ctx: Context) -> Reply:
        """A bare digit (or a long form) answering ``menu``; no menu open: the command list."""
        if menu is None:
            return self.command_list(ctx, "unmatched_lead", unmatched=True)
        if menu.kind == "region" and digit in ctx.book.by_key:
            command = self.commands.commands[menu.command]
            region = ctx.book.by_key[digit]
            return replace(self.offices(command, region, None, 1, ctx), region=region, place=None)
        if menu.kind == "more" and digit == 1 and menu.topic in self.commands.phrases.topics:
            return self.topic(self.commands.phrases.topics[menu.topic], menu.region, menu.place, menu.page, None, ctx)
        if menu.kind == "more" and digit == 1:
            command = self.commands.commands[menu.command]
            return self.offices(command, menu.region, menu.place, menu.page, ctx)
        if menu.kind == "more" and digit == 2 and self.checks.rule_for(menu.command, menu.topic):
            return self.checks.start(self.commands.commands[menu.command], turn(ctx), menu.topic)
        if menu.kind == "verdict" and digit == 1:
            return self.checks.verdict_page(menu, stored_check(ctx), turn(ctx))
        if menu.kind == "commands" and 1 <= digit <= len(self.numbered):
            return self.command(self.numbered[digit - 1], None, None, [], ctx)
        if menu.kind == "language" and digit in LANGUAGE_KEYS:
            return self.language(LANGUAGE_KEYS[digit], ctx)
        return self.bad_choice(menu, ctx)

    def bad_choice(self, menu: Menu, ctx: Context) -> Reply:
        """"No such choice", then the same menu again (it stays open)."""
        wrong = self.texts.get(ctx.lang, "bad_choice")
        if menu.kind == "commands":
            return self.command_list(ctx, "bad_choice")
        if menu.kind == "region":
            command = self.commands.commands[menu.command]
            asked = self.directory.region_question(command, ctx.lang, ctx.script, ctx.book)
            return replace(asked, sms=self.renderer.fit([wrong], [asked.sms.text], ctx.script))
        again = self.texts.get(ctx.lang, "more" if menu.kind in ("more", "verdict") else "language_set")
        return Reply(self.renderer.render([wrong, again], ctx.script), menu, command=menu.command)

    def command_list(self, ctx: Context, lead: str, unmatched: bool = False) -> Reply:
        """The numbered commands, with labels when they fit, else shorter: the same few replies
        (language, alphabet, lead: a key of the texts, or a text), made once each."""
        key = (ctx.lang, ctx.script, lead, unmatched)
        reply = self._command_lists.get(key)
        if reply is None:
            reply = self._command_lists[key] = self._command_list(ctx.lang, ctx.script, lead, unmatched)
        return reply

    def _command_list(self, lang: str, script: str, lead: str, unmatched: bool) -> Reply:
        latin = script == "latin"
        keyword = lambda c: c.keyword if latin else c.keyword_cyrillic  # noqa: E731
        label = lambda c: c.label_ru if lang == "ru" else c.label_ky  # noqa: E731
        short = lambda c: label(c).split(",")[0]  # noqa: E731
        lead_text = self.texts.get(lang, lead) if lead in self.texts.texts[lang] else lead
        if lead != "commands_lead":
            lead_text += " " + self.texts.get(lang, "commands_lead")
        candidates = [
            [f"{i} {keyword(c)} – {label(c)}" for i, c in enumerate(self.numbered, 1)],
            [f"{i} {keyword(c)} – {short(c)}" for i, c in enumerate(self.numbered, 1)],
            # Russian speakers need the meaning more than the Kyrgyz keyword
            [f"{i} {short(c) if lang == 'ru' else keyword(c)}" for i, c in enumerate(self.numbered, 1)],
        ]
        for items in candidates:
            sms = self.renderer.render([lead_text] + items, script)
            if not sms.dropped and not sms.truncated:
                break
        return Reply(sms, Menu("commands"), unmatched=unmatched)


def leaves_check(parsed: ParsedMessage) -> bool:
    """Whether a message ends an open check: another command does, a number never does (even
    one that is also a keyword, like 112 or 1227)."""
    return parsed.kind == "command" and not parsed.normalized.replace(" ", "").isdigit()


def stored_check(ctx: Context) -> tuple[str | None, str | None]:
    return ctx.conversation.check_rule, ctx.conversation.check_answers


def turn(ctx: Context, region: str | None = None, place: str | None = None) -> Turn:
    """What a check needs of the context; the region named in the message, else the remembered one."""
    if region is None:
        region, place = ctx.conversation.region, ctx.conversation.place
    return Turn(ctx.lang, ctx.script, ctx.now, region, place)
