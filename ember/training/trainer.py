"""Trainer: the training API that `Model` inherits, as in Keras.

`compile`, `fit`, `evaluate`, `predict`, the `*_on_batch` methods, the
overridable pure steps and the compile config. The work happens in the
modules of `ember.training`; these methods hold Keras' signatures.
"""

import warnings
from typing import Any

from ember.training import compile as compile_lib
from ember.training import loop
from ember.training import on_batch
from ember.training import predict as predict_lib
from ember.training import steps


class Trainer:
    """The training half of `Model` (a mixin: `Model(Trainer, Layer)`)."""

    compiled = False
    _compiled = None
    # The losses of the forward pass, while a step computes its loss (as
    # Keras' JAX trainer does); `losses` returns them then.
    _losses_override = None

    # Keras' attribute for the epoch the next `fit` starts at, which a
    # Keras callback may set in `on_train_begin` (ember's callbacks set a
    # `resume_point`); cleared by that fit.
    _initial_epoch = None
    # The shuffle seed of the running fit (None for generators), set once
    # the fit has resumed, for callbacks that record it (BackupAndRestore).
    _fit_data_seed = None

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
                None (as in Keras) when the model computes its loss itself
                (an overridden `compute_loss` or `train_step`, or
                `add_loss` terms); without any of them the loss is 0.
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
            auto_scale_loss: if True and the model's dtype policy is
                `"mixed_float16"`, the optimizer is wrapped in a
                `LossScaleOptimizer` (dynamic loss scaling, so that float16
                gradients do not underflow).
        """
        policy = getattr(self.dtype_policy, "name", self.dtype_policy)
        self._compiled = compile_lib.Compiled(
            optimizer,
            loss,
            loss_weights,
            metrics,
            weighted_metrics,
            run_eagerly,
            steps_per_execution,
            jit_compile,
            scale_loss=bool(auto_scale_loss) and policy == "mixed_float16",
        )
        self.stop_training = False
        self.compiled = True

    @property
    def optimizer(self):
        """The optimizer given to `compile` (None before)."""
        return None if self._compiled is None else self._compiled.optimizer

    @optimizer.setter
    def optimizer(self, value) -> None:
        if self._compiled is None:
            raise ValueError(
                f'Model "{self.name}" is not compiled: give the optimizer '
                "to `compile()`."
            )
        self._compiled.optimizer = value

    @property
    def losses(self) -> list:
        """The layers' losses (`Layer.losses`); within a step's loss
        computation, those of its forward pass."""
        if self._losses_override is not None:
            return list(self._losses_override)
        return super().losses

    def get_compile_config(self) -> dict:
        """The arguments given to `compile`, for saving (`{}` if not
        compiled, as in Keras). They are serialized by `ember.saving`.

        ember's default `steps_per_execution="auto"` is written as Keras'
        default, 1 (the steps compute the same numbers for any value).
        """
        if not getattr(self, "compiled", False):
            return {}
        if not hasattr(self.optimizer, "get_config"):
            warnings.warn(
                f'Model "{self.name}": its optimizer (an optax '
                "transformation) has no config, so the compile arguments "
                "are not saved; call `compile()` again after loading.",
                stacklevel=2,
            )
            return {}
        config = dict(self._compiled.arguments)
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

        if type(self).compile is not Trainer.compile:
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
        return list(self._compiled.metrics)

    @property
    def metrics_names(self) -> list[str]:
        """The names of `metrics`."""
        return [m.name for m in self.metrics]

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The total loss of a batch: the compiled losses, with each
        output's weight, plus the layers' losses (`self.losses`: within a
        step, those of its forward pass, as in Keras).

        Override it to change how the loss is computed; the default steps
        call it.
        """
        del training  # Part of Keras' signature.
        return steps.compute_loss(self, x, y, y_pred, sample_weight)

    def train_step(self, state, data):
        """One pure training step, Keras-JAX style: `(logs, state)`."""
        return steps.train_step(self, state, data)

    def test_step(self, state, data):
        """One pure evaluation step: `(logs, state)`, with `state` the
        three lists `(trainable, non_trainable, metrics)` (Keras-JAX)."""
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
