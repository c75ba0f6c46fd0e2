"""GroupNormalization: normalizes each sample over groups of channels."""

from typing import Any

import jax
import jax.numpy as jnp

from ember import constraints
from ember import initializers
from ember import regularizers
from ember.layers._config import resolve
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.normalization._axes import positive_axes


class GroupNormalization(Layer):
    """Normalizes each sample over groups of channels.

    The channels along `axis` are split into `groups` groups of equal size;
    each sample is normalized to mean 0 and variance 1 over every group
    (its channels and all other non-batch axes), then scaled by `gamma` and
    shifted by `beta`, one value per channel. `groups=1` is layer
    normalization over all features, `groups=-1` (one group per channel)
    instance normalization.

    Args:
        groups: the number of groups, a positive int dividing the number of
            channels, or -1 for one group per channel.
        axis: the channels axis, an int.
        epsilon: a small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned scale `gamma`.
        beta_initializer: initializer for `beta`.
        gamma_initializer: initializer for `gamma`.
        beta_regularizer: optional penalty on `beta`.
        gamma_regularizer: optional penalty on `gamma`.
        beta_constraint: optional projection applied to `beta`.
        gamma_constraint: optional projection applied to `gamma`.

    Input shape:
        Any, with the channels on `axis`.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.GroupNormalization(groups=2)
    >>> layer(np.ones((2, 5, 4))).shape
    (2, 5, 4)
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs,
    ):
        if (
            not isinstance(groups, int)
            or isinstance(groups, bool)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a "
                "positive integer (or -1 for instance normalization). "
                f"Received: groups={groups!r}"
            )
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = resolve(
            initializers.get, beta_initializer, self, "beta_initializer"
        )
        self.gamma_initializer = resolve(
            initializers.get, gamma_initializer, self, "gamma_initializer"
        )
        self.beta_regularizer = resolve(
            regularizers.get, beta_regularizer, self, "beta_regularizer"
        )
        self.gamma_regularizer = resolve(
            regularizers.get, gamma_regularizer, self, "gamma_regularizer"
        )
        self.beta_constraint = resolve(
            constraints.get, beta_constraint, self, "beta_constraint"
        )
        self.gamma_constraint = resolve(
            constraints.get, gamma_constraint, self, "gamma_constraint"
        )
        self.supports_masking = True
        self.autocast = False
        self.gamma = None
        self.beta = None

    def _num_groups(self, channels: int) -> int:
        return channels if self.groups == -1 else self.groups

    def build(self, input_shape: tuple) -> None:
        """Checks the channels against `groups`; creates `gamma`, `beta`."""
        (axis,) = positive_axes(self, self.axis, input_shape)
        dim = input_shape[axis]
        where = f'GroupNormalization "{self.name}"'
        if dim is None:
            raise ValueError(
                f"{where}: axis {self.axis} of the input must have a known "
                f"size, got shape {tuple(input_shape)}"
            )
        groups = self._num_groups(dim)
        if dim < groups:
            raise ValueError(
                f"{where}: the number of groups ({groups}) cannot be more "
                f"than the number of channels ({dim}) on axis {self.axis} of "
                f"the input shape {tuple(input_shape)}."
            )
        if dim % groups:
            raise ValueError(
                f"{where}: the number of channels ({dim}) on axis "
                f"{self.axis} of the input shape {tuple(input_shape)} must be "
                f"a multiple of the number of groups ({groups})."
            )
        self.input_spec = InputSpec(
            ndim=len(input_shape), axes={self.axis: dim}
        )
        for name, on in (("gamma", self.scale), ("beta", self.center)):
            weight = None
            if on:
                weight = self.add_weight(
                    name=name,
                    shape=(dim,),
                    initializer=getattr(self, f"{name}_initializer"),
                    regularizer=getattr(self, f"{name}_regularizer"),
                    constraint=getattr(self, f"{name}_constraint"),
                    autocast=False,
                )
            setattr(self, name, weight)
        self.built = True

    def call(self, inputs):
        axis = self.axis % inputs.ndim
        channels = inputs.shape[axis]
        groups = self._num_groups(channels)
        # (..., channels, ...) -> (..., groups, channels // groups, ...)
        grouped = list(inputs.shape)
        grouped[axis : axis + 1] = [groups, channels // groups]
        dtype = jnp.result_type(inputs.dtype, "float32")
        x = inputs.reshape(grouped).astype(dtype)
        reduction = tuple(a for a in range(1, x.ndim) if a != axis)
        mean = jnp.mean(x, axis=reduction, keepdims=True)
        variance = jnp.var(x, axis=reduction, keepdims=True)
        shape = [1] * x.ndim
        shape[axis : axis + 2] = [groups, channels // groups]
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma.value.astype(dtype).reshape(shape)
        offset = -mean * inv
        if self.beta is not None:
            offset = offset + self.beta.value.astype(dtype).reshape(shape)
        outputs = (x * inv + offset).astype(inputs.dtype)
        return outputs.reshape(inputs.shape).astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged (after checking `axis` against it)."""
        positive_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(
                    self.beta_initializer
                ),
                "gamma_initializer": initializers.serialize(
                    self.gamma_initializer
                ),
                "beta_regularizer": regularizers.serialize(
                    self.beta_regularizer
                ),
                "gamma_regularizer": regularizers.serialize(
                    self.gamma_regularizer
                ),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(
                    self.gamma_constraint
                ),
            }
        )
        return config
