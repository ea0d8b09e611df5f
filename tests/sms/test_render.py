"""The reply renderer: whole parts in priority order, within the budget, numbers never cut."""

import pytest

from hotline.sms.render import render_sms_reply
from hotline.sms.segments import count_segments

OFFICE = [
    "Ош шаардык юридикалык жардам борбору",     # name
    "тел. (03222) 5-63-56",                       # phone
    "Ленин көч. 312",                             # address
    "Дүйшөмбү-жума 09:00-18:00",                  # hours
    "Акысыз юридикалык кеңеш берет.",             # what they do
]
MORE = "Дагы: 1 деп жазыңыз"


def test_everything_that_fits_is_sent_without_the_hint():
    reply = render_sms_reply(OFFICE, script="cyrillic", max_segments=2, more_hint=MORE)
    assert reply.text == "\n".join(OFFICE)
    assert (reply.encoding, reply.segments, reply.dropped, reply.truncated) == ("UCS-2", 2, 0, False)
    assert MORE not in reply.text


def test_parts_are_dropped_from_the_end_and_the_hint_takes_their_place():
    reply = render_sms_reply(OFFICE, script="cyrillic", max_segments=1, more_hint=MORE)
    assert reply.text == f"{OFFICE[0]}\n{MORE}"
    assert (reply.segments, reply.dropped, reply.truncated) == (1, 4, False)


def test_latin_keeps_kyrgyz_letters_and_fits_more():
    reply = render_sms_reply(OFFICE, script="latin", max_segments=1, more_hint=MORE)
    assert reply.text.startswith("Osh shaardyk yuridikalyk jardam borboru\ntel. (03222) 5-63-56\n")
    assert "keñesh" in reply.text
    assert (reply.encoding, reply.segments, reply.dropped) == ("GSM-7", 1, 0)


def test_the_hint_is_transliterated_too():
    parts = OFFICE + ["Кошумча маалымат " * 10]
    reply = render_sms_reply(parts, script="latin", max_segments=1, more_hint=MORE)
    assert reply.text.endswith("\nDagy: 1 dep jazyñyz")
    assert reply.dropped == 1


def test_a_hint_too_long_for_the_budget_is_left_out_not_the_first_part():
    reply = render_sms_reply(OFFICE, script="cyrillic", max_segments=1, more_hint="ж" * 60)
    assert reply.text == f"{OFFICE[0]}\n{OFFICE[1]}"
    assert (reply.segments, reply.dropped) == (1, 3)


def test_only_a_first_part_too_long_alone_is_cut_between_words():
    first = "Бул борбор " * 12 + "акысыз кеңеш берет"
    reply = render_sms_reply([first, OFFICE[1]], script="cyrillic", max_segments=1, more_hint=MORE)
    body, hint = reply.text.split("\n")
    assert hint == MORE
    assert body.endswith("…") and first.startswith(body[:-1])
    assert first[len(body) - 1] == " "                       # cut at a word boundary
    assert (reply.segments, reply.dropped, reply.truncated) == (1, 1, True)


PHONES = ["+996 312 62 03 39", "(03222) 5-63-56", "0 800 100 10 10", "http://www.ukuk-jardam.gov.kg/centres"]


@pytest.mark.parametrize("number", PHONES)
@pytest.mark.parametrize("script", ["cyrillic", "latin"])
@pytest.mark.parametrize("words_before", range(0, 40, 1))
def test_a_phone_number_or_url_is_never_cut(number, script, words_before):
    part = "сөз " * words_before + f"тел. {number} дагы сөздөр бар"
    reply = render_sms_reply([part], script=script, max_segments=1, more_hint=MORE)
    head = number.split()[0]
    assert head not in reply.text or number in reply.text
    assert reply.segments == 1


@pytest.mark.parametrize("max_segments", [1, 2, 3, 4])
@pytest.mark.parametrize("script", ["cyrillic", "latin"])
@pytest.mark.parametrize("parts", [
    OFFICE,
    OFFICE * 4,
    ["ж" * 500],
    ["Бишкек " * 80, "тел. 1227"],
    ["{[€]}" * 100],
    ["😀 " * 200],
    [],
])
def test_never_more_than_max_segments(parts, script, max_segments):
    reply = render_sms_reply(parts, script=script, max_segments=max_segments, more_hint=MORE)
    assert reply.segments <= max_segments
    assert count_segments(reply.text).segments == reply.segments
    assert count_segments(reply.text).encoding == reply.encoding
    if script == "latin":
        assert reply.encoding == "GSM-7"


def test_a_custom_separator_and_blank_parts():
    reply = render_sms_reply(["БАЛА", "", "  ", "111"], script="latin", separator=" | ")
    assert reply.text == "BALA | 111"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"script": "latin", "max_segments": 0}, "max_segments must be at least 1"),
    ({"script": "greek"}, "script must be 'latin' or 'cyrillic'"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_sms_reply(OFFICE, **kwargs)
