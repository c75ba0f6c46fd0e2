"""ConvLSTMCell: an LSTM cell whose matmuls are convolutions."""

from typing import Any

import jax
import jax.numpy as jnp

from ember import activations
from ember import ops
from ember.core.seed import SeedGenerator
from ember.layers._config import resolve
from ember.layers.convolutional import _common
from ember.layers.layer import Layer
from ember.layers.rnn._cell_base import _OBJECTS
from ember.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from ember.layers.rnn.lstm_cell import _ForgetBias

_GATES = 4


class ConvLSTMCell(DropoutRNNCell, Layer):
    """The cell of the ConvLSTM layers (not exported, as in Keras).

    One step of `ConvLSTM1D/2D/3D`: the four gates (input, forget, cell,
    output) come from a convolution of the step's input with `kernel`
    `(*kernel_size, channels, 4 * filters)` plus a "same"-padded, stride-1
    convolution of the previous `h` with `recurrent_kernel`
    `(*kernel_size, filters, 4 * filters)`; the states are `[h, c]`, each
    `(batch, *new_spatial, filters)` (channels last). Like the other cells
    the step splits in two: `project_inputs` (the input convolution, which
    also takes a whole sequence, time folded into the batch) and
    `recurrent_step`.

    Args:
        rank: 1, 2 or 3, the number of spatial dimensions.
        filters: the number of output channels, a positive int.
        kernel_size: an int or `rank` ints.
        strides: of the input convolution; an int or `rank` ints.
        padding: of the input convolution, `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: of the input convolution; an int or `rank` ints.
        activation: default `"tanh"`.
        recurrent_activation: for the gates, default `"sigmoid"`.
        use_bias: whether the gates have a bias.
        kernel_initializer: default `"glorot_uniform"`.
        recurrent_initializer: default `"orthogonal"`.
        bias_initializer: default `"zeros"`.
        unit_forget_bias: start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            projections.
        dropout: fraction of the inputs dropped in training (one mask per
            gate, the same at every step).
        recurrent_dropout: fraction of `h` dropped in training.
        seed: an int for reproducible dropout masks.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        if rank not in (1, 2, 3):
            raise ValueError(
                "ConvLSTM supports rank 1, 2 or 3 convolutions. "
                f"Received: rank={rank!r}"
            )
        _common.check_positive("filters", filters)
        window = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding
        )
        objects = {
            "kernel_initializer": kernel_initializer,
            "recurrent_initializer": recurrent_initializer,
            "bias_initializer": bias_initializer,
            "kernel_regularizer": kernel_regularizer,
            "recurrent_regularizer": recurrent_regularizer,
            "bias_regularizer": bias_regularizer,
            "kernel_constraint": kernel_constraint,
            "recurrent_constraint": recurrent_constraint,
            "bias_constraint": bias_constraint,
        }
        super().__init__(**kwargs)
        _common.store_window(self, rank, window, data_format)
        self.filters = filters
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.recurrent_activation = resolve(
            activations.get, recurrent_activation, self, "recurrent_activation"
        )
        self.use_bias = use_bias
        for name, module in _OBJECTS:
            setattr(self, name, resolve(module.get, objects[name], self, name))
        self.unit_forget_bias = unit_forget_bias
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        # Keras draws one input mask and one recurrent mask per gate.
        self.dropout_mask_count = _GATES
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        # Channels per state; the spatial shape is the input's, convolved.
        self.state_size = [filters, filters]
        self.output_size = filters

    # -- shapes ----------------------------------------------------------------
    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def compute_output_shape(self, inputs_shape: tuple, states_shape=None):
        """`(output_shape, [h_shape, c_shape])` for one step's input shape
        (the three are equal)."""
        sizes = _common.window_output_sizes(self, inputs_shape)
        shape = _common.output_shape(self, inputs_shape, sizes, self.filters)
        return shape, [shape, shape]

    def build(self, inputs_shape: tuple, states_shape=None) -> None:
        """Creates `kernel`, `recurrent_kernel` and `bias` (the gates side
        by side along the last axis, as in Keras)."""
        inputs_shape = tuple(inputs_shape)
        spatial = _common.spatial_of(inputs_shape, self.data_format)
        if None in spatial:
            raise ValueError(
                f'{type(self).__name__} "{self.name}" needs known spatial '
                f"dimensions, got input shape {inputs_shape}"
            )
        channels = _common.channels_of(self, inputs_shape)
        self.compute_output_shape(inputs_shape)
        self.spatial_dims = spatial
        self.input_dim = channels
        width = _GATES * self.filters
        self.kernel = _common.add_weight(
            self, "kernel", "kernel", self.kernel_size + (channels, width)
        )
        self.recurrent_kernel = _common.add_weight(
            self,
            "recurrent_kernel",
            "recurrent",
            self.kernel_size + (self.filters, width),
        )
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                initializer = _ForgetBias(initializer, self.filters)
            self.bias = self.add_weight(
                shape=(width,),
                name="bias",
                initializer=initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """Zero `[h, c]`, each the shape of one step's output."""
        if self.data_format == "channels_last":
            step = (batch_size, *self.spatial_dims, self.input_dim)
        else:
            step = (batch_size, self.input_dim, *self.spatial_dims)
        shape = self.compute_output_shape(step)[0]
        return [jnp.zeros(shape, self.compute_dtype) for _ in range(2)]

    # -- the step, in two halves -------------------------------------------
    def _split(self, array: jax.Array, axis: int) -> list:
        return jnp.split(array, _GATES, axis=axis)

    def _gate_convs(self, x, kernel, masks, conv) -> jax.Array:
        """`conv(x, kernel)`, or with per-gate dropout masks, each gate's
        slice of the kernel on its own masked copy of `x`."""
        if masks is None:
            return conv(x, kernel)
        parts = [
            conv(x * m, k)
            for m, k in zip(masks, self._split(kernel, -1), strict=True)
        ]
        return jnp.concatenate(parts, axis=self._channel_axis)

    def _input_conv(self, x, kernel):
        x, kernel = _common.match_dtypes(x, kernel)
        return ops.conv(
            x,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _recurrent_conv(self, h, kernel):
        h, kernel = _common.match_dtypes(h, kernel)
        return ops.conv(
            h, kernel, strides=1, padding="same", data_format=self.data_format
        )

    def project_inputs(self, inputs: Any, training: bool = False) -> Any:
        """The input convolution plus bias, for one step
        `(batch, *spatial, channels)` or for a whole sequence
        `(batch, time, *spatial, channels)` (one convolution with time
        folded into the batch)."""
        sequence = inputs.ndim == self.rank + 3
        masks = None
        if training and 0 < self.dropout < 1:
            # For a sequence the RNN drew the step masks before the loop.
            masks = self.get_dropout_mask(inputs[:, 0] if sequence else inputs)
        if sequence:
            batch, steps = inputs.shape[:2]
            if masks is not None:
                masks = [m[:, None] for m in masks]
                masks = [
                    _fold(jnp.broadcast_to(m, inputs.shape)) for m in masks
                ]
            inputs = _fold(inputs)
        z = self._gate_convs(inputs, self.kernel.value, masks, self._input_conv)
        z = _common.add_bias(z, self.bias, self.data_format)
        if sequence:
            z = jnp.reshape(z, (batch, steps) + z.shape[1:])
        return z

    def recurrent_step(self, z, states, training=False):
        """The recurrent convolution and the gates, from the projected
        inputs `z` of one step and `[h, c]`."""
        h, c = states[0], states[1]
        masks = None
        if training and 0 < self.recurrent_dropout < 1:
            masks = self.get_recurrent_dropout_mask(h)
        kernel = self.recurrent_kernel.value
        z = z + self._gate_convs(h, kernel, masks, self._recurrent_conv)
        i, f, g, o = self._split(z, self._channel_axis)
        i = self.recurrent_activation(i)
        f = self.recurrent_activation(f)
        c = f * c + i * self.activation(g)
        o = self.recurrent_activation(o)
        h = o * self.activation(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        z = self.project_inputs(inputs, training=training)
        return self.recurrent_step(z, states, training=training)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized as
        Keras does."""
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation
                ),
                "use_bias": self.use_bias,
                "unit_forget_bias": self.unit_forget_bias,
            }
        )
        config.update(
            {
                name: module.serialize(getattr(self, name))
                for name, module in _OBJECTS
            }
        )
        config.update(
            {
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return config


def _fold(x: jax.Array) -> jax.Array:
    """`(batch, time, ...)` as `(batch * time, ...)`."""
    return jnp.reshape(x, (x.shape[0] * x.shape[1],) + x.shape[2:])
