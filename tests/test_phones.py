"""Phone numbers as the documents print them, and callers' numbers as Twilio sends them."""

import pytest

from hotline.phones import PhoneError, parse_phone, to_e164


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
