import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import initializers
from ember.core import config
from ember.core.seed import SeedGenerator
from ember.core.seed import set_random_seed

RANDOM_CLASSES = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotUniform,
    initializers.GlorotNormal,
    initializers.HeUniform,
    initializers.HeNormal,
    initializers.LecunUniform,
    initializers.LecunNormal,
    initializers.Orthogonal,
]
ALL_CLASSES = [
    initializers.Zeros,
    initializers.Ones,
    initializers.Constant,
    initializers.Identity,
    *RANDOM_CLASSES,
]


def test_constant_initializers_values():
    np.testing.assert_array_equal(
        initializers.Zeros()((2, 3)), np.zeros((2, 3))
    )
    np.testing.assert_array_equal(initializers.Ones()((4,)), np.ones(4))
    np.testing.assert_array_equal(
        initializers.Constant(2.5)((2, 2)), np.full((2, 2), 2.5)
    )
    np.testing.assert_array_equal(
        initializers.Identity(gain=3.0)((2, 3)),
        [[3.0, 0.0, 0.0], [0.0, 3.0, 0.0]],
    )
    np.testing.assert_array_equal(
        initializers.Constant(np.array([1.0, 2.0]))((3, 2)),
        [[1.0, 2.0]] * 3,
    )


def test_identity_needs_a_matrix():
    with pytest.raises(ValueError, match="Received: shape=\\(2, 2, 2\\)"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_shape_and_default_dtype(cls):
    values = cls()((4, 5))
    assert values.shape == (4, 5)
    assert values.dtype == jnp.dtype(config.floatx())
    assert cls()((4, 5), dtype="float16").dtype == jnp.float16


def test_integer_dtypes_for_constants():
    assert initializers.Zeros()((2,), dtype="int32").dtype == jnp.int32
    out = initializers.Constant(3)((2,), dtype="int32")
    np.testing.assert_array_equal(out, [3, 3])
    assert out.dtype == jnp.int32


def test_random_initializers_need_a_float_dtype():
    with pytest.raises(ValueError, match="float dtype"):
        initializers.RandomNormal(seed=1)((2,), dtype="int32")


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_int_seed_repeats_values(cls):
    first = cls(seed=7)((6, 4))
    np.testing.assert_array_equal(first, cls(seed=7)((6, 4)))
    init = cls(seed=7)
    np.testing.assert_array_equal(init((6, 4)), init((6, 4)))
    assert not np.allclose(first, cls(seed=8)((6, 4)))


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_no_seed_picks_a_seed_at_construction_as_keras(cls):
    set_random_seed(3)
    init = cls()
    a, b = init((6, 4)), init((6, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(cls()((6, 4)), a)
    assert init.get_config()["seed"] is None
    set_random_seed(3)
    again = cls()
    np.testing.assert_array_equal(again((6, 4)), a)


def test_seed_generator_gives_new_values_each_call():
    init = initializers.RandomUniform(seed=SeedGenerator(5))
    a, b = init((8,)), init((8,))
    assert not np.allclose(a, b)
    replay = initializers.RandomUniform(seed=SeedGenerator(5))
    np.testing.assert_array_equal(replay((8,)), a)


def test_invalid_seed():
    with pytest.raises(ValueError, match="Received: seed='x'"):
        initializers.RandomNormal(seed="x")


def test_random_normal_and_uniform_statistics():
    normal = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0)
    values = np.asarray(normal((200, 200)))
    assert abs(values.mean() - 1.0) < 0.05
    assert abs(values.std() - 2.0) < 0.05
    uniform = np.asarray(
        initializers.RandomUniform(-3.0, 1.0, seed=0)((40000,))
    )
    assert uniform.min() >= -3.0
    assert uniform.max() < 1.0
    assert abs(uniform.mean() + 1.0) < 0.05


def test_truncated_normal_is_cut_at_two_stddevs():
    init = initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=0)
    values = np.asarray(init((40000,)))
    assert values.min() >= 0.5 - 0.2 - 1e-6
    assert values.max() <= 0.5 + 0.2 + 1e-6
    # A unit normal cut at +-2 has a standard deviation of about 0.8796.
    assert abs(values.std() - 0.1 * 0.8796) < 0.003


def test_compute_fans():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((3, 5)) == (3, 5)
    # Conv kernel (3, 3, in=4, out=8): receptive field 9.
    assert initializers.compute_fans((3, 3, 4, 8)) == (36, 72)
    assert initializers.compute_fans(
        (2, 3, 4), input_axes=[0, 1], output_axes=[2]
    ) == (6, 4)


def test_glorot_uniform_bounds_and_std():
    shape = (300, 200)
    limit = math.sqrt(6.0 / (300 + 200))
    values = np.asarray(initializers.GlorotUniform(seed=1)(shape))
    assert values.min() >= -limit
    assert values.max() <= limit
    assert values.max() > 0.99 * limit
    assert abs(values.std() - limit / math.sqrt(3.0)) < 0.01 * limit


@pytest.mark.parametrize(
    ("cls", "expected_std"),
    [
        (initializers.GlorotNormal, math.sqrt(2.0 / (60 + 90))),
        (initializers.HeNormal, math.sqrt(2.0 / 60)),
        (initializers.LecunNormal, math.sqrt(1.0 / 60)),
        (initializers.HeUniform, math.sqrt(6.0 / 60) / math.sqrt(3.0)),
        (initializers.LecunUniform, math.sqrt(3.0 / 60) / math.sqrt(3.0)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_variance_scaling_family_std(cls, expected_std):
    # Conv kernel with fan_in = 3 * 20 = 60 and fan_out = 3 * 30 = 90.
    values = np.asarray(cls(seed=2)((3, 20, 30)))
    assert abs(values.std() - expected_std) < 0.05 * expected_std


def test_variance_scaling_untruncated_and_fan_out():
    init = initializers.VarianceScaling(
        scale=2.0, mode="fan_out", distribution="untruncated_normal", seed=0
    )
    values = np.asarray(init((100, 400)))
    assert abs(values.std() - math.sqrt(2.0 / 400)) < 0.02 * math.sqrt(
        2.0 / 400
    )
    assert initializers.VarianceScaling(distribution="normal").distribution == (
        "truncated_normal"
    )


def test_variance_scaling_validates_arguments():
    with pytest.raises(ValueError, match="Received: scale=0"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="Received: mode='fan'"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="Received: distribution='cauchy'"):
        initializers.VarianceScaling(distribution="cauchy")


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3), (2, 3, 4)])
def test_orthogonal(shape):
    values = np.asarray(initializers.Orthogonal(gain=2.0, seed=0)(shape))
    assert values.shape == shape
    flat = values.reshape(-1, shape[-1])
    if flat.shape[0] < flat.shape[1]:
        product = flat @ flat.T
    else:
        product = flat.T @ flat
    np.testing.assert_allclose(product, 4.0 * np.eye(len(product)), atol=1e-5)


def test_orthogonal_needs_rank_two():
    with pytest.raises(ValueError, match="rank 2 or more"):
        initializers.Orthogonal()((3,))


def test_initializers_work_under_jit():
    fn = jax.jit(lambda: initializers.GlorotUniform(seed=3)((4, 4)))
    np.testing.assert_allclose(fn(), initializers.GlorotUniform(seed=3)((4, 4)))


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("zeros", initializers.Zeros),
        ("zero", initializers.Zeros),
        ("Zeros", initializers.Zeros),
        ("ones", initializers.Ones),
        ("one", initializers.Ones),
        ("constant", initializers.Constant),
        ("identity", initializers.Identity),
        ("IdentityInitializer", initializers.Identity),
        ("glorot_uniform", initializers.GlorotUniform),
        ("glorot_normal", initializers.GlorotNormal),
        ("he_uniform", initializers.HeUniform),
        ("he_normal", initializers.HeNormal),
        ("lecun_uniform", initializers.LecunUniform),
        ("lecun_normal", initializers.LecunNormal),
        ("random_normal", initializers.RandomNormal),
        ("normal", initializers.RandomNormal),
        ("random_uniform", initializers.RandomUniform),
        ("uniform", initializers.RandomUniform),
        ("truncated_normal", initializers.TruncatedNormal),
        ("variance_scaling", initializers.VarianceScaling),
        ("orthogonal", initializers.Orthogonal),
        ("OrthogonalInitializer", initializers.Orthogonal),
    ],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_lowercase_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.zeros is initializers.Zeros
    assert initializers.he_normal is initializers.HeNormal


def test_get_other_identifiers():
    assert initializers.get(None) is None
    instance = initializers.HeNormal(seed=1)
    assert initializers.get(instance) is instance
    assert type(initializers.get(initializers.Ones)) is initializers.Ones

    def fill(shape, dtype=None):
        return jnp.full(shape, 4.0, dtype=dtype)

    assert initializers.get(fill) is fill
    from_array = initializers.get(np.arange(4.0).reshape(2, 2))
    np.testing.assert_array_equal(from_array((2, 2)), [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="cannot fill shape"):
        from_array((4,))
    with pytest.raises(ValueError, match="Could not interpret"):
        initializers.get(3)


def test_get_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="Unknown initializer") as info:
        initializers.get("glorot_unifrom")
    assert "Did you mean 'glorot_uniform'" in str(info.value)


def test_serialize_format():
    assert initializers.serialize(initializers.GlorotUniform(seed=3)) == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": 3, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }
    assert initializers.serialize(initializers.Zeros())["config"] == {}
    assert initializers.serialize(None) is None


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_serialize_round_trip(cls):
    init = cls(seed=4) if cls in RANDOM_CLASSES else cls()
    config = initializers.serialize(init)
    restored = initializers.deserialize(config)
    assert type(restored) is cls
    assert restored.get_config() == init.get_config()
    assert initializers.get(config).get_config() == init.get_config()
    np.testing.assert_array_equal(restored((3, 3)), init((3, 3)))


def test_deserialize_old_form_and_arguments():
    old = {"class_name": "RandomNormal", "config": {"mean": 1.0, "seed": 2}}
    restored = initializers.deserialize(old)
    assert restored.mean == 1.0
    assert restored.seed == 2
    constant = initializers.Constant(np.array([1.0, 2.0]))
    again = initializers.deserialize(initializers.serialize(constant))
    np.testing.assert_array_equal(again((2,)), [1.0, 2.0])
    identity = initializers.deserialize(
        initializers.serialize(initializers.Identity(gain=2.0))
    )
    assert identity.gain == 2.0


def test_seed_generator_seed_round_trips():
    init = initializers.RandomNormal(seed=SeedGenerator(9))
    config = initializers.serialize(init)
    assert config["config"]["seed"]["class_name"] == "SeedGenerator"
    assert config["config"]["seed"]["config"]["seed"] == 9
    restored = initializers.deserialize(config)
    assert isinstance(restored.seed, SeedGenerator)


def test_custom_initializer_serialization():
    class Fill(initializers.Initializer):
        def __init__(self, value):
            self.value = value

        def __call__(self, shape, dtype=None):
            return jnp.full(shape, self.value, dtype=dtype)

        def get_config(self):
            return {"value": self.value}

    config = initializers.serialize(Fill(2.0))
    assert config["class_name"] == "Fill"
    assert config["registered_name"] == "Fill"
    restored = initializers.deserialize(config, custom_objects={"Fill": Fill})
    np.testing.assert_array_equal(restored((2,)), [2.0, 2.0])
    with pytest.raises(ValueError, match="Unknown initializer: 'Fill'"):
        initializers.deserialize(config)
    assert type(restored.clone()) is Fill
