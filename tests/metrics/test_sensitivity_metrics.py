import numpy as np
import pytest

from ember import metrics

Y = [0, 0, 0, 1, 1]
P = [0.0, 0.3, 0.8, 0.3, 0.8]
# Between 0.3 and 0.8: tp=1, fp=1, tn=2, fn=1; below 0.3 (above 0):
# tp=2, fp=2, tn=1; from 0.8 on nothing is positive.


@pytest.mark.parametrize(
    ("cls", "bound", "expected"),
    [
        ("SensitivityAtSpecificity", 0.5, 0.5),
        ("SensitivityAtSpecificity", 0.3, 1.0),
        ("SpecificityAtSensitivity", 0.5, 2 / 3),
        ("SpecificityAtSensitivity", 1.0, 1 / 3),
        ("PrecisionAtRecall", 0.5, 0.5),
        ("RecallAtPrecision", 0.5, 1.0),
        ("RecallAtPrecision", 0.6, 0.0),
    ],
)
def test_best_rate_under_a_bound(cls, bound, expected):
    m = getattr(metrics, cls)(bound, num_thresholds=11)
    m.update_state(Y, P)
    assert float(m.result()) == pytest.approx(expected)


def test_one_threshold_is_one_half():
    m = metrics.RecallAtPrecision(0.5, num_thresholds=1)
    assert m.thresholds == [0.5]
    m.update_state([0, 1, 1], [0.6, 0.7, 0.4])
    assert float(m.result()) == pytest.approx(0.5)


def test_class_id_and_sample_weight():
    m = metrics.PrecisionAtRecall(0.5, num_thresholds=5, class_id=1)
    y = np.eye(2)[[1, 1, 0, 0]]
    p = np.array([[0, 0.9], [0, 0.2], [0, 0.6], [0, 0.1]])
    m.update_state(y, p, sample_weight=[1.0, 1.0, 3.0, 1.0])
    # Recall 1/2 up to 0.75 (0.9 only): precision 1 at 0.75, 1/4 at 0.5.
    assert float(m.result()) == pytest.approx(1.0)
    m.update_state(y, p, sample_weight=[0.0, 1.0, 0.0, 0.0])
    # Now 0.9 has weight 1 of 2 positives, 0.2 two: recall >= 0.5 needs
    # a threshold below 0.2: precision 3 / (3 + 3 + 1).
    assert float(m.result()) == pytest.approx(3 / 7)


def test_config():
    m = metrics.SensitivityAtSpecificity(0.4, num_thresholds=7, name="s")
    config = m.get_config()
    assert config == {
        "name": "s",
        "dtype": "float32",
        "class_id": None,
        "num_thresholds": 7,
        "specificity": 0.4,
    }
    rebuilt = metrics.deserialize(metrics.serialize(m))
    assert rebuilt.get_config() == config
    assert rebuilt.thresholds == pytest.approx(np.linspace(0, 1, 7))


@pytest.mark.parametrize(
    ("cls", "argument"),
    [
        ("SensitivityAtSpecificity", "specificity"),
        ("SpecificityAtSensitivity", "sensitivity"),
        ("PrecisionAtRecall", "recall"),
        ("RecallAtPrecision", "precision"),
    ],
)
def test_bound_out_of_range(cls, argument):
    with pytest.raises(ValueError, match=rf"`{argument}`.*{argument}=1.5"):
        getattr(metrics, cls)(1.5)


def test_num_thresholds_must_be_positive():
    with pytest.raises(ValueError, match="num_thresholds=0"):
        metrics.PrecisionAtRecall(0.5, num_thresholds=0)
