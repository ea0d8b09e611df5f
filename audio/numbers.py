"""Numbers as words for the ear, in Kyrgyz (``ky``) and Russian (``ru``).

A TTS engine left to read digits on its own guesses: espeak-ng's Kyrgyz voice reads
"+996312626210" as one huge number ("кошуу тогуз жүз токсон алты миң үч жүз он эки миллион …") and
"111" as "бир жүз он бир", so every number a caller hears is turned into words here first.
Kyrgyz numbers take no gender or case ending after a numeral; Russian ones need the gender of the
counted noun (одна тысяча, две тысячи) and its plural (два сома, пять сомов).

Phone numbers (:func:`speak_phone`) are read slowly, in the groups they are written in, each group
followed by ", " so the engine pauses where a listener writes the digits down.
"""

import re

import phonenumbers

LANGUAGES = ("ky", "ru")
LIMIT = 1_000_000_000  # below a milliard: no amount or phone group the hotline speaks is larger

KY_ONES = ("нөл", "бир", "эки", "үч", "төрт", "беш", "алты", "жети", "сегиз", "тогуз")
KY_TENS = ("", "он", "жыйырма", "отуз", "кырк", "элүү", "алтымыш", "жетимиш", "сексен", "токсон")

RU_ONES = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
RU_TEENS = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
)  # fmt: skip
RU_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
           "восемьдесят", "девяносто")  # fmt: skip
RU_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
               "восемьсот", "девятьсот")  # fmt: skip
RU_FEMININE = {1: "одна", 2: "две"}  # тысяча is feminine: одна тысяча, две тысячи


def _check(n: int, lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"no number words for language {lang!r} (have {', '.join(LANGUAGES)})")
    if not 0 <= n < LIMIT:
        raise ValueError(f"{n} is outside 0 … {LIMIT - 1:,}")


def _ky_below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        # "жүз" alone for 100 (111 → жүз он бир), as Kyrgyz speakers say it; 200 → эки жүз.
        words += ["жүз"] if hundreds == 1 else [KY_ONES[hundreds], "жүз"]
    tens, ones = divmod(rest, 10)
    if tens:
        words.append(KY_TENS[tens])
    if ones:
        words.append(KY_ONES[ones])
    return words


def _ky_words(n: int) -> str:
    if n == 0:
        return KY_ONES[0]
    millions, rest = divmod(n, 1_000_000)
    thousands, ones = divmod(rest, 1000)
    words: list[str] = []
    # Unlike жүз, миң and миллион keep their "бир": 1000 → бир миң, 1,000,000 → бир миллион.
    if millions:
        words += _ky_below_thousand(millions) + ["миллион"]
    if thousands:
        words += _ky_below_thousand(thousands) + ["миң"]
    words += _ky_below_thousand(ones)
    return " ".join(words)


def russian_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after ``n``: 1 сом, 2 сома, 5 сомов, 11 сомов, 21 сом."""
    if 11 <= n % 100 <= 14:
        return many
    if n % 10 == 1:
        return one
    if 2 <= n % 10 <= 4:
        return few
    return many


def _ru_below_thousand(n: int, feminine: bool = False) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(RU_HUNDREDS[hundreds])
    tens, ones = divmod(rest, 10)
    if tens == 1:
        return words + [RU_TEENS[ones]]
    if tens:
        words.append(RU_TENS[tens])
    if ones:
        words.append(RU_FEMININE[ones] if feminine and ones in RU_FEMININE else RU_ONES[ones])
    return words


def _ru_words(n: int) -> str:
    if n == 0:
        return RU_ONES[0]
    millions, rest = divmod(n, 1_000_000)
    thousands, ones = divmod(rest, 1000)
    words: list[str] = []
    if millions:
        words += _ru_below_thousand(millions)
        words.append(russian_plural(millions, "миллион", "миллиона", "миллионов"))
    if thousands:
        # "одна тысяча", not a bare "тысяча": on a bad line the "одна" says how many, as "бир миң" does.
        words += _ru_below_thousand(thousands, feminine=True)
        words.append(russian_plural(thousands, "тысяча", "тысячи", "тысяч"))
    words += _ru_below_thousand(ones)
    return " ".join(words)


def number_to_words(n: int, lang: str) -> str:
    """``n`` (0 ≤ n < 1,000,000,000) in words: ``number_to_words(4900, "ky")`` → "төрт миң тогуз жүз".

    Russian numbers are in the masculine (the form for сом): 21 → "двадцать один".
    Raises :class:`ValueError` for a number out of range or a language other than ky and ru.
    """
    _check(n, lang)
    return _ky_words(n) if lang == "ky" else _ru_words(n)


def digit_words(digits: str, lang: str) -> list[str]:
    """Each digit of ``digits`` as a word: "05" → ["нөл", "беш"]."""
    _check(0, lang)
    ones = KY_ONES if lang == "ky" else RU_ONES
    return [ones[int(d)] for d in digits]


def speak_amount(som: int, lang: str) -> str:
    """An amount of money in soms, for the ear: 4000 → "төрт миң сом" / "четыре тысячи сомов"."""
    words = number_to_words(som, lang)
    if lang == "ky":
        return f"{words} сом"  # a Kyrgyz noun after a numeral stays singular
    return f"{words} {russian_plural(som, 'сом', 'сома', 'сомов')}"


def speak_decimal(whole: int, fraction: str, lang: str) -> str:
    """A decimal as said aloud, ``fraction`` being the digits after the comma (one or two):
    2,6 → "эки бүтүн ондон алты" / "две целых шесть десятых"; 1,25 → "бир бүтүн жүздөн жыйырма беш".

    Not for money: an amount in som is said in whole som (see :func:`hotline.voice.checks.for_the_ear`).
    Raises :class:`ValueError` for more than two decimal places.
    """
    if not fraction.isdigit() or len(fraction) > 2:
        raise ValueError(f"{whole},{fraction}: one or two decimal places only")
    part = int(fraction)
    if lang == "ky":
        _check(whole, lang)
        return f"{_ky_words(whole)} бүтүн {'ондон' if len(fraction) == 1 else 'жүздөн'} {_ky_words(part)}"
    _check(whole, lang)
    # целая and десятая are feminine: одна целая, две десятых
    unit = ("десятая", "десятых") if len(fraction) == 1 else ("сотая", "сотых")
    return (f"{_ru_feminine(whole)} {'целая' if _one(whole) else 'целых'} "
            f"{_ru_feminine(part)} {unit[0] if _one(part) else unit[1]}")


def _one(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def _ru_feminine(n: int) -> str:
    if n == 0:
        return RU_ONES[0]
    words = _ru_words(n).split()
    last = {"один": "одна", "два": "две"}.get(words[-1], words[-1])
    return " ".join(words[:-1] + [last])


E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SHORT_NUMBER = re.compile(r"^\d{2,4}$")  # 111, 1227, 112: as dialled, no country


def _national_pairs(digits: str) -> list[str]:
    """Split into pairs from the right, a lone digit first: "56356" → ["5", "63", "56"]."""
    head = len(digits) % 2
    return ([digits[:head]] if head else []) + [digits[i : i + 2] for i in range(head, len(digits), 2)]


def _phone_groups(number: str, international: bool) -> list[tuple[str, bool]]:
    """(group, read digit by digit?) pairs, in the order they are spoken."""
    if SHORT_NUMBER.match(number):
        if len(number) == 4:
            return [(digit, True) for digit in number]  # 1227: four numbers, each its own word
        return [(number, False)]  # 111 is "жүз он бир": how the short numbers are advertised
    if not E164.match(number):
        raise ValueError(f"{number!r} is neither E.164 (+996312626210) nor a short number (111)")
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{number!r} is not a phone number ({exc})") from None
    country, subscriber = str(parsed.country_code), phonenumbers.national_significant_number(parsed)
    prefix = [("+" + country, True)] if international else []
    if country == "996":
        # National format with the trunk 0: "0312 62 62 10", "03222 5 63 56", "0555 00 17 28".
        # The area or operator code is what people dial digit by digit; the rest goes in pairs.
        code = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).split()[0]
        code = code[1:] if international else code
        rest = subscriber[len(code) - (0 if international else 1) :]
        return prefix + [(code, True)] + [(pair, False) for pair in _national_pairs(rest)]
    if country == "7" and len(subscriber) == 10:
        # Russia and Kazakhstan as printed there, 8 926 123-45-67: the trunk 8, then the code and
        # the first three digits as numbers (девятьсот двадцать шесть), then two pairs.
        trunk = [] if international else [("8", True)]
        groups = [subscriber[:3], subscriber[3:6], subscriber[6:8], subscriber[8:]]
        return prefix + trunk + [(group, False) for group in groups]
    # Anywhere else: the international format's own groups, long ones digit by digit.
    printed = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    groups = re.split(r"[\s\-]+", printed)[1:]
    return [("+" + country, True)] + [(g, len(g) > 3) for g in groups]


def phone_groups(number: str, international: bool = False) -> list[str]:
    """The groups :func:`speak_phone` reads, for printing the number the same way (an SMS)."""
    return [group for group, _ in _phone_groups(number, international)]


def _say_group(group: str, by_digit: bool, lang: str) -> str:
    if group.startswith("+"):
        return " ".join(["плюс"] + digit_words(group[1:], lang))
    if by_digit or group.startswith("0"):
        return " ".join(digit_words(group, lang))  # "05" is "нөл беш", never "беш"
    return number_to_words(int(group), lang)


def speak_phone(number: str, lang: str, international: bool = False) -> str:
    """A phone number read slowly for the ear, groups separated by ", " so the engine pauses.

    ``number`` is E.164 (``+996312626210``) or a short number as dialled (``111``, ``1227``).

    - Kyrgyz numbers in national format with the trunk 0, the code digit by digit and the rest in
      pairs: ``+996312626210`` → "нөл үч бир эки, алтымыш эки, алтымыш эки, он".
    - Russian and Kazakh (+7) numbers as dialled inside those countries, 8 926 123-45-67:
      "восемь, девятьсот двадцать шесть, сто двадцать три, сорок пять, шестьдесят семь".
    - Three-digit short numbers as a number (111 → "жүз он бир"), four-digit ones digit by digit
      (1227 → "бир, эки, эки, жети").

    ``international=True`` reads "+996 312 …" / "+7 926 …" instead, for a caller in another
    country (a migrant in Russia cannot dial 0312 …). Raises :class:`ValueError` for other input.
    """
    _check(0, lang)
    return ", ".join(_say_group(g, by_digit, lang) for g, by_digit in _phone_groups(number, international))
