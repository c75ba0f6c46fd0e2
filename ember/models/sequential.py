"""Sequential: a plain stack of layers, each feeding the next."""

from typing import Any

from ember.core import dtypes
from ember.core import naming
from ember.core.symbolic import is_symbolic
from ember.layers import mask_propagation
from ember.layers.core.input_layer import InputLayer
from ember.layers.layer import Layer
from ember.models import _model_config
from ember.models.functional import Functional
from ember.models.host_stage import HostBatch
from ember.models.model import Model


class Sequential(Model):
    """A stack of layers where each layer has one input and one output.

    Give the input shape with an `ember.Input` first, with `input_shape=` on
    the first layer, or not at all: then the model is built on its first
    call (or by `build(input_shape)`).

    Args:
        layers: the layers, in order.
        trainable: whether training updates the model.
        name: the model's name.

    Example:

    >>> model = ember.Sequential([
    ...     ember.Input(shape=(4,)),
    ...     ember.layers.Dense(8, activation="relu"),
    ...     ember.layers.Dense(1),
    ... ])
    """

    def __init__(
        self,
        layers: list | None = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs,
    ):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._stack: list[Layer] = []
        self._functional: Functional | None = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Appends a layer (or an `ember.Input` tensor) to the stack."""
        if is_symbolic(layer) and layer._history is not None:
            origin = layer._history.operation
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `ember.layers.Layer` can be added to a "
                f'Sequential model. Sequential "{self.name}" received: '
                f"{layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError(
                f'Sequential "{self.name}": an Input can only come first; '
                f"the model already has layers {[x.name for x in self._stack]}."
            )
        names = {x.name for x in self._stack}
        if layer.name in names:
            raise ValueError(
                f'Sequential "{self.name}" already has a layer named '
                f'"{layer.name}". Layer names must be unique.'
            )
        self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def pop(self, rebuild: bool = True) -> Layer:
        """Removes and returns the last layer."""
        if not self.layers:
            raise ValueError(f'Sequential "{self.name}" has no layers to pop.')
        layer = self._stack.pop()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._functional = None
        if not self._stack:
            return
        first = self._stack[0]
        if isinstance(first, InputLayer):
            if len(self._stack) > 1:
                self.build(first.batch_shape)
        elif first._input_shape_arg is not None:
            self.build(first._input_shape_arg)

    def build(self, input_shape: Any = None) -> None:
        """Builds every layer for inputs of `input_shape` (batch included)."""
        if input_shape is None:
            raise ValueError(
                f'Sequential "{self.name}" needs an `input_shape` to build.'
            )
        if not self._stack or not isinstance(self._stack[0], InputLayer):
            self._stack.insert(0, InputLayer(batch_shape=input_shape))
        inputs = self._stack[0].output
        x = inputs
        with naming.name_scope(self.name):
            for layer in self._stack[1:]:
                x = layer(x)
        self._functional = Functional(inputs, x, name=f"{self.name}_graph")
        self.built = True

    def _build_on_call(self, args, kwargs) -> None:
        # Built from data: keep the batch dimension open for later calls.
        # Text, or a first layer that runs on the host, keeps the data's
        # dtype (an integer IntegerLookup input stays integer).
        shape = (None,) + tuple(args[0].shape)[1:]
        dtype = dtypes.dtype_of(args[0])
        first = self._stack[0] if self._stack else None
        if not isinstance(first, InputLayer) and (
            dtype == "string" or getattr(first, "runs_on_host", False)
        ):
            self._stack.insert(0, InputLayer(batch_shape=shape, dtype=dtype))
        self.build(shape)

    def _host_layers(self) -> int:
        """How many layers at the front run on the host (numpy)."""
        count = 0
        for layer in self.layers:
            if not getattr(layer, "runs_on_host", False):
                break
            count += 1
        return count

    def _run_host_stage(self, x: Any) -> Any:
        """`x` (numpy) through the host layers at the front of the model: a
        `HostBatch` for the rest of it, or `x` itself when there are none."""
        count = self._host_layers()
        if not count:
            return x
        if self._functional is not None:
            x = self._functional._adjust_input_rank([x])[0]
        for layer in self.layers[:count]:
            x = layer.host_call(x)
        return HostBatch((x,))

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None):
        """Runs the layers in order, masks propagating from one to the next.

        Args:
            inputs: the input array(s).
            training: whether the call is part of training.
            mask: an optional mask of the inputs.
        """
        layers = self.layers
        if isinstance(inputs, HostBatch):
            (inputs,) = inputs.values
            layers = layers[self._host_layers() :]
        elif self._functional is not None and hasattr(inputs, "shape"):
            # A trailing axis of size 1 is added or dropped as the graph's
            # Input needs, as Keras' Sequential does through its graph.
            inputs = self._functional._adjust_input_rank([inputs])[0]
        if mask is not None:
            mask_propagation.set_mask(inputs, mask)
        x = inputs
        for layer in layers:
            x = layer(x, training=training)
        return x

    @property
    def _layers(self) -> list[Layer]:
        return [x for x in self._stack if not isinstance(x, InputLayer)]

    @property
    def inputs(self) -> list:
        """The symbolic inputs once built."""
        return self._graph("inputs").inputs

    @property
    def outputs(self) -> list:
        """The symbolic outputs once built."""
        return self._graph("outputs").outputs

    @property
    def input_shape(self):
        """The input shape once built."""
        return self._graph("input_shape").input_shape

    @property
    def output_shape(self):
        """The output shape once built."""
        return self._graph("output_shape").output_shape

    def _graph(self, attribute: str) -> Functional:
        if self._functional is None:
            raise AttributeError(
                f'Sequential "{self.name}" is not built yet, so it has no '
                f"`{attribute}`."
            )
        return self._functional

    def get_config(self) -> dict:
        """Returns the model's config in Keras 3's Sequential format.

        The config holds the name, `trainable`, `dtype`, every layer's
        serialized config (the `InputLayer` first once built) and, once
        built, `build_input_shape`.
        """
        return _model_config.sequential_get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuilds the model from `get_config()`'s (or Keras') config.

        Args:
            config: the config dict.
            custom_objects: optional dict of names to user classes.
        """
        return _model_config.sequential_from_config(
            cls, config, custom_objects=custom_objects
        )

    def get_build_config(self) -> dict | None:
        """Returns `{"input_shape": ...}` once built, else None."""
        if self._functional is None:
            return None
        return {"input_shape": list(self._functional.inputs[0].shape)}

    def build_from_config(self, config: dict) -> None:
        """Builds the model for `config["input_shape"]` if not built."""
        shape = config.get("input_shape")
        if not self.built and shape is not None:
            self.build(tuple(shape))

    def to_json(self, **kwargs) -> str:
        """Returns the model's config as a JSON string.

        Args:
            **kwargs: passed to `json.dumps`.
        """
        return _model_config.to_json(self, **kwargs)
