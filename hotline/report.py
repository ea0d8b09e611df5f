"""``flask report``: what callers did, read from the logs (calls and their paths, where callers
leave each menu, the texts nobody understood). Times are UTC, as stored."""

from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from hotline.extensions import db
from hotline.phones import to_e164
from hotline.timeutil import utcnow

report_cli = AppGroup("report", help="What callers did: call paths, menu drop-off, texts nobody understood.")

#: outcome → the column it is counted in (see hotline.voice.models.CallEvent.outcome)
ACTIONS = (("keys", ("route", "back", "operator", "language")), ("wrong key", ("other",)),
           ("silence", ("no_response",)), ("3 strikes", ("give_up",)))


def period(days: int, since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """[since, until): the dates given (midnight UTC), or the last ``days`` days up to now."""
    end = until or utcnow() + timedelta(seconds=1)
    return since or end - timedelta(days=days), end


def period_options(days: int):
    def decorate(command):
        for option in reversed((
            click.option("--days", default=days, show_default=True, help="How many days back, when --since is not given."),
            click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (UTC), included."),
            click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="To this day (UTC), not included."),
        )):
            command = option(command)
        return command
    return decorate


@report_cli.command("calls")
@period_options(days=7)
@click.option("--number", help="Only this caller's calls (any spelling of the number).")
@click.option("--limit", default=20, show_default=True, help="At most this many calls, newest first.")
def calls_command(days, since, until, number, limit):
    """Calls with each caller's path: the node, the key pressed, what it meant, where it led."""
    from hotline.voice.report import call_paths

    caller = None
    if number:
        caller = to_e164(number)
        if caller is None:
            raise click.BadParameter(f"{number!r} is not a phone number", param_hint="--number")
    start, end = period(days, since, until)
    paths = call_paths(db.session, start, end, caller, limit)
    if not paths:
        click.echo(f"no calls from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    for path in paths:
        duration = f", {path.duration_seconds} s" if path.duration_seconds is not None else ""
        click.secho(f"{path.started_at:%Y-%m-%d %H:%M:%S}  {path.caller or 'withheld'}  {path.direction}, "
                    f"{path.language or '-'}, {path.status}{duration}  {path.sid}", fg="cyan")
        for step in path.steps:
            key = f"[{step.digits}] " if step.digits else ""
            led = f" → {step.next_node}" if step.next_node else ""
            detail = f"  ({step.detail})" if step.detail else ""
            click.echo(f"  {step.at:%H:%M:%S}  {step.node}  {key}{step.outcome}{led}{detail}")


@report_cli.command("menus")
@period_options(days=7)
def menus_command(days, since, until):
    """For each node: the calls that reached it, what callers did there, and how many calls ended on
    it (drop-off). A node that ends calls by design (goodbye, an answered operator) ends them all."""
    from hotline.voice.report import menu_stats

    start, end = period(days, since, until)
    report = menu_stats(db.session, start, end, utcnow(), current_app.extensions["voice"].flows)
    click.echo(f"{report.calls} call{'' if report.calls == 1 else 's'} from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC, "
               f"{report.over} of them over")
    if not report.nodes:
        return
    width = max(len(stats.node) for stats in report.nodes)
    columns = ["reached", *(name for name, _ in ACTIONS), "ended here", "drop-off"]
    click.echo(f"{'node':<{width}}  " + "  ".join(f"{name:>10}" for name in columns))
    for stats in report.nodes:
        counts = [stats.reached, *(sum(stats.outcomes[o] for o in outcomes) for _, outcomes in ACTIONS), stats.ended]
        click.echo(f"{stats.node:<{width}}  " + "  ".join(f"{count:>10}" for count in counts)
                   + f"  {stats.drop_off:>9.0%}")


@report_cli.command("unmatched")
@period_options(days=30)
@click.option("--limit", default=50, show_default=True, help="At most this many texts, most frequent first.")
def unmatched_command(days, since, until, limit):
    """SMS that matched no command, grouped by their normalised text: candidates for new aliases in
    data/sms_commands.yaml."""
    from hotline.sms.report import unmatched_texts

    start, end = period(days, since, until)
    texts = unmatched_texts(db.session, start, end, limit)
    if not texts:
        click.echo(f"no unmatched messages from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
        return
    click.echo(f"{'messages':>8} {'numbers':>7}  {'last (UTC)':<16}  normalised text  (as one person typed it)")
    for text in texts:
        click.echo(f"{text.messages:>8} {text.numbers:>7}  {text.last_at:%Y-%m-%d %H:%M}  "
                   f"{text.normalized}  ({text.example})")


def init_app(app) -> None:
    app.cli.add_command(report_cli)
