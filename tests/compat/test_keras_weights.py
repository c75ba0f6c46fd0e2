"""`.weights.h5` files move both ways between Keras and ember: the same
architecture built in each library gives the same predictions."""

import keras
import numpy as np
import pytest

import ember


def _cnn(lib):
    inputs = lib.Input((8, 8, 1))
    x = lib.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = lib.layers.BatchNormalization()(x)
    x = lib.layers.MaxPooling2D()(x)
    x = lib.layers.Conv2D(2, 3, padding="same")(x)
    x = lib.layers.Flatten()(x)
    x = lib.layers.Dropout(0.5)(x)
    outputs = lib.layers.Dense(5, activation="softmax")(x)
    return lib.Model(inputs, outputs)


def _embedding(lib):
    return lib.Sequential(
        [
            lib.Input((6,), dtype="int32"),
            lib.layers.Embedding(20, 4),
            lib.layers.Flatten(),
            lib.layers.Dense(3),
        ]
    )


def _nested(lib):
    block = lib.Sequential(
        [lib.layers.Dense(6, activation="tanh"), lib.layers.Dense(4)],
        name="block",
    )
    inputs = lib.Input((5,))
    x = lib.layers.Dense(6)(inputs)
    x = block(x)
    x = lib.layers.BatchNormalization()(x)
    inner = lib.Model(inputs, x)
    return lib.Sequential([lib.Input((5,)), inner, lib.layers.Dense(2)])


def _branching(lib):
    # Two inputs, parallel branches and a shared layer: the layers' order
    # (and so each Dense's path) must be Keras'.
    a = lib.Input((5,), name="a")
    b = lib.Input((3,), name="b")
    shared = lib.layers.Dense(4)
    x = shared(lib.layers.Dense(3)(a))
    y = lib.layers.Dense(2)(b)
    z = lib.layers.Concatenate()([lib.layers.Dense(2)(a), y])
    z = shared(lib.layers.Dense(3)(z))
    outputs = lib.layers.Dense(2)(lib.layers.Add()([x, z]))
    return lib.Model([a, b], outputs)


def _inputs(name):
    rng = np.random.default_rng(1)
    if name == "branching":
        return [
            rng.normal(size=(4, 5)).astype("float32"),
            rng.normal(size=(4, 3)).astype("float32"),
        ]
    if name == "cnn":
        return rng.normal(size=(4, 8, 8, 1)).astype("float32")
    if name == "embedding":
        return rng.integers(0, 20, size=(4, 6)).astype("int32")
    return rng.normal(size=(4, 5)).astype("float32")


BUILDERS = {
    "branching": _branching,
    "cnn": _cnn,
    "embedding": _embedding,
    "nested": _nested,
}


def _randomize(model):
    rng = np.random.default_rng(7)
    for weight in model.weights:
        value = rng.normal(size=tuple(weight.shape)).astype("float32")
        if "variance" in weight.path:
            value = np.abs(value) + 0.5
        weight.assign(value)


def _predict(model, x):
    return np.asarray(model.predict(x, verbose=0))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras_writes_ember_reads(tmp_path, name):
    source = BUILDERS[name](keras)
    _randomize(source)
    path = tmp_path / "k.weights.h5"
    source.save_weights(path)
    target = BUILDERS[name](ember)
    target.load_weights(path)
    x = _inputs(name)
    np.testing.assert_allclose(
        _predict(target, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_ember_writes_keras_reads(tmp_path, name):
    source = BUILDERS[name](ember)
    _randomize(source)
    path = tmp_path / "e.weights.h5"
    source.save_weights(path)
    target = BUILDERS[name](keras)
    target.load_weights(path)
    x = _inputs(name)
    np.testing.assert_allclose(
        _predict(target, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


def _trained(lib):
    model = _cnn(lib)
    model.compile(optimizer=lib.optimizers.Adam(1e-3), loss="mse")
    x = _inputs("cnn")
    y = np.random.default_rng(2).normal(size=(4, 5)).astype("float32")
    model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    return model


def _fresh_compiled(lib):
    model = _cnn(lib)
    model.compile(optimizer=lib.optimizers.Adam(1e-3), loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


@pytest.mark.parametrize("direction", ["keras_to_ember", "ember_to_keras"])
def test_optimizer_state_moves_both_ways(tmp_path, direction):
    source_lib, target_lib = (
        (keras, ember) if direction == "keras_to_ember" else (ember, keras)
    )
    source = _trained(source_lib)
    path = tmp_path / "m.weights.h5"
    source.save_weights(path)
    target = _fresh_compiled(target_lib)
    target.load_weights(path)
    source_vars = source.optimizer.variables
    target_vars = target.optimizer.variables
    assert len(source_vars) == len(target_vars)
    for a, b in zip(source_vars, target_vars, strict=True):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6)
    x = _inputs("cnn")
    np.testing.assert_allclose(
        _predict(target, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


def test_keras_file_with_wrong_shapes_is_refused(tmp_path):
    source = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    path = tmp_path / "k.weights.h5"
    source.save_weights(path)
    target = ember.Sequential([ember.Input((4,)), ember.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        target.load_weights(path)


@pytest.mark.parametrize("direction", ["keras_to_ember", "ember_to_keras"])
def test_bfloat16_weights_move_both_ways(tmp_path, direction):
    source_lib, target_lib = (
        (keras, ember) if direction == "keras_to_ember" else (ember, keras)
    )

    def build(lib):
        return lib.Sequential(
            [lib.Input((4,)), lib.layers.Dense(3, dtype="bfloat16")]
        )

    source = build(source_lib)
    path = tmp_path / "bf16.weights.h5"
    source.save_weights(path)
    target = build(target_lib)
    target.load_weights(path)
    for a, b in zip(source.weights, target.weights, strict=True):
        assert str(b.dtype) == "bfloat16"
        np.testing.assert_array_equal(
            np.asarray(b.numpy(), "float32"), np.asarray(a.numpy(), "float32")
        )


def _subclassed(lib):
    class Sub(lib.Model):
        def __init__(self):
            super().__init__()
            self.zz = lib.layers.Dense(3)
            self.blocks = [lib.layers.Dense(4), lib.layers.Dense(4)]
            self.norm = lib.layers.BatchNormalization()

        def call(self, x, training=False):
            x = self.blocks[1](self.blocks[0](x))
            return self.zz(self.norm(x, training=training))

    model = Sub()
    model(np.zeros((1, 5), "float32"))
    return model


@pytest.mark.parametrize("direction", ["keras_to_ember", "ember_to_keras"])
def test_subclassed_model_weights_move_both_ways(tmp_path, direction):
    source_lib, target_lib = (
        (keras, ember) if direction == "keras_to_ember" else (ember, keras)
    )
    source = _subclassed(source_lib)
    _randomize(source)
    path = tmp_path / "sub.weights.h5"
    source.save_weights(path)
    target = _subclassed(target_lib)
    target.load_weights(path)
    x = _inputs("nested")
    np.testing.assert_allclose(
        np.asarray(target(x)), np.asarray(source(x)), rtol=1e-5, atol=1e-5
    )
