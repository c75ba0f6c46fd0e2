import pytest

from ember import metrics


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("accuracy", metrics.Accuracy),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy),
        ("mse", metrics.MeanSquaredError),
        ("MAE", metrics.MeanAbsoluteError),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        (metrics.Sum, metrics.Sum),
    ],
)
def test_get_builds_instances(identifier, cls):
    assert type(metrics.get(identifier)) is cls


def test_get_passes_objects_and_none_through():
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(None) is None
    assert metrics.get(metrics.accuracy) is metrics.accuracy


def test_get_unknown_suggests_closest():
    with pytest.raises(
        ValueError, match="Unknown metric: 'acurracy'.*'accuracy'"
    ):
        metrics.get("acurracy")
    with pytest.raises(ValueError, match="Could not interpret"):
        metrics.get(3)


def test_serialize_deserialize_round_trip():
    m = metrics.BinaryAccuracy(name="acc", threshold=0.3)
    config = metrics.serialize(m)
    assert config == {
        "module": "keras.metrics",
        "class_name": "BinaryAccuracy",
        "config": {"name": "acc", "dtype": "float32", "threshold": 0.3},
        "registered_name": None,
    }
    clone = metrics.deserialize(config)
    assert type(clone) is metrics.BinaryAccuracy
    assert clone.get_config() == m.get_config()
    assert type(metrics.get(config)) is metrics.BinaryAccuracy
    # A function is written as Keras writes it, and read back as itself.
    function_config = metrics.serialize(metrics.accuracy)
    assert function_config == {
        "module": "builtins",
        "class_name": "function",
        "config": "accuracy",
        "registered_name": "function",
    }
    assert metrics.deserialize(function_config) is metrics.accuracy
    assert metrics.deserialize("mse") is metrics.MeanSquaredError
    with pytest.raises(ValueError, match="Unknown metric"):
        metrics.deserialize({"class_name": "Nope", "config": {}})
