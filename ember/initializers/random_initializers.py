"""Initializers that draw random values: normal, uniform, orthogonal."""

import random as python_random
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember import random
from ember.core.checks import check_real
from ember.core.dtypes import standardize_dtype
from ember.core.seed import SeedGenerator
from ember.core.seed import draw_key
from ember.initializers import _config
from ember.initializers.initializer import Initializer


class RandomInitializer(Initializer):
    """Base class of the random initializers: holds and serializes the seed.

    As in Keras, an int seed gives the same values on every call, and so
    does None: an unseeded initializer picks its seed when it is created
    (reproducibly after `set_random_seed`), so two layers given fresh
    initializers get different values. A `SeedGenerator` gives new values
    on each call.

    Args:
        seed: an int, a `SeedGenerator`, or None.
    """

    def __init__(self, seed: int | SeedGenerator | None = None):
        self._init_seed = seed
        if isinstance(seed, dict):
            seed = _config.deserialize_value(seed)
        elif isinstance(seed, np.integer):
            seed = int(seed)
        if seed is not None and not isinstance(seed, int | SeedGenerator):
            raise ValueError(
                f"{type(self).__name__}: `seed` must be an int, a "
                f"SeedGenerator or None. Received: seed={seed!r}"
            )
        if seed is None:
            seed = python_random.randint(1, int(1e9))
        self.seed = seed

    def get_config(self) -> dict:
        """Returns `{"seed": ...}`; subclasses add their own arguments."""
        return {"seed": _config.serialize_value(self._init_seed)}


def _float_dtype(initializer: Initializer, dtype: Any) -> str:
    dtype = standardize_dtype(dtype)
    if "float" not in dtype:
        raise ValueError(
            f"{type(initializer).__name__} draws floating point values; "
            f"expected a float dtype. Received: dtype={dtype}"
        )
    return dtype


def _shape(shape: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(dim) for dim in shape)


def _sample(
    initializer: RandomInitializer,
    distribution: str,
    shape: Sequence[int],
    dtype: Any,
    **params: float,
) -> jax.Array:
    """Draws values with the initializer's seed.

    `"normal"` and `"truncated_normal"` (cut at two stddevs) take `mean`
    and `stddev`; `"uniform"` takes `minval` and `maxval`.
    """
    dtype = _float_dtype(initializer, dtype)
    key = draw_key(initializer.seed)
    shape = _shape(shape)
    if distribution == "uniform":
        return random.uniform(
            shape, params["minval"], params["maxval"], dtype, seed=key
        )
    draw = (
        random.truncated_normal
        if distribution == "truncated_normal"
        else random.normal
    )
    return draw(shape, params["mean"], params["stddev"], dtype, seed=key)


class RandomNormal(RandomInitializer):
    """Initializer drawing from a normal distribution.

    Args:
        mean: the mean of the distribution.
        stddev: its standard deviation.
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.

    Example:

    >>> RandomNormal(stddev=1.0, seed=0)((2, 2)).shape
    (2, 2)
    """

    def __init__(
        self,
        mean: float = 0.0,
        stddev: float = 0.05,
        seed: int | SeedGenerator | None = None,
    ):
        owner = type(self).__name__
        self.mean = check_real(owner, "mean", mean)
        self.stddev = check_real(owner, "stddev", stddev, minimum=0.0)
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns normally distributed values.

        Args:
            shape: the shape of the array.
            dtype: a float dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        return _sample(
            self, "normal", shape, dtype, mean=self.mean, stddev=self.stddev
        )

    def get_config(self) -> dict:
        """Returns `seed`, `mean` and `stddev`."""
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class TruncatedNormal(RandomInitializer):
    """Initializer drawing from a normal distribution cut at two stddevs.

    Values further than two standard deviations from the mean are drawn
    again, so all values lie in `[mean - 2 * stddev, mean + 2 * stddev]`.

    Args:
        mean: the mean of the distribution before truncation.
        stddev: its standard deviation before truncation.
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.

    Example:

    >>> TruncatedNormal(stddev=1.0, seed=0)((3,)).shape
    (3,)
    """

    def __init__(
        self,
        mean: float = 0.0,
        stddev: float = 0.05,
        seed: int | SeedGenerator | None = None,
    ):
        owner = type(self).__name__
        self.mean = check_real(owner, "mean", mean)
        self.stddev = check_real(owner, "stddev", stddev, minimum=0.0)
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns truncated normal values.

        Args:
            shape: the shape of the array.
            dtype: a float dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        return _sample(
            self,
            "truncated_normal",
            shape,
            dtype,
            mean=self.mean,
            stddev=self.stddev,
        )

    def get_config(self) -> dict:
        """Returns `seed`, `mean` and `stddev`."""
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class RandomUniform(RandomInitializer):
    """Initializer drawing from a uniform distribution on `[minval, maxval)`.

    Args:
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.

    Example:

    >>> RandomUniform(-1.0, 1.0, seed=0)((2,)).shape
    (2,)
    """

    def __init__(
        self,
        minval: float = -0.05,
        maxval: float = 0.05,
        seed: int | SeedGenerator | None = None,
    ):
        owner = type(self).__name__
        self.minval = check_real(owner, "minval", minval)
        self.maxval = check_real(owner, "maxval", maxval)
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns uniformly distributed values.

        Args:
            shape: the shape of the array.
            dtype: a float dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        return _sample(
            self,
            "uniform",
            shape,
            dtype,
            minval=self.minval,
            maxval=self.maxval,
        )

    def get_config(self) -> dict:
        """Returns `seed`, `minval` and `maxval`."""
        return {
            **super().get_config(),
            "minval": self.minval,
            "maxval": self.maxval,
        }


class Orthogonal(RandomInitializer):
    """Initializer making an orthogonal matrix (times `gain`).

    A normal random matrix is factored by QR and the signs of `Q` fixed by
    the diagonal of `R`. For a shape of rank above 2, the matrix has
    `prod(shape[:-1])` rows and `shape[-1]` columns and is reshaped. With
    fewer rows than columns the rows are orthonormal, else the columns.

    Args:
        gain: a factor applied to the matrix.
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.

    Example:

    >>> q = Orthogonal(seed=0)((3, 3))
    >>> bool(jnp.allclose(q @ q.T, jnp.eye(3), atol=1e-5))
    True
    """

    def __init__(
        self, gain: float = 1.0, seed: int | SeedGenerator | None = None
    ):
        self.gain = check_real(type(self).__name__, "gain", gain)
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns an orthogonal matrix reshaped to `shape`.

        Args:
            shape: a shape of rank 2 or more.
            dtype: a float dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(
                "The Orthogonal initializer needs a shape of rank 2 or more. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _float_dtype(self, dtype)
        num_rows = int(np.prod(shape[:-1]))
        num_cols = shape[-1]
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        matrix = random.normal(
            flat_shape, dtype=dtype, seed=draw_key(self.seed)
        )
        if dtype not in ("float32", "float64"):
            # QR wants single precision at least; the result is cast back.
            matrix = matrix.astype("float32")
        q, r = jnp.linalg.qr(matrix)
        q = q * jnp.sign(jnp.diag(r))[jnp.newaxis, :]
        if num_rows < num_cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self) -> dict:
        """Returns `seed` and `gain`."""
        return {**super().get_config(), "gain": self.gain}
