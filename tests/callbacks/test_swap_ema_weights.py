"""`SwapEMAWeights`: evaluation and prediction see the averaged weights.

The model is one weight `w` (Dense(1) without bias) on x = 1, y = 0, so
the mse loss is `w**2` and the prediction is `w`.
"""

import numpy as np
import pytest

import ember
from ember import callbacks
from ember import optimizers

X = np.ones((1, 1), "float32")
Y = np.zeros((1, 1), "float32")


def _model(use_ema=True):
    model = ember.Sequential(
        [
            ember.Input((1,)),
            ember.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    model.compile(
        optimizer=optimizers.SGD(0.1, use_ema=use_ema, ema_momentum=0.5),
        loss="mse",
    )
    model.optimizer.build(model.trainable_variables)
    return model


def _kernel(model):
    return float(model.layers[0].kernel.value[0, 0])


def _average(model):
    return float(model.optimizer._model_variables_moving_average[0].value[0, 0])


def _with_average(value):
    model = _model()
    model.optimizer._model_variables_moving_average[0].assign([[value]])
    return model


def test_evaluate_uses_the_averages_and_swaps_back():
    model = _with_average(3.0)
    loss = model.evaluate(
        X, Y, verbose=0, callbacks=[callbacks.SwapEMAWeights()]
    )
    assert loss == pytest.approx(9.0)
    assert (_kernel(model), _average(model)) == (1.0, 3.0)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(1.0)


def test_predict_uses_the_averages_and_swaps_back():
    # Keras 3.15 leaves the averages in the model after predict (its
    # on_predict_end tests the flag the wrong way); ember swaps back, as
    # the callback's documentation says.
    model = _with_average(3.0)
    out = model.predict(X, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(out, [[3.0]])
    assert (_kernel(model), _average(model)) == (1.0, 3.0)


def test_no_ema_is_an_error():
    model = _model(use_ema=False)
    with pytest.raises(
        ValueError,
        match="SwapEMAWeights must be used when `use_ema=True` is set on "
        "the optimizer. Received: use_ema=False",
    ):
        model.evaluate(X, Y, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    assert _kernel(model) == 1.0


class _Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.at_epoch_end = []

    def on_epoch_end(self, epoch, logs=None):
        self.at_epoch_end.append(_kernel(self.model))


def test_swap_on_epoch_by_hand():
    # Two steps per epoch, gradient 2w, lr 0.1, momentum 0.5:
    # epoch 1: w 1 -> 0.8 -> 0.64, average 0.8 -> 0.72 (seen at its end);
    # epoch 2 resumes from 0.64: w -> 0.512 -> 0.4096, average
    # 0.5 * 0.72 + 0.5 * 0.512 = 0.616 -> 0.5 * 0.616 + 0.5 * 0.4096.
    model = _model()
    recorder = _Recorder()
    model.fit(
        np.ones((2, 1), "float32"),
        np.zeros((2, 1), "float32"),
        batch_size=1,
        epochs=2,
        verbose=0,
        callbacks=[callbacks.SwapEMAWeights(swap_on_epoch=True), recorder],
    )
    final = 0.5 * 0.616 + 0.5 * 0.4096
    np.testing.assert_allclose(recorder.at_epoch_end, [0.72, final], rtol=1e-6)
    # fit's end writes the averages (not the swapped-out weights) in
    np.testing.assert_allclose(_kernel(model), final, rtol=1e-6)
    np.testing.assert_allclose(_average(model), final, rtol=1e-6)


def test_without_swap_on_epoch_epoch_end_sees_the_weights():
    model = _model()
    recorder = _Recorder()
    model.fit(
        np.ones((2, 1), "float32"),
        np.zeros((2, 1), "float32"),
        batch_size=1,
        epochs=1,
        verbose=0,
        callbacks=[callbacks.SwapEMAWeights(), recorder],
    )
    np.testing.assert_allclose(recorder.at_epoch_end, [0.64], rtol=1e-6)
    np.testing.assert_allclose(_kernel(model), 0.72, rtol=1e-6)
