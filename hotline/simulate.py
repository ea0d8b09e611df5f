"""``flask simulate call`` and ``flask simulate sms``: the channels without a phone, through the real webhooks."""

import uuid

import click
from flask import current_app
from flask.cli import AppGroup

simulate_cli = AppGroup("simulate", help="Try the hotline without a phone.")


@simulate_cli.command("call")
@click.option("--from", "caller", default="+79261234567", show_default=True, help="The caller's number.")
@click.option("--to", default="+996312000000", show_default=True, help="The hotline number dialled.")
@click.option("--digits", default="", help="Keys for each menu, comma-separated; '-' is silence (e.g. 1,3,1,4).")
@click.option("--dial-status", default="no-answer", show_default=True, help="How an operator <Dial> ends.")
def call_command(caller, to, digits, dial_status):
    """Print what the caller hears at each step, following the TwiML as Twilio would."""
    from hotline.voice.simulate import CallSimulator

    inputs = [d.strip() for d in digits.split(",") if d.strip()]
    # a CallSid of its own, as Twilio gives every call: the log keeps each simulated call apart
    simulator = CallSimulator(current_app, caller=caller, to=to, sid="CA" + uuid.uuid4().hex, dial_status=dial_status)
    turns = simulator.run(inputs)
    for turn in turns:
        click.secho(f"[{turn.node or 'end'}]  {' '.join(turn.verbs)}", fg="cyan")
        for line in turn.said:
            click.echo(f"  {line}")
        if turn.input is not None:
            click.secho(f"  > {'(silence)' if turn.input == '-' else turn.input}", fg="yellow")
    # the keys ran out, or the hotline hung up: the call ends, and Twilio says so
    seconds = simulator.hang_up(turns)
    click.secho(f"[call over after about {seconds} s: {simulator.sid}]", fg="cyan")
    for message in sent_during(simulator.sid):
        click.secho(f"SMS to {message.caller} ({message.segments} segment{'s' if message.segments != 1 else ''}, "
                    f"{message.encoding}, {message.status}):", fg="cyan")
        click.echo(message.body)


def sent_during(call_sid: str) -> list:
    """The SMS a call asked for ("press 1 to get this by SMS"), from the outbox, in order."""
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.messaging.models import SmsMessage

    return list(db.session.scalars(select(SmsMessage).where(
        SmsMessage.call_sid == call_sid, SmsMessage.direction == SmsMessage.OUTBOUND).order_by(SmsMessage.id)))


@simulate_cli.command("sms")
@click.argument("messages", nargs=-1, required=True)
@click.option("--from", "caller", default="+996555123456", show_default=True, help="The sender's number.")
@click.option("--to", default="+996312000000", show_default=True, help="The hotline number texted.")
def sms_command(messages, caller, to):
    """Text MESSAGES in turn (e.g. "KOMOK" "3") and print each reply with its segment count."""
    from hotline.sms.simulate import SmsSimulator

    simulator = SmsSimulator(current_app, caller=caller, to=to)
    for exchange in simulator.conversation(list(messages)):
        click.secho(f"> {exchange.sent}", fg="yellow")
        if exchange.reply is None:
            click.secho("(no reply)", fg="cyan")
            continue
        click.echo(exchange.reply)
        segments = exchange.segments
        click.secho(f"[{segments.segments} segment{'s' if segments.segments != 1 else ''}, {segments.encoding}, "
                    f"{segments.units} {'septets' if segments.encoding == 'GSM-7' else 'UTF-16 units'}]", fg="cyan")


def init_app(app) -> None:
    app.cli.add_command(simulate_cli)
