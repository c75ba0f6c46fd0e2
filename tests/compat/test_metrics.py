import keras
import numpy as np
import pytest

from ember import metrics

RNG = np.random.default_rng(0)
N, C = 6, 5


def _onehot(labels):
    return np.eye(C, dtype="float32")[labels]


def _batches(kind):
    out = []
    for _ in range(3):
        labels = RNG.integers(0, C, N)
        scores = RNG.random((N, C)).astype("float32")
        weight = RNG.random(N).astype("float32")
        if kind == "values":
            out.append(((RNG.normal(size=(N, 3)).astype("float32"),), weight))
        elif kind == "exact":
            guess = np.where(RNG.random(N) < 0.5, labels, (labels + 1) % C)
            out.append(((labels[:, None], guess[:, None]), weight))
        elif kind == "binary":
            y_true = RNG.integers(0, 2, (N, 1)).astype("float32")
            out.append(((y_true, RNG.random((N, 1)).astype("float32")), weight))
        elif kind == "onehot":
            out.append(((_onehot(labels), scores), weight))
        elif kind == "sparse":
            out.append(((labels, scores), weight))
        elif kind == "sparse_column":
            out.append(((labels[:, None], scores), weight))
        elif kind == "regression":
            y_true = RNG.normal(size=(N, 3)).astype("float32")
            out.append(
                ((y_true, RNG.normal(size=(N, 3)).astype("float32")), weight)
            )
    return out


CASES = [
    ("Sum", {}, "values"),
    ("Mean", {}, "values"),
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_column"),
    ("TopKCategoricalAccuracy", {}, "onehot"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_column"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_results_equal_keras(name, kwargs, kind, weighted):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    for args, weight in _batches(kind):
        extra = {"sample_weight": weight} if weighted else {}
        ours.update_state(*args, **extra)
        theirs.update_state(*args, **extra)
        np.testing.assert_allclose(
            np.asarray(ours.result()),
            keras.ops.convert_to_numpy(theirs.result()),
            atol=1e-6,
        )


@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_config_and_variables_equal_keras(name, kwargs, kind):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert [v.path for v in ours.variables] == [
        v.path for v in theirs.variables
    ]
    assert [v.name for v in ours.variables] == [
        v.name for v in theirs.variables
    ]
    assert [v.dtype for v in ours.variables] == [
        v.dtype for v in theirs.variables
    ]
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)


def test_mean_metric_wrapper_config_equals_keras():
    ours = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="w")
    theirs = keras.metrics.MeanMetricWrapper(
        keras.metrics.mean_squared_error, name="w"
    )
    assert ours.get_config() == theirs.get_config()
    clone = metrics.MeanMetricWrapper.from_config(theirs.get_config())
    assert clone._fn is metrics.mean_squared_error


@pytest.mark.parametrize(
    "identifier",
    [
        "accuracy",
        "mse",
        "MAE",
        "categorical_accuracy",
        "SparseCategoricalAccuracy",
    ],
)
def test_get_resolves_like_keras(identifier):
    ours = metrics.get(identifier)
    theirs = keras.metrics.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == theirs.name
