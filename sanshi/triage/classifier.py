"""The statistical layer: hashed character and word n-grams, keyword hits, linear models.

Features: character 1-3 grams and rjieba word 1-2 grams (user dictionary), each hashed into
2**18 buckets (sklearn's HashingVectorizer: binary, unit length), plus hits of the keyword
lexicon (keywords.yaml) per subcategory and category. Buckets seen in fewer than
`MIN_DF` training texts are dropped before training. Three linear models share the features:
the top category and the subcategory (LinearSVC, softmax with a fitted temperature) and danger
(logistic regression). Classes are weighted so small ones count as much as large ones.

The fitted model is a FILE (`model.npz`, built by `sanshi triage-train --ship` from the
labelled data in ../shared and the shipped corpus): the kept bucket numbers, the weights, the
thresholds chosen on dev and the figures measured there. Hashed buckets hold no vocabulary,
so the file carries no text of the sources (some state no licence; see docs/triage.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import re
import threading
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from sanshi.triage.corpus import Example
from sanshi.triage.lexicon import words
from sanshi.triage.text import normalise

# Bump when the features or the learners change: the version then changes with them.
RECIPE = "hash18-char13-word12-kw-df5+svc-softmax+logreg-unweighted+e5head-v3"
MODEL_FILE = Path(__file__).with_name("model.npz")
N_FEATURES = 2**18
MIN_DF = 5
# How much a keyword hit weighs beside the (unit-length) n-gram rows.
KEYWORD_WEIGHT = 0.5
SVC_C = 1.0
DANGER_C = 4.0
# The semantic category head (a LinearSVC over e5 embeddings) and its weight beside the
# n-grams' category scores: measured on dev (docs/triage.md).
SEMANTIC_C = 4.0
FUSION = 1.0
# The zip entries' date: a fixed one, so the same training data gives the same bytes.
_ZIP_DATE = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Prediction:
    category: str
    category_prob: float
    cat_probs: dict[str, float]  # every top category
    subcategory: str
    sub_probs: dict[str, float]  # every subcategory of the predicted category
    danger_prob: float


@dataclass(frozen=True)
class Thresholds:
    """The model's danger probability from which a text is critical, and from which it is
    put before a person to check (chosen on dev by `triage-train`)."""

    critical: float = 0.5
    check: float = 0.25
    # From this probability on the model alone makes a text critical; between `critical`
    # and here it needs another detector's support (a rule's hit, the semantic band).
    sure: float = 0.5
    # The semantic check's cosine similarity to the nearest prototype, likewise.
    semantic_critical: float = 1.01
    semantic_check: float = 1.01


def _char_hasher() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char",
        ngram_range=(1, 3),
        preprocessor=normalise,
        n_features=N_FEATURES,
        alternate_sign=False,
        binary=True,
        norm="l2",
        dtype=np.float64,
    )


def _word_hasher() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer=_word_ngrams,
        n_features=N_FEATURES,
        alternate_sign=False,
        binary=True,
        norm="l2",
        dtype=np.float64,
    )


def _word_ngrams(text: str) -> list[str]:
    tokens = words(normalise(text))
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def raw_features(texts: Sequence[str]) -> csr_matrix:
    """Every bucket of both hashers and the keyword columns, before pruning."""
    texts = list(texts)
    parts = [
        _char_hasher().transform(texts),
        _word_hasher().transform(texts),
        keyword_features(texts),
    ]
    return hstack(parts, format="csr")


@dataclass
class Model:
    """Weights over the kept feature columns, and what they mean."""

    version: str
    kept: np.ndarray  # the raw feature columns kept (sorted)
    weights: np.ndarray  # len(kept) x (categories + subcategories + 1 danger)
    bias: np.ndarray
    cat_names: list[str]
    sub_names: list[str]
    temperatures: tuple[float, float]  # category, subcategory
    thresholds: Thresholds = field(default_factory=Thresholds)
    info: dict[str, Any] = field(default_factory=dict)  # data, figures on dev
    # The category read from the text's embedding (semantic.embed), added to the n-grams'
    # category scores with the weight `fusion` when an embedding is given.
    sem_weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    sem_bias: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fusion: float = 0.0

    def __post_init__(self) -> None:
        self._column = np.full(2 * N_FEATURES + lexicon().width, -1, dtype=np.int64)
        self._column[self.kept] = np.arange(len(self.kept))
        n_cat = len(self.cat_names)
        self._subs_of = [
            (
                [s for s in self.sub_names if s.startswith(c + ".")],
                np.array(
                    [n_cat + j for j, s in enumerate(self.sub_names) if s.startswith(c + ".")],
                    dtype=int,
                ),
            )
            for c in self.cat_names
        ]

    # ------------------------------------------------------------ scoring

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The kept columns of the texts' features (a lookup, cheaper than slicing columns)."""
        x = raw_features(texts)
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        cols = self._column[x.indices]
        keep = cols >= 0
        return csr_matrix(
            (x.data[keep], (rows[keep], cols[keep])), shape=(x.shape[0], len(self.kept))
        )

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Every text's raw scores: categories, subcategories, danger (last column)."""
        return np.asarray(self.features(texts) @ self.weights) + self.bias

    def danger_probs(self, texts: Sequence[str]) -> np.ndarray:
        return _sigmoid(self.scores(texts)[:, -1])

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[Prediction]:
        """Category, subcategory and danger of each text; with the texts' embeddings the
        category also hears the semantic head."""
        if not texts:
            return []
        scores = self.scores(texts)
        n_cat = len(self.cat_names)
        cat_scores = scores[:, :n_cat]
        if embeddings is not None and self.sem_weights.size and self.fusion:
            cat_scores = cat_scores + self.fusion * (embeddings @ self.sem_weights + self.sem_bias)
        cat_p = _softmax(cat_scores * self.temperatures[0])
        danger_p = _sigmoid(scores[:, -1]).tolist()
        out = []
        for i, best in enumerate(np.argmax(cat_p, axis=1).tolist()):
            category = self.cat_names[best]
            names, columns = self._subs_of[best]
            within: dict[str, float] = {}
            if len(columns):
                probs = _softmax(scores[i : i + 1, columns] * self.temperatures[1])[0]
                within = dict(zip(names, probs.tolist(), strict=True))
            sub = max(within, key=lambda s: within[s]) if within else ""
            cats = dict(zip(self.cat_names, cat_p[i].tolist(), strict=True))
            out.append(Prediction(category, cats[category], cats, sub, within, danger_p[i]))
        return out

    def danger_words(self, text: str, *, limit: int = 3) -> list[str]:
        """The n-grams of the text that push its danger score up most (for the flag's words)."""
        return self.danger_words_many([text], limit=limit)[0]

    def danger_words_many(self, texts: Sequence[str], *, limit: int = 3) -> list[list[str]]:
        """`danger_words` of many texts, their n-grams scored in one sparse product."""
        analyzer = _char_hasher().build_analyzer()
        per_text = [
            [
                g
                for g in sorted(set(analyzer(t)) | set(_word_ngrams(t)))
                if len(g.replace(" ", "")) >= 2
            ]
            for t in texts
        ]
        every = [g for grams in per_text for g in grams]
        if not every:
            return [[] for _t in texts]
        # Each n-gram alone, as the model sees it (one row per n-gram).
        scores = np.asarray(self.features(every) @ self.weights[:, -1]).ravel().tolist()
        out, at = [], 0
        for grams in per_text:
            found = sorted(
                zip(scores[at : at + len(grams)], grams, strict=True), key=lambda p: (-p[0], p[1])
            )
            at += len(grams)
            words: list[str] = []
            for weight, gram in found:
                word = gram.replace(" ", "")
                if weight <= 0 or len(words) == limit:
                    break
                if not any(word in w or w in word for w in words):
                    words.append(word)
            out.append(words)
        return out

    # ------------------------------------------------------------ file

    def dumps(self) -> bytes:
        """The model as npz bytes (deterministic: fixed zip dates, sorted entries)."""
        meta: dict[str, Any] = {
            "version": self.version,
            "recipe": RECIPE,
            "cat_names": self.cat_names,
            "sub_names": self.sub_names,
            "temperatures": list(self.temperatures),
            "thresholds": dataclasses.asdict(self.thresholds),
            "info": self.info,
            "fusion": self.fusion,
        }
        arrays: dict[str, np.ndarray] = {
            "kept": self.kept.astype(np.int32),
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float64),
            "sem_weights": self.sem_weights.astype(np.float32),
            "sem_bias": self.sem_bias.astype(np.float64),
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(arrays):
                raw = io.BytesIO()
                np.save(raw, arrays[name], allow_pickle=False)
                archive.writestr(
                    zipfile.ZipInfo(f"{name}.npy", _ZIP_DATE),
                    raw.getvalue(),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
            archive.writestr(
                zipfile.ZipInfo("meta.json", _ZIP_DATE),
                json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1).encode(),
                compress_type=zipfile.ZIP_DEFLATED,
            )
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> Model:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            meta = json.loads(archive.read("meta.json"))
            arrays = {
                name: np.load(io.BytesIO(archive.read(f"{name}.npy")), allow_pickle=False)
                for name in ("kept", "weights", "bias", "sem_weights", "sem_bias")
            }
        if meta["recipe"] != RECIPE:
            raise ValueError(
                f"model {meta['version']} was built by recipe {meta['recipe']!r}, not {RECIPE!r}:"
                " rebuild it with `sanshi triage-train --ship`"
            )
        t = meta["thresholds"]
        return cls(
            version=meta["version"],
            kept=arrays["kept"].astype(np.int64),
            weights=arrays["weights"].astype(np.float64),
            bias=arrays["bias"],
            cat_names=list(meta["cat_names"]),
            sub_names=list(meta["sub_names"]),
            temperatures=(float(meta["temperatures"][0]), float(meta["temperatures"][1])),
            thresholds=Thresholds(**{k: float(v) for k, v in t.items()}),
            info=meta["info"],
            sem_weights=arrays["sem_weights"].astype(np.float64),
            sem_bias=arrays["sem_bias"],
            fusion=float(meta["fusion"]),
        )


# ---------------------------------------------------------------- training


def train(
    examples: Sequence[Example],
    *,
    embeddings: np.ndarray | None = None,
    info: dict[str, Any] | None = None,
) -> Model:
    """Fit the three models on the examples (deterministic: the same examples, the same model).

    Every example teaches the category and danger; only those with a subcategory (the
    shipped corpus, staff corrections) teach the subcategory.
    """
    if not examples:
        raise ValueError("no training examples")
    x_raw = raw_features([e.text for e in examples])
    df = np.bincount(x_raw.indices, minlength=x_raw.shape[1])
    kept = np.flatnonzero(df >= MIN_DF)
    x = x_raw[:, kept]
    cats = [e.category for e in examples]
    category = SoftmaxSVC().fit(x, cats)
    with_sub = [i for i, e in enumerate(examples) if "." in e.subcategory]
    sub = SoftmaxSVC().fit(x[with_sub], [examples[i].subcategory for i in with_sub])
    # Unweighted: its intercept then keeps the base rate, so a short text with little to go
    # on scores low instead of one half (measured: fewer false alarms at the same recall).
    danger = LogisticRegression(C=DANGER_C, max_iter=2000)
    danger.fit(x, np.array([int(e.critical) for e in examples]))
    weights = np.hstack(
        [category.svc.coef_.T, sub.svc.coef_.T, danger.coef_.T]
    )  # features x classes
    bias = np.concatenate([category.svc.intercept_, sub.svc.intercept_, danger.intercept_])
    sem_weights, sem_bias, fusion = np.zeros((0, 0)), np.zeros(0), 0.0
    if embeddings is not None:
        head = LinearSVC(C=SEMANTIC_C, class_weight="balanced", random_state=0)
        head.fit(embeddings, cats)
        sem_weights, sem_bias, fusion = head.coef_.T, head.intercept_, FUSION
    return Model(
        version=model_version(examples),
        kept=kept,
        weights=weights,
        bias=bias,
        cat_names=[str(c) for c in category.classes_],
        sub_names=[str(s) for s in sub.classes_],
        temperatures=(category.temperature, sub.temperature),
        info=info or {},
        sem_weights=sem_weights,
        sem_bias=sem_bias,
        fusion=fusion,
    )


class SoftmaxSVC:
    """LinearSVC whose scores become probabilities by a softmax with one fitted temperature.

    The temperature minimises the log loss of out-of-fold scores (3 folds), which is much
    cheaper than sklearn's per-class calibration and good enough for thresholds.
    """

    def __init__(self, c: float = SVC_C) -> None:
        self.c = c
        self.temperature = 1.0
        self.svc = LinearSVC(C=c, class_weight="balanced", random_state=0)

    @property
    def classes_(self) -> np.ndarray:
        return self.svc.classes_

    def fit(self, x: csr_matrix, labels: list[str]) -> SoftmaxSVC:
        y = np.asarray(labels)
        folds = min(3, min(Counter(labels).values()))
        if folds >= 2:
            classes = np.array(sorted(set(labels)))
            scores = np.zeros((len(y), len(classes)))
            for train_rows, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(
                x, y
            ):
                fold = LinearSVC(C=self.c, class_weight="balanced", random_state=0)
                fold.fit(x[train_rows], y[train_rows])
                scores[np.ix_(test, np.searchsorted(classes, fold.classes_))] = _svc_scores(
                    fold, x[test]
                )
            truth = np.searchsorted(classes, y)
            self.temperature = min(TEMPERATURES, key=lambda t: _log_loss(scores * t, truth))
        self.svc.fit(x, y)
        return self


TEMPERATURES = tuple(float(t) for t in np.geomspace(0.5, 30, 24))


def _svc_scores(svc: LinearSVC, x: csr_matrix) -> np.ndarray:
    d = svc.decision_function(x)
    return np.column_stack([-d, d]) / 2 if d.ndim == 1 else d


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _log_loss(z: np.ndarray, truth: np.ndarray) -> float:
    p = _softmax(z)[np.arange(len(truth)), truth]
    return float(-np.log(np.clip(p, 1e-9, 1)).mean())


def model_version(examples: Sequence[Example]) -> str:
    """A short name for (recipe, training data): the same data always gives the same name."""
    digest = hashlib.sha256(RECIPE.encode())
    for e in examples:
        digest.update(json.dumps([e.text, e.subcategory, e.critical], ensure_ascii=False).encode())
    return f"m-{digest.hexdigest()[:10]}"


# ---------------------------------------------------------------- keywords


@dataclass(frozen=True)
class Lexicon:
    pattern: re.Pattern[str]
    columns: dict[str, list[int]]  # keyword -> columns (its subcategories and their categories)
    width: int


@cache
def lexicon() -> Lexicon:
    raw = _raw_keywords()
    subs = sorted(raw)
    cats = sorted({s.split(".", 1)[0] for s in subs})
    columns: dict[str, list[int]] = {}
    for sub, keywords in raw.items():
        cols = [subs.index(sub), len(subs) + cats.index(sub.split(".", 1)[0])]
        for word in keywords:
            columns.setdefault(normalise(str(word)), []).extend(cols)
    alternatives = sorted(columns, key=len, reverse=True)
    return Lexicon(
        re.compile("|".join(map(re.escape, alternatives))), columns, len(subs) + len(cats)
    )


def keywords_of(subcategory: str) -> set[str]:
    """The lexicon's keywords for one subcategory."""
    raw = _raw_keywords()
    return {normalise(str(w)) for w in raw.get(subcategory, [])}


KEYWORDS_FILE = Path(__file__).with_name("keywords.yaml")


@cache
def _raw_keywords() -> dict[str, list[str]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw: dict[str, list[str]] = yaml.load(KEYWORDS_FILE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return raw


def keyword_features(texts: Sequence[str]) -> csr_matrix:
    """Per text, how often keywords of each subcategory and category occur (capped at 3)."""
    lex = lexicon()
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        counts = Counter(
            c for m in lex.pattern.finditer(normalise(text)) for c in lex.columns[m.group()]
        )
        for col, n in counts.items():
            rows.append(i)
            cols.append(col)
            vals.append(KEYWORD_WEIGHT * min(n, 3) / 3)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), lex.width))


# ---------------------------------------------------------------- the models in memory

_lock = threading.Lock()
_loaded: dict[str, Model] = {}


def shipped_model() -> Model:
    """The model file shipped with the code, read once per process."""
    return model_from_bytes("shipped", lambda: MODEL_FILE.read_bytes())


def model_from_bytes(key: str, read: Any) -> Model:
    """The model stored under `key` (a version), read and parsed once per process."""
    with _lock:
        model = _loaded.get(key)
    if model is not None:
        return model
    model = Model.loads(read())
    with _lock:
        if len(_loaded) > 3:  # the shipped one, the live one, a candidate
            _loaded.clear()
        _loaded[key] = model
    return model
