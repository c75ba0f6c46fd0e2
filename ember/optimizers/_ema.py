"""The moving average of the weights (`use_ema=True`), as pure functions.

Keras keeps one `<variable path>_average` slot per trainable variable and,
after each step's update, moves it towards the new weights:
`average = momentum * average + (1 - momentum) * weight`, with momentum 0
while `iterations` is 0 (the first step copies the weights). When
`ema_overwrite_frequency` is set, the weights are replaced by their
averages on every step where `(iterations + 1) % frequency == 0`.
`iterations` is the value before the step's increment (with gradient
accumulation, the number of updates made so far), so both run on every
call, update step or not, as in Keras.
"""

import jax.numpy as jnp


def update(averages: list, weights: list, iterations, momentum) -> list:
    """Returns the averages moved towards `weights` (one step)."""
    first = jnp.equal(iterations, 0)
    out = []
    for average, weight in zip(averages, weights, strict=True):
        weight = jnp.asarray(weight)
        m = jnp.logical_not(first).astype(weight.dtype) * momentum
        out.append(m * average + (1 - m) * weight)
    return out


def overwrite(weights: list, averages: list, iterations, frequency) -> list:
    """The weights, replaced by `averages` on an overwrite step."""
    if frequency is None:
        return weights
    now = jnp.equal((iterations + 1) % frequency, 0)
    return [
        jnp.where(now, a, w) for w, a in zip(weights, averages, strict=True)
    ]
