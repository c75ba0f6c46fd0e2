"""What MultiHeadAttention and GroupedQueryAttention share: argument
checks, the projections' arguments, the masked softmax."""

import numbers
from typing import Any

from ember.layers import mask_propagation
from ember.layers.attention import _masks


def check_positive_int(layer: str, argument: str, value: Any) -> None:
    """Raises a ValueError unless `value` is an int above 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{layer}: `{argument}` must be a positive integer. Received: "
            f"{argument}={value!r}"
        )


def check_rate(layer: str, dropout: Any) -> None:
    """Raises a ValueError unless `dropout` is a number in `[0, 1]`."""
    if (
        isinstance(dropout, bool)
        or not isinstance(dropout, numbers.Real)
        or not 0 <= dropout <= 1
    ):
        raise ValueError(
            f"{layer}: `dropout` must be a float between 0 and 1. Received: "
            f"dropout={dropout!r}"
        )


def _fresh(initializer: Any) -> Any:
    # One instance per projection, as Keras makes them.
    return type(initializer).from_config(initializer.get_config())


def sublayer_kwargs(
    layer: Any, kernel_initializer: Any, bias_initializer: Any
) -> dict:
    """The EinsumDense arguments the projections of `layer` share.

    `layer` has `kernel_regularizer`, `bias_regularizer`,
    `activity_regularizer`, `kernel_constraint` and `bias_constraint`
    (or their `_` versions) and a dtype policy.
    """

    def get(name):
        return getattr(layer, f"_{name}", getattr(layer, name, None))

    return {
        "kernel_initializer": _fresh(kernel_initializer),
        "bias_initializer": _fresh(bias_initializer),
        "kernel_regularizer": get("kernel_regularizer"),
        "bias_regularizer": get("bias_regularizer"),
        "activity_regularizer": get("activity_regularizer"),
        "kernel_constraint": get("kernel_constraint"),
        "bias_constraint": get("bias_constraint"),
        "dtype": layer.dtype_policy,
    }


def masked_softmax(
    softmax: Any, where: str, scores: Any, mask: Any, num_axes: int
) -> Any:
    """`softmax(scores, mask=mask)`, the mask broadcast to the scores.

    The probabilities carry no mask afterwards: the scores a layer returns
    have none (as Keras' symbolic outputs), only its output does.
    """
    if mask is not None:
        mask = _masks.expand_to_scores(where, mask, scores.shape, num_axes)
    probabilities = softmax(scores, mask=mask)
    mask_propagation.set_mask(probabilities, None)
    return probabilities
