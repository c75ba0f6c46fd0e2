"""Functional models that apply ember.ops directly to symbolic tensors
serialize in Keras 3's format (each op a "layers" entry) and load back."""

import copy
import json

import numpy as np
import pytest

import ember
from ember import layers
from ember import ops
from ember.models import _op_config


def _op_model():
    x = ember.Input((3,), name="x")
    h = layers.Dense(4, name="dense")(x)
    y = ops.add(h, 1.0)
    z = ops.sum(y, axis=-1, keepdims=True)
    c = ops.concatenate([y, z], axis=-1)
    r = ops.transpose(ops.reshape(c, (-1, 5, 1)), (0, 2, 1))
    r = ops.squeeze(ops.expand_dims(r, 1), axis=1)
    w = ops.where(r > 0, ops.relu(r), ops.sigmoid(r))
    st = ops.stack([ops.softmax(r, axis=-1), w], axis=1)
    m = ops.max(st, axis=1) - ops.mean(st, axis=1) + ops.min(st, axis=1)
    m = ops.clip(ops.cast(m, "float32"), -2.0, 2.0)
    g = x[:, 1:] / 3 + (-x[:, :2]) ** 2 + abs(x[:, 0:2])
    g = ops.maximum(ops.tanh(g), ops.minimum(ops.exp(g), ops.square(g)))
    g = ops.sqrt(ops.abs(ops.log(ops.power(g, 2.0) + 1.0)))
    g = ops.divide(ops.subtract(ops.multiply(g, 2.0), 1.0), 3.0)
    g = ops.matmul(ops.negative(g), np.ones((2, 1), "float32"))
    out = ops.sum(m, axis=(1, 2), keepdims=True) + g
    return ember.Model(x, [out, st], name="ops_model")


def _x():
    return np.random.default_rng(0).normal(size=(4, 3)).astype("float32")


def _assert_same(a, b):
    for p, q in zip(a.predict(_x()), b.predict(_x()), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-6)


def test_ops_are_written_as_keras_op_entries():
    config = _op_model().get_config()
    entries = {e["name"]: e for e in config["layers"]}

    def entry(name):
        return next(e for e in entries.values() if e["class_name"] == name)

    total = entry("Sum")
    assert total["module"] == "keras.src.ops.numpy"
    assert total["registered_name"] == "Sum"
    assert total["config"] == {
        "name": total["name"],
        "axis": -1,
        "keepdims": True,
    }
    (node,) = total["inbound_nodes"]
    assert node["kwargs"] == {}
    assert node["args"][0]["config"]["keras_history"][0].startswith("add")
    clip = entry("Clip")
    assert clip["config"]["x_min"] == -2.0 and clip["config"]["x_max"] == 2.0
    cast = entry("Cast")
    assert cast["module"] == "keras.src.ops.core"
    assert cast["config"]["dtype"] == "float32"
    softmax = entry("Softmax")
    assert softmax["module"] == "keras.src.ops.nn"
    maximum = entry("Max")
    assert maximum["config"]["initial"] is None
    concat = entry("Concatenate")
    (tensors,) = concat["inbound_nodes"][0]["args"]
    assert len(tensors) == 2
    # Operators record Keras' ops: `x / 3` is TrueDivide, `abs(x)` Absolute.
    classes = {e["class_name"] for e in entries.values()}
    assert {"TrueDivide", "Absolute", "Negative", "GetItem"} <= classes
    json.dumps(config)


def test_get_config_from_config_round_trip():
    model = _op_model()
    clone = ember.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    _assert_same(model, clone)
    assert [la.name for la in clone.layers] == ["x", "dense"]
    assert clone.get_config() == model.get_config()


def test_json_round_trip():
    model = _op_model()
    clone = ember.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    _assert_same(model, clone)


def test_save_load_model_round_trip(tmp_path):
    model = _op_model()
    path = tmp_path / "ops.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    _assert_same(model, restored)
    assert [la.name for la in restored.layers] == ["x", "dense"]


def test_positional_static_arguments_are_written_as_config():
    x = ember.Input((2, 3))
    model = ember.Model(x, ops.sum(x, 1, True))
    entry = model.get_config()["layers"][-1]
    assert entry["class_name"] == "Sum"
    assert entry["config"]["axis"] == 1
    assert entry["config"]["keepdims"] is True
    assert len(entry["inbound_nodes"][0]["args"]) == 1


def test_unsupported_op_is_a_clear_error():
    x = ember.Input((3,))
    model = ember.Model(x, ops.cumprod(layers.Dense(3)(x), axis=-1))
    with pytest.raises(ValueError, match='op "cumprod".*Wrap it in a layer'):
        model.get_config()
    with pytest.raises(ValueError, match="cumprod"):
        model.to_json()


def _config_with_sum():
    x = ember.Input((3,), name="x")
    model = ember.Model(x, ops.sum(x, axis=-1), name="m")
    config = model.get_config()
    (index,) = [
        i for i, e in enumerate(config["layers"]) if e["class_name"] == "Sum"
    ]
    return config, index


def _load(config):
    return ember.Model.from_config(json.loads(json.dumps(config)))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"class_name": "Eval"}, r"'Eval'.*ember loads only these ops"),
        ({"config": "axis=-1"}, "config must be a dict"),
        ({"config": {"name": "s", "code": "x"}}, r"unknown config keys"),
        ({"name": None, "config": {"axis": -1}}, "has no name"),
    ],
)
def test_malformed_op_entry_is_a_value_error(change, message):
    config, index = _config_with_sum()
    entry = config["layers"][index]
    name = entry["name"]
    entry.update(change)
    if entry["name"] is not None:
        name = entry["name"]
    with pytest.raises(ValueError, match=message) as info:
        _load(config)
    if change.get("name", "") is not None:
        assert name in str(info.value)


def test_op_entry_with_wrong_call_arguments_is_a_value_error():
    config, index = _config_with_sum()
    node = config["layers"][index]["inbound_nodes"][0]
    bad = copy.deepcopy(config)
    bad["layers"][index]["inbound_nodes"][0]["args"] = node["args"] * 2
    with pytest.raises(ValueError, match="call arguments do not fit"):
        _load(bad)
    bad = copy.deepcopy(config)
    bad["layers"][index]["inbound_nodes"][0]["kwargs"] = {"axis": 0}
    with pytest.raises(ValueError, match="clash with its config"):
        _load(bad)
    bad = copy.deepcopy(config)
    bad["layers"][index]["config"]["axis"] = 5
    with pytest.raises(ValueError, match="Cannot rebuild the op"):
        _load(bad)


def test_missing_static_argument_is_a_value_error():
    x = ember.Input((4,), name="x")
    config = ember.Model(x, ops.reshape(x, (-1, 2, 2))).get_config()
    entry = config["layers"][-1]
    assert entry["class_name"] == "Reshape"
    del entry["config"]["newshape"]
    with pytest.raises(ValueError, match=r'op "reshape.*newshape'):
        _load(config)


def test_loading_never_imports_the_named_module():
    config, index = _config_with_sum()
    config["layers"][index]["module"] = "keras.src.ops.no_such_module"
    model = _load(config)
    np.testing.assert_allclose(
        model.predict(np.ones((2, 3), "float32")), [3.0, 3.0]
    )


def test_table_names_public_ops_with_camel_case_class_names():
    for name in _op_config.SERIALIZABLE_OPS:
        spec = _op_config._BY_CLASS[_op_config._camel_case(name)]
        assert spec.name == name
        assert callable(getattr(ops, name))
        assert set(spec.static) <= set(spec.signature.parameters)
    assert _op_config._BY_CLASS["Absolute"].name == "absolute"
    assert _op_config._BY_CLASS["Abs"].name == "abs"
    assert _op_config._BY_CLASS["Softmax"].module == "keras.src.ops.nn"
