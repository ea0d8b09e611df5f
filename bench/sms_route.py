"""Time SMS understanding: normalise + parse (keywords, places, phrases) a mixed batch of 10,000
messages, and the battery of realistic ones (tests/sms/battery.yaml); no I/O in the timing.

Run by hand: ``.venv/bin/python bench/sms_route.py [--messages N] [--repeat R]``.
The command table (with its phrases) and the place index are loaded once before the clock starts,
the way the webhook holds them; the batch mixes keywords in both alphabets, typos, region
arguments, menu replies, Russian words and free text that matches nothing; the battery is whole
sentences as people write them. The webhook memoises parses of repeated texts; this times them
uncached. Target: well under 1 ms a message.
"""

import argparse
import random
import statistics
import time
from pathlib import Path

import yaml

from hotline.directory.loader import load_directory
from hotline.sms.parse import load_commands, parse_message
from hotline.sms.normalize import fold_for_match
from hotline.sms.places import PlaceIndex
from hotline.sms.render import render_sms_reply

SAMPLES = [
    "bala", "БАЛА", "bala chui", "бала Нарында", "BALA 2", "bala2", "балага сүйүнчү", "ДЕТИ",
    "komok", "комок ош", "KOMOK OSH", "komok kara-suu", "KOMOK 5 3 4000", "komk", "уй-булого комок",
    "пособие Ош", "Ошто комок керек", "Jardam  talas!", "JARDAM Талас", "zhardm", "мага жардам керек",
    "ПОМОЩЬ", "112", "jumush bishkek", "Бишкекте жумуш", "РАБОТА", "migrant ishker", "rossiya",
    "работа в россии", "den sooluk", "ДЕН-СООЛУК Нарын", "CHAL", "call me", "TIL", "?", "menu",
    "STOP", "ТОКТОТ", "START", "БАШТА", "2", "3", "7", "hello", "ok", "да", "спасибо", "бала бакча",
    "Саламатсызбы! Менин балам Москвада иштейт, үй-бүлөгө көмөк алсак болобу? Жалал-Абадда турабыз",
    "Здравствуйте, подскажите пожалуйста куда обратиться по поводу пособия на ребенка в Оше",
    "Salam, men Rossiyada ishteym, patent boyuncha suroo bar edi",
]
REPLY = ["Ош шаардык юридикалык жардам борбору", "тел. (03222) 5-63-56", "Ленин көч. 312",
         "Дүйшөмбү-жума 09:00-18:00", "Акысыз юридикалык кеңеш берет."]


BATTERY = Path(__file__).resolve().parents[1] / "tests" / "sms" / "battery.yaml"


def batch(size: int, seed: int = 0) -> list[str]:
    """``size`` messages drawn from the samples, in a fixed shuffled order."""
    rng = random.Random(seed)
    return [rng.choice(SAMPLES) for _ in range(size)]


def time_per_message(function, messages: list[str], repeat: int) -> list[float]:
    """Microseconds per message for each of ``repeat`` runs over the whole batch."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for message in messages:
            function(message)
        runs.append((time.perf_counter() - start) / len(messages) * 1e6)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    directory = load_directory()
    commands = load_commands()
    places = PlaceIndex.build(directory.regions, directory.places)
    messages = batch(args.messages)

    def route(message: str):
        return parse_message(message, commands, places)

    def render(message: str):
        return render_sms_reply(REPLY, script="latin" if message.isascii() else "cyrillic",
                                max_segments=1, more_hint="Дагы: 1 деп жазыңыз")

    kinds: dict[str, int] = {}
    for message in messages:
        parsed = route(message)
        kind = "topic" if parsed.topic else parsed.kind
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(messages):,} messages: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    battery = [str(row[0]) for row in yaml.safe_load(BATTERY.read_text(encoding="utf-8"))]
    battery = (battery * (len(messages) // len(battery) + 1))[:len(messages)]
    for name, function, texts in (("fold_for_match", fold_for_match, messages),
                                  ("normalise + parse", route, messages),
                                  ("the same, battery", route, battery),
                                  ("render a 5-part reply", render, messages)):
        runs = time_per_message(function, texts, args.repeat)
        print(f"{name:>22}: {min(runs):7.1f} µs/message best, {statistics.median(runs):7.1f} median "
              f"of {args.repeat}")


if __name__ == "__main__":
    main()
