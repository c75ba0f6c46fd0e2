import keras
import numpy as np
import pytest
from sklearn.metrics import r2_score

from ember import metrics

N, D = 6, 3


def _batches(kind, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        if kind == "positive":
            y_true = rng.random((N, D)).astype("float32") * 3.0
            y_pred = rng.random((N, D)).astype("float32") * 3.0
        else:
            y_true = rng.normal(size=(N, D)).astype("float32")
            y_pred = (y_true + rng.normal(size=(N, D))).astype("float32")
        weight = rng.integers(0, 4, N).astype("float32")
        out.append((y_true, y_pred, weight))
    return out


def _stream(metric, batches, weighted):
    results = []
    for y_true, y_pred, weight in batches:
        extra = {"sample_weight": weight} if weighted else {}
        metric.update_state(y_true, y_pred, **extra)
        results.append(keras.ops.convert_to_numpy(metric.result()))
    return results


CASES = [
    ("MeanAbsolutePercentageError", {}, "positive"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "normal"),
    ("LogCoshError", {}, "normal"),
    ("R2Score", {}, "normal"),
    ("R2Score", {"class_aggregation": None}, "normal"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "normal"),
    ("R2Score", {"num_regressors": 2}, "normal"),
]


# Keras counts zero-weight rows in the adjusted R2 score; ember does not
# (they may be padding), so that case is compared with non-zero weights.
STREAMED = [(*case, False) for case in CASES] + [
    (*case, True) for case in CASES if not case[1].get("num_regressors")
]


@pytest.mark.parametrize("name, kwargs, kind, weighted", STREAMED)
def test_results_equal_keras(name, kwargs, kind, weighted):
    ours = _stream(getattr(metrics, name)(**kwargs), _batches(kind), weighted)
    theirs = _stream(
        getattr(keras.metrics, name)(**kwargs), _batches(kind), weighted
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_cosine_similarity_along_the_batch_axis_equals_keras():
    (y_true, y_pred, _), *_ = _batches("normal")
    ours = metrics.CosineSimilarity(axis=0)
    theirs = keras.metrics.CosineSimilarity(axis=0)
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    np.testing.assert_allclose(ours.result(), theirs.result(), rtol=1e-6)


def test_adjusted_r2_with_weights_equals_keras_when_no_weight_is_zero():
    batches = [(t, p, w + 1.0) for t, p, w in _batches("normal")]
    ours = _stream(metrics.R2Score(num_regressors=2), batches, True)
    theirs = _stream(keras.metrics.R2Score(num_regressors=2), batches, True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


@pytest.mark.parametrize(
    "aggregation, multioutput",
    [
        (None, "raw_values"),
        ("uniform_average", "uniform_average"),
        ("variance_weighted_average", "variance_weighted"),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score_equals_scikit_learn(aggregation, multioutput, weighted):
    batches = _batches("normal", seed=3)
    m = metrics.R2Score(class_aggregation=aggregation)
    _stream(m, batches, weighted)
    y_true = np.concatenate([b[0] for b in batches])
    y_pred = np.concatenate([b[1] for b in batches])
    weight = np.concatenate([b[2] for b in batches]) if weighted else None
    expected = r2_score(
        y_true, y_pred, sample_weight=weight, multioutput=multioutput
    )
    np.testing.assert_allclose(m.result(), expected, rtol=1e-5)


@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_config_variables_and_serialization_equal_keras(name, kwargs, kind):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    y = np.zeros((2, D), "float32")
    ours.update_state(y, y)  # R2Score makes its variables here
    theirs.update_state(y, y)
    assert ours.get_config() == theirs.get_config()
    assert [(v.path, v.dtype, v.shape) for v in ours.variables] == [
        (v.path, v.dtype, tuple(v.shape)) for v in theirs.variables
    ]
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)
    clone = metrics.deserialize(keras.metrics.serialize(theirs))
    assert clone.get_config() == theirs.get_config()


@pytest.mark.parametrize(
    "identifier",
    [
        "mape",
        "MAPE",
        "msle",
        "MSLE",
        "cosine_similarity",
        "log_cosh_error",
        "LogCoshError",
        "r2_score",
        "R2Score",
    ],
)
def test_get_resolves_like_keras(identifier):
    ours, theirs = metrics.get(identifier), keras.metrics.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == theirs.name
