"""Ops applied directly to symbolic tensors, in Keras 3's config format.

Keras writes each such call as a "layer" entry of the functional config:
the op's class (`"Add"`, `"Sum"`) and module (`"keras.src.ops.numpy"`), a
`"config"` holding the op's name and its static (constructor) arguments,
such as `axis` and `keepdims`, and `"inbound_nodes"` whose `"args"` are
the call arguments: tensors and constants, in order.

The table below is the whole list of ops ember writes and reads this way.
Loading resolves a class name only through it: no module named in a file
is imported and no function outside the table is called.
"""

import inspect
from collections.abc import Callable
from typing import Any
from typing import NamedTuple

import jax.numpy as jnp

from ember import ops
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import FunctionOperation
from ember.core.symbolic import get_item
from ember.saving.serialization_lib import deserialize_keras_object
from ember.saving.serialization_lib import serialize_keras_object

_NUMPY = "keras.src.ops.numpy"
_NN = "keras.src.ops.nn"
_MATH = "keras.src.ops.math"
_CORE = "keras.src.ops.core"

_REDUCTION = ("axis", "keepdims")

# Keras module -> {ember op name: its static (constructor) parameters}.
# Every other parameter of the ember op is a call argument, which Keras
# passes positionally in signature order (ember's signatures are Keras').
_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    _NUMPY: {
        **dict.fromkeys(
            (
                "add subtract multiply divide true_divide floor_divide mod "
                "power maximum minimum matmul dot arctan2 equal not_equal "
                "less less_equal greater greater_equal logical_and "
                "logical_or logical_xor logical_not negative abs absolute "
                "square sqrt exp log log1p expm1 reciprocal sign floor ceil "
                "sin cos tanh where get_item"
            ).split(),
            (),
        ),
        **dict.fromkeys(
            "sum mean std var any all argmax argmin".split(), _REDUCTION
        ),
        "max": (*_REDUCTION, "initial"),
        "min": (*_REDUCTION, "initial"),
        "prod": (*_REDUCTION, "dtype"),
        "cumsum": ("axis", "dtype"),
        "round": ("decimals",),
        "reshape": ("newshape",),
        "transpose": ("axes",),
        "expand_dims": ("axis",),
        "squeeze": ("axis",),
        "concatenate": ("axis",),
        "stack": ("axis",),
        "flip": ("axis",),
        "tile": ("repeats",),
        "repeat": ("repeats", "axis"),
        "broadcast_to": ("shape",),
        "take": ("axis",),
        "take_along_axis": ("axis",),
        "tensordot": ("axes",),
        "clip": ("x_min", "x_max"),
        "zeros_like": ("dtype",),
        "ones_like": ("dtype",),
        "full_like": ("dtype",),
    },
    _NN: {
        **dict.fromkeys(
            (
                "relu relu6 sigmoid silu selu softplus softsign log_sigmoid "
                "hard_sigmoid"
            ).split(),
            (),
        ),
        "softmax": ("axis",),
        "log_softmax": ("axis",),
        "gelu": ("approximate",),
        "elu": ("alpha",),
        "leaky_relu": ("negative_slope",),
        "one_hot": ("num_classes", "axis", "dtype", "sparse"),
    },
    _MATH: {"rsqrt": (), "erf": (), "logsumexp": _REDUCTION},
    _CORE: {"cast": ("dtype",)},
}

# Keras class names are the CamelCase of the op name, except these (Keras'
# `ops.abs` records an `Absolute` op).
_CLASS_NAMES = {"abs": "Absolute"}

# The jax.numpy functions that SymbolicTensor's operators (`x + 1`, `-x`,
# `x[0]`, `x.T`) record, and the op each one stands for, as in Keras.
_OPERATOR_FUNCTIONS: dict[str, Callable] = {
    "add": jnp.add,
    "subtract": jnp.subtract,
    "multiply": jnp.multiply,
    "true_divide": jnp.true_divide,
    "floor_divide": jnp.floor_divide,
    "mod": jnp.mod,
    "power": jnp.power,
    "matmul": jnp.matmul,
    "logical_and": jnp.logical_and,
    "logical_or": jnp.logical_or,
    "logical_xor": jnp.logical_xor,
    "less": jnp.less,
    "less_equal": jnp.less_equal,
    "greater": jnp.greater,
    "greater_equal": jnp.greater_equal,
    "negative": jnp.negative,
    "absolute": jnp.abs,
    "transpose": jnp.transpose,
    "get_item": get_item,
}


class OpSpec(NamedTuple):
    """How one ember op is written in a Keras config."""

    name: str
    class_name: str
    module: str
    static: tuple[str, ...]
    function: Callable

    @property
    def signature(self) -> inspect.Signature:
        return inspect.signature(self.function)

    @property
    def call_parameters(self) -> list[str]:
        return [p for p in self.signature.parameters if p not in self.static]


def _camel_case(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _build_specs() -> tuple[dict[int, OpSpec], dict[str, OpSpec]]:
    by_name: dict[str, OpSpec] = {}
    for module, entries in _TABLE.items():
        for name, static in entries.items():
            class_name = _CLASS_NAMES.get(name, _camel_case(name))
            function = getattr(ops, name)
            by_name[name] = OpSpec(name, class_name, module, static, function)
    # Loading accepts each op's own CamelCase name ("Abs") and the class
    # name written for it ("Absolute").
    by_class = {_camel_case(name): spec for name, spec in by_name.items()}
    for spec in by_name.values():
        by_class.setdefault(spec.class_name, spec)
    # Keyed by id: jax.numpy's ufuncs need not hash by identity.
    by_function = {
        id(getattr(spec.function, "__wrapped__", spec.function)): spec
        for spec in by_name.values()
    }
    for name, function in _OPERATOR_FUNCTIONS.items():
        by_function[id(function)] = by_name[name]
    return by_function, by_class


_BY_FUNCTION, _BY_CLASS = _build_specs()
SERIALIZABLE_OPS = tuple(sorted(name for t in _TABLE.values() for name in t))


def op_spec(operation: FunctionOperation) -> OpSpec:
    """The table entry for a recorded op call, or a clear error."""
    spec = _BY_FUNCTION.get(id(operation.fn))
    if spec is None:  # an operator, recorded through its rank-promoting twin
        wrapped = getattr(operation.fn, "__wrapped__", None)
        spec = _BY_FUNCTION.get(id(wrapped))
    if spec is None:
        raise ValueError(
            f'The op "{operation.name}" was applied directly to symbolic '
            "tensors, and ember cannot serialize it: only these ops can be "
            f"saved that way: {', '.join(SERIALIZABLE_OPS)}. Wrap it in a "
            "layer (a registered Layer subclass) instead."
        )
    return spec


def _static_value(parameter: str, value: Any) -> Any:
    if parameter == "dtype" and value is not None:
        return standardize_dtype(value)
    return value


def op_layer_config(operation: FunctionOperation, nodes: list, node_config):
    """The Keras "layers" entry of an op called on symbolic tensors.

    Args:
        operation: the recorded op.
        nodes: its calls that belong to the model being saved.
        node_config: makes an inbound-node dict from `(args, kwargs)`.
    """
    spec = op_spec(operation)
    if len(nodes) != 1:
        raise ValueError(
            f'The op "{operation.name}" is called {len(nodes)} times in '
            "the model; an op entry of a Keras config holds one call."
        )
    node = nodes[0]
    bound = spec.signature.bind(*node.call_args, **node.call_kwargs)
    bound.apply_defaults()
    arguments = bound.arguments
    config = {"name": operation.name}
    for parameter in spec.static:
        value = _static_value(parameter, arguments[parameter])
        config[parameter] = serialize_keras_object(value)
    args = [arguments[p] for p in spec.call_parameters]
    return {
        "module": spec.module,
        "class_name": spec.class_name,
        "config": config,
        "registered_name": spec.class_name,
        "name": operation.name,
        "inbound_nodes": [node_config(args, {})],
    }


def is_op_entry(layer_data: Any) -> bool:
    """Whether a "layers" entry of a functional config is a Keras op."""
    module = layer_data.get("module") if isinstance(layer_data, dict) else None
    return isinstance(module, str) and module.startswith("keras.src.ops.")


def _spec_for_entry(layer_data: dict) -> tuple[OpSpec, str, str, dict]:
    class_name = layer_data.get("class_name")
    config = layer_data.get("config", {})
    name = layer_data.get("name")
    if name is None and isinstance(config, dict):
        name = config.get("name")
    label = f'op "{name}" ({class_name!r} from {layer_data.get("module")!r})'
    spec = _BY_CLASS.get(class_name) if isinstance(class_name, str) else None
    if spec is None:
        raise ValueError(
            f"Cannot load the {label}: ember loads only these ops applied "
            f"directly to symbolic tensors: {', '.join(SERIALIZABLE_OPS)}. "
            "Wrap the computation in a layer instead."
        )
    if not isinstance(name, str) or not name:
        raise ValueError(f"Invalid {label}: it has no name.")
    if not isinstance(config, dict):
        raise ValueError(
            f"Invalid {label}: its config must be a dict. Received: "
            f"config={config!r}"
        )
    unknown = sorted(set(config) - {"name", *spec.static})
    if unknown:
        raise ValueError(
            f"Invalid {label}: unknown config keys {unknown}; it accepts "
            f"{['name', *spec.static]}."
        )
    return spec, name, label, config


def load_op(layer_data: dict) -> tuple[FunctionOperation, Callable]:
    """Rebuilds an op entry: the operation and a function to replay a call.

    The returned `apply(args, kwargs)` calls the ember op on rebuilt
    symbolic tensors with the entry's static config, recording a node of
    the returned operation. Malformed entries raise `ValueError`s naming
    the op.
    """
    spec, name, label, config = _spec_for_entry(layer_data)
    static = {
        key: deserialize_keras_object(value)
        for key, value in config.items()
        if key != "name"
    }
    function = getattr(spec.function, "__wrapped__", spec.function)
    operation = FunctionOperation(function)
    operation.name = name  # the name the file's tensors refer to

    def apply(args: list, kwargs: dict) -> None:
        if not isinstance(kwargs, dict) or set(kwargs) & set(static):
            raise ValueError(
                f"Invalid {label}: its call kwargs {kwargs!r} repeat or "
                f"clash with its config {static!r}."
            )
        try:
            bound = spec.signature.bind(*args, **kwargs, **static)
        except TypeError as error:
            raise ValueError(
                f"Invalid {label}: its call arguments do not fit "
                f"{spec.name}{spec.signature}: {error}"
            ) from None
        if spec.name == "get_item" and isinstance(bound.arguments["key"], list):
            # JSON turns the tuple key `x[:, 0]` into a list.
            bound.arguments["key"] = tuple(bound.arguments["key"])
        try:
            operation(*bound.args, **bound.kwargs)
        except (TypeError, ValueError, IndexError) as error:
            raise ValueError(
                f"Cannot rebuild the {label} on its inputs: {error}"
            ) from error

    return operation, apply
