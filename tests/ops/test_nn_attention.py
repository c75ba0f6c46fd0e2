"""ops.dot_product_attention against softmax(Q K^T / sqrt(d)) V computed
by hand in numpy: masks, bias, causal, grouped heads, soft cap, errors."""

import jax
import numpy as np
import pytest

import ember
from ember import ops
from ember.core.symbolic import SymbolicTensor

RNG = np.random.default_rng(0)
# (B, T, N, H) queries; (B, S, K, H) keys and values.
Q = RNG.normal(size=(2, 3, 2, 4)).astype("float32")
K = RNG.normal(size=(2, 5, 2, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 2, 4)).astype("float32")


def _reference(q, k, v, mask=None, bias=None, scale=None, cap=None):
    """Attention written out in numpy, per batch and head."""
    repeats = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, repeats, axis=2), np.repeat(v, repeats, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    if cap is not None:
        logits = cap * np.tanh(logits / cap)
    if mask is not None:
        logits = np.where(mask, logits, -1e30)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, v)


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def test_equals_softmax_of_scaled_products():
    _close(ops.dot_product_attention(Q, K, V), _reference(Q, K, V))
    _close(ops.nn.dot_product_attention(Q, K, V), _reference(Q, K, V))


def test_scale_and_bias():
    bias = RNG.normal(size=(1, 2, 3, 5)).astype("float32")
    _close(
        ops.dot_product_attention(Q, K, V, bias=bias, scale=0.3),
        _reference(Q, K, V, bias=bias, scale=0.3),
    )


def test_boolean_and_integer_masks():
    mask = RNG.integers(0, 2, size=(2, 1, 3, 5)).astype(bool)
    mask[..., 0] = True  # every query sees at least one key
    expected = _reference(Q, K, V, mask=mask)
    _close(ops.dot_product_attention(Q, K, V, mask=mask), expected)
    _close(
        ops.dot_product_attention(Q, K, V, mask=mask.astype("int32")),
        expected,
    )


def test_causal_is_a_lower_triangular_mask():
    q = Q[:, :3]
    k, v = K[:, :3], V[:, :3]
    causal = np.tril(np.ones((3, 3), bool))[None, None]
    _close(
        ops.dot_product_attention(q, k, v, is_causal=True),
        _reference(q, k, v, mask=causal),
    )
    # The first query sees only the first key: its output is that value.
    out = ops.dot_product_attention(q, k, v, is_causal=True)
    _close(out[:, 0], v[:, 0])


def test_grouped_heads_share_keys_and_values():
    q = RNG.normal(size=(2, 3, 4, 4)).astype("float32")
    _close(ops.dot_product_attention(q, K, V), _reference(q, K, V))


def test_soft_cap_bounds_the_logits():
    _close(
        ops.dot_product_attention(Q, K, V, attn_logits_soft_cap=0.5),
        _reference(Q, K, V, cap=0.5),
    )


def test_integer_inputs_compute_in_floatx():
    ones = np.ones((1, 2, 1, 2), "int32")
    out = ops.dot_product_attention(ones, ones, ones)
    assert out.dtype == ember.config.floatx()
    _close(out, np.ones((1, 2, 1, 2)))


def test_under_jit_and_symbolic():
    jitted = jax.jit(lambda q, k, v: ops.dot_product_attention(q, k, v))
    _close(jitted(Q, K, V), _reference(Q, K, V))
    q = SymbolicTensor((None, 3, 2, 4), "float32")
    kv = SymbolicTensor((None, 5, 2, 4), "float32")
    out = ops.dot_product_attention(q, kv, kv)
    assert out.shape == (None, 3, 2, 4)


def test_flash_attention_false_and_none_run_anywhere():
    for flag in (False, None):
        _close(
            ops.dot_product_attention(Q, K, V, flash_attention=flag),
            _reference(Q, K, V),
        )


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="CPU only")
def test_flash_attention_true_needs_an_accelerator():
    with pytest.raises(RuntimeError, match="flash_attention=True"):
        ops.dot_product_attention(Q, K, V, flash_attention=True)


def test_inputs_must_be_4d():
    with pytest.raises(ValueError, match=r"4D inputs.*query.shape=\(3, 2, 4\)"):
        ops.dot_product_attention(Q[0], K, V)
