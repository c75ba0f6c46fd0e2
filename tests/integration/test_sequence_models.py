"""Sequence models as a Keras user writes them: a Conv1D + LSTM hybrid, a
TimeDistributed(Conv2D) + LSTM video model and a GRU forecaster; each
trains, and the first two reload from `.keras` files."""

import numpy as np
import pytest

import ember
from ember import layers


def _fit_and_reload(model, x, y, loss, tmp_path):
    """Trains a few steps (the loss must go down), then checks the `.keras`
    round trip predicts the same."""
    model.compile(ember.optimizers.Adam(1e-2), loss)
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    path = tmp_path / "model.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    assert [type(la).__name__ for la in restored.layers] == [
        type(la).__name__ for la in model.layers
    ]
    np.testing.assert_allclose(
        restored.predict(x, verbose=0),
        model.predict(x, verbose=0),
        rtol=1e-6,
        atol=1e-6,
    )
    return restored


def test_conv1d_pooling_lstm_hybrid_trains_and_reloads(tmp_path):
    inputs = ember.Input((21, 3))
    conv = layers.Conv1D(8, 5, activation="relu")(inputs)
    pooled = layers.MaxPooling1D(2)(conv)
    seq = layers.LSTM(6, return_sequences=True)(pooled)
    last = layers.LSTM(4)(seq)
    outputs = layers.Dense(1)(last)
    model = ember.Model(inputs, outputs)
    # valid convolution: 21 - 5 + 1 = 17 steps; pooling: floor(17 / 2) = 8.
    assert conv.shape == (None, 17, 8)
    assert pooled.shape == (None, 8, 8)
    assert seq.shape == (None, 8, 6)
    assert last.shape == (None, 4)
    # Conv1D 5*3*8 + 8; LSTMs 4*units*(features + units + 1); Dense 4 + 1.
    assert [la.count_params() for la in model.layers[1:]] == [
        128,
        0,
        4 * 6 * (8 + 6 + 1),
        4 * 4 * (6 + 4 + 1),
        5,
    ]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 21, 3)).astype("float32")
    y = x[:, :, 0].mean(axis=1, keepdims=True) * 3.0
    _fit_and_reload(model, x, y, "mse", tmp_path)


def test_time_distributed_conv2d_lstm_video_model(tmp_path):
    inputs = ember.Input((5, 10, 10, 1))
    frames = layers.TimeDistributed(
        layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
    )(inputs)
    pooled = layers.TimeDistributed(layers.MaxPooling2D(2))(frames)
    flat = layers.TimeDistributed(layers.Flatten())(pooled)
    last = layers.LSTM(8)(flat)
    outputs = layers.Dense(2, activation="softmax")(last)
    model = ember.Model(inputs, outputs)
    # "same", stride 2: ceil(10 / 2) = 5; pooling floor(5 / 2) = 2; the
    # flattened frame 2*2*4 = 16 features.
    assert frames.shape == (None, 5, 5, 5, 4)
    assert pooled.shape == (None, 5, 2, 2, 4)
    assert flat.shape == (None, 5, 16)
    assert last.shape == (None, 8)
    assert model.count_params() == (3 * 3 * 4 + 4) + 4 * 8 * (16 + 8 + 1) + 18
    # Clips whose frames brighten (label 1) or darken (label 0) over time.
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=(48,))
    ramp = np.linspace(0.2, 1.0, 5)
    ramps = np.where(y[:, None] == 1, ramp, ramp[::-1])
    x = rng.uniform(size=(48, 5, 10, 10, 1)) * ramps[:, :, None, None, None]
    x = x.astype("float32")
    restored = _fit_and_reload(
        model, x, y, "sparse_categorical_crossentropy", tmp_path
    )
    assert type(restored.layers[1].layer).__name__ == "Conv2D"


def _sine_windows(seed: int, window: int = 16):
    """Windows of a noisy sine (period 15.7, noise 0.05) and the next value
    of each."""
    rng = np.random.default_rng(seed)
    t = np.arange(1200)
    series = np.sin(2 * np.pi * t / 15.7) + 0.05 * rng.normal(size=t.shape)
    series = series.astype("float32")
    starts = np.arange(len(series) - window)
    x = series[starts[:, None] + np.arange(window)][..., None]
    return x, series[window:, None]


@pytest.mark.parametrize("seed", [0, 1])
def test_gru_forecaster_beats_the_last_value_baseline(seed):
    x, y = _sine_windows(seed)
    split = 900  # train on the first windows, test on the later ones
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [ember.Input((16, 1)), layers.GRU(16), layers.Dense(1)]
    )
    model.compile(ember.optimizers.Adam(1e-2), "mse")
    model.fit(x[:split], y[:split], epochs=10, batch_size=32, verbose=0)
    predicted = model.predict(x[split:], verbose=0)
    mse = np.mean((predicted - y[split:]) ** 2)
    baseline = np.mean((x[split:, -1] - y[split:]) ** 2)
    # Seeds 0-9 give ratios 15-25; the noise floor (0.05 ** 2) caps it near
    # 34.
    assert baseline / mse > 5.0
