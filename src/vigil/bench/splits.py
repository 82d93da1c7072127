"""Tuning / held-out halves of every evaluation set, by a stable hash of the case.

A case goes to the held-out half when the first byte of
``sha256("vigil-split-v1|" + key)`` is odd, else to the tuning half. The key is the case's own
content (name_bench: ``schema|name1|name2``; entity_bench: the schema and the query and candidate
properties as sorted JSON) or, for the sets built from the lists, the listed entity's id
(``ofac:<id>``, ``uk:<id>``). The split needs no file, does not move when cases are added to a
set, and is the same on every machine. Only held-out figures count; tuning halves are for
whoever changes the matcher (``vigil bench --json`` lists the tuning errors, never the held-out ones).
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, Iterable, TypeVar

SALT = "vigil-split-v1"
TUNING = "tuning"
HELD_OUT = "held-out"
SPLITS = (HELD_OUT, TUNING)
T = TypeVar("T")


def split_of(key: str) -> str:
    digest = hashlib.sha256(f"{SALT}|{key}".encode("utf-8")).digest()
    return HELD_OUT if digest[0] & 1 else TUNING


def name_case_key(schema: str, name1: str, name2: str) -> str:
    return f"{schema}|{name1}|{name2}"


def entity_check_key(schema: str, query: dict, candidate: dict) -> str:
    return schema + "|" + json.dumps({"query": query, "candidate": candidate}, sort_keys=True, ensure_ascii=False)


def partition(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """{HELD_OUT: [...], TUNING: [...]} in the items' order."""
    out: dict[str, list[T]] = {s: [] for s in SPLITS}
    for item in items:
        out[split_of(key(item))].append(item)
    return out
