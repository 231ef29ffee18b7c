"""Text helpers shared by every app: accent- and case-insensitive search keys for Vietnamese."""

from __future__ import annotations

import unicodedata

# Đ/đ carry no combining mark, so Unicode decomposition leaves them alone; Ð/ð (U+00D0/U+00F0)
# turn up in text converted from legacy Vietnamese encodings (TCVN3, VNI) in place of Đ/đ.
_D_LETTERS = str.maketrans({"Đ": "d", "đ": "d", "Ð": "d", "ð": "d"})


def fold(text: str) -> str:
    """Return the search key of ``text``: no diacritics, đ as d, lower case, single spaces.

    Precomposed (NFC) and decomposed (NFD) input give the same key, so ``fold("Đống Đa")``,
    ``fold("dong  da")`` and an NFD-encoded "Đống Đa" are all ``"dong da"``. Compatibility
    forms (full-width letters, ligatures) are folded too.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_D_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
