"""MultiHeadAttention: Keras' weight layout, outputs computed in numpy from
the layer's own weights, masks, causal and multi-axis attention, dropout,
errors raised before any state changes, config and build config, jit and
a compiled fit."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

RNG = np.random.default_rng(0)
QUERY = RNG.normal(size=(2, 3, 6)).astype("float32")
VALUE = RNG.normal(size=(2, 4, 5)).astype("float32")


def _built(**kwargs):
    layer = layers.MultiHeadAttention(name="mha", **kwargs)
    layer(QUERY, VALUE)
    # Non-zero biases, so that a bias in the wrong place shows.
    layer.set_weights(
        [RNG.normal(size=w.shape).astype("float32") for w in layer.weights]
    )
    return layer


def _softmax(x, mask=None):
    if mask is not None:
        x = np.where(mask, x, -1e30)
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _reference(layer, query, value, mask=None):
    """The attention written out in numpy with the layer's weights."""
    wq, bq, wk, bk, wv, bv, wo, bo = (w.numpy() for w in layer.weights)
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", value, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", value, wv) + bv
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    scores = _softmax(logits, None if mask is None else mask[:, None])
    heads = np.einsum("bnts,bsnh->btnh", scores, v)
    return np.einsum("btnh,nhd->btd", heads, wo) + bo, scores


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


def test_weights_have_keras_names_and_shapes():
    layer = _built(num_heads=2, key_dim=3, value_dim=4)
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("mha/query/kernel", (6, 2, 3)),
        ("mha/query/bias", (2, 3)),
        ("mha/key/kernel", (5, 2, 3)),
        ("mha/key/bias", (2, 3)),
        ("mha/value/kernel", (5, 2, 4)),
        ("mha/value/bias", (2, 4)),
        ("mha/attention_output/kernel", (2, 4, 6)),
        ("mha/attention_output/bias", (6,)),
    ]
    assert layer.query_dense.name == "query"
    assert layer.output_dense.name == "attention_output"
    assert (layer.num_heads, layer.key_dim, layer.value_dim) == (2, 3, 4)


def test_no_bias_and_output_shape():
    layer = layers.MultiHeadAttention(2, 3, use_bias=False, output_shape=(2, 7))
    out = layer(QUERY, VALUE)
    assert out.shape == (2, 3, 2, 7)
    assert [v.path.split("/", 1)[1] for v in layer.weights] == [
        "query/kernel",
        "key/kernel",
        "value/kernel",
        "attention_output/kernel",
    ]
    assert layer.compute_output_shape(QUERY.shape, VALUE.shape) == (
        2,
        3,
        2,
        7,
    )


def test_output_and_scores_equal_numpy():
    layer = _built(num_heads=2, key_dim=3)
    expected, expected_scores = _reference(layer, QUERY, VALUE)
    out, scores = layer(QUERY, VALUE, return_attention_scores=True)
    _close(out, expected)
    _close(scores, expected_scores)
    # The fused kernel (no scores asked for) gives the same output.
    _close(layer(QUERY, VALUE), expected)
    # `key` defaults to `value`.
    _close(layer(QUERY, VALUE, key=VALUE), expected)


def test_self_attention():
    layer = layers.MultiHeadAttention(2, 3)
    x = QUERY
    out, scores = layer(x, x, return_attention_scores=True)
    assert out.shape == x.shape and scores.shape == (2, 2, 3, 3)
    _close(scores.sum(-1), np.ones((2, 2, 3)))


def test_attention_mask_and_input_masks_agree():
    layer = _built(num_heads=2, key_dim=3)
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool)
    mask = query_mask[:, :, None] & value_mask[:, None, :]
    expected, expected_scores = _reference(layer, QUERY, VALUE, mask)
    for kwargs in (
        {"attention_mask": mask},
        {"attention_mask": mask.astype("int32")},
        {"query_mask": query_mask, "value_mask": value_mask},
        {"query_mask": query_mask, "key_mask": value_mask},
    ):
        out, scores = layer(
            QUERY, VALUE, return_attention_scores=True, **kwargs
        )
        _close(scores * mask[:, None], expected_scores * mask[:, None])
        _close(out[query_mask], expected[query_mask])
        _close(layer(QUERY, VALUE, **kwargs)[query_mask], expected[query_mask])
    # Masked keys get no weight.
    _, scores = layer(
        QUERY, VALUE, value_mask=value_mask, return_attention_scores=True
    )
    np.testing.assert_array_equal(scores[0, :, :, 3], 0)
    np.testing.assert_array_equal(scores[1, :, :, 1], 0)


def test_two_dimensional_attention_mask_broadcasts_over_the_batch():
    layer = _built(num_heads=2, key_dim=3)
    mask = np.tril(np.ones((3, 4), bool))
    expected, _ = _reference(
        layer, QUERY, VALUE, np.broadcast_to(mask, (2,) + mask.shape)
    )
    _close(layer(QUERY, VALUE, attention_mask=mask), expected)


def test_causal_mask():
    layer = _built(num_heads=2, key_dim=3)
    causal = np.tril(np.ones((3, 4), bool))[None]
    expected, expected_scores = _reference(layer, QUERY, VALUE, causal)
    out, scores = layer(
        QUERY, VALUE, use_causal_mask=True, return_attention_scores=True
    )
    _close(scores, expected_scores)
    np.testing.assert_array_equal(scores[:, :, 0, 1:], 0)
    _close(out, expected)
    _close(layer(QUERY, VALUE, use_causal_mask=True), expected)
    # Combined with a value mask.
    value_mask = np.array([[0, 1, 1, 1], [1, 1, 1, 1]], bool)
    _, scores = layer(
        QUERY,
        VALUE,
        value_mask=value_mask,
        use_causal_mask=True,
        return_attention_scores=True,
    )
    _close(scores[1], expected_scores[1])
    np.testing.assert_array_equal(scores[0, :, :, 0], 0)
    np.testing.assert_array_equal(scores[0, :, 1:, 2:][:, 0], 0)


def test_sliding_window_bands_the_scores():
    layer = layers.MultiHeadAttention(1, 2, sliding_window=2)
    x = QUERY
    _, scores = layer(x, x, return_attention_scores=True)
    band = np.abs(np.arange(3)[:, None] - np.arange(3)[None]) < 2
    np.testing.assert_array_equal(scores[0, 0][~band], 0)


def test_masks_from_embedding_mask_zero():
    tokens = np.array([[3, 1, 0, 0], [2, 5, 4, 0]], "int32")
    inputs = ember.Input((4,), dtype="int32")
    x = layers.Embedding(8, 6, mask_zero=True)(inputs)
    mha = layers.MultiHeadAttention(2, 3)
    y, scores = mha(x, x, return_attention_scores=True)
    assert y._keras_mask is not None  # the output keeps the query's mask
    model = ember.Model(inputs, [y, scores])
    out, scores = model(tokens)
    keep = tokens != 0
    # Padded keys get no weight; the output has the query's mask.
    np.testing.assert_array_equal(
        np.asarray(scores) * ~keep[:, None, None, :], 0
    )
    embedded = model.layers[1](tokens)
    mask = keep[:, :, None] & keep[:, None, :]
    expected, _ = _reference(
        mha, np.asarray(embedded), np.asarray(embedded), mask
    )
    _close(np.asarray(out)[keep], expected[keep])


def test_attention_axes_on_4d_inputs():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    layer = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))
    out, scores = layer(x, x, return_attention_scores=True)
    assert out.shape == x.shape
    assert scores.shape == (2, 2, 3, 4, 3, 4)
    # One softmax over both key axes.
    _close(scores.sum(axis=(-2, -1)), np.ones((2, 2, 3, 4)))
    assert layer.attention_axes == (1, 2)
    # The default attends over axes 1 and 2 as well; axis 2 alone keeps
    # axis 1 as a batch axis.
    assert layers.MultiHeadAttention(2, 3)(x, x).shape == x.shape
    layer = layers.MultiHeadAttention(2, 3, attention_axes=-2)
    _, scores = layer(x, x, return_attention_scores=True)
    assert scores.shape == (2, 3, 2, 4, 4)


def test_dropout_in_training_only():
    layer = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=1)
    _, inference = layer(QUERY, VALUE, return_attention_scores=True)
    out_a = layer(QUERY, VALUE, training=True)
    out_b = layer(QUERY, VALUE, training=True)
    assert not np.allclose(out_a, out_b)
    # The scores returned are the probabilities before dropout.
    _, scores = layer(QUERY, VALUE, return_attention_scores=True, training=True)
    _close(scores, inference)


def test_gate():
    layer = layers.MultiHeadAttention(2, 3, use_gate=True, name="mha")
    layer(QUERY, VALUE)
    assert "mha/gate/kernel" in [v.path for v in layer.weights]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_heads": 0, "key_dim": 2}, "num_heads=0"),
        ({"num_heads": -1, "key_dim": 2}, "num_heads=-1"),
        ({"num_heads": 2.0, "key_dim": 2}, "num_heads=2.0"),
        ({"num_heads": 2, "key_dim": 0}, "key_dim=0"),
        ({"num_heads": 2, "key_dim": 2, "value_dim": -3}, "value_dim=-3"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 1.5}, "dropout=1.5"),
        ({"num_heads": 2, "key_dim": 2, "sliding_window": 0}, "window=0"),
        ({"num_heads": 2, "key_dim": 2, "attention_axes": "x"}, "axes='x'"),
        (
            {
                "num_heads": 2,
                "key_dim": 2,
                "dropout": 0.1,
                "flash_attention": True,
            },
            "flash attention",
        ),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"MultiHeadAttention.*{match}"):
        layers.MultiHeadAttention(**kwargs)


def _state(layer):
    return [(v.path, np.asarray(v.value).copy()) for v in layer.weights]


def _assert_same_state(layer, before):
    after = _state(layer)
    assert [p for p, _ in after] == [p for p, _ in before]
    for (_, a), (_, b) in zip(after, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_mismatched_inputs_raise_before_building():
    layer = layers.MultiHeadAttention(2, 3, name="mha")
    with pytest.raises(ValueError, match=r'"mha".*batch size.*\(3, 3, 6\)'):
        layer(QUERY.repeat(2, 0)[:3], VALUE)
    with pytest.raises(ValueError, match=r'"mha".*value_shape=\(2, 4, 5\)'):
        layer(QUERY, VALUE, key=VALUE[:, :2])
    with pytest.raises(ValueError, match=r'"mha".*same rank'):
        layer(QUERY, VALUE[:, :, :, None])
    assert not layer.built and layer.weights == []


def test_mismatched_features_and_masks_raise_before_any_change():
    layer = _built(num_heads=2, key_dim=3)
    before = _state(layer)
    with pytest.raises(ValueError, match=r'"mha".*`value`.*last dimension 5'):
        layer(QUERY, VALUE[:, :, :4])
    with pytest.raises(ValueError, match=r'"mha".*`query`.*last dimension 6'):
        layer(QUERY[:, :, :5], VALUE)
    with pytest.raises(ValueError, match=r"query_mask.*\(2, 3\).*\(2, 4\)"):
        layer(QUERY, VALUE, query_mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match=r"value_mask.*\(2, 4\).*\(2, 3\)"):
        layer(QUERY, VALUE, value_mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match=r'"mha".*mask of shape \(2, 3, 3\)'):
        layer(QUERY, VALUE, attention_mask=np.ones((2, 3, 3), bool))
    with pytest.raises(ValueError, match=r'"mha".*mask of shape \(4,\)'):
        layer(QUERY, VALUE, attention_mask=np.ones((4,), bool))
    _assert_same_state(layer, before)


def test_flash_attention_refuses_to_return_scores():
    layer = layers.MultiHeadAttention(2, 3, flash_attention=True)
    with pytest.raises(ValueError, match="scores cannot be returned"):
        layer(QUERY, VALUE, return_attention_scores=True)


def test_disable_flash_attention_reaches_new_layers():
    assert ember.config.is_flash_attention_enabled() is None
    ember.config.disable_flash_attention()
    try:
        assert ember.config.is_flash_attention_enabled() is False
        layer = layers.MultiHeadAttention(2, 3)
        assert layer._flash_attention is False
        assert layer(QUERY, VALUE).shape == QUERY.shape
    finally:
        ember.config.enable_flash_attention()
    assert layers.MultiHeadAttention(2, 3)._flash_attention is None


def test_config_round_trip():
    layer = layers.MultiHeadAttention(
        2,
        3,
        value_dim=4,
        dropout=0.1,
        output_shape=5,
        attention_axes=1,
        kernel_initializer="he_normal",
        kernel_regularizer="l2",
        bias_constraint="non_neg",
        seed=3,
        name="mha",
    )
    config = layer.get_config()
    assert config["output_shape"] == (5,)
    assert config["attention_axes"] == (1,)
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert config["kernel_regularizer"]["class_name"] == "L2"
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config


def test_serialize_writes_keras_shapes_dict_and_rebuilds():
    layer = _built(num_heads=2, key_dim=3)
    config = layers.serialize(layer)
    assert config["build_config"] == {
        "shapes_dict": {"query_shape": [2, 3, 6], "value_shape": [2, 4, 5]}
    }
    clone = layers.deserialize(config)
    assert clone.built
    assert [v.shape for v in clone.weights] == [v.shape for v in layer.weights]
    clone.set_weights(layer.get_weights())
    _close(clone(QUERY, VALUE), layer(QUERY, VALUE))


def test_symbolic_jit_and_eager_agree():
    layer = _built(num_heads=2, key_dim=3)
    q = ember.Input(QUERY.shape[1:])
    v = ember.Input(VALUE.shape[1:])
    out, scores = layer(q, v, return_attention_scores=True)
    assert out.shape == (None, 3, 6) and scores.shape == (None, 2, 3, 4)
    eager = layer(QUERY, VALUE, use_causal_mask=True)
    trainable = [w.value for w in layer.trainable_variables]

    @jax.jit
    def run(trainable, query, value):
        return layer.stateless_call(
            trainable, [], query, value, use_causal_mask=True
        )[0]

    _close(run(trainable, QUERY, VALUE), eager)


def test_trains_in_a_compiled_fit():
    inputs = ember.Input((4, 3))
    x = layers.MultiHeadAttention(2, 4, dropout=0.1)(inputs, inputs)
    x = layers.GlobalAveragePooling1D()(x)
    model = ember.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer=ember.optimizers.Adam(0.02), loss="mse")
    data = RNG.normal(size=(16, 4, 3)).astype("float32")
    target = data.sum(axis=(1, 2))[:, None] * 0.2
    before = [np.asarray(w) for w in model.get_weights()]
    history = model.fit(data, target, epochs=8, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    after = model.get_weights()
    assert all(
        not np.allclose(a, b) for a, b in zip(before, after, strict=True)
    )


def test_a_subclass_attention_gets_the_causal_mask():
    seen = {}

    class Recording(layers.MultiHeadAttention):
        def _compute_attention(
            self,
            query,
            key,
            value,
            attention_mask=None,
            training=None,
            return_attention_scores=False,
        ):
            seen["mask"] = attention_mask
            return super()._compute_attention(
                query,
                key,
                value,
                attention_mask,
                training,
                return_attention_scores,
            )

    layer = Recording(2, 3)
    layer(QUERY, QUERY, use_causal_mask=True)
    np.testing.assert_array_equal(
        np.asarray(seen["mask"]).reshape(3, 3), np.tril(np.ones((3, 3)))
    )
