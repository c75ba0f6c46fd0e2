"""Multiply: multiplies a list of inputs elementwise."""

import jax.numpy as jnp

from ember.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs elementwise.

    It takes a list of tensors of the same shape (or shapes that broadcast)
    and returns one tensor of that shape: their product. Given input masks,
    masked steps count as 1 in the product; when every input has a mask,
    steps masked in all of them are 0 in the output.

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of tensors `(batch_size, ...)` whose shapes broadcast.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1 = np.array([[1.0, 2.0]])
    >>> x2 = np.array([[3.0, 4.0]])
    >>> ember.layers.Multiply()([x1, x2])
    Array([[3., 8.]], dtype=float32)
    """

    def _merge_function(self, inputs: list, masks: list | None):
        if masks is None:
            output = inputs[0]
            for x in inputs[1:]:
                output = output * x
            return output
        all_masked = all(m is not None for m in masks)
        output, output_mask = None, None
        for x, mask in zip(inputs, masks, strict=True):
            if mask is not None:
                mask = jnp.broadcast_to(
                    jnp.expand_dims(jnp.asarray(mask, bool), -1), x.shape
                )
                x = jnp.where(mask, x, jnp.ones((), x.dtype))
                if all_masked:
                    output_mask = (
                        mask
                        if output_mask is None
                        else jnp.logical_or(output_mask, mask)
                    )
            output = x if output is None else output * x
        if all_masked:
            output = jnp.where(output_mask, output, jnp.zeros((), output.dtype))
        return output


def multiply(inputs: list, **kwargs):
    """Functional interface to the `Multiply` layer.

    Args:
        inputs: a list of tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the elementwise product of the inputs.

    Example:

    >>> x = ember.Input(shape=(4,))
    >>> ember.layers.multiply([x, x]).shape
    (None, 4)
    """
    return Multiply(**kwargs)(inputs)
