"""Metrics that keep sums (R2Score, MeanIoU) or may be nan on constant rows
(PearsonCorrelation) over a last batch padded by the trainer: the padding
rows must not count, so the value equals the one over the whole data."""

import numpy as np
import pytest

import ember
from ember import layers
from ember import metrics

N = 50  # batch 16: three full batches and one of 2 real rows + 14 padding


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 3)).astype("float32")
    y = (x @ rng.normal(size=(3, 3)) + 0.3 * x**2).astype("float32")
    labels = np.argmax(y, axis=-1)
    weight = rng.integers(0, 3, N).astype("float32")
    return x, y, labels, weight


def _model(outputs, activation=None):
    ember.utils.set_random_seed(0)
    return ember.Sequential(
        [ember.Input(shape=(3,)), layers.Dense(outputs, activation)]
    )


def _full(metric, y, pred, weight=None):
    metric.update_state(y, pred, sample_weight=weight)
    return float(metric.result())


def test_regression_metrics_over_padded_batches():
    x, y, _, weight = _data()
    model = _model(3)
    model.compile(
        optimizer=ember.optimizers.SGD(learning_rate=0.0),  # weights fixed
        loss="mse",
        metrics=[
            metrics.R2Score(),
            metrics.R2Score(num_regressors=3, name="adjusted"),
            metrics.PearsonCorrelation(),
        ],
        weighted_metrics=[metrics.R2Score(name="w_r2")],
    )
    pred = np.asarray(model(x))
    expected = {
        "r2_score": _full(metrics.R2Score(), y, pred),
        "adjusted": _full(metrics.R2Score(num_regressors=3), y, pred),
        "pearson_correlation": _full(metrics.PearsonCorrelation(), y, pred),
        "w_r2": _full(metrics.R2Score(), y, pred, weight),
    }
    # Without leaving the padding out, the numbers move by far more.
    assert (
        abs(
            _full(
                metrics.R2Score(),
                np.pad(y, ((0, 14), (0, 0))),
                np.pad(pred, ((0, 14), (0, 0))),
            )
            - expected["r2_score"]
        )
        > 1e-3
    )
    logs = model.evaluate(
        x, y, sample_weight=weight, batch_size=16, verbose=0, return_dict=True
    )
    for name, value in expected.items():
        assert logs[name] == pytest.approx(value, rel=1e-4, abs=1e-5), name
    history = model.fit(
        x, y, sample_weight=weight, batch_size=16, epochs=1, verbose=0
    )
    for name, value in expected.items():
        assert history.history[name][0] == pytest.approx(
            value, rel=1e-4, abs=1e-5
        ), name


def test_mean_iou_over_padded_batches():
    x, _, labels, _ = _data()
    model = _model(3, "softmax")
    model.compile(
        optimizer="sgd",
        loss="sparse_categorical_crossentropy",
        metrics=[metrics.MeanIoU(3, sparse_y_pred=False)],
    )
    pred = np.asarray(model(x))
    expected = _full(metrics.MeanIoU(3, sparse_y_pred=False), labels, pred)
    for batch_size in (16, 7):
        logs = model.evaluate(
            x, labels, batch_size=batch_size, verbose=0, return_dict=True
        )
        assert logs["mean_io_u"] == pytest.approx(expected, rel=1e-6)


def test_string_metrics_resolve_in_compile():
    x, y, _, _ = _data()
    model = _model(3)
    model.compile(loss="mse", metrics=["mape", "msle", "r2_score"])
    logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mape", "msle", "r2_score"}
    pred = np.asarray(model(x))
    mape = metrics.MeanAbsolutePercentageError()
    assert logs["mape"] == pytest.approx(_full(mape, y, pred), rel=1e-5)


def test_regression_metrics_over_a_generator_with_a_short_last_batch():
    x, y, _, _ = _data()
    model = _model(3)
    model.compile(
        loss="mse",
        metrics=[
            metrics.R2Score(num_regressors=3),
            metrics.PearsonCorrelation(),
        ],
    )
    pred = np.asarray(model(x))

    def batches():
        for start in range(0, N, 16):
            yield x[start : start + 16], y[start : start + 16]

    with pytest.warns(UserWarning, match="ran out of data"):  # as Keras
        logs = model.evaluate(batches(), verbose=0, return_dict=True)
    expected = {
        "r2_score": _full(metrics.R2Score(num_regressors=3), y, pred),
        "pearson_correlation": _full(metrics.PearsonCorrelation(), y, pred),
    }
    for name, value in expected.items():
        assert logs[name] == pytest.approx(value, rel=1e-4, abs=1e-5), name
