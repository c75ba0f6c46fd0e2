"""The founding programs, written as a Keras user writes them."""

import numpy as np

import ember as keras
from ember.layers import Conv2D
from ember.layers import Dense
from ember.layers import Flatten
from ember.layers import Input
from ember.layers import MaxPooling2D
from ember.models import Model
from ember.models import Sequential


def _summary_text(model) -> str:
    lines = []
    model.summary(print_fn=lines.append)
    return "".join(lines)


def test_founding_cnn_builds_and_runs():
    model = Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 693_962
    assert [layer.output.shape for layer in model.layers] == [
        (None, 26, 26, 32),
        (None, 13, 13, 32),
        (None, 5408),
        (None, 128),
        (None, 10),
    ]
    probabilities = model(np.random.rand(4, 28, 28, 1))
    np.testing.assert_allclose(np.sum(probabilities, axis=-1), 1.0, rtol=1e-5)
    assert "Total params: 693,962 (2.65 MB)" in _summary_text(model)


def test_founding_mlp_builds_and_summarizes():
    inputs = Input(shape=(10,))
    x = Dense(64, activation="relu")(inputs)
    x = Dense(64, activation="relu")(x)
    outputs = Dense(1, activation="sigmoid")(x)
    model = Model(inputs=inputs, outputs=outputs)
    assert isinstance(model, keras.Model)
    text = _summary_text(model)
    assert "Total params: 4,929 (19.25 KB)" in text
    assert "input_layer (InputLayer)" in text
    out = model(np.random.rand(3, 10))
    assert out.shape == (3, 1)
    assert np.all((out > 0) & (out < 1))
