import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import metrics


def test_sum_over_batches_with_weights_and_reset():
    m = metrics.Sum()
    m.update_state([1.0, 3.0, 5.0, 7.0])
    m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 0, 0, 1])
    assert float(m.result()) == 24.0
    m.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[0.5, 1.0])
    assert float(m.result()) == 24.0 + 1.5 + 7.0
    m.reset_state()
    assert float(m.result()) == 0.0


def test_mean_over_batches_with_weights():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0])  # total 16, count 4
    m.update_state([2.0, 4.0], sample_weight=[3.0, 1.0])  # total 10, count 4
    assert float(m.result()) == pytest.approx(26.0 / 8.0)
    # Rank-2 values with rank-1 weights: averaged per sample first.
    m.update_state([[1.0, 3.0], [5.0, 7.0]], sample_weight=[1.0, 0.0])
    assert float(m.result()) == pytest.approx(28.0 / 9.0)
    np.testing.assert_allclose([v.numpy() for v in m.variables], [28.0, 9.0])


def test_mean_of_nothing_is_zero_and_scalars_count_once():
    m = metrics.Mean()
    assert float(m.result()) == 0.0
    m.update_state(4.0)
    m.update_state(2.0)
    assert float(m.result()) == 3.0


def test_mean_elementwise_weights_and_trailing_axis():
    m = metrics.Mean()
    m.update_state(
        [[1.0, 2.0], [3.0, 4.0]], sample_weight=[[1.0, 0.0], [1.0, 1.0]]
    )
    # values*w = [[1, 0], [3, 4]] -> per-sample means [0.5, 3.5]; weights per
    # sample (mean over axis 1) [0.5, 1.0].
    assert float(m.result()) == pytest.approx(4.0 / 1.5)
    m2 = metrics.Mean()
    m2.update_state([1.0, 2.0], sample_weight=[[1.0], [3.0]])
    assert float(m2.result()) == pytest.approx(7.0 / 4.0)


def test_mean_stateless_under_jit_equals_stateful():
    m = metrics.Mean()
    batches = [
        (np.arange(4.0, dtype="float32"), np.array([1, 2, 0, 1], "float32")),
        (np.ones(4, "float32") * 3, np.array([1, 1, 1, 1], "float32")),
    ]
    update = jax.jit(m.stateless_update_state)
    values = m.stateless_reset_state()
    for x, w in batches:
        values = update(values, x, sample_weight=w)
        m.update_state(x, sample_weight=w)
    assert float(m.stateless_result(values)) == pytest.approx(float(m.result()))


def test_mean_metric_wrapper_with_kwargs_and_weights():
    def scaled_error(y_true, y_pred, scale=1.0):
        return scale * jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))

    m = metrics.MeanMetricWrapper(scaled_error, name="scaled", scale=2.0)
    m.update_state([0.0, 1.0, 2.0], [1.0, 1.0, 1.0])  # [2, 0, 2]
    m.update_state([0.0], [3.0], sample_weight=[2.0])  # 6 with weight 2
    assert float(m.result()) == pytest.approx((4.0 + 12.0) / 5.0)
    config = m.get_config()
    assert config == {
        "name": "scaled",
        "dtype": "float32",
        "fn": {
            "module": "builtins",
            "class_name": "function",
            "config": "scaled_error",
            "registered_name": "function",
        },
        "scale": 2.0,
    }


def test_mean_metric_wrapper_from_config_resolves_function_names():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="w")
    clone = metrics.MeanMetricWrapper.from_config(m.get_config())
    assert clone._fn is metrics.mean_squared_error
    clone = metrics.MeanMetricWrapper.from_config({"fn": "mae", "name": "w"})
    assert clone._fn is metrics.mean_absolute_error
    with pytest.raises(ValueError, match="Did you mean 'accuracy'"):
        metrics.MeanMetricWrapper.from_config({"fn": "acuracy"})
