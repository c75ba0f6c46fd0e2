"""Dense: the densely connected layer, `activation(inputs @ kernel + bias)`."""

from typing import Any

import jax.numpy as jnp

from ember import activations
from ember.core.ranks import lift
from ember.layers import _weights
from ember.layers._config import resolve
from ember.layers.core._unsupported import reject_unsupported
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class Dense(Layer):
    """A densely connected layer: `activation(dot(inputs, kernel) + bias)`.

    Inputs of rank above 2 are multiplied along their last axis.

    Args:
        units: the dimensionality of the output, a positive int.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel matrix.
        bias_initializer: initializer for the bias vector.
        kernel_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        kernel_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.
        lora_rank: LoRA is not supported yet; must be None.
        lora_alpha: unused while `lora_rank` is None.
        quantization_config: quantization is not supported yet; None.

    Input shape:
        `(batch_size, ..., input_dim)`.

    Output shape:
        `(batch_size, ..., units)`.

    Example:

    >>> layer = ember.layers.Dense(3)
    >>> layer(np.ones((2, 4))).shape
    (2, 3)
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs,
    ):
        reject_unsupported(
            "Dense",
            lora_rank=lora_rank,
            quantization_config=quantization_config,
        )
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive "
                f"integer. Received: units={units!r}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.use_bias = use_bias
        _weights.store_weight_args(
            self,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        """Creates the kernel `(input_dim, units)` and the bias `(units,)`."""
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f'Dense "{self.name}" needs a known last dimension, got '
                f"{tuple(input_shape)}"
            )
        self.kernel = _weights.add_weight(
            self, "kernel", "kernel", (input_dim, self.units)
        )
        self.bias = _weights.add_bias_weight(self, self.units)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        outputs = jnp.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            outputs = outputs + lift(self.bias.value, outputs.ndim)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`input_shape` with its last dimension replaced by `units`."""
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **_weights.weight_args_config(self, ("kernel", "bias")),
                "quantization_config": None,
            }
        )
        return config
