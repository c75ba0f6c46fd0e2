"""Masking: masks the timesteps whose features all equal a value."""

from typing import Any

import jax.numpy as jnp

from ember.layers.layer import Layer


class Masking(Layer):
    """Masks the timesteps whose features all equal `mask_value`.

    A step `inputs[i, j, :]` is masked (mask False) when every feature
    equals `mask_value`; masked steps are set to 0 in the output, and
    `compute_mask` returns the `(batch_size, steps)` boolean mask for
    layers that support masking (e.g. RNNs, `GlobalAveragePooling1D`).

    Args:
        mask_value: the value that marks padding.

    Input shape:
        `(batch_size, steps, ..., features)`.

    Output shape:
        The input shape.

    Example:

    >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]])
    >>> ember.layers.Masking().compute_mask(x)
    Array([[ True, False]], dtype=bool)
    """

    def __init__(self, mask_value: Any = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def _keep(self, inputs, keepdims: bool):
        return jnp.any(
            jnp.not_equal(inputs, self.mask_value), axis=-1, keepdims=keepdims
        )

    def call(self, inputs):
        return jnp.where(self._keep(inputs, True), inputs, 0).astype(
            inputs.dtype
        )

    def compute_mask(self, inputs, mask=None):
        """True where some feature differs from `mask_value`."""
        return self._keep(jnp.asarray(inputs), False)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and `mask_value`."""
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
