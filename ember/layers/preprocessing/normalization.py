"""Normalization: shifts and scales inputs to zero mean and unit variance."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import config as ember_config
from ember.layers.layer import Layer


def _axes(axis: Any) -> tuple:
    if axis is None:
        return ()
    if isinstance(axis, int):
        return (axis,)
    return tuple(axis)


def _batch_of(element: Any) -> np.ndarray:
    """One batch of an iterable: the array itself or the first of `(x, y)`."""
    if isinstance(element, tuple | list) and element:
        element = element[0]
    if not hasattr(element, "shape"):
        raise TypeError(
            "Normalization.adapt() expects arrays, or an iterable of array "
            f"batches. Received an element of type {type(element).__name__}."
        )
    return np.asarray(element, dtype="float64")


class Normalization(Layer):
    """Normalizes inputs: `(inputs - mean) / sqrt(variance)`.

    The statistics are either given (`mean`, `variance`) or computed from
    data with `adapt(data)`, which stores them in the non-trainable weights
    `mean` and `variance` (`count` is kept for Keras' weight layout). There
    is one mean and variance per index of the `axis` dimensions; the other
    dimensions are averaged over.

    Args:
        axis: the axis or axes that keep separate statistics (default the
            last); None means one mean and variance for everything.
        mean: the mean, a number or an array broadcastable to the kept
            axes; None to compute it with `adapt`.
        variance: the variance, given together with `mean`.
        invert: apply the inverse: `inputs * sqrt(variance) + mean`.

    Input shape:
        Any, with the `axis` dimensions known.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.Normalization()
    >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
    >>> layer(np.array([[0.0, 7.0]]))
    Array([[-1., -1.]], dtype=float32)
    """

    def __init__(
        self,
        axis: Any = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = _axes(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: when setting values directly, both `mean` "
                f"and `variance` must be set. Received: mean={mean} and "
                f"variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "Normalization: `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and "
                    f"variance shape {np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    "Normalization: the rank of `mean` must be at most the "
                    f"number of axes ({len(self.axis)}). Received: mean "
                    f"shape {np.shape(mean)} for axis={self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None

    def build(self, input_shape: tuple) -> None:
        """Creates the statistics for inputs of shape `input_shape`."""
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        where = f'Normalization "{self.name}"'
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"{where}: every axis must be in [-{ndim}, {ndim}) for an "
                f"input of shape {input_shape}. Received: axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        unknown = [a for a in keep if input_shape[a] is None]
        if unknown:
            raise ValueError(
                f"{where}: the kept axes must have known sizes, but axis "
                f"{unknown[0]} of input shape {input_shape} is None."
            )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(
            input_shape[d] if d in keep else 1 for d in range(ndim)
        )
        self._build_input_shape = input_shape
        stats_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean",
                shape=stats_shape,
                initializer="zeros",
                trainable=False,
            )
            self.adapt_variance = self.add_weight(
                name="variance",
                shape=stats_shape,
                initializer="ones",
                trainable=False,
            )
            self.count = self.add_weight(
                name="count",
                shape=(),
                dtype="int32",
                initializer="zeros",
                trainable=False,
            )
        else:
            self._mean = self._expand(self.input_mean)
            self._variance = self._expand(self.input_variance)
        self.built = True

    def _expand(self, value: Any) -> np.ndarray:
        """A given statistic, its dimensions aligned with the last kept axes
        and broadcast to the kept sizes."""
        value = np.asarray(value, dtype="float32")
        shape = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            shape[self._keep_axis[-i]] = value.shape[-i]
        return np.broadcast_to(value.reshape(shape), self._broadcast_shape)

    def adapt(self, data: Any) -> None:
        """Computes the mean and variance of `data` per kept index.

        Args:
            data: an array, or an iterable of array batches (each may be an
                `(x, y)` tuple, of which `x` is used).
        """
        if self.input_mean is not None:
            raise ValueError(
                f'Normalization "{self.name}" was given `mean` and '
                "`variance`, so there is nothing to adapt."
            )
        if isinstance(data, np.ndarray | jax.Array):
            batches = iter([np.asarray(data, dtype="float64")])
        elif hasattr(data, "__iter__"):
            batches = (_batch_of(element) for element in data)
        else:
            raise TypeError(
                "Normalization.adapt() expects an array or an iterable of "
                f"array batches. Received: {type(data).__name__}"
            )
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            self._check_adapt_shape(batch.shape)
            mean = np.mean(batch, axis=self._reduce_axis)
            var = np.var(batch, axis=self._reduce_axis)
            count = int(np.prod([batch.shape[d] for d in self._reduce_axis]))
            if total_mean is None:
                total_mean, total_var, total_count = mean, var, count
                continue
            # Chan et al.: merge two groups' means and variances.
            weight = count / (total_count + count)
            new_mean = total_mean * (1 - weight) + mean * weight
            total_var = (total_var + (total_mean - new_mean) ** 2) * (
                1 - weight
            ) + (var + (mean - new_mean) ** 2) * weight
            total_mean, total_count = new_mean, total_count + count
        if total_mean is None:
            raise ValueError("Normalization.adapt() received no batches.")
        self.adapt_mean.assign(total_mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(total_var.astype(self.adapt_variance.dtype))

    def _check_adapt_shape(self, shape: tuple) -> None:
        if not self.built:
            self.build(shape)
            return
        built = self._build_input_shape
        if len(shape) != len(built) or any(
            shape[d] != built[d] for d in self._keep_axis
        ):
            raise ValueError(
                f'Normalization "{self.name}" was built for inputs of shape '
                f"{built}, but adapt() received data of shape {tuple(shape)}."
            )

    def call(self, inputs):
        inputs = inputs.astype(self.compute_dtype)
        if self.input_mean is None:
            mean = jnp.reshape(self.adapt_mean.value, self._broadcast_shape)
            variance = jnp.reshape(
                self.adapt_variance.value, self._broadcast_shape
            )
        else:
            mean, variance = self._mean, self._variance
        mean = jnp.asarray(mean, dtype=inputs.dtype)
        variance = jnp.asarray(variance, dtype=inputs.dtype)
        std = jnp.maximum(jnp.sqrt(variance), ember_config.epsilon())
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config plus `axis`, `invert`, `mean`, `variance`."""
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config
