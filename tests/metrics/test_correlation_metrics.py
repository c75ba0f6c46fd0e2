import jax
import numpy as np
import pytest

from ember import metrics

EPS = 1e-7


def test_pearson_correlation_function():
    y_true = [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    y_pred = [[1.0, 3.0, 5.0], [2.0, 1.0, 0.0]]
    np.testing.assert_allclose(
        metrics.pearson_correlation(y_true, y_pred), [1.0, -1.0], rtol=1e-6
    )
    # Along the batch axis: columns [0, 0] vs [1, 2] are constant -> nan.
    by_column = metrics.pearson_correlation(y_true, y_pred, axis=0)
    assert np.isnan(np.asarray(by_column)).all()


def test_concordance_correlation_function():
    # means 1 and 2, variances 1 and 1, covariance 1: 2 / (1 + 1 + 1).
    value = metrics.concordance_correlation([[0.0, 2.0]], [[1.0, 3.0]])
    np.testing.assert_allclose(value, [2.0 / (3.0 + EPS)], rtol=1e-6)
    same = metrics.concordance_correlation([[1.0, 2.0, 4.0]], [[1.0, 2.0, 4.0]])
    np.testing.assert_allclose(same, [1.0], rtol=1e-6)


def test_pearson_metric_weighted_over_batches():
    m = metrics.PearsonCorrelation()
    assert m.name == "pearson_correlation"
    m.update_state([[0.0, 1.0, 2.0]], [[1.0, 3.0, 5.0]])  # 1
    m.update_state([[0.0, 1.0, 2.0]], [[2.0, 1.0, 0.0]], sample_weight=[3.0])
    assert float(m.result()) == pytest.approx((1.0 - 3.0) / 4.0, rel=1e-6)


def test_concordance_metric():
    m = metrics.ConcordanceCorrelation()
    m.update_state([[0.0, 2.0], [1.0, 2.0]], [[1.0, 3.0], [1.0, 2.0]])
    expected = (2.0 / (3.0 + EPS) + 0.5 / (0.5 + EPS)) / 2.0
    assert float(m.result()) == pytest.approx(expected, rel=1e-6)


def test_zero_weight_rows_never_make_nan():
    # A constant row (such as a padding row) has a nan coefficient.
    y_true = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]], "float32")
    y_pred = np.array([[1.0, 3.0, 5.0], [0.0, 0.0, 0.0]], "float32")
    # Concordance of the first row: 2 * (4/3) / (2/3 + 8/3 + 4) = 4 / 11.
    for cls, expected in [
        (metrics.PearsonCorrelation, 1.0),
        (metrics.ConcordanceCorrelation, 4.0 / 11.0),
    ]:
        m = cls()
        m.update_state(y_true, y_pred, sample_weight=[1.0, 0.0])
        assert float(m.result()) == pytest.approx(expected, rel=1e-6)
        values = jax.jit(m.stateless_update_state)(
            m.stateless_reset_state(), y_true, y_pred, np.array([1.0, 0.0])
        )
        assert float(m.stateless_result(values)) == pytest.approx(expected)
    m = metrics.PearsonCorrelation()
    m.update_state(y_true, y_pred)
    assert np.isnan(float(m.result()))


def test_config_and_lookup():
    for cls, name in [
        (metrics.PearsonCorrelation, "pearson_correlation"),
        (metrics.ConcordanceCorrelation, "concordance_correlation"),
    ]:
        m = cls(axis=0, name="c")
        config = {"name": "c", "dtype": "float32", "axis": 0}
        assert m.get_config() == config
        clone = metrics.deserialize(metrics.serialize(m))
        assert type(clone) is cls and clone.axis == 0
        assert type(metrics.get(name)) is cls
        assert metrics.get_function(name) is getattr(metrics, name)
