"""The voice channel: Twilio webhooks that walk callers through ``ivr_flows``.

``init_app`` loads and checks the flows and the prompt catalogue (the app refuses to start when
they are invalid), builds the engine, and registers the webhooks and the ``flask flows`` commands.
"""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from audio.cache import AudioCache
from audio.catalogue import PROMPTS_DIR, Catalogue
from hotline.directory.cache import DirectoryCache
from hotline.hours import SettingError
from hotline.voice import models  # noqa: F401  (the tables, for migrations)
from hotline.voice.engine import VoiceEngine, service_hours
from hotline.voice.operators import operator_numbers
from hotline.voice.speech import Speech
from ivr_flows import FLOWS_DIR, FlowError, FlowSet, load_flows

flows_cli = AppGroup("flows", help="Check the voice menus, or draw them.")


def load_checked_flows(catalogue: Catalogue, directory: Path = FLOWS_DIR, rules=None) -> FlowSet:
    """The flows, checked against the catalogue (every prompt in every language) and, given the
    eligibility ``rules`` (ids), against them (an eligibility node must name one of them)."""
    problems = [f"prompt '{pid}' is missing in {lang}" for lang, ids in catalogue.missing().items() for pid in ids]
    try:
        flows = load_flows(directory, prompts={lang: set(p) for lang, p in catalogue.prompts.items()},
                           rules=set(rules) if rules is not None else None)
    except FlowError as exc:
        raise FlowError(problems + exc.problems) from None
    if problems:
        raise FlowError(problems)
    return flows


def init_app(app: Flask) -> None:
    from hotline import ConfigurationError

    catalogue = Catalogue.load(app.config.get("PROMPTS_DIR", PROMPTS_DIR))
    try:
        flows = load_checked_flows(catalogue, Path(app.config.get("FLOWS_DIR", FLOWS_DIR)),
                                   rules=app.extensions["eligibility"])
    except FlowError as exc:
        raise ConfigurationError("the voice flows are invalid:\n" + str(exc)) from None
    try:
        app.config["OPERATOR_NUMBER_LIST"] = operator_numbers(app.config["OPERATOR_NUMBERS"])
        app.config["OPERATOR_SERVICE_HOURS"] = service_hours(app.config)
    except SettingError as exc:
        raise ConfigurationError(str(exc)) from None
    directory = app.extensions.setdefault("directory_cache", DirectoryCache(app.config["DIRECTORY_CACHE_SECONDS"]))
    app.extensions["voice"] = VoiceEngine(flows, Speech(catalogue, directory), AudioCache(app.config["AUDIO_DIR"]),
                                          rules=app.extensions["eligibility"])
    from hotline.voice.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(flows_cli)


@flows_cli.command("check")
@click.option("--timing", is_flag=True, help="Also play the everyday tasks (ivr_flows/timing/tasks.yaml) as first "
              "and returning calls: keys and seconds of speech to the answer, against the targets.")
@with_appcontext
def check_command(timing):
    """Check every flow file: nodes, exits, prompts in both languages, rules, reachability."""
    try:
        flows = load_checked_flows(Catalogue.load(current_app.config.get("PROMPTS_DIR", PROMPTS_DIR)),
                                   Path(current_app.config.get("FLOWS_DIR", FLOWS_DIR)),
                                   rules=current_app.extensions["eligibility"])
    except FlowError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    nodes = sum(len(flow.nodes) for flow in flows.flows.values())
    click.echo(f"{len(flows.flows)} flows, {nodes} nodes: ok")
    if timing:
        timing_report()


def timing_report() -> None:
    """Print the timing table and the targets; exit 1 when a target is missed."""
    from hotline.voice import timing

    voice = current_app.extensions["voice"]
    results = timing.measure(current_app.config, timing.load_tasks())
    prompts = timing.menu_prompts(voice.flows, voice.speech.catalogue, voice.audio)
    click.echo(timing.table(results))
    estimated = sum(r.first.estimated + r.returning.estimated for r in results)
    if estimated:
        click.echo(f"(est.: seconds without audio, estimated at {timing.CHARACTERS_PER_SECOND:g} characters a "
                   f"second; {estimated:.0f} s in all: run flask audio build to time them)")
    longest = ", ".join(f"{pid} {seconds:.1f} s" for pid, seconds, _ in prompts[:3])
    click.echo(f"longest menu prompts: {longest}")
    missed = 0
    for name, value, target, met in timing.summary(results, prompts):
        missed += not met
        click.echo(f"{name}: {value:.1f} s (target {'<' if name == 'menu_prompt' else '≤'} {target:g} s) "
                   f"{'ok' if met else 'MISSED'}")
    if missed:
        raise SystemExit(1)


@flows_cli.command("graph")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="-", help="File to write (default: stdout).")
@with_appcontext
def graph_command(output):
    """Write the menu tree as a Mermaid diagram (paste into any Mermaid viewer, or GitHub)."""
    from ivr_flows.graph import mermaid

    text = mermaid(current_app.extensions["voice"].flows, current_app.extensions["voice"].speech.catalogue)
    if output == "-":
        click.echo(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
