"""Bidirectional: runs a recurrent layer forwards and backwards in time."""

from typing import Any

import jax.numpy as jnp

from ember.core import naming
from ember.core import registry
from ember.layers.layer import Layer
from ember.layers.rnn.rnn import RNN
from ember.layers.rnn.rnn import _flat_sizes

MERGE_MODES = ("sum", "mul", "ave", "concat", None)
# What the two directions must agree on (as Keras checks).
_COMMON_ATTRIBUTES = ("stateful", "return_sequences", "return_state")
# What `layer` must have to be wrapped.
_REQUIRED_ATTRIBUTES = ("go_backwards",) + _COMMON_ATTRIBUTES


def _copy(layer: Layer, name: str, **changes) -> Layer:
    """A fresh layer from `layer`'s config, renamed.

    As in Keras, a built `layer` gives a copy built on its own (its paths
    then lack the wrapper's name); an unbuilt one is built by the wrapper.
    """
    config = registry.serialize_object(layer)
    config["config"] = {**config["config"], "name": name, **changes}
    return registry.deserialize_object(config)


def _merge(y: Any, y_rev: Any, merge_mode: str | None) -> Any:
    if merge_mode == "concat":
        return jnp.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2
    if merge_mode == "mul":
        return y * y_rev
    return (y, y_rev)


class Bidirectional(Layer):
    """Bidirectional wrapper for recurrent layers.

    The wrapped layer's config makes two fresh copies: `forward_<name>`,
    run as configured, and `backward_<name>`, run with
    `go_backwards=True` (or the `backward_layer` given; as in Keras, a
    `layer` that itself goes backwards needs one). When returning sequences,
    the backward outputs are put back in time order before the two are
    merged. With a mask, masked steps output zeros in the returned
    sequences, and the backward copy walks each padded sequence from its
    last real step.

    Args:
        layer: the recurrent layer to wrap (`LSTM`, `GRU`, `SimpleRNN`,
            `RNN`, or any layer with `go_backwards`, `return_sequences`,
            `return_state` and `stateful` attributes and a config). Its
            own weights are not reused.
        merge_mode: how the two directions' outputs combine: `"concat"`
            (default), `"sum"`, `"mul"`, `"ave"`, or None for the list
            `[forward, backward]`.
        weights: optional initial weights (forward layer's, then the
            backward layer's), set when the layer is built.
        backward_layer: optional layer for the backward direction. Its
            `go_backwards` must differ from `layer`'s; `stateful`,
            `return_sequences` and `return_state` must be equal.
        **kwargs: base layer arguments (`name`, `trainable`, `dtype`...).

    Call arguments:
        sequences: `(batch, timesteps, features)`.
        initial_state: optional list of initial states: the forward
            layer's first, then the backward layer's (split in halves).
        mask: optional `(batch, timesteps)` booleans, for both directions.
        training: passed on to both layers (dropout).

    Returns:
        The merged output; with `return_state`, followed by the forward
        layer's final states, then the backward layer's.

    Example:

    >>> layer = ember.layers.Bidirectional(ember.layers.LSTM(4))
    >>> layer(np.ones((2, 3, 5))).shape
    (2, 8)
    """

    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        weights: list | None = None,
        backward_layer: Layer | None = None,
        **kwargs,
    ):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with an "
                f"`ember.layers.Layer` instance. Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` needs to be an `ember.layers.Layer` "
                f"instance. Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                "Invalid merge mode. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}. Received: '
                f"merge_mode={merge_mode!r}"
            )
        for given in (layer, backward_layer):
            if given is None:
                continue
            missing = [a for a in _REQUIRED_ATTRIBUTES if not hasattr(given, a)]
            if missing:
                raise ValueError(
                    "Bidirectional wraps a recurrent layer: "
                    f'{type(given).__name__} "{given.name}" has no '
                    f"attribute(s) {missing}."
                )
        super().__init__(weights=weights, **kwargs)
        self.forward_layer = _copy(
            layer, "forward_" + layer.name.removeprefix("forward_")
        )
        if backward_layer is None:
            backward_layer = _copy(
                layer,
                "backward_" + layer.name.removeprefix("backward_"),
                go_backwards=True,
            )
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):  # not in the config
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layers()
        for direction in (self.forward_layer, self.backward_layer):
            # Masked steps of returned sequences are zeros, as in Keras.
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _describe(self) -> str:
        return f'Bidirectional "{self.name}"'

    def _verify_layers(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                f"{self._describe()}: the forward layer and the backward "
                "layer should have different `go_backwards` values. "
                f"Received: forward_layer.go_backwards={forward.go_backwards}"
                f", backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in _COMMON_ATTRIBUTES:
            forward_value = getattr(forward, attribute)
            backward_value = getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    f"{self._describe()}: the forward layer and the "
                    "backward layer are expected to have the same value "
                    f'for attribute "{attribute}", got "{forward_value}" '
                    f'for the forward layer ("{forward.name}") and '
                    f'"{backward_value}" for the backward layer '
                    f'("{backward.name}")'
                )

    # -- building ------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None) -> None:
        """Builds both layers on the sequences' shape, under this layer's
        name (`bidirectional/forward_lstm/lstm_cell/kernel`)."""
        sequences_shape = tuple(sequences_shape)
        with naming.name_scope(self.name):
            for direction in (self.forward_layer, self.backward_layer):
                if not direction.built:
                    direction.build(sequences_shape)
                    direction.built = True
                    # Their configs then carry a build config, as Keras'.
                    rnn = isinstance(direction, RNN)
                    key = "sequences_shape" if rnn else "input_shape"
                    direction._build_shapes_dict = {key: sequences_shape}
        self.built = True

    # The build config is an RNN's: `{"input_shape": sequences_shape}`.
    get_build_config = RNN.get_build_config
    build_from_config = RNN.build_from_config

    # -- states --------------------------------------------------------------
    @property
    def states(self) -> tuple | None:
        """A stateful layer's kept states: forward's, then backward's."""
        forward = getattr(self.forward_layer, "states", None)
        backward = getattr(self.backward_layer, "states", None)
        if forward and backward:
            return tuple(list(forward) + list(backward))
        return None

    def reset_state(self) -> None:
        """Sets both directions' kept states back to zeros."""
        if not self.stateful:
            raise AttributeError(f"{self._describe()}: layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        """Alias of `reset_state`."""
        self.reset_state()

    # -- the call ------------------------------------------------------------
    def _split_initial_state(self, initial_state) -> tuple:
        if not isinstance(initial_state, list | tuple):
            initial_state = [initial_state]
        initial_state = list(initial_state)
        sizes = [
            getattr(direction, "state_size", None)
            for direction in (self.forward_layer, self.backward_layer)
        ]
        if all(s is not None for s in sizes):
            counts = [len(_flat_sizes(s)) for s in sizes]
            if len(initial_state) != sum(counts):
                raise ValueError(
                    f"{self._describe()} expected {sum(counts)} initial "
                    f"states ({counts[0]} for the forward layer, then "
                    f"{counts[1]} for the backward layer), got "
                    f"{len(initial_state)}"
                )
        half = len(initial_state) // 2
        return initial_state[:half], initial_state[half:]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        """Runs both directions and merges their outputs."""
        kwargs = {}
        if self.forward_layer._call_has_training_arg and training is not None:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask_arg:
            kwargs["mask"] = mask
        forward_state, backward_state = None, None
        if initial_state is not None:
            forward_state, backward_state = self._split_initial_state(
                initial_state
            )
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(
            sequences, initial_state=backward_state, **kwargs
        )
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = jnp.asarray(y).astype(self.compute_dtype)
        y_rev = jnp.asarray(y_rev).astype(self.compute_dtype)
        if self.return_sequences:
            y_rev = jnp.flip(y_rev, axis=1)
        output = _merge(y, y_rev, self.merge_mode)
        if not self.return_state:
            return output
        if self.merge_mode is None:
            return output + states
        return (output,) + states

    def compute_mask(self, inputs, mask=None):
        """The input mask for returned sequences (twice when not merged);
        None for single outputs and states."""
        if isinstance(mask, list | tuple):
            mask = mask[0] if mask else None
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        states = self.states
        if self.return_state and states is not None:
            state_masks = (None,) * len(states)
            if isinstance(output_mask, tuple):
                return output_mask + state_masks
            return (output_mask,) + state_masks
        return output_mask

    # -- config --------------------------------------------------------------
    def get_config(self) -> dict:
        """The base config, `merge_mode`, and both layers' configs."""
        config = super().get_config()
        config.update(
            {
                "merge_mode": self.merge_mode,
                "layer": registry.serialize_object(self.forward_layer),
                "backward_layer": registry.serialize_object(
                    self.backward_layer
                ),
            }
        )
        return config

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> "Bidirectional":
        """Rebuilds the wrapper and both layers from `get_config`."""
        config = dict(config)
        for key in ("layer", "backward_layer"):
            if config.get(key) is not None:
                config[key] = registry.deserialize_object(
                    config[key], custom_objects=custom_objects
                )
        return cls(**config)
