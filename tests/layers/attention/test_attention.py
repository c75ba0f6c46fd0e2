"""Attention (dot-product / concat scores): values computed by hand, masks,
causal, dropout, errors, config."""

import numpy as np
import pytest

import ember
from ember import layers

RNG = np.random.default_rng(2)
QUERY = RNG.normal(size=(2, 3, 4)).astype("float32")
VALUE = RNG.normal(size=(2, 5, 4)).astype("float32")
KEY = RNG.normal(size=(2, 5, 4)).astype("float32")


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_dot_scores_by_hand():
    out, weights = layers.Attention()(
        [QUERY, VALUE, KEY], return_attention_scores=True
    )
    expected = _softmax(QUERY @ KEY.transpose(0, 2, 1))
    _close(weights, expected)
    _close(out, expected @ VALUE)
    # Without a key, the value is the key.
    _, weights = layers.Attention()(
        [QUERY, VALUE], return_attention_scores=True
    )
    _close(weights, _softmax(QUERY @ VALUE.transpose(0, 2, 1)))


def test_learned_scale_and_concat_scores():
    layer = layers.Attention(use_scale=True, score_mode="concat", name="att")
    layer([QUERY, VALUE, KEY])
    assert [v.path for v in layer.weights] == [
        "att/scale",
        "att/concat_score_weight",
    ]
    layer.set_weights([np.float32(0.5), np.float32(2.0)])
    _, weights = layer([QUERY, VALUE, KEY], return_attention_scores=True)
    pairs = QUERY[:, :, None, :] + KEY[:, None, :, :]
    _close(weights, _softmax(2.0 * np.tanh(0.5 * pairs).sum(-1)))
    dot = layers.Attention(use_scale=True)
    dot([QUERY, VALUE])
    dot.set_weights([np.float32(3.0)])
    _, weights = dot([QUERY, VALUE], return_attention_scores=True)
    _close(weights, _softmax(3.0 * QUERY @ VALUE.transpose(0, 2, 1)))


def test_masks():
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 0, 0, 1], [1, 1, 1, 1, 1]], bool)
    layer = layers.Attention()
    out, weights = layer(
        [QUERY, VALUE],
        mask=[query_mask, value_mask],
        return_attention_scores=True,
    )
    np.testing.assert_allclose(weights[0][:, 2:4], 0, atol=1e-7)
    logits = QUERY[0] @ VALUE[0].T
    expected = _softmax(np.where(value_mask[0], logits, -np.inf))
    _close(weights[0], expected)
    # Masked queries give zeros, and the output keeps the query's mask.
    np.testing.assert_array_equal(out[0, 2], 0)
    mask = layer.compute_mask([QUERY, VALUE], [query_mask, value_mask])
    np.testing.assert_array_equal(mask, query_mask)


def test_causal():
    x = QUERY
    _, weights = layers.Attention()(
        [x, x], use_causal_mask=True, return_attention_scores=True
    )
    np.testing.assert_array_equal(np.triu(weights[0], 1), 0)
    _close(weights[:, 0, 0], np.ones(2))


def test_masks_from_embedding_in_a_model():
    tokens = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    inputs = ember.Input((3,), dtype="int32")
    x = layers.Embedding(5, 4, mask_zero=True)(inputs)
    y, weights = layers.Attention()([x, x], return_attention_scores=True)
    model = ember.Model(inputs, [y, weights])
    out, weights = model(tokens)
    np.testing.assert_allclose(np.asarray(weights)[1][:, 1:], 0, atol=1e-7)
    np.testing.assert_array_equal(np.asarray(out)[1, 1:], 0)


def test_dropout_applies_in_training():
    layer = layers.Attention(dropout=0.5, seed=4)
    _, inference = layer([QUERY, VALUE], return_attention_scores=True)
    _close(inference.sum(-1), np.ones((2, 3)))
    _, trained = layer(
        [QUERY, VALUE], return_attention_scores=True, training=True
    )
    assert np.any(np.asarray(trained) == 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"score_mode": "cosine"}, "score_mode='cosine'"),
        ({"dropout": 2.0}, "dropout=2.0"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"Attention.*{match}"):
        layers.Attention(**kwargs)


def test_bad_inputs_raise_before_building():
    layer = layers.Attention(use_scale=True, name="att")
    with pytest.raises(ValueError, match=r'"att" must be called on a list'):
        layer(QUERY)
    with pytest.raises(ValueError, match=r'"att".*same last dimension'):
        layer([QUERY, VALUE, KEY[..., :3]])
    with pytest.raises(ValueError, match=r'"att".*same length'):
        layer([QUERY, VALUE, KEY[:, :4]])
    with pytest.raises(ValueError, match=r'"att".*same batch size'):
        layer([QUERY, VALUE[:1]])
    assert not layer.built
    with pytest.raises(ValueError, match=r"value_mask.*\(2, 5\).*\(2, 4\)"):
        layer([QUERY, VALUE], mask=[None, np.ones((2, 4), bool)])


def test_config_round_trip():
    layer = layers.Attention(use_scale=True, score_mode="concat", dropout=0.2)
    config = layer.get_config()
    assert {k: config[k] for k in ("use_scale", "score_mode", "dropout")} == {
        "use_scale": True,
        "score_mode": "concat",
        "dropout": 0.2,
    }
    assert layers.Attention.from_config(config).get_config() == config
