"""LSTM: the long short-term memory layer (Hochreiter, 1997)."""

from typing import Any

from ember.layers.rnn._cell_layer import CellLayer
from ember.layers.rnn._cell_layer import check_use_cudnn
from ember.layers.rnn._cell_layer import own_arguments
from ember.layers.rnn.lstm_cell import LSTMCell


class LSTM(CellLayer):
    """The long short-term memory layer (Hochreiter, 1997).

    The input projection of all time steps is one matmul before the loop;
    only the recurrent matmul and the gates run inside `jax.lax.scan`. The
    weights are the cell's: `lstm_cell/kernel`, `recurrent_kernel`,
    `bias`, as in Keras.

    Args:
        units: the dimensionality of the output space, a positive int.
        activation: default `"tanh"`.
        recurrent_activation: for the gates, default `"sigmoid"`.
        use_bias: whether to use biases.
        kernel_initializer: default `"glorot_uniform"`.
        recurrent_initializer: default `"orthogonal"`.
        bias_initializer: default `"zeros"`.
        unit_forget_bias: start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties on the weights.
        activity_regularizer: optional penalty on the output.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            projections applied to the weights.
        dropout: fraction of the inputs dropped in training (the same
            mask at every step of a call).
        recurrent_dropout: fraction of the state dropped in training.
        seed: an int for reproducible dropout masks.
        return_sequences: return the whole output sequence, not only the
            last output.
        return_state: also return the final states.
        go_backwards: process the sequence backwards (outputs in
            processing order).
        stateful: carry the final states of a batch into the next one.
        unroll: unroll the time loop (short sequences only).
        use_cudnn: accepted for compatibility (`"auto"`, True or
            False); ember always runs its own XLA loop.

    Call arguments:
        sequences: `(batch, timesteps, features)`.
        initial_state: optional list of initial state tensors.
        mask: optional `(batch, timesteps)` booleans.
        training: whether dropout applies.

    Example:

    >>> layer = ember.layers.LSTM(4, return_sequences=True)
    >>> layer(np.ones((2, 3, 5))).shape
    (2, 3, 4)
    """

    def __init__(
        self,
        units: int,
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
        use_cudnn: Any = "auto",
        **kwargs,
    ):
        arguments = own_arguments(locals())
        use_cudnn = check_use_cudnn(arguments.pop("use_cudnn"))
        super().__init__(LSTMCell, "lstm_cell", arguments, kwargs)
        self.use_cudnn = use_cudnn
