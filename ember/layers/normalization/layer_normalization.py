"""LayerNormalization: normalizes each sample over its feature axes."""

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from ember import constraints
from ember import initializers
from ember import regularizers
from ember.layers._config import resolve
from ember.layers.layer import Layer
from ember.layers.normalization._axes import broadcast_shape
from ember.layers.normalization._axes import positive_axes
from ember.layers.normalization._axes import standardize_axis


class LayerNormalization(Layer):
    """Normalizes each sample to mean 0 and variance 1 over `axis`.

    Unlike `BatchNormalization`, the statistics are those of each sample
    alone, so training and inference compute the same thing. The output is
    `gamma * (inputs - mean) / sqrt(variance + epsilon) + beta`, with
    `gamma` and `beta` of the size of the normalized axes.

    Args:
        axis: the axis or list of axes to normalize over (default the last).
        epsilon: a small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned scale `gamma`.
        rms_scaling: deprecated in Keras (which warns): divides by the
            standard deviation without subtracting the mean, then multiplies
            by `gamma`; no `beta`. Use `RMSNormalization` for RMS norm.
        beta_initializer: initializer for `beta`.
        gamma_initializer: initializer for `gamma`.
        beta_regularizer: optional penalty on `beta`.
        gamma_regularizer: optional penalty on `gamma`.
        beta_constraint: optional projection applied to `beta`.
        gamma_constraint: optional projection applied to `gamma`.

    Input shape:
        Any; every axis in `axis` must be within the input's rank.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.LayerNormalization()
    >>> layer(np.arange(6.0).reshape(2, 3)).shape
    (2, 3)
    """

    def __init__(
        self,
        axis: int | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        rms_scaling: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs,
    ):
        if rms_scaling:
            warnings.warn(
                "LayerNormalization: `rms_scaling=True` is deprecated (as in "
                "Keras): it scales by the variance, not the root mean "
                "square. Use `RMSNormalization` for RMS normalization.",
                stacklevel=2,
            )
        axis = standardize_axis(axis, "LayerNormalization")
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
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

    def build(self, input_shape: tuple) -> None:
        """Creates `gamma` then `beta`, shaped like the normalized axes."""
        positive_axes(self, self.axis, input_shape)
        # Keras' order: the axes as given, sorted (so [-1, 1] gives -1 first).
        raw = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in raw)
        if None in shape:
            raise ValueError(
                f'LayerNormalization "{self.name}": the normalized axes '
                f"{self.axis} must have known sizes, got shape "
                f"{tuple(input_shape)}"
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self.built = True

    def call(self, inputs):
        dtype = jnp.result_type(inputs.dtype, "float32")
        x = inputs.astype(dtype)
        axes = positive_axes(self, self.axis, x.shape)
        shape = broadcast_shape(axes, x.shape)
        variance = jnp.var(x, axis=axes, keepdims=True)
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma.value.astype(dtype).reshape(shape)
        if self.rms_scaling:
            outputs = x * inv
        else:
            mean = jnp.mean(x, axis=axes, keepdims=True)
            offset = -mean * inv
            if self.beta is not None:
                offset = offset + self.beta.value.astype(dtype).reshape(shape)
            outputs = x * inv + offset
        return outputs.astype(inputs.dtype).astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged (after checking `axis` against it)."""
        positive_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
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
