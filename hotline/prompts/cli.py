"""``flask audio build`` and ``flask audio list``: render the prompts and directory rows, or show them."""

import time
from collections import defaultdict

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from audio.cache import BuildSummary, SpeechItem
from audio.engines import EngineUnavailable
from hotline.prompts import render

audio_cli = AppGroup("audio", help="Render the spoken prompts and directory rows, or list where they come from.")


def _items(prompts_only: bool) -> list[SpeechItem]:
    try:
        return render.speech_items(prompts_only=prompts_only)
    except SQLAlchemyError as exc:  # the directory rows come from the database
        raise click.ClickException(
            f"cannot read the directory ({type(exc).__name__}): run flask db upgrade and flask seed, "
            "or build with --prompts-only"
        ) from None


def _label(item: SpeechItem | None) -> str:
    return f"{item.lang} {item.key}" if item else ""


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} kB"


def _report(summary: BuildSummary, total: int, took: float) -> None:
    click.echo(f"{total} items: rendered {summary.rendered}, cached {summary.cached}, "
               f"failed {len(summary.failed)}")
    click.echo(f"audio: {_size(summary.bytes)} ({summary.bytes:,} bytes), {summary.seconds:,.1f} s of speech; "
               f"built in {took:.1f} s")
    # One line per language and reason: a missing engine fails every item of its language alike.
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    for failure in summary.failed:
        failures[failure.lang, failure.reason].append(failure.key)
    for (lang, reason), keys in sorted(failures.items()):
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        click.echo(f"failed in {lang!r}: {reason} ({shown})", err=True)


@audio_cli.command("build")
@click.option("--check", is_flag=True, help="Render nothing: list what has no audio, and fail if anything.")
@click.option("--prompts-only", is_flag=True, help="Only the prompts and the checks' questions, not the directory rows (quick).")
@with_appcontext
def build_command(check: bool, prompts_only: bool) -> None:
    """Render every prompt and spoken directory row that has no audio yet, in every language.

    Files are named by a hash of engine, voice and text: unchanged text is never rendered again.
    """
    items = _items(prompts_only)
    if check:
        missing = render.audio_cache().check(items)
        for item in missing:
            click.echo(f"missing {item.lang} {item.key}")
        if missing:
            raise click.ClickException(f"{len(missing)} of {len(items)} items have no audio: run flask audio build")
        click.echo(f"all {len(items)} items have audio")
        return
    try:
        voices = render.voices()
    except (ValueError, EngineUnavailable) as exc:
        raise click.ClickException(f"{exc} (check AUDIO_ENGINES_KY / AUDIO_ENGINES_RU)") from None
    started = time.perf_counter()
    with click.progressbar(length=len(items), label="rendering", item_show_func=_label, width=30) as bar:
        summary = render.audio_cache().build(items, voices, lambda done, total, item, outcome: bar.update(1, item))
    _report(summary, len(items), time.perf_counter() - started)
    if summary.failed:
        raise click.ClickException(f"{len(summary.failed)} items have no audio (callers hear <Say> instead)")


@audio_cli.command("list")
@click.option("--offices", is_flag=True, help="Also the spoken directory rows (office:<code>).")
@with_appcontext
def list_command(offices: bool) -> None:
    """Each prompt and check question (rule:<id>:…), with the source of its audio per language:
    recorded, synthesised or missing."""
    cache = render.audio_cache()
    items = _items(prompts_only=not offices)
    # Built for other words (the text changed since) is as good as missing: calls hear <Say>.
    stale = {(item.lang, item.key) for item in cache.check(items)}
    sources: dict[str, dict[str, str]] = defaultdict(dict)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in items:
        source = "missing" if (item.lang, item.key) in stale else cache.source_of(item.lang, item.key)
        sources[item.key][item.lang] = source
        counts[item.lang][source] += 1
    width = max((len(key) for key in sources), default=0)
    for key, by_lang in sources.items():
        click.echo(f"{key:<{width}}  " + "  ".join(f"{lang} {source:<11}" for lang, source in by_lang.items()).rstrip())
    for lang, by_source in counts.items():
        click.echo(f"{lang}: " + ", ".join(f"{by_source[s]} {s}" for s in ("recorded", "synthesised", "missing")))
