"""The NER runs only on windows around capitalised tokens (speed); it must find what a full-text run finds."""
from __future__ import annotations

import pytest

from vigil.media.ner import NER_LABELS, SENTENCE_FUNCTION_WORDS, _windows, get_pipeline

TEXT = (
    "Hezbollah and its patrons in Tehran have long relied on a network of front companies. "
    "for years the money moved quietly through exchange houses and small trading firms that were "
    "never asked many questions by the banks that cleared their payments, and the people who ran "
    "them rarely travelled or spoke to reporters about what they did or who they did it for. "
    "Last week the Treasury Department said that Qasem Soleimani had overseen the scheme for the "
    "Islamic Revolutionary Guard Corps, and that al-Qaeda operatives in Syria had received part "
    "of the funds through a company registered in Dubai.\n\n"
    "analysts said the designations would make it harder, though not impossible, to move the money "
    "again, because the same traders could simply open new accounts under other names and keep "
    "going as before while the lists caught up with them, as they had done several times already. "
    "A spokesman for the Ministry of Intelligence and Security declined to comment, as did Mahmoud Alavi"
)


@pytest.fixture(scope="module")
def pipeline():
    return get_pipeline()


def _full_text_entities(pipeline, text):
    doc = pipeline.process(text, ner=False)
    for step in pipeline._ner_steps:
        doc = step(doc)
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in NER_LABELS}


def test_windows_skip_lower_case_prose(pipeline):
    doc = pipeline.process(TEXT, ner=False)
    windows = _windows(doc)
    covered = sum(b - a for a, b in windows)
    assert 0 < covered < 0.8 * len(doc)
    # every token with a capital letter is inside a window, but a function word that opens a sentence
    for tok in doc:
        if any(c.isupper() for c in tok.text) and not (tok.is_sent_start and tok.lower_ in SENTENCE_FUNCTION_WORDS):
            assert any(a <= tok.i < b for a, b in windows), tok.text


def test_windowed_ner_equals_full_text_ner(pipeline):
    got = {(e.start_char, e.end_char, e.label_) for e in pipeline.process(TEXT).ents if e.label_ in NER_LABELS}
    assert got == _full_text_entities(pipeline, TEXT)
    names = {TEXT[s:e] for s, e, _ in got}
    assert {"Qasem Soleimani", "Mahmoud Alavi", "Tehran"} <= names
