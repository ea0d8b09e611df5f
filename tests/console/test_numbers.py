"""How numbers are shown: masked for operators, grouped for everyone."""

import pytest

from hotline.console.numbers import full, masked


@pytest.mark.parametrize("number, hidden, shown", [
    ("+996555123456", "+996 555 ••• •56", "+996 555 123 456"),
    ("+996312626210", "+996 312 ••• •10", "+996 312 626 210"),
    ("+79261234567", "+7 926 ••• ••67", "+7 926 123 4567"),
    ("+77011234567", "+7 701 ••• ••67", "+7 701 123 4567"),
    ("+4915112345678", "+49 151 ••• •••78", "+49 151 123 45678"),
])
def test_masked_and_full(number, hidden, shown):
    assert masked(number) == hidden
    assert full(number) == shown
