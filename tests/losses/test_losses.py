"""ember.losses: hand-computed values, reductions, weights and lookup."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import losses


def _close(actual, expected, atol=1e-6):
    np.testing.assert_allclose(np.asarray(actual), expected, atol=atol)


Y_TRUE = np.array([[0.0, 1.0], [1.0, 1.0]], dtype="float32")
Y_PRED = np.array([[1.0, 1.0], [1.0, 0.0]], dtype="float32")


def test_mean_squared_error_per_sample():
    _close(losses.mean_squared_error(Y_TRUE, Y_PRED), [0.5, 0.5])
    assert losses.mse is losses.mean_squared_error


@pytest.mark.parametrize(
    "reduction,expected",
    [
        ("sum_over_batch_size", (0.5 * 1.0 + 0.5 * 3.0) / 2),
        ("mean", (0.5 * 1.0 + 0.5 * 3.0) / 2),
        ("sum", 0.5 * 1.0 + 0.5 * 3.0),
        ("mean_with_sample_weight", (0.5 * 1.0 + 0.5 * 3.0) / 4.0),
        (None, [0.5, 1.5]),
        ("none", [0.5, 1.5]),
    ],
)
def test_reductions_with_sample_weight(reduction, expected):
    loss = losses.MeanSquaredError(reduction=reduction)
    _close(loss(Y_TRUE, Y_PRED, sample_weight=[1.0, 3.0]), expected)


def test_mean_with_sample_weight_without_weights_averages():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    _close(loss(Y_TRUE, Y_PRED), 0.5)


def test_zero_weights_give_zero_not_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    _close(loss(Y_TRUE, Y_PRED, sample_weight=[0.0, 0.0]), 0.0)


def test_weight_with_trailing_axis_is_squeezed():
    loss = losses.MeanSquaredError(reduction="sum")
    _close(loss(Y_TRUE, Y_PRED, sample_weight=[[2.0], [0.0]]), 1.0)


def test_mean_absolute_and_percentage_errors():
    y_true = np.array([[2.0, 4.0]], dtype="float32")
    y_pred = np.array([[1.0, 5.0]], dtype="float32")
    _close(losses.mae(y_true, y_pred), [1.0])
    _close(losses.mape(y_true, y_pred), [100.0 * (0.5 + 0.25) / 2])
    expected = (math.log(2 / 3) ** 2 + math.log(6 / 5) ** 2) / 2
    _close(losses.msle(y_true, y_pred), [expected])


def test_huber_switches_at_delta():
    y_pred = np.array([[0.5, 3.0]], dtype="float32")
    y_true = np.zeros_like(y_pred)
    _close(losses.huber(y_true, y_pred), [(0.125 + 2.5) / 2])
    _close(losses.huber(y_true, y_pred, delta=4.0), [(0.125 + 4.5) / 2])


def test_log_cosh_is_stable_for_large_errors():
    value = losses.log_cosh(np.zeros((1, 1)), np.array([[200.0]]))
    _close(value, [200.0 - math.log(2.0)], atol=1e-4)


def test_hinge_converts_binary_labels():
    y_pred = np.array([[0.5, -2.0]], dtype="float32")
    # Labels 1, 0 become 1, -1: margins max(0.5, 0), max(-1, 0).
    _close(losses.hinge([[1.0, 0.0]], y_pred), [0.25])
    _close(losses.squared_hinge([[1.0, 0.0]], y_pred), [0.125])
    _close(losses.categorical_hinge([[0.0, 1.0]], [[0.3, 0.1]]), [1.2])


def test_cosine_similarity():
    _close(losses.cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]]), [-1.0])
    _close(losses.cosine_similarity([[1.0, 0.0]], [[0.0, 0.0]]), [0.0])


def test_binary_crossentropy_probabilities_logits_and_smoothing():
    y_true = np.array([[1.0, 0.0]], dtype="float32")
    probs = np.array([[0.8, 0.4]], dtype="float32")
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    _close(losses.binary_crossentropy(y_true, probs), [expected])
    logits = np.log(probs / (1 - probs))
    _close(
        losses.binary_crossentropy(y_true, logits, from_logits=True),
        [expected],
        atol=1e-5,
    )
    # Smoothing 0.2 makes the targets 0.9 and 0.1.
    smoothed = (
        -(
            0.9 * math.log(0.8)
            + 0.1 * math.log(0.2)
            + 0.1 * math.log(0.4)
            + 0.9 * math.log(0.6)
        )
        / 2
    )
    _close(
        losses.binary_crossentropy(y_true, probs, label_smoothing=0.2),
        [smoothed],
    )


def test_binary_crossentropy_clips_probabilities():
    value = losses.binary_crossentropy([[1.0]], [[0.0]])
    assert np.isfinite(value).all()
    _close(value, [-math.log(1e-7)], atol=1e-3)


def test_categorical_crossentropy_and_smoothing():
    y_true = np.array([[0.0, 1.0, 0.0]], dtype="float32")
    probs = np.array([[0.2, 0.5, 0.3]], dtype="float32")
    _close(losses.categorical_crossentropy(y_true, probs), [-math.log(0.5)])
    logits = np.log(probs)
    _close(
        losses.categorical_crossentropy(y_true, logits, from_logits=True),
        [-math.log(0.5)],
    )
    # Smoothing 0.3 over 3 classes: targets 0.1, 0.8, 0.1.
    expected = -(
        0.1 * math.log(0.2) + 0.8 * math.log(0.5) + 0.1 * math.log(0.3)
    )
    value = losses.categorical_crossentropy(y_true, probs, label_smoothing=0.3)
    _close(value, [expected])


def test_sparse_categorical_crossentropy_and_ignore_class():
    probs = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]], dtype="float32")
    labels = np.array([1, 0, 1])
    expected = [-math.log(0.8), -math.log(0.6), -math.log(0.5)]
    _close(losses.sparse_categorical_crossentropy(labels, probs), expected)
    _close(
        losses.sparse_categorical_crossentropy(labels[:, None], probs), expected
    )
    masked = losses.sparse_categorical_crossentropy(
        labels, probs, ignore_class=0
    )
    _close(masked, [expected[0], 0.0, expected[2]])
    # The class averages over the two entries that count, not all three.
    loss = losses.SparseCategoricalCrossentropy(ignore_class=0)
    _close(loss(labels, probs), (expected[0] + expected[2]) / 2)


def test_sparse_labels_out_of_range_are_finite():
    probs = np.array([[0.2, 0.8]], dtype="float32")
    _close(losses.sparse_categorical_crossentropy([5], probs), [0.0])


def test_kl_divergence_and_poisson():
    y_true = np.array([[0.5, 0.5]], dtype="float32")
    y_pred = np.array([[0.25, 0.75]], dtype="float32")
    expected = 0.5 * math.log(2.0) + 0.5 * math.log(2 / 3)
    _close(losses.kl_divergence(y_true, y_pred), [expected])
    _close(
        losses.poisson([[1.0, 2.0]], [[1.0, 2.0]]),
        [(1.0 + 2.0 - 2.0 * math.log(2.0)) / 2],
        atol=1e-5,
    )


def test_losses_are_jittable():
    loss = losses.SparseCategoricalCrossentropy(
        ignore_class=0, from_logits=True
    )
    labels = jnp.array([1, 0, 2])
    logits = jnp.ones((3, 3))
    weights = jnp.array([1.0, 2.0, 0.5])
    jitted = jax.jit(loss)(labels, logits, weights)
    _close(jitted, loss(labels, logits, weights))
    grad = jax.grad(lambda p: losses.Hinge()(jnp.ones((2, 2)), p))(
        jnp.zeros((2, 2))
    )
    assert grad.shape == (2, 2)


def test_get_config_round_trip():
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    config = loss.get_config()
    assert config == {
        "name": "binary_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": True,
        "label_smoothing": 0.1,
        "axis": -1,
    }
    assert losses.BinaryCrossentropy.from_config(config).get_config() == config
    restored = losses.deserialize(losses.serialize(loss))
    assert restored.get_config() == config


def test_loss_function_wrapper_serializes_its_function():
    loss = losses.LossFunctionWrapper(losses.huber, delta=2.0)
    config = loss.get_config()
    assert config["fn"]["config"] == "huber"
    assert config["delta"] == 2.0
    restored = losses.LossFunctionWrapper.from_config(config)
    assert restored.fn is losses.huber
    _close(restored([[0.0]], [[3.0]]), 2.0 * 3.0 - 2.0)


def test_custom_loss_subclass():
    class Doubled(losses.Loss):
        def call(self, y_true, y_pred):
            return 2.0 * jnp.sum(y_pred - y_true, axis=-1)

    loss = Doubled(reduction="sum")
    assert loss.name == "doubled"
    _close(loss([[0.0, 0.0]], [[1.0, 2.0]]), 6.0)


def test_get():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("categorical_crossentropy") is (
        losses.categorical_crossentropy
    )
    assert isinstance(losses.get("Huber"), losses.Huber)
    assert losses.get(None) is None
    assert losses.get(losses.hinge) is losses.hinge
    config = {"class_name": "Huber", "config": {"reduction": "sum"}}
    assert losses.get(config).reduction == "sum"


def test_get_unknown_name_suggests_closest():
    with pytest.raises(ValueError, match="Did you mean 'mse'"):
        losses.get("msee")
    with pytest.raises(ValueError, match="MeanSquaredError"):
        losses.get("MeanSquaredErorr")


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
