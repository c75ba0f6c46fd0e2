"""NumPy-style array manipulation: shapes, axes, joining and splitting.

Array creation lives in `numpy_creation.py`, element selection in
`numpy_indexing.py`.
"""

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array

Axis = int | Sequence[int] | None


def _axis(axis: Axis) -> int | tuple | None:
    """Lists of axes become tuples (jnp wants them hashable)."""
    return tuple(axis) if isinstance(axis, list) else axis


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
