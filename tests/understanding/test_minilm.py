"""understanding/minilm.py is the same model as the TensorFlow BERT it replaced."""

import numpy as np
import pytest

from understanding.minilm import MAX_TOKENS, MiniLM

pytestmark = pytest.mark.slow

TEXTS = [
    "What does dropout do?", "How does dropout reduce overfitting?", "order me a pizza",
    "my validation loss goes up while the training loss keeps falling",
    'ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, '
    "found ndim=3. Full shape received: (None, 28, 28)",
    "model.add(Conv2D(64, (3,3), activation='relu'))  what do the 64 and (3,3) mean?",
    "wat is an embeding", "", "x" * 3000,
]


@pytest.fixture(scope="module")
def minilm():
    return MiniLM()


def test_minilm_in_numpy_matches_the_tensorflow_bert_it_replaced(minilm):
    from tests.understanding.tf_reference import Encoder

    ours, reference = minilm.embed(TEXTS), Encoder().embed(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), 384)
    assert np.min(np.sum(ours * reference, axis=1)) > 0.9999


def test_minilm_gives_unit_vectors_where_paraphrases_are_closer_than_unrelated_text(minilm):
    vectors = minilm.embed(TEXTS[:3])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.6 > 0.2 > vectors[0] @ vectors[2]


def test_minilm_embeds_each_text_alike_alone_or_in_a_batch_of_any_order(minilm):
    batch = minilm.embed(TEXTS)
    alone = np.stack([minilm.embed([t])[0] for t in TEXTS])
    assert np.allclose(batch, alone, atol=1e-5)
    assert minilm.tokenizer.encode("x " * 1000).ids.__len__() == MAX_TOKENS
