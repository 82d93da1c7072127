"""What a decision reason must be, for every front end (CLI, API, UI): text a person can read.

A reason is the analyst's account of a decision in the audit trail. One made only of white space,
zero-width or other format characters (U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF ...),
control characters or combining marks records nothing a reviewer can see, so it is refused like an
empty one. The monitor's case work and the parties review queue both call `reason_problem`.
"""
from __future__ import annotations

import unicodedata

# Letters, numbers, punctuation and symbols are visible; separators (Z*), controls and format
# characters (C*) and lone combining marks (M*) are not.
_VISIBLE = frozenset("LNPS")


def has_visible(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in _VISIBLE for ch in text)


def reason_problem(text: str, what: str) -> str | None:
    """Why `text` (already stripped, known non-empty) is not an acceptable reason, or None."""
    if "\x00" in text:
        return f"{what} contains a NUL character"
    if not has_visible(text):
        return f"{what} has no visible characters (only spaces, zero-width or control characters)"
    bad = next((ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
    if bad is not None:
        return f"{what} contains the control character U+{ord(bad):04X}"
    return None


__all__ = ["has_visible", "reason_problem"]
