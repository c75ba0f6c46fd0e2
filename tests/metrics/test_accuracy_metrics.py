import jax
import numpy as np
import pytest

from ember import metrics


def test_accuracy_over_batches_with_weights():
    m = metrics.Accuracy()
    assert m.name == "accuracy"
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    m.update_state([1, 2], [1, 0], sample_weight=[3.0, 1.0])
    assert float(m.result()) == pytest.approx(6.0 / 8.0)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_binary_accuracy_threshold():
    m = metrics.BinaryAccuracy(threshold=0.7)
    assert m.get_config() == {
        "name": "binary_accuracy",
        "dtype": "float32",
        "threshold": 0.7,
    }
    m.update_state([[1], [1], [0], [0]], [[0.98], [0.6], [0.0], [0.8]])
    assert float(m.result()) == 0.5
    m.update_state([1, 0], [0.9, 0.1], sample_weight=[2.0, 0.0])
    assert float(m.result()) == pytest.approx(4.0 / 6.0)


def test_categorical_accuracy():
    m = metrics.CategoricalAccuracy()
    y_true = [[0, 0, 1], [0, 1, 0]]
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    m.update_state(y_true, y_pred)
    m.update_state(y_true, y_pred, sample_weight=[0.7, 0.3])
    assert float(m.result()) == pytest.approx(1.3 / 3.0)


@pytest.mark.parametrize("y_true", [[2, 1], [[2], [1]]])
def test_sparse_categorical_accuracy_label_shapes(y_true):
    m = metrics.SparseCategoricalAccuracy()
    y_pred = [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]]
    m.update_state(y_true, y_pred)
    m.update_state(y_true, y_pred, sample_weight=[0.7, 0.3])
    assert float(m.result()) == pytest.approx(1.3 / 3.0)
    values = metrics.sparse_categorical_accuracy(y_true, y_pred)
    assert values.shape == (2,)


def test_sparse_categorical_accuracy_sequences():
    y_true = np.array([[1, 2], [0, 0]])
    y_pred = np.eye(3, dtype="float32")[[[1, 0], [0, 0]]]
    values = metrics.sparse_categorical_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(values, [[1.0, 0.0], [1.0, 1.0]])


def test_top_k_accuracies():
    y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]], "float32")
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    assert float(m.result()) == 0.5
    m = metrics.TopKCategoricalAccuracy(k=2)
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    assert float(m.result()) == 1.0
    s = metrics.SparseTopKCategoricalAccuracy(k=1)
    s.update_state([2, 1], y_pred, sample_weight=[3.0, 1.0])
    assert float(s.result()) == 0.25
    assert s.get_config() == {
        "name": "sparse_top_k_categorical_accuracy",
        "dtype": "float32",
        "k": 1,
    }
    ids = metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    ids.update_state([2, 1], [[1, 2, 0], [1, 0, 2]])
    assert float(ids.result()) == 0.5
    assert ids.get_config()["from_sorted_ids"] is True


@pytest.mark.parametrize(
    "cls",
    [metrics.CategoricalAccuracy, metrics.TopKCategoricalAccuracy],
)
def test_stateless_under_jit_equals_stateful(cls):
    rng = np.random.default_rng(0)
    m = cls()
    values = [v.value for v in m.variables]
    update = jax.jit(m.stateless_update_state)
    for _ in range(3):
        y_true = np.eye(6, dtype="float32")[rng.integers(0, 6, 8)]
        y_pred = rng.random((8, 6)).astype("float32")
        weight = rng.random(8).astype("float32")
        values = update(values, y_true, y_pred, sample_weight=weight)
        m.update_state(y_true, y_pred, sample_weight=weight)
    result = jax.jit(m.stateless_result)(values)
    np.testing.assert_allclose(result, m.result(), atol=1e-6)
