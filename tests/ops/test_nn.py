import jax
import numpy as np
import pytest

from ember import ops
from ember.core import config
from ember.core.symbolic import SymbolicTensor


def _close(actual, expected, tol=1e-6):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=tol, atol=tol)


# -- activations and encodings -----------------------------------------------


def test_activation_values():
    x = np.array([-2.0, 0.0, 3.0], "float32")
    _close(ops.relu(x), [0, 0, 3])
    _close(ops.relu6(np.array([-1.0, 7.0])), [0, 6])
    _close(ops.sigmoid(np.array([0.0])), [0.5])
    _close(ops.leaky_relu(x), [-0.4, 0, 3])
    _close(ops.elu(x, alpha=2.0), [2 * (np.exp(-2) - 1), 0, 3])
    _close(ops.hard_sigmoid(x), [1 / 6, 0.5, 1])
    _close(ops.softplus(np.array([0.0])), [np.log(2)])
    _close(ops.softsign(x), [-2 / 3, 0, 0.75])
    _close(ops.silu(np.array([1.0])), [1 / (1 + np.exp(-1))])


def test_softmax_and_log_softmax():
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], "float32")
    expected = np.exp(x[0]) / np.exp(x[0]).sum()
    _close(ops.softmax(x)[0], expected)
    _close(ops.softmax(x)[1], [1 / 3] * 3)
    _close(ops.softmax(x, axis=0)[:, 1], [np.e / (np.e + 1), 1 / (np.e + 1)])
    _close(ops.log_softmax(x)[0], np.log(expected), tol=1e-5)


def test_one_hot_and_multi_hot():
    _close(
        ops.one_hot(np.array([2, 0, 5]), 3), [[0, 0, 1], [1, 0, 0], [0, 0, 0]]
    )
    assert ops.one_hot([1], 2).dtype == "float32"
    assert ops.one_hot([1], 2, axis=0).shape == (2, 1)
    _close(ops.multi_hot(np.array([[0, 2], [1, 1]]), 3), [[1, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match="num_classes"):
        ops.multi_hot([1])


# -- convolution --------------------------------------------------------------


def test_conv_valid_and_same_on_ones():
    x = np.ones((1, 4, 4, 1), "float32")
    kernel = np.ones((3, 3, 1, 1), "float32")
    _close(ops.conv(x, kernel)[0, :, :, 0], np.full((2, 2), 9.0))
    same = ops.conv(x, kernel, padding="SAME")[0, :, :, 0]
    _close(same, [[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]])
    strided = ops.conv(x, kernel, strides=2, padding="same")
    assert strided.shape == (1, 2, 2, 1)


def test_conv_strides_and_dilation_on_a_ramp():
    x = np.arange(7, dtype="float32").reshape(1, 7, 1)
    kernel = np.array([1.0, -1.0], "float32").reshape(2, 1, 1)
    _close(ops.conv(x, kernel)[0, :, 0], [-1] * 6)
    _close(ops.conv(x, kernel, strides=3)[0, :, 0], [-1, -1])
    _close(ops.conv(x, kernel, dilation_rate=3)[0, :, 0], [-3] * 4)


def test_grouped_conv_keeps_groups_apart():
    # Two groups of one channel each; group 1 sees only channel 1.
    x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))], -1)[None]
    kernel = np.ones((3, 3, 1, 2), "float32")
    _close(ops.conv(x.astype("float32"), kernel)[0, 0, 0], [9, 18])


def test_conv_channels_first_matches_channels_last():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 6, 4)).astype("float32")
    kernel = rng.standard_normal((3, 2, 2, 6)).astype("float32")
    last = ops.conv(x, kernel, strides=2, padding="same")
    first = ops.conv(
        x.transpose(0, 3, 1, 2),
        kernel,
        strides=2,
        padding="same",
        data_format="channels_first",
    )
    _close(np.asarray(first).transpose(0, 2, 3, 1), last, tol=1e-5)


def test_conv_uses_the_global_data_format():
    config.set_image_data_format("channels_first")
    try:
        out = ops.conv(np.ones((1, 2, 5, 5)), np.ones((3, 3, 2, 4)))
    finally:
        config.set_image_data_format("channels_last")
    assert out.shape == (1, 4, 3, 3)


def test_conv_ranks_1_to_3():
    assert ops.conv(np.ones((2, 8, 3)), np.ones((3, 3, 5))).shape == (2, 6, 5)
    out = ops.conv(np.ones((1, 4, 5, 6, 2)), np.ones((2, 2, 2, 2, 3)))
    assert out.shape == (1, 3, 4, 5, 3)


def test_conv_errors():
    with pytest.raises(ValueError, match="padding"):
        ops.conv(np.ones((1, 4, 1)), np.ones((2, 1, 1)), padding="causal")
    with pytest.raises(ValueError, match="divisible"):
        ops.conv(np.ones((1, 4, 3)), np.ones((2, 2, 1)))
    with pytest.raises(ValueError, match="strides"):
        ops.conv(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), strides=(1,))


def test_depthwise_and_transposed_conv_shapes():
    x = np.ones((1, 6, 6, 3), "float32")
    depthwise = ops.depthwise_conv(x, np.ones((3, 3, 3, 2), "float32"))
    assert depthwise.shape == (1, 4, 4, 6)
    _close(depthwise[0, 0, 0], [9] * 6)
    up = ops.conv_transpose(x, np.ones((3, 3, 5, 3)), strides=2)
    assert up.shape == (1, 13, 13, 5)
    up = ops.conv_transpose(x, np.ones((3, 3, 5, 3)), 2, padding="same")
    assert up.shape == (1, 12, 12, 5)


# -- pooling ------------------------------------------------------------------


def test_max_pool_values():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    _close(ops.max_pool(x, 2)[0, :, :, 0], [[5, 7], [13, 15]])
    same = ops.max_pool(-x, 3, strides=2, padding="same")[0, :, :, 0]
    _close(same, [[0, -2], [-8, -10]])
    ints = ops.max_pool(np.arange(4, dtype="int32").reshape(1, 4, 1), 2)
    _close(ints[0, :, 0], [1, 3])


def test_average_pool_same_excludes_padding():
    x = np.array([1.0, 2.0, 3.0], "float32").reshape(1, 3, 1)
    _close(ops.average_pool(x, 2, padding="same")[0, :, 0], [1.5, 3.0])
    _close(ops.average_pool(x, 2, strides=1)[0, :, 0], [1.5, 2.5])
    x2 = np.ones((1, 1, 3, 3), "float32")
    same = ops.average_pool(x2, 2, 1, "same", "channels_first")
    _close(same, np.ones((1, 1, 3, 3)))


def test_max_pool_is_differentiable():
    x = np.array([1.0, 3.0, 2.0, 0.0], "float32").reshape(1, 4, 1)
    grad = jax.grad(lambda v: ops.max_pool(v, 2).sum())(x)
    _close(grad[0, :, 0], [0, 1, 1, 0])


# -- normalization and losses -----------------------------------------------


def test_moments_and_batch_normalization():
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    mean, variance = ops.moments(x, axes=[0])
    _close(mean, [2, 4])
    _close(variance, [1, 4])
    mean, _ = ops.moments(x, axes=(0, 1), keepdims=True)
    assert mean.shape == (1, 1)
    out = ops.batch_normalization(
        x, mean=[2.0, 4.0], variance=[1.0, 4.0], axis=-1, epsilon=0.0
    )
    _close(out, [[-1, -1], [1, 1]])
    out = ops.batch_normalization(
        x.T, [2.0, 4.0], [1.0, 4.0], axis=0, offset=[1.0, 0.0], scale=[2.0, 1.0]
    )
    _close(
        out.T,
        [
            [1 - 2 / np.sqrt(1.001), -2 / np.sqrt(4.001)],
            [1 + 2 / np.sqrt(1.001), 2 / np.sqrt(4.001)],
        ],
        tol=1e-5,
    )
    with pytest.raises(NotImplementedError):
        ops.moments(x, 0, synchronized=True)


def test_moments_of_half_precision_are_computed_in_float32():
    x = np.full((4,), 300.0, "float16")
    mean, variance = ops.moments(x, axes=0)
    assert mean.dtype == "float16"
    _close(mean, 300)
    _close(variance, 0)


def test_cross_entropies():
    probs = np.array([[0.25, 0.75], [0.5, 0.5]], "float32")
    onehot = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    expected = -np.log([0.75, 0.5])
    _close(ops.categorical_crossentropy(onehot, probs), expected)
    _close(ops.sparse_categorical_crossentropy([1, 0], probs), expected)
    _close(ops.sparse_categorical_crossentropy([[1], [0]], probs), expected)
    logits = np.log(probs)
    _close(
        ops.categorical_crossentropy(onehot, logits, from_logits=True), expected
    )
    with pytest.raises(ValueError, match="same shape"):
        ops.categorical_crossentropy(onehot[:1], probs)


def test_binary_crossentropy_clips_with_epsilon():
    eps = config.epsilon()
    out = ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.0, 0.0]))
    _close(out, [-np.log(eps), -np.log(1 - eps)], tol=1e-5)
    logits = np.array([0.0, 2.0], "float32")
    from_logits = ops.binary_crossentropy([1.0, 0.0], logits, from_logits=True)
    _close(from_logits, [np.log(2), np.log1p(np.exp(2.0))], tol=1e-5)


# -- symbolic and jit --------------------------------------------------------

IMAGES = SymbolicTensor((None, 8, 8, 3))

SYMBOLIC_CASES = [
    (ops.relu, (IMAGES,), {}, (None, 8, 8, 3)),
    (ops.softmax, (IMAGES,), {}, (None, 8, 8, 3)),
    (ops.conv, (IMAGES, np.ones((3, 3, 3, 4))), {}, (None, 6, 6, 4)),
    (
        ops.conv,
        (IMAGES, SymbolicTensor((3, 3, 1, 6))),
        {"strides": 2, "padding": "same"},
        (None, 4, 4, 6),
    ),
    (ops.depthwise_conv, (IMAGES, np.ones((3, 3, 3, 2))), {}, (None, 6, 6, 6)),
    (
        ops.conv_transpose,
        (IMAGES, np.ones((2, 2, 5, 3))),
        {"strides": 2},
        (None, 16, 16, 5),
    ),
    (ops.max_pool, (IMAGES, 2), {}, (None, 4, 4, 3)),
    (
        ops.average_pool,
        (IMAGES, 3),
        {"strides": 2, "padding": "same"},
        (None, 4, 4, 3),
    ),
    (ops.one_hot, (SymbolicTensor((None,), "int32"), 5), {}, (None, 5)),
    (
        ops.sparse_categorical_crossentropy,
        (SymbolicTensor((None,), "int32"), SymbolicTensor((None, 4))),
        {},
        (None,),
    ),
    (
        ops.batch_normalization,
        (IMAGES, np.zeros(3), np.ones(3), -1),
        {},
        (None, 8, 8, 3),
    ),
]


@pytest.mark.parametrize(
    "fn, args, kwargs, expected",
    SYMBOLIC_CASES,
    ids=[c[0].__name__ for c in SYMBOLIC_CASES],
)
def test_symbolic_inputs_give_symbolic_outputs(fn, args, kwargs, expected):
    out = fn(*args, **kwargs)
    assert isinstance(out, SymbolicTensor)
    assert out.shape == expected


def test_symbolic_moments_return_a_pair():
    mean, variance = ops.moments(IMAGES, axes=[0, 1, 2])
    assert mean.shape == variance.shape == (3,)


def test_nn_ops_work_under_jit():
    def block(x, kernel):
        y = ops.relu(ops.conv(x, kernel, padding="same"))
        y = ops.max_pool(y, 2)
        mean, variance = ops.moments(y, axes=[0, 1, 2])
        return ops.batch_normalization(y, mean, variance, axis=-1)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 6, 3)).astype("float32")
    kernel = rng.standard_normal((3, 3, 3, 4)).astype("float32")
    _close(jax.jit(block)(x, kernel), block(x, kernel), tol=1e-5)


def test_max_pool_2d_is_differentiable_under_jit():
    x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    grad = jax.jit(jax.grad(lambda a: ops.max_pool(a, 2).sum()))(x)
    expected = np.zeros((4, 4))
    expected[1::2, 1::2] = 1.0
    np.testing.assert_array_equal(grad[0, ..., 0], expected)
