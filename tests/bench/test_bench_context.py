from pathlib import Path

from vigil.bench.context import BenchContext
from vigil.bench.lists import from_store


def test_empty_store_means_lists_come_from_the_mirror():
    # the autouse fixture gives an empty VIGIL_HOME: nothing ingested, so the bench parses the mirror
    assert from_store() is None


def test_quick_sample_is_fixed_and_in_file_order():
    items = list(range(1000))
    quick = BenchContext(mirror=Path("."), quick=True)
    a, b = quick.sample(items, quick_n=50), quick.sample(items, quick_n=50)
    assert a == b and len(a) == 50 and a == sorted(a)
    full = BenchContext(mirror=Path("."), quick=False)
    assert full.sample(items, quick_n=50) == items
    assert full.sample(items, quick_n=10, full_n=100) == quick.sample(items, quick_n=100)
    assert quick.sample(items[:5], quick_n=50) == items[:5]
