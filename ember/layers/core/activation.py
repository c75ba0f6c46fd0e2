"""Activation: applies an activation function to its input."""

from typing import Any

from ember import activations
from ember.layers._config import resolve
from ember.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: an activation function, or the name of one in
            `ember.activations` (e.g. `"relu"`).

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.Activation("relu")
    >>> layer(np.array([-3.0, -1.0, 0.0, 2.0]))
    Array([0., 0., 0., 2.], dtype=float32)
    """

    def __init__(self, activation: Any, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and the serialized activation."""
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
