"""Model: a Layer with the training and inspection API."""

from typing import Any

from ember.core.symbolic import SymbolicTensor
from ember.layers.layer import Layer
from ember.models.host_stage import HostBatch
from ember.models.summary import print_summary
from ember.training.trainer import Trainer


def _is_functional_call(args: tuple, kwargs: dict) -> bool:
    return ("inputs" in kwargs and "outputs" in kwargs) or (
        len(args) >= 2 or (len(args) == 1 and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES: dict = {}


def _functional_subclass(cls: type, functional: type) -> type:
    """`cls` with `Functional` mixed in (made once per class)."""
    if cls not in _FUNCTIONAL_SUBCLASSES:
        _FUNCTIONAL_SUBCLASSES[cls] = type(
            cls.__name__,
            (cls, functional),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
    return _FUNCTIONAL_SUBCLASSES[cls]


class Model(Trainer, Layer):
    """A model: layers grouped into an object with training and inspection.

    Three ways to make one, as in Keras:

    - functional: `Model(inputs, outputs)` from symbolic tensors;
    - `Sequential([...])` for a plain stack of layers;
    - subclassing: define layers in `__init__` and the forward pass in
      `call`; the model is built on its first call.

    Example:

    >>> inputs = ember.Input(shape=(10,))
    >>> outputs = ember.layers.Dense(1)(inputs)
    >>> model = ember.Model(inputs=inputs, outputs=outputs)
    """

    def __new__(cls, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from ember.models.functional import Functional

            if cls is Model:
                return Functional.__new__(Functional, *args, **kwargs)
            if not issubclass(cls, Functional):
                # As in Keras, a Model subclass called with inputs and
                # outputs is a functional model with the subclass' methods.
                functional = _functional_subclass(cls, Functional)
                return functional.__new__(functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise ValueError(
                f"{type(self).__name__}: `inputs` and `outputs` are only "
                "accepted by `ember.Model(inputs, outputs)` itself."
            )
        super().__init__(**kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuilds a model from its config: a functional config (with
        `layers`, `input_layers` and `output_layers`) gives a functional
        model of this class, as in Keras; otherwise the config holds the
        constructor's arguments."""
        if all(
            key in config for key in ("layers", "input_layers", "output_layers")
        ):
            from ember.models import _model_config

            return _model_config.functional_from_config(
                cls, config, custom_objects=custom_objects
            )
        return super().from_config(config)

    @property
    def layers(self) -> list[Layer]:
        """The model's layers, in order."""
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None):
        """Returns a layer by name or by index in `model.layers`.

        Args:
            name: the layer's name.
            index: its position in `model.layers`.
        """
        if (name is None) == (index is None):
            raise ValueError(
                "Provide exactly one of `name` or `index` to get_layer. "
                f"Received: name={name!r}, index={index!r}"
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve the layer at index {index}, but "
                    f'model "{self.name}" only has {len(layers)} layers.'
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f'No layer named "{name}" in model "{self.name}". Its layers are: '
            f"{[layer.name for layer in layers]}."
        )

    def _check_inputs(self, inputs: Any) -> None:
        # The host stage already took the inputs the model was built for.
        if not isinstance(inputs, HostBatch):
            super()._check_inputs(inputs)

    def build(self, input_shape: Any = None) -> None:
        """Builds a subclassed model by tracing `call` on that input shape.

        Args:
            input_shape: the shape of the inputs, batch dimension included
                (None allowed), or a structure of shapes.
        """
        if self.built:
            return
        if input_shape is None:
            raise ValueError(
                f'Model "{self.name}" needs an `input_shape` to be built.'
            )
        self.built = True
        try:
            inputs = _symbolic_like(input_shape)
            self._trace_call((inputs,), {})
        except Exception:
            self.built = False
            raise
        # As a build from a call, for the build config and `export`.
        self._build_shapes_dict = {"input_shape": input_shape}

    # -- saving ------------------------------------------------------------
    def save(
        self, filepath, overwrite: bool = True, zipped=None, **kwargs
    ) -> None:
        """Saves the model as a `.keras` archive that Keras 3 can read.

        The archive holds the config (architecture and compile arguments),
        the weights and optimizer state, and metadata. The write is atomic:
        an interrupted save leaves any previous file intact.

        Args:
            filepath: a path ending in `.keras`, or a binary file object.
            overwrite: when False and the file exists, ask first.
            zipped: only zipped archives are written (None or True).

        Example:

        >>> model.save("model.keras")  # doctest: +SKIP
        >>> model = ember.saving.load_model("model.keras")  # doctest: +SKIP
        """
        from ember.saving import saving_api

        saving_api.save_model(
            self, filepath, overwrite=overwrite, zipped=zipped, **kwargs
        )

    def save_weights(
        self, filepath, overwrite: bool = True, max_shard_size=None
    ) -> None:
        """Saves the weights (and optimizer state) to a `.weights.h5` file.

        The file follows Keras 3's layout, so Keras loads it into the same
        architecture. The write is atomic.

        Args:
            filepath: a path ending in `.weights.h5`.
            overwrite: when False and the file exists, ask first.
            max_shard_size: sharding is not supported (must be None).
        """
        from ember.saving import saving_api

        saving_api.save_weights(
            self, filepath, overwrite=overwrite, max_shard_size=max_shard_size
        )

    def load_weights(self, filepath, skip_mismatch: bool = False, **kwargs):
        """Loads weights from a `.weights.h5` or `.keras` file written by
        ember or Keras.

        Weights are matched by the model's structure, as in Keras (layers
        by their place in the model, variables by order), and checked
        before any variable changes.

        Args:
            filepath: the `.weights.h5` or `.keras` file.
            skip_mismatch: warn about and skip layers whose weights are
                missing, extra or of another shape, instead of raising a
                `ValueError`.
        """
        from ember.saving import saving_api

        saving_api.load_weights(
            self, filepath, skip_mismatch=skip_mismatch, **kwargs
        )

    # -- export ------------------------------------------------------------
    def export(
        self,
        filepath,
        format: str = "stablehlo",
        verbose: bool | None = None,
        input_signature: Any = None,
        **kwargs,
    ) -> None:
        """Exports the model's forward pass as an artifact for inference.

        The artifact holds the inference call (`training=False`) with the
        weights inside; it runs without ember or the model's code. Formats:

        - `"stablehlo"` (default): one file, a zip holding a serialized
          `jax.export` artifact (StableHLO, batch dimension symbolic) as
          endpoint `serve`, and a JSON manifest. Reload it with
          `ember.export.load(filepath)`, or with JAX alone (needs
          `pip install "ember[export]"`, i.e. flatbuffers).
        - `"onnx"`: an ONNX model, for onnxruntime.

        Keras' `"tf_saved_model"`, `"litert"`, `"openvino"` and `"torch"`
        need TensorFlow, OpenVINO or PyTorch; ember does not write them.
        Everything is checked and traced before the file is written, and
        the write is atomic.

        Args:
            filepath: `str` or `pathlib.Path`: the file to write.
            format: `"stablehlo"` or `"onnx"`.
            verbose: print the endpoints written; None means True.
            input_signature: the inputs' shapes and dtypes, one entry per
                positional argument (`ember.InputSpec`,
                `jax.ShapeDtypeStruct`, arrays, or lists and dicts of
                them); None for the model's own inputs.
            **kwargs: `"stablehlo"`: `platforms` to lower for (e.g.
                `("cpu", "cuda")`; default the current backend). `"onnx"`
                takes none.

        Example:

        >>> model.export("model.zip")  # doctest: +SKIP
        >>> reloaded = ember.export.load("model.zip")  # doctest: +SKIP
        >>> predictions = reloaded.serve(x)  # doctest: +SKIP
        """
        from ember.export.export_model import export_model

        export_model(
            self,
            filepath,
            format=format,
            verbose=verbose,
            input_signature=input_signature,
            **kwargs,
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: tuple[str, str] | None = None,
    ) -> None:
        """Prints a table of the model's layers, output shapes and params.

        Args:
            line_length: the table's total width in characters.
            positions: relative or absolute column boundaries.
            print_fn: called with the text instead of printing it (the
                text is plain, without terminal codes).
            expand_nested: also list the layers of nested models.
            show_trainable: add a column saying whether each layer trains.
            layer_range: `(first_name, last_name)` to print a slice.
        """
        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )


def _symbolic_like(shape):
    if isinstance(shape, dict):
        return {k: _symbolic_like(v) for k, v in shape.items()}
    if (
        isinstance(shape, list | tuple)
        and shape
        and all(isinstance(s, list | tuple) for s in shape)
    ):
        return [_symbolic_like(s) for s in shape]
    return SymbolicTensor(tuple(shape))
