"""Bad training data fails before any state changes, with messages that
name what was wrong: empty data, targets whose shape cannot match the
output, validation data that does not fit the model, one-hot labels for a
sparse loss, and shapes shown with the user's batch size."""

import re

import numpy as np
import pytest

import ember


def _regressor(features=4, units=1, activation=None):
    return ember.Sequential(
        [
            ember.Input((features,)),
            ember.layers.Dense(units, activation=activation),
        ]
    )


def _data(n=16, features=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype("float32")


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


def _assert_unchanged(model, before):
    for value, old in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(value, old)


# -- 0 samples ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_zero_samples_are_refused_by_name(method):
    model = _regressor()
    model.compile("sgd", "mse")
    with pytest.raises(
        ValueError,
        match=re.escape(
            f'Model "{model.name}" cannot {method} on 0 samples: `x` is '
            "empty (shape (0, 4))"
        ),
    ):
        getattr(model, method)(
            np.zeros((0, 4), "float32"), np.zeros((0, 1)), verbose=0
        )


def test_empty_validation_data_is_refused_before_training():
    model = _regressor()
    model.compile("sgd", "mse")
    model.build((None, 4))
    before = _weights(model)
    with pytest.raises(
        ValueError, match=r"cannot fit on 0 samples: `validation_data` is"
    ):
        model.fit(
            _data(),
            np.ones((16, 1)),
            validation_data=(np.zeros((0, 4)), np.zeros((0, 1))),
            verbose=0,
        )
    _assert_unchanged(model, before)


def test_zero_samples_in_predict_is_refused():
    model = _regressor()
    with pytest.raises(ValueError, match="cannot predict on an empty input"):
        model.predict(np.zeros((0, 4)), verbose=0)


# -- target shapes -----------------------------------------------------------


def test_targets_that_would_broadcast_name_both_shapes():
    model = _regressor()
    model.compile("sgd", "mse")
    before = _weights(model)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`y` has shape (64, 3), but the model's output has shape "
            '(None, 1); the loss "mean_squared_error"'
        ),
    ):
        model.fit(_data(64), np.zeros((64, 3)), verbose=0)
    _assert_unchanged(model, before)


def test_validation_targets_are_checked_too():
    model = _regressor()
    model.compile("sgd", "mae")
    before = _weights(model)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`validation_data's y` has shape (8, 2), but the model's output "
            "has shape (None, 1)"
        ),
    ):
        model.fit(
            _data(16),
            np.zeros((16, 1)),
            validation_data=(_data(8), np.zeros((8, 2))),
            verbose=0,
        )
    _assert_unchanged(model, before)


def test_legal_target_shapes_train_to_the_same_loss():
    """y of shape (N,) and (N, 1) for a (N, 1) head give the same loss;
    sparse labels (N,) and (N, 1) for a softmax do too."""
    x = _data(16)
    y = np.linspace(-1, 1, 16).astype("float32")
    losses = []
    for target in (y, y[:, None]):
        model = _regressor()
        model.set_weights([np.full((4, 1), 0.5, "float32"), np.zeros(1)])
        model.compile("sgd", "mse")
        losses.append(model.evaluate(x, target, verbose=0))
    prediction = x @ np.full((4, 1), 0.5)
    np.testing.assert_allclose(
        losses, [np.mean((prediction[:, 0] - y) ** 2)] * 2, rtol=1e-5
    )
    labels = np.arange(16) % 10
    sparse = []
    for target in (labels, labels[:, None]):
        model = _regressor(units=10, activation="softmax")
        model.set_weights([np.zeros((4, 10), "float32"), np.zeros(10)])
        model.compile("sgd", "sparse_categorical_crossentropy")
        sparse.append(model.evaluate(x, target, verbose=0))
    np.testing.assert_allclose(sparse, [np.log(10.0)] * 2, rtol=1e-5)


def test_multi_output_targets_are_checked_per_output():
    inputs = ember.Input((4,))
    outputs = {
        "a": ember.layers.Dense(1, name="a")(inputs),
        "b": ember.layers.Dense(2, name="b")(inputs),
    }
    model = ember.Model(inputs, outputs)
    model.compile("sgd", {"a": "mse", "b": "mse"})
    x = _data(8)
    good = {"a": np.zeros((8,)), "b": np.zeros((8, 2))}
    history = model.fit(x, good, verbose=0)
    assert sorted(history.history) == ["a_loss", "b_loss", "loss"]
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`y['b']` has shape (8, 3), but the model's output has shape "
            "(None, 2)"
        ),
    ):
        model.fit(x, {"a": np.zeros((8,)), "b": np.zeros((8, 3))}, verbose=0)


def test_a_custom_loss_decides_its_own_target_shapes():
    def first_column(y_true, y_pred):
        return (y_true[:, :1] - y_pred) ** 2

    model = _regressor()
    model.set_weights([np.zeros((4, 1), "float32"), np.zeros(1)])
    model.compile("sgd", first_column)
    y = np.stack([np.full(8, 2.0), np.full(8, 7.0)], axis=1)
    assert model.evaluate(_data(8), y, verbose=0) == pytest.approx(4.0)


def test_one_hot_labels_for_a_sparse_loss_suggest_categorical():
    model = _regressor(units=10, activation="softmax")
    model.compile("adam", "sparse_categorical_crossentropy")
    before = _weights(model)
    one_hot = np.eye(10, dtype="float32")[np.arange(32) % 10]
    with pytest.raises(
        ValueError,
        match=re.escape(
            "takes integer class labels of shape (None,) or (None, 1), but "
            "`y` has shape (32, 10), which looks like one-hot labels for the "
            'output of shape (None, 10). Use loss="categorical_crossentropy"'
        ),
    ):
        model.fit(_data(32), one_hot, verbose=0)
    _assert_unchanged(model, before)
    model.compile("adam", "categorical_crossentropy")
    model.fit(_data(32), one_hot, verbose=0)


def test_sparse_labels_of_a_wrong_shape_name_the_expected_one():
    model = _regressor(units=10, activation="softmax")
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=re.escape(
            "labels of shape (None,) or (None, 1) for the output of shape "
            "(None, 10), but `y` has shape (32, 3)."
        ),
    ):
        model.fit(_data(32), np.zeros((32, 3)), verbose=0)


# -- validation inputs -------------------------------------------------------


def test_validation_inputs_are_checked_before_the_first_step():
    model = _regressor()
    model.compile("sgd", "mse")
    before = _weights(model)
    with pytest.raises(
        ValueError,
        match=r"expected an input with last dimension 4, got \(8, 5\)",
    ):
        model.fit(
            _data(16),
            np.ones((16, 1)),
            validation_data=(_data(8, 5), np.ones((8, 1))),
            verbose=0,
        )
    _assert_unchanged(model, before)


# -- the user's batch shape in messages --------------------------------------


def test_building_on_data_reports_the_batch_shape():
    model = ember.Sequential(
        [ember.layers.Flatten(), ember.layers.Dense(10, name="head")]
    )
    model.compile("sgd", "mse")
    model.build((None, 28, 28, 1))
    x = np.zeros((40, 28, 28, 3), "float32")
    with pytest.raises(
        ValueError,
        match=re.escape("last dimension 784, got (32, 2352)"),
    ):
        model.fit(x, np.zeros((40, 10)), verbose=0)
    with pytest.raises(
        ValueError, match=re.escape("last dimension 784, got (16, 2352)")
    ):
        model.evaluate(x, np.zeros((40, 10)), batch_size=16, verbose=0)


def test_an_unbuilt_model_reports_the_batch_shape():
    model = ember.Sequential([ember.layers.Dense(3), ember.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(_data(8, 5), np.zeros((8, 1)), verbose=0)
    with pytest.raises(
        ValueError, match=re.escape("last dimension 5, got (20, 6)")
    ):
        model.predict(_data(50, 6), batch_size=20, verbose=0)


def test_symbolic_errors_show_none_not_the_probe_size():
    class AddTwo(ember.layers.Layer):
        def call(self, a, b):
            return a + b

    with pytest.raises(TypeError) as info:
        AddTwo()(ember.Input((3,)), ember.Input((5,)))
    assert "(None, 3), (None, 5)" in str(info.value)
    assert "(8, 3)" not in str(info.value)
