"""GroupedQueryAttention: Keras' weight layout, equal to MultiHeadAttention
with each key/value head repeated for its group, masks, errors, config."""

import numpy as np
import pytest

from ember import layers

RNG = np.random.default_rng(1)
QUERY = RNG.normal(size=(2, 3, 6)).astype("float32")
VALUE = RNG.normal(size=(2, 4, 5)).astype("float32")


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


def _built(**kwargs):
    layer = layers.GroupedQueryAttention(
        head_dim=3,
        num_query_heads=4,
        num_key_value_heads=2,
        name="gqa",
        **kwargs,
    )
    layer(QUERY, VALUE)
    layer.set_weights(
        [RNG.normal(size=w.shape).astype("float32") for w in layer.weights]
    )
    return layer


def _as_multi_head(gqa):
    """MultiHeadAttention with the GQA's weights, each key and value head
    repeated for the query heads of its group."""
    mha = layers.MultiHeadAttention(4, 3)
    mha(QUERY, VALUE)
    wq, bq, wk, bk, wv, bv, wo, bo = gqa.get_weights()
    mha.set_weights(
        [
            wq,
            bq,
            np.repeat(wk, 2, axis=1),
            np.repeat(bk, 2, axis=0),
            np.repeat(wv, 2, axis=1),
            np.repeat(bv, 2, axis=0),
            wo,
            bo,
        ]
    )
    return mha


def test_weights_have_keras_names_and_shapes():
    layer = _built()
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("gqa/query/kernel", (6, 4, 3)),
        ("gqa/query/bias", (4, 3)),
        ("gqa/key/kernel", (5, 2, 3)),
        ("gqa/key/bias", (2, 3)),
        ("gqa/value/kernel", (5, 2, 3)),
        ("gqa/value/bias", (2, 3)),
        ("gqa/attention_output/kernel", (4, 3, 6)),
        ("gqa/attention_output/bias", (6,)),
    ]
    assert layer.num_repeats == 2


def test_layers_alias():
    assert layers.GroupQueryAttention is layers.GroupedQueryAttention


def test_equals_multi_head_attention_with_repeated_heads():
    gqa = _built()
    mha = _as_multi_head(gqa)
    value_mask = np.array([[1, 1, 1, 0], [0, 1, 1, 1]], bool)
    for kwargs in ({}, {"use_causal_mask": True}, {"value_mask": value_mask}):
        out, scores = gqa(QUERY, VALUE, return_attention_scores=True, **kwargs)
        expected, expected_scores = mha(
            QUERY, VALUE, return_attention_scores=True, **kwargs
        )
        _close(out, expected)
        _close(scores, expected_scores)
        # The fused path shares key/value heads without repeating them.
        _close(gqa(QUERY, VALUE, **kwargs), expected)
    assert scores.shape == (2, 4, 3, 4)


def test_dropout_and_config_round_trip():
    layer = layers.GroupedQueryAttention(
        2,
        4,
        1,
        dropout=0.5,
        use_bias=False,
        seed=2,
        kernel_regularizer="l1",
        sliding_window=3,
    )
    out_a = layer(QUERY, VALUE, training=True)
    out_b = layer(QUERY, VALUE, training=True)
    assert not np.allclose(out_a, out_b)
    _close(layer(QUERY, VALUE), layer(QUERY, VALUE))
    config = layer.get_config()
    assert config["num_key_value_heads"] == 1
    assert config["sliding_window"] == 3
    clone = layers.GroupedQueryAttention.from_config(config)
    assert clone.get_config() == config
    # As in Keras, the kernel regularizer adds one loss per projection.
    assert len(layer.losses) == 4


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((0, 4, 2), {}, "head_dim=0"),
        ((2, -4, 2), {}, "num_query_heads=-4"),
        ((2, 4, 0), {}, "num_key_value_heads=0"),
        ((2, 4, 3), {}, "divisible.*num_query_heads=4, num_key_value_heads=3"),
        ((2, 4, 2), {"dropout": -0.1}, "dropout=-0.1"),
    ],
)
def test_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=f"GroupedQueryAttention.*{match}"):
        layers.GroupedQueryAttention(*args, **kwargs)


def test_bad_inputs_raise_before_any_change():
    layer = layers.GroupedQueryAttention(2, 4, 2, name="gqa")
    with pytest.raises(ValueError, match=r'"gqa".*rank 3.*\(2, 3, 6, 1\)'):
        layer(QUERY[..., None], VALUE)
    with pytest.raises(ValueError, match=r'"gqa".*batch size'):
        layer(QUERY[:1], VALUE)
    assert not layer.built
    layer = _built()
    before = [w.copy() for w in layer.get_weights()]
    with pytest.raises(ValueError, match=r'"gqa".*`key`.*last dimension 5'):
        layer(QUERY, VALUE, key=QUERY[:, :1].repeat(4, 1))
    with pytest.raises(ValueError, match=r'"gqa".*mask of shape \(2, 4, 3\)'):
        layer(QUERY, VALUE, attention_mask=np.ones((2, 4, 3), bool))
    for a, b in zip(layer.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
