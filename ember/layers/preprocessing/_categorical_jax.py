"""Integer indices as one-hot, multi-hot or count vectors, in jax.

What CategoryEncoding and Discretization output, inside compiled code
(`_categorical.py` is the numpy twin for the host layers); the shapes follow
Keras' eager results: a scalar is one sample; `one_hot` adds a last axis
of size `depth` (replacing a last axis of size 1); `multi_hot` and
`count` reduce axis 1 of a batch (axis 0 of a single sample). Indices
outside `[0, depth)` add nothing, as in Keras.
"""

from typing import Any

import jax
import jax.numpy as jnp

ENCODINGS = ("one_hot", "multi_hot", "count")


def encode(
    indices: Any,
    output_mode: str,
    depth: int,
    dtype: str,
    count_weights: Any = None,
) -> jax.Array:
    """Encodes `indices` as `output_mode` vectors of length `depth`.

    Args:
        indices: an array of integer indices (floats are compared as
            numbers in `one_hot` and `count`, truncated in `multi_hot`).
        output_mode: one of `ENCODINGS`.
        depth: the length of each vector.
        dtype: the output dtype (`count_weights`' dtype when given).
        count_weights: in `count` mode, an array of the shape of
            `indices`: each index adds its weight instead of 1.

    Returns:
        The encoded array.
    """
    indices = jnp.asarray(indices)
    if indices.ndim == 0:
        indices = indices[None]
    axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        hot = _one_hot(indices.astype("int32"), depth, dtype)
        return jnp.max(hot, axis=axis)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return _one_hot(indices, depth, dtype)
    if count_weights is None:
        return jnp.sum(_one_hot(indices, depth, dtype), axis=axis)
    count_weights = jnp.asarray(count_weights)
    hot = _one_hot(indices, depth, count_weights.dtype)
    return jnp.sum(hot * count_weights[..., None], axis=axis)


def _one_hot(indices: jax.Array, depth: int, dtype: Any) -> jax.Array:
    """`jax.nn.one_hot`, for float indices too (which match only whole
    numbers, as Keras' one-hot of floats)."""
    classes = jnp.arange(depth, dtype=indices.dtype).reshape(
        (1,) * indices.ndim + (depth,)
    )
    return (indices[..., None] == classes).astype(dtype)
