"""The n-gram vectoriser (nlp.features): fitting and transforming in one pass gives what the two steps
give, the one-message path agrees with the batch path, and a refit forgets the columns it had."""

from __future__ import annotations

import numpy as np

from nlp.features import Doc, NgramVectorizer
from nlp.normalize import normalize
from nlp.segment import Segmenter

TEXTS = ["小区门口的路灯坏了三天", "路灯不亮，晚上很黑", "垃圾桶满了没人收", "门口垃圾没人收，臭得要命",
         "楼上装修噪音很大", "晚上装修吵得睡不着", "路灯坏了，垃圾也没人收"]


def docs(texts: list[str]) -> list[Doc]:
    segmenter = Segmenter()
    return [(normalize(t), segmenter.cut(normalize(t))) for t in texts]


def test_fit_transform_is_fit_then_transform() -> None:
    once = NgramVectorizer(min_df=2)
    together = once.fit_transform(docs(TEXTS))
    apart = NgramVectorizer(min_df=2).fit(docs(TEXTS)).transform(docs(TEXTS))
    assert together.shape == apart.shape and together.shape[1] > 10
    assert (together != apart).nnz == 0
    assert np.array_equal(once.buckets_, NgramVectorizer(min_df=2).fit(docs(TEXTS)).buckets_)


def test_one_message_agrees_with_the_batch() -> None:
    vectoriser = NgramVectorizer(min_df=2).fit(docs(TEXTS))
    batch = vectoriser.transform(docs(TEXTS), dtype=np.float64)
    for row, doc in enumerate(docs(TEXTS)):
        ids, weights = vectoriser.transform_one(doc)
        dense = np.zeros(batch.shape[1])
        dense[ids] = weights
        assert np.allclose(dense, batch[row].toarray().ravel())


def test_a_refit_uses_its_own_columns() -> None:
    vectoriser = NgramVectorizer(min_df=2)
    vectoriser.fit(docs(TEXTS))
    vectoriser.transform_one(docs(TEXTS)[0])  # fills the caches of the first fit
    refit = vectoriser.fit_transform(docs(TEXTS[:4]))
    fresh = NgramVectorizer(min_df=2).fit(docs(TEXTS[:4]))
    assert refit.shape[1] == fresh.n_features_
    ids, _ = vectoriser.transform_one(docs(TEXTS)[5])
    assert set(ids.tolist()) == set(fresh.transform_one(docs(TEXTS)[5])[0].tolist())
