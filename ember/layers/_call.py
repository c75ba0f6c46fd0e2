"""The phases of `Layer.__call__`: convert, build, resolve `training`, masks,
call.

Also the stateless twin, the same call inside a state scope.

Kept apart from `layer.py` so the base class reads as the public contract.
"""

import contextvars
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import naming
from ember.core.dtypes import standardize_dtype
from ember.core.state_scope import StateScope
from ember.core.symbolic import Node
from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import compute_output_spec
from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.layers import _masking
from ember.layers._losses import add_activity_losses

# The `training` flag of the outermost call, inherited by nested calls that
# were not given one explicitly.
_TRAINING = contextvars.ContextVar("ember_training", default=None)
_IN_CALL = contextvars.ContextVar("ember_in_call", default=False)
_NOT_CONVERTED = ("training", "mask")


def in_call() -> bool:
    """Whether a layer call is running (the current call is nested)."""
    return _IN_CALL.get()


def _convert_leaf(x, compute_dtype: str, autocast: bool):
    if isinstance(x, np.ndarray | np.generic):
        x = jnp.asarray(x)
    if (
        autocast
        and isinstance(x, jax.Array)
        and jnp.issubdtype(x.dtype, jnp.floating)
        and x.dtype != compute_dtype
    ):
        x = x.astype(compute_dtype)
    return x


def convert_inputs(layer, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Turns numpy inputs into jax arrays in the layer's compute dtype."""
    compute = standardize_dtype(layer.compute_dtype)
    autocast = layer.autocast and "float" in compute

    def convert(x):
        return _convert_leaf(x, compute, autocast)

    converted_args = tuple(map_structure(convert, a) for a in args)
    converted_kwargs = {
        k: v if k in _NOT_CONVERTED else map_structure(convert, v)
        for k, v in kwargs.items()
    }
    _masking.carry_masks((args, kwargs), (converted_args, converted_kwargs))
    return converted_args, converted_kwargs


def shape_of(x) -> Any:
    """The shape (tuple) of each array or symbolic tensor in a structure."""
    if isinstance(x, list | tuple):
        return type(x)(shape_of(v) for v in x)
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return x


def build_shapes(layer, args: tuple, kwargs: dict) -> Any:
    """What `build` receives: the first input's shape, or one per argument.

    A `build` whose parameters are named `<arg>_shape` after `call`'s
    arguments gets a dict of those shapes.
    """
    params = list(inspect.signature(layer.build).parameters)
    call_params = [
        p
        for p in layer._call_signature.parameters
        if p not in ("training", "mask")
    ]
    named = dict(zip(call_params, args, strict=False))
    named.update({k: v for k, v in kwargs.items() if k in call_params})
    if len(params) > 1 and all(p.endswith("_shape") for p in params):
        return {p: shape_of(named.get(p[: -len("_shape")])) for p in params}
    first = args[0] if args else next(iter(named.values()), None)
    return shape_of(first)


def resolve_training(layer, kwargs: dict) -> Any:
    """Explicit argument, else the enclosing call's, else call's default."""
    training = kwargs.get("training")
    if training is None:
        training = _TRAINING.get()
    if training is None and layer._call_has_training_arg:
        default = layer._call_signature.parameters["training"].default
        if default is not inspect.Parameter.empty:
            training = default
    return training


def call_in_context(layer, args: tuple, kwargs: dict) -> Any:
    """Runs `layer.call` with `training` resolved and the name scope set.

    Masks propagate as in Keras (see `_masking`): the inputs' masks fill the
    `mask` argument, and the outputs' masks are recorded for the next layer.
    The outermost call opens the mask table; its own outputs' masks would
    have no reader, so they are not computed.
    """
    with _masking.scope() as nested:
        if not nested:
            return _call(layer, args, kwargs)
        kwargs, previous_mask = _masking.populate(layer, args, kwargs)
        outputs = _call(layer, args, kwargs)
        inputs = _masking.first_argument(layer, args, kwargs)
        _masking.set_output_masks(layer, inputs, outputs, previous_mask)
        return outputs


def _call(layer, args: tuple, kwargs: dict) -> Any:
    training = resolve_training(layer, kwargs)
    kwargs = dict(kwargs)
    if layer._call_has_training_arg and training is not None:
        kwargs["training"] = training
    elif not layer._call_has_training_arg:
        kwargs.pop("training", None)
    if not layer._call_has_mask_arg:
        kwargs.pop("mask", None)
    token = _TRAINING.set(training)
    in_call_token = _IN_CALL.set(True)
    try:
        # jax's name scope tags the traced equations with the layer (what
        # ONNX export names in its errors).
        with naming.name_scope(layer.name), jax.named_scope(layer.name):
            outputs = layer.call(*args, **kwargs)
    finally:
        _IN_CALL.reset(in_call_token)
        _TRAINING.reset(token)
    if layer.activity_regularizer is not None:
        add_activity_losses(layer, outputs)
    return outputs


def stateless_call(
    layer,
    trainable_values: list,
    non_trainable_values: list,
    args: tuple,
    kwargs: dict,
    return_losses: bool,
):
    """The body of `Layer.stateless_call`: the call in a state scope."""
    if not layer.built:
        raise ValueError(
            f'Layer "{layer.name}" must be built before `stateless_call`: '
            "call it once on data or call `build(input_shape)`."
        )
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    for label, given, expected in (
        ("trainable_variables", trainable_values, trainable),
        ("non_trainable_variables", non_trainable_values, non_trainable),
    ):
        if len(given) != len(expected):
            raise ValueError(
                f'Layer "{layer.name}" has {len(expected)} {label}, but '
                f"stateless_call received {len(given)}."
            )
    mapping = list(zip(trainable, trainable_values, strict=True))
    mapping += zip(non_trainable, non_trainable_values, strict=True)
    with StateScope(mapping) as scope:
        outputs = call_in_context(layer, args, kwargs)
        losses = layer.losses if return_losses else []
    new_non_trainable = [scope.get(v) for v in non_trainable]
    if return_losses:
        return outputs, new_non_trainable, losses
    return outputs, new_non_trainable


def compute_spec(layer, args: tuple, kwargs: dict) -> Any:
    """Symbolic outputs of `layer` for symbolic inputs, by tracing."""

    def run(*a, **k):
        return call_in_context(layer, a, k)

    return compute_output_spec(run, *args, **kwargs)


def symbolic_call(layer, args: tuple, kwargs: dict) -> Any:
    """Computes symbolic outputs and records the call as a graph node.

    The inputs' mask specs go into the same trace, which also returns the
    outputs' mask specs; they are attached to the symbolic outputs.
    """
    leaves = flatten((args, kwargs))
    positions = [i for i, x in enumerate(leaves) if is_symbolic(x)]
    input_masks = [leaves[i]._keras_mask for i in positions]

    def run(a, k, masks):
        with _masking.scope():
            traced = flatten((a, k))
            for i, mask in zip(positions, masks, strict=True):
                _masking.set_mask(traced[i], mask)
            outputs = call_in_context(layer, a, k)
            output_masks = [_masking.get_mask(x) for x in flatten(outputs)]
        return outputs, output_masks

    outputs, output_masks = compute_output_spec(run, args, kwargs, input_masks)
    for tensor, mask in zip(flatten(outputs), output_masks, strict=True):
        if is_symbolic(tensor):
            tensor._keras_mask = mask
    Node(layer, args, kwargs, outputs)
    return outputs


def _is_shape(x) -> bool:
    return isinstance(x, tuple | list) and all(
        d is None or isinstance(d, int) for d in x
    )


def output_shape(layer, input_shape: Any) -> Any:
    """Output shape(s) of `layer` for input shape(s), by tracing."""

    def to_symbolic(shape):
        if _is_shape(shape):
            return SymbolicTensor(shape, dtype=layer.compute_dtype)
        if isinstance(shape, dict):
            return {k: to_symbolic(v) for k, v in shape.items()}
        return type(shape)(to_symbolic(s) for s in shape)

    inputs = to_symbolic(input_shape)
    if not layer.built:
        layer._build_on_call((inputs,), {})
    outputs = compute_spec(layer, (inputs,), {})
    return map_structure(lambda t: t.shape if is_symbolic(t) else t, outputs)
