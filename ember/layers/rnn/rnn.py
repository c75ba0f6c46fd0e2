"""RNN: runs any cell over the time axis of a sequence."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core import naming
from ember.core import registry
from ember.core.state_scope import current_scope
from ember.layers.layer import Layer
from ember.layers.rnn import _recurrence
from ember.layers.rnn._cell_base import BaseRNNCell
from ember.layers.rnn.dropout_rnn_cell import draw_dropout_masks
from ember.layers.rnn.dropout_rnn_cell import reset_dropout_masks
from ember.layers.rnn.stacked_rnn_cells import StackedRNNCells
from ember.layers.rnn.stacked_rnn_cells import cell_initial_state
from ember.layers.rnn.stacked_rnn_cells import cell_output_size


def _has_fast_path(cell) -> bool:
    """Whether the cell's step splits into `project_inputs` (all steps at
    once, before the loop) and `recurrent_step` (inside the loop)."""
    if isinstance(cell, StackedRNNCells):
        return _has_fast_path(cell.cells[0])
    return isinstance(cell, BaseRNNCell) and type(cell).call is BaseRNNCell.call


def _project_in_loop() -> bool:
    """Whether the input projection runs per step inside the loop.

    On GPU / TPU the projection of all steps is one large matmul before
    the loop. XLA:CPU fuses the loop's slice of a hoisted projection into
    the gate math, which then runs about twice as slow: LSTM(64), 100
    steps, batch 64, forward / forward+backward ms on the 2-core CPU:
    hoisted 10.5 / 32.9, per step in the loop 5.7 / 18.3 (and the text
    classifier of `make bench` fits about 1.3x faster).
    """
    return jax.default_backend() == "cpu"


def _flat_sizes(state_size) -> list:
    if not isinstance(state_size, list | tuple):
        return [state_size]
    return [d for s in state_size for d in _flat_sizes(s)]


class RNN(Layer):
    """Base class for recurrent layers: runs a cell over time.

    A cell is a layer with a `state_size` attribute (an int, or a list of
    ints or nested lists, one per state) and a
    `call(inputs, states, training=None) -> (output, new_states)` method
    for one time step; it may define `output_size` and
    `get_initial_state(batch_size)`. A list of cells is stacked
    (`StackedRNNCells`). The loop is a `jax.lax.scan` (a Python loop when
    `unroll=True`).

    Args:
        cell: an RNN cell, or a list of cells.
        return_sequences: return every step's output
            `(batch, time, units)`, not only the last `(batch, units)`.
        return_state: also return the final states (after the output).
        go_backwards: process the sequence backwards; the outputs come in
            processing order.
        stateful: keep the final states of a batch as the initial states
            of the next batch (the batch size must be fixed by the input).
        unroll: unroll the loop (faster for short sequences, more memory).
        zero_output_for_mask: masked steps output zeros instead of
            repeating the previous output (in the returned sequences).

    Call arguments:
        sequences: `(batch, time, ...)`.
        initial_state: optional list of initial state tensors.
        mask: optional `(batch, time)` booleans; masked steps keep the
            previous states.
        training: passed on to the cell (dropout).

    Example:

    >>> layer = ember.layers.RNN(ember.layers.LSTMCell(4),
    ...                          return_sequences=True)
    >>> layer(np.ones((2, 3, 5))).shape
    (2, 3, 4)
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs,
    ):
        if isinstance(cell, list | tuple):
            cell = StackedRNNCells(cell)
        name = kwargs.get("name") or type(self).__name__
        if not hasattr(cell, "call"):
            raise ValueError(
                f'{type(self).__name__} "{name}": argument `cell` should '
                f"have a `call` method. Received: cell={cell}"
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                f'{type(self).__name__} "{name}": the RNN cell should have '
                "a `state_size` attribute (an integer, or a list of "
                "integers, one per state). Received: "
                f"cell={cell} with state_size=None"
            )
        if not isinstance(state_size, list | tuple | int) or not all(
            isinstance(d, int) and d > 0 for d in _flat_sizes(state_size)
        ):
            raise ValueError(
                f'{type(self).__name__} "{name}": the cell\'s `state_size` '
                "must be an integer or a list/tuple of integers. Received: "
                f"state_size={state_size!r}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self.single_state = isinstance(state_size, int)
        self.state_size = (
            [state_size] if self.single_state else list(state_size)
        )
        self.states = None

    # -- shapes and errors ---------------------------------------------------
    def _describe(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    def _check_sequences(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                f"{self._describe()} expected an input of rank 3 "
                f"(batch, timesteps, features), got shape {tuple(shape)}"
            )

    def _expected_state_shapes(self, batch) -> list[tuple]:
        return [(batch, d) for d in _flat_sizes(self.state_size)]

    def _check_initial_state(self, shapes: list, batch) -> None:
        expected = self._expected_state_shapes(batch)
        actual = [tuple(s) for s in shapes]
        ok = len(actual) == len(expected) and all(
            len(a) == 2
            and a[1] == e[1]
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
        """Builds the cell on one step's shape; makes the state variables
        when `stateful`."""
        sequences_shape = tuple(sequences_shape)
        self._check_sequences(sequences_shape)
        if initial_state_shape is not None:
            shapes = _flat_shapes(initial_state_shape)
            self._check_initial_state(shapes, sequences_shape[0])
        if self.stateful and sequences_shape[0] is None:
            raise ValueError(
                f"{self._describe()}: with `stateful=True` the batch size "
                "must be fixed; pass `batch_size` (or `batch_shape`) to "
                "the `Input`. Received: sequences of shape "
                f"{sequences_shape}"
            )
        step_shape = (sequences_shape[0],) + sequences_shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            with naming.name_scope(self.name):
                self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful and self.states is None:
            self.states = [
                self.add_weight(
                    shape=tuple(s.shape),
                    initializer="zeros",
                    trainable=False,
                    name="rnn_state",
                )
                for s in jax.tree_util.tree_leaves(
                    self.get_initial_state(sequences_shape[0])
                )
            ]
        self.built = True

    def get_build_config(self) -> dict | None:
        """`{"input_shape": sequences_shape}`, as Keras writes it."""
        shapes = getattr(self, "_build_shapes_dict", None)
        if not self.built or not shapes:
            return None
        shape = shapes.get("sequences_shape", shapes.get("input_shape"))
        return {"input_shape": None if shape is None else list(shape)}

    def build_from_config(self, config: dict) -> None:
        """Builds from a build config (Keras' `input_shape` or
        `shapes_dict` form)."""
        shapes = config.get("shapes_dict", config)
        shape = shapes.get("input_shape", shapes.get("sequences_shape"))
        if shape is not None:
            shape = tuple(shape)
            self.build(shape)
            self._build_shapes_dict = {"sequences_shape": shape}

    # -- states ----------------------------------------------------------------
    def get_initial_state(self, batch_size: int) -> list:
        """The cell's initial states for `batch_size` (zeros by default)."""
        state = cell_initial_state(self.cell, batch_size, self.compute_dtype)
        if not isinstance(state, list | tuple):
            state = [state]
        return list(state)

    def reset_state(self) -> None:
        """Sets the kept states of a stateful RNN back to zeros."""
        for v in self.states or []:
            v.assign(jnp.zeros(v.shape, v.dtype))

    def reset_states(self) -> None:
        """Alias of `reset_state`."""
        self.reset_state()

    @property
    def weights(self) -> list:
        """The cell's weights (a stateful RNN's kept states are variables,
        not weights, as in Keras)."""
        kept = {id(v) for v in self.states or []}
        return [v for v in super().weights if id(v) not in kept]

    def save_own_variables(self, store: dict) -> None:
        """Writes nothing for the kept states (Keras does not save them)."""

    def load_own_variables(self, store: dict) -> None:
        """Nothing to load: the states start at zero."""

    # -- the call ------------------------------------------------------------
    def _initial_output(self, states, batch, dtype) -> jax.Array:
        """What a masked first step repeats: the first state of the (last)
        cell, as Keras' scan does; zeros if its shape differs."""
        first = states[-1] if isinstance(self.cell, StackedRNNCells) else states
        first = jax.tree_util.tree_leaves(first)[0]
        shape = (batch, cell_output_size(self.cell))
        if tuple(first.shape) == shape:
            return first.astype(dtype)
        return jnp.zeros(shape, dtype)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Runs the cell over time: `(last_output, outputs, states)`."""
        cell = self.cell
        if _has_fast_path(cell) and _project_in_loop():
            inputs = sequences

            def step(x_t, states):
                z_t = cell.project_inputs(x_t, training=training)
                return cell.recurrent_step(z_t, states, training=training)

        elif _has_fast_path(cell):
            inputs = cell.project_inputs(sequences, training=training)

            def step(z_t, states):
                return cell.recurrent_step(z_t, states, training=training)

        else:
            inputs = sequences
            kwargs = {}
            if isinstance(cell, Layer) and cell._call_has_training_arg:
                kwargs["training"] = training

            def step(x_t, states):
                output, new_states = cell(x_t, states, **kwargs)
                if not isinstance(new_states, list | tuple):
                    new_states = [new_states]
                return output, new_states

        initial_output = self._initial_output(
            initial_state, sequences.shape[0], sequences.dtype
        )
        return _recurrence.run(
            step,
            inputs,
            initial_state,
            initial_output,
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences,
        )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_sequences(sequences.shape)
        if isinstance(mask, list | tuple):
            mask = mask[0]
        batch = sequences.shape[0]
        if initial_state is None:
            if self.stateful:
                initial_state = [v.value for v in self.states]
            else:
                initial_state = self.get_initial_state(batch)
        else:
            self._check_initial_state(_flat_shapes(initial_state), batch)
        if self.stateful and batch != self.states[0].shape[0]:
            raise ValueError(
                f"{self._describe()} is stateful with batch size "
                f"{self.states[0].shape[0]}; received sequences of shape "
                f"{tuple(sequences.shape)}"
            )
        if not isinstance(initial_state, list | tuple):
            initial_state = [initial_state]
        initial_state = self._structured(initial_state)
        try:
            draw_dropout_masks(self.cell, sequences[:, 0], initial_state)
            last_output, outputs, states = self.inner_loop(
                sequences, initial_state, mask, training=training
            )
        finally:
            reset_dropout_masks(self.cell)
        if self.stateful:
            self._keep_states(jax.tree_util.tree_leaves(states))
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return output, *states
        return output

    def _keep_states(self, leaves: list) -> None:
        """Stores the final states of a stateful RNN for the next call.

        A trace outside any state scope (e.g. `jax.eval_shape` of the
        model, to learn output shapes) has no values to keep.
        """
        traced = any(isinstance(v, jax.core.Tracer) for v in leaves)
        if traced and current_scope() is None:
            return
        for variable, value in zip(self.states, leaves, strict=True):
            variable.assign(value)

    def _structured(self, initial_state: list) -> list:
        """The initial states as the cell expects them: a flat list, or one
        entry per stacked cell (a tensor, or a list for several states)."""
        dtype = self.compute_dtype
        leaves = [
            jnp.asarray(s, dtype=dtype)
            for s in jax.tree_util.tree_leaves(initial_state)
        ]
        if not isinstance(self.cell, StackedRNNCells):
            return leaves
        structured, i = [], 0
        for size in self.state_size:
            if isinstance(size, int):
                structured.append(leaves[i])
                i += 1
            else:
                structured.append(leaves[i : i + len(size)])
                i += len(size)
        return structured

    def compute_mask(self, inputs, mask=None):
        """The input mask when returning sequences (None for states)."""
        if isinstance(mask, list | tuple):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_flat_sizes(self.state_size))
        return output_mask

    # -- config --------------------------------------------------------------
    def _rnn_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        return config

    def get_config(self) -> dict:
        """The base config, the loop's arguments and the serialized cell."""
        config = self._rnn_config()
        config["cell"] = registry.serialize_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> "RNN":
        """Rebuilds the cell from its config, then the layer."""
        config = dict(config)
        cell = registry.deserialize_object(
            config.pop("cell"), custom_objects=custom_objects
        )
        return cls(cell, **config)


def _flat_shapes(structure) -> list[tuple]:
    """The shapes of the leaves of a structure of tensors or of shapes."""
    if hasattr(structure, "shape"):
        return [tuple(structure.shape)]
    if isinstance(structure, tuple) and all(
        d is None or isinstance(d, int) for d in structure
    ):
        return [structure]
    if isinstance(structure, list | tuple):
        return [s for item in structure for s in _flat_shapes(item)]
    return []
