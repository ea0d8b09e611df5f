"""A verdict as SMS parts, most important first: the outcome, the amount (or why not), where to go;
then what to do, by when, with which documents, and why ("1 – more")."""

from hotline.directory.cache import DirectoryCache
from hotline.eligibility import DOES_NOT_QUALIFY, MAY_QUALIFY, Rule, Verdict
from hotline.sms.check.words import SENTENCE_END, amount_clause, first_sentence, short_name
from hotline.sms.offices import OfficeFormatter
from hotline.sms.texts import SmsTexts


class VerdictWords:
    """Says a verdict in one language, with the office of the person's region from the directory."""

    def __init__(self, texts: SmsTexts, directory: DirectoryCache, formatter: OfficeFormatter):
        self.texts, self.directory, self.formatter = texts, directory, formatter

    def parts(self, rule: Rule, verdict: Verdict, turn) -> list[str]:
        """The verdict's parts for ``turn`` (a :class:`~hotline.sms.check.Turn`). A deadline's
        verdict is its date ("register by 05.07: 20 days left"), or that it has passed and why."""
        lang = turn.lang
        say = lambda text: text.in_language(lang)  # noqa: E731
        if rule.kind == "deadline":
            said = [say(deadline.text) for deadline in verdict.deadlines[:1]]
            said += [say(reason.text) for reason in verdict.reasons[:1] if verdict.status != MAY_QUALIFY]
            parts = list(dict.fromkeys(s for text in said for s in SENTENCE_END.split(text)))
        else:
            parts = [self.texts.get(lang, f"check_{verdict.status}", name=short_name(rule, lang))]
        if verdict.status == DOES_NOT_QUALIFY:
            parts.append(first_sentence(say(verdict.reasons[0].text)))
        elif verdict.amount is not None:
            parts.append(amount_clause(verdict, lang))
        parts.append(self.where(rule, turn))
        parts += [say(step) for step in verdict.next_steps]
        parts += [say(deadline.text) for deadline in verdict.deadlines]
        parts += [say(item.text) for item in verdict.documents]
        parts += [say(reason.text) for reason in verdict.reasons]
        parts += [say(item.text) for item in verdict.unverified + verdict.notes]
        return list(dict.fromkeys(parts))  # a first sentence may repeat its reason whole: keep one

    def where(self, rule: Rule, turn) -> str:
        """The nearest office of the rule's kind for the person's region, from the directory."""
        apply_at = rule.apply_at
        match = self.directory.find(apply_at.topic, turn.region, turn.place)
        for office in match.offices:
            if office.code in apply_at.offices or office.kind == apply_at.kind:
                line = self.formatter.line(office, turn.lang, local=True)
                if line:
                    return line
        return first_sentence(apply_at.text.in_language(turn.lang))
