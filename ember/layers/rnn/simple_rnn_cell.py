"""SimpleRNNCell: `output = activation(x @ kernel + h @ recurrent + bias)`."""

from typing import Any

from ember.layers.rnn._cell_base import BaseRNNCell


class SimpleRNNCell(BaseRNNCell):
    """The cell of a fully connected RNN whose output is its state.

    Each step computes `activation(x @ kernel + bias + h @ recurrent_kernel)`.

    Args:
        units: the dimensionality of the output and state, a positive int.
        activation: default `"tanh"`; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: for the input kernel (`"glorot_uniform"`).
        recurrent_initializer: for the recurrent kernel (`"orthogonal"`).
        bias_initializer: for the bias (`"zeros"`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties on the weights.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            projections applied to the weights.
        dropout: fraction of the inputs dropped in training (one mask for
            all steps of a call).
        recurrent_dropout: fraction of the state dropped in training.
        seed: an int for reproducible dropout masks.

    Example:

    >>> rnn = ember.layers.RNN(ember.layers.SimpleRNNCell(4))
    >>> rnn(np.ones((2, 3, 5))).shape
    (2, 4)
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
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )

    def recurrent_step(self, z, states, training=False):
        """`activation(z + h @ recurrent_kernel)` for projected inputs `z`."""
        nested = isinstance(states, list | tuple)
        h = states[0] if nested else states
        mask = self._recurrent_masks(h, training)
        if mask is not None:
            h = h * mask
        output = self.activation(z + h @ self.recurrent_kernel.value)
        return output, [output] if nested else output

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized as Keras does."""
        config = self._base_config()
        config.update(self._objects_config())
        config.update(
            {
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return config
