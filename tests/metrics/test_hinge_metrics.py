import numpy as np
import pytest

from ember import metrics


def test_hinge_maps_binary_labels_to_signs():
    m = metrics.Hinge()
    m.update_state([[0.0, 1.0]], [[0.5, 0.5]])  # [1.5, 0.5] -> 1.0
    m.update_state([[-1.0, 1.0]], [[2.0, 2.0]], sample_weight=[3.0])
    # second sample: [max(1 + 2, 0), max(1 - 2, 0)] -> 1.5
    assert float(m.result()) == pytest.approx((1.0 + 4.5) / 4.0)


def test_squared_hinge():
    m = metrics.SquaredHinge()
    m.update_state([[0.0, 1.0], [1.0, 1.0]], [[0.5, 0.5], [2.0, 0.0]])
    # [2.25, 0.25] -> 1.25 and [0, 1] -> 0.5
    assert float(m.result()) == pytest.approx((1.25 + 0.5) / 2.0)


def test_categorical_hinge():
    m = metrics.CategoricalHinge()
    m.update_state(
        [[0.0, 1.0], [1.0, 0.0]],
        [[0.3, 0.7], [0.1, 0.9]],
        sample_weight=[1.0, 0.0],
    )  # 0.3 - 0.7 + 1 = 0.6 (and 1.8, weighted 0)
    assert float(m.result()) == pytest.approx(0.6, rel=1e-6)


@pytest.mark.parametrize(
    "cls, name",
    [
        (metrics.Hinge, "hinge"),
        (metrics.SquaredHinge, "squared_hinge"),
        (metrics.CategoricalHinge, "categorical_hinge"),
    ],
)
def test_config_lookup_and_function(cls, name):
    m = cls()
    assert m.get_config() == {"name": name, "dtype": "float32"}
    assert type(metrics.get(name)) is cls
    assert type(metrics.get(cls.__name__)) is cls
    clone = metrics.deserialize(metrics.serialize(cls(name="h")))
    assert type(clone) is cls and clone.name == "h"
    fn = getattr(metrics, name)
    np.testing.assert_allclose(
        fn([[0.0, 1.0]], [[0.3, 0.7]]),
        {"hinge": [0.8], "squared_hinge": [0.89], "categorical_hinge": [0.6]}[
            name
        ],
        rtol=1e-5,
    )
