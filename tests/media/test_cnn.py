"""The numpy inference (cnn.py) and the scan's speed paths must give what spaCy's own code gives."""
from __future__ import annotations

import numpy
import pytest

from vigil.media.ner import NER_LABELS, get_pipeline

# A news-like text with names of every kind, lower-case stretches, a paragraph break and an acronym.
TEXT = (
    "Hezbollah and its patrons in Tehran have long relied on a network of front companies. "
    "For years the money moved quietly through exchange houses in Beirut and small trading firms that were "
    "never asked many questions by the banks that cleared their payments.\n\n"
    "Last week the U.S. Treasury Department said that Qasem Soleimani had overseen the scheme for the "
    "Islamic Revolutionary Guard Corps (IRGC), and that al-Qaeda operatives in Syria had received part "
    "of the funds through Al Noor Trading LLC, a company registered in Dubai. The IRGC denied it. "
    "A spokesman for the Ministry of Intelligence and Security declined to comment, as did Mahmoud Alavi, "
    "while Iranian and Lebanese officials met the French ambassador, Jean-Yves Le Drian, in Paris."
)


@pytest.fixture(scope="module")
def pipeline():
    p = get_pipeline()
    # The default model is the architecture cnn.py implements: the fast paths must be on.
    assert p._fast_ner is not None and p._fast_parse_tok2vec is not None
    return p


@pytest.fixture(scope="module")
def texts(request):
    """TEXT, plus the real op-ed when ../shared/articles is there."""
    out = [TEXT]
    try:
        articles = request.getfixturevalue("shared_articles")
    except pytest.skip.Exception:
        return out
    from vigil.media.article import load_article

    out.append(load_article(str(articles / "mois_oped_2018.txt")).text)
    return out


def test_fast_ner_equals_spacy_ner_on_full_texts(pipeline, texts):
    from spacy.attrs import IS_SPACE, SENT_START

    for text in texts:
        doc = pipeline.process(text, ner=False)
        ref = doc.copy()
        for step in pipeline._ner_steps:
            ref = step(ref)
        got = pipeline._fast_ner(doc.to_array(pipeline._fast_ner.tok2vec.columns), doc.to_array(IS_SPACE),
                                 doc.to_array(SENT_START))
        assert got == [(e.start, e.end, e.label_) for e in ref.ents]
        assert len(got) > 5


def test_fast_tok2vec_vectors_equal_thinc(pipeline):
    nlp = pipeline.nlp
    doc = nlp.make_doc(TEXT)
    ner_t2v = nlp.get_pipe("ner").model.get_ref("tok2vec").layers[0]
    ref = ner_t2v.predict([doc])[0]
    got = pipeline._fast_ner.tok2vec(doc.to_array(pipeline._fast_ner.tok2vec.columns))
    assert numpy.allclose(got, ref, atol=1e-4, rtol=1e-4)
    ref = nlp.get_pipe("tok2vec").model.predict([doc])[0]
    assert numpy.allclose(pipeline._fast_parse_tok2vec.docs([doc])[0], ref, atol=1e-4, rtol=1e-4)
    # Cached embeddings (computed with other rows) and fresh ones agree to float rounding, as thinc's
    # own results do across batches.
    again = pipeline._fast_ner.tok2vec(doc.to_array(pipeline._fast_ner.tok2vec.columns))
    assert numpy.allclose(again, got, atol=1e-5, rtol=1e-5)
    pipeline._fast_ner.tok2vec.clear_cache()
    fresh = pipeline._fast_ner.tok2vec(doc.to_array(pipeline._fast_ner.tok2vec.columns))
    assert numpy.allclose(fresh, got, atol=1e-5, rtol=1e-5)


def test_windowed_fast_ner_equals_spacy_code_path(pipeline):
    doc = pipeline.process(TEXT, ner=False)
    from vigil.media.ner import _windows

    origin: list[int] = []
    for a, b in _windows(doc):
        if origin:
            origin.append(-1)
        origin.extend(range(a, b))
    assert pipeline._fast_entities([doc], [origin])[0] == pipeline._spacy_entities(doc, origin)


def test_parse_many_equals_spacy_pipeline(pipeline):
    doc = pipeline.process(TEXT)
    sents = list(doc.sents)
    ours = pipeline.parse_many(sents)
    nlp = pipeline.nlp
    for sent, parsed in zip(sents, ours):
        ref = sent.as_doc()
        for name in ("tok2vec", "parser"):
            ref = nlp.get_pipe(name)(ref)
        assert [(t.text, t.head.i, t.dep_) for t in parsed] == [(t.text, t.head.i, t.dep_) for t in ref]


def test_tokenizer_warm_up_keeps_the_tokens(pipeline, texts):
    tokenizer = pipeline.nlp.tokenizer
    for text in texts:
        tokenizer._flush_cache()
        fresh = tokenizer(text)  # the model's tokenizer, straight, with an empty cache
        doc = pipeline.process(text, ner=False)  # chunks tokenized alone first, then the text
        assert [(t.text, t.idx, t.whitespace_) for t in doc] == [(t.text, t.idx, t.whitespace_) for t in fresh]
        pipeline.clear_caches()
        again = pipeline.process(text, ner=False)
        assert [t.text for t in again] == [t.text for t in doc]


def test_windows_skip_sentence_initial_function_words_and_known_names(pipeline):
    from vigil.media.ner import _windows

    text = "The talks ended in a long and quiet way for everyone who had been waiting there. It was late. MOIS spoke."
    doc = pipeline.process(text, ner=False)
    covered = {i for a, b in _windows(doc) for i in range(a, b)}
    assert doc[0].i not in covered  # "The": capitalised only because it opens the sentence
    mois = [t for t in doc if t.text == "MOIS"][0]
    assert mois.i in covered
    start = text.index("MOIS")
    assert mois.i not in {i for a, b in _windows(doc, [(start, start + 4)]) for i in range(a, b)}


def test_entities_in_labels(pipeline):
    got = {e.text for e in pipeline.process(TEXT).ents if e.label_ in NER_LABELS}
    assert {"Qasem Soleimani", "Mahmoud Alavi", "Tehran", "Dubai"} <= got
