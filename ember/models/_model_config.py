"""Functional and Sequential configs in Keras 3's format, and JSON I/O.

A functional config lists every layer's serialized config with its
`"inbound_nodes"`: the calls that belong to this model, each as `{"args",
"kwargs"}` where symbolic tensors appear as `__keras_tensor__` dicts whose
`keras_history` is `[layer_name, node_index, tensor_index]`. Node indices
count only the calls inside this model, so a layer shared with another
model is numbered from 0 here. `"input_layers"` / `"output_layers"` give
the same triples in the structure of the model's inputs and outputs; there,
as in Keras, a nested functional model's calls are numbered from 1. An op
applied directly to symbolic tensors (`ops.sum(x, axis=-1)`) is an entry
among the layers too, written and read by `_op_config.py`.
"""

import json
from typing import Any

import jax

from ember import dtype_policies
from ember.core.checks import is_integer
from ember.core.symbolic import FunctionOperation
from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import any_symbolic
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.layers.core.input_layer import InputLayer
from ember.layers.layer import Layer
from ember.models._op_config import is_op_entry
from ember.models._op_config import load_op
from ember.models._op_config import op_layer_config
from ember.saving.safe_json import load_json
from ember.saving.serialization_lib import deserialize_keras_object
from ember.saving.serialization_lib import serialize_keras_object


def _own_index(operation, node_index: int, own: set[int]) -> int:
    """The index of a call among the calls that belong to the model."""
    nodes = operation._inbound_nodes[:node_index]
    return sum(1 for node in nodes if id(node) in own)


def _is_functional(operation) -> bool:
    from ember.models.functional import Functional

    return isinstance(operation, Functional)


def functional_get_config(model) -> dict:
    """The Keras 3 config of a functional model."""
    own = {id(node) for node in model._nodes}

    def tensor_config(tensor: SymbolicTensor) -> dict:
        operation, node_index, tensor_index = tensor._history
        config = serialize_keras_object(tensor)
        config["config"]["keras_history"] = [
            operation.name,
            _own_index(operation, node_index, own),
            tensor_index,
        ]
        return config

    def node_config(args: list, kwargs: dict) -> dict:
        def convert(x):
            return tensor_config(x) if is_symbolic(x) else x

        return {
            "args": serialize_keras_object(map_structure(convert, args)),
            "kwargs": serialize_keras_object(map_structure(convert, kwargs)),
        }

    layers = []
    names: set[str] = set()
    for operation in model._operations:
        if operation.name in names:
            raise ValueError(
                f'Model "{model.name}" has two layers named '
                f'"{operation.name}"; layer names must be unique to save it.'
            )
        names.add(operation.name)
        nodes = [
            node
            for node in operation._inbound_nodes
            if id(node) in own and not node.is_input
        ]
        if isinstance(operation, FunctionOperation):
            try:
                layers.append(op_layer_config(operation, nodes, node_config))
            except ValueError as error:
                raise ValueError(
                    f'Model "{model.name}" cannot be serialized: {error}'
                ) from None
            continue
        layer_config = serialize_keras_object(operation)
        layer_config["name"] = operation.name
        layer_config["inbound_nodes"] = [
            node_config(list(node.call_args), node.call_kwargs)
            for node in nodes
        ]
        layers.append(layer_config)

    def endpoint(tensor: SymbolicTensor) -> list:
        operation, node_index, tensor_index = tensor._history
        index = _own_index(operation, node_index, own)
        if _is_functional(operation):
            index += 1
        return [operation.name, index, tensor_index]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": map_structure(endpoint, model._inputs_struct),
        "output_layers": map_structure(endpoint, model._outputs_struct),
    }


class _NotReady(Exception):
    """A call's inputs come from a call that has not been replayed yet."""


def _output_of(created: dict, *history: Any):
    if not (
        len(history) == 3
        and isinstance(history[0], str)
        and all(is_integer(i) and 0 <= i < 2**31 for i in history[1:])
    ):
        raise ValueError(
            "Invalid functional config: expected a tensor reference "
            "[layer name, node index, tensor index]. Received: "
            f"{list(history)!r}"
        )
    name, node_index, tensor_index = history
    if name not in created:
        raise ValueError(
            f"Invalid functional config: no layer named {name!r} among "
            f"{sorted(created)}."
        )
    layer = created[name]
    if len(layer._inbound_nodes) <= node_index:
        raise _NotReady
    outputs = layer._inbound_nodes[node_index].output_tensors
    if tensor_index >= len(outputs):
        raise ValueError(
            f"Invalid functional config: call {node_index} of layer "
            f"{name!r} has {len(outputs)} outputs; the config asks for "
            f"output {tensor_index}."
        )
    return outputs[tensor_index]


def _node_arguments(node_data: Any, created: dict) -> tuple[list, dict]:
    if isinstance(node_data, list):
        # Keras 2 files: a list of [name, node_index, tensor_index, kwargs].
        if not node_data or not all(
            isinstance(e, list) and len(e) in (3, 4) for e in node_data
        ):
            raise ValueError(
                "Invalid functional config: expected a Keras 2 node, a list "
                "of [layer name, node index, tensor index, kwargs]. "
                f"Received: {node_data!r}"[:400]
            )
        tensors = [_output_of(created, *entry[:3]) for entry in node_data]
        kwargs = node_data[0][3] if len(node_data[0]) > 3 else {}
        if not isinstance(kwargs, dict):
            raise ValueError(
                "Invalid functional config: expected a node's kwargs to be a "
                f"dict. Received: {kwargs!r}"[:400]
            )
        return [tensors[0] if len(tensors) == 1 else tensors], dict(kwargs)
    if not (
        isinstance(node_data, dict)
        and isinstance(node_data.get("args", []), list)
        and isinstance(node_data.get("kwargs", {}), dict)
    ):
        raise ValueError(
            "Invalid functional config: expected a node {'args': [...], "
            f"'kwargs': {{...}}}}. Received: {node_data!r}"[:400]
        )
    args = deserialize_keras_object(node_data.get("args", []))
    kwargs = deserialize_keras_object(node_data.get("kwargs", {}))

    def revive(x):
        history = getattr(x, "_pre_serialization_keras_history", None)
        if isinstance(x, SymbolicTensor) and history is not None:
            return _output_of(created, *history)
        return x

    args = map_structure(revive, list(args))
    kwargs = map_structure(revive, kwargs)
    mask = kwargs.get("mask")
    if mask is not None and not all(
        m is None or isinstance(m, SymbolicTensor)
        for m in jax.tree_util.tree_leaves(mask, is_leaf=is_symbolic)
    ):
        raise ValueError(
            "Invalid functional config: expected a node's `mask` to be "
            f"tensors of the graph or None. Received: mask={mask!r}"[:400]
        )
    if kwargs.get("training") not in (None, True, False):
        raise ValueError(
            "Invalid functional config: expected a node's `training` to be "
            f"a bool or None. Received: training={kwargs['training']!r}"
        )
    if not any_symbolic([args, kwargs]):
        raise ValueError(
            "Invalid functional config: a node's arguments hold no tensor "
            f"of the graph. Received: {node_data!r}"[:400]
        )
    return args, kwargs


def _layer_applier(layer):
    def apply(args: list, kwargs: dict) -> None:
        layer(*args, **kwargs)

    return apply


def _is_endpoint(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    )


def _check_functional_config(config: Any) -> None:
    """Refuses a functional config whose structure is not Keras'."""
    problem = None
    if not isinstance(config, dict):
        problem = f"expected a dict. Received: {type(config).__name__}"
    elif not isinstance(config.get("layers"), list):
        problem = "expected `layers` to be a list"
    elif "input_layers" not in config or "output_layers" not in config:
        problem = "expected `input_layers` and `output_layers`"
    else:
        for i, entry in enumerate(config["layers"]):
            if not isinstance(entry, dict):
                problem = (
                    f"expected layer {i} to be a dict. Received: {entry!r}"
                )
            elif not isinstance(entry.get("name"), str | None):
                problem = f"expected layer {i}'s `name` to be a string"
            elif not isinstance(entry.get("inbound_nodes", []), list):
                problem = f"expected layer {i}'s `inbound_nodes` to be a list"
            if problem:
                break
    if problem:
        raise ValueError(f"Invalid functional config: {problem}."[:500])


def functional_from_config(
    cls, config: dict, custom_objects: dict | None = None
):
    """Rebuilds a functional model (of class `cls`) from its config."""
    created: dict[str, Any] = {}
    appliers: dict[str, Any] = {}
    pending: dict[str, list] = {}
    _check_functional_config(config)
    for layer_data in config["layers"]:
        if is_op_entry(layer_data):
            layer, apply = load_op(layer_data)
        else:
            layer = deserialize_keras_object(
                layer_data, custom_objects=custom_objects
            )
            apply = _layer_applier(layer)
            if not isinstance(layer, Layer):
                raise ValueError(
                    "Invalid functional config: expected each entry of "
                    "`layers` to describe a layer. Received: "
                    f"{layer_data!r}"[:400]
                )
        name = layer_data.get("name", layer.name)
        created[name] = layer
        appliers[name] = apply
        pending[name] = list(layer_data.get("inbound_nodes", []))

    # Calls are replayed in the listed order, postponing any whose inputs
    # come from a call not yet made (a layer shared at several depths).
    while any(pending.values()):
        progressed = False
        for name, nodes in pending.items():
            while nodes:
                try:
                    args, kwargs = _node_arguments(nodes[0], created)
                except _NotReady:
                    break
                appliers[name](args, kwargs)
                nodes.pop(0)
                progressed = True
        if not progressed:
            stuck = sorted(name for name, nodes in pending.items() if nodes)
            raise ValueError(
                "Invalid functional config: the graph has a cycle or "
                f"refers to calls that do not exist, at layers {stuck}."
            )

    def endpoint(value: Any):
        if _is_endpoint(value):
            name, node_index, tensor_index = value
            layer = created.get(name)
            if layer is not None and _is_functional(layer):
                node_index -= 1
            if isinstance(layer, InputLayer):
                node_index = 0
            try:
                return _output_of(created, name, node_index, tensor_index)
            except _NotReady:
                raise ValueError(
                    f"Invalid functional config: layer {name!r} has no "
                    f"call {node_index}."
                ) from None
        if isinstance(value, dict):
            return {k: endpoint(v) for k, v in value.items()}
        if isinstance(value, list | tuple) and value:
            return [endpoint(v) for v in value]
        raise ValueError(
            "Invalid functional config: expected input and output layers as "
            f"[layer name, node index, tensor index]. Received: {value!r}"
        )

    return cls(
        inputs=endpoint(config["input_layers"]),
        outputs=endpoint(config["output_layers"]),
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )


def sequential_get_config(model) -> dict:
    """The Keras 3 config of a Sequential model."""
    config = {
        "name": model.name,
        "trainable": model.trainable,
        "dtype": dtype_policies.serialize(model.dtype_policy),
        "layers": [serialize_keras_object(x) for x in model._stack],
    }
    if model.built and model._functional is not None:
        shape = model._functional.inputs[0].shape
        config["build_input_shape"] = list(shape)
    return config


def sequential_from_config(
    cls, config: dict, custom_objects: dict | None = None
):
    """Rebuilds a Sequential model (of class `cls`) from its config."""
    layer_configs = config["layers"] if isinstance(config, dict) else config
    model = cls(
        name=config.get("name") if isinstance(config, dict) else None,
        trainable=(
            config.get("trainable", True) if isinstance(config, dict) else True
        ),
    )
    for layer_config in layer_configs:
        layer = deserialize_keras_object(
            layer_config, custom_objects=custom_objects
        )
        model.add(layer, rebuild=False)
    model._maybe_rebuild()
    shape = (
        config.get("build_input_shape") if isinstance(config, dict) else None
    )
    if not model.built and shape is not None:
        model.build(tuple(shape))
    return model


def to_json(model, **kwargs) -> str:
    """Returns the model's config as a JSON string (Keras' `to_json`).

    Args:
        model: the model.
        **kwargs: passed to `json.dumps`.
    """
    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """Builds a model, without weights, from `model.to_json()`'s string.

    Args:
        json_string: the JSON config, as `to_json` (ember's or Keras')
            writes it.
        custom_objects: optional dict of names to user classes/functions.

    Returns:
        The model, with freshly initialized weights.

    Example:

    >>> model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
    >>> clone = ember.models.model_from_json(model.to_json())
    >>> clone.output_shape
    (None, 2)
    """
    config = load_json(json_string, "the JSON string of model_from_json")
    return deserialize_keras_object(config, custom_objects=custom_objects)
