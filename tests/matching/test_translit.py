"""Transliteration tables of `translit.py` on real names."""
from __future__ import annotations

from vigil.matching.translit import fallback_romanize


def test_khmer_muusikatoan_turns_ba_into_pa():
    # ប៉ុល ពត is Pol Pot: the sign ៉ over ប (ba) writes the sound p.
    assert fallback_romanize("ប៉ុល") == "pol"
    assert fallback_romanize("បុល") == "bol"


def test_han_family_name_length():
    from vigil.matching.translit import han_family_length

    assert han_family_length("习近平") == 1  # Chinese: one character
    assert han_family_length("金正恩") == 1  # Korean: one character
    assert han_family_length("田中花子") == 2  # Japanese: two
    assert han_family_length("司马相如") == 2  # Chinese compound family name
    assert han_family_length("長谷川一郎") == 3


def test_japanese_readings_have_their_hepburn_spellings():
    from vigil.matching.translit import han_readings

    assert {"sato", "satou", "satoh"} <= han_readings("佐藤", "ja")
    assert {"jongun", "jeongeun", "chongun"} <= han_readings("正恩", "ko")
    assert han_readings("近平", "ko") == frozenset()  # unknown: pinyin only


def test_han_name_language_needs_a_consistent_reading():
    from vigil.matching.translit import han_name_language

    assert han_name_language("山田", "太郎") == "ja"
    assert han_name_language("金", "正恩") == "ko"
    assert han_name_language("习", "近平") == ""  # Chinese
    assert han_name_language("朱", "成") == "ko"  # both known Korean readings ...
