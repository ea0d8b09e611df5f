"""When operators answer: their numbers and service hours, read from settings."""

from hotline.hours import SettingError
from hotline.phones import to_e164


def operator_numbers(text: str) -> tuple[str, ...]:
    """``"+996555000001, +996555000002"`` → E.164 numbers; SettingError on one that is not a number."""
    numbers = []
    for raw in filter(None, (part.strip() for part in text.split(","))):
        number = to_e164(raw)
        if number is None:
            raise SettingError(f"OPERATOR_NUMBERS: {raw!r} is not a phone number")
        numbers.append(number)
    return tuple(numbers)
