"""Random draws with Keras' signatures, on `jax.random`.

`seed` is an int (the same numbers on every call), a `SeedGenerator`
(new numbers on each call; its state advances), a jax key, or None (the
global generator, which `ember.utils.set_random_seed` resets). An int
seed `s` becomes the key `[s, 0]` and a generator hands out its state,
as in Keras, so the draws equal Keras' on its JAX backend.
"""

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.export import is_symbolic_dim

from ember.core import config
from ember.core.dtypes import is_float
from ember.core.dtypes import is_int
from ember.core.dtypes import standardize_dtype
from ember.core.seed import draw_key
from ember.random import threefry

Shape = Sequence[int]


def _in_trace() -> bool:
    return isinstance(jnp.ones(()), jax.core.Tracer)


def _key(seed: Any, function: str) -> jax.Array:
    if seed is None and _in_trace():
        raise ValueError(
            f"`ember.random.{function}` was called with seed=None inside a "
            "traced (jitted) function, where the global generator would "
            "give the same numbers on every call. Pass a `SeedGenerator` "
            "held by your layer (`seed=self.seed_generator`) instead."
        )
    return draw_key(seed)


def _float_dtype(dtype: Any, function: str) -> str:
    dtype = standardize_dtype(dtype or config.floatx())
    if not is_float(dtype):
        raise ValueError(
            f"`ember.random.{function}` requires a floating point `dtype`. "
            f"Received: dtype={dtype}"
        )
    return dtype


def _shape(shape: Shape) -> tuple[int, ...]:
    if isinstance(shape, int):
        return (shape,)
    # A symbolic size (an exported model's batch) stays symbolic.
    return tuple(d if is_symbolic_dim(d) else int(d) for d in shape)


def normal(
    shape: Shape,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> jax.Array:
    """Draws from a normal distribution.

    Args:
        shape: the shape of the result.
        mean: the distribution's mean.
        stddev: its standard deviation.
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An array of `shape`.

    Example:

    >>> ember.random.normal((2, 3), seed=42).shape
    (2, 3)
    """
    dtype = _float_dtype(dtype, "normal")
    sample = jax.random.normal(_key(seed, "normal"), _shape(shape), dtype)
    return sample * stddev + mean


def uniform(
    shape: Shape,
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> jax.Array:
    """Draws from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: the shape of the result.
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An array of `shape`.
    """
    dtype = _float_dtype(dtype, "uniform")
    return jax.random.uniform(
        _key(seed, "uniform"),
        _shape(shape),
        dtype,
        minval=minval,
        maxval=maxval,
    )


def truncated_normal(
    shape: Shape,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> jax.Array:
    """Draws from a normal distribution cut at two standard deviations.

    Args:
        shape: the shape of the result.
        mean: the distribution's mean.
        stddev: its standard deviation (before truncation).
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An array of `shape` with values in `mean ± 2 * stddev`.
    """
    dtype = _float_dtype(dtype, "truncated_normal")
    sample = jax.random.truncated_normal(
        _key(seed, "truncated_normal"), -2.0, 2.0, _shape(shape), dtype
    )
    return sample * stddev + mean


def randint(
    shape: Shape,
    minval: int,
    maxval: int,
    dtype: Any = "int32",
    seed: Any = None,
) -> jax.Array:
    """Draws integers uniformly from `[minval, maxval)`.

    Args:
        shape: the shape of the result.
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: an integer dtype.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An integer array of `shape`.
    """
    dtype = standardize_dtype(dtype)
    if not is_int(dtype):
        raise ValueError(
            "`ember.random.randint` requires an integer `dtype`. "
            f"Received: dtype={dtype}"
        )
    return jax.random.randint(
        _key(seed, "randint"), _shape(shape), minval, maxval, dtype
    )


def categorical(
    logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None
) -> jax.Array:
    """Draws class indices from the categorical distributions of `logits`.

    Args:
        logits: a 2-D array `(batch_size, num_classes)` of unnormalized
            log-probabilities.
        num_samples: draws per row.
        dtype: the integer dtype of the result.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An array `(batch_size, num_samples)` of class indices.
    """
    logits = jnp.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, "
            f"num_classes]. Received: logits of shape {logits.shape}"
        )
    shape = (logits.shape[0], int(num_samples))
    # As Keras: one categorical per row, drawn along axis 1.
    samples = jax.random.categorical(
        _key(seed, "categorical"), logits[..., None], axis=1, shape=shape
    )
    return samples.astype(standardize_dtype(dtype))


def dropout(
    inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None
) -> jax.Array:
    """Sets entries to 0 with probability `rate`, scales the rest by
    `1 / (1 - rate)`.

    Args:
        inputs: an array.
        rate: the fraction to drop, in `[0, 1]`.
        noise_shape: the shape of the keep mask, broadcast to the inputs;
            None entries take the inputs' size. The inputs' shape when None.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        An array shaped like `inputs`.
    """
    if not isinstance(inputs, np.ndarray | jax.Array):
        inputs = jnp.asarray(inputs)
    if rate == 1.0:
        return jnp.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    if noise_shape is None:
        shape = inputs.shape
    else:
        shape = _shape(
            size if d is None else d
            for d, size in zip(noise_shape, inputs.shape, strict=True)
        )
    keep_prob = 1.0 - rate
    # jax.random.bernoulli's values, as Keras draws them, computed faster on
    # CPU (see `threefry`).
    keep = threefry.bernoulli(_key(seed, "dropout"), keep_prob, shape)
    keep = jnp.broadcast_to(keep, inputs.shape)
    # Divided where the inputs live, as Keras does: numpy's float32 division
    # and XLA's may differ in the last bit.
    scaled = jnp.asarray(inputs / keep_prob)
    return jnp.where(keep, scaled, jnp.zeros_like(scaled))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> jax.Array:
    """Shuffles `x` along `axis`.

    Args:
        x: an array.
        axis: the axis to shuffle.
        seed: an int, a `SeedGenerator`, a jax key or None.

    Returns:
        `x` with its slices along `axis` in a random order.
    """
    return jax.random.permutation(
        _key(seed, "shuffle"), jnp.asarray(x), axis, independent=True
    )


def gamma(
    shape: Shape, alpha: Any, dtype: Any = None, seed: Any = None
) -> jax.Array:
    """Draws from a gamma distribution of shape `alpha` (scale 1).

    Args:
        shape: the shape of the result.
        alpha: the concentration, a float or an array broadcastable to
            `shape`.
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.
    """
    dtype = _float_dtype(dtype, "gamma")
    return jax.random.gamma(
        _key(seed, "gamma"), alpha, shape=_shape(shape), dtype=dtype
    )


def binomial(
    shape: Shape,
    counts: Any,
    probabilities: Any,
    dtype: Any = None,
    seed: Any = None,
) -> jax.Array:
    """Draws the number of successes in `counts` trials of probability
    `probabilities`.

    Args:
        shape: the shape of the result.
        counts: the trial counts, a number or an array broadcastable to
            `shape`.
        probabilities: the success probabilities, likewise.
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.
    """
    dtype = _float_dtype(dtype, "binomial")
    return jax.random.binomial(
        _key(seed, "binomial"),
        jnp.array(counts),
        jnp.array(probabilities),
        shape=_shape(shape),
        dtype=dtype,
    )


def beta(
    shape: Shape,
    alpha: Any,
    beta: Any,
    dtype: Any = None,
    seed: Any = None,
) -> jax.Array:
    """Draws from a beta distribution.

    Args:
        shape: the shape of the result.
        alpha: the first concentration, a number or an array broadcastable
            to `shape`.
        beta: the second concentration, likewise.
        dtype: a float dtype; `config.floatx()` when None.
        seed: an int, a `SeedGenerator`, a jax key or None.
    """
    dtype = _float_dtype(dtype, "beta")
    return jax.random.beta(
        _key(seed, "beta"),
        jnp.array(alpha),
        jnp.array(beta),
        shape=_shape(shape),
        dtype=dtype,
    )
