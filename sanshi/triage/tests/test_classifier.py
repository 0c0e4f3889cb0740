from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from sanshi.triage.classifier import MODEL_FILE, Model, shipped_model
from sanshi.triage.corpus import eval_part


def test_a_batch_is_scored_as_its_texts_one_by_one() -> None:
    model = shipped_model()
    texts = [e.text for e in eval_part()][:40]
    batch = model.predict(texts)
    single = [model.predict([text])[0] for text in texts]
    assert [(p.category, p.subcategory) for p in batch] == [
        (p.category, p.subcategory) for p in single
    ]
    assert [p.danger_prob for p in batch] == pytest.approx(
        [p.danger_prob for p in single], rel=1e-9, abs=1e-12
    )


def test_the_shipped_model_is_small_and_is_read_once_per_process() -> None:
    assert MODEL_FILE.stat().st_size < 5_000_000
    assert shipped_model() is shipped_model()


def test_the_model_file_holds_weights_and_figures_but_no_text() -> None:
    data = MODEL_FILE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [
            "bias.npy",
            "kept.npy",
            "meta.json",
            "sem_bias.npy",
            "sem_weights.npy",
            "weights.npy",
        ]
        meta = json.loads(archive.read("meta.json"))
    assert sorted(meta) == [
        "cat_names",
        "fusion",
        "info",
        "recipe",
        "sub_names",
        "temperatures",
        "thresholds",
        "version",
    ]
    # No training text survives in the file: not even a short phrase of the corpus.
    for example in eval_part()[:50]:
        assert example.text[:6].encode() not in data


def test_dumping_a_loaded_model_gives_the_same_bytes() -> None:
    data = MODEL_FILE.read_bytes()
    assert Model.loads(data).dumps() == data


def test_the_shipped_file_records_the_data_it_was_trained_on(shared_triage) -> None:  # type: ignore[no-untyped-def]
    info = shipped_model().info["trained_on"]
    for name in ("train", "dev"):
        digest = hashlib.sha256((shared_triage / f"{name}.jsonl").read_bytes()).hexdigest()
        assert info[f"{name}_sha256"] == digest
    assert info["staff"] == 0
