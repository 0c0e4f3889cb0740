from __future__ import annotations

import pytest

from sanshi.triage.classifier import BATCH_MIN, model_for
from sanshi.triage.corpus import eval_part


def test_a_batch_is_scored_as_its_texts_one_by_one() -> None:
    model = model_for()
    texts = [e.text for e in eval_part()]
    assert len(texts) >= BATCH_MIN
    batch = model.predict(texts)
    single = [model.predict([text])[0] for text in texts]
    assert [(p.category, p.subcategory) for p in batch] == [
        (p.category, p.subcategory) for p in single
    ]
    assert [p.danger_prob for p in batch] == pytest.approx(
        [p.danger_prob for p in single], rel=1e-9, abs=1e-12
    )
    assert [p.cat_probs for p in batch] == [
        pytest.approx(p.cat_probs, rel=1e-9, abs=1e-12) for p in single
    ]
