"""Chinese written without spaces: words (jieba), simplified characters (OpenCC), readings (pypinyin).

Names in Chinese characters are one run of characters: 上海东丰航运有限公司 is Shanghai + Dongfeng +
Hangyun (shipping) + Youxian Gongsi (Co., Ltd.). `segment` cuts such a run into words with jieba's
dictionary, after folding traditional characters to simplified ones (長安 = 长安), so that both
writings of a name give the same parts; `pinyin` reads a word in Mandarin by word, not by character
(重庆 Chongqing, not Zhongqing).

The three libraries load lazily, on the first Chinese name, and offline: jieba's dictionary ships in
its wheel, and the prefix dictionary it builds from it is cached under VIGIL_HOME/cache (never in
the system's temporary folder); its log messages are silenced. Memory is kept small: jieba gets its
dictionary without rare words, and the readings come from pypinyin's character table (every common
reading of a polyphonic character, 重 zhong/chong, instead of its 55 MB phrase table). Without the
libraries (a minimal install) names fall back to one reading per character (anyascii).
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def _opencc() -> Any:
    conv = _STATE.get("opencc")
    if conv is None:
        try:
            import opencc

            conv = opencc.OpenCC("t2s")
        except Exception:  # (not installed, or no data): no folding
            conv = False
        _STATE["opencc"] = conv
    return conv


# jieba's dictionary has 349,046 words; the 80,000 most frequent (frequency >= MIN_WORD_FREQ) keep
# place names, common given names and the words of company names, and cost 11 MB instead of 45 MB
# resident; rarer words (brand names) fall to jieba's HMM for unknown words, as they would anyway.
MIN_WORD_FREQ = 19


def _small_dictionary(cache: Path) -> str | None:
    """jieba's dictionary without its rare words, written once under VIGIL_HOME/cache; None when it
    cannot be written (jieba then uses its full dictionary)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(spec.submodule_search_locations[0]) / "dict.txt"
    target = cache / f"jieba-dict-{MIN_WORD_FREQ}-{source.stat().st_size}.txt"
    if target.is_file():
        return str(target)
    try:
        kept = []
        with open(source, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= MIN_WORD_FREQ:
                    kept.append(line if line.endswith("\n") else line + "\n")
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("".join(kept), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        return None
    return str(target)


def _jieba() -> Any:
    tok = _STATE.get("jieba")
    if tok is not None:
        return tok
    with _LOCK:
        tok = _STATE.get("jieba")
        if tok is not None:
            return tok
        try:
            import jieba

            from vigil.settings import Settings

            cache = Settings.from_env().cache_dir
            small = _small_dictionary(cache)
            tok = jieba.Tokenizer(small) if small else jieba.Tokenizer()
            tok.tmp_dir = str(cache)  # its prefix-dictionary cache: never the system's temporary folder
            _quiet_initialise(tok)
            from .wordtables import org_words

            for forms, _english, _cls in org_words():
                for form in forms:
                    if is_han_word(form):
                        tok.add_word(to_simplified(form), freq=100_000)
        except Exception:
            tok = False
        _STATE["jieba"] = tok
    return tok


def _quiet_initialise(tok: Any) -> None:
    """jieba's own initialisation, with its messages off and its cache where we said; a cache that
    cannot be written is not an error (the dictionary is then built in memory on every start)."""
    import jieba

    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        tok.initialize()
    finally:
        logger.setLevel(level)


def is_han_word(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"
               for ch in text)


@lru_cache(maxsize=50_000)
def to_simplified(text: str) -> str:
    """Traditional characters folded to simplified ones (長安海連 -> 长安海连); unchanged otherwise."""
    conv = _opencc()
    if not conv:
        return text
    return conv.convert(text)


@lru_cache(maxsize=50_000)
def segment(text: str) -> tuple[str, ...]:
    """Words of a run of Chinese characters (simplified); the run itself when jieba is missing."""
    text = to_simplified(text)
    tok = _jieba()
    if not tok or len(text) <= 2:
        return (text,)
    return tuple(w for w in tok.lcut(text, HMM=True) if w.strip())


def _readings_table() -> dict[int, tuple[str, ...]]:
    """pypinyin's table of the readings of each character (most common first), tones removed. Read
    from its data file directly: importing pypinyin loads its phrase table too (55 MB resident)."""
    table = _STATE.get("pinyin")
    if table is None:
        table = {}
        try:
            import importlib.util
            import json

            spec = importlib.util.find_spec("pypinyin")
            if spec is not None and spec.submodule_search_locations:
                path = Path(spec.submodule_search_locations[0]) / "pinyin_dict.json"
                with open(path, encoding="utf-8") as fh:
                    raw = json.load(fh)
                for code, readings in raw.items():
                    out = tuple(dict.fromkeys(_toneless(r) for r in readings.split(",") if r))
                    if out:
                        table[int(code)] = out
        except (OSError, ValueError):
            table = {}
        _STATE["pinyin"] = table
    return table


def _toneless(reading: str) -> str:
    out = "".join(ch for ch in unicodedata.normalize("NFD", reading) if unicodedata.category(ch) != "Mn")
    return out.replace("ü", "u").lower()


MAX_READINGS = 8


@lru_cache(maxsize=50_000)
def readings(word: str) -> tuple[str, ...]:
    """Toneless pinyin readings of a word, syllables joined, the most common reading first (长安 ->
    changan, zhangan); empty without pypinyin's table or for a character it does not know."""
    table = _readings_table()
    options = []
    for ch in word:
        r = table.get(ord(ch))
        if not r:
            return ()
        options.append(r[:3])
    out: list[str] = []
    for combo in itertools.product(*options):
        out.append("".join(combo))
        if len(out) >= MAX_READINGS:
            break
    return tuple(out)


def pinyin(word: str) -> str | None:
    """The most common toneless pinyin reading of a word (None when unknown)."""
    r = readings(word)
    return r[0] if r else None
