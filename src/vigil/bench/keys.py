"""A deliberately simple, engine-independent name key for finding ground truth in the lists
(the benchmark must not judge the matcher with the matcher's own normaliser)."""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def name_key(name: str) -> str:
    """Accents and case folded, punctuation dropped, tokens sorted: 'SALEK, Abdul-Hai' == 'abdul hai salek'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(sorted(_NON_WORD.sub(" ", text).replace("_", " ").split()))
