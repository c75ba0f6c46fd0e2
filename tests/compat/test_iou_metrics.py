import keras
import numpy as np
import pytest

from ember import metrics

N, C = 8, 4

# Keras' IoU asks for int64 tensors, which JAX truncates with a warning.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Explicitly requested dtype int64:UserWarning"
)


def _batches(kind, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        labels = rng.integers(0, C, N)
        guess = np.where(rng.random(N) < 0.5, labels, rng.integers(0, C, N))
        weight = rng.integers(0, 3, N).astype("int32")
        if kind == "sparse":
            out.append((labels, guess, weight))
        elif kind == "out_of_range":
            out.append((labels - 1, guess + 1, weight))
        elif kind == "scores":
            out.append((labels, rng.random((N, C)).astype("float32"), weight))
        elif kind == "onehot":
            scores = rng.random((N, C)).astype("float32")
            out.append((np.eye(C, dtype="float32")[labels], scores, weight))
        elif kind == "binary":
            scores = rng.random(N).astype("float32")
            out.append((rng.integers(0, 2, N), scores, weight))
    return out


CASES = [
    ("IoU", {"num_classes": C, "target_class_ids": [0, 2]}, "sparse"),
    ("IoU", {"num_classes": C, "target_class_ids": [3]}, "out_of_range"),
    ("MeanIoU", {"num_classes": C}, "sparse"),
    ("MeanIoU", {"num_classes": C, "ignore_class": 1}, "sparse"),
    ("MeanIoU", {"num_classes": C, "sparse_y_pred": False}, "scores"),
    ("OneHotIoU", {"num_classes": C, "target_class_ids": [1, 3]}, "onehot"),
    ("OneHotMeanIoU", {"num_classes": C}, "onehot"),
    ("OneHotMeanIoU", {"num_classes": C, "ignore_class": 0}, "onehot"),
    ("BinaryIoU", {}, "binary"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_results_equal_keras(name, kwargs, kind, weighted):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    for y_true, y_pred, weight in _batches(kind):
        extra = {"sample_weight": weight} if weighted else {}
        ours.update_state(y_true, y_pred, **extra)
        theirs.update_state(y_true, y_pred, **extra)
        np.testing.assert_array_equal(
            ours.total_cm.numpy(), keras.ops.convert_to_numpy(theirs.total_cm)
        )
        np.testing.assert_allclose(
            ours.result(), keras.ops.convert_to_numpy(theirs.result()), 1e-6
        )


@pytest.mark.parametrize("name, kwargs, kind", CASES)
def test_config_variables_and_serialization_equal_keras(name, kwargs, kind):
    ours = getattr(metrics, name)(name="m", **kwargs)
    theirs = getattr(keras.metrics, name)(name="m", **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert [(v.path, v.dtype, v.shape) for v in ours.variables] == [
        (v.path, v.dtype, tuple(v.shape)) for v in theirs.variables
    ]
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)
    clone = metrics.deserialize(keras.metrics.serialize(theirs))
    assert clone.get_config() == theirs.get_config()


def test_lookup_equals_keras():
    from keras.src.metrics import ALL_OBJECTS_DICT

    for name in [
        "io_u",
        "binary_io_u",
        "mean_io_u",
        "one_hot_io_u",
        "one_hot_mean_io_u",
        "OneHotMeanIoU",
    ]:
        assert metrics.deserialize(name).__name__ == (
            ALL_OBJECTS_DICT[name].__name__
        )
    ours, theirs = metrics.get("binary_io_u"), keras.metrics.get("binary_io_u")
    # Names made unique may differ with how many were made before.
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert ours_config.pop("name").startswith("binary_io_u")
    assert theirs_config.pop("name").startswith("binary_io_u")
    assert ours_config == theirs_config
