import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import metrics


class TruePositives(metrics.Metric):
    def __init__(self, name="true_positives", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.tp = self.add_variable(shape=(), initializer="zeros", name="tp")
        self.seen = self.add_variable(
            shape=(2,), initializer="ones", dtype="int32", name="seen"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        hits = jnp.logical_and(
            jnp.asarray(y_true) > 0, jnp.asarray(y_pred) > 0.5
        )
        hits = jnp.asarray(hits, self.dtype)
        if sample_weight is not None:
            hits = hits * jnp.asarray(sample_weight, self.dtype)
        self.tp.assign(self.tp + jnp.sum(hits))
        self.seen.assign_add(jnp.array([1, hits.shape[0]]))

    def result(self):
        return self.tp.value


Y_TRUE = np.array([1, 0, 1, 1], "float32")
Y_PRED = np.array([0.9, 0.8, 0.2, 0.7], "float32")
WEIGHT = np.array([2.0, 1.0, 1.0, 0.5], "float32")


def test_user_metric_eager_update_result_reset():
    m = TruePositives()
    assert m._ember_metric is True
    assert [v.path for v in m.variables] == [
        "true_positives/tp",
        "true_positives/seen",
    ]
    assert all(not v.trainable for v in m.variables)
    assert float(m(Y_TRUE, Y_PRED)) == 2.0
    m.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHT)
    assert float(m.result()) == 4.5
    np.testing.assert_array_equal(m.seen.numpy(), [3, 9])
    m.reset_state()
    assert float(m.result()) == 0.0
    np.testing.assert_array_equal(m.seen.numpy(), [1, 1])


def test_user_metric_stateless_under_jit_matches_stateful():
    m = TruePositives()

    @jax.jit
    def step(values, y_true, y_pred, weight):
        values = m.stateless_update_state(
            values, y_true, y_pred, sample_weight=weight
        )
        return values, m.stateless_result(values)

    values = [v.value for v in m.variables]
    for _ in range(2):
        values, result = step(values, Y_TRUE, Y_PRED, WEIGHT)
    # The metric's own variables are untouched by the pure path.
    assert float(m.result()) == 0.0
    reference = TruePositives()
    for _ in range(2):
        reference.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHT)
    assert float(result) == float(reference.result()) == 5.0
    for got, want in zip(values, reference.variables, strict=True):
        np.testing.assert_array_equal(got, want.numpy())
    reset = m.stateless_reset_state()
    assert float(reset[0]) == 0.0
    np.testing.assert_array_equal(reset[1], [1, 1])


def test_stateless_checks_the_number_of_values():
    m = TruePositives()
    with pytest.raises(ValueError, match="expected 2, received 1"):
        m.stateless_update_state([0.0], Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match="expected 2"):
        m.stateless_result([])


def test_missing_super_init_is_reported():
    class Broken(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_base_methods_raise_not_implemented():
    m = metrics.Metric(name="base")
    with pytest.raises(NotImplementedError):
        m.update_state(1.0)
    with pytest.raises(NotImplementedError):
        m.result()


def test_auto_names_are_unique_and_config_round_trips():
    a, b = metrics.Sum(name=None), metrics.Sum(name=None)
    assert a.name != b.name
    assert a.name.startswith("sum")
    c = metrics.Mean(name="m", dtype="float32")
    assert c.get_config() == {"name": "m", "dtype": "float32"}
    assert metrics.Mean.from_config(c.get_config()).name == "m"
    assert repr(c) == "<Mean name=m>"
