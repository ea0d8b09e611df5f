"""Every topic's first reply, read in both languages and both alphabets: within SMS_MAX_SEGMENTS,
the fact first, a way to reach someone (a number, a website, or CHAL), "1 – more" last."""

import pytest
import yaml

from hotline.directory.loader import DATA_DIR
from hotline.extensions import db
from hotline.sms.segments import count_segments
from hotline.sms.translit import to_latin

TOPICS = [t["code"] for t in yaml.safe_load((DATA_DIR / "sms_phrases.yaml").read_text(encoding="utf-8"))["topics"]]
SHOWN = {"cyrillic": lambda text: text, "latin": to_latin}


@pytest.fixture(scope="module")
def first_pages(app):
    """(topic, lang, script) → (the first page's text, the topic, the way to reach it)."""
    sms = app.extensions["sms"]
    pages = {}
    with app.app_context():
        book = sms.books.get(sms.directory.version(), lambda: db.session)
        for code in TOPICS:
            topic = sms.commands.phrases.topics[code]
            for lang in ("ky", "ru"):
                reach = sms.topics.call(topic, lang).rsplit(": ", 1)[-1].split(" – ")[0]
                for script in SHOWN:
                    page = sms.topics.pages(topic, None, None, None, lang, script, book)[0]
                    pages[code, lang, script] = (page.text, topic, reach)
    return pages


@pytest.mark.parametrize("script", SHOWN)
@pytest.mark.parametrize("lang", ["ky", "ru"])
@pytest.mark.parametrize("code", TOPICS)
def test_a_topic_first_reply_reads_on_two_segments(app, first_pages, code, lang, script):
    text, topic, reach = first_pages[code, lang, script]
    shown = SHOWN[script]
    segments = count_segments(text)
    assert segments.segments <= app.config["SMS_MAX_SEGMENTS"], f"{segments}\n{text}"
    assert segments.encoding == ("GSM-7" if script == "latin" else "UCS-2")
    lines = text.splitlines()
    assert lines[0] == shown(topic.fact.in_language(lang)), text
    assert lines[-1] == shown(app.extensions["sms"].texts.get(lang, "more")), text
    assert shown(reach) in text, f"no way to reach anyone in\n{text}"
    if topic.rule:  # Latin always has room to say how to check
        assert script == "cyrillic" or any("2" in line for line in lines[1:-1]), text


def test_the_cyrillic_first_replies_drop_little(first_pages):
    """What gives way in a 67-character Cyrillic segment (the check hint, then "where") is counted,
    so that a longer text shows up here rather than in the field: at most a third of the pages."""
    cyrillic = [(text, topic) for (code, lang, script), (text, topic, _) in first_pages.items() if script == "cyrillic"]
    short = [topic.code for text, topic in cyrillic if topic.where and len(text.splitlines()) < 4]
    assert len(short) <= len(cyrillic) // 3, short
