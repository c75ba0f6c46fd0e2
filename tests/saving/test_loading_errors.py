"""Loading refuses entries that disagree with themselves, naming both
sides: a `registered_name` that finds a class other than the one the
entry's `class_name` and `module` describe, and a weights dataset whose
shape differs from the variable's (also when it declares a huge size)."""

import re

import h5py
import numpy as np
import pytest

import ember
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object

register = ember.saving.register_keras_serializable(package="loading_errors")


@register
class Shift(ember.layers.Layer):
    def __init__(self, amount=1.0, **kwargs):
        super().__init__(**kwargs)
        self.amount = amount

    def call(self, x):
        return x + self.amount

    def get_config(self):
        return {**super().get_config(), "amount": self.amount}


@register
class Dense(ember.layers.Layer):
    """A user class that happens to share a built-in's name."""

    def call(self, x):
        return x


def test_registered_name_naming_another_class_is_refused():
    config = serialize_keras_object(ember.layers.ReLU())
    config["registered_name"] = "loading_errors>Shift"
    with pytest.raises(
        ValueError,
        match=re.escape(
            "registered_name 'loading_errors>Shift' names the class "
            f"{__name__}.Shift, but the entry says class_name='ReLU' and "
            "module='keras.layers'"
        ),
    ):
        deserialize_keras_object(config)


def test_registered_name_of_a_user_class_under_a_keras_module_is_refused():
    config = serialize_keras_object(ember.layers.Dense(2))
    assert config["module"] == "keras.layers"
    config["registered_name"] = "loading_errors>Dense"
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"names the class {__name__}.Dense, but the entry says "
            "class_name='Dense' and module='keras.layers'"
        ),
    ):
        deserialize_keras_object(config)


def test_agreeing_entries_still_load():
    restored = deserialize_keras_object(serialize_keras_object(Shift(2.5)))
    assert type(restored) is Shift and restored.amount == 2.5
    # A built-in whose registered_name equals its class name, and a user
    # substitute given through custom_objects by class name.
    config = serialize_keras_object(ember.layers.ReLU())
    config["registered_name"] = "ReLU"
    assert type(deserialize_keras_object(config)) is ember.layers.ReLU

    class MyReLU(ember.layers.ReLU):
        pass

    substitute = deserialize_keras_object(
        config, custom_objects={"ReLU": MyReLU}
    )
    assert type(substitute) is MyReLU


def _model_and_file(tmp_path):
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(3)])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    return model, path


def _replace_kernel(path, **dataset):
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars"].create_dataset("0", **dataset)


def test_a_wrong_kernel_shape_reports_both_shapes(tmp_path):
    model, path = _model_and_file(tmp_path)
    _replace_kernel(path, data=np.ones((5, 3), "float32"))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "variable 0 'sequential/dense/kernel' has shape (2, 3) in the "
            "model but (5, 3) in the file."
        ),
    ):
        model.load_weights(path)


def test_a_huge_declared_shape_reports_both_shapes(tmp_path):
    model, path = _model_and_file(tmp_path)
    kernel = np.array(model.layers[0].kernel.numpy())
    _replace_kernel(
        path,
        shape=(1 << 20, 1 << 20),
        dtype="f4",
        chunks=(1 << 8, 1 << 8),
        compression="gzip",
    )
    with pytest.raises(
        ValueError,
        match=re.escape(
            "has shape (2, 3) in the model but (1048576, 1048576) in the file."
        ),
    ):
        model.load_weights(path)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), kernel)


def test_a_huge_dataset_of_the_right_shape_is_still_refused(tmp_path):
    features = 1 << 22  # A (4M, 3) float32 kernel: 48 MiB, in a tiny file.
    model = ember.Sequential([ember.Input((features,)), ember.layers.Dense(3)])
    path = tmp_path / "big.weights.h5"
    with h5py.File(path, "w") as f:
        group = f.create_group("layers/dense/vars")
        group.create_dataset(
            "0",
            shape=(features, 3),
            dtype="f4",
            chunks=(1 << 16, 3),
            compression="gzip",
        )
        group.create_dataset("1", data=np.zeros(3, "float32"))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "dataset 'layers/dense/vars/0' declares shape (4194304, 3) (the "
            "variable's shape is (4194304, 3)), 50331648 bytes, far more "
            "than the file's size allows."
        ),
    ):
        model.load_weights(path)
