"""ember.losses against keras.losses on the same random inputs."""

import keras
import numpy as np
import pytest

from ember import losses

RNG = np.random.default_rng(0)
B, C = 6, 4


def _probs(shape):
    x = RNG.uniform(0.05, 1.0, shape).astype("float32")
    return x / x.sum(-1, keepdims=True)


def _one_hot(shape):
    return np.eye(shape[-1], dtype="float32")[
        RNG.integers(0, shape[-1], shape[:-1])
    ]


REGRESSION = (
    RNG.uniform(0.1, 2.0, (B, C)).astype("float32"),
    RNG.normal(size=(B, C)).astype("float32"),
)
BINARY = (
    RNG.integers(0, 2, (B, C)).astype("float32"),
    RNG.uniform(0.01, 0.99, (B, C)).astype("float32"),
)
LOGITS = RNG.normal(size=(B, C)).astype("float32") * 3
CATEGORICAL = (_one_hot((B, C)), _probs((B, C)))
SPARSE = (RNG.integers(0, C, (B,)), _probs((B, C)))
DISTRIBUTIONS = (_probs((B, C)), _probs((B, C)))

# (name, constructor kwargs, inputs)
CASES = [
    ("MeanSquaredError", {}, REGRESSION),
    ("MeanAbsoluteError", {}, REGRESSION),
    ("MeanAbsolutePercentageError", {}, REGRESSION),
    ("MeanSquaredLogarithmicError", {}, REGRESSION),
    ("Huber", {}, REGRESSION),
    ("Huber", {"delta": 0.5}, REGRESSION),
    ("LogCosh", {}, REGRESSION),
    ("CosineSimilarity", {}, REGRESSION),
    ("CosineSimilarity", {"axis": 0}, REGRESSION),
    ("Hinge", {}, BINARY),
    ("Hinge", {}, REGRESSION),
    ("SquaredHinge", {}, BINARY),
    ("CategoricalHinge", {}, CATEGORICAL),
    ("KLDivergence", {}, DISTRIBUTIONS),
    ("Poisson", {}, (REGRESSION[0], np.abs(REGRESSION[1]))),
    ("BinaryCrossentropy", {}, BINARY),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, BINARY),
    ("BinaryCrossentropy", {"from_logits": True}, (BINARY[0], LOGITS)),
    ("CategoricalCrossentropy", {}, CATEGORICAL),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, CATEGORICAL),
    (
        "CategoricalCrossentropy",
        {"from_logits": True},
        (CATEGORICAL[0], LOGITS),
    ),
    ("SparseCategoricalCrossentropy", {}, SPARSE),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        (SPARSE[0], LOGITS),
    ),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, SPARSE),
]
REDUCTIONS = [
    "sum_over_batch_size",
    "sum",
    "mean",
    "mean_with_sample_weight",
    None,
]
WEIGHTS = [None, RNG.uniform(0.0, 2.0, (B,)).astype("float32")]

FUNCTIONS = {
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "LogCosh": "log_cosh",
    "CosineSimilarity": "cosine_similarity",
    "Hinge": "hinge",
    "SquaredHinge": "squared_hinge",
    "CategoricalHinge": "categorical_hinge",
    "KLDivergence": "kl_divergence",
    "Poisson": "poisson",
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
}

# Arguments ember writes and Keras' config drops (see losses/_classes.py).
EXTRA_CONFIG_KEYS = {"Huber": "delta", "CosineSimilarity": "axis"}


def _close(ours, theirs):
    np.testing.assert_allclose(
        np.asarray(ours), np.asarray(theirs), atol=1e-5, rtol=1e-6
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs,inputs", CASES)
def test_class_matches_keras(name, kwargs, inputs, reduction):
    y_true, y_pred = inputs
    ours = getattr(losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    # With axis=0 the losses run along the features: no per-sample weights.
    weights = WEIGHTS[:1] if kwargs.get("axis") == 0 else WEIGHTS
    for weight in weights:
        _close(ours(y_true, y_pred, weight), theirs(y_true, y_pred, weight))
    extra = EXTRA_CONFIG_KEYS.get(name)
    config = ours.get_config()
    if extra is not None:
        assert config.pop(extra) == getattr(ours, extra)
    assert config == theirs.get_config()


@pytest.mark.parametrize("name,kwargs,inputs", CASES)
def test_function_matches_keras(name, kwargs, inputs):
    fn_name = FUNCTIONS[name]
    y_true, y_pred = inputs
    _close(
        getattr(losses, fn_name)(y_true, y_pred, **kwargs),
        getattr(keras.losses, fn_name)(y_true, y_pred, **kwargs),
    )


@pytest.mark.parametrize("shape", [(B,), (B, 1)])
def test_sample_weight_shapes_match_keras(shape):
    y_true, y_pred = REGRESSION
    weight = RNG.uniform(0.0, 2.0, shape).astype("float32")
    _close(
        losses.MeanSquaredError()(y_true, y_pred, weight),
        keras.losses.MeanSquaredError()(y_true, y_pred, weight),
    )
    # Rank-1 targets against (batch, 1) predictions, as from a Dense(1).
    _close(
        losses.MeanSquaredError()(y_true[:, 0], y_pred[:, :1], weight),
        keras.losses.MeanSquaredError()(y_true[:, 0], y_pred[:, :1], weight),
    )


def test_sparse_labels_with_trailing_axis_and_ignore_class_match_keras():
    labels = np.array([[0], [1], [1], [3], [2], [1]])
    y_pred = _probs((B, C))
    for reduction in REDUCTIONS:
        ours = losses.SparseCategoricalCrossentropy(
            ignore_class=1, reduction=reduction
        )
        theirs = keras.losses.SparseCategoricalCrossentropy(
            ignore_class=1, reduction=reduction
        )
        _close(ours(labels, y_pred), theirs(labels, y_pred))


def test_serialize_matches_keras():
    for name in FUNCTIONS:
        ours = losses.serialize(getattr(losses, name)())
        theirs = keras.losses.serialize(getattr(keras.losses, name)())
        ours["config"].pop(EXTRA_CONFIG_KEYS.get(name), None)
        assert ours == theirs
        fn = FUNCTIONS[name]
        assert losses.serialize(getattr(losses, fn)) == keras.losses.serialize(
            getattr(keras.losses, fn)
        )


def test_keras_configs_deserialize_in_ember():
    config = keras.losses.serialize(
        keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    )
    loss = losses.deserialize(config)
    assert isinstance(loss, losses.BinaryCrossentropy)
    assert loss.get_config() == config["config"]
