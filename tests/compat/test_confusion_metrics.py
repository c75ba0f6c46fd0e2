"""Confusion-matrix metrics and F-scores against Keras 3 and scikit-learn.

The same batches are streamed through ember's and Keras' metric (several
`update_state` calls, some weighted); results and configs must agree. Where
scikit-learn computes the same quantity, it must agree too (AUC within
Keras' interpolation error).
"""

import warnings

import keras
import numpy as np
import pytest
from sklearn import metrics as skm

import ember

RNG = np.random.default_rng(0)


def _batches(shape, count=3, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for index in range(count):
        y_true = rng.integers(0, 2, shape).astype("float32")
        y_pred = rng.random(shape).astype("float32")
        weight = rng.random(shape[0]).astype("float32")
        out.append((y_true, y_pred, weight if index else None))
    return out


CASES = [
    ("TruePositives", {}, (8,)),
    ("FalsePositives", {"thresholds": [0.3, 0.6]}, (8, 2)),
    ("TrueNegatives", {"thresholds": [0.0, 0.5, 1.0]}, (8, 1)),
    ("FalseNegatives", {}, (8, 1)),
    ("Precision", {}, (8, 1)),
    ("Precision", {"thresholds": [0.2, 0.5, 0.7]}, (8, 3)),
    ("Precision", {"top_k": 1, "class_id": 2}, (8, 4)),
    ("Recall", {"top_k": 2}, (8, 4)),
    ("Recall", {"class_id": 1, "thresholds": 0.4}, (8, 3)),
    ("AUC", {}, (8, 1)),
    ("AUC", {"curve": "PR"}, (8, 2)),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, (8, 1)),
    ("AUC", {"summation_method": "majoring", "num_thresholds": 7}, (8, 1)),
    ("AUC", {"thresholds": [0.1, 0.4, 0.8]}, (8, 1)),
    ("AUC", {"from_logits": True}, (8, 1)),
    ("AUC", {"curve": "PRGAIN"}, (8, 1)),
    ("AUC", {"multi_label": True}, (8, 3)),
    (
        "AUC",
        {
            "multi_label": True,
            "num_labels": 3,
            "label_weights": [0.2, 0.5, 0.3],
            "curve": "PR",
        },
        (8, 3),
    ),
    ("AUC", {"label_weights": [0.2, 0.5, 0.3]}, (8, 3)),
    ("PrecisionAtRecall", {"recall": 0.5}, (8, 1)),
    ("RecallAtPrecision", {"precision": 0.6, "num_thresholds": 1}, (8, 1)),
    (
        "SensitivityAtSpecificity",
        {"specificity": 0.4, "class_id": 1},
        (8, 3),
    ),
    (
        "SpecificityAtSensitivity",
        {"sensitivity": 0.7, "num_thresholds": 2},
        (8, 1),
    ),
    ("F1Score", {}, (8, 3)),
    ("F1Score", {"average": "micro", "threshold": 0.5}, (8, 3)),
    ("FBetaScore", {"beta": 2.0, "average": "weighted"}, (8, 3)),
    ("FBetaScore", {"average": "macro", "beta": 0.5, "threshold": 0.4}, (8, 3)),
]


def _ids(case):
    name, kwargs, _ = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


def _stream(lib, name, kwargs, batches):
    metric = getattr(lib.metrics, name)(name="m", **kwargs)
    for y_true, y_pred, weight in batches:
        if kwargs.get("from_logits"):
            y_pred = y_pred * 6.0 - 3.0
        metric.update_state(y_true, y_pred, sample_weight=weight)
    return metric


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_streamed_values_and_config_equal_keras(case):
    name, kwargs, shape = case
    batches = _batches(shape)
    mine = _stream(ember, name, kwargs, batches)
    theirs = _stream(keras, name, kwargs, batches)
    np.testing.assert_allclose(
        mine.result(), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6
    )
    my_config, their_config = mine.get_config(), theirs.get_config()
    assert sorted(my_config) == sorted(their_config)
    for key, value in their_config.items():
        if key == "label_weights" and value is not None:
            np.testing.assert_allclose(my_config[key], value)
        else:
            assert my_config[key] == value, key
    rebuilt = ember.metrics.deserialize(
        keras.saving.serialize_keras_object(theirs)
    )
    assert type(rebuilt) is type(mine)


@pytest.mark.parametrize(
    "identifier",
    [
        "precision",
        "recall",
        "auc",
        "AUC",
        "f1_score",
        "f_beta_score",
        "true_positives",
        "FalseNegatives",
        "TrueNegatives",
    ],
)
def test_string_identifiers_resolve_as_in_keras(identifier):
    mine = ember.metrics.get(identifier)
    theirs = keras.metrics.get(identifier)
    assert type(mine).__name__ == type(theirs).__name__


def _sklearn_data(n=200, seed=1):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    # Informative but noisy scores.
    y_score = np.clip(0.3 * y_true + 0.7 * rng.random(n), 0, 1)
    weight = rng.uniform(0.1, 2.0, n)
    return y_true, y_score.astype("float32"), weight.astype("float32")


def _in_two_batches(metric, y_true, y_pred, weight=None):
    half = len(y_true) // 2
    for part in (slice(None, half), slice(half, None)):
        metric.update_state(
            y_true[part],
            y_pred[part],
            sample_weight=None if weight is None else weight[part],
        )
    return float(metric.result())


@pytest.mark.parametrize("weighted", [False, True])
def test_precision_recall_equal_sklearn(weighted):
    y_true, y_score, weight = _sklearn_data()
    weight = weight if weighted else None
    labels = (y_score > 0.5).astype(int)
    for cls, reference in (
        (ember.metrics.Precision, skm.precision_score),
        (ember.metrics.Recall, skm.recall_score),
    ):
        value = _in_two_batches(cls(), y_true, y_score, weight)
        expected = reference(y_true, labels, sample_weight=weight)
        assert value == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_equals_sklearn(average):
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, 60)
    scores = rng.random((60, 4)).astype("float32")
    scores[np.arange(60), labels] += rng.random(60).astype("float32")
    y_true = np.eye(4, dtype="float32")[labels]
    m = ember.metrics.F1Score(average=average)
    m.update_state(y_true[:25], scores[:25])
    m.update_state(y_true[25:], scores[25:])
    expected = skm.f1_score(
        labels, scores.argmax(-1), average=average, labels=range(4)
    )
    np.testing.assert_allclose(m.result(), expected, atol=1e-5)


@pytest.mark.parametrize("weighted", [False, True])
def test_roc_auc_equals_sklearn(weighted):
    y_true, y_score, weight = _sklearn_data()
    weight = weight if weighted else None
    value = _in_two_batches(
        ember.metrics.AUC(num_thresholds=1000), y_true, y_score, weight
    )
    expected = skm.roc_auc_score(y_true, y_score, sample_weight=weight)
    assert value == pytest.approx(expected, abs=1e-2)


def test_multi_label_roc_auc_equals_sklearn_macro():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, (150, 3))
    y_score = np.clip(0.4 * y_true + 0.6 * rng.random((150, 3)), 0, 1)
    m = ember.metrics.AUC(num_thresholds=1000, multi_label=True)
    value = _in_two_batches(m, y_true, y_score.astype("float32"))
    expected = skm.roc_auc_score(y_true, y_score, average="macro")
    assert value == pytest.approx(expected, abs=1e-2)


# -- inside fit: compiled steps, a padded last batch -------------------------

BATCH_SIZE = 8  # 21 samples: batches of 8, 8 and a padded 5


def _binary_data(n=21, seed=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] + 0.5 * rng.normal(size=(n, 1)) > 0).astype("float32")
    weight = rng.uniform(0.5, 2.0, n).astype("float32")
    return x, y, weight


def _classification_metrics(lib):
    return [
        lib.metrics.Precision(name="precision"),
        lib.metrics.Recall(name="recall"),
        lib.metrics.AUC(name="auc"),
        lib.metrics.F1Score(threshold=0.5, name="f1_score"),
    ]


def _fit(lib, weights, with_sample_weight):
    model = lib.Sequential(
        [
            lib.Input(shape=(4,)),
            lib.layers.Dense(3, activation="relu"),
            lib.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.set_weights(weights)
    model.compile(
        optimizer=lib.optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=_classification_metrics(lib),
        weighted_metrics=(
            [lib.metrics.Precision(name="w_precision")]
            if with_sample_weight
            else None
        ),
    )
    x, y, weight = _binary_data()
    x_val, y_val, _ = _binary_data(n=11, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(
            x,
            y,
            sample_weight=weight if with_sample_weight else None,
            batch_size=BATCH_SIZE,
            epochs=2,
            shuffle=False,
            validation_data=(x_val, y_val),
            verbose=0,
        )
        evaluated = model.evaluate(
            x, y, batch_size=BATCH_SIZE, verbose=0, return_dict=True
        )
    return model, history.history, evaluated


@pytest.mark.slow
@pytest.mark.parametrize("with_sample_weight", [False, True])
def test_fit_history_equals_keras(with_sample_weight):
    weights = ember.Sequential(
        [
            ember.Input(shape=(4,)),
            ember.layers.Dense(3, activation="relu"),
            ember.layers.Dense(1, activation="sigmoid"),
        ]
    ).get_weights()
    model, mine, my_eval = _fit(ember, weights, with_sample_weight)
    _, theirs, their_eval = _fit(keras, weights, with_sample_weight)
    # Key order is the trainer's business (Keras sorts train and val keys
    # together; see tests/compat/test_fit.py); compared here as sets.
    assert sorted(mine) == sorted(theirs)
    for key, values in theirs.items():
        np.testing.assert_allclose(
            mine[key], values, rtol=1e-4, atol=1e-5, err_msg=key
        )
    assert sorted(my_eval) == sorted(their_eval)
    for key, value in their_eval.items():
        np.testing.assert_allclose(
            my_eval[key], value, rtol=1e-4, atol=1e-5, err_msg=key
        )
    # evaluate() over padded batches equals the metrics over all the data.
    x, y, _ = _binary_data()
    y_pred = np.asarray(model.predict(x, verbose=0))
    for metric in _classification_metrics(ember):
        metric.update_state(y, y_pred)
        np.testing.assert_allclose(
            my_eval[metric.name], metric.result(), rtol=1e-5, atol=1e-6
        )


@pytest.mark.parametrize(
    ("writer", "readers"),
    [(ember, (ember, keras)), (keras, (ember,))],
    ids=["ember_saves", "keras_saves"],
)
def test_compiled_model_with_confusion_metrics_moves_both_ways(
    tmp_path, writer, readers
):
    x, y, _ = _binary_data()
    model = writer.Sequential(
        [writer.Input(shape=(4,)), writer.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=[
            writer.metrics.Precision(thresholds=[0.3, 0.6], name="prec"),
            writer.metrics.AUC(num_thresholds=50, curve="PR", name="pr"),
            writer.metrics.F1Score(threshold=0.5, name="f1"),
        ],
    )
    path = tmp_path / "metrics.keras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        model.save(path)
        expected = model.evaluate(x, y, verbose=0, return_dict=True)
    for lib in readers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            restored = lib.saving.load_model(path)
            evaluated = restored.evaluate(x, y, verbose=0, return_dict=True)
        assert sorted(evaluated) == sorted(expected)
        for key, value in expected.items():
            np.testing.assert_allclose(
                evaluated[key], value, rtol=1e-5, err_msg=f"{lib}: {key}"
            )


def _fit_per_class(lib, weights):
    model = lib.Sequential(
        [lib.Input(shape=(4,)), lib.layers.Dense(3, activation="softmax")]
    )
    model.set_weights(weights)
    model.compile(
        optimizer=lib.optimizers.SGD(learning_rate=0.5),
        loss="categorical_crossentropy",
        metrics=[
            lib.metrics.F1Score(name="f1"),
            lib.metrics.Precision(thresholds=[0.3, 0.5], name="p"),
        ],
    )
    x, _, _ = _binary_data()
    y = np.eye(3, dtype="float32")[np.arange(len(x)) % 3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(
            x, y, batch_size=BATCH_SIZE, epochs=2, shuffle=False, verbose=0
        )
        evaluated = model.evaluate(x, y, verbose=0, return_dict=True)
    return history.history, evaluated


def test_per_class_results_in_history_equal_keras():
    # F1Score without `average` and Precision at two thresholds give
    # vectors: History and evaluate hold them as arrays, as in Keras.
    weights = ember.Sequential(
        [ember.Input(shape=(4,)), ember.layers.Dense(3, activation="softmax")]
    ).get_weights()
    mine, my_eval = _fit_per_class(ember, weights)
    theirs, their_eval = _fit_per_class(keras, weights)
    assert sorted(mine) == sorted(theirs)
    for key, values in theirs.items():
        assert np.shape(mine[key]) == np.shape(values), key
        np.testing.assert_allclose(mine[key], values, rtol=1e-4, atol=1e-5)
    assert my_eval["f1"].shape == (3,)
    for key, value in their_eval.items():
        np.testing.assert_allclose(my_eval[key], value, rtol=1e-4, atol=1e-5)
