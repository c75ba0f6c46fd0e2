"""`.weights.h5`: Keras' layout, round trips, mismatches, hostile files."""

import os

import h5py
import numpy as np
import pytest

import ember
from ember.saving import weights_h5


def _cnn(seed_offset: int = 0):
    inner = ember.Sequential(
        [ember.layers.Dense(4), ember.layers.Dense(3)], name="inner"
    )
    inputs = ember.Input((8, 8, 1))
    x = ember.layers.Conv2D(2, 3)(inputs)
    x = ember.layers.BatchNormalization()(x)
    x = ember.layers.Conv2D(2, 3)(x)
    x = ember.layers.Flatten()(x)
    x = ember.layers.Dense(5)(x)
    outputs = inner(x)
    return ember.Model(inputs, outputs)


def _tree(path) -> dict:
    found = {}
    with h5py.File(path) as f:

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                found[name] = obj.shape
            elif name.endswith("vars"):
                found[name] = dict(obj.attrs)

        f.visititems(visit)
    return found


def _x():
    return np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype("f4")


def test_layout_matches_keras(tmp_path):
    model = _cnn()
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    tree = _tree(path)
    assert tree["vars"] == {"name": model.name}
    assert tree["layers/conv2d/vars/0"] == (3, 3, 1, 2)
    assert tree["layers/conv2d_1/vars/0"] == (3, 3, 2, 2)
    assert tree["layers/batch_normalization/vars/3"] == (2,)
    assert tree["layers/dense/vars/1"] == (5,)
    assert tree["layers/sequential/vars"] == {"name": "inner"}
    assert tree["layers/sequential/layers/dense_1/vars/0"] == (4, 3)
    assert "layers/input_layer/vars" in tree
    assert not any(k.startswith("optimizer") for k in tree)


def test_round_trip_restores_predictions(tmp_path):
    model = _cnn()
    model.layers[2].moving_mean.assign(np.array([0.5, -1.0]))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = _cnn()
    assert not np.allclose(other.predict(_x(), verbose=0), 0)
    other.load_weights(path)
    np.testing.assert_allclose(
        other.predict(_x(), verbose=0), model.predict(_x(), verbose=0)
    )
    for a, b in zip(model.weights, other.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_optimizer_state_round_trips(tmp_path):
    model = _cnn()
    model.compile(optimizer="adam", loss="mse")
    model.fit(_x(), np.ones((3, 3)), verbose=0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert _tree(path)["optimizer/vars"] == {"name": model.optimizer.name}
    other = _cnn()
    other.compile(optimizer="adam", loss="mse")
    other.optimizer.build(other.trainable_variables)
    other.load_weights(path)
    assert int(other.optimizer.iterations.numpy()) == 1
    for a, b in zip(
        model.optimizer.variables, other.optimizer.variables, strict=True
    ):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # A model without an optimizer ignores the saved one, as in Keras.
    _cnn().load_weights(path)


def test_unbuilt_optimizer_warns_and_keeps_its_state(tmp_path):
    model = _cnn()
    model.compile(optimizer="adam", loss="mse")
    model.fit(_x(), np.ones((3, 3)), verbose=0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = _cnn()
    other.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        other.load_weights(path)
    np.testing.assert_allclose(
        other.predict(_x(), verbose=0), model.predict(_x(), verbose=0)
    )


def test_subclassed_model_uses_attribute_paths(tmp_path):
    class Sub(ember.Model):
        def __init__(self):
            super().__init__()
            self.zz = ember.layers.Dense(3)
            self.blocks = [ember.layers.Dense(2), ember.layers.Dense(2)]

        def call(self, x):
            return self.zz(self.blocks[1](self.blocks[0](x)))

    model = Sub()
    model(np.zeros((1, 5), "f4"))
    path = tmp_path / "s.weights.h5"
    model.save_weights(path)
    tree = _tree(path)
    assert tree["blocks/dense/vars/0"] == (5, 2)
    assert tree["blocks/dense_1/vars/0"] == (2, 2)
    # `layers` sorts before `zz`, so Keras files the last Dense there.
    assert tree["layers/dense/vars/0"] == (2, 3)
    other = Sub()
    other(np.zeros((1, 5), "f4"))
    other.load_weights(path)
    x = np.ones((2, 5), "f4")
    np.testing.assert_allclose(other(x), model(x))


def test_shape_mismatch_names_layer_and_both_shapes(tmp_path):
    path = tmp_path / "m.weights.h5"
    ember.Sequential([ember.Input((4,)), ember.layers.Dense(3)]).save_weights(
        path
    )
    other = ember.Sequential([ember.Input((5,)), ember.layers.Dense(3)])
    before = [w.numpy() for w in other.weights]
    with pytest.raises(ValueError, match=r"dense.*\(5, 3\).*\(4, 3\)"):
        other.load_weights(path)
    for w, b in zip(other.weights, before, strict=True):
        np.testing.assert_array_equal(w.numpy(), b)


def test_missing_and_extra_layers(tmp_path):
    small = ember.Sequential([ember.Input((4,)), ember.layers.Dense(3)])
    big = ember.Sequential(
        [ember.Input((4,)), ember.layers.Dense(3), ember.layers.Dense(2)]
    )
    small_path = tmp_path / "small.weights.h5"
    big_path = tmp_path / "big.weights.h5"
    small.save_weights(small_path)
    big.save_weights(big_path)
    with pytest.raises(ValueError, match="dense_1.*has 2 variables"):
        big.load_weights(small_path)
    with pytest.raises(ValueError, match="'layers/dense_1'.*no layer there"):
        small.load_weights(big_path)


def test_skip_mismatch_loads_the_rest(tmp_path):
    source = ember.Sequential(
        [ember.Input((4,)), ember.layers.Dense(3), ember.layers.Dense(2)]
    )
    path = tmp_path / "m.weights.h5"
    source.save_weights(path)
    target = ember.Sequential(
        [ember.Input((4,)), ember.layers.Dense(3), ember.layers.Dense(7)]
    )
    kept = target.layers[1].kernel.numpy()
    with pytest.warns(UserWarning, match="skip_mismatch"):
        target.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(
        target.layers[0].kernel.numpy(), source.layers[0].kernel.numpy()
    )
    np.testing.assert_array_equal(target.layers[1].kernel.numpy(), kept)


def test_unbuilt_model_and_bad_names_are_refused(tmp_path):
    model = ember.Sequential([ember.layers.Dense(3)])
    with pytest.raises(ValueError, match="not built"):
        model.save_weights(tmp_path / "m.weights.h5")
    built = ember.Sequential([ember.Input((2,)), ember.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        built.save_weights(tmp_path / "m.h5")
    built.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="not built"):
        model.load_weights(tmp_path / "m.weights.h5")


def test_write_is_atomic_on_failure(tmp_path, monkeypatch):
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(3)])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    before = path.read_bytes()

    def broken(model, h5file):
        h5file.create_group("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(weights_h5, "write_weights", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        model.save_weights(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.weights.h5"]


def _model_and_file(tmp_path):
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(3)])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    return model, path


def test_soft_and_external_links_are_refused(tmp_path):
    model, path = _model_and_file(tmp_path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense/vars/0")
    with pytest.raises(ValueError, match="link"):
        model.load_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense"]
        f["layers/dense"] = h5py.ExternalLink("other.h5", "/x")
    with pytest.raises(ValueError, match="ExternalLink"):
        model.load_weights(path)


def test_external_and_virtual_datasets_are_refused(tmp_path):
    model, path = _model_and_file(tmp_path)
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.zeros(3, "f4").tobytes())
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars"].create_dataset(
            "1", shape=(3,), dtype="f4", external=[(str(raw), 0, 12)]
        )
    with pytest.raises(ValueError, match="external file"):
        model.load_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        layout = h5py.VirtualLayout(shape=(3,), dtype="f4")
        layout[:] = h5py.VirtualSource(str(raw), "x", shape=(3,))
        f["layers/dense/vars"].create_virtual_dataset("1", layout)
    with pytest.raises(ValueError, match="virtual"):
        model.load_weights(path)


def test_shape_bomb_is_refused(tmp_path):
    model, path = _model_and_file(tmp_path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars"].create_dataset(
            "1",
            shape=(1 << 40,),
            dtype="f4",
            chunks=(1 << 16,),
            compression="gzip",
        )
    with pytest.raises(
        ValueError,
        match=r"has shape \(3,\) in the model but \(1099511627776,\) in "
        "the file",
    ):
        model.load_weights(path)


def test_garbage_and_odd_contents_are_value_errors(tmp_path):
    model, path = _model_and_file(tmp_path)
    bad = tmp_path / "bad.weights.h5"
    bad.write_bytes(b"not an hdf5 file")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        model.load_weights(bad)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars"].create_group("1")
    with pytest.raises(ValueError, match="not a dataset"):
        model.load_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/1"]
        f["layers/dense/vars"]["1"] = np.array([b"a", b"b", b"c"])
    with pytest.raises(ValueError, match="not a numeric array"):
        model.load_weights(path)
    with pytest.raises(ValueError, match="File not found"):
        model.load_weights(tmp_path / "missing.weights.h5")


def test_truncated_file_is_a_value_error(tmp_path):
    model = _cnn()
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    data = path.read_bytes()
    for size in (len(data) // 2, len(data) - 100, 2000):
        path.write_bytes(data[:size])
        with pytest.raises(ValueError, match="weights file"):
            model.load_weights(path)


def test_optimizer_entries_with_odd_keys_are_skipped_with_a_warning(tmp_path):
    model = _cnn()
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        f["optimizer/vars"].move("0", "x")
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        model.load_weights(path)


def test_saved_file_has_the_usual_permissions(tmp_path):
    model, path = _model_and_file(tmp_path)
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    os.chmod(path, 0o640)
    model.save_weights(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_overwrite_false_asks_first(tmp_path, monkeypatch):
    model, path = _model_and_file(tmp_path)
    before = path.read_bytes()
    model.layers[0].kernel.assign(np.ones((2, 3)))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save_weights(path, overwrite=False)
    assert path.read_bytes() == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save_weights(path, overwrite=False)
    assert path.read_bytes() != before


def test_layers_may_save_and_load_their_own_state(tmp_path):
    class Scaled(ember.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.table = np.zeros(3, "float32")

        def call(self, x):
            return x * self.table.sum()

        def save_own_variables(self, store):
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.asarray(store["table"])

    def build():
        return ember.Sequential([ember.Input((3,)), Scaled()])

    model = build()
    model.layers[0].table = np.array([1.0, 2.0, 3.0], "float32")
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert "layers/scaled/vars/table" in _tree(path)
    other = build()
    other.load_weights(path)
    np.testing.assert_array_equal(other.layers[0].table, [1.0, 2.0, 3.0])
