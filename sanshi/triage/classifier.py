"""The statistical layer: TF-IDF over characters and words, keyword features, linear models.

Three linear models (LinearSVC, turned into probabilities by a fitted softmax) share one
set of features: character 1-3 grams, rjieba word 1-2 grams (with the user dictionary) and
hits of the keyword lexicon (keywords.yaml) per subcategory and category. They predict the
top category, the subcategory, and danger (critical or not). A model is a pure function of its training examples, so instead of pickling it we
retrain it at first use (about a second on the shipped corpus, see docs/triage.md) and keep
it in memory; `triage-train` records which extra examples (staff corrections) a version adds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from sanshi.triage.corpus import Example, train_part
from sanshi.triage.lexicon import words
from sanshi.triage.text import normalise

# Bump when the features or the learners change: the version then changes with them.
RECIPE = "tfidf-char13-word12-kw+svc-softmax-v1"
KEYWORDS_FILE = Path(__file__).with_name("keywords.yaml")
# How much a keyword hit weighs beside the (unit-length) TF-IDF rows; chosen on the eval set.
KEYWORD_WEIGHT = 0.5
# From this many texts on, a batch goes through sklearn's vectorisers (see `Model._scores`).
BATCH_MIN = 32


@dataclass(frozen=True)
class Prediction:
    category: str
    category_prob: float
    cat_probs: dict[str, float]  # every top category
    subcategory: str
    sub_probs: dict[str, float]  # every subcategory of the predicted category
    danger_prob: float


class Model:
    """Fitted vectorisers and classifiers, with the version naming its training data."""

    def __init__(self, examples: Sequence[Example]) -> None:
        if not examples:
            raise ValueError("no training examples")
        self.version = model_version(examples)
        texts = [e.text for e in examples]
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, preprocessor=normalise,
            min_df=1, max_features=60_000,
        )  # fmt: skip
        self.words = TfidfVectorizer(
            analyzer=_word_ngrams, sublinear_tf=True, min_df=1, max_features=30_000
        )
        x = hstack(
            [
                self.chars.fit_transform(texts),
                self.words.fit_transform(texts),
                keyword_features(texts),
            ]
        ).tocsr()
        self.category = _fit(x, [e.category for e in examples])
        self.sub = _fit(x, [e.subcategory for e in examples])
        self.danger = _fit(x, ["1" if e.critical else "0" for e in examples])

        self._compile()

    def _compile(self) -> None:
        """Flatten the fitted vectorisers and classifiers into dicts and one weight matrix.

        sklearn's per-call input checks cost more than the arithmetic for one short text;
        scoring a text by hand (n-grams -> vocabulary -> TF-IDF -> W) is the same linear
        function without them.
        """
        self._char_analyzer = self.chars.build_analyzer()
        self._word_analyzer = self.words.build_analyzer()
        self._char_vocab = {str(k): int(v) for k, v in self.chars.vocabulary_.items()}
        self._word_vocab = {str(k): int(v) for k, v in self.words.vocabulary_.items()}
        self._char_idf = self.chars.idf_
        self._word_idf = self.words.idf_
        self._word_offset = len(self._char_vocab)
        self._kw_offset = self._word_offset + len(self._word_vocab)
        blocks = [self.category, self.sub, self.danger]
        coefs = [clf.svc.coef_ for clf in blocks]
        self._weights = np.vstack(coefs).T.copy()  # features x (categories + subs + danger)
        self._bias = np.concatenate([clf.svc.intercept_ for clf in blocks])
        self._splits = np.cumsum([c.shape[0] for c in coefs])[:-1]
        self._cat_names = [str(c) for c in self.category.classes_]
        sub_names = [str(s) for s in self.sub.classes_]
        # Per category: its subcategories' names and columns in the subcategory scores.
        self._subs_of = [
            (
                [s for s in sub_names if s.startswith(c + ".")],
                np.array([j for j, s in enumerate(sub_names) if s.startswith(c + ".")], dtype=int),
            )
            for c in self._cat_names
        ]
        self._danger_col = list(self.danger.classes_).index("1")

    def _row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's feature indices and values, as the vectorisers would make them."""
        idx: list[int] = []
        val: list[float] = []
        for analyzer, vocab, idf, offset in (
            (self._char_analyzer, self._char_vocab, self._char_idf, 0),
            (self._word_analyzer, self._word_vocab, self._word_idf, self._word_offset),
        ):
            counts = Counter(j for g in analyzer(text) if (j := vocab.get(g)) is not None)
            if not counts:
                continue
            cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            w = tf * idf[cols]
            w /= np.sqrt((w * w).sum())
            idx.extend((cols + offset).tolist())
            val.extend(w.tolist())
        lex = lexicon()
        hits = Counter(
            c for m in lex.pattern.finditer(normalise(text)) for c in lex.columns[m.group()]
        )
        for col, n in hits.items():
            idx.append(self._kw_offset + col)
            val.append(KEYWORD_WEIGHT * min(n, 3) / 3)
        return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float64)

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        """Every text's scores for every class (categories, subcategories, danger).

        Many texts go through sklearn's vectorisers and one sparse product (their fixed cost
        is then shared); a few are scored row by row, which skips that cost.
        """
        if len(texts) >= BATCH_MIN:
            return np.asarray(self.features(texts) @ self._weights) + self._bias
        scores = np.empty((len(texts), self._weights.shape[1]))
        for i, text in enumerate(texts):
            idx, val = self._row(text)
            scores[i] = val @ self._weights[idx] + self._bias
        return scores

    def _probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        scores = self._scores(texts)
        cat, sub, dng = np.split(scores, self._splits, axis=1)
        d = dng[:, 0]
        return (
            _softmax(cat * self.category.temperature),
            _softmax(sub * self.sub.temperature),
            _softmax(np.column_stack([-d, d]) / 2 * self.danger.temperature),
        )

    def features(self, texts: Sequence[str]) -> csr_matrix:
        parts = [self.chars.transform(texts), self.words.transform(texts), keyword_features(texts)]
        return hstack(parts).tocsr()

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        cat_p, sub_p, danger_both = self._probabilities(texts)
        danger_p = danger_both[:, self._danger_col].tolist()
        out = []
        for i, best in enumerate(np.argmax(cat_p, axis=1).tolist()):
            category = self._cat_names[best]
            names, columns = self._subs_of[best]
            probs = sub_p[i, columns].tolist()
            total = sum(probs) or 1.0
            within = {s: p / total for s, p in zip(names, probs, strict=True)}
            sub = max(within, key=lambda s: within[s]) if within else ""
            cats = dict(zip(self._cat_names, cat_p[i].tolist(), strict=True))
            out.append(Prediction(category, cats[category], cats, sub, within, danger_p[i]))
        return out


def _word_ngrams(text: str) -> list[str]:
    tokens = words(normalise(text))
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


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


class SoftmaxSVC:
    """LinearSVC whose scores become probabilities by a softmax with one fitted temperature.

    The temperature minimises the log loss of out-of-fold scores (3 folds), which is much
    cheaper than sklearn's per-class calibration and good enough for thresholds.
    """

    def __init__(self, c: float = 0.3) -> None:
        self.c = c
        self.temperature = 1.0
        self.svc = LinearSVC(C=c, class_weight="balanced")

    @property
    def classes_(self) -> np.ndarray:
        return self.svc.classes_

    def fit(self, x: csr_matrix, labels: list[str]) -> SoftmaxSVC:
        y = np.asarray(labels)
        folds = min(3, min(Counter(labels).values()))
        if folds >= 2:
            scores = np.zeros((len(y), len(set(labels))))
            classes = np.array(sorted(set(labels)))
            for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
                fold = LinearSVC(C=self.c, class_weight="balanced").fit(x[train], y[train])
                scores[np.ix_(test, np.searchsorted(classes, fold.classes_))] = _scores(
                    fold, x[test]
                )
            truth = np.searchsorted(classes, y)
            self.temperature = min(TEMPERATURES, key=lambda t: _log_loss(scores * t, truth))
        self.svc.fit(x, y)
        return self

    def predict_proba(self, x: csr_matrix) -> np.ndarray:
        return _softmax(_scores(self.svc, x) * self.temperature)


TEMPERATURES = tuple(float(t) for t in np.geomspace(0.5, 30, 24))


def _scores(svc: LinearSVC, x: csr_matrix) -> np.ndarray:
    d = svc.decision_function(x)
    return np.column_stack([-d, d]) / 2 if d.ndim == 1 else d


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _log_loss(z: np.ndarray, truth: np.ndarray) -> float:
    p = _softmax(z)[np.arange(len(truth)), truth]
    return float(-np.log(np.clip(p, 1e-9, 1)).mean())


def _fit(x: csr_matrix, labels: list[str]) -> SoftmaxSVC:
    return SoftmaxSVC().fit(x, labels)


def model_version(examples: Sequence[Example]) -> str:
    """A short name for (recipe, training data): the same data always gives the same name."""
    digest = hashlib.sha256(RECIPE.encode())
    for e in examples:
        digest.update(json.dumps([e.text, e.subcategory, e.critical], ensure_ascii=False).encode())
    return f"m-{digest.hexdigest()[:10]}"


_lock = threading.Lock()
_models: dict[str, Model] = {}


_last: dict[str, Any] = {"extra": None, "model": None}


def model_for(extra: Sequence[Example] = ()) -> Model:
    """The model trained on the shipped corpus plus `extra` examples, trained once per process."""
    with _lock:
        # The same `extra` object as last time (current_model hands over the one it cached):
        # skip hashing the whole corpus again, which cost ~6 ms a call.
        if _last["extra"] is extra and _last["model"] is not None:
            return cast(Model, _last["model"])
    examples = [*train_part(), *extra]
    version = model_version(examples)
    with _lock:
        model = _models.get(version)
        if model is None:
            model = Model(examples)
            _models.clear()  # keep one model in memory
            _models[version] = model
        _last["extra"], _last["model"] = extra, model
    return model
