"""The generated tuning negatives: fixed seed, the locales and scripts the brief names, Latin readings."""
from __future__ import annotations

import pytest

pytest.importorskip("faker")

from vigil.bench import generated  # noqa: E402


def test_generated_negatives_are_reproducible_and_cover_the_locales():
    people = generated.generate()
    again = generated.generate()
    assert [p.row for p in people] == [p.row for p in again]
    assert len(people) >= 5000
    locales = {p.locale for p in people}
    assert {"en_US", "ru_RU", "ar_AA", "fa_IR", "zh_CN", "ko_KR", "ja_JP", "hi_IN", "vi_VN"} <= locales
    latin = [p for p in people if p.latin]
    assert latin and all(p.row.full_name.isascii() for p in latin)
    assert sum(p.kind == "us_common" for p in people) == generated.US_COMMON
    assert all(p.row.full_name.strip() for p in people)
