"""A custom layer whose save_own_variables / load_own_variables override
calls super() and saves an extra array: its `.weights.h5` and `.keras`
files move both ways between ember and Keras."""

import keras
import numpy as np
import pytest

import ember


def _with_table(lib):
    class WithTable(lib.layers.Layer):
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
            return lib.ops.matmul(x, self.kernel) + (
                float(self.table.sum()) + self.count
            )

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

    return WithTable


def _model(lib, cls):
    return lib.Sequential([lib.Input((3,)), cls(name="with_table")])


def _fill(model):
    layer = model.layers[0]
    layer.table = np.array([1.0, 2.0, 3.0], "float32")
    layer.kernel.assign(np.arange(6, dtype="float32").reshape(3, 2))
    layer.count.assign(0.5)


def _check(model, source):
    layer = model.layers[0]
    np.testing.assert_array_equal(layer.table, [1.0, 2.0, 3.0])
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(
        np.asarray(model.predict(x, verbose=0)),
        np.asarray(source.predict(x, verbose=0)),
        rtol=1e-6,
    )
    assert float(np.asarray(layer.count.numpy())) == 0.5


@pytest.mark.parametrize(("src", "dst"), [(ember, keras), (keras, ember)])
def test_weights_file_moves_both_ways(tmp_path, src, dst):
    source = _model(src, _with_table(src))
    _fill(source)
    path = tmp_path / "m.weights.h5"
    source.save_weights(path)
    target = _model(dst, _with_table(dst))
    target.load_weights(path)
    _check(target, source)


@pytest.mark.parametrize(("src", "dst"), [(ember, keras), (keras, ember)])
def test_keras_archive_moves_both_ways(tmp_path, src, dst):
    source = _model(src, _with_table(src))
    _fill(source)
    path = tmp_path / "m.keras"
    source.save(path)
    target = dst.saving.load_model(
        path, custom_objects={"WithTable": _with_table(dst)}
    )
    _check(target, source)
