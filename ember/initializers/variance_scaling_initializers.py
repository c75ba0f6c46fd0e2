"""Variance scaling initializers: Glorot, He and LeCun, uniform and normal."""

import math
from collections.abc import Sequence
from typing import Any

import jax

from ember.core.checks import check_real
from ember.core.checks import is_integer
from ember.core.seed import SeedGenerator
from ember.initializers import _config
from ember.initializers.random_initializers import RandomInitializer
from ember.initializers.random_initializers import _sample

# The standard deviation of a unit normal truncated to [-2, 2].
_TRUNCATED_STDDEV = 0.87962566103423978
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Returns the numbers of input and output units of a weight shape.

    A 2D shape is `(inputs, outputs)`; a convolution kernel
    `(*spatial, in_channels, out_channels)` has each channel count times the
    receptive field size (the product of the spatial dimensions).

    Args:
        shape: the weight's shape.
        input_axes: optional axes whose sizes multiply into `fan_in`.
        output_axes: optional axes whose sizes multiply into `fan_out`.

    Returns:
        A tuple `(fan_in, fan_out)` of ints.
    """
    shape = tuple(int(dim) for dim in shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[axis] for axis in input_axes)
        fan_out = math.prod(shape[axis] for axis in output_axes)
        return int(fan_in), int(fan_out)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(RandomInitializer):
    """Initializer whose spread adapts to the weight's shape.

    With `n` the fan in, the fan out or their mean (per `mode`), normal
    distributions get standard deviation `sqrt(scale / n)` (measured after
    truncation for `"truncated_normal"`), and `"uniform"` draws from
    `[-limit, limit]` with `limit = sqrt(3 * scale / n)`.

    Args:
        scale: a positive scaling factor.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (`"normal"` is accepted for it),
            `"untruncated_normal"` or `"uniform"`.
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.

    Example:

    >>> init = VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform")
    >>> init((2, 2)).shape
    (2, 2)
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ):
        owner = type(self).__name__
        scale = check_real(owner, "scale", scale, strictly_positive=True)
        for argument, axes in (
            ("input_axes", input_axes),
            ("output_axes", output_axes),
        ):
            if axes is not None and not (
                isinstance(axes, list | tuple) and all(map(is_integer, axes))
            ):
                raise ValueError(
                    f"{owner}: expected `{argument}` to be a list of "
                    f"integers or None. Received: {argument}={axes!r}"
                )
        if not isinstance(mode, str) or mode not in _MODES:
            raise ValueError(
                f"{type(self).__name__}: `mode` must be one of {_MODES}. "
                f"Received: mode={mode!r}"
            )
        if not isinstance(distribution, str):
            raise ValueError(
                f"{owner}: `distribution` must be one of {_DISTRIBUTIONS}. "
                f"Received: distribution={distribution!r}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"{type(self).__name__}: `distribution` must be one of "
                f"{_DISTRIBUTIONS}. Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns values scaled to the fans of `shape`.

        Args:
            shape: the shape of the array.
            dtype: a float dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2.0,
        }[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return _sample(
                self, "uniform", shape, dtype, minval=-limit, maxval=limit
            )
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return _sample(
                self, "truncated_normal", shape, dtype, mean=0.0, stddev=stddev
            )
        stddev = math.sqrt(scale)
        return _sample(self, "normal", shape, dtype, mean=0.0, stddev=stddev)

    def get_config(self) -> dict:
        """Returns all constructor arguments."""
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A `VarianceScaling` whose scale, mode and distribution are fixed."""

    _SETTINGS: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(
        self,
        seed: int | SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ):
        scale, mode, distribution = self._SETTINGS
        super().__init__(
            scale=scale,
            mode=mode,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict:
        """Returns `seed`, `input_axes` and `output_axes`."""
        return {
            "seed": _config.serialize_value(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform initializer.

    Draws from `[-limit, limit]` with `limit = sqrt(6 / (fan_in + fan_out))`
    (Glorot and Bengio, 2010).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal initializer.

    Draws from a truncated normal with standard deviation
    `sqrt(2 / (fan_in + fan_out))` (Glorot and Bengio, 2010).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform initializer.

    Draws from `[-limit, limit]` with `limit = sqrt(6 / fan_in)` (He et al.,
    2015).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """He normal initializer.

    Draws from a truncated normal with standard deviation `sqrt(2 / fan_in)`
    (He et al., 2015).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform initializer.

    Draws from `[-limit, limit]` with `limit = sqrt(3 / fan_in)`
    (Klambauer et al., 2017).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal initializer.

    Draws from a truncated normal with standard deviation `sqrt(1 / fan_in)`
    (Klambauer et al., 2017).

    Args:
        seed: an int for the same values on every call, or None or a
            `SeedGenerator` for new values on each call.
        input_axes: optional axes that count as inputs in `compute_fans`.
        output_axes: optional axes that count as outputs.
    """

    _SETTINGS = (1.0, "fan_in", "truncated_normal")
