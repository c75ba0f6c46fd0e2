"""Softmax: the softmax activation as a layer, with an optional mask."""

import jax
import jax.numpy as jnp

from ember.layers.layer import Layer


def _large_negative(dtype) -> float:
    """A logit that vanishes after softmax but stays finite in `dtype`."""
    return -3e4 if jnp.dtype(dtype) == jnp.float16 else -1e9


class Softmax(Layer):
    """Softmax along `axis`: `exp(x) / sum(exp(x))`.

    With a `mask` (call argument, True or 1 where an entry counts), masked
    entries are left out: they get probability 0 and the others sum to 1.

    Args:
        axis: the axis, or list of axes, to normalize over.

    Call arguments:
        inputs: the logits.
        mask: optional, broadcastable to `inputs`; bool, or numeric with
            values above 0.5 meaning "kept".

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.Softmax()
    >>> np.asarray(layer(np.zeros((1, 2))))
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis: int | list[int] = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = jnp.asarray(mask)
            self._check_mask(inputs, mask)
            if mask.dtype != jnp.bool_:
                mask = mask > 0.5
            inputs = jnp.where(
                mask, inputs, jnp.asarray(_large_negative(inputs.dtype))
            ).astype(inputs.dtype)
        axis = self.axis
        if isinstance(axis, list | tuple):
            axis = tuple(axis)
        outputs = jax.nn.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = jnp.where(mask, outputs, jnp.zeros((), outputs.dtype))
        return outputs

    def _check_mask(self, inputs, mask) -> None:
        compatible = mask.ndim <= inputs.ndim and all(
            m in (1, i)
            for m, i in zip(mask.shape[::-1], inputs.shape[::-1], strict=False)
        )
        if not compatible:
            raise ValueError(
                f'Softmax "{self.name}": the mask must be broadcastable to '
                f"the inputs. Received: inputs.shape={tuple(inputs.shape)}, "
                f"mask.shape={tuple(mask.shape)}"
            )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and `axis`."""
        config = super().get_config()
        config["axis"] = self.axis
        return config
