"""AdditiveAttention: scores sum(scale * tanh(query + key)) by hand, masks,
config."""

import numpy as np

from ember import layers

RNG = np.random.default_rng(3)
QUERY = RNG.normal(size=(2, 3, 4)).astype("float32")
VALUE = RNG.normal(size=(2, 5, 4)).astype("float32")


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_scores_by_hand():
    layer = layers.AdditiveAttention(name="add")
    layer([QUERY, VALUE])
    assert [(v.path, v.shape) for v in layer.weights] == [("add/scale", (4,))]
    scale = np.array([0.5, -1.0, 2.0, 0.1], "float32")
    layer.set_weights([scale])
    out, weights = layer([QUERY, VALUE], return_attention_scores=True)
    pairs = np.tanh(QUERY[:, :, None, :] + VALUE[:, None, :, :])
    expected = _softmax((scale * pairs).sum(-1))
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, expected @ VALUE, rtol=1e-5, atol=1e-6)


def test_without_scale_and_with_masks():
    layer = layers.AdditiveAttention(use_scale=False)
    value_mask = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]], bool)
    _, weights = layer(
        [QUERY, VALUE], mask=[None, value_mask], return_attention_scores=True
    )
    assert layer.weights == []
    np.testing.assert_allclose(weights[0][:, 1], 0, atol=1e-7)
    np.testing.assert_allclose(weights[1][:, 4], 0, atol=1e-7)
    pairs = np.tanh(QUERY[:, :, None, :] + VALUE[:, None, :, :]).sum(-1)
    expected = _softmax(np.where(value_mask[:, None, :], pairs, -np.inf))
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)


def test_config_has_no_score_mode():
    config = layers.AdditiveAttention(use_scale=False, dropout=0.1).get_config()
    assert "score_mode" not in config
    assert config["use_scale"] is False and config["dropout"] == 0.1
    clone = layers.AdditiveAttention.from_config(config)
    assert clone.get_config() == config
