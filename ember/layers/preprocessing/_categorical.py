"""Category indices encoded as one-hot, multi-hot or count vectors, in
numpy (what Keras' `encode_categorical_inputs` does for host layers)."""

import numpy as np


def encode_categorical(
    indices: np.ndarray, output_mode: str, depth: int, dtype: str
) -> np.ndarray:
    """The `one_hot`, `multi_hot` or `count` encoding of integer indices.

    `"one_hot"` encodes each index (a trailing axis of size 1 is replaced
    by the encoding); `"multi_hot"` and `"count"` treat the last axis as
    one sample. A scalar is one sample of one index. Indices outside
    `[0, depth)` are dropped.

    Args:
        indices: an integer array.
        output_mode: `"one_hot"`, `"multi_hot"` or `"count"`.
        depth: the encoding's size.
        dtype: the output dtype.

    Returns:
        An array of shape `encoded_shape(indices.shape, ...)`.
    """
    indices = np.asarray(indices)
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        shape = indices.shape
        indices = indices[..., None]
    else:
        shape = indices.shape[:-1]
    rows = indices.reshape(int(np.prod(shape)), indices.shape[-1])
    keep = (rows >= 0) & (rows < depth)
    row_ids = np.broadcast_to(np.arange(len(rows))[:, None], rows.shape)
    flat = row_ids[keep] * depth + rows[keep]
    counts = np.bincount(flat, minlength=len(rows) * depth)
    counts = counts.reshape((*shape, depth)).astype(dtype)
    if output_mode in ("one_hot", "multi_hot"):
        return np.minimum(counts, 1)
    return counts


def encoded_shape(shape: tuple, output_mode: str, depth: int) -> tuple:
    """The shape `encode_categorical` gives indices of shape `shape`."""
    shape = tuple(shape) or (1,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return (*shape[:-1], depth)
        return (*shape, depth)
    return (*shape[:-1], depth)
