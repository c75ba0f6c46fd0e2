"""What SimpleRNNCell, LSTMCell and GRUCell share: arguments, the three
weights, dropout masks and the config.

Each cell splits its step in two: `project_inputs(x)` (the input part,
`x @ kernel + bias`, which works on a whole sequence at once) and
`recurrent_step(z_t, states)` (the recurrent matmul and the gates). On GPU
and TPU `RNN` projects all time steps in one matmul before the loop; on CPU,
where that measured slower, inside the loop per step (`rnn._project_in_loop`).
`call` does both for one step.
"""

from typing import Any

import jax.numpy as jnp

from ember import activations
from ember import constraints
from ember import initializers
from ember import regularizers
from ember.core.ranks import lift
from ember.core.seed import SeedGenerator
from ember.layers._config import resolve
from ember.layers.layer import Layer
from ember.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from ember.layers.rnn.dropout_rnn_cell import time_mask

_OBJECTS = (
    ("kernel_initializer", initializers),
    ("recurrent_initializer", initializers),
    ("bias_initializer", initializers),
    ("kernel_regularizer", regularizers),
    ("recurrent_regularizer", regularizers),
    ("bias_regularizer", regularizers),
    ("kernel_constraint", constraints),
    ("recurrent_constraint", constraints),
    ("bias_constraint", constraints),
)


class BaseRNNCell(DropoutRNNCell, Layer):
    """Base of the built-in cells (not public): see SimpleRNNCell."""

    _gates = 1

    def __init__(
        self,
        units: int,
        *,
        activation: Any,
        recurrent_activation: Any = None,
        use_bias: bool,
        dropout: float,
        recurrent_dropout: float,
        seed: int | None,
        implementation: int = 2,
        **kwargs,
    ):
        objects = {name: kwargs.pop(name, None) for name, _ in _OBJECTS}
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for argument `units`, expected a "
                f"positive integer, got {units!r}."
            )
        super().__init__(**kwargs)
        self.units = units
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        if self._gates > 1:
            self.recurrent_activation = resolve(
                activations.get,
                recurrent_activation,
                self,
                "recurrent_activation",
            )
        self.use_bias = use_bias
        for name, module in _OBJECTS:
            setattr(self, name, resolve(module.get, objects[name], self, name))
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1 and self._gates > 1:
            self.dropout_mask_count = self._gates
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self.state_size = units
        self.output_size = units

    def _bias_shape(self) -> tuple:
        return (self._gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape: tuple) -> None:
        """Creates `kernel`, `recurrent_kernel` and `bias` (Keras' layout:
        the gates side by side along the last axis)."""
        width = self._gates * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    # -- the step, in two halves --------------------------------------------
    def _input_bias(self):
        return self.bias.value if self.bias is not None else None

    def project_inputs(self, inputs: Any, training: bool = False) -> Any:
        """`inputs @ kernel + bias` (dropout applied first in training), for
        one step `(batch, features)` or a sequence `(batch, time, features)`.
        """
        kernel = self.kernel.value
        if inputs.ndim == 2:
            mask = self.get_dropout_mask(inputs)
        else:
            # A whole sequence: the RNN drew the step mask before the loop.
            mask = getattr(self, "_dropout_mask", None)
        dropping = training and mask is not None and 0 < self.dropout < 1
        if dropping and isinstance(mask, list):
            # Keras' implementation 1: one mask per gate.
            parts = [
                (inputs * time_mask(m, inputs)) @ k
                for m, k in zip(mask, self._split(kernel), strict=True)
            ]
            z = _concat(parts)
        else:
            if dropping:
                inputs = inputs * time_mask(mask, inputs)
            z = inputs @ kernel
        bias = self._input_bias()
        return z if bias is None else z + lift(bias, z.ndim)

    def _split(self, matrix):
        u = self.units
        return [matrix[..., i * u : (i + 1) * u] for i in range(self._gates)]

    def _recurrent_masks(self, h, training) -> Any:
        mask = self.get_recurrent_dropout_mask(h)
        if training and mask is not None and 0 < self.recurrent_dropout < 1:
            return mask
        return None

    def call(self, inputs, states, training=False):
        z = self.project_inputs(inputs, training=training)
        return self.recurrent_step(z, states, training=training)

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """Zero states `(batch_size, size)`, one per entry of state_size."""
        sizes = self.state_size
        sizes = sizes if isinstance(sizes, list | tuple) else [sizes]
        return [jnp.zeros((batch_size, d), self.compute_dtype) for d in sizes]

    def _base_config(self) -> dict:
        config = super().get_config()
        config["units"] = self.units
        config["activation"] = activations.serialize(self.activation)
        if self._gates > 1:
            config["recurrent_activation"] = activations.serialize(
                self.recurrent_activation
            )
        config["use_bias"] = self.use_bias
        return config

    def _objects_config(self) -> dict:
        return {
            name: module.serialize(getattr(self, name))
            for name, module in _OBJECTS
        }


def _concat(parts):
    return jnp.concatenate(parts, axis=-1)
