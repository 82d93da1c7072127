"""Coreference rules without NER: gazetteer-like mentions fed directly."""
from __future__ import annotations

from vigil.media.coref import resolve
from vigil.media.ner import NerSpan


def test_abbreviation_surname_and_description():
    text = ("Agents of Iran’s Ministry of Secrets (MOS) came. Its minister, Ali Rezaei, spoke. "
            "The ministry denied it; Rezaei’s deputy and the MOS’ staff too. The Secrets Ministry agreed.")
    spans = [
        NerSpan("ORG", "Iran’s Ministry of Secrets", text.index("Iran’s"), text.index(" (MOS)")),
        NerSpan("PERSON", "Ali Rezaei", text.index("Ali Rezaei"), text.index("Ali Rezaei") + 10),
        NerSpan("ORG", "The Secrets Ministry", text.index("The Secrets"), text.index("The Secrets") + 20),
    ]
    clusters = resolve(text, spans, [], lambda *a: True)
    by_first = {c.first.text: [m.text for m in c.mentions] for c in clusters}
    ministry = by_first["Ministry of Secrets"]
    assert ministry.count("MOS") == 2 and "ministry" in ministry and "Secrets Ministry" in ministry
    assert by_first["Ali Rezaei"] == ["Ali Rezaei", "Rezaei"]
    first = [c for c in clusters if c.first.text == "Ministry of Secrets"][0].first
    assert first.countries == ["Iran"]
