"""The `SwapEMAWeights` callback."""

import jax.numpy as jnp

from ember.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Evaluates and predicts with the optimizer's moving-average weights.

    With an optimizer built with `use_ema=True`, the model's weights and
    the optimizer's moving averages of them (Polyak averaging) are swapped
    before evaluation (also fit's validation pass) and prediction, and
    swapped back afterwards, so metrics are those of the averaged model.
    The swap is in place: other callbacks must not change the weights or
    the averages while they are swapped.

    Args:
        swap_on_epoch: if True, the averages are also swapped in at the end
            of each epoch and out at the start of the next, so that
            callbacks placed after this one (e.g. `ModelCheckpoint`) see
            them. Defaults to False.

    Example:

    ```python
    model.compile(optimizer=ember.optimizers.SGD(use_ema=True), loss="mse")
    # validation metrics are those of the averaged weights
    model.fit(x, y, validation_data=(x_val, y_val),
              callbacks=[ember.callbacks.SwapEMAWeights()])
    ```
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizer(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if getattr(optimizer, "_model_variables_moving_average", None) is None:
            raise ValueError(
                "SwapEMAWeights must be used when `use_ema=True` is set on "
                "the optimizer. Received: "
                f"use_ema={getattr(optimizer, 'use_ema', False)}"
            )
        return optimizer

    def _pairs(self):
        optimizer = self._optimizer()
        return zip(
            optimizer._trainable_variables,
            optimizer._model_variables_moving_average,
            strict=True,
        )

    def _swap(self, in_model: bool) -> None:
        """Swaps the weights with their averages unless already where
        `in_model` says they should be."""
        if self._ema_weights_in_model == in_model:
            return
        for variable, average in self._pairs():
            weight = variable.value
            variable.assign(average.value)
            average.assign(weight)
        self._ema_weights_in_model = in_model

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap(in_model=False)

    def on_epoch_end(self, epoch, logs=None):
        if not self.swap_on_epoch or self._ema_weights_in_model:
            return
        self._swap(in_model=True)
        if epoch == self.params["epochs"] - 1:
            # fit's end writes the averages into the model: make them the
            # (swapped-in) averages again instead of the training weights
            # (a copy: one buffer may not be donated twice).
            for variable, average in self._pairs():
                average.assign(jnp.copy(variable.value))

    def on_test_begin(self, logs=None):
        self._swap(in_model=True)

    def on_test_end(self, logs=None):
        self._swap(in_model=False)

    def on_predict_begin(self, logs=None):
        self._swap(in_model=True)

    def on_predict_end(self, logs=None):
        self._swap(in_model=False)
