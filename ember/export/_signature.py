"""What an exported model takes and computes: input specs and a pure call.

Every export format (StableHLO, ONNX, ExportArchive endpoints) starts from
the same two things: the structure of the model's positional inputs as
`InputSpec`s (None for dimensions left open, the batch first), and a pure
function of those inputs with the weights captured as constants.
"""

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import flatten
from ember.core.symbolic import map_structure
from ember.layers.input_spec import InputSpec


def default_signature(model) -> list:
    """The model's positional inputs as a list of InputSpec structures.

    Args:
        model: a built model or layer.

    Returns:
        A list with one entry per positional argument of `call`; each entry
        is an InputSpec or a structure (list, dict) of them, as Keras'
        `input_signature`.
    """
    if not model.built:
        raise ValueError(
            f'Model "{model.name}" must be built before it is exported: '
            "call it once on data or call `build(input_shape)`."
        )
    inputs = _symbolic_inputs(model)
    if inputs is not None:
        return [
            map_structure(
                lambda t: InputSpec(shape=t.shape, dtype=t.dtype, name=t.name),
                inputs,
            )
        ]
    shapes = getattr(model, "_build_shapes_dict", None)
    if not shapes:
        raise ValueError(
            f'Cannot tell the input shape of "{model.name}": pass '
            "`input_signature`, e.g. [InputSpec(shape=(None, 10))]."
        )
    return [
        _shape_tree_to_specs(shape, model.compute_dtype)
        for shape in shapes.values()
    ]


def standardize_signature(model, input_signature: Any = None) -> list:
    """Checks a user's `input_signature` and returns it as InputSpecs.

    Accepts InputSpec, `jax.ShapeDtypeStruct`, arrays (their shape and
    dtype) and structures of these, one entry per positional argument.
    When the model has symbolic inputs, the ranks and fixed dimensions
    are checked against them.

    Args:
        model: the model being exported.
        input_signature: the user's signature, or None for the model's own.

    Returns:
        A list of InputSpec structures, one per positional argument.
    """
    if input_signature is None:
        return default_signature(model)
    if not isinstance(input_signature, list | tuple):
        input_signature = [input_signature]
    signature = [
        jax.tree_util.tree_map(_to_spec, entry) for entry in input_signature
    ]
    inputs = _symbolic_inputs(model)
    if inputs is not None:
        given = flat_specs(signature)
        expected = flatten(inputs)
        if len(given) != len(expected):
            raise ValueError(
                f'Model "{model.name}" takes {len(expected)} input(s) '
                f"{[tuple(t.shape) for t in expected]}, but input_signature "
                f"has {len(given)}: {[s.shape for s in given]}."
            )
        for spec, tensor in zip(given, expected, strict=True):
            _check_compatible(model, spec, tensor)
        if len(signature) != 1:
            # A functional model takes one argument holding all inputs.
            if not isinstance(inputs, list | tuple):
                raise ValueError(
                    f'Model "{model.name}" takes its inputs as one '
                    f"{type(inputs).__name__}: pass input_signature as a "
                    "list with one entry, that structure of InputSpecs."
                )
            signature = [list(signature)]
    return signature


def serving_function(model) -> Callable[..., Any]:
    """A pure function `f(*inputs) -> outputs` of the model in inference.

    The weights are read once, now, and captured as constants: the result
    can be traced, lowered and serialized without the model.

    Args:
        model: a built model or layer.

    Returns:
        The function, calling the model with `training=False`.
    """
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def serve(*inputs):
        outputs, _ = model.stateless_call(
            trainable, non_trainable, *inputs, training=False
        )
        return outputs

    return serve


def abstract_arguments(signature: list) -> list:
    """`jax.ShapeDtypeStruct`s for a signature, open dimensions symbolic.

    Every None dimension gets its own symbol, except the first dimension
    of every input, which shares the symbol `batch`.

    Args:
        signature: a list of InputSpec structures.

    Returns:
        The same structure of `jax.ShapeDtypeStruct`.
    """
    from jax import export

    counter = iter(range(1, 1_000_000))
    scope = export.SymbolicScope()

    def abstract(spec: InputSpec):
        names = []
        for axis, dim in enumerate(spec.shape):
            if dim is not None:
                names.append(str(dim))
            elif axis == 0:
                names.append("batch")
            else:
                names.append(f"d{next(counter)}")
        shape = export.symbolic_shape(", ".join(names) or "", scope=scope)
        return jax.ShapeDtypeStruct(shape, np.dtype(spec.dtype))

    return jax.tree_util.tree_map(abstract, list(signature))


def flat_specs(signature: list) -> list[InputSpec]:
    """The InputSpecs of a signature, in flat (tree-leaves) order."""
    return jax.tree_util.tree_leaves(list(signature))


def _symbolic_inputs(model):
    functional = getattr(model, "_functional", None)
    if functional is not None:
        model = functional
    return getattr(model, "_inputs_struct", None)


def _shape_tree_to_specs(shape, dtype):
    # A subclassed model built from data: the batch dimension stays open.
    if isinstance(shape, dict):
        return {k: _shape_tree_to_specs(v, dtype) for k, v in shape.items()}
    if isinstance(shape, list | tuple) and shape and not _is_dim(shape[0]):
        return [_shape_tree_to_specs(s, dtype) for s in shape]
    return InputSpec(shape=(None, *tuple(shape)[1:]), dtype=dtype)


def _is_dim(value) -> bool:
    return value is None or isinstance(value, int | np.integer)


def _to_spec(x) -> InputSpec:
    if isinstance(x, InputSpec):
        if x.shape is None:
            raise ValueError(
                f"Each InputSpec of input_signature needs a shape, got {x}."
            )
        return InputSpec(
            shape=x.shape,
            dtype=standardize_dtype(x.dtype or "float32"),
            name=x.name,
        )
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return InputSpec(shape=tuple(x.shape), dtype=standardize_dtype(x.dtype))
    raise ValueError(
        "input_signature entries must be InputSpec, jax.ShapeDtypeStruct or "
        f"arrays; got {type(x).__name__}: {x!r}."
    )


def _check_compatible(model, spec: InputSpec, tensor) -> None:
    expected = tuple(tensor.shape)
    given = tuple(spec.shape)
    ok = len(given) == len(expected) and all(
        e is None or g == e for g, e in zip(given, expected, strict=True)
    )
    if not ok:
        raise ValueError(
            f'Model "{model.name}" expects an input of shape {expected} '
            f'("{tensor.name}"), but input_signature gives {given}.'
        )
