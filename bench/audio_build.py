"""Time a full audio build of N Kyrgyz sentences, then a second build that must render nothing.

    .venv/bin/python bench/audio_build.py [N] [--backend library|program]

Offline: espeak-ng from the espeakng-loader wheel (or the program), into a fresh temporary cache.
The sentences are distinct (each names an amount and a phone number), so the first run renders N.
"""

import argparse
import random
import tempfile
import time

from audio.cache import AudioCache, SpeechItem
from audio.engines import EspeakEngine, Voice
from audio.numbers import speak_amount, speak_phone

LOOKUP_ROUNDS = 20
TEMPLATES = [
    "Юридикалык жардам борборунун телефону: {phone}.",
    "Бир жолку жөлөкпул {amount} түзөт.",
    "Балдар жөнүндө маалымат үчүн бирди басыңыз. Телефон: {phone}.",
    "Кызматтын баасы {amount}. Кайра угуу үчүн жылдызчаны басыңыз.",
]


def sentences(count: int) -> list[SpeechItem]:
    """``count`` distinct Kyrgyz sentences, made the way the hotline makes its directory rows."""
    rng = random.Random(6)
    items = []
    for index in range(count):
        phone = speak_phone(f"+996312{rng.randrange(10**6):06d}", "ky")
        amount = speak_amount(rng.randrange(100, 100_000), "ky")
        text = TEMPLATES[index % len(TEMPLATES)].format(phone=phone, amount=amount)
        items.append(SpeechItem("ky", f"bench:{index}", text))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100)
    parser.add_argument("--backend", default="library", choices=["library", "program", "auto"])
    args = parser.parse_args()

    items = sentences(args.count)
    voices = {"ky": Voice("ky", (EspeakEngine("ky", backend=args.backend),))}
    with tempfile.TemporaryDirectory() as directory:
        cache = AudioCache(directory)
        started = time.perf_counter()
        first = cache.build(items, voices)
        first_time = time.perf_counter() - started
        started = time.perf_counter()
        second = cache.build(items, voices)
        second_time = time.perf_counter() - started
        web = AudioCache(directory)  # a web worker's view: lookups only
        started = time.perf_counter()
        for _ in range(LOOKUP_ROUNDS):
            for item in items:
                assert web.lookup(item.lang, item.key, item.text) is not None
        lookup_time = (time.perf_counter() - started) / (LOOKUP_ROUNDS * len(items))

    assert first.rendered == len(items) and not first.failed, first
    assert second.rendered == 0 and second.cached == len(items), second
    print(f"{len(items)} Kyrgyz sentences, espeak-ng ({args.backend}), 8 kHz mono 16-bit WAV")
    print(f"first build:  {first_time:7.2f} s  ({1000 * first_time / len(items):.1f} ms a sentence), "
          f"rendered {first.rendered}")  # fmt: skip
    print(f"second build: {second_time:7.2f} s  ({1000 * second_time / len(items):.2f} ms a sentence), "
          f"rendered {second.rendered}, cached {second.cached}")  # fmt: skip
    print(f"lookup:       {1e6 * lookup_time:7.1f} µs (what a web request pays)")
    print(f"audio: {first.seconds:.1f} s, {first.bytes:,} bytes in all, {first.bytes / first.seconds:,.0f} bytes "
          f"a second of speech, {first.bytes / len(items) / 1024:.1f} KiB a sentence")  # fmt: skip


if __name__ == "__main__":
    main()
