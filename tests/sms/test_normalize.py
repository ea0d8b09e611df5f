"""Folding: every way of writing a word meets in one form; the alphabet to answer in."""

import pytest

from hotline.sms.normalize import fold_for_match, script_of, tokens


@pytest.mark.parametrize(("text", "folded"), [
    # The examples.
    ("Көмөк", "komok"),
    ("КОМОК", "komok"),
    ("ZHARDAM", "jardam"),
    ("жардам", "jardam"),
    ("Jardam  talas!", "jardam talas"),
    # Kyrgyz letters, their Russian-keyboard stand-ins and their Latin forms meet.
    ("kömök", "komok"),
    ("Үй-бүлөгө көмөк", "ui bulogo komok"),
    ("уй-булого комок", "ui bulogo komok"),
    ("Uy-bülögö kömök", "ui bulogo komok"),
    ("Чалыңыз", "chaliniz"),
    ("Чалыныз", "chaliniz"),
    ("chalynyz", "chaliniz"),
    # ж / zh / dj / дж; ч, ш, щ; ы / и / й / y / i; ю, я; ё as е; ь and ъ vanish.
    ("Djalal-Abad", "jalal abad"),
    ("Джалал-Абад", "jalal abad"),
    ("Жалал-Абад", "jalal abad"),
    ("Кызыл-Кыя", "kizil kiia"),
    ("Kyzyl-Kiya", "kizil kiia"),
    ("Чүй", "chui"),
    ("chuy", "chui"),
    ("Россия", "rossiia"),
    ("rossiya", "rossiia"),
    ("ребёнок", "rebenok"),
    ("помощь", "pomosh"),
    ("pomoshch", "pomosh"),
    ("psikholog", "psiholog"),
    ("Цон", "con"),
    ("tson", "con"),
    # Turkish and Czech-style Latin.
    ("Çüy", "chui"),
    ("şaar", "shaar"),
    ("žardam", "jardam"),
    # Words mixing alphabets are read in their majority alphabet (Latin K, Cyrillic Р).
    ("КОМОK", "komok"),
    ("PАБОТА", "rabota"),
    # Numbers stay; a number glued to a word is a word of its own; punctuation splits.
    ("KOMOK 5 3 4000", "komok 5 3 4000"),
    ("bala2", "bala 2"),
    ("2.", "2"),
    ("#2", "2"),
    ("komok,osh", "komok osh"),
    ("комок,osh", "komok osh"),               # words are split at punctuation before repair
    ("ko'mo'k", "komok"),                     # apostrophes vanish inside a word
    ("  ", ""),
    ("👍", ""),
    ("Ysyk-Köl'dö", "isik koldo"),
])
def test_fold_for_match(text, folded):
    assert fold_for_match(text) == folded


def test_tokens_are_the_folded_words():
    assert tokens("  KOMOK,  Ош!! 5 ") == ["komok", "osh", "5"]


@pytest.mark.parametrize(("text", "default", "script"), [
    ("bala", "latin", "latin"),
    ("бала", "latin", "cyrillic"),
    ("JARDAM Талас", "cyrillic", "latin"),    # 6 Latin letters, 5 Cyrillic
    ("комок osh", "latin", "cyrillic"),      # 5 Cyrillic letters, 3 Latin
    ("ab аб", "cyrillic", "cyrillic"),       # a tie says nothing
    ("ab аб", "latin", "latin"),
    ("2", "latin", "latin"),                 # no letters: the conversation's script
    ("2", "cyrillic", "cyrillic"),
    ("kömök", "cyrillic", "latin"),          # ö is a Latin letter
])
def test_script_of(text, default, script):
    assert script_of(text, default) == script
