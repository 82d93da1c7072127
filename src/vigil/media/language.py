"""A small, dependency-free language guess: script first, then stop-word ratios for Latin-script text.

Good enough for its one job: tell English news (which the English NER model and the
context rules understand) from everything else, and name the other language in the
warning. It is not a general language identifier.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")

# The most frequent function words of each language (short lists: frequency does the work).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in a is that for it as was with on by he at be this are from has have "
                    "an not but which its their his they were had been would or also who will its than".split()),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es "
                    "an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über".split()),
    "fr": frozenset("le la les de des du et en un une est que qui dans pour par sur au aux pas plus ne se ce "
                    "il elle sont avec ont été cette son ses leur".split()),
    "es": frozenset("el la los las de del y en un una que es por con para se no al lo como su sus más pero "
                    "fue ha han este esta sobre entre".split()),
    "it": frozenset("il lo la i gli le di del della e è un una che per con non si da al dei nel sono come "
                    "ma anche questo alla".split()),
    "pt": frozenset("o a os as de do da dos das e em um uma que é para com não por se no na ao mais foi são "
                    "como mas pelo pela".split()),
    "nl": frozenset("de het een en van in is dat op te zijn met voor niet aan er ook als door maar om bij "
                    "werd worden heeft deze".split()),
}

_PERSIAN_LETTERS = set("پچژگکی")
SHORT_TEXT = 40  # words: below this, Latin-script text is English unless another language is plain
MIN_FOREIGN_HITS = 3  # ... i.e. has at least this many of its stop words, and twice as many as English


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "ARABIC", "CYRILLIC", "HEBREW", "GREEK", "CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        if name.startswith(script) or f" {script} " in f" {name} ":
            return script
    return "OTHER"


def detect_language(text: str, sample: int = 20000) -> tuple[str, float]:
    """(ISO 639-1 code or "und", confidence 0..1) for the dominant language of `text`."""
    text = text[:sample]
    scripts = Counter(s for s in map(_script, text) if s)
    total = sum(scripts.values())
    if not total:
        return "und", 0.0
    script, count = scripts.most_common(1)[0]
    share = count / total
    if script != "LATIN":
        if script == "ARABIC":
            persian = sum(1 for ch in text if ch in _PERSIAN_LETTERS)
            return ("fa" if persian > 0.01 * count else "ar"), share
        code = {"CYRILLIC": "ru", "HEBREW": "he", "GREEK": "el", "CJK": "zh", "HIRAGANA": "ja",
                "KATAKANA": "ja", "HANGUL": "ko"}.get(script, "und")
        return code, share
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "und", 0.0
    hits = {lang: sum(1 for w in words if w in stops) for lang, stops in STOPWORDS.items()}
    lang, best = max(hits.items(), key=lambda kv: kv[1])
    if len(words) < SHORT_TEXT and lang != "en" and (best < MIN_FOREIGN_HITS or best < 2 * hits["en"]):
        # A line or two of Latin script: names plus a few short words ("met", "in") that another
        # language also has. English (what the NER model reads) unless the other language is plain.
        return "en", min(1.0, (hits["en"] + 1) / (best + 1)) * 0.5
    ratio = best / len(words)
    # English prose has ~40% stop words from this list; a few percent means names or a word list.
    if ratio < 0.08:
        return ("en" if len(words) < 30 else "und"), ratio
    runner_up = max((v for k, v in hits.items() if k != lang), default=0)
    confidence = min(1.0, share * (best - runner_up) / best) if best else 0.0
    return lang, confidence
