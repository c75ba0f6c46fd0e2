import jax
import numpy as np
import pytest

from ember import metrics

LOG2 = float(np.log(2.0))


def test_kl_divergence_and_poisson():
    m = metrics.KLDivergence()
    m.update_state([[0.5, 0.5]], [[0.25, 0.75]])
    expected = 0.5 * np.log(2.0) + 0.5 * np.log(2.0 / 3.0)
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    m = metrics.Poisson()
    m.update_state([[0.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [1.0, 1.0]])
    # [1, 1 - log 1] -> 1 and [1, 1] -> 1 (log(1 + eps) ~ 0)
    assert float(m.result()) == pytest.approx(1.0, rel=1e-5)


def test_binary_crossentropy_options():
    m = metrics.BinaryCrossentropy()
    m.update_state([[1.0], [0.0]], [[0.8], [0.5]])
    assert float(m.result()) == pytest.approx(
        (-np.log(0.8) + LOG2) / 2.0, rel=1e-5
    )
    m = metrics.BinaryCrossentropy(label_smoothing=0.5)  # target 0.75
    m.update_state([[1.0]], [[0.8]])
    expected = -(0.75 * np.log(0.8) + 0.25 * np.log(0.2))
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    m = metrics.BinaryCrossentropy(from_logits=True)
    m.update_state([[1.0], [1.0]], [[0.0], [0.0]], sample_weight=[1.0, 0.0])
    assert float(m.result()) == pytest.approx(LOG2, rel=1e-5)


def test_categorical_crossentropy_options():
    y_true, y_pred = [[0.0, 1.0]], [[0.2, 0.8]]
    m = metrics.CategoricalCrossentropy()
    m.update_state(y_true, y_pred)
    assert float(m.result()) == pytest.approx(-np.log(0.8), rel=1e-5)
    m = metrics.CategoricalCrossentropy(label_smoothing=0.2)  # [0.1, 0.9]
    m.update_state(y_true, y_pred)
    expected = -(0.1 * np.log(0.2) + 0.9 * np.log(0.8))
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    m = metrics.CategoricalCrossentropy(from_logits=True, axis=0)
    m.update_state([[0.0, 1.0], [1.0, 0.0]], np.zeros((2, 2)))
    assert float(m.result()) == pytest.approx(LOG2, rel=1e-5)


def test_sparse_categorical_crossentropy_ignore_class():
    y_pred = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]], "float32")
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state([1, 0, 0], y_pred)
    expected = (-np.log(0.8) + LOG2 - np.log(0.9)) / 3.0
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    m = metrics.SparseCategoricalCrossentropy(ignore_class=0)
    m.update_state([1, 0, 0], y_pred)  # only the first entry counts
    assert float(m.count.value) == 1.0
    assert float(m.result()) == pytest.approx(-np.log(0.8), rel=1e-5)
    m.update_state([[1], [1], [0]], y_pred, sample_weight=[0.0, 2.0, 5.0])
    assert float(m.result()) == pytest.approx(
        (-np.log(0.8) + 2.0 * LOG2) / 3.0, rel=1e-5
    )
    # Per-timestep labels with per-sample weights.
    m = metrics.SparseCategoricalCrossentropy(ignore_class=0)
    labels = np.array([[1, 0], [1, 1]])
    scores = np.broadcast_to(y_pred[:1], (2, 2, 2))
    update = jax.jit(m.stateless_update_state)
    values = update(m.stateless_reset_state(), labels, scores, np.ones(2))
    assert float(m.stateless_result(values)) == pytest.approx(-np.log(0.8))


@pytest.mark.parametrize(
    "cls, name, config",
    [
        (metrics.KLDivergence, "kl_divergence", {}),
        (metrics.Poisson, "poisson", {}),
        (
            metrics.BinaryCrossentropy,
            "binary_crossentropy",
            {"from_logits": True, "label_smoothing": 0.1},
        ),
        (
            metrics.CategoricalCrossentropy,
            "categorical_crossentropy",
            {"from_logits": False, "label_smoothing": 0.2, "axis": 1},
        ),
        (
            metrics.SparseCategoricalCrossentropy,
            "sparse_categorical_crossentropy",
            {"from_logits": True, "ignore_class": 3, "axis": -1},
        ),
    ],
)
def test_config_round_trip_and_lookup(cls, name, config):
    m = cls(name="p", **config)
    assert m.get_config() == {"name": "p", "dtype": "float32", **config}
    clone = metrics.deserialize(metrics.serialize(m))
    assert type(clone) is cls
    assert clone.get_config() == m.get_config()
    assert type(metrics.get(name)) is cls
    assert metrics.get_function(name) is getattr(metrics, name)


def test_short_names():
    assert type(metrics.get("bce")) is metrics.BinaryCrossentropy
    assert type(metrics.get("BCE")) is metrics.BinaryCrossentropy
    assert type(metrics.get("KLDivergence")) is metrics.KLDivergence
    with pytest.raises(ValueError, match="Unknown metric: 'kld'"):
        metrics.get("kld")  # Keras' metric lookup has no "kld" either
