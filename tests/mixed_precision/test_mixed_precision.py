"""ember.mixed_precision: the global policy, per-layer policies and
autocast in calls, stateless calls and training."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers
from ember import mixed_precision


@pytest.fixture(autouse=True)
def _restore_global_policy():
    yield
    mixed_precision.set_global_policy("float32")


class _Probe(layers.Layer):
    """Records the dtype its weight reads as inside `call`."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.frozen = self.add_weight(
            shape=(input_shape[-1],), initializer="ones", autocast=False
        )

    def call(self, inputs):
        self.seen = (self.w.value.dtype, self.w.dtype, self.frozen.value.dtype)
        return ember.ops.multiply(inputs, self.w)


def test_the_legacy_names_are_the_config_functions():
    assert mixed_precision.Policy is ember.DTypePolicy
    assert mixed_precision.DTypePolicy is ember.dtype_policies.DTypePolicy
    assert ember.FloatDTypePolicy is ember.dtype_policies.FloatDTypePolicy
    assert mixed_precision.set_global_policy is ember.config.set_dtype_policy
    assert mixed_precision.global_policy is ember.config.dtype_policy
    assert mixed_precision.dtype_policy is ember.config.dtype_policy
    assert mixed_precision.set_dtype_policy is ember.config.set_dtype_policy


def test_layers_created_after_set_global_policy_use_it():
    before = layers.Dense(2)
    mixed_precision.set_global_policy("mixed_bfloat16")
    after = layers.Dense(2)
    assert repr(mixed_precision.global_policy()) == (
        '<DTypePolicy "mixed_bfloat16">'
    )
    assert before.dtype_policy.name == "float32"
    assert after.dtype_policy.name == "mixed_bfloat16"
    assert after.dtype == "float32" and after.variable_dtype == "float32"
    assert after.compute_dtype == "bfloat16"


@pytest.mark.parametrize(
    "dtype",
    [
        "float32",
        ember.DTypePolicy("float32"),
        {"class_name": "DTypePolicy", "config": {"name": "float32"}},
    ],
    ids=["name", "policy", "config"],
)
def test_a_layer_dtype_overrides_the_global_policy(dtype):
    mixed_precision.set_global_policy("mixed_float16")
    layer = layers.Dense(2, dtype=dtype)
    assert layer.dtype_policy == ember.DTypePolicy("float32")
    assert layer(np.ones((1, 3), "float32")).dtype == jnp.float32


def test_clear_session_resets_the_global_policy():
    mixed_precision.set_global_policy("mixed_bfloat16")
    ember.utils.clear_session()
    assert mixed_precision.global_policy().name == "float32"
    assert layers.Dense(1).dtype_policy.name == "float32"


def test_the_dtype_policy_setter():
    layer = layers.Dense(2)
    layer.dtype_policy = "mixed_bfloat16"
    assert layer.compute_dtype == "bfloat16"
    assert layer.get_config()["dtype"]["config"] == {"name": "mixed_bfloat16"}


def test_variables_read_in_the_compute_dtype_inside_call_only():
    layer = _Probe(dtype="mixed_bfloat16")
    out = layer(np.ones((2, 3), "float32"))
    assert out.dtype == jnp.bfloat16
    assert layer.seen == (jnp.bfloat16, "bfloat16", jnp.float32)
    assert layer.w.dtype == "float32" and layer.w.value.dtype == jnp.float32


def test_dense_under_mixed_bfloat16_computes_with_cast_weights():
    layer = layers.Dense(4, dtype="mixed_bfloat16")
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    out = layer(x)
    kernel = np.asarray(layer.kernel.value)
    assert layer.kernel.dtype == "float32" and kernel.dtype == np.float32
    expected = jnp.matmul(
        jnp.asarray(x, jnp.bfloat16), jnp.asarray(kernel, jnp.bfloat16)
    )
    assert out.dtype == jnp.bfloat16
    np.testing.assert_array_equal(
        np.asarray(out, "float32"), np.asarray(expected, "float32")
    )


def test_stateless_call_and_jit_autocast_and_grads_stay_float32():
    model = ember.Sequential(
        [ember.Input((3,)), layers.Dense(2, dtype="mixed_bfloat16")]
    )
    x = np.ones((4, 3), "float32")
    trainable = [v.value for v in model.trainable_variables]

    def loss(values):
        out, _ = model.stateless_call(values, [], x)
        assert out.dtype == jnp.bfloat16
        return jnp.mean(out.astype("float32") ** 2)

    grads = jax.jit(jax.grad(loss))(trainable)
    assert [g.dtype for g in grads] == [jnp.float32, jnp.float32]
    assert all(float(jnp.abs(g).sum()) > 0 for g in grads)


def test_nested_layers_follow_their_own_policy():
    class Outer(ember.Model):
        def __init__(self):
            super().__init__(dtype="mixed_bfloat16")
            self.mixed = _Probe()
            self.exact = _Probe(dtype="float32")

        def call(self, inputs):
            return self.exact(self.mixed(inputs).astype("float32"))

    model = Outer()
    out = model(np.ones((1, 2), "float32"))
    assert model.mixed.seen[0] == jnp.float32  # global policy: float32
    assert model.exact.seen[0] == jnp.float32
    assert out.dtype == jnp.float32
    mixed_precision.set_global_policy("mixed_float16")
    inner = _Probe()
    inner(np.ones((1, 2), "float32"))
    assert inner.seen[0] == jnp.float16


def test_keras_float32_islands_under_mixed_policies():
    mixed_precision.set_global_policy("mixed_bfloat16")
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    bn = layers.BatchNormalization()
    assert bn(x, training=True).dtype == jnp.bfloat16
    assert [w.dtype for w in bn.weights] == ["float32"] * 4
    # The statistics are computed in float32 from the inputs.
    np.testing.assert_allclose(
        np.asarray(bn.moving_mean.value), 0.01 * x.mean(axis=0), rtol=1e-2
    )
    embedding = layers.Embedding(5, 3)
    assert embedding(np.array([1, 2])).dtype == jnp.bfloat16
    assert embedding.embeddings.dtype == "float32"
    assert layers.Softmax()(x).dtype == jnp.bfloat16  # as Keras 3
    loss = ember.losses.SparseCategoricalCrossentropy()
    probabilities = jnp.full((2, 3), 1 / 3, jnp.bfloat16)
    assert loss(np.array([0, 1]), probabilities).dtype == jnp.float32
    assert ember.metrics.Mean().dtype == "float32"


def test_fit_under_mixed_bfloat16_keeps_float32_weights():
    mixed_precision.set_global_policy("mixed_bfloat16")
    model = ember.Sequential(
        [
            ember.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        "adam", "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    initial = [np.array(w) for w in model.weights]
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.integers(0, 3, size=32)
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert [w.dtype for w in model.weights] == ["float32"] * len(initial)
    assert all(v.dtype == "float32" for v in model.optimizer.variables[2:])
    changed = [
        not np.array_equal(a, np.asarray(w))
        for a, w in zip(initial, model.weights, strict=True)
    ]
    assert all(changed)
    assert model.predict(x, verbose=0).dtype == np.dtype(jnp.bfloat16)


def test_config_writes_the_policy_as_keras_does():
    layer = layers.Dense(2, dtype="mixed_bfloat16")
    assert layer.get_config()["dtype"] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "mixed_bfloat16"},
        "registered_name": None,
    }
    restored = layers.Dense.from_config(layer.get_config())
    assert restored.dtype_policy == layer.dtype_policy


def test_unknown_policy_name_in_a_layer_raises():
    with pytest.raises(ValueError, match="Cannot convert 'mixed_foo'"):
        layers.Dense(2, dtype="mixed_foo")


def test_losses_and_metrics_take_a_policy_as_dtype():
    loss = ember.losses.MeanSquaredError(dtype="mixed_bfloat16")
    assert loss.dtype == "bfloat16"
    assert loss(np.ones(2), np.zeros(2)).dtype == jnp.bfloat16
    metric = ember.metrics.Mean(dtype=ember.DTypePolicy("mixed_float16"))
    assert metric.dtype == "float16"
    mixed_precision.set_global_policy("mixed_bfloat16")
    # As in Keras, dtype=None means floatx, not the global policy.
    assert ember.losses.MeanSquaredError().dtype == "float32"
    assert ember.metrics.Mean().dtype == "float32"


def test_mixed_float16_compiles_with_loss_scaling_and_skips_overflows():
    assert mixed_precision.LossScaleOptimizer is (
        ember.optimizers.LossScaleOptimizer
    )
    mixed_precision.set_global_policy("mixed_float16")
    model = ember.Sequential([ember.Input((4,)), layers.Dense(3)])
    model.compile("sgd", "mse")
    assert isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)
    initial = [np.array(w) for w in model.weights]
    x = np.ones((32, 4), "float32")
    # Errors near 1000 make the scaled float16 output gradients overflow
    # (2 * 1000 / 8 * scale > 65504) for every scale from 2**15 to 2**11:
    # all four steps are skipped, each halving the scale.
    y = np.full((32, 3), 1000.0, "float32")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert float(model.optimizer.dynamic_scale.numpy()) == 2.0**11
    assert int(model.optimizer.iterations.numpy()) == 0
    for before, after in zip(initial, model.weights, strict=True):
        np.testing.assert_array_equal(before, np.asarray(after))
