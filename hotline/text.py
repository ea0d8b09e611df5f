"""Folding text for matching: what a person types and what the directory holds meet here."""

import re

# Kyrgyz letters a Russian keyboard lacks, and the letters people type instead.
_FOLD = str.maketrans({"ө": "о", "ү": "у", "ң": "н", "ё": "е", "һ": "х"})
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case-fold, map Ө/Ү/Ң to О/У/Н, and collapse punctuation and spaces to single spaces."""
    return _NON_WORD.sub(" ", text.casefold().translate(_FOLD)).strip()
