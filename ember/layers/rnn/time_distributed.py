"""TimeDistributed: one layer applied to every time step of a sequence."""

from typing import Any

import jax.numpy as jnp

from ember.core import naming
from ember.core import registry
from ember.layers.layer import Layer


class TimeDistributed(Layer):
    """Applies a layer to every temporal slice (axis 1) of an input.

    The input has shape `(batch, time, ...)`; the wrapped layer sees
    inputs of shape `(batch, ...)` and shares its weights across all time
    steps. The time axis is folded into the batch axis, so the wrapped
    layer runs once on `batch * time` samples (one large matmul or
    convolution instead of one per step).

    Args:
        layer: a `Layer` instance (a model works too).
        **kwargs: base layer arguments (`name`, `trainable`, `dtype`...).

    Call arguments:
        inputs: a tensor of shape `(batch, time, ...)`.
        training: passed on to the wrapped layer.
        mask: an optional boolean tensor of shape `(batch, time)`; passed
            on, one entry per sample and step, to a wrapped layer whose
            `call` takes a `mask`.

    Example:

    >>> inputs = ember.Input(shape=(10, 32, 32, 3))
    >>> conv = ember.layers.Conv2D(8, 3)
    >>> ember.layers.TimeDistributed(conv)(inputs).shape
    (None, 10, 30, 30, 8)
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a "
                f"`ember.layers.Layer` instance. Received: {layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_input_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, tuple | list) or len(input_shape) < 3:
            raise ValueError(
                f'TimeDistributed "{self.name}" expects an input with at '
                "least 3 dimensions (batch, time, ...), received "
                f"input_shape={_shape_repr(input_shape)}."
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        """Builds the wrapped layer for one time step, `(batch, ...)`."""
        child_shape = self._child_input_shape(input_shape)
        if not self.layer.built:
            # Under this layer's name, so paths read
            # `time_distributed/dense/kernel` as in Keras.
            with naming.name_scope(self.name):
                self.layer.build(child_shape)
            self.layer.built = True
            if not getattr(self.layer, "_build_shapes_dict", None):
                self.layer._build_shapes_dict = {"input_shape": child_shape}
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """`(batch, time, ...)`, the wrapped layer's output per step."""
        child_shape = self._child_input_shape(input_shape)
        if not self.built:
            self.build(tuple(input_shape))
        child_output = tuple(self.layer.compute_output_shape(child_shape))
        return (child_output[0], input_shape[1], *child_output[1:])

    def call(self, inputs, training: bool | None = None, mask: Any = None):
        """Runs the wrapped layer on all `batch * time` slices at once."""
        shape = inputs.shape
        if len(shape) < 3:
            self._child_input_shape(tuple(shape))
        batch, steps = shape[0], shape[1]
        folded = jnp.reshape(inputs, (batch * steps, *shape[2:]))
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None and self.layer._call_has_mask_arg:
            mask = jnp.asarray(mask)
            if mask.ndim < 2 or tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError(
                    f'TimeDistributed "{self.name}" received a mask of shape '
                    f"{tuple(mask.shape)}; its first two dimensions must be "
                    f"the input's (batch, time) = ({batch}, {steps})."
                )
            kwargs["mask"] = jnp.reshape(mask, (batch * steps, *mask.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        return jnp.reshape(outputs, (batch, steps, *outputs.shape[1:]))

    def get_config(self) -> dict:
        """The base layer config plus the wrapped layer's, under "layer"."""
        config = super().get_config()
        config["layer"] = registry.serialize_object(self.layer)
        return config

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> "TimeDistributed":
        """Rebuilds the wrapper and the wrapped layer from `get_config`."""
        config = dict(config)
        layer = registry.deserialize_object(
            config.pop("layer"), custom_objects=custom_objects
        )
        return cls(layer, **config)


def _shape_repr(shape: Any) -> Any:
    return tuple(shape) if isinstance(shape, list) else shape
