"""Core ops: conversion, casting, shapes, slicing and scatter.

Control flow (`cond`, loops, `scan`, maps) lives in `control_flow.py`.
"""

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.core.ranks import promote_ranks
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.core.symbolic import symbolic_op
from ember.core.variable import Variable

# What ops accept: jax arrays, Variables, numpy arrays, Python numbers and
# nested lists of them, and (through `symbolic_op`) symbolic tensors.
ArrayLike = Any


def _array(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Returns `x` as a jax array; Python numbers stay weakly typed."""
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        if isinstance(x, jax.Array):
            return x if x.dtype == dtype else x.astype(dtype)
        return jnp.asarray(x, dtype=dtype)
    if isinstance(x, jax.Array):
        return x
    return jnp.asarray(x)


def _ranked(*xs: ArrayLike) -> tuple:
    """`xs` as jax arrays of one rank, ready for an element-wise `jnp` call.

    NumPy broadcasting across ranks is done here, explicitly, so `jnp`
    never promotes ranks itself (the tests make it refuse to).
    """
    return promote_ranks(*(_array(x) for x in xs))


def _as_float(x: ArrayLike) -> jax.Array:
    """`x` as a jax array, integers and booleans cast to `floatx`."""
    x = _array(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def _unwrap_variables(tree: Any) -> Any:
    return map_structure(
        lambda x: x.value if isinstance(x, Variable) else x, tree
    )


@symbolic_op
def convert_to_tensor(
    x: ArrayLike,
    dtype: Any = None,
    sparse: bool | None = None,
    ragged: bool | None = None,
) -> jax.Array:
    """Converts a NumPy array, list, number or Variable to a jax array.

    Args:
        x: the value to convert.
        dtype: the target dtype; by default the value's own (Python floats
            become `float32`, Python ints `int32`).
        sparse: ignored; ember tensors are always dense.
        ragged: must be falsy; ragged tensors are not supported.

    Returns:
        A jax array.
    """
    if ragged:
        raise ValueError(
            "Ragged tensors are not supported by ember. Received: ragged=True"
        )
    return _array(x, dtype)


def convert_to_numpy(x: ArrayLike) -> np.ndarray:
    """Converts a tensor (or Variable, or array-like) to a NumPy array.

    Args:
        x: the value to convert; not a symbolic tensor.

    Returns:
        A NumPy array.
    """
    if is_symbolic(x):
        raise ValueError(
            "A symbolic tensor has no value to convert to NumPy; it stands "
            f"for data that arrives later. Received: x={x}"
        )
    if isinstance(x, Variable):
        x = x.value
    return np.asarray(x)


def is_tensor(x: Any) -> bool:
    """Whether `x` is a jax array (a concrete or traced one).

    Symbolic tensors, Variables and NumPy arrays are not tensors here, as in
    Keras' JAX backend.
    """
    return isinstance(x, jax.Array)


def shape(x: ArrayLike) -> tuple:
    """Returns the shape of `x` as a tuple.

    On a symbolic tensor, unknown dimensions are `None`. No graph node is
    recorded.

    Args:
        x: a tensor, Variable, symbolic tensor or array-like.

    Returns:
        A tuple of ints (or None for unknown dimensions).
    """
    if is_symbolic(x) or isinstance(x, Variable):
        return tuple(x.shape)
    return tuple(jnp.shape(x))


def dtype(x: ArrayLike) -> str:
    """Returns the dtype name of `x`, such as `"float32"`.

    Args:
        x: a tensor, Variable, symbolic tensor or array-like.

    Returns:
        A string.
    """
    if hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    return standardize_dtype(jnp.asarray(x).dtype)


@symbolic_op
def cast(x: ArrayLike, dtype: Any) -> jax.Array:
    """Casts `x` to `dtype`.

    Args:
        x: input tensor.
        dtype: the target dtype.

    Returns:
        A tensor of the same shape with dtype `dtype`.
    """
    return _array(x, dtype)


@symbolic_op
def stop_gradient(variable: ArrayLike) -> jax.Array:
    """Returns `variable`'s value with gradients stopped.

    Args:
        variable: a tensor or Variable.

    Returns:
        The same value, treated as a constant by differentiation.
    """
    return jax.lax.stop_gradient(_array(variable))


@symbolic_op
def slice(
    inputs: ArrayLike, start_indices: Sequence, shape: Sequence[int]
) -> jax.Array:
    """Returns the block of `inputs` of size `shape` at `start_indices`.

    Args:
        inputs: input tensor.
        start_indices: the start of the block in each dimension (may be
            traced values).
        shape: the size of the block; -1 takes the rest of that dimension.

    Returns:
        A tensor of shape `shape`.
    """
    inputs = _array(inputs)
    sizes = tuple(
        inputs.shape[i] - start if size == -1 else size
        for i, (start, size) in enumerate(
            zip(start_indices, shape, strict=True)
        )
    )
    return jax.lax.dynamic_slice(inputs, tuple(start_indices), sizes)


@symbolic_op
def slice_update(
    inputs: ArrayLike, start_indices: Sequence, updates: ArrayLike
) -> jax.Array:
    """Writes `updates` into `inputs` at `start_indices`.

    Args:
        inputs: input tensor.
        start_indices: where the block starts in each dimension.
        updates: the block to write, of the same rank as `inputs`.

    Returns:
        A new tensor; `inputs` is unchanged.
    """
    inputs = _array(inputs)
    updates = _array(updates, inputs.dtype)
    return jax.lax.dynamic_update_slice(inputs, updates, tuple(start_indices))


@symbolic_op
def scatter(
    indices: ArrayLike, values: ArrayLike, shape: Sequence[int]
) -> jax.Array:
    """Returns a zero tensor of `shape` with `values` added at `indices`.

    Args:
        indices: integer tensor of shape `(N, k)`: the first `k` coordinates
            of each update.
        values: tensor of shape `(N,) + shape[k:]`.
        shape: the output shape.

    Returns:
        A tensor of shape `shape` and the dtype of `values`.
    """
    values = _array(values)
    coords = tuple(jnp.moveaxis(_array(indices), -1, 0))
    return jnp.zeros(shape, values.dtype).at[coords].add(values)


@symbolic_op
def scatter_update(
    inputs: ArrayLike,
    indices: ArrayLike,
    updates: ArrayLike,
    reduction: str | None = None,
) -> jax.Array:
    """Writes (or combines) `updates` into `inputs` at `indices`.

    Args:
        inputs: input tensor.
        indices: integer tensor of shape `(N, k)`.
        updates: tensor of shape `(N,) + inputs.shape[k:]`.
        reduction: None to overwrite, or `"add"`, `"max"`, `"min"`, `"mul"`.

    Returns:
        A new tensor of the shape of `inputs`.
    """
    at = _array(inputs).at[tuple(jnp.moveaxis(_array(indices), -1, 0))]
    methods = {
        None: at.set,
        "add": at.add,
        "max": at.max,
        "min": at.min,
        "mul": at.multiply,
    }
    if reduction not in methods:
        raise ValueError(
            "`reduction` must be None, 'add', 'max', 'min' or 'mul'. "
            f"Received: reduction={reduction!r}"
        )
    return methods[reduction](updates)


@symbolic_op
def unstack(x: ArrayLike, num: int | None = None, axis: int = 0) -> list:
    """Splits `x` along `axis` into a list of tensors of rank one less.

    Args:
        x: input tensor.
        num: the expected number of pieces (checked when given).
        axis: the axis to unstack along.

    Returns:
        A list of `x.shape[axis]` tensors.
    """
    x = _array(x)
    count = x.shape[axis]
    if num is not None and num != count:
        raise ValueError(
            f"`num` must equal x.shape[{axis}]={count}. Received: num={num}"
        )
    return [
        jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(count)
    ]


def custom_gradient(f: Callable) -> Callable:
    """Decorates `f` to use its own gradient.

    `f` returns `(output, grad_fn)`, where `grad_fn(upstream)` returns the
    gradients with respect to `f`'s positional arguments.

    Args:
        f: the function to decorate.

    Returns:
        A function computing `f`'s output with the custom gradient.
    """
    with_gradient = jax.custom_gradient(f)

    def wrapper(*args, **kwargs):
        args, kwargs = _unwrap_variables((args, kwargs))
        return with_gradient(*args, **kwargs)

    return wrapper
