"""Functional: a model defined by a graph of layers on symbolic tensors."""

from typing import Any

import numpy as np

from ember import ops
from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.layers import mask_propagation
from ember.layers.core.input_layer import InputLayer
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.models import _graph
from ember.models import _model_config
from ember.models.host_stage import HostBatch
from ember.models.host_stage import HostStage
from ember.models.model import Model


class Functional(Model):
    """A model whose forward pass replays the layer calls between its inputs
    and outputs.

    Made by `ember.Model(inputs, outputs)`. Inputs and outputs may be single
    symbolic tensors, lists or dicts of them. Layers may be shared, models
    may be used as layers.

    Args:
        inputs: the model's input tensor(s), from `ember.Input`.
        outputs: the tensor(s) computed from them.
        name: the model's name.
        trainable: whether training updates the model.
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        name: str | None = None,
        trainable: bool = True,
        **kwargs,
    ):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        if isinstance(inputs, dict):
            inputs = {k: inputs[k] for k in inputs}
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._input_tensors = _flat_list(inputs)
        # Keras flattens a dict of outputs in sorted key order.
        self._output_tensors = _flat_list(
            {k: outputs[k] for k in sorted(outputs)}
            if isinstance(outputs, dict)
            else outputs
        )
        if not self._output_tensors:
            raise ValueError(
                f'Model "{self.name}" was given no outputs. Received: '
                f"outputs={outputs!r}"
            )
        self._nodes, self._operations = _graph.build_map(
            self._input_tensors, self._output_tensors
        )
        self._model_layers = [
            op for op in self._operations if isinstance(op, Layer)
        ]
        self._host = HostStage(
            self._nodes, self._input_tensors, self._output_tensors
        )
        names = (
            list(inputs)
            if isinstance(inputs, dict)
            else [_input_name(t) for t in self._input_tensors]
        )
        self.input_spec = [
            InputSpec(shape=t.shape, allow_last_axis_squeeze=True, name=n)
            for t, n in zip(self._input_tensors, names, strict=True)
        ]
        self.built = True

    @property
    def _layers(self) -> list[Layer]:
        return list(self._model_layers)

    @property
    def inputs(self) -> list:
        """The model's symbolic inputs, as a flat list."""
        return list(self._input_tensors)

    @property
    def outputs(self) -> list:
        """The model's symbolic outputs, as a flat list."""
        return list(self._output_tensors)

    @property
    def output_names(self) -> list[str]:
        """The names of the layers (or ops) producing the outputs, flat."""
        return [
            t._history.operation.name if t._history is not None else t.name
            for t in self._output_tensors
        ]

    @property
    def input(self):
        """The model's inputs in the structure they were given."""
        return self._inputs_struct

    @property
    def output(self):
        """The model's outputs in the structure they were given."""
        return self._outputs_struct

    @property
    def input_shape(self):
        """The input shape(s)."""
        return map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self):
        """The output shape(s)."""
        return map_structure(lambda t: t.shape, self._outputs_struct)

    def get_config(self) -> dict:
        """Returns the model's config in Keras 3's functional format.

        The config holds the name, `trainable`, every layer's serialized
        config with the calls (`inbound_nodes`) that connect it, and the
        model's `input_layers` / `output_layers`.
        """
        return _model_config.functional_get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuilds the model from `get_config()`'s (or Keras') config.

        Args:
            config: the config dict.
            custom_objects: optional dict of names to user classes.
        """
        return _model_config.functional_from_config(
            cls, config, custom_objects=custom_objects
        )

    def get_build_config(self) -> dict:
        """Returns `{"input_shape": None}`: the graph fixes the shapes."""
        return {"input_shape": None}

    def build_from_config(self, config: dict) -> None:
        """Does nothing: a functional model is built when made."""

    def to_json(self, **kwargs) -> str:
        """Returns the model's config as a JSON string.

        Args:
            **kwargs: passed to `json.dumps`.
        """
        return _model_config.to_json(self, **kwargs)

    def _flatten_inputs(self, inputs: Any) -> list:
        struct = self._inputs_struct
        if isinstance(inputs, dict) and not isinstance(struct, dict):
            names = [_input_name(t) for t in self._input_tensors]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f'Model "{self.name}" expects inputs named {names}; '
                    f"missing {missing}. Received keys: {list(inputs)}"
                )
            return [inputs[n] for n in names]
        if isinstance(struct, dict):
            if not isinstance(inputs, dict):
                raise ValueError(
                    f'Model "{self.name}" expects a dict of inputs with keys '
                    f"{list(struct)}. Received: {type(inputs).__name__}"
                )
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(
                    f'Model "{self.name}" is missing inputs {missing}. '
                    f"Received keys: {list(inputs)}"
                )
            return [inputs[k] for k in struct]
        flat = flatten(inputs)
        if len(flat) != len(self._input_tensors):
            raise ValueError(
                f'Model "{self.name}" expects {len(self._input_tensors)} '
                f"input(s), but received {len(flat)}."
            )
        return flat

    def _check_inputs(self, inputs: Any) -> None:
        # The host stage already took the inputs the model was built for.
        if not isinstance(inputs, HostBatch):
            super()._check_inputs(inputs)

    def _run_host_stage(self, x: Any) -> Any:
        """`x` (numpy) through the host layers at the front of the model: a
        `HostBatch` for the rest of it, or `x` itself when there are none."""
        if not self._host.nodes:
            return x
        flat = self._adjust_input_rank(self._flatten_inputs(x))
        return self._host.run(
            {id(t): v for t, v in zip(self._input_tensors, flat, strict=True)}
        )

    def _adjust_input_rank(self, flat_inputs: list) -> list:
        """The inputs with a trailing axis of size 1 added or removed where
        that makes their rank the `Input`'s, as Keras does: data of shape
        (N, 28, 28) for `Input((28, 28, 1))`, or (N, 28, 1) for
        `Input((28,))`.

        Raises:
            ValueError: naming the input and both shapes, for any other
                difference of rank.
        """
        adjusted = []
        for tensor, x in zip(self._input_tensors, flat_inputs, strict=True):
            if x is None or not hasattr(x, "shape"):
                adjusted.append(x)
                continue
            rank, expected = len(x.shape), tensor.shape
            if rank == len(expected):
                adjusted.append(x)
            elif rank == len(expected) + 1 and x.shape[-1] == 1:
                adjusted.append(_squeeze_last(x))
            elif rank == len(expected) - 1 and expected[-1] == 1:
                adjusted.append(_expand_last(x))
            else:
                raise ValueError(
                    f'Functional "{self.name}": input '
                    f"'{_input_name(tensor)}' expects shape {expected}, but "
                    f"received an input of incompatible shape "
                    f"{tuple(x.shape)}."
                )
        return adjusted

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None):
        """Replays the graph on `inputs` (arrays or symbolic tensors).

        Masks propagate from layer to layer as in Keras: a layer whose
        `call` takes `mask` receives its input's mask, and layers that
        support masking pass on (or make) masks for the next ones.

        Args:
            inputs: the inputs, in the structure the model was built with.
            training: whether the call is part of training.
            mask: optional masks of the inputs, in the same structure.
        """
        if isinstance(inputs, HostBatch):
            return self._replay(
                zip(self._host.device_inputs, inputs.values, strict=True),
                self._host.skipped,
            )
        flat_inputs = self._adjust_input_rank(self._flatten_inputs(inputs))
        if mask is not None:
            masks = mask_propagation.flatten_masks(mask)
            for value, input_mask in zip(flat_inputs, masks, strict=False):
                if input_mask is not None:
                    mask_propagation.set_mask(value, input_mask)
        return self._replay(
            zip(self._input_tensors, flat_inputs, strict=True), set()
        )

    def _replay(self, given, skipped: set) -> Any:
        """The outputs, from `(tensor, value)` pairs `given`, calling every
        node but the input nodes and those in `skipped` (by id)."""
        values = {id(t): v for t, v in given}

        def lookup(x):
            return values[id(x)] if is_symbolic(x) else x

        for node in self._nodes:
            if node.is_input or id(node) in skipped:
                continue
            args = map_structure(lookup, node.call_args)
            kwargs = map_structure(lookup, node.call_kwargs)
            outputs = node.operation(*args, **kwargs)
            for tensor, value in zip(
                node.output_tensors, flatten(outputs), strict=True
            ):
                values[id(tensor)] = value
        return map_structure(lookup, self._outputs_struct)


def _squeeze_last(x):
    if isinstance(x, np.ndarray):
        return np.squeeze(x, axis=-1)
    return ops.squeeze(x, axis=-1)


def _expand_last(x):
    if isinstance(x, np.ndarray):
        return np.expand_dims(x, axis=-1)
    return ops.expand_dims(x, axis=-1)


def _flat_list(structure: Any) -> list:
    """Flattens inputs or outputs, dicts in their own key order."""
    if isinstance(structure, dict):
        return [t for value in structure.values() for t in flatten(value)]
    return flatten(structure)


def _input_name(tensor) -> str:
    if tensor._history is not None and isinstance(
        tensor._history.operation, InputLayer
    ):
        return tensor._history.operation.name
    return tensor.name
