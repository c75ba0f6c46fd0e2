"""SimpleRNN: a fully connected RNN whose output is fed back as its state."""

from typing import Any

from ember.layers.rnn._cell_layer import CellLayer
from ember.layers.rnn._cell_layer import own_arguments
from ember.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellLayer):
    """A fully connected RNN whose output is fed back as its state.

    The input projection of all time steps is one matmul before the loop;
    only the recurrent matmul and the gates run inside `jax.lax.scan`. The
    weights are the cell's: `simple_rnn_cell/kernel`, `recurrent_kernel`,
    `bias`, as in Keras.

    Args:
        units: the dimensionality of the output space, a positive int.
        activation: default `"tanh"`.
        use_bias: whether to use biases.
        kernel_initializer: default `"glorot_uniform"`.
        recurrent_initializer: default `"orthogonal"`.
        bias_initializer: default `"zeros"`.
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

    Call arguments:
        sequences: `(batch, timesteps, features)`.
        initial_state: optional list of initial state tensors.
        mask: optional `(batch, timesteps)` booleans.
        training: whether dropout applies.

    Example:

    >>> layer = ember.layers.SimpleRNN(4, return_sequences=True)
    >>> layer(np.ones((2, 3, 5))).shape
    (2, 3, 4)
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        arguments = own_arguments(locals())
        super().__init__(SimpleRNNCell, "simple_rnn_cell", arguments, kwargs)

    def get_config(self) -> dict:
        """The flat config, as Keras writes it (no `seed`)."""
        config = super().get_config()
        config.pop("seed", None)
        return config
