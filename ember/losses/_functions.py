"""Loss functions on arrays: one loss value per sample.

Each function reduces the last axis (or `axis`, where it takes one), so
`y_true` and `y_pred` of shape `(batch, d0, ..., dN)` give losses of shape
`(batch, d0, ..., dN-1)`. Probabilities are clipped to
`[epsilon, 1 - epsilon]` with `config.epsilon()`, as Keras' JAX backend does.
"""

import warnings

import jax
import jax.numpy as jnp

from ember import ops
from ember.core import config
from ember.losses.loss import match_ranks
from ember.ops.core import ArrayLike


def _as_pair(
    y_true: ArrayLike, y_pred: ArrayLike
) -> tuple[jax.Array, jax.Array]:
    """`y_pred` as a float array and `y_true` cast to its dtype."""
    y_pred = jnp.asarray(y_pred)
    if not jnp.issubdtype(y_pred.dtype, jnp.floating):
        y_pred = y_pred.astype(config.floatx())
    return jnp.asarray(y_true).astype(y_pred.dtype), y_pred


def _check_axis(axis: int) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(
            f"`axis` must be an int. Received: axis={axis!r} of type "
            f"{type(axis).__name__}"
        )


# -- regression ---------------------------------------------------------------


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `square(y_true - y_pred)` over the last axis."""
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `abs(y_true - y_pred)` over the last axis."""
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(
    y_true: ArrayLike, y_pred: ArrayLike
) -> jax.Array:
    """`100 * mean(abs((y_true - y_pred) / y_true))` over the last axis.

    The divisor is `max(abs(y_true), epsilon)`, so zero targets stay finite.
    """
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    divisor = jnp.maximum(jnp.abs(y_true), config.epsilon())
    return 100.0 * jnp.mean(jnp.abs((y_true - y_pred) / divisor), axis=-1)


def mean_squared_logarithmic_error(
    y_true: ArrayLike, y_pred: ArrayLike
) -> jax.Array:
    """Mean of `square(log(1 + y_pred) - log(1 + y_true))` over the last axis.

    Values below `epsilon` are raised to `epsilon` before the logarithm.
    """
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    eps = config.epsilon()
    log_pred = jnp.log(jnp.maximum(y_pred, eps) + 1.0)
    log_true = jnp.log(jnp.maximum(y_true, eps) + 1.0)
    return jnp.mean(jnp.square(log_pred - log_true), axis=-1)


def huber(
    y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0
) -> jax.Array:
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Per element `0.5 * e**2` when `abs(e) <= delta`, else
    `delta * abs(e) - 0.5 * delta**2`; then the mean over the last axis.
    """
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    delta = jnp.asarray(delta, dtype=y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    quadratic = 0.5 * jnp.square(error)
    linear = delta * abs_error - 0.5 * jnp.square(delta)
    return jnp.mean(jnp.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `log(cosh(y_pred - y_true))` over the last axis.

    Computed as `x + softplus(-2x) - log(2)`, which does not overflow.
    """
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    error = y_pred - y_true
    values = (
        error + jax.nn.softplus(-2.0 * error) - jnp.log(2.0).astype(error.dtype)
    )
    return jnp.mean(values, axis=-1)


def cosine_similarity(
    y_true: ArrayLike, y_pred: ArrayLike, axis: int = -1
) -> jax.Array:
    """Negative cosine similarity along `axis`, in `[-1, 1]`.

    -1 means the vectors point the same way; a zero vector gives 0.
    """
    y_true, y_pred = match_ranks(*_as_pair(y_true, y_pred))
    y_true = ops.normalize(y_true, axis=axis)
    y_pred = ops.normalize(y_pred, axis=axis)
    return -jnp.sum(y_true * y_pred, axis=axis)


# -- hinge --------------------------------------------------------------------


def _binary_to_signs(y_true: jax.Array) -> jax.Array:
    # Labels that are all 0 or 1 become -1 or 1; others are left as they are.
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `maximum(1 - y_true * y_pred, 0)` over the last axis.

    Targets are -1 or 1; if all are 0 or 1 they are mapped to -1 or 1 first.
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    y_true = _binary_to_signs(y_true)
    return jnp.mean(jnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `square(maximum(1 - y_true * y_pred, 0))` over the last axis.

    Targets are handled as in `hinge`.
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    y_true = _binary_to_signs(y_true)
    return jnp.mean(
        jnp.square(jnp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1
    )


def categorical_hinge(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """`maximum(neg - pos + 1, 0)` with one-hot (or -1/1) targets.

    `pos` is `sum(y_true * y_pred)` and `neg` is `max((1 - y_true) * y_pred)`,
    both over the last axis.
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, 0.0)


# -- probabilistic ------------------------------------------------------------


def kl_divergence(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Sum of `y_true * log(y_true / y_pred)` over the last axis.

    Both inputs are clipped to `[epsilon, 1]` first.
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = jnp.clip(y_true, eps, 1.0)
    y_pred = jnp.clip(y_pred, eps, 1.0)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true: ArrayLike, y_pred: ArrayLike) -> jax.Array:
    """Mean of `y_pred - y_true * log(y_pred + epsilon)` over the last axis."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    values = y_pred - y_true * jnp.log(y_pred + config.epsilon())
    return jnp.mean(values, axis=-1)


def binary_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Binary cross-entropy, averaged over `axis`.

    Args:
        y_true: targets in `[0, 1]`, the shape of `y_pred`.
        y_pred: probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in `[0, 1]`; targets become
            `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`.
        axis: the axis averaged over.

    Returns:
        The loss per sample.
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    values = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    return jnp.mean(values, axis=axis)


def categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        y_true: target distributions, the shape of `y_pred`.
        y_pred: probabilities (renormalized to sum to 1 along `axis`), or
            logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in `[0, 1]`; targets become
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes`.
        axis: the class axis.

    Returns:
        The loss per sample.
    """
    _check_axis(axis)
    y_true, y_pred = _as_pair(y_true, y_pred)
    if y_pred.shape[-1:] == (1,):
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            "(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = (
            y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
        )
    return ops.categorical_crossentropy(
        y_true, y_pred, from_logits=from_logits, axis=axis
    )


def sparse_crossentropy_and_mask(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> tuple[jax.Array, jax.Array | None]:
    """`sparse_categorical_crossentropy` plus the mask of counted entries.

    The mask is None without `ignore_class`; otherwise it is False where the
    label equals `ignore_class` (those losses are 0).
    """
    _check_axis(axis)
    y_pred = jnp.asarray(y_pred)
    if not jnp.issubdtype(y_pred.dtype, jnp.floating):
        y_pred = y_pred.astype(config.floatx())
    y_true = jnp.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis=axis)
    class_axis = axis % y_pred.ndim
    if (
        y_true.shape
        != y_pred.shape[:class_axis] + y_pred.shape[class_axis + 1 :]
    ):
        raise ValueError(
            "Arguments `y_true` and `y_pred` must have the same shape apart "
            f"from the class axis {axis}. Received: y_true.shape="
            f"{y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    valid = None
    if ignore_class is not None:
        valid = y_true != jnp.asarray(ignore_class).astype(y_true.dtype)
        y_true = jnp.where(valid, y_true, 0)
        y_pred = jnp.where(jnp.expand_dims(valid, class_axis), y_pred, 0.0)
    if from_logits:
        log_prob = jax.nn.log_softmax(y_pred, axis=class_axis)
    else:
        eps = config.epsilon()
        probs = y_pred / jnp.sum(y_pred, axis=class_axis, keepdims=True)
        log_prob = jnp.log(jnp.clip(probs, eps, 1.0 - eps))
    # Labels outside [0, num_classes) one-hot to all zeros: their loss is 0.
    labels = jax.nn.one_hot(
        y_true.astype("int32"),
        y_pred.shape[class_axis],
        axis=class_axis,
        dtype=log_prob.dtype,
    )
    values = -jnp.sum(labels * log_prob, axis=class_axis)
    if valid is not None:
        values = jnp.where(valid, values, 0.0)
    return values, valid


def sparse_categorical_crossentropy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between integer class labels and predictions.

    Args:
        y_true: integer labels, the shape of `y_pred` without the class axis
            (or with it of size 1). Labels outside `[0, num_classes)` give a
            loss of 0; checking them is left to the caller.
        y_pred: probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label whose entries get a loss of 0 (a `Loss` also
            leaves them out of the `sum_over_batch_size` divisor).
        axis: the class axis of `y_pred`.

    Returns:
        The loss per sample.
    """
    values, _ = sparse_crossentropy_and_mask(
        y_true, y_pred, from_logits, ignore_class, axis
    )
    return values


# Short names Keras accepts for some functions.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh
