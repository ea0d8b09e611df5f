"""Time the full audio build — every prompt and spoken directory row, both languages — then a second
build that must render nothing, and report the audio's size.

    .venv/bin/python bench/audio_full_build.py [--russian espeak|gtts] [--database-url URL]

It runs what ``flask audio build`` runs, on the real catalogue and the real directory: by default a
temporary SQLite database migrated and seeded from data/ (``--database-url``: one already seeded),
into a fresh temporary audio directory. Kyrgyz is espeak-ng, offline. Russian is espeak-ng too by
default: gTTS needs Google's servers, which a benchmark must not depend on (and which a machine
without internet cannot reach); ``--russian gtts`` uses them (``GTTS_BASE_URL``), with espeak-ng
as the fallback the settings give it.
"""

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from audio.cache import FILE_NAME
from hotline import create_app
from hotline.extensions import db
from hotline.prompts import render

ENGINES = {
    "espeak": {"ky": ["recorded", "espeak"], "ru": ["recorded", "espeak"]},
    "gtts": {"ky": ["recorded", "espeak"], "ru": ["recorded", "gtts", "espeak"]},
}


def seeded_app(database_url: str | None, workdir: Path, russian: str):
    """The app on ``database_url``, or on a new SQLite database migrated and seeded from data/."""
    from flask_migrate import upgrade

    from hotline.directory.loader import load_directory
    from hotline.directory.seed import seed_directory

    url = database_url or f"sqlite:///{workdir / 'hotline.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AUDIO_DIR": str(workdir / "audio"),
                      "AUDIO_ENGINES": ENGINES[russian]})
    if database_url is None:
        with app.app_context():
            upgrade()
            seed_directory(db.session, load_directory())
            db.session.commit()
    return app


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--russian", choices=sorted(ENGINES), default="espeak")
    parser.add_argument("--database-url", default=None, help="an already seeded database (default: a new SQLite one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        app = seeded_app(args.database_url, Path(workdir), args.russian)
        with app.app_context():
            items, collect_time = timed(render.speech_items)
            first, first_time = timed(render.build, items)
            second, second_time = timed(render.build, items)
            missing, check_time = timed(render.audio_cache().check, items)
            cache = render.audio_cache()
            started = time.perf_counter()
            for item in items:
                cache.lookup(item.lang, item.key, item.text)
            lookup_time = (time.perf_counter() - started) / len(items)
        files = [path for path in Path(workdir, "audio").iterdir() if FILE_NAME.match(path.name)]
        disk = sum(path.stat().st_size for path in files)
        engines = Counter(entry["engine"] for lang in cache.manifest.entries().values() for entry in lang.values())

    assert not first.failed, first.failed[:3]
    assert second.rendered == 0 and second.cached == len(items), second
    assert not missing, missing[:3]
    prompts = sum(1 for item in items if not item.key.startswith("office:"))
    by_lang = Counter(item.lang for item in items)
    print(f"{len(items)} items: {prompts} prompts and {len(items) - prompts} directory rows "
          f"({(len(items) - prompts) // 4} offices × ky/ru × national/intl); "
          + ", ".join(f"{lang} {count}" for lang, count in sorted(by_lang.items())))
    print("engines: " + ", ".join(f"{name} {count}" for name, count in sorted(engines.items()))
          + f" (Russian: {args.russian}); 8 kHz mono 16-bit WAV")
    print(f"collect items: {collect_time:7.2f} s (catalogue, directory query, Speech.office)")
    print(f"first build:   {first_time:7.2f} s  rendered {first.rendered}, cached {first.cached} "
          f"(identical words share one file), {1000 * first_time / max(first.rendered, 1):.0f} ms a rendered file")
    print(f"second build:  {second_time:7.2f} s  rendered {second.rendered}, cached {second.cached}")
    print(f"--check:       {check_time:7.2f} s  {len(missing)} missing")
    print(f"lookup:        {1e6 * lookup_time:7.1f} µs an utterance (what a webhook pays)")
    print(f"audio: {first.seconds / 60:.1f} min of speech; {first.bytes / 1e6:.1f} MB counted per item, "
          f"{len(files)} distinct files {disk / 1e6:.1f} MB on disk ({disk / len(files) / 1024:.0f} KiB a file)")


if __name__ == "__main__":
    main()
