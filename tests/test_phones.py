"""Phone numbers as the documents print them, and callers' numbers as Twilio sends them."""

import pytest

from hotline.phones import PhoneError, parse_phone, to_e164, why_not_served


@pytest.mark.parametrize(("printed", "country", "number", "short"), [
    ("(03222) 5-63-56", "KG", "+996322256356", False),
    ("(0312) 62-62-10", "KG", "+996312626210", False),
    ("(0558) 02 58 80", "KG", "+996558025880", False),
    ("0 (312) 45-40-62", "KG", "+996312454062", False),
    ("+996 (312) 66-35-51", "KG", "+996312663551", False),
    ("+996555001728", "KG", "+996555001728", False),
    ("111", "KG", "111", True),
    ("1227", "KG", "1227", True),
    ("102", "RU", "102", True),
])
def test_parse_phone(printed, country, number, short):
    parsed = parse_phone(printed, country)
    assert (parsed.number, parsed.short) == (number, short)


@pytest.mark.parametrize("printed", ["66-01-07", "(0312) 62-62", "телефон", "12345678901234567"])
def test_unparseable_numbers_are_refused(printed):
    with pytest.raises(PhoneError, match="number"):
        parse_phone(printed)


@pytest.mark.parametrize(("raw", "e164"), [
    ("+79261234567", "+79261234567"),
    ("+996555123456", "+996555123456"),
    ("0555123456", "+996555123456"),
    ("anonymous", None),
    ("client:operator", None),
    ("", None),
])
def test_caller_numbers(raw, e164):
    assert to_e164(raw) == e164


COUNTRIES = (996, 7)


@pytest.mark.parametrize(("number", "reason"), [
    ("+996555123456", None),  # Kyrgyz mobiles
    ("+996700111222", None),
    ("+996312626210", None),  # a Bishkek fixed line
    ("+79261234567", None),  # a Russian mobile
    ("+77011234567", None),  # a Kazakh mobile: +7 too
    ("+77172123456", None),  # an Astana fixed line
    ("+19005551234", "number_type:PREMIUM_RATE"),  # +1 900
    ("+78001234567", "number_type:TOLL_FREE"),  # a Russian 8-800 line
    ("+88213000000", "number_type:VOIP"),  # international networks
    ("+882345678901", "invalid"),
    ("+979123456789", "number_type:PREMIUM_RATE"),  # international premium rate
    ("+870773123456", "non_geographic"),  # Inmarsat: a satellite "mobile"
    ("+2399812345", "country"),  # São Tomé and Príncipe, a mobile
    ("+447911123456", "country"),  # a British mobile
    ("+9965551234567", "invalid"),  # a digit too many
    ("+996", "not_e164"),
    ("0555123456", "not_e164"),  # national format: to_e164 first
    ("+996 555 123 456", "not_e164"),
    ("anonymous", "not_e164"),
    ("", "not_e164"),
])
def test_who_the_hotline_calls_and_texts(number, reason):
    assert why_not_served(number, COUNTRIES) == reason


def test_the_countries_are_a_setting():
    assert why_not_served("+447911123456", (44,)) is None
    assert why_not_served("+79261234567", (996,)) == "country"
    assert why_not_served("+870773123456", (870,)) == "non_geographic"
