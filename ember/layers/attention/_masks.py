"""Attention masks: the inputs' masks, causal and banded masks, combined
into one boolean mask of shape `(B, T, S)` as Keras combines them, and
expanded to the attention scores."""

import contextlib
from collections.abc import Iterator
from typing import Any

import jax.numpy as jnp

from ember.core.ranks import lift
from ember.layers import mask_propagation


@contextlib.contextmanager
def hidden_masks(*tensors: Any) -> Iterator[None]:
    """Detaches the tensors' masks while the block runs, then restores them.

    An attention layer folds its inputs' masks into the attention mask; its
    projections, which do not take masks, must not see (and warn about)
    them. The masks come back so that later layers reading the same
    tensors still find them.
    """
    saved = [(x, mask_propagation.get_mask(x)) for x in tensors]
    for x, mask in saved:
        if mask is not None:
            mask_propagation.set_mask(x, None)
    try:
        yield
    finally:
        for x, mask in saved:
            if mask is not None:
                mask_propagation.set_mask(x, mask)


def causal_mask(query_length: int, value_length: int) -> jnp.ndarray:
    """`(1, T, S)`: query `t` sees the keys `s <= t`."""
    return jnp.tril(jnp.ones((query_length, value_length), bool))[None]


def sliding_window_mask(
    query_length: int, value_length: int, window: int
) -> jnp.ndarray:
    """`(1, T, S)`: query `t` sees the keys `|s - t| < window`."""
    rows = jnp.arange(query_length)[:, None]
    columns = jnp.arange(value_length)[None, :]
    return (jnp.abs(rows - columns) < window)[None]


def _as_bool(mask: Any) -> jnp.ndarray:
    mask = jnp.asarray(mask)
    return mask if mask.dtype == jnp.bool_ else mask != 0


def both(mask: Any, other: Any) -> Any:
    """`mask & other`, either of which may be None (meaning no mask); the
    lower-rank one gets leading axes of size 1, as NumPy broadcasts."""
    if mask is None:
        return other
    if other is None:
        return mask
    mask, other = _as_bool(mask), _as_bool(other)
    rank = max(mask.ndim, other.ndim)
    return lift(mask, rank) & lift(other, rank)


def _check_mask(where: str, name: str, mask: Any, expected: tuple) -> None:
    shape, expected = tuple(jnp.shape(mask)), tuple(expected)
    fits = len(shape) == len(expected) and all(
        m in (1, e) for m, e in zip(shape, expected, strict=True)
    )
    if not fits:
        raise ValueError(
            f"{where}: `{name}` must have shape {expected} (the input's "
            f"shape without its last axis). Received: {name}.shape={shape}"
        )


def combine(
    where: str,
    query,
    value,
    key,
    scores_shape: tuple,
    num_axes: int,
    query_mask: Any = None,
    value_mask: Any = None,
    key_mask: Any = None,
    attention_mask: Any = None,
    use_causal_mask: bool = False,
    sliding_window: int | None = None,
) -> jnp.ndarray | None:
    """The attention mask of a call, or None when nothing is masked.

    The query's mask becomes `(B, T, 1)`, the value's and the key's
    `(B, 1, S)`, the causal and banded masks `(1, T, S)` (built from axis
    1 of the query and the value); all are combined with `attention_mask`
    by logical AND. Each mask is checked first, so a wrong shape raises a
    ValueError naming the layer before anything is computed.

    Args:
        where: the layer, for error messages (`MultiHeadAttention "mha"`).
        query: the (unprojected) query.
        value: the (unprojected) value.
        key: the (unprojected) key.
        scores_shape: the shape of the attention scores, `(<batch axes>,
            heads, <query attention axes>, <key attention axes>)`.
        num_axes: the number of attention axes.
        query_mask: the query's mask, `query.shape[:-1]`, or None.
        value_mask: the value's mask, `value.shape[:-1]`, or None.
        key_mask: the key's mask, `key.shape[:-1]`, or None.
        attention_mask: the call's `attention_mask`, or None.
        use_causal_mask: whether to add the causal mask.
        sliding_window: the band's width, or None.
    """
    combined = None
    if attention_mask is not None:
        combined = _as_bool(attention_mask)
        expand_to_scores(where, combined, scores_shape, num_axes)
    if query_mask is not None:
        _check_mask(where, "query_mask", query_mask, query.shape[:-1])
        combined = both(combined, _as_bool(query_mask)[..., None])
    if value_mask is not None:
        _check_mask(where, "value_mask", value_mask, value.shape[:-1])
        combined = both(combined, _as_bool(value_mask)[..., None, :])
    if key_mask is not None:
        _check_mask(where, "key_mask", key_mask, key.shape[:-1])
        combined = both(combined, _as_bool(key_mask)[..., None, :])
    lengths = (query.shape[1], value.shape[1])
    if use_causal_mask:
        combined = both(combined, causal_mask(*lengths))
    if sliding_window is not None:
        combined = both(combined, sliding_window_mask(*lengths, sliding_window))
    if combined is not None:
        expand_to_scores(where, combined, scores_shape, num_axes)
    return combined


def expand_to_scores(
    where: str, mask: jnp.ndarray, scores_shape: tuple, num_axes: int
) -> jnp.ndarray:
    """`mask` with axes inserted before its last `2 * num_axes` (the query
    and key attention axes) until it has the scores' rank, as boolean,
    checked to broadcast against the scores `(batch..., heads, query...,
    key...)`."""
    mask = _as_bool(mask)
    rank = len(scores_shape)
    if mask.ndim < 2 * num_axes or mask.ndim > rank:
        raise ValueError(
            f"{where}: the attention mask must have the query and key "
            f"attention axes last and broadcast to the attention scores of "
            f"shape {tuple(scores_shape)} (batch, heads, query, key), e.g. "
            f"shape {_without_heads(scores_shape, num_axes)}. Received a "
            f"mask of shape {tuple(mask.shape)}"
        )
    split = mask.ndim - 2 * num_axes
    shape = (
        *mask.shape[:split],
        *(1,) * (rank - mask.ndim),
        *mask.shape[split:],
    )
    if not all(m in (1, s) for m, s in zip(shape, scores_shape, strict=True)):
        raise ValueError(
            f"{where}: the attention mask of shape {tuple(mask.shape)} does "
            f"not broadcast to the attention scores of shape "
            f"{tuple(scores_shape)} (batch, heads, query, key); expected "
            f"shape {_without_heads(scores_shape, num_axes)}"
        )
    return mask.reshape(shape)


def _without_heads(scores_shape: tuple, num_axes: int) -> tuple:
    heads = len(scores_shape) - 2 * num_axes - 1
    return tuple(scores_shape[:heads]) + tuple(scores_shape[heads + 1 :])
