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


def _zwnj_suffix(word: str, i: int) -> bool:
    """Position i starts a Persian suffix written after a zero-width non-joiner: -ای (-i), -ها ..."""
    return i > 0 and word[i - 1] == ZWNJ


def romanize_arabic(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ZWNJ in word and i + 1 < len(word) and word[i + 1] == ZWNJ and ch in ("ه", "ة"):
            out.append("e")  # a silent final -e before the suffix: خامنه‌ای Khamenei
            continue
        if _zwnj_suffix(word, i) and ch in ("ا", "ی", "ي") and word[i:i + 2] in ("ای", "اي"):
            continue  # (-ای is read -i: its ی follows)
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
    word = "".join(ch for ch in word if ch not in ARABIC_SILENT and ch not in ARABIC_MARKS)
    # A zero-width non-joiner ends the stem: its final ه is the silent -e (خامنه‌ای Khamenei).
    ends: set[int] = set()
    if ZWNJ in word:
        n = 0
        for ch in word:
            if ch == ZWNJ:
                ends.add(n - 1)
            else:
                n += 1
        word = word.replace(ZWNJ, "")
    options: list[tuple[str, ...]] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if i == 0 and (ch in ARABIC_VOWELISH or ch == "ع"):
            options.append(("a",))
        elif ch == ARABIC_W:
            options.append(("v",) if i == 0 else ("", "v"))
        elif ch in ARABIC_Y:
            options.append(("y",) if i == 0 else ("",))
        elif ch == "ة" and i > 0:
            options.append(("", "t"))  # ta marbuta: a vowel, or -at before the next word (Jabhat al-Nusrah)
        elif ch in ARABIC_VOWELISH or ch == "ع":
            options.append(("",))
        elif ch == "ه" and (i == last or i in ends) and i > 0:
            options.append(("",))  # final -eh: a vowel in Latin spellings
        elif ch == "ح" and i == last and i > 0:
            options.append(("h", ""))  # Saleh, Fatih: Latin skeletons drop a final h after a vowel
        elif ch in ARABIC_DIGITS:
            options.append((ARABIC_DIGITS[ch],))
        else:
            options.append(ARABIC_SKEL.get(ch, ("",)))
    return _expand(options)


def _expand(options: list) -> tuple[str, ...]:
    """Every reading of a word (one choice per letter), collapsed to skeletons, first MAX_SKELETONS kept."""
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

# Cyrillic letters the lists' Latin spellings write two ways: х is kh or h (Mikhail / Mihail, Khassan /
# Hassan, Rakhim / Rahim: 28 words of the UN and EU lists' Cyrillic names are spelt with h beside their
# Latin names), and дж, dzh in the Russian table, is the j of the Arabic and English names Russian writes
# with it (Джихад Jihad, Хаджи Haji, Джон John).
CYRILLIC_ALTERNATIVES = (("х", "h"), ("дж", "j"))


def cyrillic_respellings(word: str) -> list[str]:
    """`word` (lower case) with each combination of the letters in CYRILLIC_ALTERNATIVES replaced by
    their other Latin spelling (to be romanised like the word): [] for a word without them."""
    found = [(a, b) for a, b in CYRILLIC_ALTERNATIVES if a in word]
    out: list[str] = []
    for n in range(1, len(found) + 1):
        for combo in itertools.combinations(found, n):
            w = word
            for a, b in combo:
                w = w.replace(a, b)
            out.append(w)
    return out


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
    return _expand(options)


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

    if "\u17c9" in text:
        text = text.replace("\u1794\u17c9", "\u1796")  # Khmer ប + muusikatoan is pa (ប៉ុល Pol), not ba
    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


# -- Names written in kanji (Japanese) or hanja (Korean) ------------------------------------
# Han characters are read as Mandarin pinyin by default; Japanese and Korean names written in them
# have other readings that no rule derives. These tables give the readings of the commonest family
# names and given names (Japanese in wapuro spelling: long vowels written ou/oo/uu), so that
# 山田太郎 meets Yamada Taro and 金正恩 meets Kim Jong Un. A name not in them keeps pinyin only.
_JP_SURNAMES = """
佐藤 satou 鈴木 suzuki 高橋 takahashi 田中 tanaka 伊藤 itou 渡辺 watanabe 渡邊 watanabe 山本 yamamoto
中村 nakamura 小林 kobayashi 加藤 katou 吉田 yoshida 山田 yamada 佐々木 sasaki 山口 yamaguchi 松本 matsumoto
井上 inoue 木村 kimura 斎藤 saitou 斉藤 saitou 清水 shimizu 山崎 yamazaki 池田 ikeda 橋本 hashimoto
阿部 abe 安倍 abe 石川 ishikawa 山下 yamashita 中島 nakajima 石井 ishii 小川 ogawa 前田 maeda 岡田 okada
長谷川 hasegawa 藤田 fujita 後藤 gotou 近藤 kondou 村上 murakami 遠藤 endou 青木 aoki 坂本 sakamoto
福田 fukuda 太田 oota 西村 nishimura 藤井 fujii 金子 kaneko 岡本 okamoto 藤原 fujiwara 中野 nakano
三浦 miura 原田 harada 中川 nakagawa 松田 matsuda 竹内 takeuchi 小野 ono 田村 tamura 中山 nakayama
和田 wada 石田 ishida 森田 morita 上田 ueda 内田 uchida 柴田 shibata 酒井 sakai 宮崎 miyazaki
横山 yokoyama 高木 takagi 安藤 andou 宮本 miyamoto 大野 oono 小島 kojima 谷口 taniguchi 今井 imai
工藤 kudou 高田 takada 増田 masuda 丸山 maruyama 杉山 sugiyama 村田 murata 大塚 ootsuka 新井 arai
小山 koyama 平野 hirano 藤本 fujimoto 河野 kouno 上野 ueno 野口 noguchi 武田 takeda 松井 matsui
千葉 chiba 岩崎 iwasaki 菅原 sugawara 木下 kinoshita 久保 kubo 佐野 sano 野村 nomura 松尾 matsuo
菊地 kikuchi 杉本 sugimoto 市川 ichikawa 古川 furukawa 大西 oonishi 島田 shimada 水野 mizuno
桜井 sakurai 高野 takano 吉川 yoshikawa 山内 yamauchi 西田 nishida 飯田 iida 岸田 kishida
小泉 koizumi 鳩山 hatoyama 野田 noda 福島 fukushima 高市 takaichi 石破 ishiba 麻生 asou 菅 suga
森 mori 林 hayashi 原 hara 東條 toujou 岸 kishi 宮沢 miyazawa 竹下 takeshita
"""
_JP_GIVEN = """
太郎 tarou 次郎 jirou 三郎 saburou 一郎 ichirou 健太郎 kentarou 花子 hanako 健 ken 誠 makoto
浩 hiroshi 博 hiroshi 弘 hiroshi 隆 takashi 茂 shigeru 実 minoru 稔 minoru 清 kiyoshi 勇 isamu
修 osamu 明 akira 昭 akira 学 manabu 翔 shou 大輔 daisuke 健太 kenta 拓也 takuya 直樹 naoki
和也 kazuya 達也 tatsuya 哲也 tetsuya 翔太 shouta 大樹 daiki 蓮 ren 陽斗 haruto 大翔 hiroto
晋三 shinzou 純一郎 junichirou 文雄 fumio 義偉 yoshihide 由紀夫 yukio 早苗 sanae 恵子 keiko
洋子 youko 陽子 youko 幸子 sachiko 和子 kazuko 美穂 miho 直美 naomi 裕子 yuuko 真由美 mayumi
愛 ai 陽菜 hina 結衣 yui 美咲 misaki 由美 yumi 智子 tomoko 久美子 kumiko 明美 akemi 京子 kyouko
典子 noriko 正 tadashi 豊 yutaka 進 susumu 光 hikaru 翼 tsubasa 悠人 yuuto 英機 hideki 秀樹 hideki
一 hajime 正男 masao 正雄 masao 秀夫 hideo 英夫 hideo 和夫 kazuo 信夫 nobuo 健一 kenichi 誠一 seiichi
智也 tomoya 雅人 masato 正人 masato 翔平 shouhei 康夫 yasuo 喜朗 yoshirou 太一 taichi 優子 yuuko
"""
_KO_SURNAMES = """
金 김 李 이 朴 박 崔 최 鄭 정 姜 강 趙 조 尹 윤 張 장 林 임 韓 한 吳 오 申 신 徐 서 權 권 黃 황 安 안
宋 송 柳 류 洪 홍 全 전 高 고 文 문 孫 손 梁 양 裵 배 白 백 許 허 劉 유 南 남 沈 심 盧 노 河 하 丁 정
成 성 車 차 具 구 郭 곽 禹 우 朱 주 任 임 羅 나 辛 신 閔 민 陳 진 池 지 嚴 엄 元 원 蔡 채 千 천 方 방
玄 현 康 강 咸 함 卞 변 廉 염 楊 양 邊 변 呂 여 秋 추 魯 노 都 도 蘇 소 石 석 宣 선 薛 설 馬 마 吉 길
延 연 魏 위 表 표 明 명 奇 기 潘 반 王 왕 玉 옥 陸 육 印 인 孟 맹 卓 탁 鞠 국 魚 어 慶 경 太 태 片 편
"""
# Sino-Korean readings of hanja common in given names (North Korean spellings keep initial r/n: 룡, 렬).
_KO_GIVEN = """
正 정 恩 은 日 일 成 성 哲 철 鐵 철 喆 철 浩 호 昊 호 鎬 호 虎 호 英 영 永 영 榮 영 明 명 光 광 國 국 民 민
俊 준 準 준 賢 현 鉉 현 炫 현 玄 현 秀 수 洙 수 壽 수 珍 진 鎭 진 鎮 진 眞 진 振 진 植 식 男 남 南 남 東 동
文 문 在 재 載 재 寅 인 仁 인 容 용 龍 용,룡 勇 용 用 용 泰 태 太 태 善 선 順 순 淑 숙 美 미 熙 희 姬 희
喜 희 惠 혜 慧 혜 炳 병 秉 병 炯 형 亨 형 赫 혁 革 혁 奎 규 圭 규 錫 석 碩 석 石 석 基 기 起 기 弘 홍
洪 홍 雄 웅 元 원 源 원 完 완 旭 욱 漢 한 學 학 憲 헌 萬 만 道 도 德 덕 斗 두 相 상 尙 상 祥 상 承 승
勝 승 昇 승 時 시 信 신 心 심 安 안 連 연,련 玉 옥 宇 우 雨 우 佑 우 雲 운 有 유 允 윤 潤 윤 銀 은 殷 은
義 의 益 익 一 일 子 자 章 장 貞 정 廷 정 鍾 종 鐘 종 宗 종 柱 주 周 주 珠 주 中 중 重 중 智 지 志 지
昌 창 天 천 春 춘 忠 충 澤 택 平 평 夏 하 河 하 鶴 학 海 해 化 화 和 화 華 화 煥 환 會 회 孝 효 勳 훈
薰 훈 輝 휘 興 흥 吉 길 大 대 得 득 烈 열,렬 林 림,임 茂 무 範 범 福 복 鳳 봉 富 부 山 산 三 삼 世 세
實 실 岩 암 贊 찬 弼 필 根 근 均 균 敏 민 寬 관 琪 기 洛 낙,락 來 래 亮 량,양 良 량,양 禮 례,예
松 송 赤 적 鎔 용 雪 설 現 현 炅 경 京 경 景 경 敬 경 慶 경 卿 경 耕 경
"""


def _pairs(text: str) -> dict[str, tuple[str, ...]]:
    words = text.split()
    return {words[k]: tuple(words[k + 1].split(",")) for k in range(0, len(words) - 1, 2)}


JP_SURNAMES = _pairs(_JP_SURNAMES)
JP_GIVEN = _pairs(_JP_GIVEN)
KO_SURNAMES = _pairs(_KO_SURNAMES)
KO_GIVEN = _pairs(_KO_GIVEN)
# Chinese two-character family names (司马相如 is Sima + Xiangru, not Si + Maxiangru).
ZH_COMPOUND_SURNAMES = frozenset("欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 "
                                 "宇文 司徒 夏侯 轩辕 軒轅 令狐 西门 西門 端木 独孤 獨孤 南宫 南宮".split())


def han_family_length(word: str) -> int:
    """How many characters of a 2-4 character name written in Han characters are the family name."""
    if len(word) >= 3 and (word[:2] in JP_SURNAMES or word[:2] in ZH_COMPOUND_SURNAMES):
        return 2
    if len(word) >= 4 and word[:3] in JP_SURNAMES:
        return 3  # 長谷川, 佐々木
    return 2 if len(word) == 4 else 1


def _jp_spellings(reading: str) -> set[str]:
    """Hepburn spellings of a wapuro reading: Satou, Sato, Satoh; Yuuko, Yuko; Oota, Ota, Ohta."""
    out = {reading}
    if any(v in reading for v in ("ou", "oo", "uu")):
        out.add(reading.replace("ou", "o").replace("oo", "o").replace("uu", "u"))
        out.add(reading.replace("ou", "oh").replace("oo", "oh").replace("uu", "u"))
    return out


def _korean_spellings(syllables: tuple[str, ...], limit: int = 64) -> set[str]:
    """Latin spellings of a Hangul name part (one or more syllables, written joined)."""
    options = []
    for syl in syllables:
        rr, alts = hangul_syllable(syl)
        options.append(sorted({rr, *alts}))
    out: set[str] = set()
    for combo in itertools.product(*options):
        out.add("".join(combo))
        if len(out) >= limit:
            break
    return out


def han_name_language(family: str, given: str) -> str:
    """"ja" or "ko" when a name written in Han characters reads as a Japanese or Korean name by
    these tables ("" otherwise: Chinese, or unknown). Japanese: a known two-character family name;
    Korean: a known family name and every given-name character known."""
    if len(family) >= 2 and family in JP_SURNAMES:
        return "ja"
    if family in KO_SURNAMES and 1 <= len(given) <= 2 and all(ch in KO_GIVEN for ch in given):
        return "ko"
    return ""


def han_readings(word: str, lang: str) -> frozenset[str]:
    """Latin spellings of a family or given name written in Han characters, read as Japanese ("ja")
    or Korean ("ko"); empty when the tables do not know it."""
    out: set[str] = set()
    if lang == "ja":
        for table in (JP_SURNAMES, JP_GIVEN):
            for reading in table.get(word, ()):
                out |= _jp_spellings(reading)
    elif lang == "ko":
        if word in KO_SURNAMES:
            out |= _korean_spellings(KO_SURNAMES[word])
        if 1 <= len(word) <= 2 and all(ch in KO_GIVEN for ch in word):
            for syllables in itertools.product(*(KO_GIVEN[ch] for ch in word)):
                out |= _korean_spellings(syllables)
    return frozenset(out)
