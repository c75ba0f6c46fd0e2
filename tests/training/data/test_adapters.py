"""pandas DataFrames and Series as `x`, `y`, `sample_weight` and
`validation_data`: converted as Keras converts them (a Series is one
column), and a fit on them ends with a fit's weights on the same numpy
arrays."""

import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.training.data import adapt

pd = pytest.importorskip("pandas", reason="pandas is a test dependency")


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    weight = rng.uniform(0.5, 2.0, size=n).astype("float32")
    return x, y, weight


def _model(inputs=3):
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(inputs,)),
            ember.layers.Dense(4, activation="tanh"),
            ember.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


def test_a_series_is_one_column_and_a_frame_its_values():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    data = adapt(frame, pd.Series([0, 1, 1]), pd.Series([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(data.x, [[1, 0.5], [2, 1.5], [3, 2.5]])
    assert data.y.shape == (3, 1)  # Keras' `expand_dims(-1)` of a Series
    assert data.sample_weight.shape == (3, 1)
    columns = adapt({"a": frame["a"], "b": frame["b"]}).x
    assert columns["a"].shape == (3, 1)


def test_fit_on_pandas_ends_with_the_weights_of_numpy():
    x, y, weight = _data()
    frame = pd.DataFrame(x.astype("float64"), columns=["a", "b", "c"])
    reference = _model()
    expected = reference.fit(
        x,
        y,
        sample_weight=weight,
        validation_data=(x[:8], y[:8]),
        batch_size=16,  # 40 rows: the last batch is partial
        epochs=2,
        shuffle=False,
        verbose=0,
    ).history
    model = _model()
    history = model.fit(
        frame,
        pd.Series(y[:, 0]),
        sample_weight=pd.Series(weight),
        validation_data=(frame[:8], pd.DataFrame(y[:8])),
        batch_size=16,
        epochs=2,
        shuffle=False,
        verbose=0,
    ).history
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for key in ("loss", "val_loss", "val_mae"):
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(frame, pd.Series(y[:, 0]), verbose=0),
        reference.evaluate(x, y, verbose=0),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        model.predict(frame, verbose=0),
        reference.predict(x, verbose=0),
        rtol=1e-6,
    )


def test_a_series_feeds_a_one_feature_input():
    x, y, _ = _data()
    model = _model(inputs=1)
    model.fit(pd.Series(x[:, 0]), y, batch_size=8, shuffle=False, verbose=0)
    reference = _model(inputs=1)
    reference.fit(x[:, :1], y, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_validation_split_of_a_frame_takes_its_last_rows():
    x, y, _ = _data()
    frame = pd.DataFrame(x)
    model = _model()
    history = model.fit(
        frame, y, validation_split=0.25, epochs=1, shuffle=False, verbose=0
    )
    np.testing.assert_allclose(
        history.history["val_loss"][0],
        model.evaluate(x[30:], y[30:], verbose=0)[0],
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (
            ["cat", "dog", "cat", "dog"],
            r"`x` is a pandas DataFrame with non-numeric columns \(name: "
            r"dtype\) \{'kind': '(str|object)'\}; expected numbers only",
        ),
        (
            pd.Categorical(["a", "b", "a", "b"]),
            r"non-numeric columns \(name: dtype\) \{'kind': 'category'\}",
        ),
    ],
)
def test_text_columns_are_refused_by_name(column, message):
    frame = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "kind": column})
    model = _model(inputs=2)
    before = _weights(model)
    with pytest.raises(TypeError, match=message):
        model.fit(frame, np.zeros(4), verbose=0)
    for a, b in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_columns_without_a_common_numeric_dtype_are_refused():
    frame = pd.DataFrame(
        {
            "count": pd.array([1, 2], dtype="Int64"),
            "flag": pd.array([True, False], dtype="boolean"),
        }
    )
    with pytest.raises(
        TypeError,
        match=r"`y` is a pandas DataFrame whose columns \(name: dtype\) "
        r"\{'count': 'Int64', 'flag': 'boolean'\} have no common numeric "
        r"dtype; cast them first",
    ):
        adapt(np.zeros((2, 3)), frame)


def test_importing_ember_does_not_import_pandas():
    code = "import sys, ember; print('pandas' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
