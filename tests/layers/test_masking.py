"""Mask propagation: symbolic mask specs, functional and Sequential replay,
jit, stateless_call and fit, checked against hand-computed values."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers

TOKENS = np.array([[3, 1, 0, 0], [2, 2, 2, 0], [4, 0, 0, 0]], "int32")


def _table(vocab=5, dim=3):
    return np.arange(vocab * dim, dtype="float32").reshape(vocab, dim) + 1.0


def _masked_mean(table, tokens):
    embedded = table[tokens]
    keep = (tokens != 0)[..., None]
    return (embedded * keep).sum(1) / keep.sum(1)


def _embedding_pooling_model():
    inputs = ember.Input((4,), dtype="int32")
    x = layers.Embedding(5, 3, mask_zero=True, weights=[_table()])(inputs)
    return ember.Model(inputs, layers.GlobalAveragePooling1D()(x))


def test_symbolic_tensors_carry_mask_specs():
    inputs = ember.Input((4,), dtype="int32")
    assert inputs._keras_mask is None
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    assert embedded._keras_mask.shape == (None, 4)
    assert embedded._keras_mask.dtype == "bool"
    assert layers.Embedding(5, 3)(inputs)._keras_mask is None
    # Layers that support masking pass the mask on; pooling consumes it.
    dense = layers.Dense(2)(layers.Dropout(0.5)(embedded))
    assert dense._keras_mask.shape == (None, 4)
    assert layers.GlobalAveragePooling1D()(dense)._keras_mask is None
    masked = layers.Masking()(ember.Input((None, 2)))
    assert masked._keras_mask.shape == (None, None)


def test_layer_without_masking_support_warns_and_drops_the_mask():
    embedded = layers.Embedding(5, 3, mask_zero=True)(
        ember.Input((4,), dtype="int32")
    )
    with pytest.warns(UserWarning, match='"flatten".*does not support'):
        flat = layers.Flatten()(embedded)
    assert flat._keras_mask is None


def test_custom_compute_mask_means_masking_is_supported():
    class KeepMask(layers.Layer):
        def call(self, inputs):
            return inputs * 2

        def compute_mask(self, inputs, mask=None):
            return mask

    assert KeepMask().supports_masking
    assert not layers.Flatten().supports_masking
    assert layers.Dense(1).supports_masking


def test_functional_model_averages_unmasked_steps_only():
    model = _embedding_pooling_model()
    expected = _masked_mean(_table(), TOKENS)
    np.testing.assert_allclose(model(TOKENS), expected, rtol=1e-6)
    np.testing.assert_allclose(
        jax.jit(lambda x: model(x))(TOKENS), expected, rtol=1e-6
    )
    np.testing.assert_allclose(model.predict(TOKENS, verbose=0), expected)


def test_stateless_call_under_jit_uses_masks():
    model = _embedding_pooling_model()

    @jax.jit
    def run(trainable, x):
        return model.stateless_call(trainable, [], x)[0]

    values = [v.value * 2 for v in model.trainable_variables]
    np.testing.assert_allclose(
        run(values, TOKENS), _masked_mean(2 * _table(), TOKENS), rtol=1e-6
    )


def test_sequential_propagates_masks_built_or_deferred():
    expected = _masked_mean(_table(), TOKENS)
    for first in ([ember.Input((4,), dtype="int32")], []):
        model = ember.Sequential(
            first
            + [
                layers.Embedding(5, 3, mask_zero=True, weights=[_table()]),
                layers.Dropout(0.5),
                layers.GlobalAveragePooling1D(),
            ]
        )
        np.testing.assert_allclose(model(TOKENS), expected, rtol=1e-6)


def test_masking_then_dense_then_pooling():
    x = np.array(
        [
            [[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]],
            [[0.0, 0.0], [2.0, 2.0], [0.0, 0.0]],
        ],
        "float32",
    )
    kernel = np.array([[1.0], [-2.0]], "float32")
    bias = np.array([0.5], "float32")
    inputs = ember.Input((3, 2))
    h = layers.Dense(1, weights=[kernel, bias])(layers.Masking()(inputs))
    model = ember.Model(inputs, layers.GlobalAveragePooling1D()(h))
    keep = np.any(x != 0, axis=-1)[..., None]
    dense = x @ kernel + bias
    expected = (dense * keep).sum(1) / keep.sum(1)
    np.testing.assert_allclose(model(x), expected, rtol=1e-6)


def test_merge_layers_combine_input_masks():
    inputs = ember.Input((4,), dtype="int32")
    shifted = ember.Input((4,), dtype="int32")
    first = layers.Embedding(5, 3, mask_zero=True, weights=[_table()])
    second = layers.Embedding(5, 3, mask_zero=True, weights=[_table()])
    added = layers.Add()([first(inputs), second(shifted)])
    assert added._keras_mask.shape == (None, 4)
    joined = layers.Concatenate(axis=1)([first(inputs), second(shifted)])
    assert joined._keras_mask.shape == (None, 8)
    model = ember.Model(
        [inputs, shifted],
        [
            layers.GlobalAveragePooling1D()(added),
            layers.GlobalAveragePooling1D()(joined),
        ],
    )
    other = np.roll(TOKENS, 1, axis=1)
    out_add, out_cat = model([TOKENS, other])
    table = _table()
    keep = ((TOKENS != 0) | (other != 0))[..., None]
    # Add sums every step; its output mask is the OR of the input masks.
    total = table[TOKENS] + table[other]
    np.testing.assert_allclose(
        out_add, (total * keep).sum(1) / keep.sum(1), rtol=1e-6
    )
    both = np.concatenate([TOKENS, other], axis=1)
    np.testing.assert_allclose(out_cat, _masked_mean(table, both), rtol=1e-6)


def test_explicit_mask_argument_wins_and_is_replayed():
    values = ember.Input((4, 2))
    mask = ember.Input((4,), dtype="bool")
    pooled = layers.GlobalAveragePooling1D()(values, mask=mask)
    model = ember.Model([values, mask], pooled)
    x = np.arange(24, dtype="float32").reshape(3, 4, 2)
    m = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1]], bool)
    expected = (x * m[..., None]).sum(1) / m.sum(1, keepdims=True)
    np.testing.assert_allclose(model([x, m]), expected, rtol=1e-6)


def test_model_call_accepts_input_masks():
    inputs = ember.Input((4, 2))
    model = ember.Model(inputs, layers.GlobalAveragePooling1D()(inputs))
    sequential = ember.Sequential(
        [ember.Input((4, 2)), layers.GlobalAveragePooling1D()]
    )
    x = np.arange(16, dtype="float32").reshape(2, 4, 2)
    m = np.array([[1, 1, 0, 0], [0, 0, 0, 1]], bool)
    expected = (x * m[..., None]).sum(1) / m.sum(1, keepdims=True)
    np.testing.assert_allclose(model(x, mask=m), expected, rtol=1e-6)
    np.testing.assert_allclose(sequential(x, mask=m), expected, rtol=1e-6)
    np.testing.assert_allclose(model(x), x.mean(1), rtol=1e-6)


def test_masks_flow_through_nested_models_and_subclassed_calls():
    inner = ember.Sequential([ember.Input((4, 3)), layers.Dense(3)])
    inner.set_weights([np.eye(3, dtype="float32"), np.zeros(3, "float32")])
    inputs = ember.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True, weights=[_table()])(
        inputs
    )
    outer = ember.Model(
        inputs, layers.GlobalAveragePooling1D()(inner(embedded))
    )
    expected = _masked_mean(_table(), TOKENS)
    np.testing.assert_allclose(outer(TOKENS), expected, rtol=1e-6)

    class Classifier(ember.Model):
        def __init__(self):
            super().__init__()
            self.embed = layers.Embedding(5, 3, mask_zero=True)
            self.pool = layers.GlobalAveragePooling1D()

        def call(self, x):
            return self.pool(self.embed(x))

    model = Classifier()
    model(TOKENS)
    model.embed.set_weights([_table()])
    np.testing.assert_allclose(model(TOKENS), expected, rtol=1e-6)


def test_fit_ignores_padding_tokens():
    inputs = ember.Input((4,), dtype="int32")
    x = layers.Embedding(5, 3, mask_zero=True)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    model = ember.Model(inputs, layers.Dense(1)(x))
    padding_row = np.asarray(model.layers[1].embeddings.value[0])
    model.compile(optimizer=ember.optimizers.SGD(0.1), loss="mse")
    y = np.array([[1.0], [0.0], [1.0]], "float32")
    history = model.fit(TOKENS, y, epochs=3, batch_size=3, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    # Padding never reaches the loss, so its embedding gets no gradient.
    np.testing.assert_array_equal(
        model.layers[1].embeddings.value[0], padding_row
    )
    assert not np.allclose(model.layers[1].embeddings.value[1:], _table()[1:])


def test_masks_do_not_leak_out_of_a_call():
    layer = layers.Embedding(5, 3, mask_zero=True)
    out = layer(TOKENS)
    pooled = layers.GlobalAveragePooling1D()(out)
    # Outside a model there is nothing to carry the mask: a plain mean.
    np.testing.assert_allclose(pooled, jnp.mean(out, axis=1), rtol=1e-6)
