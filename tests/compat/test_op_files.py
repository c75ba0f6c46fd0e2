"""Models that apply ops directly to symbolic tensors move both ways
between Keras and ember, and both write the same op entries."""

import inspect
import json

import keras
import numpy as np
import pytest

import ember
from ember.models import _op_config


def _build(lib):
    """The same graph in Keras or ember: a Dense layer, then bare ops."""
    ops = lib.ops
    x = lib.Input((3,), name="x")
    h = lib.layers.Dense(4, name="dense")(x)
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
    g = ops.matmul(ops.negative(g), ops.transpose(g))
    out = ops.sum(m, axis=(1, 2), keepdims=True) + ops.mean(g, axis=-1)
    return lib.Model(x, [out, st], name="ops_model")


def _x():
    return np.random.default_rng(1).normal(size=(5, 3)).astype("float32")


def _assert_same_predictions(a, b):
    for p, q in zip(
        a.predict(_x(), verbose=0), b.predict(_x(), verbose=0), strict=True
    ):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-5)


def test_keras_saves_ember_loads(tmp_path):
    source = _build(keras)
    path = tmp_path / "k.keras"
    source.save(path)
    restored = ember.saving.load_model(path)
    assert [la.name for la in restored.layers] == ["x", "dense"]
    _assert_same_predictions(source, restored)


def test_ember_saves_keras_loads(tmp_path):
    source = _build(ember)
    path = tmp_path / "e.keras"
    source.save(path)
    restored = keras.saving.load_model(path)
    assert [la.name for la in restored.layers] == ["x", "dense"]
    _assert_same_predictions(source, restored)


def test_configs_cross_through_json():
    source = _build(keras)
    clone = ember.models.model_from_json(source.to_json())
    clone.set_weights(source.get_weights())
    _assert_same_predictions(source, clone)
    back = keras.models.model_from_json(clone.to_json())
    back.set_weights(source.get_weights())
    _assert_same_predictions(source, back)


def _canonical_op_entries(config: dict) -> dict:
    """Op entries keyed by what they compute, auto-generated names removed.

    Op names are unique names drawn from per-process counters ("add_3"),
    and some differ between the libraries (ember names `ops.abs(x)` "abs"
    and `x / 3` "divide"; Keras says "absolute" and "true_divide"), so
    each op is renamed to its class, config and call arguments, with the
    tensors it reads renamed the same way.
    """
    config = json.loads(json.dumps(config))
    entries = {e["name"]: e for e in config["layers"]}
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        entry = entries[name]
        if not _op_config.is_op_entry(entry):
            return name
        if name not in keys:
            static = {k: v for k, v in entry["config"].items() if k != "name"}
            calls = rename(entry["inbound_nodes"])
            keys[name] = f"{entry['class_name']}{static}{calls}"
        return keys[name]

    def rename(tree):
        if isinstance(tree, dict):
            if tree.get("class_name") == "__keras_tensor__":
                name, *rest = tree["config"]["keras_history"]
                inner = dict(tree["config"], keras_history=[key(name), *rest])
                return dict(tree, config=inner)
            return {k: rename(v) for k, v in tree.items()}
        if isinstance(tree, list):
            return [rename(v) for v in tree]
        return tree

    canonical = {}
    for name, entry in entries.items():
        if _op_config.is_op_entry(entry):
            entry = dict(entry, inbound_nodes=rename(entry["inbound_nodes"]))
            del entry["name"], entry["config"]["name"]
            canonical[key(name)] = entry
    return canonical


def test_op_entries_of_the_same_graph_are_equal():
    keras_ops = _canonical_op_entries(_build(keras).get_config())
    ember_ops = _canonical_op_entries(_build(ember).get_config())
    assert len(keras_ops) == 48
    assert sorted(ember_ops) == sorted(keras_ops)
    for key, entry in keras_ops.items():
        assert ember_ops[key] == entry, key


@pytest.mark.parametrize("name", _op_config.SERIALIZABLE_OPS)
def test_table_matches_keras_op_classes(name):
    spec = _op_config._BY_CLASS[_op_config._camel_case(name)]
    module = {
        "keras.src.ops.numpy": keras.src.ops.numpy,
        "keras.src.ops.nn": keras.src.ops.nn,
        "keras.src.ops.math": keras.src.ops.math,
        "keras.src.ops.core": keras.src.ops.core,
    }[spec.module]
    cls = getattr(module, spec.class_name)
    init = inspect.signature(cls.__init__).parameters
    assert [p for p in init if p not in ("self", "name")] == list(spec.static)
    call = [p for p in inspect.signature(cls.call).parameters if p != "self"]
    assert call == spec.call_parameters
