"""ConvLSTM3D: the 3D convolutional LSTM (Shi et al., 2015)."""

from typing import Any

from ember.layers.rnn._cell_layer import own_arguments
from ember.layers.rnn.conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: an LSTM whose matmuls are convolutions.

    Runs over sequences of volumes.

    The input convolution of all time steps is one convolution before
    the loop (time folded into the batch); only the recurrent convolution
    ("same" padding, stride 1) and the gates run inside `jax.lax.scan`.
    The weights are the cell's, as in Keras: `conv_lstm_cell/kernel`
    `(*kernel_size, channels, 4 * filters)`, `recurrent_kernel`
    `(*kernel_size, filters, 4 * filters)` and `bias` `(4 * filters,)`,
    the gates in the order input, forget, cell, output.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of 3 ints.
        strides: the input convolution's step: an int or a tuple of 3 ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: of the input convolution, `"valid"` or `"same"`
            (case-insensitive).
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the input convolution's dilation:
            an int or a tuple of 3 ints.
        activation: default `"tanh"`.
        recurrent_activation: for the gates, default `"sigmoid"`.
        use_bias: whether the gates have a bias.
        kernel_initializer: default `"glorot_uniform"`.
        recurrent_initializer: default `"orthogonal"`.
        bias_initializer: default `"zeros"`.
        unit_forget_bias: start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties on the weights.
        activity_regularizer: optional penalty on the output.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            projections applied to the weights.
        dropout: fraction of the inputs dropped in training (one mask per
            gate, the same at every step of a call).
        recurrent_dropout: fraction of the state dropped in training.
        seed: an int for reproducible dropout masks.
        return_sequences: return the whole output sequence, not only the
            last output.
        return_state: also return the final states `[h, c]`.
        go_backwards: process the sequence backwards (outputs in
            processing order).
        stateful: carry the final states of a batch into the next one.
        unroll: unroll the time loop (short sequences only).

    Call arguments:
        sequences: the input, see below.
        initial_state: optional list `[h, c]` of initial states.
        mask: optional `(batch, time)` booleans; masked steps keep the
            previous states.
        training: whether dropout applies.

    Input shape:
        `(batch, time, dim1, dim2, dim3, channels)` with `"channels_last"`,
        `(batch, time, channels, dim1, dim2, dim3)` with `"channels_first"`.

    Output shape:
        `(batch, new_dim1, new_dim2, new_dim3, filters)` (channels last),
        with `(batch, time, ...)` in front when `return_sequences`; each
        state has the shape without time. The new sizes are the input
        convolution's (they change with `padding` and `strides`).

    Example:

    >>> layer = ember.layers.ConvLSTM3D(4, 3, return_sequences=True)
    >>> layer(np.ones((2, 3, 4, 4, 4, 2))).shape
    (2, 3, 2, 2, 2, 4)
    """

    def __init__(
        self,
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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs,
    ):
        arguments = own_arguments(locals())
        super().__init__(rank=3, **arguments, **kwargs)
