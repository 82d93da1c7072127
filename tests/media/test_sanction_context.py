"""The sanction-context rules on hand-written sentences (spaCy's parse, no lists needed)."""
from __future__ import annotations

import pytest

from vigil.media.context import classify
from vigil.media.ner import get_pipeline

CASES = [
    ("The Treasury on Tuesday designated Hamas leader Yahya Sinwar.", "Yahya Sinwar", "designated"),
    ("Lawmakers urged the administration to sanction the Wagner Group.", "Wagner Group", "called_for"),
    ("The European Union should impose sanctions on Hezbollah, the lawmakers said.", "Hezbollah", "called_for"),
    ("Sanctioning Alavi for his conduct would complement these steps.", "Alavi", "called_for"),
    ("The EU lifted sanctions on Bank Melli in 2016.", "Bank Melli", "delisted"),
    ("Rosneft was removed from the sanctions list last year.", "Rosneft", "delisted"),
    ("In October 2017, it sanctioned the IRGC in its entirety for its support of terrorism.", "IRGC", "designated"),
    ("Washington has not sanctioned Gazprom.", "Gazprom", None),
    ("Gazprom signed a contract with the ministry.", "Gazprom", None),
]


@pytest.fixture(scope="module")
def pipeline():
    return get_pipeline()


@pytest.mark.parametrize("sentence, name, expected", CASES)
def test_context(pipeline, sentence, name, expected):
    parsed = pipeline.parse(pipeline.process(sentence)[:])
    start = sentence.index(name)
    hits = classify(parsed, [(start, start + len(name))])
    got = hits.get((start, start + len(name)))
    assert (got.cls if got else None) == expected


def test_sanctioning_authority_is_not_the_target(pipeline):
    s = "This move built on earlier sanctions, by the Bush administration, of the IRGC and of Soleimani."
    parsed = pipeline.parse(pipeline.process(s)[:])
    spans = {n: (s.index(n), s.index(n) + len(n)) for n in ("Bush", "IRGC", "Soleimani")}
    hits = classify(parsed, spans.values())
    assert spans["Bush"] not in hits
    assert hits[spans["Soleimani"]].cls == "designated"
