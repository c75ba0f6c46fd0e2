"""EinsumDense: a dense layer whose product is an einsum equation."""

import copy
from typing import Any

import jax.numpy as jnp

from ember import activations
from ember.core.ranks import lift
from ember.initializers.variance_scaling_initializers import VarianceScaling
from ember.layers import _weights
from ember.layers._config import resolve
from ember.layers.core._einsum_shapes import analyze
from ember.layers.core._einsum_shapes import split_equation
from ember.layers.core._unsupported import reject_unsupported
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class EinsumDense(Layer):
    """A dense layer computing `einsum(equation, inputs, kernel) + bias`.

    The kernel's shape follows from the equation: each kernel letter takes
    its size from the output (`output_shape`) or, failing that, from the
    input.

    Args:
        equation: `"ab,bc->ac"`-style equation of the input, the kernel and
            the output; `...` may stand for leading (`"...b,bc->...c"`) or
            trailing (`"ab...,bc->ac..."`) input axes.
        output_shape: the output shape without the batch axis (an int for
            one axis); None for a size taken from the input.
        activation: an activation function or name; None means linear.
        bias_axes: the output letters that get a bias, e.g. `"c"`; None
            for no bias.
        kernel_initializer: initializer for the kernel (variance-scaling
            initializers get the kernel's input and output axes).
        bias_initializer: initializer for the bias.
        kernel_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        kernel_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.
        lora_rank: LoRA is not supported yet; must be None.
        lora_alpha: unused while `lora_rank` is None.
        gptq_unpacked_column_size: quantization is not supported; None.
        quantization_config: quantization is not supported yet; None.

    Input shape:
        The shape the equation's input part describes.

    Output shape:
        `(batch_size, *output_shape)`, with elided axes kept.

    Example:

    >>> layer = ember.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64),
    ...                                  bias_axes="d")
    >>> layer(np.ones((2, 32, 128), "float32")).shape
    (2, 32, 64)
    """

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs,
    ):
        reject_unsupported(
            "EinsumDense",
            lora_rank=lora_rank,
            gptq_unpacked_column_size=gptq_unpacked_column_size,
            quantization_config=quantization_config,
        )
        split_equation(equation)
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        _weights.store_weight_args(
            self,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )

    def _where(self) -> str:
        return f'EinsumDense "{self.name}"'

    def _shapes(self, input_shape: tuple):
        return analyze(
            self.equation,
            self.bias_axes,
            input_shape,
            self.partial_output_shape,
            self._where(),
        )

    def build(self, input_shape: tuple) -> None:
        """Creates the kernel and, with `bias_axes`, the bias."""
        shapes = self._shapes(input_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, VarianceScaling) and (
            initializer.input_axes is None or initializer.output_axes is None
        ):
            # A copy keeps the seed; the axes make the fans those of the
            # contraction, not of the kernel's first and last axes.
            initializer = copy.copy(initializer)
            initializer.input_axes = shapes.input_axes
            initializer.output_axes = shapes.output_axes
        self.kernel = self.add_weight(
            name="kernel",
            shape=shapes.kernel_shape,
            initializer=initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if shapes.bias_shape is not None:
            self.bias = _weights.add_weight(
                self, "bias", "bias", shapes.bias_shape
            )
        self.built = True

    def call(self, inputs):
        outputs = jnp.einsum(self.equation, inputs, self.kernel.value)
        if self.bias is not None:
            outputs = outputs + lift(self.bias.value, outputs.ndim)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The full output shape the equation gives for `input_shape`."""
        return self._shapes(tuple(input_shape)).output_shape

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "output_shape": self.partial_output_shape,
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                **_weights.weight_args_config(self, ("kernel", "bias"), True),
                "quantization_config": None,
            }
        )
        return config
