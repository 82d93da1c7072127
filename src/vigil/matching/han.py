"""Chinese written without spaces: words (jieba), simplified characters (OpenCC), readings (pypinyin).

Names in Chinese characters are one run of characters: 上海东丰航运有限公司 is Shanghai + Dongfeng +
Hangyun (shipping) + Youxian Gongsi (Co., Ltd.). `segment` cuts such a run into words with jieba's
dictionary, after folding traditional characters to simplified ones (長安 = 长安), so that both
writings of a name give the same parts; `pinyin` reads a word in Mandarin by word, not by character
(重庆 Chongqing, not Zhongqing).

The three libraries load lazily, on the first Chinese name, and offline: jieba's dictionary ships in
its wheel, and the prefix dictionary it builds from it is cached under VIGIL_HOME/cache (never in
the system's temporary folder); its log messages are silenced. Without the libraries (a minimal
install) names fall back to one part per character reading (anyascii).
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
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

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            from vigil.settings import Settings

            cache = Settings.from_env().cache_dir
            try:
                cache.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # (jieba then fails to write its cache, quietly, and builds it in memory)
            tok.tmp_dir = str(cache)  # never the system's temporary folder
            tok.cache_file = "jieba.cache"
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


@lru_cache(maxsize=50_000)
def pinyin(word: str) -> str | None:
    """Toneless pinyin of a word, syllables joined (长安 -> changan); None without pypinyin."""
    conv = _STATE.get("pypinyin")
    if conv is None:
        try:
            from pypinyin import Style, lazy_pinyin

            def conv(w: str) -> list[str]:
                return lazy_pinyin(w, style=Style.NORMAL, errors="ignore")
        except Exception:
            conv = False
        _STATE["pypinyin"] = conv
    if not conv:
        return None
    out = "".join(conv(word)).lower()
    return "".join(ch for ch in out if ch.isalnum()) or None
