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


# -- Hebrew (an abjad, like Arabic: vav and yod are consonants or long vowels) ------------
HEBREW_ROMAN = {
    "א": "", "ב": "v", "ג": "g", "ד": "d", "ה": "h", "ו": "o", "ז": "z", "ח": "kh", "ט": "t",
    "י": "i", "כ": "k", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}
# Skeleton readings; ב is b or v, כ k or kh, פ p or f, ש sh or s (dots are rarely written).
HEBREW_SKEL: dict[str, tuple[str, ...]] = {
    "ב": ("v", "b"), "ג": ("g",), "ד": ("d",), "ה": ("h",), "ז": ("z",), "ח": ("X", "h"),
    "ט": ("t",), "כ": ("k", "X"), "ך": ("X", "k"), "ל": ("l",), "מ": ("m",), "ם": ("m",),
    "נ": ("n",), "ן": ("n",), "ס": ("s",), "פ": ("p", "f"), "ף": ("f",), "צ": ("ts", "z"),
    "ץ": ("ts",), "ק": ("k",), "ר": ("r",), "ש": ("S", "s"), "ת": ("t",),
}


def is_hebrew(ch: str) -> bool:
    return "\u05d0" <= ch <= "\u05ea" or "\ufb1d" <= ch <= "\ufb4f"


def romanize_hebrew(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ch == "ו":
            out.append("v" if i == 0 else "o")
        elif ch == "י":
            out.append("y" if i == 0 else "i")
        elif ch == "א" or ch == "ע":
            out.append("a" if i == 0 else "")
        elif ch == "ה" and i == len(word) - 1 and i > 0:
            out.append("e")
        else:
            out.append(HEBREW_ROMAN.get(ch, ""))
    return "".join(out)


def hebrew_skeletons(word: str) -> tuple[str, ...]:
    """Consonant skeletons of a Hebrew word, in the key space of `names.latin_skeleton`."""
    options: list[tuple[str, ...]] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if ch in "אע":
            options.append(("a",) if i == 0 else ("",))
        elif ch == "ו":
            options.append(("v",) if i == 0 else ("", "v"))
        elif ch == "י":
            options.append(("y",) if i == 0 else ("",))
        elif ch == "ה" and i == last and i > 0:
            options.append(("",))  # final -e / -a (Moshe, Sarah)
        else:
            options.append(HEBREW_SKEL.get(ch, ("",)))
    out: list[str] = []
    for combo in itertools.product(*options):
        key = _collapse("".join(combo))
        if key and key not in out:
            out.append(key)
        if len(out) >= MAX_SKELETONS:
            break
    return tuple(out)


# -- Hangul: syllable decomposition + Revised Romanisation and its common variants --------
_L = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_V = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
      "wi", "yu", "eu", "ui", "i")
_T = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
      "t", "t", "ng", "t", "t", "k", "t", "p", "t")
# Other spellings seen for the same sound (McCune-Reischauer, older and popular forms).
_L_ALT = {"g": ("k",), "d": ("t",), "b": ("p",), "j": ("ch",), "r": ("l", "n", "r"), "s": ("sh",),
          "ch": ("ch", "c"), "k": ("kh",), "t": ("th",), "p": ("ph",)}
_V_ALT = {"eo": ("o", "u"), "yeo": ("yo", "yu"), "eu": ("u",), "u": ("oo", "ou"), "ae": ("e", "ai"),
          "oe": ("oi", "we"), "ui": ("ee", "i", "ei"), "i": ("ee",), "yu": ("yoo", "you"),
          "o": ("oh",), "e": ("ae",), "a": ("ah",)}
_T_ALT = {"k": ("g", "c"), "p": ("b",), "t": ("d", "s"), "l": ("r",), "ng": ("ng",)}
# The most common family names have settled spellings that rules do not produce (Lee, Park, Choi).
HANGUL_SURNAMES = {
    "김": ("kim", "gim"), "이": ("lee", "yi", "rhee", "ri", "i", "rhie"), "리": ("ri", "lee", "li"),
    "박": ("park", "pak", "bak", "bark"), "최": ("choi", "choe", "chwe"), "정": ("jung", "jeong", "chung", "jong", "chong"),
    "강": ("kang", "gang"), "조": ("cho", "jo", "joe"), "윤": ("yoon", "yun"), "장": ("jang", "chang"),
    "임": ("lim", "im", "rim", "yim"), "림": ("rim", "lim"), "한": ("han",), "오": ("oh", "o"),
    "서": ("seo", "suh", "so"), "신": ("shin", "sin"), "권": ("kwon", "gwon"), "황": ("hwang",),
    "안": ("ahn", "an"), "송": ("song",), "류": ("ryu", "yoo", "yu", "lyu"), "유": ("yoo", "yu"),
    "홍": ("hong",), "전": ("jeon", "jun", "chun", "chon"), "고": ("ko", "go"), "문": ("moon", "mun"),
    "양": ("yang",), "손": ("son", "sohn"), "배": ("bae", "pae"), "백": ("baek", "paek", "back"),
    "허": ("heo", "hur", "huh"), "노": ("noh", "no", "roh"), "남": ("nam",), "심": ("shim", "sim"),
    "하": ("ha",), "곽": ("kwak", "gwak"), "성": ("sung", "seong"), "차": ("cha",), "주": ("joo", "ju", "chu"),
    "우": ("woo", "u"), "구": ("koo", "ku", "gu"), "민": ("min",), "진": ("jin", "chin"), "지": ("ji", "chi"),
    "엄": ("eom", "um", "uhm"), "채": ("chae",), "원": ("won",), "천": ("cheon", "chun"), "방": ("bang", "pang"),
    "공": ("kong", "gong"), "현": ("hyun", "hyeon"), "함": ("ham",), "변": ("byun", "byeon", "pyon"),
    "염": ("yeom", "yum"), "여": ("yeo", "yo"), "추": ("choo", "chu"), "도": ("do", "toh"), "석": ("seok", "suk"),
    "선": ("sun", "seon"), "설": ("seol", "sul"), "마": ("ma",), "길": ("gil", "kil"), "연": ("yeon", "yun"),
    "위": ("wi", "wee"), "표": ("pyo",), "명": ("myung", "myeong"), "기": ("ki", "gi"), "반": ("ban", "pan"),
    "왕": ("wang",), "금": ("keum", "geum"), "옥": ("ok",), "육": ("yook", "yuk"), "인": ("in",), "맹": ("maeng",),
    "제": ("je", "jae"), "모": ("mo",), "탁": ("tak",), "국": ("kook", "guk"), "어": ("eo", "uh"), "경": ("kyung", "gyeong"),
}


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def hangul_syllable(ch: str) -> tuple[str, frozenset[str]]:
    """Revised Romanisation of one Hangul syllable and the other spellings used for it."""
    code = ord(ch) - 0xAC00
    li, vi, ti = code // 588, (code % 588) // 28, code % 28
    lead, vowel, tail = _L[li], _V[vi], _T[ti]
    rr = lead + vowel + tail
    leads = (lead,) + _L_ALT.get(lead, ())
    vowels = (vowel,) + _V_ALT.get(vowel, ())
    tails = (tail,) + _T_ALT.get(tail, ())
    out = {a + b + c for a in leads for b in vowels for c in tails}
    out.update(HANGUL_SURNAMES.get(ch, ()))
    out.discard(rr)
    return rr, frozenset(x for x in out if x)


# -- everything else: the offline anyascii tables ------------------------------------------
def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def is_latin_or_known(ch: str) -> bool:
    return ch < "\u0250" or ch in CYRILLIC or ch in GREEK


# Scripts written without (most) vowels in anyascii's output, or with implicit vowels it
# drops (Thai and Indic implicit vowels, kana final -u): such words are
# compared by consonant skeleton, like Arabic script.
def is_skeleton_script(ch: str) -> bool:
    o = ord(ch)
    return (0x0900 <= o <= 0x0DFF  # Indic scripts
            or 0x0E00 <= o <= 0x0EFF  # Thai, Lao
            or 0x1000 <= o <= 0x109F  # Myanmar
            or 0x1780 <= o <= 0x17FF  # Khmer
            or 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF)  # Japanese kana


def fallback_romanize(text: str) -> str:
    """anyascii's romanisation, lower case, letters and digits only (Georgian barak' -> barak)."""
    from anyascii import anyascii

    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())
