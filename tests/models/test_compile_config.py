"""Model.get_compile_config / compile_from_config, and fit resuming from
a saved .keras file."""

import numpy as np
import pytest

import ember
from ember import layers


def _model(compile_kwargs=None):
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            layers.Dense(4, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(
        **(
            compile_kwargs
            or {
                "optimizer": ember.optimizers.Adam(0.01),
                "loss": "mse",
                "metrics": ["mae"],
            }
        )
    )
    return model


def _data():
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_compile_config_round_trips_through_serialization():
    model = _model(
        {
            "optimizer": "rmsprop",
            "loss": "mse",
            "loss_weights": 2.0,
            "metrics": ["mae", ember.metrics.RootMeanSquaredError()],
        }
    )
    config = ember.saving.serialize_keras_object(model.get_compile_config())
    assert config["steps_per_execution"] == 1  # Keras' default
    assert config["metrics"][0] == "mae"
    fresh = _model()
    fresh.compile_from_config(config)
    assert type(fresh.optimizer).__name__ == "RMSprop"
    assert fresh._compiled.steps_per_execution == "auto"
    logs = fresh.evaluate(*_data(), verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae", "root_mean_squared_error"}


def test_an_uncompiled_model_has_an_empty_compile_config(tmp_path):
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    assert model.get_compile_config() == {}
    # Written as Keras writes it, and read back as "not compiled".
    config = ember.saving.serialize_keras_object(model)
    assert config["compile_config"] == {}
    model.save(tmp_path / "m.keras")
    assert not ember.saving.load_model(tmp_path / "m.keras").compiled


def test_fit_resumes_exactly_from_a_saved_file(tmp_path):
    x, y = _data()
    straight = _model()
    straight.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    first = _model()
    first.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    first.save(tmp_path / "half.keras")
    resumed = ember.saving.load_model(tmp_path / "half.keras")
    assert int(np.asarray(resumed.optimizer.iterations.numpy())) == 5
    resumed.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_a_custom_compile_is_not_replayed():
    class Custom(ember.Sequential):
        def compile(self, **kwargs):
            super().compile(**kwargs)

    model = Custom([ember.Input(shape=(3,)), layers.Dense(1)])
    with pytest.warns(UserWarning, match="overrides `compile"):
        model.compile_from_config({"optimizer": "sgd", "loss": "mse"})
    assert not getattr(model, "compiled", False)


def test_a_named_optimizer_is_saved_with_its_full_config():
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    config = ember.saving.serialize_keras_object(model.get_compile_config())
    assert config["optimizer"]["class_name"] == "Adam"
    assert config["optimizer"]["config"]["learning_rate"] == pytest.approx(1e-3)


def test_an_optax_optimizer_saves_the_model_without_compile_config(tmp_path):
    optax = pytest.importorskip("optax")
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer=optax.sgd(0.1), loss="mse")
    with pytest.warns(UserWarning, match="optax transformation"):
        model.save(tmp_path / "m.keras")
    restored = ember.saving.load_model(tmp_path / "m.keras")
    assert not restored.compiled
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(restored(x), model(x))
