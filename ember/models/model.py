"""Model: a Layer with the training and inspection API."""

import warnings
from typing import Any

from ember.core.symbolic import SymbolicTensor
from ember.layers import _call
from ember.layers.layer import Layer
from ember.models.summary import print_summary
from ember.training import compile as compile_lib
from ember.training import loop
from ember.training import on_batch
from ember.training import predict as predict_lib
from ember.training import steps
from ember.training.compile_loss import CompileLoss


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


class Model(Layer):
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

    # -- training ----------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: Any = "auto",
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configures the model for training.

        Args:
            optimizer: a name (`"adam"`), an optimizer object or an
                `optax.GradientTransformation`.
            loss: a name, a `Loss` object or a callable `(y_true, y_pred)`;
                for several outputs, one of these for all outputs, or a
                list (one per output) or a dict keyed by output name.
            loss_weights: a float, or a list or dict of floats (one per
                output) scaling each output's loss in the total.
            metrics: names, metric objects or callables; `"accuracy"`
                picks binary, sparse categorical or categorical accuracy
                from the shapes, as in Keras. For several outputs, a list
                with one entry (a metric or list of metrics) per output,
                or a dict keyed by output name.
            weighted_metrics: metrics that use the sample weights, given
                like `metrics`.
            run_eagerly: run the steps without `jax.jit` (for debugging).
            steps_per_execution: steps per compiled execution, or `"auto"`.
            jit_compile: False is the same as `run_eagerly=True`.
        """
        self.optimizer = compile_lib.resolve_optimizer(optimizer)
        self._compile_loss = CompileLoss(loss, loss_weights)
        self._compiled_metrics = compile_lib.CompiledMetrics(
            self._compile_loss, metrics, weighted_metrics
        )
        if not (
            steps_per_execution == "auto"
            or (
                isinstance(steps_per_execution, int) and steps_per_execution > 0
            )
        ):
            raise ValueError(
                "`steps_per_execution` must be 'auto' or a positive int. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        self._steps_per_execution = steps_per_execution
        self._run_eagerly = bool(run_eagerly) or jit_compile is False
        self._train_function = None
        self._keeping_train_function = None
        self._test_function = None
        self._predict_function = None
        self.stop_training = False
        self._compile_args = {
            "optimizer": optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": bool(run_eagerly),
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self.compiled = True

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

    def get_compile_config(self) -> dict | None:
        """The arguments given to `compile`, for saving (None if not
        compiled). They are serialized by `ember.saving`, as in Keras.

        ember's default `steps_per_execution="auto"` is written as Keras'
        default, 1 (the steps compute the same numbers for any value).
        """
        if not getattr(self, "compiled", False):
            return None
        config = dict(self._compile_args)
        if config["steps_per_execution"] == "auto":
            config["steps_per_execution"] = 1
        if config["jit_compile"] == "auto":
            config["jit_compile"] = True
        return config

    def compile_from_config(self, config: dict) -> None:
        """Compiles the model from `get_compile_config()`'s (serialized)
        output, and builds the optimizer's variables when the model is
        built, so that saved optimizer state can be loaded into them.

        A saved `steps_per_execution` of 1 (Keras' default) becomes
        ember's default, `"auto"`.
        """
        from ember.saving import deserialize_keras_object

        if type(self).compile is not Model.compile:
            warnings.warn(
                f'Model "{self.name}" overrides `compile()`, so it was not '
                "compiled from the saved config: call `compile()` after "
                "loading, or override `compile_from_config()`.",
                stacklevel=2,
            )
            return
        config = {
            key: deserialize_keras_object(value)
            for key, value in config.items()
        }
        if config.get("steps_per_execution") == 1:
            config["steps_per_execution"] = "auto"
        self.compile(**config)
        if self.built and not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)

    @property
    def metrics(self) -> list:
        """Keras' order: the loss tracker, the compiled metrics (one
        `compile_metrics` object), then one loss tracker per output when
        there are several losses."""
        if not getattr(self, "compiled", False):
            return []
        return list(self._compiled_metrics.metrics)

    @property
    def metrics_names(self) -> list[str]:
        """The names of `metrics`."""
        return [m.name for m in self.metrics]

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The total loss of a batch: the compiled losses, with each
        output's weight, plus the losses of the layers' forward pass when
        called from the default steps.

        Rows that pad the last batch in `fit` do not count. Override it to
        change how the loss is computed; the default steps call it.
        """
        del training  # Part of Keras' signature.
        return steps.compute_loss(self, x, y, y_pred, sample_weight)

    def train_step(self, state, data):
        """One pure training step, Keras-JAX style: `(logs, state)`."""
        return steps.train_step(self, state, data)

    def test_step(self, state, data):
        """One pure evaluation step: `(logs, state)`."""
        return steps.test_step(self, state, data)

    def predict_step(self, state, data):
        """One pure prediction step: `(outputs, state)`."""
        return steps.predict_step(self, state, data)

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains the model for a number of epochs; returns a `History`.

        Arguments, defaults and semantics are Keras'. The data are checked
        before any weight changes; each compiled execution runs several
        steps; the last partial batch is padded and masked.
        """
        return loop.fit(
            self,
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            validation_data=validation_data,
            shuffle=shuffle,
            class_weight=class_weight,
            sample_weight=sample_weight,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps,
            validation_batch_size=validation_batch_size,
            validation_freq=validation_freq,
        )

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
    ):
        """Returns the loss and metrics on the given data (Keras' rules)."""
        return loop.evaluate(
            self,
            x,
            y,
            batch_size=batch_size,
            verbose=verbose,
            sample_weight=sample_weight,
            steps=steps,
            callbacks=callbacks,
            return_dict=return_dict,
        )

    def predict(
        self, x, batch_size=None, verbose="auto", steps=None, callbacks=None
    ):
        """Returns the model's outputs for `x` as numpy arrays."""
        return predict_lib.predict(
            self,
            x,
            batch_size=batch_size,
            verbose=verbose,
            steps=steps,
            callbacks=callbacks,
        )

    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        return_dict=False,
    ):
        """Runs one gradient update on exactly this batch.

        As in Keras 3, the metrics are reset first, so the returned values
        are those of this batch alone: the scalar loss when there are no
        metrics, else a list (or a dict with `return_dict=True`).
        """
        return on_batch.train_on_batch(
            self,
            x,
            y,
            sample_weight=sample_weight,
            class_weight=class_weight,
            return_dict=return_dict,
        )

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Returns the loss and metrics of exactly this batch (no update)."""
        return on_batch.test_on_batch(
            self, x, y, sample_weight=sample_weight, return_dict=return_dict
        )

    def predict_on_batch(self, x):
        """Returns the model's outputs for exactly this batch (numpy)."""
        return predict_lib.predict_on_batch(self, x)

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
            _call.compute_spec(self, (inputs,), {})
        except Exception:
            self.built = False
            raise

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
