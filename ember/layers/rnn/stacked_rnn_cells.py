"""StackedRNNCells: several cells run one after the other at each step."""

from typing import Any

import jax.numpy as jnp

from ember.core import naming
from ember.core import registry
from ember.layers.layer import Layer


def cell_output_size(cell) -> int:
    """A cell's output size: `output_size`, else its first state size."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, list | tuple) else state_size


def _zeros_states(state_size, batch_size, dtype) -> Any:
    if isinstance(state_size, int):
        return jnp.zeros((batch_size, state_size), dtype)
    return [jnp.zeros((batch_size, d), dtype) for d in state_size]


def cell_initial_state(cell, batch_size, dtype) -> Any:
    """`cell.get_initial_state(batch_size)`, else zeros per state size."""
    get_initial_state = getattr(cell, "get_initial_state", None)
    if get_initial_state is not None:
        return get_initial_state(batch_size=batch_size)
    return _zeros_states(cell.state_size, batch_size, dtype)


class StackedRNNCells(Layer):
    """Wraps a list of cells so they behave as one cell.

    At each step the first cell reads the input, each next cell reads the
    previous cell's output; the states are one entry per cell. `RNN` given
    a list of cells wraps them in this.

    Args:
        cells: a list of RNN cells.

    Example:

    >>> cells = [ember.layers.LSTMCell(4), ember.layers.LSTMCell(3)]
    >>> rnn = ember.layers.RNN(ember.layers.StackedRNNCells(cells))
    >>> rnn(np.ones((2, 5, 6))).shape
    (2, 3)
    """

    def __init__(self, cells: list, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(
                    "All cells must have a `call` method. Received cell "
                    f"without a `call` method: {cell}"
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    "All cells must have a `state_size` attribute. Received "
                    f"cell without a `state_size`: {cell}"
                )
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        """The cells' state sizes, one entry per cell."""
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        """The last cell's output size."""
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """Each cell's initial state, in a list."""
        return [
            cell_initial_state(c, batch_size, self.compute_dtype)
            for c in self.cells
        ]

    def build(self, input_shape: tuple) -> None:
        """Builds each cell on the previous cell's output shape."""
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                with naming.name_scope(self.name):
                    cell.build(tuple(input_shape))
                cell.built = True
            input_shape = (input_shape[0], cell_output_size(cell))
        self.built = True

    def _call_cell(self, cell, inputs, states, training):
        is_list = isinstance(states, list | tuple)
        states = list(states) if is_list else [states]
        if isinstance(cell, Layer) and cell._call_has_training_arg:
            output, states = cell(inputs, states, training=training)
        else:
            output, states = cell(inputs, states)
        if not isinstance(states, list | tuple):
            states = [states]
        if len(states) == 1 and not is_list:
            states = states[0]
        return output, states

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states, strict=True):
            inputs, cell_states = self._call_cell(
                cell, inputs, cell_states, training
            )
            new_states.append(cell_states)
        return inputs, new_states

    # The first cell's input projection runs before the loop (see RNN).
    def project_inputs(self, inputs, training=False):
        """The first cell's `project_inputs` (for the whole sequence)."""
        return self.cells[0].project_inputs(inputs, training=training)

    def recurrent_step(self, z, states, training=False):
        """The first cell's recurrent half on `z`, then the other cells."""
        first, *rest = self.cells
        is_list = isinstance(states[0], list | tuple)
        output, first_states = first.recurrent_step(
            z, list(states[0]) if is_list else [states[0]], training=training
        )
        if not is_list:
            first_states = first_states[0]
        new_states = [first_states]
        for cell, cell_states in zip(rest, states[1:], strict=True):
            output, cell_states = self._call_cell(
                cell, output, cell_states, training
            )
            new_states.append(cell_states)
        return output, new_states

    def get_config(self) -> dict:
        """The base config and `cells`, each serialized."""
        config = super().get_config()
        config["cells"] = [registry.serialize_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Rebuilds the cells from their configs, then the stack."""
        config = dict(config)
        cells = [
            registry.deserialize_object(c, custom_objects=custom_objects)
            for c in config.pop("cells")
        ]
        return cls(cells, **config)
