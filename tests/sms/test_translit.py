"""Cyrillic to Kyrgyz Latin: readable, and always GSM-7."""

import pytest

from hotline.sms.segments import count_segments, is_gsm7
from hotline.sms.translit import to_gsm7, to_latin


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Үй-бүлөгө көмөк", "Üy-bülögö kömök"),
    ("Кеңеш", "Keñesh"),
    ("ӨЗГӨН", "ÖZGÖN"),
    ("Жалал-Абад", "Jalal-Abad"),
    ("ЖАРДАМ", "JARDAM"),
    ("Чүй облусу", "Chüy oblusu"),
    ("Ысык-Көл", "Ysyk-Köl"),
    ("Шаар", "Shaar"),
    ("ШААРЫ", "SHAARY"),
    ("Юрист", "Yurist"),
    ("Ямада", "Yamada"),
    ("Ёлка", "Yolka"),
    ("Европа", "Yevropa"),               # е is "ye" at the start of a word
    ("мектеп", "mektep"),                # and "e" inside it
    ("объект", "obyekt"),
    ("Щедрин", "Schedrin"),
    ("ЦОН", "TSON"),
    ("Социалдык фонд", "Sotsialdyk fond"),
    ("пособие", "posobie"),
    ("Бишкек шаары", "Bishkek shaary"),
    ("эмгек", "emgek"),
    ("Кайрылуу", "Kayryluu"),
    # Digits, +, punctuation, URLs and Latin text pass through.
    ("тел.: +996 (312) 62-03-39", "tel.: +996 (312) 62-03-39"),
    ("www.ukuk-jardam.gov.kg", "www.ukuk-jardam.gov.kg"),
    ("1227, 111, 112", "1227, 111, 112"),
    ("Mигрант Ишкер", "Migrant Ishker"),
    # Typography outside GSM-7 gets a GSM-7 stand-in.
    ("«Балага сүйүнчү» — 4000 сом", '"Balaga süyünchü" - 4000 som'),
    ("№ 5…", "No 5..."),
    ("09:00–18:00", "09:00-18:00"),
])
def test_to_latin(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_kyrgyz_and_russian_alphabets_come_out_gsm7():
    alphabet = "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлМмНнҢңОоӨөПпРрСсТтУуҮүФфХхЦцЧчШшЩщЪъЫыЬьЭэЮюЯя"
    assert is_gsm7(to_latin(alphabet))
    assert is_gsm7(to_latin("Emoji 😀, tab\tand ç"))


def test_a_latin_reply_costs_fewer_segments():
    text = ("Ош шаардык юридикалык жардам борбору: Ленин көч. 312, тел. (03222) 5-63-56. "
            "Дүйшөмбү-жума 09:00-18:00. Акысыз кеңеш берет.")
    assert count_segments(text).segments == 2
    assert count_segments(to_latin(text)).segments == 1


@pytest.mark.parametrize(("text", "gsm7"), [
    ("“quoted” ‘x’", "\"quoted\" 'x'"),
    ("a\u00a0b", "a b"),
    ("ç é", "c é"),
    ("→", "?"),
])
def test_to_gsm7(text, gsm7):
    assert to_gsm7(text) == gsm7
