"""ConvLSTM: the rank-generic convolutional LSTM behind ConvLSTM1D/2D/3D."""

from typing import Any

import jax.numpy as jnp

from ember.layers.convolutional import _common
from ember.layers.input_spec import InputSpec
from ember.layers.rnn import _recurrence
from ember.layers.rnn._cell_layer import CellLayer
from ember.layers.rnn._cell_layer import own_arguments
from ember.layers.rnn.conv_lstm_cell import ConvLSTMCell

# The cell's arguments read through the layer (`layer.filters`), beyond
# those every cell layer exposes.
_CONV_ATTRIBUTES = frozenset(
    {
        "rank",
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
    }
)


class ConvLSTM(CellLayer):
    """Base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (not public).

    The input convolution of all time steps runs before the loop as one
    convolution (time folded into the batch); only the recurrent
    convolution and the gates run inside `jax.lax.scan`. See ConvLSTM2D
    for the arguments; `rank` is the number of spatial dimensions.
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
        super().__init__(ConvLSTMCell, "conv_lstm_cell", arguments, kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if cell is not None and name in _CONV_ATTRIBUTES:
            return getattr(cell, name)
        return super().__getattr__(name)

    # -- shapes and errors ---------------------------------------------------
    def _check_sequences(self, shape: tuple) -> None:
        shape = tuple(shape)
        rank = self.cell.rank
        if len(shape) != rank + 3:
            spatial = f"{rank} spatial dimension" + ("s" if rank > 1 else "")
            if self.data_format == "channels_last":
                layout = f"batch, time, {spatial}, channels"
            else:
                layout = f"batch, time, channels, {spatial}"
            raise ValueError(
                f"{self._describe()} expected an input of rank {rank + 3} "
                f"({layout}), got shape {shape}"
            )

    def _state_shape(self, sequences_shape: tuple) -> tuple:
        """The shape of each state, `(batch, *new_spatial, filters)` (or
        channels first, as `data_format` says); raises naming the layer if
        the spatial size is unknown or too small for the kernel."""
        sequences_shape = tuple(sequences_shape)
        self._check_sequences(sequences_shape)
        step = (sequences_shape[0],) + sequences_shape[2:]
        if None in _common.spatial_of(step, self.data_format):
            raise ValueError(
                f"{self._describe()} needs known spatial dimensions, got "
                f"input shape {sequences_shape}"
            )
        sizes = _common.window_output_sizes(self, step)
        return _common.output_shape(self, sequences_shape, sizes, self.filters)

    def _expected_state_shapes(self, batch) -> list[tuple]:
        shape = (batch,) + self._step_state_shape
        return [shape, shape]

    def _check_initial_state(self, shapes: list, batch) -> None:
        expected = self._expected_state_shapes(batch)
        actual = [tuple(s) for s in shapes]
        ok = len(actual) == len(expected) and all(
            len(a) == len(e)
            and a[1:] == e[1:]
            and (e[0] is None or a[0] is None or a[0] == e[0])
            for a, e in zip(actual, expected, strict=False)
        )
        if not ok:
            raise ValueError(
                f"{self._describe()} expected {len(expected)} initial "
                f"state(s) of shapes {expected}, got {len(actual)} of "
                f"shapes {actual}"
            )

    def build(self, sequences_shape, initial_state_shape=None) -> None:
        """Checks the shape, then builds the cell on one step's shape."""
        shape = self._state_shape(sequences_shape)
        # The shape of one state without its batch dimension (shape[0] is
        # the sequences' batch, shape[1:] the convolved step).
        self._step_state_shape = shape[1:]
        axis = -1 if self.data_format == "channels_last" else 2
        if tuple(sequences_shape)[axis] is None:
            raise ValueError(
                f"{self._describe()} needs a known channel dimension, got "
                f"input shape {tuple(sequences_shape)}"
            )
        super().build(sequences_shape, initial_state_shape)

    def compute_output_shape(
        self, sequences_shape: tuple, initial_state_shape=None
    ) -> Any:
        """The output shape (and the states' shapes with `return_state`)."""
        sequences_shape = tuple(sequences_shape)
        state = self._state_shape(sequences_shape)
        batch, steps = sequences_shape[:2]
        output = (batch, steps) + state[1:] if self.return_sequences else state
        if self.return_state:
            return output, state, state
        return output

    # -- the loop ------------------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Runs the cell over time: `(last_output, outputs, states)`.

        The states and outputs travel through the loop flattened to
        `(batch, size)`, so a `(batch, time)` mask selects whole samples.
        """
        cell = self.cell
        z = cell.project_inputs(sequences, training=training)
        batch, steps = z.shape[:2]
        z_shape = (batch,) + z.shape[2:]
        state_shape = tuple(initial_state[0].shape)

        def flat(a):
            return jnp.reshape(a, (batch, -1))

        def step(z_t, states):
            z_t = jnp.reshape(z_t, z_shape)
            h, c = (jnp.reshape(s, state_shape) for s in states)
            output, (h, c) = cell.recurrent_step(z_t, [h, c], training=training)
            return flat(output), [flat(h), flat(c)]

        states = [flat(s) for s in initial_state]
        last, outputs, states = _recurrence.run(
            step,
            jnp.reshape(z, (batch, steps, -1)),
            states,
            states[0],
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences,
        )
        if outputs is not None:
            outputs = jnp.reshape(outputs, (batch, steps) + state_shape[1:])
        last = jnp.reshape(last, state_shape)
        states = [jnp.reshape(s, state_shape) for s in states]
        return last, outputs, states

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Creates the layer from its flat config."""
        return cls(**config)
