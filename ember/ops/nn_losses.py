"""Label encodings (one-hot, multi-hot) and the cross-entropies on them."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float


@symbolic_op
def one_hot(
    x: ArrayLike,
    num_classes: int,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
) -> jax.Array:
    """One-hot encodes integer class indices.

    Indices outside `[0, num_classes)` give all-zero rows.

    Args:
        x: integer tensor of class indices.
        num_classes: the size of the new axis.
        axis: where the new axis goes.
        dtype: the output dtype, default `config.floatx()`.
        sparse: accepted for compatibility; the output is always dense.

    Returns:
        A tensor with one more dimension than `x`.
    """
    return jax.nn.one_hot(
        _array(x), num_classes, axis=axis, dtype=standardize_dtype(dtype)
    )


@symbolic_op
def multi_hot(
    inputs: ArrayLike,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
    **kwargs,
) -> jax.Array:
    """Multi-hot encodes each row of class indices.

    Args:
        inputs: integer tensor of class indices, 1-D or batched 2-D.
        num_classes: the number of classes (`num_tokens` is accepted too).
        axis: where the class axis goes.
        dtype: the output dtype, default `config.floatx()`.
        sparse: accepted for compatibility; the output is always dense.
        **kwargs: only `num_tokens`, the old name of `num_classes`.

    Returns:
        A tensor with 1 at each class present in the row.
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    inputs = _array(inputs).astype("int32")
    encoded = jax.nn.one_hot(
        inputs, num_classes, axis=axis, dtype=standardize_dtype(dtype)
    )
    return jnp.max(encoded, axis=1 if inputs.ndim > 1 else 0)


# -- cross-entropies ----------------------------------------------------------


def _log_probabilities(
    output: jax.Array, from_logits: bool, axis: int
) -> jax.Array:
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    # Probabilities are renormalized and clipped away from 0 and 1.
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    return jnp.log(jnp.clip(output, eps, 1.0 - eps))


@symbolic_op
def categorical_crossentropy(
    target: ArrayLike,
    output: ArrayLike,
    from_logits: bool = False,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        target: the target distribution, the shape of `output`.
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        The loss per example, with `axis` reduced.
    """
    target, output = _array(target), _as_float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    if output.ndim < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: output.shape={output.shape}"
        )
    log_prob = _log_probabilities(output, from_logits, axis)
    return -jnp.sum(target * log_prob, axis=axis)


@symbolic_op
def sparse_categorical_crossentropy(
    target: ArrayLike,
    output: ArrayLike,
    from_logits: bool = False,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between integer class targets and predictions.

    Args:
        target: integer class indices, of shape `output.shape[:-1]` (a
            trailing dimension of size 1 is accepted too).
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis of `output`.

    Returns:
        The loss per example.
    """
    target, output = _array(target, "int32"), _as_float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, axis=-1)
    if output.ndim < 1:
        raise ValueError(
            "Argument `output` must be at least rank 1. "
            f"Received: output.shape={output.shape}"
        )
    if target.shape != output.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up to "
            f"the last dimension. Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    log_prob = _log_probabilities(output, from_logits, axis)
    labels = jax.nn.one_hot(
        target, output.shape[axis], axis=axis, dtype=log_prob.dtype
    )
    return -jnp.sum(labels * log_prob, axis=axis)


@symbolic_op
def binary_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False
) -> jax.Array:
    """Element-wise binary cross-entropy.

    Probabilities are clipped to `[epsilon, 1 - epsilon]` first
    (`config.epsilon()`); logits use the stable `log_sigmoid` form.

    Args:
        target: targets in `[0, 1]`, the shape of `output`.
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.

    Returns:
        The element-wise loss, the shape of `output`.
    """
    target, output = _array(target), _as_float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (
            1.0 - target
        ) * jax.nn.log_sigmoid(-output)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))
