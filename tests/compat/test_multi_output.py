"""Multi-output training against Keras 3: same logs, names and weights."""

import warnings

import keras
import numpy as np
import pytest

import ember


def _build(lib, as_dict):
    inputs = lib.Input(shape=(3,), name="x")
    hidden = lib.layers.Dense(5, activation="tanh", name="hidden")(inputs)
    reg = lib.layers.Dense(1, name="reg")(hidden)
    cls = lib.layers.Dense(4, activation="softmax", name="cls")(hidden)
    outputs = {"reg": reg, "cls": cls} if as_dict else [reg, cls]
    return lib.Model(inputs, outputs)


def _data(n=22):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    reg = x[:, :1] * 2.0 - x[:, 1:2]
    labels = (np.arange(n) % 4).astype("int32")
    weight = rng.uniform(0.5, 2.0, size=n).astype("float32")
    return x, reg, labels, weight


CASES = {
    "list": dict(
        as_dict=False,
        compile=dict(
            loss=["mse", "sparse_categorical_crossentropy"],
            loss_weights=[0.5, 2.0],
            metrics=[["mae"], ["accuracy", "acc"]],
            weighted_metrics=[["mae"], None],
        ),
    ),
    "dict": dict(
        as_dict=True,
        compile=dict(
            loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
            loss_weights={"reg": 1.5, "cls": 1.0},
            metrics={"cls": ["accuracy"]},
        ),
    ),
    "shared_loss": dict(
        as_dict=False,
        compile=dict(loss="mae", metrics=[["mse"], ["mse"]]),
        onehot=True,
    ),
}


def _targets(case, reg, labels):
    cls = np.eye(4, dtype="float32")[labels] if case.get("onehot") else labels
    return {"reg": reg, "cls": cls} if case["as_dict"] else [reg, cls]


def _fit(lib, case, weights):
    model = _build(lib, case["as_dict"])
    model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.Adam(0.01), **case["compile"])
    x, reg, labels, weight = _data()
    y = _targets(case, reg, labels)
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=2,
        shuffle=False,
        sample_weight=weight,
        validation_data=(x[:10], _targets(case, reg[:10], labels[:10])),
        verbose=0,
    )
    values = model.evaluate(x, y, verbose=0)
    return model, history.history, values


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_logs_and_weights_equal_keras(name):
    case = CASES[name]
    initial = _build(ember, case["as_dict"]).get_weights()
    mine, mine_history, mine_values = _fit(ember, case, initial)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, their_history, their_values = _fit(keras, case, initial)
        their_weights = theirs.get_weights()
    assert set(mine_history) == set(their_history)
    for key, values in their_history.items():
        np.testing.assert_allclose(
            mine_history[key], values, rtol=1e-4, atol=1e-6, err_msg=key
        )
    np.testing.assert_allclose(mine_values, their_values, rtol=1e-4)
    for a, b in zip(mine.get_weights(), their_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_metrics_names_equal_keras():
    case = CASES["list"]
    names = []
    for lib in (ember, keras):
        model = _build(lib, False)
        model.compile("sgd", **case["compile"])
        x, reg, labels, _ = _data()
        model.evaluate(x, [reg, labels], verbose=0)
        names.append(model.metrics_names)
    assert names[0] == names[1]
