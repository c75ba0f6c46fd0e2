"""LSTMCell: the long short-term memory cell (Hochreiter, 1997)."""

from typing import Any

import jax.numpy as jnp

from ember import initializers
from ember.initializers.initializer import Initializer
from ember.layers.rnn._cell_base import BaseRNNCell
from ember.layers.rnn._cell_base import _concat


class _ForgetBias(Initializer):
    """`bias_initializer` for the input, cell and output gates, ones for
    the forget gate (Keras' `unit_forget_bias`)."""

    def __init__(self, initializer, units: int):
        self.initializer = initializer
        self.units = units

    def __call__(self, shape, dtype=None):
        u = self.units
        ones = initializers.get("ones")
        return jnp.concatenate(
            [
                self.initializer((u,), dtype=dtype),
                ones((u,), dtype=dtype),
                self.initializer((2 * u,), dtype=dtype),
            ]
        )


class LSTMCell(BaseRNNCell):
    """The cell of an LSTM layer; its states are `[h, c]`.

    The four gates (input, forget, cell, output) sit side by side in the
    kernel `(input_dim, 4 * units)`, the recurrent kernel
    `(units, 4 * units)` and the bias `(4 * units,)`, as in Keras.

    Args:
        units: the dimensionality of the output and states, a positive int.
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
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of `h` dropped in training.
        seed: an int for reproducible dropout masks.

    Example:

    >>> rnn = ember.layers.RNN(ember.layers.LSTMCell(4))
    >>> rnn(np.ones((2, 3, 5))).shape
    (2, 4)
    """

    _gates = 4

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
            recurrent_activation=recurrent_activation,
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
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _ForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def recurrent_step(self, z, states, training=False):
        """The gates from projected inputs `z` and `[h, c]`."""
        h, c = states[0], states[1]
        kernel = self.recurrent_kernel.value
        masks = self._recurrent_masks(h, training)
        if masks is None:
            z = z + h @ kernel
        else:
            z = z + _concat(
                [
                    (h * m) @ k
                    for m, k in zip(masks, self._split(kernel), strict=True)
                ]
            )
        i, f, g, o = self._split(z)
        i = self.recurrent_activation(i)
        f = self.recurrent_activation(f)
        c = f * c + i * self.activation(g)
        o = self.recurrent_activation(o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized as Keras does."""
        config = self._base_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        config.update(self._objects_config())
        config.update(
            {
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return config
