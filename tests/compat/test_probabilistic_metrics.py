"""Hinge and probabilistic metrics (KL divergence, Poisson and the
cross-entropies) against Keras."""

import keras
import numpy as np
import pytest

from ember import metrics

N, C = 6, 4


def _batches(kind, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        labels = rng.integers(0, C, N)
        probs = rng.random((N, C)).astype("float32") + 0.05
        probs /= probs.sum(-1, keepdims=True)
        weight = rng.random(N).astype("float32")
        if kind == "signs":
            y_true = rng.choice([-1.0, 1.0], (N, C)).astype("float32")
            out.append((y_true, rng.normal(size=(N, C)).astype("f"), weight))
        elif kind == "binary":
            y_true = rng.integers(0, 2, (N, 1)).astype("float32")
            out.append((y_true, probs[:, :1], weight))
        elif kind == "logits":
            y_true = rng.integers(0, 2, (N, C)).astype("float32")
            out.append((y_true, rng.normal(size=(N, C)).astype("f"), weight))
        elif kind == "onehot":
            out.append((np.eye(C, dtype="float32")[labels], probs, weight))
        elif kind == "distributions":
            target = rng.random((N, C)).astype("float32")
            target /= target.sum(-1, keepdims=True)
            out.append((target, probs, weight))
        elif kind == "counts":
            counts = rng.poisson(2.0, (N, C)).astype("float32")
            out.append((counts, probs * 4.0, weight))
        elif kind == "sparse":
            out.append((labels, probs, weight))
        elif kind == "sparse_column":
            out.append((labels[:, None], np.log(probs), weight))
    return out


CASES = [
    ("Hinge", {}, "signs"),
    ("Hinge", {}, "logits"),
    ("SquaredHinge", {}, "signs"),
    ("CategoricalHinge", {}, "onehot"),
    ("KLDivergence", {}, "distributions"),
    ("Poisson", {}, "counts"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True}, "logits"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "distributions"),
    ("CategoricalCrossentropy", {"from_logits": True}, "logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_column"),
]


def _compare(ours, theirs, batches, weighted):
    for y_true, y_pred, weight in batches:
        extra = {"sample_weight": weight} if weighted else {}
        ours.update_state(y_true, y_pred, **extra)
        theirs.update_state(y_true, y_pred, **extra)
        np.testing.assert_allclose(
            ours.result(),
            keras.ops.convert_to_numpy(theirs.result()),
            rtol=1e-5,
            atol=1e-6,
        )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_results_equal_keras(name, kwargs, kind, weighted):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    _compare(ours, theirs, _batches(kind), weighted)


def test_ignore_class_with_weights_equals_keras():
    # Keras leaves ignored entries out only when weights are given (without
    # weights it counts them as zeros); ember always leaves them out.
    kwargs = {"ignore_class": 2}
    ours = metrics.SparseCategoricalCrossentropy(**kwargs)
    theirs = keras.metrics.SparseCategoricalCrossentropy(**kwargs)
    _compare(ours, theirs, _batches("sparse"), weighted=True)


@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_config_variables_and_serialization_equal_keras(name, kwargs, kind):
    ours = getattr(metrics, name)(name="m", **kwargs)
    theirs = getattr(keras.metrics, name)(name="m", **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert [v.path for v in ours.variables] == [
        v.path for v in theirs.variables
    ]
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)
    clone = metrics.deserialize(keras.metrics.serialize(theirs))
    assert clone.get_config() == theirs.get_config()


@pytest.mark.parametrize(
    "identifier",
    [
        "bce",
        "BCE",
        "binary_crossentropy",
        "CategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        "kl_divergence",
        "poisson",
        "hinge",
        "squared_hinge",
        "CategoricalHinge",
    ],
)
def test_get_resolves_like_keras(identifier):
    ours, theirs = metrics.get(identifier), keras.metrics.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__


def test_exported_functions_match_keras():
    from keras.src.losses import losses as keras_losses

    names = [
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "categorical_hinge",
        "hinge",
        "squared_hinge",
        "huber",
        "kl_divergence",
        "log_cosh",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "poisson",
        "concordance_correlation",
        "pearson_correlation",
    ]
    for name in names:
        assert hasattr(keras.metrics, name), name
        assert callable(getattr(metrics, name)), name
    y_true, y_pred, _ = _batches("distributions")[0]
    for name in names[3:12]:
        np.testing.assert_allclose(
            getattr(metrics, name)(y_true, y_pred),
            getattr(keras_losses, name)(y_true, y_pred),
            rtol=1e-5,
            err_msg=name,
        )
