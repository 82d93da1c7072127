"""Name normalisation: the one normaliser (`normalize`) and the token analysis used for matching.

`normalize(text)` -> lower-case Latin words separated by single spaces: NFKC, case folding,
our own Arabic/Persian/Cyrillic/Greek transliteration, diacritics removed, apostrophes dropped
(ETTELA'AT -> ettelaat), every other punctuation mark a word break. The news gazetteer
reuses it, so it must stay cheap and deterministic.

`name_tokens(text, kind)` -> the tokens that matter for matching, as interned `Token`s:
honorifics (Sheikh, Seyed, Hajj, Ayatollah ...) and particles (al-, bin, ibn, de, van ...)
dropped, `Abdul...` split into `abd` + rest, organisation legal forms (LLC, Ltd, JSC, OOO,
Sherkat ...) mapped to one canonical form and marked weak.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import translit
from .tables import variants

APOSTROPHES = "'’‘`ʼʻ´ʹ′"
_APOS_RE = re.compile(f"[{APOSTROPHES}]")
_LATIN_SPECIAL = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "ng", "ĸ": "k", "ſ": "s", "ʃ": "sh",
}


def _is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat == "Mn" or ch == translit.ZWNJ


@lru_cache(maxsize=200_000)
def _latin_word(word: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.category(ch) == "Mn":
            continue
        rom = translit.romanize_char(ch)
        if rom is not None:
            out.append(rom)
        else:
            out.append(_LATIN_SPECIAL.get(ch, ch))
    return "".join(out)


_DOTTED_RE = re.compile(r"(?<![^\W_])((?:[^\W\d_]\.){2,}[^\W\d_]?)(?![^\W_])")


def split_words(text: str, join_dotted: bool = True) -> list[str]:
    """NFKC + casefold, apostrophes dropped, split on everything that is not a letter or digit.

    Dotted abbreviations are one word: L.L.C. -> llc, p.l.c. -> plc.
    """
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
    return _latin_word(word)


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


@lru_cache(maxsize=200_000)
def latin_skeleton(word: str) -> str:
    """Consonant skeleton in the key space of `translit.arabic_skeletons`.

    Mohammad/Muhammad/Mohamed -> mhmd; Hossein/Husayn -> hsn; Soleimani/Sulaymani -> slmn;
    Qasem/Ghasem/Kasim -> ksm; Hezbollah/Hizballah -> hzbl. An initial vowel is kept as `a`.
    """
    if not word:
        return ""
    s = word[1:] if word.startswith("ye") else word  # Yevgeny / Evgeny, Yelena / Elena
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    if len(s) > 2 and s.endswith("h") and s[-2] in VOWELS:
        s = s[:-1]  # Zadeh/Zade, Hamzah/Hamza, Allah
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
    s = word[1:] if word.startswith("ye") else word
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    if len(s) > 2 and s.endswith("h") and s[-2] in VOWELS:
        s = s[:-1]
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch in VOWELS and not (ch == "y" and i == 0):
            if not out or out[-1] != "V":
                out.append("V")
        elif not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


# -- word classes ----------------------------------------------------------------------------
HONORIFICS = frozenset(
    """mr mrs ms miss dr doctor prof professor sir lord lady sheikh shaikh shaykh sheik shaykhah sheikha
    haj hajj haji hajji hadji alhaj alhajj elhadj hajjah hajia seyed seyyed sayyid sayed sayyed syed seyyid
    sayid sayyida seyedeh ayatollah ayatullah ayatolah grand hojatoleslam hojjatoleslam hujjat mullah mulla
    molla maulana mawlana maulvi mawlawi moulvi mawlvi mufti qari imam emir amir sardar sartip general gen
    lt col colonel maj major capt captain brig brigadier admiral adm commander cmdr eng engr engineer
    hon honourable honorable rev reverend father fr brother br sister sr mme mlle herr frau""".split()
)
PARTICLES = frozenset(
    """al el ul ol ad ar as ash at az ud ur us ut an bin ibn bint ben binti b ibnu de da di del della
    dos das do du la le van von der den ten ter y e und and of the""".split()
)
# The same in Arabic script (folded letter forms, see translit.fold_arabic).
ARABIC_HONORIFICS = frozenset("سید سیدہ شیخ حاج حاجی ملا مولوی مولانا امام دکتر مهندس سردار اللواء".split())
ARABIC_PARTICLES = frozenset("بن ابن بنت ال".split())
# Organisation legal forms and their canonical form; these tokens weigh little.
LEGAL_FORMS = {
    **{k: "llc" for k in ("llc", "llp", "lp", "plc", "l.l.c")},
    **{k: "ltd" for k in ("ltd", "limited", "ltda", "pvt", "private", "pte", "pty", "bhd", "sdn")},
    **{k: "co" for k in ("co", "company", "companies", "compania", "compagnie", "cie", "sherkat", "sherkate",
                          "shirkat", "shirkate", "sharikat", "sharika", "shrkt", "kompaniya", "firma")},
    **{k: "corp" for k in ("corp", "corporation", "incorporated", "inc", "kk", "kabushiki", "kaisha")},
    **{k: "jsc" for k in ("jsc", "aktiengesellschaft", "ojsc", "pjsc", "cjsc", "ojsc", "oao", "zao", "pao", "ao", "ooo", "tov",
                           "pat", "prat", "sa", "sas", "sarl", "srl", "spa", "ag", "gmbh", "bv", "nv", "ab",
                           "as", "asa", "oy", "oyj", "kft", "zrt", "sp", "zoo", "doo", "ad", "eood", "ood",
                           "fze", "fzco", "fzc", "fzllc", "fz", "est", "establishment", "group", "holding",
                           "holdings", "trading", "industries", "international", "intl", "enterprises")},
}
# Multi-word legal forms, matched on whole words before the single-word table.
LEGAL_PHRASES = (
    (("limited", "liability", "company"), "llc"), (("limited", "liability", "partnership"), "llc"),
    (("open", "joint", "stock", "company"), "jsc"), (("closed", "joint", "stock", "company"), "jsc"),
    (("public", "joint", "stock", "company"), "jsc"), (("private", "joint", "stock", "company"), "jsc"),
    (("joint", "stock", "company"), "jsc"), (("public", "limited", "company"), "llc"),
    (("private", "limited", "company"), "ltd"), (("sp", "z", "oo"), "jsc"),
    (("gesellschaft", "mit", "beschrankter", "haftung"), "jsc"), (("societe", "anonyme"), "jsc"),
)
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


_TOKENS: dict[tuple[str, bool], Token] = {}


def make_token(word: str, weak: bool = False) -> Token:
    tok = _TOKENS.get((word, weak))
    if tok is not None:
        return tok
    if any(translit.is_arabic(ch) for ch in word):
        text = translit.romanize_arabic(word)
        skels = translit.arabic_skeletons(word)
        vkey = None
    else:
        text = _latin_word(word)
        skels = (latin_skeleton(text),)
        vkey = vowel_key(text)
    syn = variants().get(translit.fold_arabic(word)) if vkey is None else variants().get(text)
    tok = Token(word, text, skels, vkey, syn, weak)
    _TOKENS[(word, weak)] = tok
    return tok


def _expand_word(word: str) -> list[str]:
    """Arabic article and `Abdul...` compounds: structural, script-independent splits."""
    if any(translit.is_arabic(ch) for ch in word):
        w = translit.strip_arabic_article(word)
        if w.startswith("عبدال") and len(w) > 7:
            return ["عبد", w[5:]]
        return [w]
    w = _latin_word(word)
    if w == "abd" or w in ABD_PREFIXES:
        return ["abdul"]
    for pre in ABD_PREFIXES:
        # Abdulrahman / Abdel Rahman / Abd al-Rahman -> abdul rahman; but Abdullah stays whole.
        if w.startswith(pre) and len(w) >= len(pre) + 4:
            return ["abdul", w[len(pre):]]
    return [w]


def _org_words(words: list[str]) -> list[str]:
    """Multi-word legal forms -> one marked canonical word; runs of single letters joined (A B C -> abc)."""
    out: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        for phrase, canon in LEGAL_PHRASES:
            k = len(phrase)
            if tuple(words[i:i + k]) == phrase:
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
    words = split_words(text, join_dotted=kind != "person")
    if kind != "person":
        words = _org_words(words)
    if "عبد" in words or "الله" in words or "ٱلله" in words:
        words = _join_abd(words)
    out: list[Token] = []
    for word in words:
        if word.startswith("\x00"):
            out.append(make_token(word[1:], weak=True))
            continue
        for w in _expand_word(word):
            if not w:
                continue
            if any(translit.is_arabic(c) for c in w):
                lw = w
                folded = translit.fold_arabic(w)
                if (kind != "org" and folded in ARABIC_HONORIFICS) or folded in ARABIC_PARTICLES:
                    continue
            else:
                lw = _latin_word(w)
            if kind != "org" and lw in HONORIFICS:
                continue
            if kind != "person" and lw in LEGAL_FORMS:
                out.append(make_token(LEGAL_FORMS[lw], weak=True))
                continue
            if lw in PARTICLES or (kind == "org" and lw in ORG_STOPWORDS):
                continue
            out.append(make_token(lw))
    if not any(not t.weak for t in out):
        # Everything was a title or particle ("Al", "Sheikh"): keep the words themselves.
        out = [make_token(_latin_word(w) if not any(translit.is_arabic(c) for c in w) else w) for w in words]
    return tuple(out)


def kind_of(schema_name: str) -> str:
    if schema_name == "Person":
        return "person"
    if schema_name in ("LegalEntity",):
        return "any"
    return "org"
