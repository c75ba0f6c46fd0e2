"""TimeDistributed: hand-computed outputs, weights shared over time, masks,
moving statistics, random layers, shapes, config, errors and a small
video-style model that trains and reloads."""

import re

import jax
import numpy as np
import pytest

import ember
from ember import layers

X = np.array([[[1.0, 2.0], [3.0, 4.0]]], "float32")  # (batch 1, time 2, 2)


def _dense(units=2):
    dense = layers.Dense(units)
    wrapper = layers.TimeDistributed(dense)
    wrapper.build((None, 2, 2))
    dense.set_weights(
        [np.array([[1.0, 0.0], [0.0, 2.0]], "float32"), np.array([0.5, -1.0])]
    )
    return wrapper, dense


def test_dense_on_each_step_hand_computed():
    wrapper, _ = _dense()
    # step 0: [1 + 0.5, 2 * 2 - 1]; step 1: [3 + 0.5, 4 * 2 - 1]
    np.testing.assert_allclose(wrapper(X), [[[1.5, 3.0], [3.5, 7.0]]])


def test_equals_the_wrapped_layer_applied_per_step():
    wrapper, dense = _dense()
    x = np.random.default_rng(0).normal(size=(3, 5, 2)).astype("float32")
    expected = np.stack([dense(x[:, t]) for t in range(5)], axis=1)
    np.testing.assert_allclose(wrapper(x), expected, rtol=1e-6)


def test_weights_live_under_the_wrapper_and_are_shared_over_time():
    dense = layers.Dense(3, name="dense")
    wrapper = layers.TimeDistributed(dense, name="td")
    wrapper(np.zeros((2, 7, 4), "float32"))
    paths = [w.path for w in wrapper.weights]
    assert paths == ["td/dense/kernel", "td/dense/bias"]
    assert wrapper.count_params() == 4 * 3 + 3
    assert dense.built
    assert dense._build_shapes_dict == {"input_shape": (2, 4)}


def test_conv2d_on_video_frames_hand_computed():
    conv = layers.Conv2D(1, 3, kernel_initializer="ones")
    wrapper = layers.TimeDistributed(conv)
    frames = np.arange(18, dtype="float32").reshape(1, 2, 3, 3, 1)
    out = wrapper(frames)
    assert out.shape == (1, 2, 1, 1, 1)
    # The sum of each 3x3 frame: 0 + ... + 8 and 9 + ... + 17.
    np.testing.assert_allclose(np.ravel(out), [36.0, 117.0])


class _MaskedScale(layers.Layer):
    """Multiplies each sample by its mask entry (1 kept, 0 masked)."""

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs
        return inputs * mask[:, None].astype(inputs.dtype)


def test_mask_reaches_a_wrapped_layer_that_takes_one_per_step():
    wrapper = layers.TimeDistributed(_MaskedScale())
    x = np.ones((2, 3, 2), "float32")
    mask = np.array([[True, False, True], [False, True, True]])
    out = wrapper(x, mask=mask)
    np.testing.assert_allclose(out, np.repeat(mask[..., None], 2, -1) * 1.0)


def test_output_mask_is_the_input_mask_in_a_model():
    inputs = ember.Input((3,), dtype="int32")
    embedded = layers.Embedding(5, 2, mask_zero=True)(inputs)
    outputs = layers.TimeDistributed(layers.Dense(2))(embedded)
    assert outputs._keras_mask is not None
    wrapper = layers.TimeDistributed(layers.Dense(2))
    mask = np.array([[True, True, False]])
    np.testing.assert_array_equal(
        wrapper.compute_mask(np.ones((1, 3, 2)), mask), mask
    )


def test_a_mask_of_the_wrong_shape_is_refused():
    wrapper = layers.TimeDistributed(_MaskedScale(), name="td_mask")
    with pytest.raises(ValueError, match=r'"td_mask".*\(2, 4\).*\(2, 3\)'):
        wrapper(np.ones((2, 3, 2), "float32"), mask=np.ones((2, 4), bool))


def test_batch_norm_moving_statistics_of_the_flattened_batch():
    bn = layers.BatchNormalization(momentum=0.9, epsilon=0.0)
    wrapper = layers.TimeDistributed(bn)
    x = np.arange(0.0, 16.0, 2.0, dtype="float32").reshape(2, 2, 2)
    out = wrapper(x, training=True)
    # Flattened: feature 0 takes 0, 4, 8, 12 (mean 6, var 20), feature 1
    # takes 2, 6, 10, 14 (mean 8, var 20).
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [2.9, 2.9])
    np.testing.assert_allclose(out[0, 0], [-6 / 20**0.5, -6 / 20**0.5])


def test_batch_norm_updates_come_back_from_stateless_call():
    bn = layers.BatchNormalization(momentum=0.5)
    wrapper = layers.TimeDistributed(bn)
    x = np.full((2, 3, 1), 4.0, "float32")
    wrapper.build(x.shape)
    trainable = [v.value for v in wrapper.trainable_variables]
    non_trainable = [v.value for v in wrapper.non_trainable_variables]

    @jax.jit
    def run(trainable, non_trainable, x):
        return wrapper.stateless_call(
            trainable, non_trainable, x, training=True
        )[1]

    moving_mean, moving_variance = run(trainable, non_trainable, x)
    np.testing.assert_allclose(moving_mean, [2.0])  # 0.5 * 0 + 0.5 * 4
    np.testing.assert_allclose(moving_variance, [0.5])  # 0.5 * 1 + 0.5 * 0
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.0])


def test_dropout_drops_independently_per_step_in_training_only():
    wrapper = layers.TimeDistributed(layers.Dropout(0.5, seed=3))
    x = np.ones((4, 6, 5), "float32")
    out = np.asarray(wrapper(x, training=True))
    assert set(np.unique(out)) == {0.0, 2.0}
    # Each step draws its own mask.
    assert not all(np.array_equal(out[:, 0], out[:, t]) for t in range(6))
    np.testing.assert_array_equal(wrapper(x, training=False), x)


def test_nested_sequential_equals_the_model_per_step():
    inner = ember.Sequential([layers.Dense(3), layers.Dense(1)])
    wrapper = layers.TimeDistributed(inner, name="td_seq")
    x = np.random.default_rng(1).normal(size=(2, 4, 5)).astype("float32")
    out = wrapper(x)
    assert out.shape == (2, 4, 1)
    assert all(w.path.startswith("td_seq/") for w in wrapper.weights)
    expected = np.stack([inner(x[:, t]) for t in range(4)], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_compute_output_shape_keeps_the_time_axis():
    wrapper = layers.TimeDistributed(layers.Conv2D(4, 3, strides=2))
    assert wrapper.compute_output_shape((None, 7, 9, 9, 1)) == (
        None,
        7,
        4,
        4,
        4,
    )
    assert wrapper.weights[0].path.startswith(wrapper.name + "/")


def test_unknown_time_dimension_stays_unknown():
    inputs = ember.Input((None, 4))
    outputs = layers.TimeDistributed(layers.Dense(2))(inputs)
    assert outputs.shape == (None, None, 2)
    model = ember.Model(inputs, outputs)
    assert model.predict(np.ones((3, 5, 4)), verbose=0).shape == (3, 5, 2)


def test_config_round_trip_keeps_the_wrapped_layer():
    wrapper = layers.TimeDistributed(layers.Dense(3, activation="relu"))
    wrapper.build((None, 2, 4))
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense"
    assert config["layer"]["build_config"] == {"input_shape": [None, 4]}
    restored = layers.TimeDistributed.from_config(config)
    assert restored.get_config() == config
    assert restored.layer.units == 3


@pytest.mark.parametrize("shape", [(2, 3), (4,)])
def test_rank_below_three_is_refused_before_any_weight(shape):
    dense = layers.Dense(2)
    wrapper = layers.TimeDistributed(dense, name="td_rank")
    message = (
        'TimeDistributed "td_rank" expects an input with at least 3 '
        "dimensions (batch, time, ...), received input_shape="
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        wrapper(np.zeros(shape, "float32"))
    assert not dense.built and dense.weights == []
    with pytest.raises(ValueError, match=r"received input_shape=\(None, 5\)"):
        wrapper(ember.Input((5,)))
    assert dense.weights == []


def test_a_non_layer_is_refused():
    with pytest.raises(ValueError, match="TimeDistributed.*Received: 3"):
        layers.TimeDistributed(3)


def _video_model():
    inputs = ember.Input((4, 8, 8, 1))
    x = layers.TimeDistributed(layers.Conv2D(3, 3, activation="relu"))(inputs)
    frames = x
    x = layers.TimeDistributed(layers.GlobalAveragePooling2D())(x)
    pooled = x
    x = layers.Flatten()(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return ember.Model(inputs, outputs), frames, pooled


def test_video_style_model_trains_and_reloads(tmp_path):
    model, frames, pooled = _video_model()
    # 8x8 frames, 3x3 valid convolution: 6x6 with 3 channels per step.
    assert frames.shape == (None, 4, 6, 6, 3)
    assert pooled.shape == (None, 4, 3)
    assert model.output_shape == (None, 2)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 4, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 2, size=(8,))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    kernel = model.layers[1].layer.kernel
    before = kernel.numpy().copy()
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert not np.allclose(kernel.numpy(), before)  # 2 steps reached it
    path = tmp_path / "video.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    assert type(restored.layers[1]).__name__ == "TimeDistributed"
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )


def test_a_registered_custom_layer_inside_reloads_from_keras_file(tmp_path):
    @ember.saving.register_keras_serializable(package="td_test")
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],))

        def call(self, inputs):
            return ember.ops.multiply(inputs, self.w)

    inputs = ember.Input((3, 2))
    outputs = layers.TimeDistributed(Scale(name="scale"), name="td")(inputs)
    model = ember.Model(inputs, outputs)
    model.get_layer("td").layer.w.assign(np.array([2.0, -1.0], "float32"))
    model.save(tmp_path / "custom.keras")
    restored = ember.saving.load_model(tmp_path / "custom.keras")
    assert type(restored.get_layer("td").layer).__name__ == "Scale"
    x = np.ones((1, 3, 2), "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), [[[2, -1]] * 3])
