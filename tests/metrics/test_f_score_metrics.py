import jax
import numpy as np
import pytest

from ember import metrics

Y = np.eye(3)[[0, 0, 1, 2]]
P = np.array(
    [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
)
# Row maxima predict classes 0, 1, 1, 2: class 0 has tp=1, fn=1; class 1
# tp=1, fp=1; class 2 tp=1. F1 per class: 2/3, 2/3, 1.


@pytest.mark.parametrize(
    ("average", "expected"),
    [
        (None, [2 / 3, 2 / 3, 1.0]),
        ("macro", 7 / 9),
        ("weighted", (2 * 2 / 3 + 2 / 3 + 1.0) / 4),
        ("micro", 0.75),
    ],
)
def test_f1_averages(average, expected):
    m = metrics.F1Score(average=average)
    m.update_state(Y, P)
    np.testing.assert_allclose(m.result(), expected, atol=1e-5)


def test_fbeta_favours_recall():
    m = metrics.FBetaScore(beta=2.0)
    m.update_state(Y, P)
    # (1 + 4) P R / (4 P + R): class 0 (P=1, R=1/2), class 1 (P=1/2, R=1).
    np.testing.assert_allclose(m.result(), [2.5 / 4.5, 2.5 / 3, 1], atol=1e-5)


def test_threshold():
    m = metrics.F1Score(threshold=0.25)
    m.update_state(Y, P)
    # Positives above 0.25: (0, 0), (1, 1), (1, 2), (2, 1), (3, 0..2).
    # Class 0: tp=1, fp=1, fn=1; class 1: tp=1, fp=2; class 2: tp=1, fp=1.
    np.testing.assert_allclose(m.result(), [0.5, 0.5, 2 / 3], atol=1e-5)


def test_sample_weight_and_streaming():
    m = metrics.F1Score(average="macro")
    m.update_state(Y[:2], P[:2])
    m.update_state(Y[2:], P[2:], sample_weight=[1.0, 0.0])
    # The last row is left out: class 2 has no true positive.
    assert float(m.result()) == pytest.approx((2 / 3 + 2 / 3) / 3, abs=1e-5)
    m.reset_state()
    m.update_state(Y, P)
    assert float(m.result()) == pytest.approx(7 / 9, abs=1e-5)


def test_a_row_of_zeros_predicts_nothing():
    m = metrics.F1Score(average="micro")
    m.update_state([[1, 0]], [[0.0, 0.0]])
    assert float(m.result()) == 0.0


def test_pure_update_under_jit_equals_eager():
    m = metrics.FBetaScore(average="weighted", beta=0.5)
    m._build_from_shapes(Y.shape, P.shape)
    weight = np.array([1.0, 2.0, 0.0, 1.0])
    values = jax.jit(m.stateless_update_state)(
        [v.value for v in m.variables], Y, P, sample_weight=weight
    )
    m.update_state(Y, P, sample_weight=weight)
    np.testing.assert_allclose(m.stateless_result(values), m.result())


def test_config():
    f1 = metrics.F1Score(average="micro", threshold=0.4)
    assert f1.get_config() == {
        "name": "f1_score",
        "dtype": "float32",
        "average": "micro",
        "threshold": 0.4,
    }
    fbeta = metrics.FBetaScore(beta=2.0)
    config = fbeta.get_config()
    assert config == {
        "name": "fbeta_score",
        "dtype": "float32",
        "average": None,
        "beta": 2.0,
        "threshold": None,
    }
    assert metrics.deserialize(metrics.serialize(fbeta)).get_config() == config
    assert type(metrics.get("f1_score")) is metrics.F1Score
    assert type(metrics.get("f_beta_score")) is metrics.FBetaScore


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"average": "mean"}, "average='mean'"),
        ({"beta": 1}, "beta=1 of type int"),
        ({"beta": -1.0}, "beta=-1.0"),
        ({"threshold": 1}, "threshold=1 of type int"),
        ({"threshold": 0.0}, "0 < threshold <= 1"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)


def test_needs_two_dimensions():
    m = metrics.F1Score()
    with pytest.raises(ValueError, match=r"2D inputs.*y_pred.shape=\(4,\)"):
        m.update_state([1, 0, 1, 0], [0.2, 0.1, 0.9, 0.3])
