"""Kyrgyz (and Russian) Cyrillic to Kyrgyz Latin for SMS replies, in GSM-7 only.

Ө, Ү and Ң become ö, ü and ñ, which the GSM-7 basic table has, so a Latin reply keeps the
Kyrgyz letters and still costs 160 characters a segment instead of 70. Everything else in the
output is made GSM-7 too (typographic quotes and dashes, №, no-break spaces), because one stray
character would turn the whole message into UCS-2 and more than double its cost.
"""

import unicodedata

from hotline.sms.segments import GSM7_BASIC, GSM7_EXTENSION

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Letters of neighbouring alphabets that turn up in names copied from documents.
    "һ": "h", "ә": "ä", "ғ": "g", "қ": "k", "ұ": "u", "і": "i",
}
# Е is said "ye" at the start of a word and after a hard or soft sign (Европа, объект).
_YE_AFTER = {"", "ъ", "ь"}

# Characters outside GSM-7 that have a GSM-7 stand-in.
_PUNCTUATION = {
    "«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‘": "'", "’": "'", "ʼ": "'", "`": "'",
    "–": "-", "—": "-", "‑": "-", "−": "-", "…": "...", "№": "No", "•": "-", "·": ".",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "×": "x", "₽": "rub",
}


def _latin_letter(ch: str, before: str, after: str) -> str:
    lower = ch.lower()
    out = _LETTERS[lower]
    if lower == "е" and before.lower() in _YE_AFTER:
        out = "ye"
    if ch == lower or not out:
        return out
    # Capital: a whole word in capitals stays in capitals (ШААРЫ -> SHAARY), otherwise only the
    # first letter is (Шаар -> Shaar).
    neighbour = after if after.isalpha() else before
    if neighbour.isalpha() and neighbour.isupper():
        return out.upper()
    return out[0].upper() + out[1:]


def to_gsm7(text: str) -> str:
    """Replace every character outside GSM-7 by its nearest GSM-7 form, or ``?`` if it has none."""
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
            out.append(ch)
        elif ch in _PUNCTUATION:
            out.append(_PUNCTUATION[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(c in GSM7_BASIC for c in base) else "?")
    return "".join(out)


def to_latin(text: str) -> str:
    """Transliterate Cyrillic letters to Kyrgyz Latin and return pure GSM-7 text.

    Digits, ``+``, punctuation, URLs and Latin text pass through unchanged.

    >>> to_latin("Үй-бүлөгө көмөк: 1227")
    'Üy-bülögö kömök: 1227'
    """
    out = []
    before = ""
    for index, ch in enumerate(text):
        if ch.lower() in _LETTERS:
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append(_latin_letter(ch, before if before.isalpha() else "", after))
        else:
            out.append(ch)
        before = ch
    return to_gsm7("".join(out))
