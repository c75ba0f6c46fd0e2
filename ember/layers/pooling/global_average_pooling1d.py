"""GlobalAveragePooling1D: the mean over the time axis."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling: the mean over the time axis, per channel.

    Given a `mask` of shape `(batch_size, steps)`, the mean is taken over
    the unmasked steps only.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        keepdims: whether to keep the reduced axes, with size 1.

    Input shape:
        `(batch_size, steps, features)` with `"channels_last"`,
        `(batch_size, features, steps)` with `"channels_first"`.

    Output shape:
        `(batch_size, channels)`; with `keepdims`, the input layout with
        each reduced axis of size 1.

    Example:

    >>> x = np.ones((2, 4, 3), "float32")
    >>> ember.layers.GlobalAveragePooling1D()(x).shape
    (2, 3)
    """

    def __init__(
        self,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs,
    ):
        super().__init__(
            **parent_arguments(
                BaseGlobalPooling,
                locals(),
                pool_dimensions=1,
                pool_mode="average",
            )
        )
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        feature_axis = 2 if self.data_format == "channels_last" else 1
        mask = jnp.expand_dims(jnp.asarray(mask, bool), feature_axis)
        total = jnp.sum(
            jnp.where(mask, inputs, 0), axis=steps_axis, keepdims=self.keepdims
        )
        count = jnp.sum(
            mask.astype(inputs.dtype), axis=steps_axis, keepdims=self.keepdims
        )
        return total / count

    def compute_mask(self, inputs, mask=None):
        """Always None: the time axis is reduced away."""
        return None
