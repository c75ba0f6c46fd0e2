"""NumPy-style array ops: creation, shapes, joining, indexing.

Element-wise ops live in `numpy.py`; reductions and products in
`numpy_reductions.py`.
"""

import builtins
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.ops._dispatch import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array

Axis = int | Sequence[int] | None


def _axis(axis: Axis) -> int | tuple | None:
    """Lists of axes become tuples (jnp wants them hashable)."""
    return tuple(axis) if isinstance(axis, list) else axis


# -- creation -----------------------------------------------------------------


@symbolic_op
def zeros(shape: int | Sequence[int], dtype: Any = None) -> jax.Array:
    """A tensor of zeros.

    Args:
        shape: the shape.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of zeros.
    """
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@symbolic_op
def ones(shape: int | Sequence[int], dtype: Any = None) -> jax.Array:
    """A tensor of ones.

    Args:
        shape: the shape.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of ones.
    """
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


@symbolic_op
def full(
    shape: int | Sequence[int], fill_value: ArrayLike, dtype: Any = None
) -> jax.Array:
    """A tensor filled with `fill_value`.

    Args:
        shape: the shape.
        fill_value: the value (broadcast to `shape`).
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `shape`.
    """
    fill_value = _array(fill_value)
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@symbolic_op
def zeros_like(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Zeros with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of zeros.
    """
    return jnp.zeros_like(_array(x), dtype=dtype and standardize_dtype(dtype))


@symbolic_op
def ones_like(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Ones with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of ones.
    """
    return jnp.ones_like(_array(x), dtype=dtype and standardize_dtype(dtype))


@symbolic_op
def full_like(
    x: ArrayLike, fill_value: ArrayLike, dtype: Any = None
) -> jax.Array:
    """`fill_value` with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        fill_value: the value.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of the shape of `x`.
    """
    return jnp.full_like(
        _array(x), _array(fill_value), dtype=dtype and standardize_dtype(dtype)
    )


@symbolic_op
def arange(
    start: ArrayLike,
    stop: ArrayLike | None = None,
    step: ArrayLike | None = None,
    dtype: Any = None,
) -> jax.Array:
    """Evenly spaced values in `[start, stop)`.

    With one argument, counts from 0 to `start`.

    Args:
        start: the first value (or the end, when `stop` is None).
        stop: the end (excluded).
        step: the spacing, default 1.
        dtype: the dtype; default `int32` if all bounds are integers,
            `config.floatx()` otherwise.

    Returns:
        A 1-D tensor.
    """
    if dtype is None:
        bounds = [b for b in (start, stop, step) if b is not None]
        is_float = builtins.any(
            isinstance(b, float)
            or (hasattr(b, "dtype") and jnp.issubdtype(b.dtype, jnp.inexact))
            for b in bounds
        )
        dtype = config.floatx() if is_float else "int32"
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


@symbolic_op
def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> jax.Array | tuple:
    """`num` evenly spaced values from `start` to `stop`.

    Args:
        start: the first value.
        stop: the last value (or the end, if `endpoint` is False).
        num: how many values.
        endpoint: whether `stop` is included.
        retstep: whether to also return the spacing.
        dtype: the dtype, default `float32`.
        axis: where the new axis goes when `start`/`stop` are arrays.

    Returns:
        The values, or `(values, step)` when `retstep` is True.
    """
    return jnp.linspace(
        _array(start),
        _array(stop),
        num=num,
        endpoint=endpoint,
        retstep=retstep,
        dtype=dtype and standardize_dtype(dtype),
        axis=axis,
    )


@symbolic_op
def eye(
    N: int, M: int | None = None, k: int = 0, dtype: Any = None
) -> jax.Array:
    """A 2-D tensor with ones on the `k`-th diagonal, zeros elsewhere.

    Args:
        N: the number of rows.
        M: the number of columns, default `N`.
        k: the diagonal: 0 the main one, positive above, negative below.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `(N, M)`.
    """
    return jnp.eye(N, M, k=k, dtype=standardize_dtype(dtype))


@symbolic_op
def identity(n: int, dtype: Any = None) -> jax.Array:
    """The `n` by `n` identity matrix.

    Args:
        n: the size.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `(n, n)`.
    """
    return jnp.identity(n, dtype=standardize_dtype(dtype))


@symbolic_op
def array(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Creates a tensor from array-like data.

    Args:
        x: the data.
        dtype: the dtype, default inferred from `x`.

    Returns:
        A tensor.
    """
    return _array(x, dtype)


@symbolic_op
def copy(x: ArrayLike) -> jax.Array:
    """Returns a copy of `x`.

    Args:
        x: input tensor.

    Returns:
        A tensor equal to `x`.
    """
    return jnp.copy(_array(x))


@symbolic_op
def tril(x: ArrayLike, k: int = 0) -> jax.Array:
    """Zeros the elements above the `k`-th diagonal.

    Args:
        x: input tensor of rank >= 2.
        k: the diagonal offset.

    Returns:
        The lower triangle of `x`.
    """
    return jnp.tril(_array(x), k=k)


@symbolic_op
def triu(x: ArrayLike, k: int = 0) -> jax.Array:
    """Zeros the elements below the `k`-th diagonal.

    Args:
        x: input tensor of rank >= 2.
        k: the diagonal offset.

    Returns:
        The upper triangle of `x`.
    """
    return jnp.triu(_array(x), k=k)


@symbolic_op
def diag(x: ArrayLike, k: int = 0) -> jax.Array:
    """Extracts a diagonal (2-D input) or builds a diagonal matrix (1-D).

    Args:
        x: a 1-D or 2-D tensor.
        k: the diagonal offset.

    Returns:
        The diagonal, or the diagonal matrix.
    """
    return jnp.diag(_array(x), k=k)


# -- shapes -------------------------------------------------------------------


def ndim(x: ArrayLike) -> int:
    """The number of dimensions of `x` (no graph node is recorded).

    Args:
        x: a tensor, Variable, symbolic tensor or array-like.

    Returns:
        An int.
    """
    if hasattr(x, "shape"):
        return len(x.shape)
    return jnp.ndim(x)


@symbolic_op
def size(x: ArrayLike) -> int:
    """The number of elements of `x`.

    Args:
        x: input tensor.

    Returns:
        An int (a scalar symbolic tensor for symbolic `x`).
    """
    return jnp.size(_array(x))


@symbolic_op
def reshape(x: ArrayLike, newshape: int | Sequence[int]) -> jax.Array:
    """Gives `x` a new shape with the same number of elements.

    Args:
        x: input tensor.
        newshape: the new shape; one dimension may be -1 (inferred).

    Returns:
        The reshaped tensor.
    """
    return jnp.reshape(_array(x), newshape)


@symbolic_op
def transpose(x: ArrayLike, axes: Sequence[int] | None = None) -> jax.Array:
    """Permutes the axes of `x`.

    Args:
        x: input tensor.
        axes: the new order of the axes, default reversed.

    Returns:
        The transposed tensor.
    """
    return jnp.transpose(_array(x), axes=_axis(axes))


@symbolic_op
def expand_dims(x: ArrayLike, axis: int | Sequence[int]) -> jax.Array:
    """Inserts a dimension of size 1 at `axis`.

    Args:
        x: input tensor.
        axis: where the new axis (or axes) go in the output.

    Returns:
        A tensor with rank increased.
    """
    return jnp.expand_dims(_array(x), _axis(axis))


@symbolic_op
def squeeze(x: ArrayLike, axis: Axis = None) -> jax.Array:
    """Removes dimensions of size 1.

    Args:
        x: input tensor.
        axis: the axes to remove, default all of size 1.

    Returns:
        A tensor with rank reduced.
    """
    return jnp.squeeze(_array(x), axis=_axis(axis))


@symbolic_op
def ravel(x: ArrayLike) -> jax.Array:
    """Flattens `x` to one dimension.

    Args:
        x: input tensor.

    Returns:
        A 1-D tensor.
    """
    return jnp.ravel(_array(x))


@symbolic_op
def broadcast_to(x: ArrayLike, shape: Sequence[int]) -> jax.Array:
    """Broadcasts `x` to `shape`.

    Args:
        x: input tensor.
        shape: the target shape.

    Returns:
        A tensor of shape `shape`.
    """
    return jnp.broadcast_to(_array(x), tuple(shape))


@symbolic_op
def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> jax.Array:
    """Swaps two axes.

    Args:
        x: input tensor.
        axis1: first axis.
        axis2: second axis.

    Returns:
        The tensor with the two axes exchanged.
    """
    return jnp.swapaxes(_array(x), axis1, axis2)


@symbolic_op
def moveaxis(
    x: ArrayLike,
    source: int | Sequence[int],
    destination: int | Sequence[int],
) -> jax.Array:
    """Moves axes to new positions; the others keep their order.

    Args:
        x: input tensor.
        source: the axes to move.
        destination: their positions in the output.

    Returns:
        The tensor with axes moved.
    """
    return jnp.moveaxis(_array(x), source, destination)


@symbolic_op
def flip(x: ArrayLike, axis: Axis = None) -> jax.Array:
    """Reverses the order of elements along `axis` (default: all axes).

    Args:
        x: input tensor.
        axis: the axis or axes to reverse.

    Returns:
        The flipped tensor.
    """
    return jnp.flip(_array(x), axis=_axis(axis))


@symbolic_op
def roll(
    x: ArrayLike, shift: int | Sequence[int], axis: Axis = None
) -> jax.Array:
    """Rolls elements along `axis`; those past the end come back first.

    Args:
        x: input tensor.
        shift: how many places to shift.
        axis: the axis (or axes), default the flattened tensor.

    Returns:
        The rolled tensor.
    """
    return jnp.roll(_array(x), shift, axis=_axis(axis))


@symbolic_op
def pad(
    x: ArrayLike,
    pad_width: Any,
    mode: str = "constant",
    constant_values: ArrayLike | None = None,
) -> jax.Array:
    """Pads `x`.

    Args:
        x: input tensor.
        pad_width: `((before, after), ...)` per axis, or one pair (or one
            int) for all axes.
        mode: `"constant"`, `"edge"`, `"linear_ramp"`, `"maximum"`,
            `"mean"`, `"median"`, `"minimum"`, `"reflect"`, `"symmetric"`,
            `"wrap"`, `"empty"`.
        constant_values: the fill value in `"constant"` mode (default 0).

    Returns:
        The padded tensor.
    """
    kwargs = {}
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(
                "`constant_values` can only be given with mode='constant'. "
                f"Received: mode={mode!r}"
            )
        kwargs["constant_values"] = constant_values
    return jnp.pad(_array(x), pad_width, mode=mode, **kwargs)


# -- joining and splitting ----------------------------------------------------


@symbolic_op
def concatenate(xs: Sequence[ArrayLike], axis: int | None = 0) -> jax.Array:
    """Joins tensors along an existing axis.

    Args:
        xs: the tensors, equal in shape except along `axis`.
        axis: the axis to join along.

    Returns:
        The joined tensor.
    """
    return jnp.concatenate([_array(x) for x in xs], axis=axis)


@symbolic_op
def stack(x: Sequence[ArrayLike], axis: int = 0) -> jax.Array:
    """Joins tensors of equal shape along a new axis.

    Args:
        x: the tensors.
        axis: where the new axis goes.

    Returns:
        The stacked tensor.
    """
    return jnp.stack([_array(t) for t in x], axis=axis)


@symbolic_op
def hstack(xs: Sequence[ArrayLike]) -> jax.Array:
    """Joins tensors along the second axis (the first for 1-D tensors).

    Args:
        xs: the tensors.

    Returns:
        The joined tensor.
    """
    return jnp.hstack([_array(x) for x in xs])


@symbolic_op
def vstack(xs: Sequence[ArrayLike]) -> jax.Array:
    """Joins tensors along the first axis (1-D tensors become rows).

    Args:
        xs: the tensors.

    Returns:
        The joined tensor.
    """
    return jnp.vstack([_array(x) for x in xs])


@symbolic_op
def split(
    x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0
) -> list:
    """Splits `x` into pieces along `axis`.

    Args:
        x: input tensor.
        indices_or_sections: a number of equal pieces, or the indices where
            each cut falls.
        axis: the axis to split.

    Returns:
        A list of tensors.
    """
    return jnp.split(_array(x), indices_or_sections, axis=axis)


@symbolic_op
def tile(x: ArrayLike, repeats: int | Sequence[int]) -> jax.Array:
    """Repeats the whole of `x` `repeats` times along each axis.

    Args:
        x: input tensor.
        repeats: the number of copies per axis.

    Returns:
        The tiled tensor.
    """
    return jnp.tile(_array(x), repeats)


@symbolic_op
def repeat(
    x: ArrayLike, repeats: int | Sequence[int], axis: int | None = None
) -> jax.Array:
    """Repeats each element of `x` along `axis`.

    Args:
        x: input tensor.
        repeats: the number of copies of each element (or one per element).
        axis: the axis, default the flattened tensor.

    Returns:
        The tensor with repeated elements.
    """
    return jnp.repeat(_array(x), repeats, axis=axis)


# -- indexing -----------------------------------------------------------------


@symbolic_op
def get_item(x: ArrayLike, key: Any) -> jax.Array:
    """Returns `x[key]`.

    Args:
        x: input tensor.
        key: an index, slice, tuple of them, or an index tensor.

    Returns:
        The selected elements.
    """
    return _array(x)[key]


@symbolic_op
def take(
    x: ArrayLike, indices: ArrayLike, axis: int | None = None
) -> jax.Array:
    """Takes elements of `x` at `indices` along `axis`.

    Args:
        x: input tensor.
        indices: integer indices (negative ones count from the end).
        axis: the axis, default the flattened tensor.

    Returns:
        The gathered elements.
    """
    return jnp.take(_array(x), _array(indices), axis=axis)


@symbolic_op
def take_along_axis(
    x: ArrayLike, indices: ArrayLike, axis: int | None = None
) -> jax.Array:
    """Takes values along `axis` at `indices` of matching rank.

    Args:
        x: input tensor.
        indices: integer indices, broadcastable with `x` except on `axis`.
        axis: the axis, default the flattened tensor.

    Returns:
        The gathered values.
    """
    return jnp.take_along_axis(_array(x), _array(indices), axis=axis)
