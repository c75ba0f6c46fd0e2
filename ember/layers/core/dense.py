"""Dense: the densely connected layer, `activation(inputs @ kernel + bias)`."""

from typing import Any

import jax.numpy as jnp

from ember import activations
from ember import constraints
from ember import initializers
from ember import regularizers
from ember.core.ranks import lift
from ember.layers._config import resolve
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
        for arg, value in (
            ("lora_rank", lora_rank),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise ValueError(
                    f"Dense: `{arg}` (LoRA / quantization) is not supported "
                    f"by ember yet. Received: {arg}={value!r}"
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
        self.kernel_initializer = resolve(
            initializers.get, kernel_initializer, self, "kernel_initializer"
        )
        self.bias_initializer = resolve(
            initializers.get, bias_initializer, self, "bias_initializer"
        )
        self.kernel_regularizer = resolve(
            regularizers.get, kernel_regularizer, self, "kernel_regularizer"
        )
        self.bias_regularizer = resolve(
            regularizers.get, bias_regularizer, self, "bias_regularizer"
        )
        self.kernel_constraint = resolve(
            constraints.get, kernel_constraint, self, "kernel_constraint"
        )
        self.bias_constraint = resolve(
            constraints.get, bias_constraint, self, "bias_constraint"
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
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
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
                "kernel_initializer": initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": initializers.serialize(
                    self.bias_initializer
                ),
                "kernel_regularizer": regularizers.serialize(
                    self.kernel_regularizer
                ),
                "bias_regularizer": regularizers.serialize(
                    self.bias_regularizer
                ),
                "kernel_constraint": constraints.serialize(
                    self.kernel_constraint
                ),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": None,
            }
        )
        return config
