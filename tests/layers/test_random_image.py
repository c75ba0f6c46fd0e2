"""Random image layers: hand-checked transforms, seeds, jit and fit."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

IMAGE = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)


def test_quarter_turn_is_rot90_counter_clockwise():
    layer = layers.RandomRotation((0.25, 0.25))
    out = layer(IMAGE, training=True)
    np.testing.assert_allclose(
        out[0, :, :, 0], np.rot90(IMAGE[0, :, :, 0]), atol=1e-4
    )


def test_translation_shifts_down_and_fills():
    layer = layers.RandomTranslation(
        (0.25, 0.25), (0.0, 0.0), fill_mode="constant", fill_value=-1.0
    )
    out = layer(IMAGE, training=True)[0, :, :, 0]
    np.testing.assert_allclose(out[0], -1.0)
    np.testing.assert_allclose(out[1:], IMAGE[0, :3, :, 0])


def test_zoom_in_by_two_reads_the_center():
    layer = layers.RandomZoom((-0.5, -0.5), interpolation="nearest")
    out = layer(IMAGE, training=True)[0, :, :, 0]
    # Output pixel x reads input 0.5 * x + 0.75, rounded.
    np.testing.assert_allclose(out[1:3, 1:3], [[5.0, 6.0], [9.0, 10.0]])


def test_contrast_scales_around_the_channel_mean():
    image = np.array([1.0, 3.0], "float32").reshape(1, 1, 2, 1)
    image = np.repeat(image, 16, axis=0)
    layer = layers.RandomContrast((0.5, 0.5), value_range=(0, 10), seed=3)
    out = np.asarray(layer(image, training=True))[:, 0, :, 0]
    # (x - 2) * c + 2 with c drawn per image from [0.5, 1.5].
    np.testing.assert_allclose(out.mean(axis=1), 2.0, rtol=1e-6)
    contrast = out[:, 1] - 2.0
    assert np.all((contrast >= 0.5) & (contrast <= 1.5))
    assert len(np.unique(contrast)) > 1
    clipped = layers.RandomContrast(1.0, value_range=(1.5, 2.5), seed=3)
    assert np.all(np.asarray(clipped(image, training=True)) >= 1.5)


def test_single_images_and_integer_inputs():
    image = np.ones((5, 5, 3), dtype="uint8")
    out = layers.RandomRotation(0.1, seed=1)(image, training=True)
    assert out.shape == (5, 5, 3) and out.dtype == "float32"


def test_global_seed_makes_runs_repeatable():
    x = np.random.default_rng(0).uniform(size=(8, 5, 5, 1)).astype("float32")

    def run():
        ember.utils.set_random_seed(5)
        return layers.RandomFlip()(x, training=True)

    np.testing.assert_array_equal(run(), run())


def test_successive_calls_draw_new_transforms():
    x = np.random.default_rng(0).uniform(size=(8, 5, 5, 1)).astype("float32")
    layer = layers.RandomRotation(0.3, seed=2)
    assert not np.array_equal(layer(x, training=True), layer(x, training=True))


def test_random_layer_under_jit_advances_its_seed():
    layer = layers.RandomZoom(0.3, seed=4)
    x = np.random.default_rng(0).uniform(size=(2, 6, 6, 1)).astype("float32")
    state = [v.value for v in layer.non_trainable_variables]

    @jax.jit
    def run(state, x):
        return layer.stateless_call([], state, x, training=True)

    first, state_1 = run(state, x)
    second, _ = run(state_1, x)
    np.testing.assert_allclose(first, layer(x, training=True), atol=1e-5)
    assert not np.allclose(first, second)


def test_augmentation_in_fit_and_identity_in_predict():
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(4, 4, 1)),
            layers.RandomFlip(seed=1),
            layers.RandomTranslation(0.1, 0.1, seed=2),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).uniform(size=(8, 4, 4, 1)).astype("float32")
    y = np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    dense = model.layers[-1]
    expected = x.reshape(8, 16) @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-5)


def test_argument_errors():
    with pytest.raises(ValueError, match="'diagonal'"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="factor=1.5"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match="height_factor=-1"):
        layers.RandomZoom(-1)
    with pytest.raises(ValueError, match="'mirror'"):
        layers.RandomTranslation(0.1, 0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="'bicubic'"):
        layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="factor=-0.2"):
        layers.RandomContrast(-0.2)
    with pytest.raises(ValueError, match=r'"flip".*rank at most 4'):
        layers.RandomFlip(name="flip")(np.ones((1, 2, 2, 2, 1)), training=True)


def test_mixed_precision_keeps_the_compute_dtype():
    layer = layers.RandomRotation(0.2, seed=1, dtype="mixed_float16")
    out = layer(np.ones((1, 300, 300, 1), "float32"), training=True)
    assert out.dtype == "float16"
    # Reflected borders keep a constant image constant.
    np.testing.assert_allclose(np.asarray(out, "float32"), 1.0, atol=1e-3)
