"""numpy inference for the two parts of spaCy's small CNN pipelines that vigil runs on every article:
the tok2vec (hash embeddings + maxout window encoder) and the NER's greedy decoding.

Why not spaCy's own code: spaCy's transition loop scores one token at a time through BLIS, whose
generic kernel is all it uses on CPUs it does not recognise (this AMD EPYC, family 0x19): ~45 us
per token, two thirds of the NER's time. In the NER's BILUO system a token outside an entity is
scored from its own vector alone (the entity features are padding), so here all those decisions
are one matrix product over the whole text, and only the tokens inside an entity are walked one
by one. The tok2vec is thinc's arithmetic on the same parameters, operation for operation
(results equal to float rounding: the matrix products run on OpenBLAS in other shapes); maxout
pieces are laid out piece-major so that the max runs over contiguous blocks. A token's embedding
depends on its lexical features only, so it is computed once per distinct feature row and kept
in a bounded cache.

Built from a loaded spaCy component; `Unsupported` when the architecture is not the one
implemented. `ner.py` also compares the output with spaCy's on a sample text before using it,
and keeps spaCy's code path otherwise.
"""
from __future__ import annotations

import numpy

_EMBED_ARCHS = {"spacy.MultiHashEmbed.v2"}
_ENCODE_ARCHS = {"spacy.MaxoutWindowEncoder.v2"}
_TOK2VEC_ARCHS = {"spacy.Tok2Vec.v2"}
_PARSER_ARCHS = {"spacy.TransitionBasedParser.v2"}


class Unsupported(RuntimeError):
    """The component's model is not the architecture implemented here."""


def _maxout_params(layer) -> tuple[numpy.ndarray, numpy.ndarray, int]:
    """W as (nI, nP*nO) piece-major and contiguous, b as (nP*nO,), nO."""
    W = layer.get_param("W")  # (nO, nP, nI)
    b = layer.get_param("b")  # (nO, nP)
    nO, nP, nI = W.shape
    Wp = numpy.ascontiguousarray(W.transpose(1, 0, 2).reshape(nP * nO, nI).T, dtype="float32")
    bp = numpy.ascontiguousarray(b.T.reshape(nP * nO), dtype="float32")
    return Wp, bp, nO


def _maxout(X: numpy.ndarray, Wp: numpy.ndarray, bp: numpy.ndarray, nO: int) -> numpy.ndarray:
    Y = X @ Wp
    Y += bp
    best = numpy.maximum(Y[:, :nO], Y[:, nO: 2 * nO])
    for p in range(2, Y.shape[1] // nO):
        numpy.maximum(best, Y[:, p * nO: (p + 1) * nO], out=best)
    return best


def _layernorm(X: numpy.ndarray, G: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    # thinc's LayerNorm forward: X.mean, X.var (which is the mean of (X - mean)**2) + 1e-8, scale, shift
    n = X.shape[1]
    d = X - X.mean(axis=1, keepdims=True)
    var = numpy.add.reduce(d * d, axis=1, keepdims=True) / n
    var += 1e-08
    d *= var ** (-1.0 / 2.0)
    d *= G
    d += b
    return d


def _seq2col(X: numpy.ndarray, nW: int, out: numpy.ndarray | None = None) -> numpy.ndarray:
    """[X[i-nW] .. X[i] .. X[i+nW]] per row, zeros outside the array (thinc's seq2col)."""
    n, width = X.shape
    if out is None:
        out = numpy.empty((n, (2 * nW + 1) * width), dtype=X.dtype)
    for k in range(-nW, nW + 1):
        col = (k + nW) * width
        if k < 0:
            out[-k:, col: col + width] = X[: n + k]
            out[:-k, col: col + width] = 0
        elif k == 0:
            out[:, col: col + width] = X
        else:
            out[: n - k, col: col + width] = X[k:]
            out[n - k:, col: col + width] = 0
    return out


def _gather_windows(X: numpy.ndarray, rows: numpy.ndarray, nW: int) -> numpy.ndarray:
    """`_seq2col(X, nW)[rows]`, without the other rows."""
    n, width = X.shape
    out = numpy.empty((len(rows), (2 * nW + 1) * width), dtype=X.dtype)
    for k in range(-nW, nW + 1):
        col = (k + nW) * width
        src = rows + k
        out[:, col: col + width] = X[numpy.clip(src, 0, n - 1)]
        outside = (src < 0) | (src >= n)
        if outside.any():
            out[outside, col: col + width] = 0
    return out


def _dilate(flags: numpy.ndarray, radius: int) -> numpy.ndarray:
    """True within `radius` positions of a True."""
    if radius <= 0:
        return flags
    c = numpy.concatenate(([0], numpy.cumsum(flags)))
    n = len(flags)
    i = numpy.arange(n)
    return c[numpy.minimum(i + radius + 1, n)] - c[numpy.maximum(i - radius, 0)] > 0


def _row_keys(feats: numpy.ndarray) -> numpy.ndarray:
    """One mixed 64-bit value per row of lexical features (a hash: equal rows, equal keys)."""
    key = numpy.zeros(len(feats), dtype="uint64")
    with numpy.errstate(over="ignore"):
        for j in range(feats.shape[1]):
            key = (key ^ feats[:, j].astype("uint64")) * numpy.uint64(0x9E3779B97F4A7C15)
    return key


EMBED_CACHE_ROWS = 30_000  # distinct tokens whose embedding is kept (96 floats each); then it starts over


class Tok2Vec:
    """spacy.Tok2Vec.v2 = MultiHashEmbed.v2 (no static vectors) >> MaxoutWindowEncoder.v2, in numpy."""

    def __init__(self, model, config: dict):
        if (config.get("@architectures") not in _TOK2VEC_ARCHS
                or config.get("embed", {}).get("@architectures") not in _EMBED_ARCHS
                or config["embed"].get("include_static_vectors")
                or config.get("encode", {}).get("@architectures") not in _ENCODE_ARCHS):
            raise Unsupported(f"tok2vec architecture {config.get('@architectures')}")
        from thinc.api import NumpyOps

        self._ops = NumpyOps()
        layers = list(model.walk())
        extract = [m for m in layers if m.name == "extract_features"]
        embeds = sorted((m for m in layers if m.name == "hashembed"), key=lambda m: m.attrs["column"])
        maxouts = [m for m in layers if m.name == "maxout"]
        norms = [m for m in layers if m.name == "layernorm"]
        windows = [m for m in layers if m.name == "expand_window"]
        depth = int(config["encode"]["depth"])
        if (len(extract) != 1 or len(embeds) != len(config["embed"]["attrs"]) or len(maxouts) != depth + 1
                or len(norms) != depth + 1 or len(windows) != depth):
            raise Unsupported("unexpected tok2vec layers")
        self.columns = list(extract[0].attrs["columns"])
        self._embeds = [(m.get_param("E"), int(m.attrs["seed"]), int(m.attrs["column"])) for m in embeds]
        self._mix = (*_maxout_params(maxouts[0]), norms[0].get_param("G"), norms[0].get_param("b"))
        self._layers = [(*_maxout_params(mo), ln.get_param("G"), ln.get_param("b"))
                        for mo, ln in zip(maxouts[1:], norms[1:])]
        self._nW = int(windows[0].attrs["window_size"])
        self.receptive_field = self._nW * depth  # also the zero padding thinc puts around a sequence
        self.width = int(self._mix[2])
        self._cache_index: dict[int, int] = {}
        self._cache_vecs: numpy.ndarray | None = None
        self._cache_feats: numpy.ndarray | None = None
        self._cache_n = 0

    def embed(self, feats: numpy.ndarray) -> numpy.ndarray:
        """Context-free token vectors for rows of lexical features (one row per token).

        They depend on the row only, so each distinct row is computed once per call, and rows seen
        before come from a bounded cache (keyed by a 64-bit mix of the row, checked against the row)."""
        keys = _row_keys(feats)
        ukeys, first, inverse = numpy.unique(keys, return_index=True, return_inverse=True)
        uniq = feats[first]
        inverse = inverse.reshape(-1)
        if not numpy.array_equal(uniq[inverse], feats):  # two different rows share a key: no cache
            uniq, inverse = numpy.unique(feats, axis=0, return_inverse=True)
            return self._embed_rows(uniq)[inverse.reshape(-1)]
        get = self._cache_index.get
        rows = numpy.fromiter((get(k, -1) for k in ukeys.tolist()), dtype="int64", count=len(ukeys))
        hit = rows >= 0
        if hit.any():
            same = (self._cache_feats[rows[hit]] == uniq[hit]).all(axis=1)
            hit[numpy.flatnonzero(hit)[~same]] = False  # a key collision with a cached row: recompute
        vecs = numpy.empty((len(uniq), self.width), dtype="float32")
        if hit.any():
            vecs[hit] = self._cache_vecs[rows[hit]]
        miss = numpy.flatnonzero(~hit)
        if len(miss):
            new = self._embed_rows(uniq[miss])
            vecs[miss] = new
            self._remember(ukeys[miss], uniq[miss], new)
        return vecs[inverse]

    def clear_cache(self) -> None:
        self._cache_index.clear()
        self._cache_n = 0

    def _remember(self, keys: numpy.ndarray, feats: numpy.ndarray, vecs: numpy.ndarray) -> None:
        n = len(keys)
        if self._cache_n + n > EMBED_CACHE_ROWS:
            self._cache_index.clear()
            self._cache_n = 0
            if n > EMBED_CACHE_ROWS:
                return
        if self._cache_vecs is None:
            self._cache_vecs = numpy.empty((EMBED_CACHE_ROWS, self.width), dtype="float32")
            self._cache_feats = numpy.empty((EMBED_CACHE_ROWS, feats.shape[1]), dtype=feats.dtype)
        at = self._cache_n
        self._cache_vecs[at: at + n] = vecs
        self._cache_feats[at: at + n] = feats
        for i, k in enumerate(keys.tolist()):
            self._cache_index.setdefault(k, at + i)
        self._cache_n += n

    def _embed_rows(self, uniq: numpy.ndarray) -> numpy.ndarray:
        parts = []
        for E, seed, col in self._embeds:
            keys = self._ops.hash(numpy.ascontiguousarray(uniq[:, col]), seed) % E.shape[0]
            out = E[keys[:, 0]].copy()  # thinc's gather_add: the rows added one after the other
            for j in range(1, keys.shape[1]):
                out += E[keys[:, j]]
            parts.append(out)
        X = numpy.hstack(parts)
        Wp, bp, nO, G, b = self._mix
        return _layernorm(_maxout(X, Wp, bp, nO), G, b)

    def encode(self, X: numpy.ndarray, lengths: list[int] | None = None,
               need: numpy.ndarray | None = None) -> list[numpy.ndarray]:
        """Contextual vectors of sequences of embedded tokens (the rows of X, `lengths` rows each; one
        sequence by default). Like thinc's with_array, the sequences are run as one array with
        `receptive_field` zero rows around each, so no sequence sees another.

        `need` (one flag per row of X): only those rows' vectors are wanted. Each layer then runs only
        on the rows that the wanted ones still depend on (those within nW x the layers left), so the
        last layers cost less; the other rows come back with stale values."""
        pad = self.receptive_field
        lengths = [len(X)] if lengths is None else lengths
        width = X.shape[1]
        size = sum(lengths) + pad * (len(lengths) + 1)
        Xp = numpy.zeros((size, width), dtype="float32")
        wanted = numpy.zeros(size, dtype=bool) if need is not None else None
        starts, src, dst = [], 0, pad
        for n in lengths:
            Xp[dst: dst + n] = X[src: src + n]
            if wanted is not None:
                wanted[dst: dst + n] = need[src: src + n]
            starts.append(dst)
            src += n
            dst += n + pad
        nW = self._nW
        depth = len(self._layers)
        cols = None
        for layer, (Wp, bp, nO, G, b) in enumerate(self._layers):
            rows = None if wanted is None else numpy.flatnonzero(_dilate(wanted, nW * (depth - 1 - layer)))
            if rows is None or len(rows) > 0.8 * size:  # (gathering rows costs more than it saves)
                if cols is None:
                    cols = numpy.empty((size, (2 * nW + 1) * width), dtype="float32")
                Xp += _layernorm(_maxout(_seq2col(Xp, nW, cols), Wp, bp, nO), G, b)  # residual
            else:
                Xp[rows] += _layernorm(_maxout(_gather_windows(Xp, rows, nW), Wp, bp, nO), G, b)
        return [Xp[s: s + n] for s, n in zip(starts, lengths)]

    def __call__(self, feats: numpy.ndarray) -> numpy.ndarray:
        return self.encode(self.embed(feats))[0]

    def docs(self, docs: list) -> list[numpy.ndarray]:
        """Vectors for several Docs, each its own sequence."""
        if not docs:
            return []
        feats = [doc.to_array(self.columns) for doc in docs]
        return self.encode(self.embed(numpy.concatenate(feats)), [len(f) for f in feats])


class GreedyNER:
    """The NER component's greedy BILUO decoding (TransitionBasedParser.v2, state_type "ner")."""

    def __init__(self, component, config: dict):
        if (config.get("@architectures") not in _PARSER_ARCHS or config.get("state_type") != "ner"
                or config.get("extra_state_tokens") or not config.get("use_upper")
                or component.cfg.get("beam_width", 1) != 1):
            raise Unsupported("NER architecture")
        model = component.model
        tok2vec, lower, upper = model.get_ref("tok2vec"), model.get_ref("lower"), model.get_ref("upper")
        tcfg = config["tok2vec"]
        if tcfg.get("@architectures") not in _TOK2VEC_ARCHS:
            raise Unsupported("NER with a listener tok2vec")
        # chain(Tok2Vec, list2array, Linear): the NER's own tok2vec and its projection
        proj = tok2vec.layers[-1]
        if len(tok2vec.layers) != 3 or proj.name != "linear" or tok2vec.layers[1].name != "list2array":
            raise Unsupported("unexpected NER tok2vec layers")
        self.tok2vec = Tok2Vec(tok2vec.layers[0], tcfg)
        self._proj_W = numpy.ascontiguousarray(proj.get_param("W").T)
        self._proj_b = proj.get_param("b")
        nF, nO, nP = lower.get_dim("nF"), lower.get_dim("nO"), lower.get_dim("nP")
        if nF != 3:
            raise Unsupported("NER state features")
        self._nF, self._nO, self._nP = nF, nO, nP
        # Pieces laid out piece-major within each feature, as in the tok2vec's maxouts.
        W = lower.get_param("W")  # (nF, nO, nP, nI)
        self._lower_W = numpy.ascontiguousarray(W.transpose(0, 2, 1, 3).reshape(nF * nP * nO, -1).T)
        self._lower_b = numpy.ascontiguousarray(lower.get_param("b").T.reshape(nP * nO))
        self._lower_pad = numpy.ascontiguousarray(
            lower.get_param("pad").reshape(nF, nO, nP).transpose(0, 2, 1).reshape(nF, nP * nO))
        self._up_W = numpy.ascontiguousarray(upper.get_param("W").T)  # (nO, n_classes)
        self._up_b = upper.get_param("b")
        unseen = sorted(model.attrs.get("unseen_classes") or ())
        self._unseen = numpy.asarray(unseen, dtype="int64")
        moves = component.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        if len(names) != self._up_b.shape[0]:
            raise Unsupported("classes")
        self._labels = []
        move = []
        for name in names:
            kind, _, label = name.partition("-")
            move.append(kind)
            self._labels.append(label)
        move_arr = numpy.array(move)
        self._is_B = move_arr == "B"
        self._is_U = (move_arr == "U") & (numpy.array(self._labels) != "")
        self._is_O = move_arr == "O"
        in_of = {lab: i for i, (k, lab) in enumerate(zip(move, self._labels)) if k == "I"}
        last_of = {lab: i for i, (k, lab) in enumerate(zip(move, self._labels)) if k == "L"}
        # per class: the In / Last class of the same label (used for B classes)
        self._in_cls = numpy.array([in_of.get(lab, -1) for lab in self._labels], dtype="int64")
        self._last_cls = numpy.array([last_of.get(lab, -1) for lab in self._labels], dtype="int64")
        if any(in_of.get(lab) is None or last_of.get(lab) is None
               for k, lab in zip(move, self._labels) if k == "B"):
            raise Unsupported("moves")
        if not self._is_O.any() or set(move) - {"B", "I", "L", "U", "O"}:
            raise Unsupported("moves")

    def _hidden(self, U: numpy.ndarray) -> numpy.ndarray:
        nO = self._nO
        best = U[:, :nO]
        for p in range(1, self._nP):
            best = numpy.maximum(best, U[:, p * nO: (p + 1) * nO])
        return best

    def _scores(self, H: numpy.ndarray) -> numpy.ndarray:
        S = H @ self._up_W
        S += self._up_b
        if self._unseen.size:  # classes never seen in training get the lowest score, as in spaCy
            S[:, self._unseen] = S.min()
        return S

    def __call__(self, feats: numpy.ndarray, is_space: numpy.ndarray, sent_start: numpy.ndarray,
                 need: numpy.ndarray | None = None) -> list[tuple[int, int, str]]:
        """(start, end, label) entities for one token sequence, given its lexical feature rows
        (`tok2vec.columns`), IS_SPACE flags and SENT_START values (1 = starts a sentence).

        `need` (optional, one flag per token): the tokens whose NER decisions matter. The others
        are taken as outside any entity, and an entity ends before reaching one of them."""
        return self.many([(feats, is_space, sent_start, need)])[0]

    def many(self, seqs: list[tuple]) -> list[list[tuple[int, int, str]]]:
        """`__call__` for several sequences (tuples of its arguments); their tok2vec runs as one batch
        (as spaCy's `pipe` would)."""
        seqs = [tuple(s) + (None,) * (4 - len(s)) for s in seqs]
        lengths = [len(s[0]) for s in seqs]
        out: list[list[tuple[int, int, str]]] = [[] for _ in seqs]
        live = [i for i, n in enumerate(lengths) if n]
        if not live:
            return out
        needs = [numpy.ones(lengths[i], dtype=bool) if seqs[i][3] is None else numpy.asarray(seqs[i][3], dtype=bool)
                 for i in live]
        need = numpy.concatenate(needs)
        feats = numpy.concatenate([seqs[i][0] for i in live])
        vecs = self.tok2vec.encode(self.tok2vec.embed(feats), [lengths[i] for i in live],
                                   None if need.all() else need)
        rows = numpy.flatnonzero(need)
        flat = numpy.concatenate(vecs)[rows] @ self._proj_W
        flat += self._proj_b
        # precomputable affine: every token's contribution to each of the 3 state features
        cached = numpy.zeros((len(need), self._nF, self._nO * self._nP), dtype="float32")
        cached[rows] = (flat @ self._lower_W).reshape(len(flat), self._nF, self._nO * self._nP)
        pad = self._lower_pad
        # No entity open: features (B0 = token, E0 = padding, B0-1 = padding); spaCy adds them in order.
        U = cached[rows, 0] + pad[1]
        U += pad[2]
        U += self._lower_b
        closed = numpy.zeros((len(need), len(self._labels)), dtype="float32")
        closed[rows] = self._scores(self._hidden(U))
        start = 0
        for i, nd in zip(live, needs):
            n = lengths[i]
            _, is_space, sent_start, _ = seqs[i]
            out[i] = self._decode(cached[start: start + n], closed[start: start + n], is_space, sent_start, nd)
            start += n
        return out

    def _decode(self, cached, S, is_space, sent_start, need) -> list[tuple[int, int, str]]:
        n = len(cached)
        nxt_start = numpy.zeros(n, dtype=bool)
        nxt_start[:-1] = numpy.asarray(sent_start)[1:] == 1
        last = numpy.zeros(n, dtype=bool)
        last[-1] = True
        space = numpy.asarray(is_space).astype(bool)
        valid_B = ~(last | nxt_start | space)
        mask = numpy.where(self._is_O[None, :], True,
                           (self._is_B[None, :] & valid_B[:, None]) | (self._is_U[None, :] & ~space[:, None]))
        best = numpy.where(mask, S, -numpy.inf).argmax(axis=1)  # the first best valid move, as spaCy
        nxt_need = numpy.zeros(n, dtype=bool)
        nxt_need[:-1] = need[1:]
        # Tokens not needed open nothing; nor does a B whose next token is not needed (a lower-case
        # entity running away from every capitalised word).
        opens = numpy.flatnonzero(~self._is_O[best] & need & (nxt_need | ~self._is_B[best]))
        # Walk every entity that a B move would open, all at once. Inside an entity the state features
        # are (token, entity start, previous token) and only In / Last of its label are valid; a walk
        # does not depend on what came before its B, so walks that turn out to lie inside an earlier
        # entity are simply dropped below.
        starts = opens[self._is_B[best[opens]]]
        ends = starts + 1  # exclusive end so far
        if len(starts):
            cls_in = self._in_cls[best[starts]]
            cls_last = self._last_cls[best[starts]]
            open_ = numpy.ones(len(starts), dtype=bool)
            rows = numpy.arange(len(starts))
            while open_.any():
                live = numpy.flatnonzero(open_)
                k = ends[live]  # the token each live entity is at
                u = cached[k, 0] + cached[starts[live], 1]
                u += cached[k - 1, 2]
                u += self._lower_b
                sc = self._scores(self._hidden(u))
                s_in = sc[rows[: len(live)], cls_in[live]]
                s_last = sc[rows[: len(live)], cls_last[live]]
                go_on = (k < n - 1) & ~nxt_start[k] & nxt_need[k] & (
                    (s_in > s_last) | ((s_in == s_last) & (cls_in[live] < cls_last[live])))
                ends[live] = k + 1
                open_[live[~go_on]] = False
        span_end = dict(zip(starts.tolist(), ends.tolist()))
        ents: list[tuple[int, int, str]] = []
        i = 0
        for j in opens.tolist():
            if j < i:
                continue  # inside the entity just closed
            end = span_end.get(j, j + 1)  # a B's walk, or a U
            ents.append((j, end, self._labels[int(best[j])]))
            i = end
        return ents
