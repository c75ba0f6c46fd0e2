"""Layer.save_own_variables / load_own_variables: the base behaviour, and
overrides calling super() that save through `.weights.h5` and `.keras`."""

import numpy as np
import pytest

import ember


class WithTable(ember.layers.Layer):
    """A Dense-like layer that also saves a non-variable array."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.table = np.zeros(3, "float32")

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="ones"
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False
        )

    def call(self, x):
        return x @ self.kernel + self.table.sum() + self.count

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["table"] = self.table

    def load_own_variables(self, store):
        self.table = np.array(store["table"])
        super().load_own_variables(
            {key: store[key] for key in store.keys() if key != "table"}
        )

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Renamed(ember.layers.Layer):
    """Stores its one variable under its own name instead of "0"."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],))

    def call(self, x):
        return ember.ops.multiply(x, self.scale)

    def save_own_variables(self, store):
        store["scale"] = self.scale

    def load_own_variables(self, store):
        super().load_own_variables({"0": store["scale"]})


def _model(layer):
    return ember.Sequential([ember.Input((3,)), layer])


def test_base_stores_trainable_then_non_trainable_under_indices():
    layer = WithTable()
    layer.build((None, 3))
    store = {}
    ember.layers.Layer.save_own_variables(layer, store)
    assert list(store) == ["0", "1"]
    assert store["0"] is layer.kernel and store["1"] is layer.count


def test_base_load_assigns_in_the_same_order():
    layer = WithTable()
    layer.build((None, 3))
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    ember.layers.Layer.load_own_variables(
        layer, {"0": kernel, "1": np.float32(4)}
    )
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    assert float(layer.count.numpy()) == 4.0


def test_base_load_refuses_a_wrong_count_before_any_change():
    layer = ember.layers.Dense(2)
    layer.build((None, 3))
    before = layer.kernel.numpy()
    with pytest.raises(
        ValueError, match=r"expected 2 variables, but received 1 variables"
    ):
        layer.load_own_variables({"0": np.zeros((3, 2))})
    np.testing.assert_array_equal(layer.kernel.numpy(), before)


def test_base_load_refuses_a_wrong_shape_before_any_change():
    layer = ember.layers.Dense(2)
    layer.build((None, 3))
    before = layer.kernel.numpy()
    with pytest.raises(ValueError, match=r"shape \(2,\), but the loaded"):
        layer.load_own_variables({"0": np.ones((3, 2)), "1": np.ones(3)})
    np.testing.assert_array_equal(layer.kernel.numpy(), before)


def _filled(model):
    layer = model.layers[0]
    layer.table = np.array([1.0, 2.0, 3.0], "float32")
    layer.kernel.assign(np.arange(6, dtype="float32").reshape(3, 2))
    layer.count.assign(5.0)
    return layer


def test_override_with_super_round_trips_through_weights_h5(tmp_path):
    model = _model(WithTable())
    _filled(model)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = _model(WithTable())
    other.load_weights(path)
    layer = other.layers[0]
    np.testing.assert_array_equal(layer.table, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        layer.kernel.numpy(), np.arange(6).reshape(3, 2)
    )
    assert float(layer.count.numpy()) == 5.0


def test_override_with_super_round_trips_through_keras_archive(tmp_path):
    model = _model(WithTable(name="with_table"))
    _filled(model)
    x = np.ones((2, 3), "float32")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = ember.saving.load_model(
        path, custom_objects={"WithTable": WithTable}
    )
    np.testing.assert_array_equal(loaded.layers[0].table, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model(x))


def test_renamed_keys_round_trip(tmp_path):
    model = _model(Renamed())
    model.layers[0].scale.assign([1.0, 2.0, 3.0])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = _model(Renamed())
    other.load_weights(path)
    np.testing.assert_array_equal(other.layers[0].scale.numpy(), [1, 2, 3])
