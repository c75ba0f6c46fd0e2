"""TimeDistributed against Keras 3: outputs and gradients on copied
weights, config, parameter counts, weight paths, and `.keras` files both
ways."""

import json

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import ember


def _dense(lib):
    inputs = lib.Input((3, 4))
    inner = lib.layers.Dense(2, activation="tanh", name="dense")
    outputs = lib.layers.TimeDistributed(inner, name="td")(inputs)
    return lib.Model(inputs, outputs, name="m")


def _conv2d(lib):
    inputs = lib.Input((2, 6, 6, 1))
    inner = lib.layers.Conv2D(2, 3, strides=2, padding="same", name="conv")
    outputs = lib.layers.TimeDistributed(inner, name="td")(inputs)
    return lib.Model(inputs, outputs, name="m")


def _sequential(lib):
    inner = lib.Sequential(
        [
            lib.Input((4,), name="seq_in"),
            lib.layers.Dense(3, activation="relu", name="d1"),
            lib.layers.Dense(1, name="d2"),
        ],
        name="seq",
    )
    inputs = lib.Input((3, 4))
    outputs = lib.layers.TimeDistributed(inner, name="td")(inputs)
    return lib.Model(inputs, outputs, name="m")


def _batch_norm(lib):
    inputs = lib.Input((3, 4))
    inner = lib.layers.BatchNormalization(name="bn")
    outputs = lib.layers.TimeDistributed(inner, name="td")(inputs)
    return lib.Model(inputs, outputs, name="m")


def _masked(lib):
    inputs = lib.Input((4,), dtype="int32")
    x = lib.layers.Embedding(6, 3, mask_zero=True, name="emb")(inputs)
    inner = lib.layers.Dense(2, name="dense")
    x = lib.layers.TimeDistributed(inner, name="td")(x)
    outputs = lib.layers.GlobalAveragePooling1D()(x)
    return lib.Model(inputs, outputs, name="m")


def _video(lib):
    inputs = lib.Input((4, 8, 8, 1))
    conv = lib.layers.Conv2D(3, 3, activation="relu", name="conv")
    x = lib.layers.TimeDistributed(conv, name="td")(inputs)
    pool = lib.layers.GlobalAveragePooling2D(name="pool")
    x = lib.layers.TimeDistributed(pool, name="td_pool")(x)
    x = lib.layers.Flatten(name="flatten")(x)
    outputs = lib.layers.Dense(2, activation="softmax", name="head")(x)
    return lib.Model(inputs, outputs, name="m")


BUILDERS = {
    "dense": _dense,
    "conv2d": _conv2d,
    "sequential": _sequential,
    "batch_norm": _batch_norm,
    "masked": _masked,
    "video": _video,
}


def _inputs(name):
    rng = np.random.default_rng(0)
    if name == "conv2d":
        return rng.normal(size=(2, 2, 6, 6, 1)).astype("float32")
    if name == "video":
        return rng.normal(size=(2, 4, 8, 8, 1)).astype("float32")
    if name == "masked":
        return np.array([[1, 2, 0, 0], [3, 0, 5, 1]], "int32")
    return rng.normal(size=(2, 3, 4)).astype("float32")


def _randomized_keras(name):
    model = BUILDERS[name](keras)
    rng = np.random.default_rng(5)
    for weight in model.weights:
        value = rng.normal(size=tuple(weight.shape)).astype("float32")
        if "variance" in weight.path:
            value = np.abs(value) + 0.5
        weight.assign(value)
    return model


def _pair(name):
    theirs = _randomized_keras(name)
    ours = BUILDERS[name](ember)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_outputs_equal_keras_on_copied_weights(name):
    ours, theirs = _pair(name)
    x = _inputs(name)
    np.testing.assert_allclose(
        np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("name", ["dense", "conv2d", "sequential"])
def test_gradients_equal_keras(name):
    ours, theirs = _pair(name)
    x = _inputs(name)

    def loss(model):
        non_trainable = [v.value for v in model.non_trainable_variables]

        def fn(trainable, x):
            y = model.stateless_call(trainable, non_trainable, x)[0]
            return jnp.sum(y**2)

        return fn

    args = ([jnp.asarray(v.value) for v in theirs.trainable_variables], x)
    our_grads = jax.grad(loss(ours), argnums=(0, 1))(*args)
    their_grads = jax.grad(loss(theirs), argnums=(0, 1))(*args)
    for a, b in zip(
        jax.tree.leaves(our_grads), jax.tree.leaves(their_grads), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["dense", "conv2d", "sequential"])
def test_config_paths_and_count_params_equal_keras(name):
    ours, theirs = BUILDERS[name](ember), BUILDERS[name](keras)
    our_td, their_td = ours.get_layer("td"), theirs.get_layer("td")

    def as_json(config):
        return json.loads(json.dumps(config))

    assert as_json(our_td.get_config()) == as_json(their_td.get_config())
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [w.shape for w in ours.weights] == [
        tuple(w.shape) for w in theirs.weights
    ]
    assert our_td.count_params() == their_td.count_params()


def test_output_mask_reaches_the_next_layer_as_in_keras():
    ours, theirs = _pair("masked")
    x = _inputs("masked")
    embedded = np.asarray(theirs.get_layer("emb")(x))
    kernel, bias = theirs.get_layer("td").layer.get_weights()
    steps = embedded @ kernel + bias
    keep = (x != 0)[..., None]
    # The pooling averages over the unmasked steps only.
    expected = (steps * keep).sum(1) / keep.sum(1)
    np.testing.assert_allclose(np.asarray(theirs(x)), expected, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(ours(x)), expected, rtol=1e-5)


@pytest.mark.parametrize("name", ["dense", "sequential", "masked", "video"])
def test_keras_file_moves_both_ways(tmp_path, name):
    theirs = _randomized_keras(name)
    x = _inputs(name)
    expected = np.asarray(theirs.predict(x, verbose=0))
    theirs.save(tmp_path / "k.keras")
    ours = ember.saving.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(
        ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5
    )
    ours.save(tmp_path / "e.keras")
    back = keras.saving.load_model(tmp_path / "e.keras")
    np.testing.assert_allclose(
        back.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5
    )
    assert [type(la).__name__ for la in back.layers] == [
        type(la).__name__ for la in theirs.layers
    ]
    assert "TimeDistributed" in [type(la).__name__ for la in ours.layers]


def test_paths_in_a_sequential_built_on_first_call_equal_keras():
    x = np.zeros((2, 3, 4), "float32")
    paths = []
    for lib in (ember, keras):
        model = lib.Sequential(
            [
                lib.layers.TimeDistributed(
                    lib.layers.Dense(2, name="dense"), name="td"
                )
            ],
            name="sequential",
        )
        model(x)
        paths.append([w.path for w in model.weights])
    assert paths[0] == paths[1]
    assert paths[0] == [
        "sequential/td/dense/kernel",
        "sequential/td/dense/bias",
    ]


def test_batch_norm_training_statistics_differ_from_keras_as_documented():
    # ember folds time into the batch: one update with the statistics of
    # all batch * time samples. Keras 3 loops over the steps, updating once
    # per step with that step's statistics.
    x = np.arange(0.0, 16.0, 2.0, dtype="float32").reshape(2, 2, 2)
    moving_means = []
    for lib in (ember, keras):
        bn = lib.layers.BatchNormalization(momentum=0.9, epsilon=0.0)
        lib.layers.TimeDistributed(bn)(x, training=True)
        moving_means.append(np.asarray(bn.moving_mean.value))
    np.testing.assert_allclose(moving_means[0], 0.1 * x.reshape(4, 2).mean(0))
    # Keras: steps' means [4, 6] then [8, 10]: 0.9 * 0.1 * [4, 6] + 0.1 *
    # [8, 10].
    np.testing.assert_allclose(moving_means[1], [1.16, 1.54], rtol=1e-6)
