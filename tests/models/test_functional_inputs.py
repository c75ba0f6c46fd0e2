"""A Functional (or Sequential) model given an input one rank off its
`Input` through a trailing axis of size 1 adds or drops that axis, as
Keras does; any other rank is refused naming both shapes."""

import re

import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
IMAGES = RNG.normal(size=(6, 5, 5)).astype("float32")


def _scale_model(shape):
    inputs = ember.Input(shape)
    outputs = ember.layers.Dense(
        1, kernel_initializer="ones", bias_initializer="zeros"
    )(inputs)
    return ember.Model(inputs, outputs)


def test_a_missing_trailing_one_is_added_in_every_entry_point():
    model = _scale_model((5, 5, 1))
    model.compile("sgd", "mse")
    expected = IMAGES[..., None]  # A Dense(1) of ones on one channel.
    np.testing.assert_allclose(np.asarray(model(IMAGES)), expected, rtol=1e-6)
    np.testing.assert_allclose(
        model.predict(IMAGES, verbose=0), expected, rtol=1e-6
    )
    targets = np.zeros((6, 5, 5, 1), "float32")
    loss = model.evaluate(IMAGES, targets, verbose=0)
    assert loss == pytest.approx(float(np.mean(IMAGES**2)), rel=1e-5)
    history = model.fit(IMAGES, targets, batch_size=6, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)


def test_an_extra_trailing_one_is_dropped():
    model = _scale_model((5, 5))
    out = model.predict(IMAGES[..., None], verbose=0)
    assert out.shape == (6, 5, 1)
    np.testing.assert_allclose(
        out, IMAGES.sum(axis=-1, keepdims=True), rtol=1e-5
    )


def test_a_sequential_with_an_input_adjusts_the_same_way():
    model = ember.Sequential(
        [
            ember.Input((5, 5, 1)),
            ember.layers.Dense(1, kernel_initializer="ones"),
        ]
    )
    assert model(IMAGES).shape == (6, 5, 5, 1)


def test_other_rank_differences_name_both_shapes():
    inputs = ember.Input((5, 5, 2), name="input_layer")
    model = ember.Model(inputs, ember.layers.Dense(1)(inputs))
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"Functional \"{model.name}\": input 'input_layer' expects "
            "shape (None, 5, 5, 2), but received an input of incompatible "
            "shape (6, 5, 5)."
        ),
    ):
        model(IMAGES)
