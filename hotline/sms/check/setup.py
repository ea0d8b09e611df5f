"""Which command asks which eligibility rule by SMS: checked once, when the app starts."""

from hotline.eligibility import Rule
from hotline.sms.commands import CommandTable


class CheckSetupError(ValueError):
    """A rule's SMS keyword and the command table disagree (checked when the app starts)."""


def link_rules(rules: dict[str, Rule], commands: CommandTable) -> dict[str, Rule]:
    """Command code → the rule it checks: the rule whose ``sms_keyword`` is the command's keyword.

    Both sides must agree, or a person would be told an order of numbers the rule does not take."""
    by_keyword = {c.keyword: c for c in commands.commands.values()}
    linked: dict[str, Rule] = {}
    for rule in rules.values():
        if not rule.sms_keyword:
            continue
        command = by_keyword.get(rule.sms_keyword)
        if command is None or command.action != "directory":
            raise CheckSetupError(f"rule {rule.id}: sms_keyword {rule.sms_keyword} is no directory command")
        if command.code in linked:
            raise CheckSetupError(f"rules {linked[command.code].id} and {rule.id} share {rule.sms_keyword}")
        if len(command.check.get("ky", ())) != len(rule.sms_order):
            raise CheckSetupError(f"command {command.code}: 'check' needs one label per number of "
                                  f"{rule.id}'s sms_order ({', '.join(rule.sms_order)})")
        linked[command.code] = rule
    for command in commands.commands.values():
        if command.check and command.code not in linked:
            raise CheckSetupError(f"command {command.code} has a check form but no rule has its keyword")
    return linked


def link_topics(rules: dict[str, Rule], phrases) -> dict[str, Rule]:
    """Topic code → the rule its facts come from (``data/sms_phrases.yaml``), checked when the app
    starts: the rule exists, and every question a topic's numbers answer is one of its questions."""
    linked: dict[str, Rule] = {}
    for topic in phrases.topics.values():
        if topic.rule is None:
            continue
        rule = rules.get(topic.rule)
        if rule is None:
            raise CheckSetupError(f"{phrases.path.name}, topic {topic.code}: no rule {topic.rule!r} in data/rules")
        asked = {question.id for question in rule.questions}
        for question in topic.numbers:
            if question not in asked:
                raise CheckSetupError(f"{phrases.path.name}, topic {topic.code}, field 'numbers': "
                                      f"{topic.rule} asks no question {question!r}")
        linked[topic.code] = rule
    return linked
