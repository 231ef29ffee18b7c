"""Vietnamese alphabetical order as a plain string key, the same on every database.

Vietnamese orders letters as ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y``
(f, j, w, z of foreign words in their Latin places) and, between words that differ only in
tone, ``ngang, huyền, hỏi, ngã, sắc, nặng``. Code-point order (what SQL sorts by without a
Vietnamese collation, and what CKAN's ``title_string`` does) puts "Đà Nẵng" after "Yên Bái".
The key spells each letter as two base-36 digits of its rank, then the tones, using only
``[0-9a-z]`` so that any database collation compares it the same way.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_WITH_MODIFIER = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SEPARATOR = "00"


def _rank(letter: str) -> str:
    rank = _ALPHABET.index(letter) + 1
    return _DIGITS[rank // 36] + _DIGITS[rank % 36]


def vietnamese_sort_key(text: str) -> str:
    """Return a key whose plain string order is Vietnamese alphabetical order of ``text``.

    Case, punctuation and spacing are ignored (a run of them counts as one word break);
    letters outside the Vietnamese and Latin alphabets are dropped.
    """
    letters: list[str] = []
    tones: list[str] = []
    gap = False
    for char in unicodedata.normalize("NFD", text.replace("Đ", "đ").lower()):
        if unicodedata.combining(char):
            if char in _TONES and tones:
                tones[-1] = _TONES[char]
            elif letters and (letters[-1], char) in _WITH_MODIFIER:
                letters[-1] = _WITH_MODIFIER[letters[-1], char]
            continue
        if char in _ALPHABET:
            if gap and letters:
                letters.append(" ")
                tones.append("")
            gap = False
            letters.append(char)
            tones.append("0")
        else:
            gap = True
    primary = "".join(_SEPARATOR if letter == " " else _rank(letter) for letter in letters)
    return primary + _SEPARATOR + "".join(tones)
