import math

import jax
import numpy as np
import pytest

import ember
from ember import metrics

Y = [0, 0, 1, 1]
P = [0.0, 0.5, 0.3, 0.9]
# With 3 thresholds (-eps, 0.5, 1 + eps): (fpr, tpr) = (1, 1), (0, 0.5), (0, 0)
# and (precision, recall) = (0.5, 1), (1, 0.5), (0, 0).


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 0.75),
        ({"summation_method": "minoring"}, 0.5),
        ({"summation_method": "majoring"}, 1.0),
        ({"curve": "PR", "summation_method": "minoring"}, 0.25),
        ({"curve": "PR", "summation_method": "majoring"}, 1.0),
        # Davis & Goadrich: the first interval integrates a hyperbola.
        ({"curve": "PR"}, (1 + 2 / 3 * math.log(4)) / 6 + 0.5),
    ],
)
def test_three_thresholds(kwargs, expected):
    m = metrics.AUC(num_thresholds=3, **kwargs)
    m.update_state(Y, P)
    assert float(m.result()) == pytest.approx(expected, abs=1e-6)


def test_a_list_of_thresholds():
    # (-eps, 0.4, 1 + eps): at 0.4 both 0.5 and 0.9 are positive.
    m = metrics.AUC(thresholds=[0.4])
    assert m.num_thresholds == 3
    m.update_state(Y, P)
    assert float(m.result()) == pytest.approx(0.5)
    assert m.get_config()["thresholds"] == [0.4]


def test_sample_weight_and_streaming():
    m = metrics.AUC(num_thresholds=3)
    p = [0.0, 0.6, 0.3, 0.9]
    m.update_state(Y[:2], p[:2], sample_weight=[1.0, 3.0])
    m.update_state(Y[2:], p[2:])
    # At 0.5: fpr = 3 / 4, tpr = 1 / 2.
    assert float(m.result()) == pytest.approx(0.25 * 0.75 + 0.75 * 0.25)
    m.reset_state()
    m.update_state(Y, p)
    assert float(m.result()) == pytest.approx(0.5)


def test_from_logits():
    m = metrics.AUC(num_thresholds=3, from_logits=True)
    m.update_state(Y, [-3.0, 0.0, -1.0, 2.0])
    assert float(m.result()) == pytest.approx(0.75)


Y2 = np.array([Y, [1, 0, 1, 0]], "float32").T
P2 = np.array([P, [0.9, 0.1, 0.8, 0.2]], "float32").T  # label 1 AUC is 1


def test_multi_label_averages_the_labels():
    m = metrics.AUC(num_thresholds=3, multi_label=True)
    assert m.variables == []
    m.update_state(Y2, P2)
    assert m.true_positives.shape == (3, 2)
    assert float(m.result()) == pytest.approx((0.75 + 1.0) / 2)
    weighted = metrics.AUC(
        num_thresholds=3, multi_label=True, num_labels=2, label_weights=[1, 3]
    )
    assert weighted.true_positives.shape == (3, 2)
    weighted.update_state(Y2, P2)
    assert float(weighted.result()) == pytest.approx((0.75 + 3.0) / 4)


def test_label_weights_without_multi_label_weight_the_entries():
    m = metrics.AUC(num_thresholds=3, label_weights=[1.0, 0.0])
    m.update_state(Y2, P2)
    assert float(m.result()) == pytest.approx(0.75)


def test_pure_update_under_jit_equals_eager():
    m = metrics.AUC(num_thresholds=11, curve="PR")
    y = np.array([0, 1, 1, 0, 1, 0], "float32")
    p = np.array([0.2, 0.75, 0.4, 0.65, 0.9, 0.05], "float32")
    weight = np.array([1.0, 2.0, 0.5, 1.0, 0.0, 3.0], "float32")
    values = jax.jit(m.stateless_update_state)(
        [v.value for v in m.variables], y, p, sample_weight=weight
    )
    m.update_state(y, p, sample_weight=weight)
    np.testing.assert_allclose(m.stateless_result(values), m.result())


def test_config():
    m = metrics.AUC(name="auc_a", curve="pr", summation_method="Minoring")
    assert m.get_config() == {
        "name": "auc_a",
        "dtype": "float32",
        "num_thresholds": 200,
        "curve": "PR",
        "summation_method": "minoring",
        "multi_label": False,
        "num_labels": None,
        "label_weights": None,
        "from_logits": False,
    }
    weighted = metrics.AUC(
        thresholds=[0.7, 0.2], multi_label=True, label_weights=[0.5, 2.0]
    )
    config = weighted.get_config()
    assert config["thresholds"] == [0.2, 0.7]
    assert config["num_thresholds"] == 4
    rebuilt = metrics.deserialize(metrics.serialize(weighted))
    np.testing.assert_allclose(rebuilt.label_weights, [0.5, 2.0])
    np.testing.assert_allclose(rebuilt.thresholds, weighted.thresholds)
    assert type(metrics.get("auc")) is metrics.AUC


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_thresholds": 1}, "num_thresholds=1"),
        ({"curve": "XY"}, r"AUC \"a\": invalid `curve`"),
        ({"summation_method": "mean"}, "summation_method='mean'"),
        ({"num_labels": 3}, "only when `multi_label`"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.AUC(name="a", **kwargs)


def test_multi_label_needs_rank_two():
    m = metrics.AUC(multi_label=True)
    with pytest.raises(ValueError, match=r"rank 2.*\(2, 2, 2\)"):
        m.update_state(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_multi_label_state_exists_before_the_compiled_step():
    # Built from the data's shapes at the first evaluate; the last batch
    # (3 of 8 rows) is padded, and its padding must not count.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(11, 3)).astype("float32")
    y = (rng.random((11, 2)) < 0.5).astype("float32")
    model = ember.Sequential(
        [ember.Input(shape=(3,)), ember.layers.Dense(2, activation="sigmoid")]
    )
    model.compile(
        loss="binary_crossentropy",
        metrics=[metrics.AUC(multi_label=True, name="auc")],
    )
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    expected = metrics.AUC(multi_label=True)
    expected.update_state(y, model.predict(x, verbose=0))
    assert logs["auc"] == pytest.approx(float(expected.result()), abs=1e-6)
