"""Scaled dot-product attention over `jax.nn.dot_product_attention`."""

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array

# cuDNN's fused kernel computes in these dtypes only.
_CUDNN_DTYPES = (jnp.float16, jnp.bfloat16)


def _compute_dtype(*arrays: jax.Array):
    dtype = jnp.result_type(*arrays)
    if not jnp.issubdtype(dtype, jnp.inexact):
        dtype = jnp.dtype(config.floatx())
    return dtype


def _check_ranks(query, key, value) -> None:
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs (batch, length, "
            f"heads, head_dim). Received: query.shape={tuple(query.shape)}, "
            f"key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}."
        )


def _soft_capped(query, key, value, bias, mask, scale, is_causal, cap):
    """Attention whose logits are capped as `cap * tanh(logits / cap)`.

    `jax.nn.dot_product_attention` has no soft cap; this is the same
    computation written out (logits and softmax in float32 at least).
    """
    num_heads, kv_heads = query.shape[2], key.shape[2]
    if num_heads != kv_heads:
        repeats = num_heads // kv_heads
        key = jnp.repeat(key, repeats, axis=2)
        value = jnp.repeat(value, repeats, axis=2)
    if scale is None:
        scale = 1.0 / float(query.shape[-1]) ** 0.5
    logits_dtype = jnp.promote_types(query.dtype, jnp.float32)
    logits = jnp.einsum(
        "btnh,bsnh->bnts", query, key, preferred_element_type=logits_dtype
    )
    logits = logits * jnp.asarray(scale, logits_dtype)
    if bias is not None:
        logits = logits + jnp.broadcast_to(bias, logits.shape).astype(
            logits_dtype
        )
    logits = jnp.tanh(logits / cap) * cap
    keep = jnp.ones(logits.shape, bool)
    if mask is not None:
        keep = keep & jnp.broadcast_to(mask, logits.shape)
    if is_causal:
        length, source = logits.shape[-2:]
        causal = jnp.tril(jnp.ones((length, source), bool))
        keep = keep & jnp.broadcast_to(causal, logits.shape)
    large_negative = -0.7 * float(jnp.finfo(logits_dtype).max)
    logits = jnp.where(keep, logits, jnp.asarray(large_negative, logits_dtype))
    probs = jax.nn.softmax(logits, axis=-1).astype(value.dtype)
    return jnp.einsum("bnts,bsnh->btnh", probs, value)


def _fused(query, key, value, bias, mask, scale, is_causal, flash_attention):
    """`jax.nn.dot_product_attention` with the implementation Keras picks.

    `flash_attention=True` asks for cuDNN's fused kernel and lets its errors
    through; None tries it on a GPU for half-precision inputs and falls back
    to XLA's when cuDNN refuses the shapes; False always uses XLA's.
    """
    kwargs = {"bias": bias, "mask": mask, "scale": scale}
    platform = jax.default_backend()
    if flash_attention and platform == "cpu":
        raise RuntimeError(
            "dot_product_attention: `flash_attention=True` needs a GPU with "
            "cuDNN (or a TPU), but JAX runs on the CPU here. Pass "
            "flash_attention=None or False."
        )
    if flash_attention and platform == "gpu":
        return jax.nn.dot_product_attention(
            query,
            key,
            value,
            is_causal=is_causal,
            implementation="cudnn",
            **kwargs,
        )
    if flash_attention is None and platform == "gpu":
        if query.dtype in _CUDNN_DTYPES:
            try:
                return jax.nn.dot_product_attention(
                    query,
                    key,
                    value,
                    is_causal=is_causal,
                    implementation="cudnn",
                    **kwargs,
                )
            except Exception:  # cuDNN refused these inputs: use XLA's.
                pass
    return jax.nn.dot_product_attention(
        query, key, value, is_causal=is_causal, implementation="xla", **kwargs
    )


@symbolic_op
def dot_product_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    bias: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention: bool | None = None,
    attn_logits_soft_cap: float | None = None,
) -> jax.Array:
    """Scaled dot-product attention, `softmax(Q K^T * scale + bias) V`.

    Shapes use B (batch), T (query length), S (key/value length), N (query
    heads), K (key/value heads; N must be a multiple of K, which gives
    grouped-query attention) and H (head size). It runs
    `jax.nn.dot_product_attention`, so GPUs can use cuDNN's fused kernel.

    Args:
        query: the queries, shape `(B, T, N, H)`.
        key: the keys, shape `(B, S, K, H)`.
        value: the values, shape `(B, S, K, H)`.
        bias: optional, added to the logits; broadcastable to
            `(B, N, T, S)`.
        mask: optional, True where a query may attend to a key;
            broadcastable to `(B, N, T, S)` (non-boolean masks are cast).
        scale: the logits' scale; None means `1 / sqrt(H)`.
        is_causal: whether query `t` only sees keys `s <= t`.
        flash_attention: True requires cuDNN's fused kernel (a GPU, inputs
            in float16 or bfloat16) and raises a RuntimeError on the CPU, as
            Keras does with JAX; None uses it where it applies; False never
            does. On TPUs XLA's kernel runs either way.
        attn_logits_soft_cap: if given, the logits are capped as
            `cap * tanh(logits / cap)` before the softmax (Keras supports
            this on TPUs only; ember computes it on any device).

    Returns:
        The attention output, shaped like `query`.

    Example:

    >>> q = np.ones((2, 4, 8, 16), "float32")
    >>> kv = np.ones((2, 6, 8, 16), "float32")
    >>> ember.ops.dot_product_attention(q, kv, kv).shape
    (2, 4, 8, 16)
    """
    query, key, value = _array(query), _array(key), _array(value)
    _check_ranks(query, key, value)
    dtype = _compute_dtype(query, key, value)
    query, key, value = (x.astype(dtype) for x in (query, key, value))
    if bias is not None:
        bias = _array(bias, dtype)
    if mask is not None:
        mask = _array(mask)
        if mask.dtype != jnp.bool_:
            mask = mask != 0
    if attn_logits_soft_cap is not None:
        return _soft_capped(
            query,
            key,
            value,
            bias,
            mask,
            scale,
            is_causal,
            attn_logits_soft_cap,
        )
    return _fused(
        query, key, value, bias, mask, scale, is_causal, flash_attention
    )
