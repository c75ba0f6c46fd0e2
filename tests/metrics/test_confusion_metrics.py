import jax
import numpy as np
import pytest

from ember import metrics

# Labels and predictions: positives at threshold t are the predictions > t.
Y = [0, 1, 1, 1, 0]
P = [0.1, 0.3, 0.6, 0.9, 0.7]
COUNTS = {
    # at thresholds 0.0, 0.5, 0.8 (compared one by one)
    "TruePositives": [3, 2, 1],
    "FalsePositives": [2, 1, 0],
    "TrueNegatives": [0, 1, 2],
    "FalseNegatives": [0, 1, 2],
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_at_a_list_of_thresholds(name):
    m = getattr(metrics, name)(thresholds=[0.0, 0.5, 0.8])
    m.update_state(Y, P)
    np.testing.assert_allclose(m.result(), COUNTS[name])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TruePositives", [4, 2, 0]),
        ("FalsePositives", [2, 1, 0]),
        ("TrueNegatives", [1, 2, 3]),
        ("FalseNegatives", [0, 2, 4]),
    ],
)
def test_counts_at_evenly_spaced_thresholds(name, expected):
    # [0, 0.5, 1] takes the bucketed path; a prediction of exactly 0.5 or 0
    # is not above 0.5 or 0.
    m = getattr(metrics, name)(thresholds=[0.0, 0.5, 1.0])
    m.update_state(Y + [1, 0], P + [0.5, 0.0])
    np.testing.assert_allclose(m.result(), expected)


def test_true_positives_default_threshold_and_weights():
    m = metrics.TruePositives()
    assert m.name == "true_positives"
    m.update_state(Y, P)
    assert float(m.result()) == 2.0
    m.update_state(Y, P, sample_weight=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert float(m.result()) == 2.0 + 3.0 + 4.0
    m.reset_state()
    assert float(m.result()) == 0.0


def test_precision_and_recall():
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert float(p.result()) == pytest.approx(2 / 3)
    assert float(r.result()) == pytest.approx(2 / 3)
    # Weighted second batch: one weighted false positive, one true positive.
    for m in (p, r):
        m.update_state([0, 1], [0.9, 0.8], sample_weight=[2.0, 3.0])
    assert float(p.result()) == pytest.approx(5 / 8)
    assert float(r.result()) == pytest.approx(5 / 6)


def test_precision_is_zero_before_any_positive_prediction():
    m = metrics.Precision(thresholds=[0.5, 0.95])
    m.update_state([1, 0], [0.9, 0.2])
    np.testing.assert_allclose(m.result(), [1.0, 0.0])


def test_top_k():
    y = [[0, 0, 1, 1], [1, 0, 0, 0]]
    scores = [[0.1, 0.4, 0.3, 0.2], [0.9, 0.1, 0.5, 0.2]]
    p, r = metrics.Precision(top_k=2), metrics.Recall(top_k=2)
    p.update_state(y, scores)
    r.update_state(y, scores)
    # Kept: row 0 -> classes 1, 2; row 1 -> classes 0, 2.
    assert float(p.result()) == pytest.approx(2 / 4)
    assert float(r.result()) == pytest.approx(2 / 3)


CLASS_Y = [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
CLASS_P = [[0.1, 0.2, 0.7], [0.1, 0.3, 0.6], [0.6, 0.1, 0.3]]


def test_class_id():
    p = metrics.Precision(class_id=2)
    r = metrics.Recall(class_id=2)
    p.update_state(CLASS_Y, CLASS_P)
    r.update_state(CLASS_Y, CLASS_P)
    assert float(p.result()) == pytest.approx(0.5)
    assert float(r.result()) == pytest.approx(1.0)


def test_top_k_with_class_id():
    # Row 2's top class is 0, so its class-2 score no longer counts.
    m = metrics.Precision(top_k=1, class_id=2)
    m.update_state(CLASS_Y, CLASS_P)
    assert float(m.result()) == pytest.approx(0.5)
    m.update_state([[0, 0, 1]], [[0.5, 0.1, 0.4]])
    assert float(m.result()) == pytest.approx(0.5)


def test_per_row_weights_apply_to_every_class():
    m = metrics.TruePositives()
    m.update_state(CLASS_Y, CLASS_P, sample_weight=[2.0, 0.0, 5.0])
    # Positives above 0.5: (0, 2) true, (1, 2) false, (2, 0) true.
    assert float(m.result()) == 2.0 + 5.0


def test_zero_weight_rows_do_not_count():
    # As the padded rows of a last batch.
    m = metrics.Recall()
    m.update_state([1, 1, 1, 1], [0.9, 0.2, 0.1, 0.1], [1.0, 1.0, 0.0, 0.0])
    assert float(m.result()) == pytest.approx(0.5)


def test_pure_update_under_jit_equals_eager():
    m = metrics.Precision(thresholds=[0.2, 0.5, 0.8])
    y, p = np.array(Y, "float32"), np.array(P, "float32")
    weight = np.array([1.0, 2.0, 3.0, 0.0, 1.0], "float32")
    values = [v.value for v in m.variables]
    step = jax.jit(m.stateless_update_state)
    values = step(values, y, p, sample_weight=weight)
    jitted = m.stateless_result(values)
    m.update_state(y, p, sample_weight=weight)
    np.testing.assert_allclose(jitted, m.result())
    np.testing.assert_allclose(jitted, [5 / 6, 3 / 4, 0.0])


def test_config_round_trip_and_lookup():
    m = metrics.Precision(thresholds=[0.2, 0.5], class_id=1, name="p")
    config = m.get_config()
    assert config == {
        "name": "p",
        "dtype": "float32",
        "thresholds": [0.2, 0.5],
        "top_k": None,
        "class_id": 1,
    }
    assert metrics.Precision.from_config(config).get_config() == config
    rebuilt = metrics.deserialize(metrics.serialize(m))
    assert type(rebuilt) is metrics.Precision
    assert rebuilt.get_config() == config
    assert metrics.FalseNegatives(thresholds=0.3).get_config() == {
        "name": "false_negatives",
        "dtype": "float32",
        "thresholds": 0.3,
    }


@pytest.mark.parametrize(
    ("identifier", "cls"),
    [
        ("precision", "Precision"),
        ("Recall", "Recall"),
        ("true_positives", "TruePositives"),
        ("false_negatives", "FalseNegatives"),
    ],
)
def test_string_identifiers(identifier, cls):
    assert type(metrics.get(identifier)) is getattr(metrics, cls)


def test_invalid_threshold():
    with pytest.raises(ValueError, match=r"Precision \"p\".*\[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5], name="p")


def test_class_id_needs_two_dimensions():
    m = metrics.Recall(class_id=0)
    with pytest.raises(ValueError, match="class_id"):
        m.update_state([1, 0], [0.4, 0.6])


def test_mismatched_shapes():
    m = metrics.Precision()
    with pytest.raises(ValueError, match=r"y_true.shape=\(2,\)"):
        m.update_state([1, 0], [[0.4, 0.6, 0.1], [0.1, 0.2, 0.3]])
