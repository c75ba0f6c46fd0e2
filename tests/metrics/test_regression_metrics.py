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


def test_mean_absolute_percentage_error():
    m = metrics.MeanAbsolutePercentageError()
    assert m.name == "mean_absolute_percentage_error"
    # per sample 100 * mean([0.5, 0.5]) and 100 * mean([0.25, 0.0])
    y_true, y_pred = [[1.0, 2.0], [4.0, 5.0]], [[1.5, 1.0], [3.0, 5.0]]
    m.update_state(y_true, y_pred)
    assert float(m.result()) == pytest.approx((50.0 + 12.5) / 2.0)
    m.update_state(y_true, y_pred, sample_weight=[0.0, 2.0])
    assert float(m.result()) == pytest.approx((50.0 + 12.5 + 25.0) / 4.0)


def test_mean_squared_logarithmic_error():
    m = metrics.MeanSquaredLogarithmicError()
    m.update_state([[0.0, 0.0], [1.0, 3.0]], [[1.0, 0.0], [1.0, 1.0]])
    # per sample mean([log(2)^2, 0]) and mean([0, (log 4 - log 2)^2])
    expected = (np.log(2.0) ** 2 / 2.0 + np.log(2.0) ** 2 / 2.0) / 2.0
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)


def test_cosine_similarity_axis_and_weights():
    y_true, y_pred = [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]
    m = metrics.CosineSimilarity(axis=1)
    m.update_state(y_true, y_pred)  # per sample [0, 1]
    assert float(m.result()) == pytest.approx(0.5, rel=1e-5)
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=[0.3, 0.7])
    assert float(m.result()) == pytest.approx(0.7, rel=1e-5)
    m = metrics.CosineSimilarity(axis=0)  # per column [1, 1] / sqrt(2)
    m.update_state(y_true, y_pred)
    assert float(m.result()) == pytest.approx(np.sqrt(0.5), rel=1e-5)
    m = metrics.CosineSimilarity()
    m.update_state([[0.0, 0.0]], [[1.0, 2.0]])  # a zero vector gives 0
    assert float(m.result()) == 0.0


def test_log_cosh_error():
    m = metrics.LogCoshError()
    assert m.name == "logcosh"
    m.update_state([[0.0, 0.0], [1.0, 1.0]], [[1.0, -1.0], [1.0, 1.0]])
    expected = np.log(np.cosh(1.0)) / 2.0
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("mape", metrics.MeanAbsolutePercentageError),
        ("MAPE", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
        ("MSLE", metrics.MeanSquaredLogarithmicError),
        ("cosine_similarity", metrics.CosineSimilarity),
        ("log_cosh_error", metrics.LogCoshError),
        ("LogCoshError", metrics.LogCoshError),
    ],
)
def test_string_identifiers(identifier, cls):
    assert type(metrics.get(identifier)) is cls


def test_function_forms_are_the_loss_functions():
    from ember import losses

    assert metrics.log_cosh is losses.log_cosh
    assert metrics.get_function("mean_absolute_percentage_error") is (
        losses.mean_absolute_percentage_error
    )
    # A wrapper over an exported function reads back through its name.
    m = metrics.MeanMetricWrapper(metrics.log_cosh, name="lc")
    clone = metrics.MeanMetricWrapper.from_config(m.get_config())
    clone.update_state([[0.0]], [[1.0]])
    assert float(clone.result()) == pytest.approx(np.log(np.cosh(1.0)))
