"""One canonical form for matching what people text: Kyrgyz Cyrillic, Kyrgyz Latin, Russian.

A relative on a feature phone writes ``bala``, a migrant on a Russian phone writes ``комок ош``
(Russian О for Kyrgyz Ө), someone else ``Zhardam!``. :func:`fold_for_match` turns all of them into
the same lowercase ASCII string, so keywords and place names are compared once, in one form.

The fold is deliberately lossy: letters people swap for each other meet in one letter
(ө/о/ö → o, ү/у/ü → u, ң/н/ñ → n, ж/zh/dj → j, ы/и/й/y/i → i). Both sides of every
comparison (the data and the message) go through the same fold, so losing a distinction only
matters when two different keywords or places would meet, and the tests check they do not.
"""

import re
import unicodedata
from typing import Literal

Script = Literal["latin", "cyrillic"]

# Cyrillic (Kyrgyz, Russian, and the Kazakh/Uzbek letters of phones bought in Almaty or Tashkent)
# to the canonical Latin. Ы and И meet in "i" because people write Ы as y or i; Ё as е, the way
# Russian is usually typed.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "һ": "h", "ә": "a", "ғ": "g", "қ": "k", "ұ": "u", "і": "i", "ї": "i", "є": "e", "ў": "u",
    "ҳ": "h", "ґ": "g",
}
# Latin letters that NFKD does not reduce to ASCII; ı is the Turkish-keyboard Ы.
# Turkish and Czech-style keyboards write ч, ш, ж as ç/č, ş/š, ž.
_LATIN_SPECIAL = {"ı": "i", "ŋ": "n", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l",
                  "ç": "ch", "č": "ch", "ş": "sh", "š": "sh", "ž": "j"}
# Apostrophes vanish inside a word (o'z, Ysyk-Köl's); every other mark splits words.
_APOSTROPHES = {"'": "", "’": "", "‘": "", "ʼ": "", "`": "", "´": ""}

# Latin spellings of one sound, reduced to the letter the Cyrillic table gives it. Longest first.
# Not "ng" for ң: it is also н + г, as in the dative of every name ending in н (Нарынга), and
# case endings on place names matter more than the few keywords with ң.
_DIGRAPHS = {"shch": "sh", "sch": "sh", "dzh": "j", "zh": "j", "dj": "j", "kh": "h", "ts": "c",
             "y": "i", "q": "k"}
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
_NON_WORD = re.compile(r"[^a-z0-9]+")
# "bala2", "komok5": a keyword glued to its number is two words.
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

# Letters that look alike in both alphabets. A word typed mostly in one alphabet with a few
# letters from the other (КОМОK, СТОP, PАБОТА) is read in its majority alphabet.
_LOOKALIKE_TO_LATIN = str.maketrans("авекмнорстухі", "abekmhopctyxi")
_LOOKALIKE_TO_CYRILLIC = str.maketrans("abekmhopctyxi", "авекмнорстухі")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _letter_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    code = ord(ch)
    if 0x0400 <= code < 0x0530:
        return "cyrillic"
    if code < 0x0250 or 0x1E00 <= code < 0x1F00:
        return "latin"
    return None


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for ch, out in _CYRILLIC.items():
        table[ord(ch)] = out
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        if ch.isalpha() and ch == ch.casefold():
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii() and c.isalpha())
            table[code] = base
    for ch, out in {**_LATIN_SPECIAL, **_APOSTROPHES}.items():
        table[ord(ch)] = out
    return table


_TABLE = _build_table()


def _repair_mixed_word(match: re.Match) -> str:
    """Read a word that mixes alphabets in its majority alphabet (lookalike letters only)."""
    word = match.group()
    latin = cyrillic = 0
    for ch in word:
        script = _letter_script(ch)
        if script == "latin":
            latin += 1
        elif script == "cyrillic":
            cyrillic += 1
    if not latin or not cyrillic:
        return word
    if latin > cyrillic:
        return word.translate(_LOOKALIKE_TO_LATIN)
    return word.translate(_LOOKALIKE_TO_CYRILLIC)


def fold_for_match(text: str) -> str:
    """Return the canonical matching form: lowercase ASCII letters and digits, single spaces.

    >>> fold_for_match("Көмөк"), fold_for_match("КОМОК"), fold_for_match("ZHARDAM")
    ('komok', 'komok', 'jardam')
    """
    text = text.casefold()
    if text.isascii():
        text = text.replace("'", "").replace("`", "")
    else:
        text = _LETTER_RUN.sub(_repair_mixed_word, text).translate(_TABLE)
    text = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group()], text)
    text = _NON_WORD.sub(" ", text)
    return _LETTER_DIGIT.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """The words of ``text`` in canonical form (see :func:`fold_for_match`)."""
    return fold_for_match(text).split()


def script_of(text: str, default: Script = "latin") -> Script:
    """The alphabet to answer in: the one most letters of ``text`` are written in.

    A message with no letters (``2``) or as many of each says nothing, so ``default`` decides:
    the webhook passes the script of the conversation it already has with the number.
    """
    latin = cyrillic = 0
    for ch in text:
        script = _letter_script(ch)
        if script == "latin":
            latin += 1
        elif script == "cyrillic":
            cyrillic += 1
    if latin > cyrillic:
        return "latin"
    if cyrillic > latin:
        return "cyrillic"
    return default
