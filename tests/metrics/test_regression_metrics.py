import jax
import numpy as np
import pytest

from ember import metrics


def test_mean_squared_and_absolute_error():
    y_true = [[0.0, 1.0], [0.0, 0.0]]
    y_pred = [[1.0, 1.0], [0.0, 2.0]]
    mse = metrics.MeanSquaredError()
    mae = metrics.MeanAbsoluteError()
    assert (mse.name, mae.name) == ("mean_squared_error", "mean_absolute_error")
    mse.update_state(y_true, y_pred)  # per sample [0.5, 2.0]
    mae.update_state(y_true, y_pred)  # per sample [0.5, 1.0]
    mse.update_state(y_true, y_pred, sample_weight=[1.0, 3.0])
    mae.update_state(y_true, y_pred, sample_weight=[1.0, 3.0])
    assert float(mse.result()) == pytest.approx((2.5 + 6.5) / 6.0)
    assert float(mae.result()) == pytest.approx((1.5 + 3.5) / 6.0)


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    m.update_state([2.0, 4.0, 6.0], [1.0, 3.0, 2.0])  # squared [1, 1, 16]
    assert float(m.result()) == pytest.approx(np.sqrt(18.0 / 3.0))
    m.update_state([[0.0], [0.0]], [[3.0], [1.0]], sample_weight=[1.0, 0.0])
    assert float(m.result()) == pytest.approx(np.sqrt(27.0 / 4.0))
    m.reset_state()
    assert float(m.result()) == 0.0


def test_root_mean_squared_error_stateless_under_jit():
    m = metrics.RootMeanSquaredError()
    update = jax.jit(m.stateless_update_state)
    values = m.stateless_reset_state()
    rng = np.random.default_rng(1)
    for _ in range(3):
        y_true, y_pred = rng.random((2, 5, 3)).astype("float32")
        values = update(values, y_true, y_pred)
        m.update_state(y_true, y_pred)
    np.testing.assert_allclose(
        m.stateless_result(values), m.result(), atol=1e-6
    )
