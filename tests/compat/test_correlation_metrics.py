import keras
import numpy as np
import pytest

from ember import metrics

N, D = 6, 4


def _batches(seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        y_true = rng.normal(size=(N, D)).astype("float32")
        y_pred = (y_true + rng.normal(size=(N, D))).astype("float32")
        out.append((y_true, y_pred, rng.random(N).astype("float32")))
    return out


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize(
    "name", ["PearsonCorrelation", "ConcordanceCorrelation"]
)
def test_results_equal_keras(name, axis, weighted):
    ours = getattr(metrics, name)(axis=axis)
    theirs = getattr(keras.metrics, name)(axis=axis)
    for y_true, y_pred, weight in _batches():
        # Along axis 0 there is one value per feature: weights per feature.
        weight = weight[:D] if axis == 0 else weight
        extra = {"sample_weight": weight} if weighted else {}
        ours.update_state(y_true, y_pred, **extra)
        theirs.update_state(y_true, y_pred, **extra)
        np.testing.assert_allclose(
            ours.result(),
            keras.ops.convert_to_numpy(theirs.result()),
            rtol=1e-5,
            atol=1e-6,
        )


@pytest.mark.parametrize(
    "name", ["pearson_correlation", "concordance_correlation"]
)
def test_functions_equal_keras(name):
    (y_true, y_pred, _), *_ = _batches(1)
    for axis in (-1, 0):
        np.testing.assert_allclose(
            getattr(metrics, name)(y_true, y_pred, axis=axis),
            getattr(keras.metrics, name)(y_true, y_pred, axis=axis),
            rtol=1e-5,
            atol=1e-6,
        )


@pytest.mark.parametrize(
    "name", ["PearsonCorrelation", "ConcordanceCorrelation"]
)
def test_config_variables_and_lookup_equal_keras(name):
    ours = getattr(metrics, name)(axis=0, name="c")
    theirs = getattr(keras.metrics, name)(axis=0, name="c")
    assert ours.get_config() == theirs.get_config()
    assert [v.path for v in ours.variables] == [
        v.path for v in theirs.variables
    ]
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)
    snake = keras.src.utils.naming.to_snake_case(name)
    assert type(metrics.get(snake)).__name__ == name
    assert type(keras.metrics.get(snake)).__name__ == name
