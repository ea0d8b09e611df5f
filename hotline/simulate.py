"""``flask simulate call`` and ``flask simulate sms``: the channels without a phone, through the real webhooks."""

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
    simulator = CallSimulator(current_app, caller=caller, to=to, dial_status=dial_status)
    for turn in simulator.run(inputs):
        click.secho(f"[{turn.node or 'end'}]  {' '.join(turn.verbs)}", fg="cyan")
        for line in turn.said:
            click.echo(f"  {line}")
        if turn.input is not None:
            click.secho(f"  > {'(silence)' if turn.input == '-' else turn.input}", fg="yellow")
    current_app.extensions["voice"].events.flush()


def init_app(app) -> None:
    app.cli.add_command(simulate_cli)
