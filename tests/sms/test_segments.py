"""Segment arithmetic at the boundaries: what a reply really costs."""

import pytest

from hotline.sms.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments, is_gsm7

KYRGYZ_LATIN = "Üy-bülögö kömök, Keñesh. ÖÜÑ"


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 1),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),          # 153 x 2
    ("a" * 307, "GSM-7", 307, 3),
    ("б" * 70, "UCS-2", 70, 1),
    ("б" * 71, "UCS-2", 71, 2),
    ("б" * 134, "UCS-2", 134, 2),          # 67 x 2
    ("б" * 135, "UCS-2", 135, 3),
    # One Cyrillic letter turns the whole text into UCS-2.
    ("a" * 69 + "ө", "UCS-2", 70, 1),
    ("a" * 70 + "ө", "UCS-2", 71, 2),
    # ö ü ñ (and capitals) are GSM-7 basic: Kyrgyz Latin stays at 160.
    ("ö" * 160, "GSM-7", 160, 1),
    (KYRGYZ_LATIN + "a" * (160 - len(KYRGYZ_LATIN)), "GSM-7", 160, 1),
    (KYRGYZ_LATIN + "a" * (161 - len(KYRGYZ_LATIN)), "GSM-7", 161, 2),
    # Extension characters cost two septets.
    ("€" * 80, "GSM-7", 160, 1),
    ("€" * 81, "GSM-7", 162, 2),
    ("a" * 159 + "[", "GSM-7", 161, 2),
    ("^{}\\[~]|€\f", "GSM-7", 20, 1),
    # An escape pair never straddles two parts: 152 + € does not fit 153, so € opens part 2
    # and 306 units need 3 segments.
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
    ("a" * 153 + "€" + "a" * 151, "GSM-7", 306, 2),
    # An emoji is two UTF-16 code units, never split either.
    ("😀", "UCS-2", 2, 1),
    ("😀" * 35, "UCS-2", 70, 1),
    ("😀" * 36, "UCS-2", 72, 2),
    ("б" * 66 + "😀" + "б" * 66, "UCS-2", 134, 3),
    # A backtick is not GSM-7 (ASCII is not the GSM alphabet).
    ("`", "UCS-2", 1, 1),
])
def test_count_segments(text, encoding, units, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_the_gsm7_tables():
    assert len(GSM7_BASIC) == 127            # 128 code points less the escape
    assert len(GSM7_EXTENSION) == 10
    assert set("öüñÖÜÑ") <= GSM7_BASIC
    assert not set("өүңӨҮҢç`") & (GSM7_BASIC | GSM7_EXTENSION)
    assert is_gsm7("Keñesh: +996 (312) 62-03-39 €") and not is_gsm7("Кеңеш")
