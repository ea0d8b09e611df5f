"""Number words, amounts and phone numbers, in Kyrgyz and Russian.

The Kyrgyz forms match kyrgyz-normalizer 0.3.0's ``number_to_words`` on 40,010 numbers (0–20,000,
20,000 random ones below 10⁹, and the powers of ten), checked once by hand in a throwaway venv.
"""

import pytest

from audio.numbers import number_to_words, phone_groups, russian_plural, speak_amount, speak_decimal, speak_phone


@pytest.mark.parametrize(
    ("n", "kyrgyz", "russian"),
    [
        (0, "нөл", "ноль"),
        (1, "бир", "один"),
        (2, "эки", "два"),
        (10, "он", "десять"),
        (11, "он бир", "одиннадцать"),
        (19, "он тогуз", "девятнадцать"),
        (20, "жыйырма", "двадцать"),
        (21, "жыйырма бир", "двадцать один"),
        (40, "кырк", "сорок"),
        (99, "токсон тогуз", "девяносто девять"),
        (100, "жүз", "сто"),
        (101, "жүз бир", "сто один"),
        (111, "жүз он бир", "сто одиннадцать"),
        (200, "эки жүз", "двести"),
        (810, "сегиз жүз он", "восемьсот десять"),
        (1000, "бир миң", "одна тысяча"),
        (1001, "бир миң бир", "одна тысяча один"),
        (2000, "эки миң", "две тысячи"),
        (4000, "төрт миң", "четыре тысячи"),
        (4900, "төрт миң тогуз жүз", "четыре тысячи девятьсот"),
        (5000, "беш миң", "пять тысяч"),
        (11000, "он бир миң", "одиннадцать тысяч"),
        (21000, "жыйырма бир миң", "двадцать одна тысяча"),
        (22000, "жыйырма эки миң", "двадцать две тысячи"),
        (50000, "элүү миң", "пятьдесят тысяч"),
        (100000, "жүз миң", "сто тысяч"),
        (1_000_000, "бир миллион", "один миллион"),
        (2_000_000, "эки миллион", "два миллиона"),
        (5_000_000, "беш миллион", "пять миллионов"),
        (21_001_000, "жыйырма бир миллион бир миң", "двадцать один миллион одна тысяча"),
        (
            999_999_999,
            "тогуз жүз токсон тогуз миллион тогуз жүз токсон тогуз миң тогуз жүз токсон тогуз",
            "девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять",
        ),
    ],
)
def test_number_to_words(n, kyrgyz, russian):
    assert number_to_words(n, "ky") == kyrgyz
    assert number_to_words(n, "ru") == russian


@pytest.mark.parametrize(
    ("n", "lang", "error"),
    [(-1, "ky", "outside"), (1_000_000_000, "ru", "outside"), (5, "en", "no number words for language 'en'")],
)
def test_number_to_words_refuses(n, lang, error):
    with pytest.raises(ValueError, match=error):
        number_to_words(n, lang)


@pytest.mark.parametrize(
    ("n", "form"),
    [(1, "сом"), (2, "сома"), (4, "сома"), (5, "сомов"), (11, "сомов"), (12, "сомов"), (14, "сомов"),
     (21, "сом"), (22, "сома"), (25, "сомов"), (100, "сомов"), (101, "сом"), (111, "сомов"), (1000, "сомов")],
)  # fmt: skip
def test_russian_plural(n, form):
    assert russian_plural(n, "сом", "сома", "сомов") == form


@pytest.mark.parametrize(
    ("som", "kyrgyz", "russian"),
    [
        (0, "нөл сом", "ноль сомов"),
        (1, "бир сом", "один сом"),
        (2, "эки сом", "два сома"),
        (5, "беш сом", "пять сомов"),
        (21, "жыйырма бир сом", "двадцать один сом"),
        (4000, "төрт миң сом", "четыре тысячи сомов"),
        (4900, "төрт миң тогуз жүз сом", "четыре тысячи девятьсот сомов"),
        (21000, "жыйырма бир миң сом", "двадцать одна тысяча сомов"),
        (1_000_000, "бир миллион сом", "один миллион сомов"),
    ],
)
def test_speak_amount(som, kyrgyz, russian):
    assert speak_amount(som, "ky") == kyrgyz
    assert speak_amount(som, "ru") == russian


@pytest.mark.parametrize(
    ("number", "lang", "spoken"),
    [
        # Kyrgyz numbers: national format with the trunk 0, code digit by digit, then pairs.
        ("+996312626210", "ky", "нөл үч бир эки, алтымыш эки, алтымыш эки, он"),
        ("+996312626210", "ru", "ноль три один два, шестьдесят два, шестьдесят два, десять"),
        ("+996555001728", "ky", "нөл беш беш беш, нөл нөл, он жети, жыйырма сегиз"),
        ("+996555051728", "ky", "нөл беш беш беш, нөл беш, он жети, жыйырма сегиз"),
        ("+996322256356", "ky", "нөл үч эки эки эки, беш, алтымыш үч, элүү алты"),  # (03222) 5-63-56
        # Russian and Kazakh numbers as dialled there: 8 926 123-45-67.
        ("+79261234567", "ru", "восемь, девятьсот двадцать шесть, сто двадцать три, сорок пять, шестьдесят семь"),
        ("+79261234567", "ky", "сегиз, тогуз жүз жыйырма алты, жүз жыйырма үч, кырк беш, алтымыш жети"),
        ("+74950051203", "ru", "восемь, четыреста девяносто пять, ноль ноль пять, двенадцать, ноль три"),
        # Short numbers as dialled: three digits as a number, four digit by digit.
        ("111", "ky", "жүз он бир"),
        ("111", "ru", "сто одиннадцать"),
        ("112", "ky", "жүз он эки"),
        ("1227", "ky", "бир, эки, эки, жети"),
        ("1227", "ru", "один, два, два, семь"),
        # Elsewhere: the international format's groups.
        ("+902125551234", "ru", "плюс девять ноль, двести двенадцать, пятьсот пятьдесят пять, двенадцать, тридцать четыре"),
    ],
)  # fmt: skip
def test_speak_phone(number, lang, spoken):
    assert speak_phone(number, lang) == spoken


@pytest.mark.parametrize(
    ("number", "groups", "kyrgyz"),
    [
        ("+996312626210", ["+996", "312", "62", "62", "10"], "плюс тогуз тогуз алты, үч бир эки, алтымыш эки, алтымыш эки, он"),
        ("+996322256356", ["+996", "3222", "5", "63", "56"], "плюс тогуз тогуз алты, үч эки эки эки, беш, алтымыш үч, элүү алты"),
        ("+79261234567", ["+7", "926", "123", "45", "67"], "плюс жети, тогуз жүз жыйырма алты, жүз жыйырма үч, кырк беш, алтымыш жети"),
        ("111", ["111"], "жүз он бир"),
    ],
)  # fmt: skip
def test_speak_phone_international(number, groups, kyrgyz):
    """For a caller abroad: a migrant in Russia cannot dial 0312 …, only +996 312 …."""
    assert phone_groups(number, international=True) == groups
    assert speak_phone(number, "ky", international=True) == kyrgyz


@pytest.mark.parametrize(
    ("number", "groups"),
    [("+996312626210", ["0312", "62", "62", "10"]), ("+996555001728", ["0555", "00", "17", "28"]),
     ("+79261234567", ["8", "926", "123", "45", "67"]), ("1227", ["1", "2", "2", "7"])],
)  # fmt: skip
def test_phone_groups_print_what_is_spoken(number, groups):
    assert phone_groups(number) == groups


@pytest.mark.parametrize("number", ["0312626210", "+996 312 626 210", "12345", "1", "+0123456789", "phone", ""])
def test_speak_phone_refuses_what_is_not_e164_or_short(number):
    with pytest.raises(ValueError, match="neither E.164"):
        speak_phone(number, "ky")


@pytest.mark.parametrize(("whole", "fraction", "kyrgyz", "russian"), [
    (2, "6", "эки бүтүн ондон алты", "две целых шесть десятых"),
    (1, "25", "бир бүтүн жүздөн жыйырма беш", "одна целая двадцать пять сотых"),
    (0, "5", "нөл бүтүн ондон беш", "ноль целых пять десятых"),
    (21, "01", "жыйырма бир бүтүн жүздөн бир", "двадцать одна целая одна сотая"),
    (11, "11", "он бир бүтүн жүздөн он бир", "одиннадцать целых одиннадцать сотых"),
])
def test_speak_decimal(whole, fraction, kyrgyz, russian):
    assert speak_decimal(whole, fraction, "ky") == kyrgyz
    assert speak_decimal(whole, fraction, "ru") == russian


@pytest.mark.parametrize("fraction", ["125", "", "x"])
def test_speak_decimal_refuses_what_it_cannot_say(fraction):
    with pytest.raises(ValueError):
        speak_decimal(1, fraction, "ky")
