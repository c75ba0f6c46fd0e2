"""Mask propagation against Keras 3 on JAX: the same models, Keras' weights
copied from ember, the same outputs (padding excluded as Keras excludes
it), mask specs and training results."""

import warnings

import keras
import numpy as np
import pytest

import ember

TOKENS = np.array(
    [[3, 1, 0, 0, 0], [2, 2, 2, 4, 0], [4, 0, 0, 0, 0], [1, 2, 3, 4, 1]],
    "int32",
)
SEQUENCES = np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")
SEQUENCES[0, 2:] = 0.0
SEQUENCES[1, 1] = 0.0
SEQUENCES[2, :4] = 0.0


def _values(model) -> list:
    """The weights' values (Keras' `get_weights` warns on numpy 2)."""
    return [np.asarray(v.value) for v in model.weights]


def _compare(build, x, training=False):
    """Builds the model in both libraries, Keras with ember's weights, and
    checks that the outputs agree."""
    ours, theirs = build(ember), build(keras)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        np.asarray(ours(x, training=training)),
        np.asarray(theirs(x, training=training)),
        rtol=1e-5,
        atol=1e-6,
    )
    return ours, theirs


def _embedding_pooling(lib):
    inputs = lib.Input((5,), dtype="int32")
    x = lib.layers.Embedding(6, 4, mask_zero=True)(inputs)
    return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))


def _embedding_pooling_sequential(lib):
    return lib.Sequential(
        [
            lib.Input((5,), dtype="int32"),
            lib.layers.Embedding(6, 4, mask_zero=True),
            lib.layers.Dropout(0.3),
            lib.layers.Dense(3, activation="relu"),
            lib.layers.GlobalAveragePooling1D(),
        ]
    )


def _masking_dense_pooling(lib):
    inputs = lib.Input((5, 3))
    x = lib.layers.Masking()(inputs)
    x = lib.layers.Dense(2, activation="tanh")(x)
    return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))


def _masked_batch_norm(lib):
    inputs = lib.Input((5, 3))
    x = lib.layers.Masking()(inputs)
    x = lib.layers.BatchNormalization()(x)
    return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))


@pytest.mark.parametrize(
    "build",
    [_embedding_pooling, _embedding_pooling_sequential],
    ids=["functional", "sequential"],
)
def test_embedding_mask_zero_then_average_pooling(build):
    _compare(build, TOKENS)


def test_masking_dense_average_pooling():
    _compare(_masking_dense_pooling, SEQUENCES)


def test_batch_normalization_statistics_skip_masked_steps():
    ours, theirs = _compare(_masked_batch_norm, SEQUENCES, training=True)
    # The moving statistics were updated from the unmasked steps only.
    for mine, reference in zip(_values(ours), _values(theirs), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "merge", ["Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract"]
)
def test_merge_of_masked_sequences(merge):
    def build(lib):
        left = lib.Input((5,), dtype="int32")
        right = lib.Input((5,), dtype="int32")
        embed = lib.layers.Embedding(6, 4, mask_zero=True)
        merged = getattr(lib.layers, merge)()([embed(left), embed(right)])
        return lib.Model(
            [left, right], lib.layers.GlobalAveragePooling1D()(merged)
        )

    _compare(build, [TOKENS, np.roll(TOKENS, 2, axis=1)])


@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate_of_masked_sequences(axis):
    def build(lib):
        tokens = lib.Input((5,), dtype="int32")
        values = lib.Input((5, 3))
        embedded = lib.layers.Embedding(6, 3, mask_zero=True)(tokens)
        masked = lib.layers.Masking()(values)
        joined = lib.layers.Concatenate(axis=axis)([embedded, masked])
        return lib.Model(
            [tokens, values], lib.layers.GlobalAveragePooling1D()(joined)
        )

    _compare(build, [TOKENS, SEQUENCES])


def test_mask_specs_match_keras():
    def specs(lib):
        tokens = lib.Input((5,), dtype="int32")
        values = lib.Input((None, 3))
        embedded = lib.layers.Embedding(6, 3, mask_zero=True)(tokens)
        masked = lib.layers.Masking()(values)
        dense = lib.layers.Dense(2)(embedded)
        joined = lib.layers.Concatenate(axis=1)([embedded, embedded])
        pooled = lib.layers.GlobalAveragePooling1D()(dense)
        masks = [
            getattr(t, "_keras_mask", None)
            for t in (tokens, embedded, masked, dense, joined, pooled)
        ]
        return [None if m is None else (m.shape, m.dtype) for m in masks]

    assert specs(ember) == specs(keras)


def test_explicit_input_masks():
    def build(lib):
        inputs = lib.Input((5, 3))
        return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(inputs))

    mask = np.array(
        [[1, 1, 0, 0, 0], [1, 0, 1, 0, 1], [0, 0, 0, 0, 1], [1] * 5], bool
    )
    ours, theirs = build(ember), build(keras)
    with warnings.catch_warnings():
        # Keras warns that the model "destroys" the mask, then uses it.
        warnings.simplefilter("ignore", UserWarning)
        expected = theirs(SEQUENCES, mask=mask)
    np.testing.assert_allclose(
        np.asarray(ours(SEQUENCES, mask=mask)), np.asarray(expected), rtol=1e-6
    )


def test_subclassed_model_propagates_masks():
    def build(lib):
        class Classifier(lib.Model):
            def __init__(self):
                super().__init__()
                self.embed = lib.layers.Embedding(6, 4, mask_zero=True)
                self.dense = lib.layers.Dense(2)
                self.pool = lib.layers.GlobalAveragePooling1D()

            def call(self, x):
                return self.pool(self.dense(self.embed(x)))

        model = Classifier()
        model(TOKENS)
        return model

    _compare(build, TOKENS)


def test_fit_matches_keras():
    def build(lib):
        inputs = lib.Input((5,), dtype="int32")
        x = lib.layers.Embedding(6, 4, mask_zero=True)(inputs)
        x = lib.layers.Dense(3, activation="relu")(x)
        x = lib.layers.GlobalAveragePooling1D()(x)
        return lib.Model(inputs, lib.layers.Dense(1, activation="sigmoid")(x))

    ours, theirs = build(ember), build(keras)
    theirs.set_weights(ours.get_weights())
    y = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
    histories = []
    for lib, model in ((ember, ours), (keras, theirs)):
        model.compile(
            optimizer=lib.optimizers.SGD(learning_rate=0.5),
            loss="binary_crossentropy",
        )
        history = model.fit(
            TOKENS, y, epochs=3, batch_size=2, shuffle=False, verbose=0
        )
        histories.append(history.history["loss"])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
    for mine, reference in zip(_values(ours), _values(theirs), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)
