"""Our own transliteration tables: Arabic/Persian, Cyrillic and Greek script -> Latin.

Two outputs per non-Latin word:
* a readable romanisation (`romanize`) used for display, search and fuzzy comparison;
* for Arabic-script words, a set of consonant *skeletons* (`arabic_skeletons`) in the same
  key space as `names.latin_skeleton`. Arabic script rarely writes short vowels and `و`/`ی`
  are both consonants (v/w, y) and long vowels (u/o, i/e), so we emit every reading
  (capped) instead of guessing one.
"""
from __future__ import annotations

import itertools

# -- Arabic and Persian -----------------------------------------------------------------
# Readable romanisation (unvowelled text: long vowels only).
ARABIC_ROMAN = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ى": "a",
    "ب": "b", "پ": "p", "ت": "t", "ث": "th", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "u",
    "ي": "i", "ی": "i", "ۍ": "i", "ې": "e", "ە": "e", "ھ": "h", "ہ": "h", "ۀ": "e",
    "ڤ": "v", "ڨ": "g", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ے": "e", "ڭ": "ng",
}
# Harakat (short vowel marks), when present, are honoured in the romanisation.
ARABIC_MARKS = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u064b": "an", "\u064d": "in", "\u064c": "un"}
ARABIC_SILENT = set("\u0651\u0652\u0653\u0654\u0655\u0670\u0640")  # shadda, sukun, maddah, hamza marks, superscript alef, tatweel
ZWNJ = "\u200c"

# Skeleton key alphabet (shared with the Latin skeleton): consonants only, with
# q/gh/k -> k, kh -> X, sh -> S, ch -> C, zh/j -> j, dh/z -> z, th -> s, w/v -> v.
# An initial vowel (or ayn) becomes "a". Values are tuples of alternatives.
ARABIC_SKEL: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "پ": ("p",), "ت": ("t",), "ط": ("t",), "ث": ("s", "t"), "ج": ("j",),
    "چ": ("C",), "ح": ("h",), "ه": ("h",), "ھ": ("h",), "ہ": ("h",), "خ": ("X",), "د": ("d",),
    "ذ": ("z",), "ز": ("z",), "ظ": ("z",), "ض": ("z", "d"), "ر": ("r",), "ژ": ("j",),
    "س": ("s",), "ص": ("s",), "ش": ("S",), "غ": ("k",), "ق": ("k",), "ك": ("k",), "ک": ("k",),
    "گ": ("g",), "ف": ("f",), "ڤ": ("v",), "ل": ("l",), "م": ("m",), "ن": ("n",),
    "ٹ": ("t",), "ڈ": ("d",), "ڑ": ("r",), "ں": ("n",),
}
ARABIC_VOWELISH = set("اآأإٱعءؤئىةۀەېے")
ARABIC_W = "و"
ARABIC_Y = set("يیۍ")
ARABIC_DIGITS = {chr(0x660 + i): str(i) for i in range(10)} | {chr(0x6F0 + i): str(i) for i in range(10)}


def is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"


_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ە": "ه", "ۀ": "ه"})


def fold_arabic(word: str) -> str:
    """Arabic and Persian letter forms folded together (ي/ی, ك/ک, hamza seats) for table look-ups."""
    word = "".join(ch for ch in word if ch not in ARABIC_SILENT and ch not in ARABIC_MARKS and ch != ZWNJ)
    return word.translate(_FOLD)


def strip_arabic_article(word: str) -> str:
    """ال (al-) is written joined to the noun; drop it like the Latin particle `al-`."""
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def romanize_arabic(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ch in ARABIC_MARKS:
            out.append(ARABIC_MARKS[ch])
        elif ch in ARABIC_SILENT or ch == ZWNJ:
            continue
        elif ch == ARABIC_W:
            out.append("v" if i == 0 else "u")
        elif ch in ARABIC_Y:
            out.append("y" if i == 0 else "i")
        elif ch == "ع" and i == 0:
            out.append("a")
        elif ch in ARABIC_DIGITS:
            out.append(ARABIC_DIGITS[ch])
        else:
            out.append(ARABIC_ROMAN.get(ch, ""))
    return "".join(out)


MAX_SKELETONS = 8


def arabic_skeletons(word: str) -> tuple[str, ...]:
    """Consonant skeletons of an Arabic-script word (several readings for و, ث, ض)."""
    if word == "عبد":
        return ("abdl", "abd")  # written alone before the next name: Abdul / Abd
    word = "".join(ch for ch in word if ch not in ARABIC_SILENT and ch not in ARABIC_MARKS and ch != ZWNJ)
    options: list[tuple[str, ...]] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if i == 0 and (ch in ARABIC_VOWELISH or ch == "ع"):
            options.append(("a",))
        elif ch == ARABIC_W:
            options.append(("v",) if i == 0 else ("", "v"))
        elif ch in ARABIC_Y:
            options.append(("y",) if i == 0 else ("",))
        elif ch in ARABIC_VOWELISH or ch == "ع":
            options.append(("",))
        elif ch in ("ه", "ة") and i == last and i > 0:
            options.append(("",))  # final -eh / ta marbuta: a vowel in Latin spellings
        elif ch in ARABIC_DIGITS:
            options.append((ARABIC_DIGITS[ch],))
        else:
            options.append(ARABIC_SKEL.get(ch, ("",)))
    out: list[str] = []
    for combo in itertools.product(*options):
        key = _collapse("".join(combo))
        if key and key not in out:
            out.append(key)
        if len(out) >= MAX_SKELETONS:
            break
    return tuple(out)


def _collapse(key: str) -> str:
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])


# -- Cyrillic ---------------------------------------------------------------------------
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
    "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "қ": "k", "ғ": "gh", "ү": "u",
    "ұ": "u", "ң": "ng", "ө": "o", "һ": "h", "ә": "a",
}

# -- Greek (accents are removed before lookup) -------------------------------------------
GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
GREEK_DIGRAPHS = {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "μπ": "mp", "ντ": "nt", "γκ": "gk"}


def romanize_char(ch: str) -> str | None:
    """Cyrillic/Greek single letters (lower case); None when not in our tables."""
    if ch in CYRILLIC:
        return CYRILLIC[ch]
    if ch in GREEK:
        return GREEK[ch]
    return None


def romanize_greek_digraphs(text: str) -> str:
    for k, v in GREEK_DIGRAPHS.items():
        text = text.replace(k, v)
    return text
