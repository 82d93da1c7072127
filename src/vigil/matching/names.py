"""Name normalisation: the one normaliser (`normalize`) and the token analysis used for matching.

`normalize(text)` -> lower-case Latin words separated by single spaces: NFKC, case folding,
our own Arabic/Persian/Cyrillic/Greek transliteration, diacritics removed, apostrophes dropped
(ETTELA'AT -> ettelaat), every other punctuation mark a word break. The news gazetteer
reuses it, so it must stay cheap and deterministic.

`name_tokens(text, kind)` -> the tokens that matter for matching, as interned `Token`s:
titles and honorifics in any script (titles.tsv: Sheikh, Seyed, سید, Ayatollah, آیت‌الله, Sardar ...)
and particles (al-, bin, ibn, de, van, the ezafe -e/-ye ...) dropped, `Abdul...` split into `abd` +
rest, organisation legal forms (LLC, Ltd, JSC, OOO, Sherkat, 有限公司 ...) mapped to one canonical form
and marked weak, generic organisation words of Persian, Arabic and Chinese names (org_words.tsv:
وزارت = VEZARAT = ministry) one weak canonical part, their distinctive words carrying their Latin
transliterations and English translation as variants. Chinese written without spaces is cut into
words (`han.segment`) and read in pinyin; Persian suffixes joined by a zero-width non-joiner
(خامنه‌ای) or written apart (خامنه ای) stay one word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from . import han, translit, wordtables
from .tables import variants

APOSTROPHES = "'’‘`ʼʻ´ʹ′"
_APOS_RE = re.compile(f"[{APOSTROPHES}]")
_LATIN_SPECIAL = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "ng", "ĸ": "k", "ſ": "s", "ʃ": "sh",
}


def _is_word_char(ch: str) -> bool:
    # Combining marks of every kind belong to their word: Indic vowel signs are spacing marks (Mc).
    return unicodedata.category(ch)[0] in "LNM" or ch == translit.ZWNJ


@lru_cache(maxsize=200_000)
def _latin_word(word: str) -> str:
    if word.isascii():
        return _deleet(word)  # nothing to decompose or romanise (the common case, and the hot one)
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.category(ch) == "Mn":
            continue
        rom = translit.romanize_char(ch)
        if rom is not None:
            out.append(rom)
        elif ch in _LATIN_SPECIAL or translit.is_latin_or_known(ch) or not ch.isalpha():
            out.append(_LATIN_SPECIAL.get(ch, ch))
        else:
            out.append(_other_script_char(ch))
    return _deleet("".join(out))


@lru_cache(maxsize=20_000)
def _other_script_char(ch: str) -> str:
    """A letter of a script without our own table (CJK, Hangul, Hebrew, Thai, Georgian ...)."""
    if translit.is_hangul(ch):
        return translit.hangul_syllable(ch)[0]
    if translit.is_hebrew(ch):
        return translit.romanize_hebrew(ch)
    return translit.fallback_romanize(ch)


# Digits typed for look-alike letters inside a word (M0hammad, 5addam): OCR and leetspeak.
_LEET = str.maketrans("013457@$", "oieastas")
_LEET_RE = re.compile(r"[a-z]\d|\d[a-z]")
_DIGITS_RE = re.compile(r"\d\d")


def _deleet(word: str) -> str:
    """Digits inside a mostly-letter word become the letters they look like (not 'A1', '44th')."""
    if not word.isalnum() or not _LEET_RE.search(word) or _DIGITS_RE.search(word):
        return word  # (two digits in a row are a number: Boeing737)
    letters = sum(ch.isalpha() for ch in word)
    if letters < 3 or letters <= len(word) // 2 or _ORDINAL_RE.fullmatch(word):
        return word
    if word[-1].isdigit() and word[:-1].isalpha():
        # A trailing digit is usually a number (vessel "ASPHALT 2" written ASPHALT2), unless a look-alike.
        if word[-1] not in "01345":
            return word
    return word.translate(_LEET).replace("9", "g")


_ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th|er|e|eme|ème)")
_ROMAN_RE = re.compile(r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})")  # 1-39
_ROMAN = {"i": 1, "v": 5, "x": 10}


def _roman(word: str) -> int:
    vals = [_ROMAN[ch] for ch in word]
    return sum(-v if k + 1 < len(vals) and v < vals[k + 1] else v for k, v in enumerate(vals))


_INITIALS_AND_RE = re.compile(r"(?<![^\W_])([^\W\d_]{1,2})\s*(?:&|\s(?i:and)\s)\s*(?!(?i:co)\b)([^\W\d_]{1,2})(?![^\W_])")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_DOTTED_RE = re.compile(r"(?<![^\W_])((?:[^\W\d_]\.){2,}[^\W\d_]?)(?![^\W_])")


_ASCII_WORD_RE = re.compile(r"[0-9a-z]+")
assert not any(k.isascii() for k in translit.GREEK_DIGRAPHS)  # (the ASCII shortcut below skips them)


def split_words(text: str, join_dotted: bool = True) -> list[str]:
    """NFKC + casefold, apostrophes dropped, split on everything that is not a letter or digit.

    Dotted abbreviations are one word: L.L.C. -> llc, p.l.c. -> plc.
    """
    if text.isascii():
        # (the common case: NFKC changes no ASCII, casefold is lower, no Greek, and the word
        # characters are ASCII letters and digits)
        text = text.lower()
        if "'" in text or "`" in text:
            text = _APOS_RE.sub("", text)
        if join_dotted and "." in text:
            text = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), text)
        return _ASCII_WORD_RE.findall(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOS_RE.sub("", text)
    if join_dotted and "." in text:
        text = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), text)
    text = translit.romanize_greek_digraphs(text)
    words: list[str] = []
    cur: list[str] = []
    for ch in text:
        if _is_word_char(ch):
            cur.append(ch)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    return words


@lru_cache(maxsize=200_000)
def romanize_word(word: str) -> str:
    """One lower-case word (from `split_words`) in Latin letters."""
    if any(translit.is_arabic(ch) for ch in word):
        return translit.romanize_arabic(word)
    if any(translit.is_hebrew(ch) for ch in word):
        return translit.romanize_hebrew(word)
    if any(translit.is_hangul(ch) for ch in word):
        return " ".join(_latin_word(ch) for ch in word if ch.isalpha())  # one syllable, one name part
    return _latin_word(word)


def native_script(word: str) -> str:
    """Which analysis a word gets: "arabic", "hebrew", "hangul", "han", "skeleton" (anyascii, consonants
    compared) or "" (Latin, Cyrillic, Greek and other alphabets, compared as romanised Latin)."""
    for ch in word:
        if ch < "\u0370":
            continue
        if translit.is_arabic(ch):
            return "arabic"
        if translit.is_hebrew(ch):
            return "hebrew"
        if translit.is_hangul(ch):
            return "hangul"
        if translit.is_han(ch):
            return "han"
        if translit.is_skeleton_script(ch):
            return "skeleton"
    return ""


def normalize(text: str) -> str:
    """The single normaliser: any script -> lower-case Latin words, single spaces."""
    if not text:
        return ""
    return " ".join(r for r in (romanize_word(w) for w in split_words(text)) if r)


# -- phonetic skeleton of Latin spellings ---------------------------------------------------
_DIGRAPHS = (
    ("sch", "S"), ("kh", "X"), ("gh", "k"), ("sh", "S"), ("ch", "C"), ("zh", "j"), ("dh", "z"),
    ("th", "s"), ("ph", "f"), ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"),
    ("w", "v"),
)
VOWELS = set("aeiouy")


# Slavic/Baltic/German j after a vowel is the glide y (Sergej / Sergey; the lists give 34 entries
# spelt both ways, e.g. Andrej / Andrei, Vitalij / Vitaliy).
_VOWEL_J_RE = re.compile(r"(?<=[aeiou])j$")


@lru_cache(maxsize=4_096)
def _spelled(word: str) -> str:
    """The spelling `latin_skeleton` and `vowel_key` both start from (digraphs as one letter); shared:
    a new word gets both."""
    s = word[1:] if word.startswith("ye") else word  # Yevgeny / Evgeny, Yelena / Elena
    if len(s) >= 5 and s[0] == "i" and (s[1] == "u" or s[1] == "a") and s[2] not in VOWELS:
        s = "y" + s[1:]  # Ю, Я written iu, ia (Ukrainian, Romanian): Iurii / Yurii, Iaroslav / Yaroslav
    if "j" in s:
        s = _VOWEL_J_RE.sub("y", s)
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    if len(s) > 2 and s.endswith("h") and s[-2] in VOWELS:
        s = s[:-1]  # Zadeh/Zade, Hamzah/Hamza, Allah
    return s


@lru_cache(maxsize=200_000)
def latin_skeleton(word: str) -> str:
    """Consonant skeleton in the key space of `translit.arabic_skeletons`.

    Mohammad/Muhammad/Mohamed -> mhmd; Hossein/Husayn -> hsn; Soleimani/Sulaymani -> slmn;
    Qasem/Ghasem/Kasim -> ksm; Hezbollah/Hizballah -> hzbl. An initial vowel is kept as `a`.
    """
    if not word:
        return ""
    s = _spelled(word)
    out = []
    for i, ch in enumerate(s):
        if ch in VOWELS:
            if i == 0:
                out.append("y" if ch == "y" else "a")
            continue
        out.append(ch)
    return translit._collapse("".join(out))


@lru_cache(maxsize=200_000)
def vowel_key(word: str) -> str:
    """Like `latin_skeleton` but every vowel run becomes `V`: keeps the syllable shape.

    Soleimani/Sulaymani -> sVlVmVnV, Mahmoud -> mVhmVd but Muhammad -> mVhVmVd, Amiri != Omar.
    """
    s = _spelled(word)
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch in VOWELS and not (ch == "y" and i == 0):
            if not out or out[-1] != "V":
                out.append("V")
        elif not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


# -- word classes ----------------------------------------------------------------------------
def _squash(text: str) -> str:
    """A title (or a run of name words) as one look-up key: each word folded (Latin like names,
    Arabic script by `translit.fold_arabic`), joined without spaces (Hojjat-ol-Eslam = Hojatoleslam
    in one respect: one key per spelling; آیت‌الله = آیت الله)."""
    return "".join(_title_form(w) for w in split_words(text, join_dotted=False))


def _title_form(word: str) -> str:
    if word.startswith("\x00"):
        return "\x00"  # (a legal form: never part of a title)
    if native_script(word) == "arabic":
        return translit.fold_arabic(word)
    return _latin_word(word)


# Titles and honorifics (titles.tsv), by squashed spelling -> class (religious, rank ...).
TITLE_CLASS: dict[str, str] = {_squash(t): c for t, c in wordtables.titles()}
TITLE_MAX_WORDS = max(len(split_words(t, join_dotted=False)) for t, _ in wordtables.titles()) + 2  # (Hojjat-ol-Eslam)
TITLE_PREFIXES = frozenset(k[:n] for k in TITLE_CLASS for n in range(1, len(k) + 1))
HONORIFICS = frozenset(k for k in TITLE_CLASS if k.isascii())  # (Latin titles; kept for callers)
ARABIC_HONORIFICS = frozenset(k for k in TITLE_CLASS if not k.isascii())


def title_positions(words: list[str]) -> set[int]:
    """Positions of `words` that are titles: the longest run of words whose squashed spelling is a
    title, left to right (Hojatoleslam val-Moslemin, Grand Ayatollah, آیت الله العظمی, Haji)."""
    out: set[int] = set()
    if TITLE_PREFIXES.isdisjoint(words) and "".join(words).isascii():
        return out  # (the common case: no word starts a title; Latin words are their own forms)
    n = len(words)
    forms: list[str | None] = [None] * n
    i = 0
    while i < n:
        # Extend the run while it is the beginning of some title; remember the longest full title.
        joined = ""
        longest = 0
        for k in range(i, min(n, i + TITLE_MAX_WORDS)):
            form = forms[k]
            if form is None:
                w = words[k]
                form = forms[k] = w if w.isalpha() and w.isascii() else _title_form(w)
            joined += form
            if joined not in TITLE_PREFIXES:
                break
            if joined in TITLE_CLASS:
                longest = k - i + 1
        if longest:
            out.update(range(i, i + longest))
            i += longest
        else:
            i += 1
    return out


def name_titles(words: list[str]) -> set[int]:
    """`title_positions` of a person's name, less a one-word title that ends a name with a name word
    before it: titles stand before names, so a last word SAYED, MUFTI or SHEIKH is the family name
    (the lists write "FAMILY, Given", turned round to Given FAMILY: SAYED, Hassan -> Hassan SAYED; UN
    SADUDDIN SAYYED), while a title inside the name is still one (SADUDDIN MULLAH SAYYED)."""
    titles = title_positions(words)
    last = len(words) - 1
    if last < 1 or last not in titles:
        return titles
    rest = titles - {last}
    if title_positions(words[:last]) != rest:
        return titles  # the last word ends a title of several words (Hojatoleslam val-Moslemin)
    for k in range(last):
        if k not in rest:
            form = _title_form(words[k])
            if form not in PARTICLES and form not in ARABIC_PARTICLES and not form.startswith("\x00"):
                return rest  # a name word before it
    return titles


# "son/daughter of": the next name part is the father's (nasab), see `Token.role`.
NASAB_PARTICLES = frozenset("bin ibn ben bint binti ibnu".split())
ARABIC_NASAB = frozenset("بن ابن بنت".split())
PARTICLES = frozenset(
    """al el ul ol ad ar as ash at az ud ur us ut an bin ibn bint ben binti b ibnu de da di del della
    dos das do du la le van von der den ten ter y e ye haye va wa und and of the""".split()
)
# The same in Arabic script (folded letter forms, see translit.fold_arabic); و "and" standing alone.
ARABIC_PARTICLES = frozenset("بن ابن بنت ال و".split())
# Persian suffixes written after a zero-width non-joiner or a space: part of the word before them
# (خامنه‌ای / خامنه ای Khamenei, نیروهای, سازمان‌ها).
PERSIAN_SUFFIXES = frozenset("ای اي ی ي ها های هاي هایی".split())
# Organisation legal forms: spelling -> canonical form (one legal form in any language or
# abbreviation). Legal-form tokens weigh little; `LEGAL_CLASS` says which forms are different
# kinds of legal entity (an AG is not a GmbH), see `scoring.legal_mismatch`.
_FORMS = {
    "llc": "llc l.l.c ooo tov mchj taa",
    "llp": "llp", "lp": "lp", "kg": "kg", "ohg": "ohg",
    "plc": "plc",
    "ltd": "ltd limited pvt private pte pty proprietary bhd sdn sti",
    "ltda": "ltda",
    "gmbh": "gmbh gesmbh",
    "ag": "ag aktiengesellschaft",
    "sa": "sa spa sae saog saoc",
    "srl": "srl sarl sprl",
    "sas": "sas sasu",
    "jsc": "jsc ojsc pjsc cjsc oao zao pao ao pat prat jsb jscb akb zat",
    "alc": "alc odo",
    # Russian state institutions' forms (FGBU, FGUP, GUP, MUP ...; IFP RAN FGBU): kind-neutral
    "gu": "gu fgbu fgup gup mup fgau fgbou fku fgku gbu",
    "bv": "bv", "nv": "nv", "ab": "ab", "as": "as", "asa": "asa", "oy": "oy", "oyj": "oyj",
    "kft": "kft", "zrt": "zrt", "nyrt": "nyrt", "doo": "doo", "ad": "ad", "eood": "eood", "ood": "ood",
    # (DMCC, JLT: Dubai free-zone designations written after a name like a legal form; 49 list names end in DMCC)
    "spzoo": "spzoo", "fze": "fze", "fzco": "fzco fzc", "fzllc": "fzllc", "fz": "fz dmcc jlt",
    "ano": "ano", "npo": "npo nko",
    "co": "co company companies compania compagnie cie sherkat sherkate shirkat shirkate sharikat sharika "
          "shrkt kompaniya firma firm",
    "corp": "corp corporation incorporated inc kk kabushiki kaisha",
}
LEGAL_FORMS = {w: canon for canon, words in _FORMS.items() for w in words.split()}
# Ship-type prefixes written before vessel names (motor vessel, motor tanker, steam ship ...).
VESSEL_PREFIXES = frozenset("mv mt fv rv".split())  # (not SS, MS, MY: also org initials)
# Generic words of company names: weak like legal forms, but not a legal form.
GENERIC_ORG_WORDS = frozenset(
    "est establishment group holding holdings trading industries international intl enterprises".split())
LEGAL_CLASS = {
    **{k: "stock" for k in ("ag", "sa", "jsc", "plc", "nv", "ab", "as", "asa", "oyj", "zrt", "nyrt", "ad")},
    **{k: "limited" for k in ("llc", "ltd", "ltda", "gmbh", "srl", "bv", "oy", "kft", "doo", "eood", "ood", "alc",
                               "spzoo", "fzllc", "fzco", "fze", "sas")},
    **{k: "partnership" for k in ("llp", "lp", "kg", "ohg")},
    **{k: "nonprofit" for k in ("ano", "npo")},
}
# Multi-word legal forms (word prefixes, after folding), matched before the single-word table.
LEGAL_PHRASES = tuple(
    (tuple(p.split()), canon) for p, canon in (
        ("limited liability compan", "llc"), ("limited liability partnership", "llp"),
        ("limited partnership", "lp"),
        ("open joint stock compan", "jsc"), ("closed joint stock compan", "jsc"),
        ("public joint stock compan", "jsc"), ("private joint stock compan", "jsc"),
        ("joint stock compan", "jsc"), ("public limited compan", "plc"),
        ("private limited compan", "ltd"), ("sp z oo", "spzoo"), ("sp zoo", "spzoo"),
        ("gesellschaft mit beschrankter haftung", "gmbh"), ("ges m b h", "gmbh"),
        ("societe anonyme", "sa"), ("sociedad anonima", "sa"), ("societa per azioni", "sa"),
        ("sa de cv", "sa"), ("s de rl", "srl"),
        ("societe a responsabilite limitee", "srl"), ("societatea cu raspundere limitata", "srl"),
        ("sociedad de responsabilidad limitada", "srl"), ("societa a responsabilita limitata", "srl"),
        ("obshchestv s ogranichenn otvetstvenn", "llc"), ("tovarystvo z obmezhenoyu vidpovidalnistyu", "llc"),
        ("otkryt aktsionern obshchestv", "jsc"), ("zakryt aktsionern obshchestv", "jsc"),
        ("publichn aktsionern obshchestv", "jsc"), ("aktsionern obshchestv", "jsc"),
        ("avtonomn nekommercheskaya organizatsiya", "ano"), ("naamloze vennootschap", "nv"),
        ("besloten vennootschap", "bv"), ("aktiebolag", "ab"), ("aksjeselskap", "as"),
        ("kommanditgesellschaft", "kg"),
        # Turkish, Serbian/Croatian/Bosnian and Belarusian forms as the lists write them (eu-oj Megasan
        # Elektronik Ticaret Ve Sanayi Anonim Sirketi / ... A S; ofac-33880 DRUSTVO SA OGRANICENOM
        # ODGOVORNOSCU NOVI PAZAR-PUT / NOVI PAZAR-PUT D.O.O.; ofac-32692 TAVARYSTVA Z ABMEZHAVANAY
        # ADKAZNASTSYU BREMINA GRUP / BREMINO GROUP LLC)
        ("anonim sirket", "sa"), ("limited sirket", "ltd"), ("ltd sti", "ltd"),
        ("drustvo sa ogranicen odgovornos", "doo"), ("drustvo s ogranicen odgovornos", "doo"),
        ("tavarystv z abmezhavan adkaznasts", "llc"),
        # written out: FZCO = free zone company, FZE = free zone establishment (ofac GTLK MIDDLE EAST FZCO /
        # ... FREE ZONE COMPANY); additional liability company = ODO (ofac ADDITIONAL LIABILITY COMPANY
        # BELNEFTEGAZ / ODO BELNEFTEGAZ)
        ("free zone compan", "fzco"), ("free zone establishment", "fze"),
        ("additional liability compan", "alc"), ("obshchestv s dopolnitelnoi otvetstvenn", "alc"),
    )
)
# Long legal-form words are often misspelt (Aktiengeselschaft): matched within 2 edits.
_LONG_FORMS = {w: c for w, c in LEGAL_FORMS.items() if len(w) >= 10}
_NUMBER_WORDS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split())
}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_TENS["fourty"] = 40
_ORDINAL_WORDS = {
    w: i for i, w in enumerate(
        "_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()) if w != "_"
}


def _org_tables() -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """org_words.tsv as look-ups: (generic word spelling -> canonical English word, distinctive word
    spelling -> its other spellings and English words, Chinese legal form -> canonical legal forms).
    Keys: Arabic script folded, Chinese simplified as written in the table, Latin as `_latin_word`."""
    generic: dict[str, str] = {}
    syn: dict[str, set[str]] = {}
    to_english: dict[str, str] = ORG_ENGLISH
    forms: dict[str, tuple[str, ...]] = {}
    for spellings, english, cls in wordtables.org_words():
        keys = []
        latin = []
        for sp in spellings:
            if han.is_han_word(sp):
                keys.append(sp)
            elif any(translit.is_arabic(ch) for ch in sp):
                keys.append(translit.fold_arabic("".join(split_words(sp))))
            else:
                w = "".join(_latin_word(x) for x in split_words(sp))
                keys.append(w)
                latin.append(w)
        eng = ["".join(_latin_word(x) for x in split_words(e)) for e in english]
        for k in keys:
            if cls == "form":
                forms[k] = tuple(LEGAL_FORMS.get(e, e) for e in eng)
            elif cls in ("generic", "head"):
                generic[k] = eng[0]
                if cls == "head":
                    ORG_HEADS.add(k)
            else:
                syn.setdefault(k, set()).update(w for w in latin + eng if w != k)
                to_english.setdefault(k, eng[0])
    return generic, {k: frozenset(v) for k, v in syn.items() if v}, forms


ORG_ENGLISH: dict[str, str] = {}  # a distinctive word's spelling -> its (first) English word
ORG_HEADS: set[str] = set()  # the spellings in ORG_GENERIC that are head nouns (strong parts)
ORG_GENERIC, ORG_SYNONYMS, HAN_LEGAL_FORMS = _org_tables()


def org_english(tok: Token) -> str:
    """The English word of an organisation-name part when org_words.tsv knows it (اطلاعات,
    ETTELA'AT, Ettelaat -> intelligence; 航运 -> shipping), else the part's own text: one spelling per
    word across scripts, for keys built from names (the news scan's partial names)."""
    if tok.script == "arabic":
        key = translit.fold_arabic(tok.key)
    elif tok.script == "han":
        key = tok.key
    else:
        key = tok.text
    hit = ORG_ENGLISH.get(key)
    if hit is None and tok.script == "" and len(key) >= 5:
        if key.endswith("ye"):
            hit = ORG_ENGLISH.get(key[:-2])
        elif key.endswith("e"):
            hit = ORG_ENGLISH.get(key[:-1])
    return hit or tok.text


def org_generic(word: str) -> str | None:
    """The canonical English word of a generic organisation word (وزارت, VEZARAT, VEZARAT-E joined:
    vezarate -> ministry), or None. `word`: Latin as `_latin_word`, Arabic script folded."""
    hit = ORG_GENERIC.get(word)
    if hit is None and word.isascii() and len(word) >= 5:
        # The Persian ezafe written joined: Vezarate, Sazmane, Niruye.
        if word.endswith("ye"):
            hit = ORG_GENERIC.get(word[:-2])
        elif word.endswith("e"):
            hit = ORG_GENERIC.get(word[:-1])
    return hit


def _org_head(word: str) -> bool:
    return word in ORG_HEADS or (word.endswith("ye") and word[:-2] in ORG_HEADS) or (
        word.endswith("e") and word[:-1] in ORG_HEADS)


def org_synonyms(word: str) -> frozenset[str] | None:
    hit = ORG_SYNONYMS.get(word)
    if hit is None and word.isascii() and len(word) >= 5:
        if word.endswith("ye"):
            hit = ORG_SYNONYMS.get(word[:-2])
        elif word.endswith("e"):
            hit = ORG_SYNONYMS.get(word[:-1])
    return hit


# Kept in organisation names, where they are often written joined (Vandenberg / van den Berg).
ORG_KEPT_PARTICLES = frozenset("van von der den ten ter".split())
ORG_STOPWORDS = frozenset("of the and for de la le des du del y et und i va wa ve".split())
ABD_PREFIXES = ("abdul", "abdel", "abdal", "abdol", "abdoul", "abdil", "abdur", "abdus", "abdul")


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One name part, analysed once and interned (by source word): identity is equality."""

    key: str  # interning key: the lower-case source word (Arabic stays Arabic)
    text: str  # romanised Latin form
    skels: tuple[str, ...]  # phonetic skeleton(s)
    vkey: str | None  # vowel-shape key (Latin spellings only; None for Arabic script)
    syn: frozenset[str] | None  # learned Latin variant spellings, if any
    weak: bool  # legal form / generic word: low weight, never the only evidence
    script: str = ""  # native script analysis (see `native_script`); "" for Latin-like words
    # "nasab": written after bin/ibn/ben, the father's name (Muhammad bin Salman); "qualifier": in
    # parentheses in an organisation name (Deutsche Bank (Schweiz) AG); "ja"/"ko": a name in Han
    # characters read as Japanese/Korean (carries those readings in `syn`); "" otherwise.
    role: str = ""

    def __reduce__(self):
        # Rebuilt through the constructor: a frozen class cannot take its fields back one by one,
        # and the compiled class has no generated __setstate__ for it.
        return (Token, (self.key, self.text, self.skels, self.vkey, self.syn, self.weak, self.script, self.role))


_TOKENS: dict[tuple[str, bool | str], Token] = {}  # (word, weak) or (word, role)
_MAX_TOKENS = 500_000


def make_token(word: str, weak: bool = False, role: str = "") -> Token:
    if role:
        # The same word in another role: its own interned token (same text and index keys).
        tok = _TOKENS.get((word, role))
        if tok is None:
            base = make_token(word, weak)
            syn, skels = base.syn, base.skels
            if role == "wg":
                # A syllable (or joined syllables) of a Chinese name in Wade-Giles: its pinyin
                # readings (Tse-tung Zedong, Hsi Xi, Teng Deng), also index keys.
                syn = _union(syn, wade_giles_readings(word) or None)
            elif role == "kr":
                syn = _union(syn, korean_syllable_spellings(base.text))
                syn = _union(syn, KOREAN_FAMILY_VARIANTS.get(base.text))
            elif role in ("ja", "ko"):
                # A Han-character name read as Japanese or Korean: its readings (山田 Yamada, 金 Kim),
                # whose skeletons also key the candidate index.
                syn = translit.han_readings(word, role) or None
                if syn:
                    skels = tuple(dict.fromkeys(skels + tuple(latin_skeleton(r) for r in sorted(syn))))
            tok = Token(base.key, base.text, skels, base.vkey, syn, base.weak, base.script, role)
            _TOKENS[(word, role)] = tok
        return tok
    tok = _TOKENS.get((word, weak))
    if tok is not None:
        return tok
    script = native_script(word)
    if script == "arabic":
        text = translit.romanize_arabic(word)
        skels = translit.arabic_skeletons(word)
        vkey = None
        folded = translit.fold_arabic(word)
        syn = _union(variants().get(folded), ORG_SYNONYMS.get(folded))
    elif script == "hebrew":
        text = translit.romanize_hebrew(word)
        skels = translit.hebrew_skeletons(word)
        vkey, syn = None, None
    elif script == "hangul":
        text = "".join(translit.hangul_syllable(ch)[0] for ch in word if translit.is_hangul(ch))
        alts: set[str] = set()
        if len(word) == 1:
            alts.update(translit.hangul_syllable(word)[1])
        skels = tuple(dict.fromkeys(latin_skeleton(x) for x in (text, *sorted(alts))))
        vkey, syn = vowel_key(text), frozenset(alts) or None
    elif script == "han":
        # Pinyin: each character's commonest reading (anyascii: 长安 Chang'an) as the text, the other
        # readings of polyphonic characters (pypinyin's table: 重庆 Zhongqing / Chongqing) and the
        # English of organisation words (航运 shipping) as variants.
        text = "".join(_latin_word(ch) for ch in word)
        skels, vkey = (latin_skeleton(text),), vowel_key(text)
        # (Only for words of several characters: one character's rare readings made other names of
        # persons: 冯 Feng read Ping.)
        others = frozenset(r for r in han.readings(word) if r != text) if len(word) > 1 else frozenset()
        syn = _union(ORG_SYNONYMS.get(word), others or None)
    elif script == "skeleton":
        # anyascii drops implicit vowels (Thai, Indic) or adds epenthetic ones (kana): consonants only.
        text = translit.fallback_romanize(word)
        skels, vkey, syn = (latin_skeleton(text),), None, None
    else:
        text = _latin_word(word)
        skels = (latin_skeleton(text),)
        vkey = vowel_key(text)
        syn = _union(variants().get(text), org_synonyms(text))
        if not word.isascii() or "dzh" in word:
            respelt = _cyrillic_alternatives(word, text)
            if respelt is not None:
                # Other Latin spellings of a Cyrillic word (Хусан Khusan / Husan): variants, and their
                # skeletons key the candidate index too.
                syn = _union(syn, respelt)
                skels = tuple(dict.fromkeys(skels + tuple(latin_skeleton(a) for a in sorted(respelt))))
    tok = Token(word, text, skels, vkey, syn, weak, script)
    if len(_TOKENS) >= _MAX_TOKENS:
        # Bounded: a long-running server meets new query words forever. Tokens compare by text,
        # so a word interned again after this is only a cache miss (index tokens stay alive).
        _TOKENS.clear()
    _TOKENS[(word, weak)] = tok
    return tok


def _cyrillic_alternatives(word: str, text: str) -> frozenset[str] | None:
    """The other Latin spellings of a word with Cyrillic letters the lists spell two ways
    (`translit.CYRILLIC_ALTERNATIVES`), or None. A Latin word in the Russian romanisation, marked by its
    dzh (Dzhamaat, Dzhikhad, Dzhakhangir: 7 of the lists' 117 such words have their entry's j spelling
    beside them, Jamaat, Jihad, Jahangir), gets them as if written in Cyrillic."""
    if word.isascii():
        word = word.replace("dzh", "дж").replace("kh", "х")
    alts = frozenset(_latin_word(w) for w in translit.cyrillic_respellings(word)) - {text}
    return alts or None


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def _expand_word(word: str, alone: bool = False) -> list[str]:
    """Arabic article and `Abdul...` compounds: structural, script-independent splits."""
    script = native_script(word)
    if script == "arabic":
        w = translit.strip_arabic_article(word)
        if w.startswith("عبدال") and len(w) > 7:
            return ["عبد", w[5:]]
        return [w]
    if script == "hangul":
        return [ch for ch in word if translit.is_hangul(ch)]  # Korean names: one syllable per part
    if script == "han":
        # Family name, then given name: one character in most Chinese and Korean names (邓小平 Deng
        # Xiaoping, 金正恩), two in Japanese names and Chinese compound family names (山田太郎, 司马相如).
        rom = [_latin_word(ch) for ch in word]
        if alone and 2 <= len(word) <= 4 and all(rom):
            k = translit.han_family_length(word)
            return [word[:k], word[k:]]
        return [word]
    if script:
        return [word]
    w = _latin_word(word)
    if w == "abd" or w in ABD_PREFIXES:
        return ["abdul"]
    if w.startswith("ab") and len(w) >= 3:
        kunya = _kunya(w)
        if kunya is not None:
            return kunya
    for pre in ABD_PREFIXES:
        # Abdulrahman / Abdel Rahman / Abd al-Rahman -> abdul rahman; but Abdullah stays whole.
        if w.startswith(pre) and len(w) >= len(pre) + 4:
            return ["abdul", w[len(pre):]]
    if w.startswith("abdi") and len(w) >= 8 and w[4] not in "lu":
        # Somali spelling: Abdirahman, Abdikadir, Abdiaziz = Abdul Rahman, Abdul Qadir, Abdul Aziz (the
        # lists write 60 such names; not Abdillahi, Abdullahi).
        return ["abdul", w[4:]]
    return [w]


# The kunya "Abu X" (father of X) in its spellings: Abou, Abo, Abul/Abol (Abu al-), written apart or
# joined (Abubakar, Abolfazl, Aboutalebi, Abul-Khair: the lists write 60 joined forms): one part "abu"
# and the name after it, so that every spelling gives the same parts.
KUNYA_WORDS = frozenset("abu abou abo aboo abul abol aboul".split())
_KUNYA_JOINED = ("aboul", "abou", "abul", "abol", "abu")


def _kunya(w: str) -> list[str] | None:
    if w in KUNYA_WORDS:
        return ["abu"]
    for pre in _KUNYA_JOINED:
        if w.startswith(pre):
            rest = w[len(pre):]
            if rest.startswith("al") and len(rest) >= 6:
                rest = rest[2:]  # Abualqassem: Abu al-Qassem
            # (not Abullah, Abudullah: misspelt Abdullah)
            if len(rest) >= 4 and not rest.startswith(("llah", "dull", "dall")) and rest[0] not in "aeiou":
                return ["abu", rest]
            return None
    return None


def _phrase_at(folded: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    if i + len(phrase) > len(folded):
        return False
    for w, stem in zip(folded[i:], phrase):
        if not (w == stem or (len(stem) >= 4 and w.startswith(stem))):
            if "shch" in stem:
                # Russian щ written sh (OBSHESTVO for OBSHCHESTVO: the lists write both)
                w, stem = w.replace("shch", "sh"), stem.replace("shch", "sh")
                if w.startswith(stem):
                    continue
            # One typing slip in a long word of the form (Joynt Stock Company, Limted Liability; two
            # letters swapped count as one: ORGANICHENNOI).
            if len(stem) < 5 or len(w) < len(stem) - 1 or OSA.distance(
                    w[:len(stem)], stem, score_cutoff=1) > 1 and OSA.distance(
                    w[:len(stem) - 1], stem, score_cutoff=1) > 1:
                return False
    return True


def _numbers(words: list[str]) -> list[str]:
    """Numbers as words -> digits (Twenty-Two -> 22, First -> 1, 1st -> 1): org and vessel names."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = _latin_word(words[i]) if words[i].isalpha() else words[i]
        if w in _TENS:
            val = _TENS[w]
            nxt = _latin_word(words[i + 1]) if i + 1 < len(words) else ""
            if 0 < _NUMBER_WORDS.get(nxt, 0) < 10:
                val += _NUMBER_WORDS[nxt]
                i += 1
            elif 0 < _ORDINAL_WORDS.get(nxt, 0) < 10:
                val += _ORDINAL_WORDS[nxt]
                i += 1
            elif len(nxt) == 1 and nxt.isdigit() and nxt != "0":
                val += int(nxt)  # Twenty 2
                i += 1
            out.append(str(val))
        elif w in _NUMBER_WORDS and w not in ("one",):
            out.append(str(_NUMBER_WORDS[w]))
        elif w in _ORDINAL_WORDS and w != "second":
            out.append(str(_ORDINAL_WORDS[w]))
        elif (ordinal := _ORDINAL_RE.fullmatch(w)) and not w.endswith("e"):
            out.append(ordinal.group(1))
        elif i > 0 and _ROMAN_RE.fullmatch(w):
            out.append(str(_roman(w)))  # series markers: Fund II = Fund 2 (never the first word: "I", "X")
        else:
            out.append(words[i])
        i += 1
    return out


@lru_cache(maxsize=50_000)
def _legal_form(word: str) -> str | None:
    canon = LEGAL_FORMS.get(word)
    if canon is None and len(word) >= 9:
        for form, c in _LONG_FORMS.items():
            if abs(len(form) - len(word)) <= 2 and Levenshtein.distance(form, word, score_cutoff=2) <= 2:
                return c
    return canon


# English contractions of words of organisation names, written out: the lists write both (DEL BROS OVERSEAS,
# BLACK DROP INTL CO., ... MGMT, MFG, PHARM; VAALY BROTHERS, ... INTERNATIONAL). Only contractions that
# stand for one word (not Ind: industries, industrial or independent).
ORG_CONTRACTIONS = {
    "natl": "national", "intl": "international", "mfg": "manufacturing", "mfrs": "manufacturers",
    "bros": "brothers", "hldgs": "holdings", "hldg": "holding", "assn": "association", "assoc": "association",
    "dept": "department", "govt": "government", "mgmt": "management", "mgt": "management",
    "svcs": "services", "svc": "service", "devt": "development", "univ": "university", "engg": "engineering",
    "grp": "group", "ctr": "center", "centre": "center", "chem": "chemical", "pharm": "pharmaceutical",
    "elec": "electric", "indus": "industries", "transp": "transport", "tech": "technology",
}


def _org_words(words: list[str]) -> list[str]:
    """Multi-word legal forms -> one marked canonical word; runs of single letters joined (A B C -> abc);
    contractions written out (Intl -> international: `ORG_CONTRACTIONS`)."""
    words = _numbers(words)
    words = [ORG_CONTRACTIONS.get(_latin_word(w), w) if w.isascii() else w for w in words]
    folded = [_latin_word(w) for w in words]
    out: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        for phrase, canon in LEGAL_PHRASES:
            k = len(phrase)
            if folded[i].startswith(phrase[0][:2]) and _phrase_at(folded, i, phrase):
                out.append("\x00" + canon)
                i += k
                break
        else:
            if len(words[i]) == 1 and i + 1 < n and len(words[i + 1]) == 1 and words[i].isalpha():
                j = i
                while j < n and len(words[j]) == 1 and words[j].isalpha():
                    j += 1
                out.append("".join(words[i:j]))
                i = j
            else:
                out.append(words[i])
                i += 1
    return out


def _join_abd(words: list[str]) -> list[str]:
    """عبد الله / نصر الله are one name each (Abdullah, Nasrallah), written with a space."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "عبد" and i + 1 < len(words):
            out.append("عبد" + words[i + 1])
            i += 2
        elif out and words[i] in ("الله", "ٱلله") and any(translit.is_arabic(c) for c in out[-1]):
            out[-1] += words[i]  # نصر الله -> نصرالله (Nasrallah)
            i += 1
        else:
            out.append(words[i])
            i += 1
    return out


@lru_cache(maxsize=100_000)
def name_tokens(text: str, kind: str = "any") -> tuple[Token, ...]:
    """Tokens of one name. `kind`: "person", "org" or "any" (decides honorifics vs legal forms)."""
    later_family = 0  # the last words are later family names ("BASTARDO MENDOZA, Rafael": 1)
    if kind == "person" and text.count(",") == 1:
        # "FAMILY, Given Middle" -> "Given Middle FAMILY": name parts keep their positions.
        family, given = text.split(",")
        if family.strip() and given.strip():
            text = f"{given} {family}"
            later_family = _later_family_words(family)
    if kind != "person" and ("&" in text or " and " in text.casefold()):
        # An ampersand or "and" between initials is part of an abbreviation: AT&T = AT and T = ATT.
        text = _INITIALS_AND_RE.sub(lambda m: m.group(1) + m.group(2), text)
    words = split_words(text, join_dotted=kind != "person")
    # A dotted abbreviation (U.S., A.S.) is a word of the name, never a particle or stopword.
    dotted = ({m.group(1).replace(".", "").casefold() for m in _DOTTED_RE.finditer(text)}
              if kind != "person" and "." in text else set())
    qualifiers: set[str] = set()
    if kind != "person":
        if "(" in text:
            # Words in parentheses qualify an organisation's name (a country, a city, a branch).
            for m in _PAREN_RE.finditer(text):
                qualifiers.update(_latin_word(w) for w in split_words(m.group(1)))
        words = _org_words(words)
    if "عبد" in words or "الله" in words or "ٱلله" in words:
        words = _join_abd(words)
    if len(words) > 1 and not text.isascii() and any(w in PERSIAN_SUFFIXES for w in words):
        words = _join_suffixes(words)
    if not text.isascii() and any(han.is_han_word(w) for w in words):
        words = _han_words(words, kind)
    titles = name_titles(words) if kind != "org" else set()
    org_titles = org_title_positions(words) if kind == "org" else ()
    out: list[Token] = []
    if kind != "person" and len(words) >= 2 and words[0] in VESSEL_PREFIXES:
        # "MV Hellenic Spirit" = "Hellenic Spirit": a ship-type prefix is not part of the name.
        words = ["\x00" + words[0], *words[1:]]
    nasab = False  # the previous word was bin/ibn/ben (persons and unknown kinds only)
    han_lang = ""
    if len(words) == 1 and kind != "org" and native_script(words[0]) == "han":
        parts = _expand_word(words[0], True)
        if len(parts) == 2:
            han_lang = translit.han_name_language(*parts)  # 山田太郎 Japanese, 金正恩 Korean
    for pos, word in enumerate(words):
        if pos in titles:
            continue
        if pos in org_titles:
            out.append(make_token(_title_form(word), weak=True))
            continue
        if word.startswith("\x00"):
            out.append(make_token(word[1:], weak=True))
            continue
        for w in _expand_word(word, len(words) == 1):
            if not w:
                continue
            if native_script(w) in ("arabic", "hebrew", "hangul", "han", "skeleton"):
                lw = w
                if han_lang:
                    out.append(make_token(lw, role=han_lang))
                    continue
                folded = translit.fold_arabic(w)
                if kind != "org" and folded in ARABIC_NASAB and out:
                    nasab = True
                if folded in ARABIC_PARTICLES:
                    continue
                if kind != "person":
                    generic = ORG_GENERIC.get(folded)
                    if generic is not None:
                        out.append(make_token(generic, weak=folded not in ORG_HEADS))  # وزارت = ministry
                        continue
                out.append(make_token(lw, role="nasab" if nasab else ""))
                nasab = False
                continue
            else:
                lw = _latin_word(w)
            if kind != "org" and lw in NASAB_PARTICLES:
                if pos == 0 and lw == "ben" and len(words) >= 2:
                    out.append(make_token(lw))  # first word: the given name Ben, not "son of"
                    continue
                nasab = nasab or bool(out)
            if kind != "person":
                form = _legal_form(lw)
                if form is not None:
                    out.append(make_token(form, weak=True))
                    continue
                if lw in GENERIC_ORG_WORDS:
                    out.append(make_token(lw, weak=True))
                    continue
                generic = org_generic(lw)
                if generic is not None:
                    out.append(make_token(generic, weak=not _org_head(lw)))  # Vezarat-e = ministry
                    continue
            if lw not in dotted:
                if kind == "org" and lw in ORG_STOPWORDS:
                    continue
                if lw in PARTICLES and not (kind == "org" and lw in ORG_KEPT_PARTICLES):
                    continue
            role = "nasab" if nasab else ("qualifier" if lw in qualifiers else "")
            if later_family and pos >= len(words) - later_family and not role:
                role = "family2"
            src = lw
            if not word.isascii() and translit.cyrillic_respellings(word) and _latin_word(word) == lw:
                src = word  # (a Cyrillic word the lists spell two ways: Хусан Khusan, Husan)
            out.append(make_token(src, role=role))
            nasab = False
    if kind != "org" and len(out) >= 2 and wade_giles_name(out):
        out = [make_token(t.key, role="wg") for t in out]
    if not any(not t.weak for t in out):
        # Everything was a title or particle ("Al", "Sheikh"): keep the words themselves.
        out = [make_token(_latin_word(w) if not any(translit.is_arabic(c) for c in w) else w) for w in words]
    if kind != "org" and 2 <= len(out) <= 4 and text.isascii():
        out = korean_latin_name(out)
        if not out[0].role:
            out = chinese_latin_name(out)
    return tuple(out)


# -- German transliteration of Cyrillic names (Jelzin, Chruschtschow, Selenskyj) --------------------------
_INITIAL_S = re.compile(r"^s(?=[aeiouy])")


@lru_cache(maxsize=100_000)
def german_readings(word: str) -> tuple[str, ...]:
    """A Latin word read from the German transliteration of Cyrillic (Duden: ш sch, ч tsch, х ch, ж sch,
    в w, ц z, й/я/ю/е j, з s) into the English one (sh, ch, kh, v, ts, y, z): Jelzin -> yeltsin, Julija ->
    yuliya, Chruschtschow -> khrushchov; with a word-initial s before a vowel also read z (Selenskyj ->
    zelenskyy: German writes з and с both s). Empty unless the word has two of w, j, z (sch counts
    twice) or ends in -ij/-yj: Jaber, Jong, Marquez are read as written. Only
    compared by `scoring._reading_sim` with the other name's spellings, never used as the word's text."""
    if len(word) < 4 or not (word.isascii() and word.isalpha()):
        return ()
    marks = word.count("w") + word.count("j") + word.count("z") + 2 * word.count("sch")
    if marks < 2 and not word.endswith(("ij", "yj")):
        return ()  # one j or z alone is no sign of it (Jaber, Jasim, Jong, Marquez, Nasirzai)
    r = (word.replace("tsch", "\x01").replace("sch", "\x02").replace("ch", "kh").replace("\x01", "ch")
         .replace("\x02", "sh").replace("w", "v").replace("z", "ts").replace("ss", "s").replace("j", "y"))
    out = [r] if r != word else []
    if _INITIAL_S.match(r):
        out.append("z" + r[1:])
    return tuple(out)


_FRENCH_MARKS = ("ou", "tch", "gue", "gui")
_FRENCH_FINAL_INE = re.compile(r"(?<=[^aeiou][aeiouy])ne$|(?<=[^aeiou]i)ne$")


@lru_cache(maxsize=100_000)
def french_readings(word: str) -> tuple[str, ...]:
    """A Latin word read from the French transliteration (of Cyrillic and of Maghreb Arabic: ou for u, ch
    for sh, tch for ch, gu for g before e/i, a final -ne after a vowel for -n, iou/io/ia at the start for
    yu/yo/ya, ss for s) into the English one: Poutine -> putin, Iouri -> yuri, Serguei -> sergei, Mourad
    -> murad, Achour -> ashur. Empty unless the word has ou, tch or gue/gui (Chen is read as written)."""
    if len(word) < 4 or not (word.isascii() and word.isalpha()) or not any(m in word for m in _FRENCH_MARKS):
        return ()
    r = word
    if r.startswith("iou"):
        r = "yu" + r[3:]
    elif r.startswith(("io", "ia")):
        r = "y" + r[1:]
    r = (r.replace("tch", "\x01").replace("ch", "sh").replace("\x01", "ch").replace("ou", "u")
         .replace("gue", "ge").replace("gui", "gi").replace("ss", "s"))
    r = _FRENCH_FINAL_INE.sub("n", r)
    return (r,) if r != word else ()


_LATIN_READINGS: dict[str, tuple[str, ...]] = {}  # word -> latin_readings(word)


def latin_readings(word: str) -> tuple[str, ...]:
    """The word's readings in English transliteration from the German and French ones (`german_readings`,
    `french_readings`). Asked for both words of most scored pairs (`scoring._reading_sim`), so kept in a
    plain dict: one lookup, almost always of an empty tuple."""
    found = _LATIN_READINGS.get(word)
    if found is None:
        found = german_readings(word) + french_readings(word)
        if len(_LATIN_READINGS) < 200_000:  # bounded: a server meets new words forever
            _LATIN_READINGS[word] = found
    return found


# -- Wade-Giles (Chinese names romanised before pinyin: Mao Tse-tung, Teng Hsiao-ping) ----------------
WADE_GILES_FILE = wordtables.WADE_GILES_FILE
_MAX_SYLLABLES = 3  # a given name joined (Tsetung) or a whole name joined (Maotsetung)
_MAX_READINGS = 32


@lru_cache(maxsize=1)
def _wade_giles() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(pinyin syllables as names write them, Wade-Giles spelling -> its pinyin syllables) from
    `wadegiles.tsv`. Names drop the apostrophe of aspiration (ch'in and chin are both written chin,
    pinyin qin and jin) and write u for ü (hsü = hsu = xu); pinyin ü is written u or yu (lü: lu, lyu)."""
    pinyin: set[str] = set()
    wg: dict[str, set[str]] = {}
    for p, w in wordtables.wade_giles():
        forms = {p.replace("v", "u")}
        if "v" in p:
            forms.add(p.replace("v", "yu") if p.startswith(("l", "n")) else p.replace("v", "u"))
        pinyin |= forms
        wg.setdefault(w.replace("'", "").replace("v", "u"), set()).add(p.replace("v", "u"))
    return frozenset(pinyin), {k: tuple(sorted(v)) for k, v in wg.items()}


def _segmentations(word: str, syllables, limit: int = _MAX_SYLLABLES) -> list[list[str]]:
    """The shortest ways of writing `word` as at most `limit` syllables of `syllables` (a set or dict):
    a syllable after another starts with a consonant (pinyin writes xi'an, not xian, for xi + an;
    Wade-Giles joins with hyphens) and every syllable has a vowel (no ng, m: interjections)."""
    found: list[list[str]] = []
    for n in range(1, limit + 1):
        found = _split_in(word, syllables, n, True)
        if found:
            break
    return found


def _split_in(word: str, syllables, n: int, first: bool) -> list[list[str]]:
    if n == 1:
        ok = word in syllables and (first or word[0] not in "aeiou") and any(c in "aeiouy" for c in word)
        return [[word]] if ok else []
    out: list[list[str]] = []
    for k in range(1, min(len(word) - 1, 6) + 1):
        head = word[:k]
        if head in syllables and (first or head[0] not in "aeiou") and any(c in "aeiouy" for c in head):
            for rest in _split_in(word[k:], syllables, n - 1, False):
                out.append([head, *rest])
    return out


@lru_cache(maxsize=20_000)
def wade_giles_readings(word: str) -> frozenset[str]:
    """The pinyin spellings of a word read as Wade-Giles syllables (tsetung -> zedong, cedong ...;
    hsi -> xi; chin -> jin, qin), less the word itself; empty when it is no such word."""
    if not (word.isascii() and word.isalpha()) or len(word) < 2:
        return frozenset()
    _, wg = _wade_giles()
    out: set[str] = set()
    for seg in _segmentations(word, wg):
        partial = [""]
        for syl in seg:
            partial = [x + r for x in partial for r in wg[syl]][:_MAX_READINGS]
        out.update(partial)
    out.discard(word)
    return frozenset(out)


def wade_giles_name(tokens: tuple[Token, ...] | list[Token]) -> bool:
    """A person's name of Latin words of one or two Wade-Giles syllables each, one of them a syllable no
    pinyin has (Mao Tse-tung: tse, tung; Hsi Chin-ping: hsi, chin): read as Wade-Giles, each word
    carrying its pinyin readings. Names with a word of no Chinese syllable (Kim, Ri, Pak, Tae: Korean)
    are left alone."""
    marked = False
    for t in tokens:
        if t.weak or t.role or t.script or t.vkey is None:
            return False
        kind = _wade_giles_word(t.text)
        if kind == 0:
            return False
        if kind == 2:
            marked = True
    return marked


# Letters Wade-Giles does not write (b, d, g, q, x, z, v: it writes p, t, k, ch, hs, ts), but the g of
# -ng and the z of tz.
_NOT_WADE_GILES = re.compile(r"[bdqvx]|(?<!n)g|(?<!t)z")


@lru_cache(maxsize=100_000)
def _wade_giles_word(word: str) -> int:
    """0: not one or two Wade-Giles syllables; 2: one Wade-Giles syllable that is no pinyin one (hsi, tse,
    tung, hsien); 1: otherwise (mao, chinping)."""
    if not (word.isascii() and word.isalpha()) or _NOT_WADE_GILES.search(word):
        return 0
    pinyin, wg = _wade_giles()
    if not _segmentations(word, wg, 2):
        return 0
    return 2 if len(word) >= 3 and word in wg and word not in pinyin else 1


def _later_family_words(family: str) -> int:
    """How many words of a person's family part written before the comma follow its first family
    name, when it has two or three plain words (particles aside): BASTARDO MENDOZA, Rafael Enrique;
    FLORES DE MADURO, Cilia Adela; ROSTAMI CHESHMEH GACHI, Mohammad. Spanish and Portuguese names carry
    two family names (a married woman's "de" + her husband's), Persian ones compound family names, and
    the short form keeps the first (BASTARDO, Rafael; the OFAC list gives such a short form as an alias
    of 116 of its 1,512 persons written with two family words). Those later words get the role
    "family2" (`scoring._first_family_name_kept`); 0 for other names."""
    words = split_words(family)
    content = [w for w in words if w not in PARTICLES]
    if not 2 <= len(content) <= 3 or words[0] != content[0]:
        return 0
    if not all(w.isascii() and w.isalpha() and len(w) >= 3 and w not in KUNYA_WORDS for w in content):
        return 0
    return len(words) - 1


# Korean names in Latin letters: one syllable per part (or a given name of two joined), spelt in
# McCune-Reischauer (CHON, Il Ho; PAEK, Chong-sam), the North Korean official forms (JON, Il Ho; PAEK,
# Jong Sam) or Revised Romanisation; the consonants k/g, t/d, p/b, ch/j, s/sh, r/l are one letter each.
_KO_INITIAL = "kk|tt|pp|ss|ch|sh|[gkndtrlmbpsjh]"
_KO_VOWEL = "yeo|yae|wae|yoo|you|eo|ae|ya|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ou|ee|ai|oi|ei|a|e|o|u|i"
_KO_FINAL = "ng|[kntlmpgbdr]"
_KO_SYLLABLE = f"(?:{_KO_INITIAL})?(?:{_KO_VOWEL})(?:{_KO_FINAL})?"
_KO_SYLLABLE_RE = re.compile(_KO_SYLLABLE)
_KO_PART_RE = re.compile(f"{_KO_SYLLABLE}(?:{_KO_SYLLABLE})?")
_KO_INITIAL_RE = re.compile(f"^({_KO_INITIAL})?")
_KO_PAIRS = {"k": "g", "g": "k", "t": "d", "d": "t", "p": "b", "b": "p", "ch": "j", "j": "ch", "s": "sh", "sh": "s",
             "r": "l", "l": "r"}


# The commonest Chinese family names in pinyin (the hundred or so that most Chinese people carry).
CHINESE_FAMILY_NAMES = frozenset("""wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin
    luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye cheng su wei
    lu ding ren shen yao cui zhong tan fan jin shi liao jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan
    lei hou long tao gu mao hao gong shao wan qian dai mo kong xiang chang kang niu hong wen ou ouyang shangguan
    sima zhuge situ""".split())


def chinese_latin_name(tokens: list[Token]) -> list[Token]:
    """A person's name of two to four parts in Latin letters, every part one or two pinyin syllables and
    its first or last part a common Chinese family name (Zhang Li, LI, Guihua, YAN, Su Xuan): each
    part a token of role "zh". Pinyin syllables are names, not spellings of one another (Li / Lei,
    Liu / Li, Juan / Jian, Zhang / Zhiyong: `scoring._token_sim`), and a Chinese name has no middle
    names (`scoring.align`). Other names are returned as they are."""
    if tokens[0].text not in CHINESE_FAMILY_NAMES and tokens[-1].text not in CHINESE_FAMILY_NAMES:
        return tokens
    pinyin = _wade_giles()[0]
    for t in tokens:
        if t.weak or t.role or t.script or not _segmentations(t.text, pinyin, 2):
            return tokens
    return [make_token(t.key, role="zh") for t in tokens]


def korean_latin_name(tokens: list[Token]) -> list[Token]:
    """A person's name of two to four parts in Latin letters, every part a Korean syllable (or two
    joined: Yongwon) and its first or last part a Korean family name: each part a token of role "kr",
    whose variants are its syllable's other initial consonant (CHON / JON, Chong / Jong, PAEK / BAEK:
    `korean_syllable_spellings`). Other names are returned as they are."""
    first, last = tokens[0], tokens[-1]
    if first.text not in KOREAN_FAMILY_SPELLINGS and last.text not in KOREAN_FAMILY_SPELLINGS:
        return tokens
    for t in tokens:
        if t.weak or t.role or t.script or not (
                _KO_PART_RE.fullmatch(t.text) or t.text in KOREAN_FAMILY_SPELLINGS):  # (Park, Rhee)
            return tokens
    return [make_token(t.key, role="kr") for t in tokens]


@lru_cache(maxsize=4_096)
def korean_syllable_spellings(text: str) -> frozenset[str] | None:
    """The other spellings of one Korean syllable by its initial consonant (chon: jon; paek: baek;
    jong: chong), or None (not one syllable, or no such consonant)."""
    if not _KO_SYLLABLE_RE.fullmatch(text):
        return None
    m = _KO_INITIAL_RE.match(text)
    initial = m.group(1) if m else None
    other = _KO_PAIRS.get(initial or "")
    if other is None or initial is None:
        return None
    alt = other + text[len(initial):]
    return frozenset([alt]) if _KO_SYLLABLE_RE.fullmatch(alt) else None


KOREAN_FAMILY_SPELLINGS = frozenset(
    x for spellings in translit.HANGUL_SURNAMES.values() for sp in spellings
    for x in (sp, *(korean_syllable_spellings(sp) or ())))


def _korean_family_variants() -> dict[str, frozenset[str]]:
    """A Korean family name's other settled spellings (translit.HANGUL_SURNAMES: 유 Yoo / Yu, 류 Ryu / Yu
    / Lyu, 박 Park / Pak): variants of a "kr" token that spells one (YOO, Jin / YU, Jin)."""
    out: dict[str, set[str]] = {}
    for spellings in translit.HANGUL_SURNAMES.values():
        for sp in spellings:
            out.setdefault(sp, set()).update(x for x in spellings if x != sp)
    return {k: frozenset(v) for k, v in out.items() if v}


KOREAN_FAMILY_VARIANTS = _korean_family_variants()


def org_title_positions(words: list[str]) -> set[int]:
    """Positions of religious titles in an organisation's name (a business named after its owner:
    HAJI AHMAD SHAH HAWALA / MAULAWI AHMED SHAH HAWALA / MULLAH AHMED SHAH HAWALA, one entity on the
    lists): weak parts there, as legal forms are. Other titles (General, Sir, Brother) are kept: they
    are words of many company names."""
    out = set()
    for pos in title_positions(words):
        if TITLE_CLASS.get(_title_form(words[pos])) == "religious":
            out.add(pos)
    return out


def _join_suffixes(words: list[str]) -> list[str]:
    """A Persian suffix written apart (خامنه ای, نیروهای as نیرو های) joins the word before it, with
    the zero-width non-joiner it is usually written with (خامنه‌ای)."""
    out: list[str] = []
    for w in words:
        if out and w in PERSIAN_SUFFIXES and native_script(out[-1]) == "arabic" and not out[-1].startswith("\x00"):
            out[-1] = out[-1] + translit.ZWNJ + w
        else:
            out.append(w)
    return out


def _han_words(words: list[str], kind: str) -> list[str]:
    """Chinese written without spaces, cut into words (jieba) in simplified characters; legal forms
    (有限公司 Co., Ltd.) and generic words (集团 group) as marked canonical parts.

    A person's name (kind "person", or a run of two to four characters in a name of unknown kind
    with no word of an organisation name in it) stays whole: `_expand_word` splits it into family
    and given name."""
    out: list[str] = []
    for w in words:
        if w.startswith("\x00") or not han.is_han_word(w):
            out.append(w)
            continue
        simple = han.to_simplified(w)
        if kind != "org" and len(words) == 1 and len(w) <= 4:
            parts = han.segment(simple) if kind == "any" else (simple,)
            if not any(p in HAN_LEGAL_FORMS or p in ORG_GENERIC or p in ORG_SYNONYMS for p in parts):
                # A person's name, most likely: family + given name (`_expand_word`). Japanese and
                # Korean names keep their characters (the reading tables use them); Chinese ones
                # are folded to simplified characters: 張 = 张.
                halves = _expand_word(w, True)
                japanese_or_korean = len(halves) == 2 and translit.han_name_language(*halves)
                out.append(w if japanese_or_korean else simple)
                continue
        elif kind == "person":
            out.append(simple)
            continue
        parts = han.segment(simple)
        for p in parts:
            forms = HAN_LEGAL_FORMS.get(p)
            if forms is not None:
                out.extend("\x00" + f for f in forms)
            elif p in ORG_GENERIC:
                out.append("\x00" + ORG_GENERIC[p])
            else:
                out.append(p)
    return out


_CONJUNCTION_WORDS = frozenset({"and", "va", "wa", "و", "&"})


def short_forms(name: str, kind: str) -> list[str]:
    """Shorter names a ministry is commonly called by: the words before the first "and" of "Ministry
    of A and B" (MINISTRY OF INTELLIGENCE AND SECURITY -> MINISTRY OF INTELLIGENCE; VEZARAT-E ETTELA'AT
    VA AMNIAT-E KESHVAR -> VEZARAT-E ETTELA'AT; وزارت دفاع و پشتیبانی ... -> وزارت دفاع). Only for
    organisation names whose first word (after a country adjective) is the generic word for a ministry
    in some script, and only when a distinctive word comes before the "and"."""
    if kind != "org" or not name:
        return []
    raw = name.replace("&", " & ")
    words = raw.split()
    for i, w in enumerate(words):
        if w.casefold() in _CONJUNCTION_WORDS:
            head = " ".join(words[:i])
            break
    else:
        return []
    toks = name_tokens(head, "org")
    strong = [t for t in toks if not t.weak]
    if not toks or len(toks) < 2 or not strong:
        return []
    first = [t for t in toks if not _is_country_word(t.text)]
    if not first or first[0].text != "ministry" or len(first) < 2:
        return []
    return [head]


def _is_country_word(word: str) -> bool:
    return word in _COUNTRY_ADJECTIVES


# Country words written before a ministry's name in the lists (IRANIAN MINISTRY OF ..., SYRIAN ...).
_COUNTRY_ADJECTIVES = frozenset("""iranian iran syrian syria iraqi iraq russian russia belarusian belarus
    north korean dprk libyan libya sudanese sudan venezuelan venezuela cuban cuba burmese myanmar
    nicaraguan nicaragua zimbabwean zimbabwe eritrean yemeni yemen lebanese afghan""".split())


def org_words_of(value: str) -> list[str]:
    """The words of a name that mark an organisation: legal forms and generic or head words of
    organisation names written out (three letters or more: LLC, Company, Institute, International,
    Vezarat) and the acronym of the name written in brackets beside it (Lashkar i Jhangvi (LJ)).
    `index.Index.build` keeps those no listed person's name carries (Sae, Pao, Pat, La Firma)."""
    out: list[str] = []
    for word in split_words(value):
        if not word.isascii():
            continue
        w = _latin_word(word)
        if len(w) >= 3 and (w in LEGAL_FORMS or w in GENERIC_ORG_WORDS or org_generic(w) is not None):
            out.append(w)
    if "(" in value:
        for form, acronym in packed_forms(value, "org"):
            if acronym:
                out.append("(" + form + ")")
    return out


def kind_of(schema_name: str) -> str:
    if schema_name == "Person":
        return "person"
    if schema_name in ("LegalEntity",):
        return "any"
    return "org"


# -- names packed into one list field ------------------------------------------------------------
# Labels the lists write inside a name field: "Amir Khazmat (original script: Амир Хазмат)",
# "Encep Nurjaman (birth name)", "شبكة أنصار المجاهدين (Ansar al-Mujahideen Network - sub-unit name)",
# "Abdel Ilah Sabri (false identity related to ...)", "Ezatullah Haqqani (previously listed as)".
ANNOTATION_LABELS = (
    "original script", "sub-unit name", "sub unit name", "birth name", "combat name", "nom de guerre",
    "previously listed as", "formerly listed as", "false identity", "maiden name",
)
_LABEL_RE = "|".join(re.escape(x).replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]?") for x in ANNOTATION_LABELS)
# "original script: Y", "Russian: Y": a label of a few words and a colon
_LEAD_LABEL_RE = re.compile(r"^\s*[^\W\d_][^\W\d_ -]*(?:[ -][^\W\d_]+){0,2}\s*:\s*")
_TAIL_LABEL_RE = re.compile(rf"\s*(?:[-–—]\s*|\(\s*)(?:{_LABEL_RE})\s*\)?\s*$", re.IGNORECASE)  # "Y - sub-unit name"
_NOTE_RE = re.compile(rf"^\s*(?:{_LABEL_RE})\b", re.IGNORECASE)  # the whole group is a note
_ENUM_RE = re.compile(r"^\s*\(?[a-z]\)\s*")  # "(c)Ansar al-Shari'ah": an enumerated alias list
# Words an acronym may skip or take its letter from (AQAP: Al-Qaida in the Arabian Peninsula; JNIM:
# Jama'a Nusrat ul-Islam wa al-Muslimin; CMC: Central Military Commission of the Workers' Party ...).
_ACRONYM_SKIP = frozenset("al el ul ol ad ar as ash at az an of the in and for de la le des du del da di "
                          "y et und i va wa fi wal bil li e ye ve".split())


def _groups(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """The text outside parentheses and the parenthesised groups (top level; an unclosed group
    runs to the end: "أبو شيماء (Abu-Shaima"), each with whether words of the name follow it."""
    outside: list[str] = []
    groups: list[tuple[str, int]] = []  # (group, length of the outside text before its end)
    buf: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            if depth:
                buf.append(ch)
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth:
                buf.append(ch)
            else:
                groups.append(("".join(buf), len(outside)))
                buf = []
        elif depth:
            buf.append(ch)
        else:
            outside.append(ch)
    if depth:
        groups.append(("".join(buf), len(outside)))
    rest = "".join(outside)
    return " ".join(rest.split()), [(g, any(ch.isalnum() for ch in rest[n:])) for g, n in groups]


def _latin_text(text: str) -> bool | None:
    """True when the letters of `text` are Latin, False when none is, None without letters or mixed."""
    latin = other = False
    for ch in text:
        if ch.isalpha():
            if ch < "\u0250":
                latin = True
            else:
                other = True
    if latin == other:
        return None
    return latin


def acronym_of(acronym: str, words: list[str], whole: bool = False) -> bool:
    """`acronym` (ETIM, JuA, AAS-T) spells the initials of `words` from the first word on, each word
    giving its initial (or its first two or three letters: SAPICO), particles and stopwords giving
    their initial or nothing; words after the acronym's last letter may follow (CMC: Central Military
    Commission of the Workers' Party of Korea) unless `whole`."""
    a = "".join(ch for ch in acronym.casefold() if ch.isalnum())
    if not 2 <= len(a) <= 10 or not a.isalpha():
        return False
    ws = [_latin_word(w) for w in words]
    if len(ws) < 2 or a in ws:
        return False

    return _acronym_step(a, ws, whole, 0, 0, {})


def _acronym_step(a: str, ws: list[str], whole: bool, i: int, j: int, memo: dict[tuple[int, int], bool]) -> bool:
    """Can `a[i:]` spell the initials of `ws[j:]` (see `acronym_of`)? Memoised per (i, j); a plain function,
    not a cached closure, so that mypyc compiles it."""
    hit = memo.get((i, j))
    if hit is not None:
        return hit
    if i == len(a):
        # (two words at least: one word's first letters are no acronym)
        found = j >= 2 and (not whole or all(w in _ACRONYM_SKIP for w in ws[j:]))
    elif j == len(ws):
        found = False
    else:
        w = ws[j]
        found = w in _ACRONYM_SKIP and _acronym_step(a, ws, whole, i, j + 1, memo)
        if not found:
            for k in range(1, min(3, len(w)) + 1):
                if a[i:i + k] == w[:k] and _acronym_step(a, ws, whole, i + k, j + 1, memo):
                    found = True
                    break
    memo[(i, j)] = found
    return found


def packed_forms(text: str, kind: str) -> list[tuple[str, bool]]:
    """The names packed into one list field, other than the field as written, each with whether it
    is an acronym: alias lists separated by semicolons or spaced slashes ("CAGL ; GREAT LAKES BUSINESS
    COMPANY", "(c) Ansar al-Shari'ah", "Vadim Alekseevich SUBOTIN / Vadim Alekseevich SUBBOTIN"), a name and its original script in parentheses ("Akrin Saleh Akrin (أقرين صالح
    أقرين)", "Amir Khazmat (original script: Амир Хазмат)"), a name with a note in parentheses or
    after a dash ("Encep Nurjaman (birth name)", "Ansar al-Mujahideen Network - sub-unit name") and an
    organisation's name with its acronym in parentheses ("EASTERN TURKISTAN ISLAMIC MOVEMENT (ETIM)":
    ETIM, and the name without it). A person's name without its parentheses is always one of them;
    an organisation's only when the parentheses hold no qualifier (AL-HARAMAIN (BANGLADESH) stays whole)."""
    out: list[tuple[str, bool]] = []
    if "/" in text and _SLASH_RE.search(text) is not None and not (";" in text or " / " in text):
        for form in _slash_forms(text, kind):
            out.append((form, False))
            out.extend(packed_forms(form, kind))
    if ";" in text or " / " in text:
        pieces = [_ENUM_RE.sub("", p).strip() for p in _top_level_split(text)]
        pieces = [p for p in pieces if p]
        if len(pieces) > 1:
            for p in pieces:
                out.append((p, False))
                out.extend(packed_forms(p, kind))
            return _unique(out, text)
    if "(" in text or ")" in text:
        outside, groups = _groups(text)
        outside = _TAIL_LABEL_RE.sub("", outside).strip(" ,;:-")
        latin = _latin_text(outside)
        whole = bool(outside)
        for g, inner in groups:
            g = _LEAD_LABEL_RE.sub("", g)
            g = " ".join(_TAIL_LABEL_RE.sub("", g).split()).strip(" ,;:-")
            if not g or _NOTE_RE.match(g):
                continue  # a note (birth name, false identity ...)
            if kind != "person" and whole and " " not in outside and " " in g and acronym_of(
                    outside, split_words(g, join_dotted=False), whole=True):
                # The acronym first, the name in parentheses: ADF (ALLIED DEMOCRATIC FORCES).
                out.extend([(g, False), (outside, True)])
                whole = False
                continue
            if kind != "person" and not inner and ", " in g:
                # Several acronyms in one pair of brackets: (ISIL-SEA, ISIL-South East Asia).
                words = split_words(outside, join_dotted=False)
                acronyms = [x for x in (y.strip() for y in g.split(",")) if " " not in x and len(x) >= 3
                            and acronym_of(x, words)]
                if acronyms:
                    out.extend((x, True) for x in acronyms)
                    continue
            script = _latin_text(g)
            if script is not None and latin is not None and script != latin:
                out.append((g, False))  # the name in another script
                out.extend(packed_forms(g, kind))
            elif kind != "person" and not inner and " " not in g and len(g) >= 3 and acronym_of(
                    g, split_words(outside, join_dotted=False)):
                # (not one inside the name: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC) AL GHADIR MISSILE
                # COMMAND is not the IRGC)
                out.append((g, True))
            elif kind != "person":
                whole = False  # a qualifier: the organisation's branch, country, legal form ...
        if whole:
            out.append((outside, False))
    elif ("-" in text or "–" in text or "—" in text) and _TAIL_LABEL_RE.search(text):
        out.append((_TAIL_LABEL_RE.sub("", text).strip(), False))
    elif kind != "person" and (" - " in text or " – " in text):
        out.extend(_dash_acronym(text))
    return _unique(out, text)


def _dash_acronym(text: str) -> list[tuple[str, bool]]:
    """A name and its acronym on either side of a dash: AIG - ARMAMENT INDUSTRIES GROUP, AFRICA
    RESOURCE CORPORATION - ARC (the acronym spelling all of the name: not RT - Russia Today Germany)."""
    parts = [p.strip() for p in re.split(r" [-–] ", text)]
    if len(parts) != 2 or not all(parts):
        return []
    for acr, name in ((parts[0], parts[1]), (parts[1], parts[0])):
        if " " not in acr and " " in name and acronym_of(acr, split_words(name, join_dotted=False), whole=True):
            return [(name, False), (acr, True)]
    return []


# Two words joined by a slash, each of two letters or more (not I/E, J/V, M/S., LRM/A, 140/14).
_SLASH_RE = re.compile(r"(?<![\w'’-])[\w'’-]+(?:/[\w'’-]+)+(?![\w'’-])")
_LETTERS_RE = re.compile(r"[^\W\d_]")


def _slash_forms(text: str, kind: str) -> list[str]:
    """The names a field writes with unspaced slashes outside parentheses (91 names on the lists): two
    names of two words or more each on either side of one slash ("Al Qa'ida/Islamic Army", "Natalya
    Ivanovna BEZRUCHENKO/Natalia Ivanovna BEZRUCHENKO", "THREAT GROUP-4127/IRON TWILIGHT"), otherwise
    alternatives of one word ("Fahd/Fahed", "Anas Talous/Tals/Tuls/Tlass", "Revolutionary People's
    Liberation Army/Front/Party", "CHINA PRECISION MACHINERY IMPORT/EXPORT CORPORATION", "VICTORY/POBEDA
    POLITICAL BLOC"): the k-th form takes the k-th alternative of every run (its last when shorter)."""
    spans: list[tuple[int, int]] = []
    for m in _SLASH_RE.finditer(text):
        depth = text.count("(", 0, m.start()) - text.count(")", 0, m.start())
        if depth <= 0 and all(len(_LETTERS_RE.findall(w)) >= 2 for w in m.group().split("/")):
            spans.append((m.start(), m.end()))
    if not spans:
        return []
    if len(spans) == 1 and text.count("/") == 1:
        k = text.index("/")
        left, right = text[:k].strip(), text[k + 1:].strip()
        tail = name_tokens(right, "org" if kind != "person" else kind)
        if (len(split_words(left, join_dotted=False)) >= 2 and len(split_words(right, join_dotted=False)) >= 2
                and tail and not tail[-1].weak):
            # (a legal form ending the field is the whole name's: IMPORT/EXPORT CORPORATION is one word's
            # alternatives)
            return [left, right]
    runs = [text[a:b].split("/") for a, b in spans]
    forms: list[str] = []
    for k in range(max(len(r) for r in runs)):
        pieces: list[str] = []
        pos = 0
        for (a, b), alts in zip(spans, runs):
            pieces.append(text[pos:a])
            pieces.append(alts[min(k, len(alts) - 1)])
            pos = b
        pieces.append(text[pos:])
        forms.append("".join(pieces))
    return forms


def _top_level_split(text: str) -> list[str]:
    """`text` split at the semicolons and the slashes between spaces ("Сергей Леонидович ТЕЛЬНЫХ /
    Сергiй Леонiдович ТЕЛЬНИХ"; not IMPORT/EXPORT) outside parentheses."""
    out: list[str] = []
    depth = 0
    start = 0
    for k, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth and (ch == ";" or (ch == "/" and text[k - 1:k] == " " and text[k + 1:k + 2] == " ")):
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return out


def _unique(forms: list[tuple[str, bool]], text: str) -> list[tuple[str, bool]]:
    seen = {text}
    out = []
    for form, acronym in forms:
        if form and form not in seen:
            seen.add(form)
            out.append((form, acronym))
    return out
