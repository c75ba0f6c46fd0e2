import warnings

import jax
import numpy as np
import pytest

from ember import metrics

# Column 0: mean 8/3, total 14/3, residual 2 -> 4/7.
# Column 1: mean 2, total 8, residual 2 -> 3/4.
Y_TRUE = np.array([[1.0, 0.0], [4.0, 2.0], [3.0, 4.0]], "float32")
Y_PRED = np.array([[2.0, 1.0], [4.0, 2.0], [4.0, 3.0]], "float32")


def test_single_output_streamed_over_batches():
    m = metrics.R2Score()
    assert m.name == "r2_score"
    m.update_state(Y_TRUE[:1, :1], Y_PRED[:1, :1])
    m.update_state(Y_TRUE[1:, :1], Y_PRED[1:, :1])
    assert float(m.result()) == pytest.approx(4.0 / 7.0, rel=1e-6)
    m.reset_state()
    m.update_state(Y_TRUE[:, 0], Y_PRED[:, :1])  # rank-1 targets align
    assert float(m.result()) == pytest.approx(4.0 / 7.0, rel=1e-6)


@pytest.mark.parametrize(
    "aggregation, expected",
    [
        (None, [4.0 / 7.0, 0.75]),
        ("uniform_average", (4.0 / 7.0 + 0.75) / 2.0),
        # (14/3 * 4/7 + 8 * 3/4) / (14/3 + 8)
        ("variance_weighted_average", 13.0 / 19.0),
    ],
)
def test_class_aggregation(aggregation, expected):
    m = metrics.R2Score(class_aggregation=aggregation)
    m.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(m.result(), expected, rtol=1e-6)


def test_sample_weight_zero_leaves_rows_out():
    m = metrics.R2Score(num_regressors=1)
    # Rows 0 and 1 of column 0: mean 2.5, total 4.5, residual 1.
    m.update_state(Y_TRUE[:, :1], Y_PRED[:, :1], sample_weight=[1, 1, 0])
    m.update_state(Y_TRUE[:, :1] * 50, Y_PRED[:, :1], sample_weight=[0, 0, 0])
    r2 = 1.0 - 1.0 / 4.5
    assert int(m.num_samples.value) == 2
    with pytest.warns(UserWarning, match="Division by zero"):
        result = float(m.result())  # n - 1 == p: the plain score
    assert result == pytest.approx(r2, rel=1e-6)
    m.update_state(Y_TRUE[:, :1], Y_PRED[:, :1], sample_weight=[2, 2, 0])
    assert float(m.result()) == pytest.approx(
        1.0 - (1.0 - r2) * (4 - 1) / (4 - 1 - 1), rel=1e-6
    )


def test_adjusted_score_counts_every_target_value():
    m = metrics.R2Score(num_regressors=1)
    m.update_state(Y_TRUE[:, :1], Y_PRED[:, :1])
    # n = 3, p = 1: 1 - (3/7) * 2 / 1
    assert float(m.result()) == pytest.approx(1.0 / 7.0, rel=1e-5)
    m = metrics.R2Score(num_regressors=2)
    m.update_state(Y_TRUE, Y_PRED)  # n = 6 values, as Keras counts
    plain = (4.0 / 7.0 + 0.75) / 2.0
    expected = 1.0 - (1.0 - plain) * 5.0 / 3.0
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    m = metrics.R2Score(num_regressors=5)
    m.update_state(Y_TRUE[:, :1], Y_PRED[:, :1])
    with pytest.warns(UserWarning, match="More independent predictors"):
        assert float(m.result()) == pytest.approx(4.0 / 7.0, rel=1e-6)


def test_stateless_under_jit_equals_eager():
    m = metrics.R2Score(num_regressors=5)  # n - 1 == p: the plain score
    m._build_from_shapes(Y_TRUE.shape, Y_PRED.shape)
    names = [v.name for v in m.variables]
    assert names == ["num_samples", "squared_sum", "sum", "residual", "count"]
    values = m.stateless_reset_state()
    update = jax.jit(m.stateless_update_state)
    values = update(values, Y_TRUE, Y_PRED, np.ones(3, "float32"))
    values = update(values, Y_TRUE, Y_PRED, np.zeros(3, "float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # traced: no warning, same fallback
        traced = jax.jit(m.stateless_result)(values)
    assert float(traced) == pytest.approx((4.0 / 7.0 + 0.75) / 2.0, rel=1e-6)
    assert float(m.num_samples.value) == 0.0  # the variables are untouched


def test_result_before_update_is_nan():
    assert np.isnan(float(metrics.R2Score().result()))


def test_invalid_arguments_and_shapes():
    with pytest.raises(ValueError, match="R2Score 'r2_score'.*class_aggre"):
        metrics.R2Score(class_aggregation="mean")
    with pytest.raises(ValueError, match="num_regressors=-1"):
        metrics.R2Score(num_regressors=-1)
    m = metrics.R2Score()
    with pytest.raises(ValueError, match=r"2D inputs.*\(2, 3, 4\)"):
        m.update_state(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)))
    assert m.variables == [m.num_samples]


def test_config_round_trip_and_lookup():
    m = metrics.R2Score("variance_weighted_average", 2, name="r2")
    config = m.get_config()
    assert config == {
        "name": "r2",
        "dtype": "float32",
        "class_aggregation": "variance_weighted_average",
        "num_regressors": 2,
    }
    assert metrics.R2Score.from_config(config).get_config() == config
    clone = metrics.deserialize(metrics.serialize(m))
    assert type(clone) is metrics.R2Score
    assert clone.get_config() == config
    assert type(metrics.get("r2_score")) is metrics.R2Score
