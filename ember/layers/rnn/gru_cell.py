"""GRUCell: the gated recurrent unit cell (Cho et al., 2014)."""

from typing import Any

from ember.core.ranks import lift
from ember.layers.rnn._cell_base import BaseRNNCell
from ember.layers.rnn._cell_base import _concat


class GRUCell(BaseRNNCell):
    """The cell of a GRU layer; its state is `h`.

    The update, reset and candidate gates sit side by side in the kernel
    `(input_dim, 3 * units)` and the recurrent kernel `(units, 3 * units)`.
    With `reset_after=True` (the default, cuDNN's convention) the reset
    gate multiplies `h @ recurrent_kernel`, and the bias is `(2, 3 * units)`
    (input bias, recurrent bias); with False it multiplies `h` first and
    the bias is `(3 * units,)`.

    Args:
        units: the dimensionality of the output and state, a positive int.
        activation: default `"tanh"`.
        recurrent_activation: for the gates, default `"sigmoid"`.
        use_bias: whether the gates have biases.
        kernel_initializer: default `"glorot_uniform"`.
        recurrent_initializer: default `"orthogonal"`.
        bias_initializer: default `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            projections.
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of `h` dropped in training.
        reset_after: apply the reset gate after the recurrent matmul.
        seed: an int for reproducible dropout masks.

    Example:

    >>> rnn = ember.layers.RNN(ember.layers.GRUCell(4))
    >>> rnn(np.ones((2, 3, 5))).shape
    (2, 4)
    """

    _gates = 3

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
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
        reset_after: bool = True,
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
        self.reset_after = reset_after

    def _bias_shape(self) -> tuple:
        if self.reset_after:
            return (2, 3 * self.units)
        return (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        bias = self.bias.value
        return bias[0] if self.reset_after else bias

    def _recurrent(self, h, kernel, masks, gates: slice):
        """`h @ kernel[:, gates]`, each gate's `h` masked when dropping."""
        parts = self._split(kernel)[gates]
        if masks is None:
            return h @ _concat(parts) if len(parts) > 1 else h @ parts[0]
        return _concat(
            [(h * m) @ k for m, k in zip(masks[gates], parts, strict=True)]
        )

    def recurrent_step(self, z, states, training=False):
        """The gates from projected inputs `z` and the state `h`."""
        nested = isinstance(states, list | tuple)
        h = states[0] if nested else states
        kernel = self.recurrent_kernel.value
        masks = self._recurrent_masks(h, training)
        x_z, x_r, x_h = self._split(z)
        u = self.units
        if self.reset_after:
            if masks is None:
                inner = h @ kernel
            else:
                inner = self._recurrent(h, kernel, masks, slice(0, 3))
            if self.bias is not None:
                inner = inner + lift(self.bias.value[1], inner.ndim)
            r_z, r_r, r_h = self._split(inner)
            update = self.recurrent_activation(x_z + r_z)
            reset = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + reset * r_h)
        else:
            inner = self._recurrent(h, kernel, masks, slice(0, 2))
            update = self.recurrent_activation(x_z + inner[:, :u])
            reset = self.recurrent_activation(x_r + inner[:, u:])
            h_h = h if masks is None else h * masks[2]
            candidate = self.activation(
                x_h + (reset * h_h) @ kernel[:, 2 * u :]
            )
        h = update * h + (1 - update) * candidate
        return h, [h] if nested else h

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized as Keras does."""
        config = self._base_config()
        config.update(self._objects_config())
        config.update(
            {
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "reset_after": self.reset_after,
                "seed": self.seed,
            }
        )
        return config
