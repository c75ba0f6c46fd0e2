"""The shape probe before fit / evaluate / predict leaves no state behind."""

import numpy as np

import ember


def _model(dropout: float) -> ember.Model:
    ember.utils.set_random_seed(1)
    model = ember.Sequential(
        [
            ember.Input((5, 3)),
            ember.layers.LSTM(4, dropout=dropout, recurrent_dropout=dropout),
            ember.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_with_recurrent_dropout_trains_and_drops():
    # The RNN draws its dropout masks on every call (as Keras does); the
    # probe that learns the output shapes must not assign the seed state.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    plain, dropped = _model(0.0), _model(0.5)
    assert dropped.predict(x, verbose=0).shape == (16, 1)
    # Inference drops nothing: the same weights give the same loss.
    assert dropped.evaluate(x, y, verbose=0) == plain.evaluate(x, y, verbose=0)
    loss_plain = plain.fit(x, y, epochs=1, verbose=0).history["loss"][0]
    loss_dropped = dropped.fit(x, y, epochs=1, verbose=0).history["loss"][0]
    assert np.isfinite(loss_dropped) and loss_dropped != loss_plain
    assert not np.array_equal(
        np.asarray(dropped.variables[0].value),
        np.asarray(plain.variables[0].value),
    )
