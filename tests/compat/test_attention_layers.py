"""Attention layers against Keras 3 (JAX backend), Keras' weights copied in:
outputs and attention scores within 1e-5 for self-, cross-, masked,
causal and multi-axis attention, GroupQueryAttention, Attention and
AdditiveAttention; `.keras` files with MultiHeadAttention both ways."""

import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
QUERY = RNG.normal(size=(2, 4, 6)).astype("float32")
VALUE = RNG.normal(size=(2, 5, 3)).astype("float32")
# Embedding(mask_zero=True) inputs: padding at the end, at the start and in
# the middle.
TOKENS = np.array([[3, 1, 4, 0, 0], [0, 0, 2, 5, 1], [6, 1, 0, 2, 9]], "int32")


def _pair(name, *args, **kwargs):
    """A Keras layer and the ember layer of the same name and arguments."""
    kwargs["name"] = "layer"
    theirs = getattr(keras.layers, name)(*args, **kwargs)
    ours = getattr(ember.layers, name)(*args, **kwargs)
    return theirs, ours


def _copy_weights(theirs, ours):
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    # Random values (not Keras' zero biases), so every weight counts.
    values = [
        RNG.normal(size=w.shape).astype("float32") for w in theirs.get_weights()
    ]
    theirs.set_weights(values)
    ours.set_weights(values)


def _assert_close(ours, theirs):
    ours = ours if isinstance(ours, list | tuple) else [ours]
    theirs = theirs if isinstance(theirs, list | tuple) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(
            np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5
        )


MHA_CASES = [
    ("self", {}, {"return_attention_scores": True}),
    ("self", {}, {}),
    ("cross", {}, {"return_attention_scores": True}),
    ("cross", {}, {}),
    ("cross", {"use_bias": False}, {"return_attention_scores": True}),
    (
        "cross",
        {"value_dim": 2, "output_shape": (2, 3)},
        {"return_attention_scores": True},
    ),
    ("self", {}, {"use_causal_mask": True}),
    ("self", {}, {"use_causal_mask": True, "return_attention_scores": True}),
    ("cross", {"sliding_window": 2}, {"return_attention_scores": True}),
    ("cross", {"use_gate": True}, {"return_attention_scores": True}),
]


@pytest.mark.parametrize("inputs, kwargs, call", MHA_CASES)
def test_multi_head_attention(inputs, kwargs, call):
    value = QUERY if inputs == "self" else VALUE
    theirs, ours = _pair("MultiHeadAttention", 2, 3, **kwargs)
    theirs(QUERY, value, **call)
    ours(QUERY, value, **call)
    _copy_weights(theirs, ours)
    _assert_close(ours(QUERY, value, **call), theirs(QUERY, value, **call))
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("scores", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_with_attention_mask(scores, causal):
    mask = RNG.integers(0, 2, size=(2, 4, 5)).astype(bool)
    mask[:, :, 0] = True
    theirs, ours = _pair("MultiHeadAttention", 2, 3)
    theirs(QUERY, VALUE)
    ours(QUERY, VALUE)
    _copy_weights(theirs, ours)
    call = {
        "attention_mask": mask,
        "use_causal_mask": causal,
        "return_attention_scores": scores,
    }
    _assert_close(ours(QUERY, VALUE, **call), theirs(QUERY, VALUE, **call))


def test_multi_axis_attention_on_4d_inputs():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    mask = RNG.integers(0, 2, size=(2, 3, 4, 3, 4)).astype(bool)
    mask[..., 0, 0] = True
    theirs, ours = _pair("MultiHeadAttention", 2, 3, attention_axes=(1, 2))
    theirs(x, x)
    ours(x, x)
    _copy_weights(theirs, ours)
    for call in (
        {"return_attention_scores": True},
        {"return_attention_scores": True, "attention_mask": mask},
    ):
        _assert_close(ours(x, x, **call), theirs(x, x, **call))
    assert ours.get_config() == theirs.get_config()


def _masked_model(lib, causal, scores, cross):
    """Embedding(mask_zero) -> MultiHeadAttention (the masks flow in)."""
    inputs = lib.Input((5,), dtype="int32")
    x = lib.layers.Embedding(10, 6, mask_zero=True, name="query")(inputs)
    value = x
    if cross:
        embedding = lib.layers.Embedding(10, 4, mask_zero=True, name="value")
        value = embedding(lib.ops.flip(inputs, axis=1))
    mha = lib.layers.MultiHeadAttention(2, 3, name="mha")
    if scores:
        y, s = mha(
            x, value, use_causal_mask=causal, return_attention_scores=True
        )
        return lib.Model(inputs, [y, s])
    y = mha(x, value, use_causal_mask=causal)
    y = lib.layers.Add(name="add")([x, y])
    y = lib.layers.LayerNormalization(name="norm")(y)
    y = lib.layers.GlobalAveragePooling1D(name="pool")(y)
    return lib.Model(inputs, lib.layers.Dense(2, name="dense")(y))


@pytest.mark.parametrize(
    "causal, scores, cross",
    [
        (False, False, False),
        (True, True, False),
        (False, True, True),
        (True, False, True),
    ],
)
def test_embedding_masks_in_a_model(causal, scores, cross):
    theirs = _masked_model(keras, causal, scores, cross)
    ours = _masked_model(ember, causal, scores, cross)
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    ours.set_weights(theirs.get_weights())
    _assert_close(
        ours.predict(TOKENS, verbose=0), theirs.predict(TOKENS, verbose=0)
    )


@pytest.mark.parametrize(
    "call",
    [
        {"return_attention_scores": True},
        {},
        {"use_causal_mask": True},
        {"use_causal_mask": True, "return_attention_scores": True},
    ],
)
def test_group_query_attention(call):
    theirs = keras.layers.GroupQueryAttention(3, 4, 2, name="gqa")
    ours = ember.layers.GroupQueryAttention(3, 4, 2, name="gqa")
    theirs(QUERY, VALUE)
    ours(QUERY, VALUE)
    _copy_weights(theirs, ours)
    _assert_close(ours(QUERY, VALUE, **call), theirs(QUERY, VALUE, **call))
    assert ours.get_config() == theirs.get_config()


DOT_CASES = [
    ("Attention", {}),
    ("Attention", {"use_scale": True}),
    ("Attention", {"score_mode": "concat"}),
    ("Attention", {"score_mode": "concat", "use_scale": True}),
    ("AdditiveAttention", {}),
    ("AdditiveAttention", {"use_scale": False}),
]


@pytest.mark.parametrize("name, kwargs", DOT_CASES)
def test_attention_and_additive_attention(name, kwargs):
    query = RNG.normal(size=(2, 4, 3)).astype("float32")
    value = RNG.normal(size=(2, 5, 3)).astype("float32")
    key = RNG.normal(size=(2, 5, 3)).astype("float32")
    query_mask = np.array([[1, 1, 0, 1], [1, 1, 1, 0]], bool)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    theirs, ours = _pair(name, **kwargs)
    theirs([query, value])
    ours([query, value])
    _copy_weights(theirs, ours)
    for inputs, call in (
        ([query, value], {"return_attention_scores": True}),
        ([query, value, key], {"return_attention_scores": True}),
        (
            [query, value],
            {"mask": [query_mask, value_mask], "return_attention_scores": True},
        ),
        ([query, query], {"use_causal_mask": True}),
        (
            [query, value],
            {
                "mask": [None, value_mask],
                "use_causal_mask": True,
                "return_attention_scores": True,
            },
        ),
    ):
        _assert_close(ours(inputs, **call), theirs(inputs, **call))
    assert ours.get_config() == theirs.get_config()


def _file_model(lib):
    return _masked_model(lib, causal=True, scores=False, cross=False)


@pytest.mark.parametrize("writer, reader", [(keras, ember), (ember, keras)])
def test_keras_files_move_both_ways(tmp_path, writer, reader):
    source = _file_model(writer)
    source.set_weights(
        [
            RNG.normal(size=w.shape).astype("float32")
            for w in source.get_weights()
        ]
    )
    path = tmp_path / "mha.keras"
    source.save(path)
    restored = reader.saving.load_model(path)
    assert [type(la).__name__ for la in restored.layers] == [
        type(la).__name__ for la in source.layers
    ]
    config = reader.saving.serialize_keras_object(restored.get_layer("mha"))
    assert config["build_config"] == {
        "shapes_dict": {
            "query_shape": [None, 5, 6],
            "value_shape": [None, 5, 6],
        }
    }
    _assert_close(
        restored.predict(TOKENS, verbose=0), source.predict(TOKENS, verbose=0)
    )
